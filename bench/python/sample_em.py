#!/usr/bin/python3
"""Eager PyTorch baseline for bench/sample_throughput.cpp: reverse-SDE Euler–Maruyama
sampling with the default 2D MLP score, written the way one would in plain PyTorch.

Model (core/nn/mlp.cpp, MlpConfig defaults): input [x (2), sin(2π t W), cos(2π t W)] with a
fixed W of 16 frequencies → 3 × (Linear(128), SiLU) → Linear(2); score = net(x, t) / σ(t).
The weights are the C++ side's (sample_throughput --weights-out FILE, a JSON of every
parameter and buffer), so both sample with the same network.

Sampler (MATH.md §4, core/sample/pc_steps.cpp): VP SDE (βmin 0.1, βmax 20, eps 1e-5, T 1),
1000 steps at t_i = linspace(T, eps, 1000), Δt = −T/1000:
  x̄ = x + [f − g² s] Δt,  x = x̄ + g √|Δt| z,  f = −½ β(t) x, g = √β(t),
under torch.no_grad(), restarting from the prior draw when the 1000 steps are done.

Prints one JSON object: particle-evaluations/s (median of --reps timed runs of --seconds
each) per particle count, the achieved matmul GFLOP/s (model FLOPs: 2·37376 per evaluation)
and the sgemm peak measured in the same process with the same threads.
"""
import argparse
import json
import math
import os
import statistics
import time

import torch

BETA_MIN, BETA_MAX, EPS, T_END, STEPS = 0.1, 20.0, 1e-5, 1.0, 1000
DIM, WIDTH, DEPTH, TIME_FEATURES = 2, 128, 3, 32


def marginal_std(t):
    log_mean = -0.25 * t * t * (BETA_MAX - BETA_MIN) - 0.5 * t * BETA_MIN
    return torch.sqrt(-torch.expm1(2.0 * log_mean))


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("time_W", torch.zeros(TIME_FEATURES // 2))
        dims = [DIM + TIME_FEATURES] + [WIDTH] * DEPTH
        self.hidden = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.out = torch.nn.Linear(WIDTH, DIM)

    def forward(self, x, t):
        pt = torch.outer(t, self.time_W).mul_(2 * math.pi)
        h = torch.cat([x, pt.sin(), pt.cos()], 1)
        for layer in self.hidden:
            h = torch.nn.functional.silu(layer(h))
        return self.out(h)


def load_weights(net, path):
    """The C++ names: hidden{i}.weight/bias, out.weight/bias, time_W."""
    doc = json.load(open(path))
    state = {}
    for name, entry in doc.items():
        key = name
        if name.startswith("hidden"):
            i, rest = name[len("hidden"):].split(".", 1)
            key = "hidden.%s.%s" % (i, rest)
        state[key] = torch.tensor(entry["data"], dtype=torch.float32).reshape(entry["shape"])
    net.load_state_dict(state)


def model_flops():
    return 2.0 * ((DIM + TIME_FEATURES) * WIDTH + (DEPTH - 1) * WIDTH * WIDTH + WIDTH * DIM)


class Sampler:
    def __init__(self, net, n, seed=1):
        self.net = net
        gen = torch.Generator().manual_seed(seed)
        self.x_T = torch.randn(n, DIM, generator=gen)
        self.gen = torch.Generator().manual_seed(seed + 1)
        self.times = torch.linspace(T_END, EPS, STEPS, dtype=torch.float64).tolist()
        self.dt = -T_END / STEPS
        self.rewind()

    def rewind(self):
        self.x = self.x_T.clone()
        self.k = 0

    @torch.no_grad()
    def step(self):
        if self.k >= STEPS:
            self.rewind()
        x = self.x
        t = torch.full((x.shape[0],), self.times[self.k])
        score = self.net(x, t) / marginal_std(t)[:, None]
        beta = BETA_MIN + t * (BETA_MAX - BETA_MIN)
        g = torch.sqrt(beta)[:, None]
        drift = -0.5 * beta[:, None] * x - g * g * score
        x_mean = x + drift * self.dt
        z = torch.randn(x.shape, generator=self.gen)
        self.x = x_mean + g * math.sqrt(-self.dt) * z
        self.k += 1


def sgemm_peak(n=1024, reps=3):
    a, b = torch.randn(n, n), torch.randn(n, n)
    c = torch.empty(n, n)
    for _ in range(3):
        torch.mm(a, b, out=c)
    best = 0.0
    for _ in range(reps):
        iters, t0 = 0, time.perf_counter()
        while True:
            torch.mm(a, b, out=c)
            iters += 1
            el = time.perf_counter() - t0
            if el >= 0.3:
                break
        best = max(best, 2.0 * n ** 3 * iters / el / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--particles", default="10000,100000")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--weights", required=True, help="sample_throughput --weights-out FILE")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    net = Mlp()
    load_weights(net, args.weights)
    net.eval()
    peak = sgemm_peak()
    flops = model_flops()
    results = []
    for n in [int(s) for s in args.particles.split(",")]:
        s = Sampler(net, n)
        t0, warm = time.perf_counter(), 0
        while warm < 2 or time.perf_counter() - t0 < 0.3 * args.seconds:
            s.step()
            warm += 1
        rates = []
        for _ in range(args.reps):
            k, t0 = 0, time.perf_counter()
            while True:
                s.step()
                k += 1
                el = time.perf_counter() - t0
                if el >= args.seconds:
                    break
            rates.append(k * n / el)
        pe = statistics.median(rates)
        gflops = pe * flops / 1e9
        results.append({"threads": args.threads, "particles": n, "evals_per_s": pe, "gflops": gflops,
                        "peak_gflops": peak, "pct_peak": 100.0 * gflops / peak, "reps": rates})
    print(json.dumps({"impl": "python-eager", "torch": torch.__version__,
                      "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                      "model_flops_per_eval": flops, "results": results}))


if __name__ == "__main__":
    main()
