"""Write a PyTorch score network as a ScoreScope model file (docs/MODEL_FORMAT.md, version 1).

    from scorescope_export import export_score_model
    export_score_model(net, "model.pt", data={"kind": "points", "dim": 2},
                       sde={"type": "vp"}, output="eps", time_input="t", dataset="moons")

Needs torch only. The file is a TorchScript archive whose extra file `scorescope.json` holds the
metadata; `load_metadata` reads it back, `score_from_output` is the reference conversion of a
network's output into the score ∇x log p_t(x) that ScoreScope applies.
"""
import json
import math
import os
import tempfile
import zipfile

import torch

FORMAT = "scorescope-score-model"
VERSION = 1
META_NAME = "scorescope.json"
OUTPUTS = ("score", "eps", "x0", "v")
TIME_INPUTS = ("t", "999t", "sigma", "log_sigma")
SDE_TYPES = ("vp", "subvp", "ve")
# core/sde/sde_config.h; VE's sigma_max has no fixed default (ScoreScope derives it from the
# dataset's diameter), so it is left out when not given.
SDE_DEFAULTS = {"beta_min": 0.1, "beta_max": 20.0, "sigma_min": 0.01, "N": 1000, "eps": 1e-5}
SDE_KEYS = ("type",) + tuple(SDE_DEFAULTS) + ("sigma_max",)


def _number(where, value, positive=True):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{where} must be positive, got {value!r}")
    return value


def _check_data(data):
    if not isinstance(data, dict) or data.get("kind") not in ("points", "image"):
        raise ValueError('data must be {"kind": "points", "dim": D} or '
                         f'{{"kind": "image", "shape": [C, H, W], "range": [0, 1]}}, got {data!r}')
    if data["kind"] == "points":
        extra = set(data) - {"kind", "dim"}
        dim = data.get("dim")
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"data.dim must be a positive integer, got {dim!r}")
        clean = {"kind": "points", "dim": dim}
    else:
        extra = set(data) - {"kind", "shape", "range"}
        shape = data.get("shape")
        if (not isinstance(shape, (list, tuple)) or len(shape) != 3
                or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape)):
            raise ValueError(f"data.shape must be [C, H, W] of positive integers, got {shape!r}")
        if shape[0] not in (1, 3):
            raise ValueError(f"data.shape's channel count must be 1 or 3, got {shape[0]}")
        rng = list(data.get("range", [0, 1]))
        if rng != [0, 1]:
            raise ValueError(f"data.range must be [0, 1] in format version 1, got {rng!r}")
        clean = {"kind": "image", "shape": list(shape), "range": [0, 1]}
    if extra:
        raise ValueError(f"data has unknown keys {sorted(extra)}")
    return clean


def _check_sde(sde, dataset):
    if not isinstance(sde, dict) or sde.get("type") not in SDE_TYPES:
        got = sde.get("type") if isinstance(sde, dict) else sde
        raise ValueError(f"sde.type must be one of {', '.join(SDE_TYPES)}, got {got!r}")
    unknown = set(sde) - set(SDE_KEYS)
    if unknown:
        raise ValueError(f"sde has unknown keys {sorted(unknown)} (known: {', '.join(SDE_KEYS)})")
    clean = {"type": sde["type"], **SDE_DEFAULTS, **sde}
    for key in clean:
        if key != "type":
            _number(f"sde.{key}", clean[key])
    if isinstance(clean["N"], float) and not clean["N"].is_integer():
        raise ValueError(f"sde.N must be an integer, got {clean['N']!r}")
    clean["N"] = int(clean["N"])
    if clean["eps"] >= 1:
        raise ValueError(f"sde.eps ({clean['eps']}) must be smaller than T = 1")
    if clean["beta_min"] > clean["beta_max"]:
        raise ValueError(f"sde.beta_min ({clean['beta_min']}) must not exceed "
                         f"sde.beta_max ({clean['beta_max']})")
    if clean["type"] == "ve":
        if "sigma_max" not in clean and dataset is None:
            raise ValueError("sde.sigma_max is required for a VE model without a dataset "
                             "(ScoreScope can derive it only from a dataset's diameter)")
        if "sigma_max" in clean and clean["sigma_min"] >= clean["sigma_max"]:
            raise ValueError(f"sde.sigma_min ({clean['sigma_min']}) must be smaller than "
                             f"sde.sigma_max ({clean['sigma_max']})")
    return clean


def make_metadata(*, data, sde, output, time_input, dataset=None, classes=None,
                  class_names=None, name=None, notes=None):
    """The metadata object, validated, with the SDE's defaults filled in; ValueError if wrong."""
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, got {output!r}")
    if time_input not in TIME_INPUTS:
        raise ValueError(f"time_input must be one of {', '.join(TIME_INPUTS)}, got {time_input!r}")
    meta = {"format": FORMAT, "version": VERSION, "data": _check_data(data),
            "sde": _check_sde(sde, dataset), "output": output, "time_input": time_input}
    if classes is not None:
        if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
            raise ValueError(f"classes must be an integer of at least 2, got {classes!r}")
        meta["classes"] = classes
    if class_names is not None:
        if classes is None or len(class_names) != classes:
            raise ValueError(f"class_names must name each of the {classes} classes, "
                             f"got {len(class_names)} names")
        meta["class_names"] = [str(n) for n in class_names]
    for key, value in (("dataset", dataset), ("name", name), ("notes", notes)):
        if value is not None:
            if not isinstance(value, str) or not value:
                raise ValueError(f"{key} must be a non-empty string, got {value!r}")
            meta[key] = value
    return meta


