#!/usr/bin/env python3
"""Why the bundled image model's PF-ODE ends in speckle: the evidence (issue 20).

    build/app/scorescope export --model assets/models/fashion-mnist-small.pt --out out/fm.ts
    python3 bench/image_quality/speckle.py --model out/fm.ts --out bench/image_quality/speckle.json

Works on a TorchScript score model in docs/MODEL_FORMAT.md's format (VP, output "eps" or
"score", time input "t"), Fashion-MNIST from Debian's dataset-fashion-mnist, in float64 where
the sums need it. Three measurements:

1. The score's error against t: on test images x0 and their noised x = a x0 + σz, the model's
   noise estimate ε̂ against the true z (the denoising loss per pixel: 1 means "no better than
   predicting 0"), and on training images against the exact empirical score of a subset that
   holds them (ε̂_emp = (x − a x̂0_emp)/σ, x̂0_emp the softmax-weighted mean of the subset).
2. PF-ODE runs of the same noise (seed 2, 16 draws, as the issue) with RK45 (rtol = atol =
   1e-5, one step size for the batch as the reference's scipy call), recording each draw's
   total variation per pixel (mean |Δx| across plus mean |Δy| down) of x and of its Tweedie
   estimate x̂0 = (x + σ² s)/a along t.
3. What changes the ending: ε (1e-5, the model's; 1e-3, the reference's sampling ε), the final
   denoising step (x̂0 at ε), and a fixed grid of Heun steps.
"""
import argparse
import gzip
import json
import math
import struct
import time

import torch

FASHION = "/usr/share/datasets/fashion-mnist/"


def read_images(name, count):
    with gzip.open(FASHION + name, "rb") as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        n = min(n, count)
        data = f.read(n * h * w)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).view(n, 1, h, w).double() / 255


def tv(x):
    """Total variation per pixel of each image: mean |Δx| across plus mean |Δy| down."""
    return ((x[..., :, 1:] - x[..., :, :-1]).abs().mean((1, 2, 3)) +
            (x[..., 1:, :] - x[..., :-1, :]).abs().mean((1, 2, 3)))


class VpModel:
    def __init__(self, path):
        files = {"scorescope.json": ""}
        self.net = torch.jit.load(path, _extra_files=files).eval()
        self.meta = json.loads(files["scorescope.json"])
        sde = self.meta["sde"]
        if sde["type"] != "vp" or self.meta["time_input"] != "t":
            raise SystemExit("this diagnosis takes VP models with time input t")
        self.b0, self.b1 = sde.get("beta_min", 0.1), sde.get("beta_max", 20.0)
        self.eps = sde.get("eps", 1e-5)
        self.exact, self.exact_above, self.exact_below = None, 2.0, -1.0

    def log_a(self, t):
        return -0.25 * t * t * (self.b1 - self.b0) - 0.5 * t * self.b0

    def a_sigma(self, t):
        a = math.exp(self.log_a(t))
        return a, math.sqrt(max(1 - a * a, 0.0))

    def beta(self, t):
        return self.b0 + t * (self.b1 - self.b0)

    @torch.no_grad()
    def eps_hat(self, x, t):
        """ε̂ = −σ s: the exact empirical one where t is in `exact_above` or `exact_below` of
        the `exact` data set, else the network's (float64 out, float32 through the net)."""
        if self.exact is not None and (t > self.exact_above or t < self.exact_below):
            return empirical_eps(x, t, self.exact, self)
        tt = torch.full((x.shape[0],), t, dtype=torch.float32)
        out = self.net(x.float(), tt).double()
        if self.meta["output"] == "eps":
            return out
        if self.meta["output"] == "score":
            return -self.a_sigma(t)[1] * out
        raise SystemExit("output must be eps or score")


def empirical_eps(x, t, data, model):
    """ε̂ of the exact empirical score of `data` at x (x̂0 = softmax-weighted mean)."""
    a, s = model.a_sigma(t)
    flat, d = x.flatten(1), data.flatten(1)
    logits = (2 * a * flat @ d.T - a * a * (d * d).sum(1)) / (2 * s * s)
    w = torch.softmax(logits, dim=1)
    x0 = (w @ d).view_as(x)
    return (x - a * x0) / s


def score_error(model, times, n, subset):
    test, train = read_images("t10k-images-idx3-ubyte.gz", n), read_images(
        "train-images-idx3-ubyte.gz", subset)
    g = torch.Generator().manual_seed(0)
    rows = []
    for t in times:
        a, s = model.a_sigma(t)
        z = torch.randn(test.shape, generator=g, dtype=torch.float64)
        e = model.eps_hat(a * test + s * z, t)
        zt = torch.randn((n,) + train.shape[1:], generator=g, dtype=torch.float64)
        xt = a * train[:n] + s * zt
        em = model.eps_hat(xt, t)
        ee = empirical_eps(xt, t, train, model)
        rows.append({
            "t": t, "sigma": s,
            "model_vs_noise_test": ((e - z) ** 2).mean().item(),
            "model_vs_empirical_train": ((em - ee) ** 2).mean().item(),
            "empirical_vs_noise_train": ((ee - zt) ** 2).mean().item(),
            # What the PF-ODE's drift feels: the error of x̂0 = (x − σε̂)/a, RMS per pixel.
            "x0hat_rms_error_train": (s / a) * ((em - ee) ** 2).mean().sqrt().item(),
        })
        print("t %.0e σ %.1e  model−z (test) %.4f  model−empirical (train) %.4f  x̂0 RMS %.3f" %
              (t, s, rows[-1]["model_vs_noise_test"], rows[-1]["model_vs_empirical_train"],
               rows[-1]["x0hat_rms_error_train"]), flush=True)
    return rows


