#!/usr/bin/env python3
"""Python-side checks of an exported ScoreScope model (used by scripts/python-examples).

    check_model.py info MODEL                       # metadata, and a forward after torch.jit.load
    check_model.py sw2 MODEL [--n 2000]             # Euler–Maruyama samples vs moons: JSON line
    check_model.py points OUT.csv                   # the fixed points "x,y" (with a header)
    check_model.py score MODEL PTS.csv --t T --out S.csv   # the model's score at the points
    check_model.py compare EXPECTED.csv GOT.csv [--tol 1e-5] [--model MODEL --t T]

`score` converts the output with scorescope_export.score_from_output (float64 after the
float32 network), the reference for what `scorescope score` must print.
"""
import argparse
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from scorescope_export import load_metadata, marginal, score_from_output, time_label  # noqa
from ddp_moons import sample_moons  # noqa: E402


def load(path):
    return torch.jit.load(path, map_location="cpu").eval(), load_metadata(path)


def model_score(module, meta, x, t):
    """∇x log p_t at x (float32 [B, ...]) for one time t, in float64."""
    tt = torch.full((x.shape[0],), float(t), dtype=torch.float64)
    with torch.no_grad():
        out = module(x.float(), time_label(meta, tt))
    return score_from_output(meta, out, x, tt)


def em_sample(module, meta, n, steps, seed):
    """The reverse SDE by Euler–Maruyama from N(0, I) at T = 1 to eps (VP, sub-VP), the last
    step's mean returned (MATH.md §4)."""
    sde = meta["sde"]
    if sde["type"] == "ve":
        raise SystemExit("sw2: this check samples VP and sub-VP models only")
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, meta["data"]["dim"], generator=g, dtype=torch.float64)
    ts = torch.linspace(1.0, sde["eps"], steps + 1, dtype=torch.float64)
    for i in range(steps):
        t, dt = ts[i].item(), (ts[i + 1] - ts[i]).item()
        beta = sde["beta_min"] + t * (sde["beta_max"] - sde["beta_min"])
        g2 = beta if sde["type"] == "vp" else beta * -math.expm1(-2 * _int_beta(sde, t))
        mean = x + (-0.5 * beta * x - g2 * model_score(module, meta, x, t)) * dt
        x = mean + math.sqrt(g2 * -dt) * torch.randn(x.shape, generator=g, dtype=torch.float64)
    return mean


def _int_beta(sde, t):
    return sde["beta_min"] * t + 0.5 * t * t * (sde["beta_max"] - sde["beta_min"])


def sliced_w2(a, b, projections=256, seed=0):
    """Sliced 2-Wasserstein distance of two equal-size point sets (core/metrics's definition)."""
    g = torch.Generator().manual_seed(seed)
    d = torch.randn(projections, a.shape[1], generator=g, dtype=torch.float64)
    d = d / d.norm(dim=1, keepdim=True)
    pa = (d @ a.double().T).sort(1).values
    pb = (d @ b.double().T).sort(1).values
    return (pa - pb).square().mean().sqrt().item()


def cmd_sw2(args):
    module, meta = load(args.model)
    samples = em_sample(module, meta, args.n, args.steps, args.seed)
    g = torch.Generator().manual_seed(args.seed + 101)
    truth, truth2 = sample_moons(args.n, g), sample_moons(args.n, g)
    print(json.dumps({"sw2": sliced_w2(samples, truth), "sw2_floor": sliced_w2(truth2, truth),
                      "sw2_prior": sliced_w2(torch.randn(args.n, 2, generator=g), truth),
                      "n": args.n, "steps": args.steps}))


def read_csv(path):
    with open(path) as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    try:
        float(lines[0].split(",")[0])
    except ValueError:
        lines = lines[1:]  # the header
    return torch.tensor([[float(v) for v in ln.split(",")] for ln in lines], dtype=torch.float64)


def write_csv(path, rows, header):
    with open(path, "w") as f:
        f.write(header + "\n")
        for r in rows.tolist():
            f.write(",".join(repr(float(v)) for v in r) + "\n")


def cmd_points(args):
    """A 9 x 9 grid over [-2.5, 2.5]² and 19 draws of the moons: 100 points."""
    g = torch.linspace(-2.5, 2.5, 9, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)
    moons = sample_moons(19, torch.Generator().manual_seed(7)).double()
    write_csv(args.out, torch.cat([grid, moons]), "x,y")


def cmd_score(args):
    module, meta = load(args.model)
    x = read_csv(args.points).float()  # ScoreScope feeds the network float32 points
    dims = ",".join(f"s{i}" for i in range(x.shape[1]))
    write_csv(args.out, model_score(module, meta, x, args.t), dims)


def cmd_compare(args):
    want, got = read_csv(args.expected), read_csv(args.got)
    if want.shape != got.shape:
        raise SystemExit(f"compare: shapes differ: {list(want.shape)} vs {list(got.shape)}")
    # The float32 network's output (ε, x0 or v: order 1) carries an absolute rounding error,
    # which the score divides by σ(t): with --model and --t the scale is max(1/σ(t), |score|),
    # i.e. that output within tol or the score within tol relative.
    floor = 1.0
    if args.model:
        _, sigma = marginal(load_metadata(args.model)["sde"], args.t)
        floor = max(1.0, 1.0 / float(sigma))
    err = ((got - want).abs() / want.abs().clamp_min(floor)).max().item()
    print(f"max |diff| / max({floor:.4g}, |score|) = {err:.3g} (tolerance {args.tol:g}), "
          f"max |diff| {(got - want).abs().max().item():.3g}, "
          f"max |score| {want.abs().max().item():.4g}")
    sys.exit(0 if err <= args.tol else 1)


def cmd_info(args):
    module, meta = load(args.model)
    d = meta["data"]
    shape = [d["dim"]] if d["kind"] == "points" else d["shape"]
    x = torch.randn([3] + shape)
    out = module(x, time_label(meta, torch.full((3,), 0.5)))
    assert out.shape == x.shape and torch.isfinite(out).all(), "bad forward after jit.load"
    print(json.dumps(meta))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("info")
    s.add_argument("model")
    s = sub.add_parser("sw2")
    s.add_argument("model")
    s.add_argument("--n", type=int, default=2000)
    s.add_argument("--steps", type=int, default=1000)
    s.add_argument("--seed", type=int, default=0)
    s = sub.add_parser("points")
    s.add_argument("out")
    s = sub.add_parser("score")
    s.add_argument("model")
    s.add_argument("points")
    s.add_argument("--t", type=float, required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("compare")
    s.add_argument("expected")
    s.add_argument("got")
    s.add_argument("--tol", type=float, default=1e-5)
    s.add_argument("--model", default="")
    s.add_argument("--t", type=float, default=1.0)
    args = p.parse_args()
    torch.set_num_threads(1)
    globals()["cmd_" + args.cmd](args)


if __name__ == "__main__":
    main()