def _dummy_inputs(meta, batch, seed=0):
    g = torch.Generator().manual_seed(seed)
    d = meta["data"]
    shape = [d["dim"]] if d["kind"] == "points" else d["shape"]
    x = torch.randn([batch] + shape, generator=g)
    t = meta["sde"]["eps"] + (1 - meta["sde"]["eps"]) * torch.rand(batch, generator=g)
    if "classes" not in meta:
        return (x, t)
    return (x, t, torch.randint(0, meta["classes"], (batch,), generator=g))


def _check_forward(module, meta):
    """A forward on a dummy batch (another size than a trace's) returns x's shape, finite."""
    n_args = len(module.forward.schema.arguments) - 1  # without self
    want = 3 if "classes" in meta else 2
    if n_args != want:
        raise ValueError(f"forward takes {n_args} inputs; a {'class-conditional ' * (want == 3)}"
                         f"model needs forward({'x, t, y' if want == 3 else 'x, t'})"
                         + ("" if want == 3 else " (or give classes= for forward(x, t, y))"))
    inputs = _dummy_inputs(meta, 5, seed=1)
    inputs = (inputs[0], time_label(meta, inputs[1])) + inputs[2:]
    try:
        with torch.no_grad():
            out = module(*inputs)
    except Exception as e:
        shapes = ", ".join(str(list(i.shape)) for i in inputs)
        raise ValueError(f"forward failed on a dummy batch of shapes {shapes}: {e}") from e
    if not isinstance(out, torch.Tensor) or out.shape != inputs[0].shape:
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(f"forward returned {got}, expected x's shape {tuple(inputs[0].shape)}")
    if not torch.isfinite(out).all():
        raise ValueError("forward returned NaN or infinite values on a dummy batch")


def export_score_model(module, path, *, data, sde, output, time_input, dataset=None,
                       classes=None, class_names=None, name=None, notes=None, method="script",
                       example_inputs=None):
    """Scripts or traces `module` (eval mode, on the CPU) and writes it with its metadata to
    `path` atomically. example_inputs (for method="trace") are (x, t[, y]) with t already the
    network's time input; by default a dummy batch of 3. Returns the metadata written."""
    meta = make_metadata(data=data, sde=sde, output=output, time_input=time_input,
                         dataset=dataset, classes=classes, class_names=class_names, name=name,
                         notes=notes)
    module = module.eval().cpu().float()
    if method == "script":
        compiled = torch.jit.script(module)
    elif method == "trace":
        if example_inputs is None:
            x, t, *y = _dummy_inputs(meta, 3)
            example_inputs = (x, time_label(meta, t), *y)
        try:
            compiled = torch.jit.trace(module, tuple(example_inputs))
        except Exception as e:
            raise ValueError(f"tracing failed on inputs of shapes "
                             f"{[list(i.shape) for i in example_inputs]}: {e}") from e
    else:
        raise ValueError(f'method must be "script" or "trace", got {method!r}')
    _check_forward(compiled, meta)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".scorescope-", suffix=".pt.tmp")
    os.close(fd)
    try:
        torch.jit.save(compiled, tmp, _extra_files={META_NAME: json.dumps(meta, indent=1)})
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return meta


def load_metadata(path):
    """The parsed scorescope.json of a model file; ValueError when it has none."""
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.endswith("/extra/" + META_NAME)]
            if not names:
                raise ValueError(f"{path}: no extra file {META_NAME} (give --model-meta)")
            meta = json.loads(z.read(names[0]).decode("utf-8"))
    except zipfile.BadZipFile as e:
        raise ValueError(f"{path}: not a TorchScript archive ({e})") from e
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(f"{path}: format {meta.get('format')!r} version {meta.get('version')!r}"
                         f", expected {FORMAT!r} version {VERSION}")
    return meta


def marginal(sde, t):
    """(a(t), σ(t)) of MATH.md §1 for a metadata `sde` object; t a float64 tensor."""
    t = torch.as_tensor(t, dtype=torch.float64)
    if sde["type"] == "ve":
        lo, hi = sde["sigma_min"], sde["sigma_max"]
        return torch.ones_like(t), lo * (hi / lo) ** t
    b0, b1 = sde["beta_min"], sde["beta_max"]
    ib = b0 * t + 0.5 * t * t * (b1 - b0)
    a = torch.exp(-0.5 * ib)
    sigma = -torch.expm1(-ib)  # sub-VP: 1 - exp(-∫β)
    return a, (sigma.sqrt() if sde["type"] == "vp" else sigma)


def time_label(meta, t):
    """What the network is fed for time t (float32 [B])."""
    t64 = torch.as_tensor(t, dtype=torch.float64)
    kind = meta["time_input"]
    if kind == "t":
        label = t64
    elif kind == "999t":
        label = 999.0 * t64
    else:
        sigma = marginal(meta["sde"], t64)[1]
        label = sigma if kind == "sigma" else sigma.log()
    return label.to(torch.float32)


def score_from_output(meta, out, x, t):
    """∇x log p_t(x) from the network's output (float64): the conversion of MATH.md's terms
    documented in docs/MODEL_FORMAT.md. t: [B]."""
    out, x = out.double(), x.double()
    a, s = marginal(meta["sde"], t)
    view = [-1] + [1] * (x.dim() - 1)
    a, s = a.view(view), s.view(view)
    kind = meta["output"]
    if kind == "score":
        return out
    if kind == "eps":
        return -out / s
    if kind == "x0":
        return (a * out - x) / (s * s)
    return -(s * x + a * out) / (s * (a * a + s * s))  # v = a·ε − σ·x0