def drift(model, x, t):
    """PF-ODE drift of VP: −½β(t)(x + s) = −½β(t)(x − ε̂/σ)."""
    _, s = model.a_sigma(t)
    return -0.5 * model.beta(t) * (x - model.eps_hat(x, t) / s)


# Dormand–Prince 5(4), as scipy's RK45 (the reference's ODE sampler) with one step for the batch.
C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]
A = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
     [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
     [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
     [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]
B = A[6] + [0]
E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40]


def rk45(model, x, t0, t1, tol, record):
    t, h, nfe = t0, -1e-3, 0
    k1 = drift(model, x, t)
    nfe += 1
    while t > t1:
        h = max(h, t1 - t)
        ks = [k1]
        for i in range(1, 7):
            xi = x + h * sum(A[i][j] * ks[j] for j in range(i))
            ks.append(drift(model, xi, t + C[i] * h))
        nfe += 6
        xn = x + h * sum(B[j] * ks[j] for j in range(7))
        err = h * sum(E[j] * ks[j] for j in range(7))
        scale = tol + tol * torch.maximum(x.abs(), xn.abs())
        r = (err / scale).pow(2).mean().sqrt().item()
        if r <= 1:
            t, x, k1 = t + h, xn, ks[6]
            record(t, x, k1)
        h *= min(5.0, max(0.2, 0.9 * (1 / max(r, 1e-10)) ** 0.2))
    return x, nfe


def heun(model, x, t0, t1, steps):
    ts = torch.linspace(t0, t1, steps + 1).tolist()
    for i in range(steps):
        h = ts[i + 1] - ts[i]
        d1 = drift(model, x, ts[i])
        xe = x + h * d1
        x = x + 0.5 * h * (d1 + drift(model, xe, ts[i + 1]))
    return x, 2 * steps


def tweedie(model, x, t):
    a, s = model.a_sigma(t)
    return (x - s * model.eps_hat(x, t)) / a


def summary(x):
    v = tv(x.clamp(0, 1))
    return {"tv": [round(u, 3) for u in v.tolist()], "speckle_tiles": int((v > 0.40).sum()),
            "median_tv": round(v.median().item(), 4)}


def ode_runs(model, n, seed):
    g = torch.Generator().manual_seed(seed)
    z = torch.randn((n, 1, 28, 28), generator=g, dtype=torch.float64)
    runs, trace = {}, []

    def record(t, x, _):
        trace.append({"t": t, "tv_x": tv(x.clamp(0, 1)).tolist(),
                      "tv_x0hat": tv(tweedie(model, x, t).clamp(0, 1)).tolist()})

    for eps in (model.eps, 1e-3):
        start = time.time()
        x, nfe = rk45(model, z.clone(), 1.0, eps, 1e-5, record if eps == model.eps else
                      lambda *a: None)
        runs["rk45 eps %g" % eps] = dict(summary(x), nfe=nfe, seconds=round(time.time() - start))
        runs["rk45 eps %g + denoise" % eps] = dict(summary(tweedie(model, x, eps)), nfe=nfe + 1)
        print(eps, runs["rk45 eps %g" % eps]["median_tv"], runs["rk45 eps %g" % eps]["speckle_tiles"],
              runs["rk45 eps %g + denoise" % eps]["speckle_tiles"])
    x, nfe = heun(model, z.clone(), 1.0, 1e-3, 50)
    runs["heun 50 eps 1e-3 + denoise"] = dict(summary(tweedie(model, x, 1e-3)), nfe=nfe + 1)
    # Which end decides: the exact empirical score of the whole training set above (or
    # below) a switch time, the network elsewhere.
    model.exact = read_images("train-images-idx3-ubyte.gz", 60000)
    for above, below in ((0.9, -1), (0.7, -1), (0.5, -1), (2.0, 0.5), (2.0, 0.1)):
        model.exact_above, model.exact_below = above, below
        x, nfe = rk45(model, z.clone(), 1.0, 1e-3, 1e-5, lambda *a: None)
        name = "rk45 eps 1e-3, exact score for t %s" % (
            "> %g" % above if above < 2 else "< %g" % below)
        runs[name] = dict(summary(x), nfe=nfe)
        print(name, runs[name]["speckle_tiles"], runs[name]["median_tv"], flush=True)
    model.exact = None
    return runs, trace


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--n", type=int, default=16)
    p.add_argument("--seed", type=int, default=2)
    p.add_argument("--subset", type=int, default=10000)
    p.add_argument("--score-only", action="store_true", help="measurement 1 alone")
    a = p.parse_args()
    torch.set_num_threads(2)
    model = VpModel(a.model)
    times = [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    result = {"score_error": score_error(model, times, 256, a.subset)}
    if not a.score_only:
        result["ode"], result["trace"] = ode_runs(model, a.n, a.seed)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
