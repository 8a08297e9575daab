"""The cases bad_inputs.py runs: (group, arguments, expectation, output files that must not
appear, or must for the controls). Each command starts from a small valid call (a few
hundred points, a few steps) and changes one thing, so a case that is wrongly accepted still
ends within the time bound."""
import os

BAD_NUMBERS = ["abc", "", "nan", "inf", "-inf", "1e400"]


def cases(f, tmp):
    out_csv = os.path.join(tmp, "out.csv")
    out_pt = os.path.join(tmp, "out.pt")
    out_png = os.path.join(tmp, "out.png")
    out_json = os.path.join(tmp, "out.json")
    sample = ["sample", "--score", "exact", "--data", "moons", "--n", "200", "--steps", "10",
              "--out", out_csv]
    train = ["train", "--data", "moons", "--steps", "5", "--batch", "64", "--out", out_pt]
    nll = ["nll", "--score", "exact", "--data", "moons", "--n", "20", "--rtol", "1e-3",
           "--atol", "1e-3"]
    render = ["render", "--data", "moons", "--particles", "500", "--size", "160x100",
              "--out", out_png]
    solvers = ["solvers", "--score", "exact", "--data", "moons", "--particles", "200",
               "--nfe", "5,10", "--solvers", "euler,heun", "--out", out_json]
    score = ["score", "--model", f["ckpt"], "--points", f["onepoint"], "--t", "0.5",
             "--out", out_csv]
    out = []

    def refuse(group, base, changes, outs):
        out.append((group, with_changes(base, changes), "refused", outs))

    def accept(group, base, changes, outs):
        out.append((group, with_changes(base, changes), "accepted", outs))

    # Controls: the bases themselves run and write their output.
    accept("control", sample, {}, [out_csv])
    accept("control", train, {}, [out_pt])
    accept("control", render, {}, [out_png])
    accept("control", solvers, {}, [out_json])
    accept("control", score, {}, [out_csv])

    # Numbers: unparsable everywhere, out of range where the range is stated.
    numeric = {
        "sample": (sample, [out_csv], {
            "--n": ["0", "-1", "1e18", "100000000000"], "--steps": ["0", "-5", "1e12"],
            "--eps": ["0", "-1", "2"], "--N": ["0", "-1"], "--snr": ["-1"],
            "--corrector-steps": ["-1"], "--rtol": ["0", "-1"], "--atol": ["0", "-1"],
            "--beta-min": ["-1"], "--beta-max": ["-1"], "--sigma-min": ["0", "-1"],
            "--sigma-max": ["-1"], "--particles": ["0", "-1"], "--threads": ["-1", "100000"],
            "--eta": ["-1", "2"], "--churn": ["-1"], "--rho": ["0", "-1"], "--seed": ["-1"],
        }),
        "train": (train, [out_pt], {
            "--steps": ["0", "-1", "1e12"], "--batch": ["0", "-1", "100000000"],
            "--lr": ["0", "-1"], "--width": ["0", "-1", "100000000"],
            "--depth": ["0", "-1", "100000"], "--ema": ["-0.5", "1.5"],
            "--warmup": ["-1"], "--clip": ["-1"], "--cfg-dropout": ["-0.1", "1.5"],
            "--eps": ["0", "-1", "2"], "--particles": ["0", "-1"],
        }),
        "render": (render, [out_png], {
            "--t": ["-1", "2"], "--size": ["0x0", "abcxdef", "100000x100000", "160"],
            "--frames": ["-1", "100000"], "--fps": ["0", "-1", "1000"],
            "--supersample": ["0", "9"], "--arrow-length": ["-1"], "--arrow-scale": ["-1"],
            "--particles": ["0", "-1", "1e18"], "--move": ["-1", "3"],
        }),
        "nll": (nll, [], {"--n": ["0", "-1"], "--rtol": ["0", "-1"], "--probes": ["0", "-1"]}),
        "solvers": (solvers, [out_json], {
            "--nfe": ["0", "-5", "5,abc", ""], "--particles": ["0", "-1"],
            "--reference-tol": ["0", "-1"], "--size": ["0x0"],
        }),
        "score": (score, [out_csv], {"--t": ["-1", "2"]}),
    }
    for cmd, (base, outs, flags) in numeric.items():
        for flag, values in flags.items():
            for v in values + ([b for b in BAD_NUMBERS if flag not in ("--size", "--nfe")]
                               if flag in ("--n", "--steps", "--eps", "--lr", "--t", "--batch",
                                           "--rtol") else []):
                refuse("number", base, {flag: v}, outs)

    # Words: unknown choices.
    for base, outs, flag in [(sample, [out_csv], "--sampler"), (sample, [out_csv], "--predictor"),
                             (sample, [out_csv], "--corrector"), (sample, [out_csv], "--solver"),
                             (sample, [out_csv], "--schedule"), (sample, [out_csv], "--sde"),
                             (sample, [out_csv], "--device"), (sample, [out_csv], "--score"),
                             (train, [out_pt], "--net"), (train, [out_pt], "--preset"),
                             (train, [out_pt], "--weighting"), (train, [out_pt], "--objective"),
                             (train, [out_pt], "--precondition"),
                             (train, [out_pt], "--sde"), (render, [out_png], "--field"),
                             (render, [out_png], "--colour"), (render, [out_png], "--mode"),
                             (render, [out_png], "--density-source"),
                             (render, [out_png], "--sampler"),
                             (nll, [], "--divergence"), (solvers, [out_json], "--solvers")]:
        for v in ["bogus", ""]:
            refuse("choice", base, {flag: v}, outs)
    refuse("choice", sample, {"--device": "cuda"}, [out_csv])  # no CUDA here
    refuse("choice", train, {"--precondition": "edm"}, [out_pt])  # the 2D MLP has none

    # Data: missing, empty and malformed files of every kind the loaders take.
    data_bad = ["no-such-toy", os.path.join(tmp, "missing.csv"), os.path.join(tmp, "missing/"),
                f["empty_points"], f["words"], f["nan"], f["inf"], f["onecol"],
                f["ragged"], f["huge"], f["mix_bad_json"], f["mix_empty"], f["mix_negstd"],
                f["mix_hugemean"], f["mix_hugestd"], f["mix_negweight"], f["mix_3d"],
                f["mix_words"], f["mix_mismatch"], f["imgs_empty"], f["imgs_corrupt"],
                os.path.join(tmp, "missing.json")]
    for d in data_bad:
        refuse("data", sample, {"--data": d}, [out_csv])
        refuse("data", train, {"--data": d}, [out_pt])
    for d in data_bad[:10]:
        refuse("data", render, {"--data": d}, [out_png])
        refuse("data", nll, {"--data": d}, [])

    # Models: missing, not a checkpoint, damaged, lying about itself, the wrong kind.
    models = [os.path.join(tmp, "missing.pt"), f["empty"], f["random"], f["text"], f["half"],
              f["head"], f["flipped"], f["cut"], f["width"], f["dir"], f["onepoint"]]
    sample_model = ["sample", "--data", "moons", "--n", "200", "--steps", "10", "--out", out_csv]
    for m in models:
        refuse("model", sample_model, {"--model": m}, [out_csv])
        refuse("model", nll[:1] + ["--data", "moons", "--n", "20"], {"--model": m}, [])
        refuse("model", render, {"--model": m, "--field": "learned"}, [out_png])
        refuse("model", score, {"--model": m}, [out_csv])
        refuse("model", ["export", "--out", out_pt], {"--model": m}, [out_pt])
    refuse("model", sample_model, {"--model": f["ckpt"], "--score": "exact"}, [out_csv])
    refuse("model", ["sample", "--data", "moons", "--n", "10", "--out", out_csv],
           {"--model": "assets/models/fashion-mnist-small.pt"}, [out_csv])
    refuse("model", render, {"--model": "assets/models/fashion-mnist-small.pt",
                             "--field": "learned"}, [out_png])
    # train --from: every damaged model refused; flags that would change the model refused.
    train_from = ["train", "--steps", "5", "--out", out_pt]
    for m in models:
        refuse("model", train_from, {"--from": m}, [out_pt])
    for flag, v in [("--data", "moons"), ("--sde", "ve"), ("--width", "64"), ("--seed", "3"),
                    ("--limit", "10"), ("--preset", "large"), ("--eps", "1e-3")]:
        refuse("combination", train_from, {"--from": f["ckpt"], flag: v}, [out_pt])
    refuse("number", train_from, {"--from": f["ckpt"], "--lr": "0"}, [out_pt])
    refuse("model", sample_model, {"--model": f["ckpt"], "--class": "3"}, [out_csv])
    refuse("model", sample_model, {"--model": f["ckpt"], "--cfg": "2"}, [out_csv])

    # Scenes.
    scene_render = ["render", "--size", "160x100", "--out", out_png]
    for s in ["scene_bad", "scene_other", "scene_hugesteps", "scene_baddata", "empty", "random"]:
        refuse("scene", scene_render, {"--scene": f[s]}, [out_png])
    # A scene's out-of-range or mistyped value is a warning naming it (the window's status
    # line shows the same), the default kept.
    for s, named in [("scene_future", "version 99"), ("scene_hugeN", "sde.N"),
                     ("scene_negsteps", "sampler: steps"), ("scene_types", "data.name")]:
        out.append(("scene", with_changes(scene_render, {"--scene": f[s]}), "warned:" + named,
                    [out_png]))
    refuse("scene", ["render", "--size", "160x100", "--out", out_png],
           {"--scene": os.path.join(tmp, "missing.json")}, [out_png])
    refuse("scene", ["render", "--size", "160x100", "--out", out_png],
           {"--scene": "assets/scenes/03-reverse-sde-vs-ode.json", "--stage": "99"}, [out_png])

    # Combinations that cannot be honoured.
    refuse("combination", sample, {"--sampler": "ode", "--predictor": "euler-maruyama",
                                   "--corrector": "langevin"}, [out_csv])
    refuse("combination", render, {"--mode": "ode", "--sampler": "pc"}, [out_png])
    refuse("combination", sample, {"--inpaint": "left"}, [out_csv])
    refuse("combination", sample, {"--colorize": ""}, [out_csv])
    refuse("combination", sample, {"--sde": "ve", "--sigma-min": "2", "--sigma-max": "1"},
           [out_csv])
    refuse("combination", sample, {"--beta-min": "30", "--beta-max": "1"}, [out_csv])
    refuse("combination", train, {"--conditional": None, "--data": "swissroll"}, [out_pt])
    refuse("combination", render, {"--step-through": None}, [out_png])
    refuse("combination", solvers, {"--solvers": "euler-maruyama"}, [out_json])
    refuse("combination", solvers, {"--plot": os.path.join(tmp, "p.jpg")}, [out_json])

    # Outputs it cannot write, or in a format the name does not say.
    nodir = os.path.join(tmp, "no-such-dir", "x")
    for base, outs, ext in [(sample, [out_csv], ".csv"), (train, [out_pt], ".pt"),
                            (render, [out_png], ".png"), (solvers, [out_json], ".json")]:
        refuse("output", base, {"--out": nodir + ext}, [nodir + ext])
        refuse("output", base, {"--out": tmp}, [])  # a folder
        if ext in (".png", ".csv"):
            bad = os.path.join(tmp, "x.xyz")
            refuse("output", base, {"--out": bad}, [bad])
    gif = os.path.join(tmp, "x.gif")
    refuse("output", render, {"--out": gif, "--frames": "0"}, [gif])
    refuse("output", render, {"--out": os.path.join(tmp, "x.jpg")}, [os.path.join(tmp, "x.jpg")])

    # Points for `score`.
    for p in ["empty_points", "words", "nan", "onecol", "ragged"]:
        refuse("points", score, {"--points": f[p]}, [out_csv])
    refuse("points", score, {"--points": os.path.join(tmp, "missing.csv")}, [out_csv])

    # Flags a command does not take, and stray arguments.
    for base, outs in [(sample, [out_csv]), (train, [out_pt]), (render, [out_png])]:
        refuse("flag", base, {"--no-such-flag": "1"}, outs)
        refuse("flag", base + ["stray"], {}, outs)
    return out


def with_changes(base, changes):
    """base with each flag set to its value (replaced if present, appended if not; a value
    of None: a bare flag)."""
    args = list(base)
    for flag, value in changes.items():
        if flag in args:
            k = args.index(flag)
            if value is None:
                continue
            args[k + 1] = value
        else:
            args += [flag] if value is None else [flag, value]
    return args
