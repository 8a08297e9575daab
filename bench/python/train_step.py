#!/usr/bin/python3
"""Eager PyTorch baseline for bench/train_throughput.cpp: the same training step as
ss::train::TrainStep with the default 2D MLP, written the way one would in plain PyTorch.

Model (core/nn/mlp.cpp, MlpConfig defaults): input [x (2), sin(2π t W), cos(2π t W)] with a
fixed W ~ N(0, 16²) of 16 frequencies → 3 × (Linear(128), SiLU) → Linear(2); score =
net(x, t) / σ(t). Loss (core/train/losses.cpp): σ²-weighted denoising score matching on the VP
SDE (βmin 0.1, βmax 20, eps 1e-5): x_t = a(t) x0 + σ(t) z, t ~ U(eps, 1), per sample
‖σ s + z‖² summed over dimensions, mean over the batch. Step (core/train/train_step.cpp):
batch drawn with randint + index_select from a 65536-point set, loss.item(), zero_grad,
backward, clip_grad_norm_(1.0), warm-up lr, Adam(lr 2e-3), EMA of the weights (decay
min(0.999, (1+n)/(10+n))).

Prints one JSON object: steps/s (median of --reps timed runs of --seconds each) per batch,
the achieved matmul GFLOP/s (3 × forward FLOPs per step) and the sgemm peak measured in the
same process with the same threads.
"""
import argparse
import json
import math
import os
import statistics
import time

import torch

BETA_MIN, BETA_MAX, EPS, T_END = 0.1, 20.0, 1e-5, 1.0
DIM, WIDTH, DEPTH, TIME_FEATURES, TIME_SCALE = 2, 128, 3, 32, 16.0


def marginal(t):
    log_mean = -0.25 * t * t * (BETA_MAX - BETA_MIN) - 0.5 * t * BETA_MIN
    return torch.exp(log_mean), torch.sqrt(-torch.expm1(2.0 * log_mean))


class Mlp(torch.nn.Module):
    def __init__(self, gen):
        super().__init__()
        self.register_buffer("time_W", torch.randn(TIME_FEATURES // 2, generator=gen) * TIME_SCALE)
        dims = [DIM + TIME_FEATURES] + [WIDTH] * DEPTH
        self.hidden = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.out = torch.nn.Linear(WIDTH, DIM)

    def forward(self, x, t):
        pt = torch.outer(t, self.time_W).mul_(2 * math.pi)
        h = torch.cat([x, pt.sin(), pt.cos()], 1)
        for layer in self.hidden:
            h = torch.nn.functional.silu(layer(h))
        return self.out(h)


def forward_flops(batch):
    macs = (DIM + TIME_FEATURES) * WIDTH + (DEPTH - 1) * WIDTH * WIDTH + WIDTH * DIM
    return 2.0 * batch * macs


class Trainer:
    def __init__(self, batch, seed=0, lr=2e-3, warmup=100, ema_decay=0.999, clip=1.0):
        self.gen = torch.Generator().manual_seed(seed + 0x5EED)
        init = torch.Generator().manual_seed(seed)
        self.net = Mlp(init)
        self.ema = Mlp(init)
        self.ema.load_state_dict(self.net.state_dict())
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.params = list(self.net.parameters())
        self.ema_params = list(self.ema.parameters())
        self.opt = torch.optim.Adam(self.params, lr=lr)
        self.data = torch.randn(65536, DIM, generator=init) * 2.0
        self.batch, self.lr, self.warmup, self.decay, self.clip = batch, lr, warmup, ema_decay, clip
        self.steps = 0

    def step(self):
        b = self.batch
        idx = torch.randint(self.data.shape[0], (b,), generator=self.gen)
        x0 = self.data.index_select(0, idx)
        t = EPS + (T_END - EPS) * torch.rand(b, generator=self.gen)
        a, sigma = marginal(t)
        z = torch.randn(x0.shape, generator=self.gen)
        sigma = sigma.reshape(-1, 1)
        xt = a.reshape(-1, 1) * x0 + sigma * z
        # λ(t) = σ²: λ‖s + z/σ‖² = ‖σ s + z‖², s = net / σ.
        score = self.net(xt, t) / sigma
        loss = ((sigma * score + z) ** 2).sum(1).mean()
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            return loss_value
        self.opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        for group in self.opt.param_groups:
            group["lr"] = self.lr * min(1.0, (self.steps + 1) / self.warmup)
        self.opt.step()
        self.steps += 1
        d = min(self.decay, (1.0 + self.steps) / (10.0 + self.steps))
        with torch.no_grad():
            for e, p in zip(self.ema_params, self.params):
                e.mul_(d).add_(p, alpha=1.0 - d)
        return loss_value


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
    ap.add_argument("--batches", default="512,4096")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--profile", help="write a Chrome trace of 200 steps at the first batch size")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.profile:
        tr = Trainer(int(args.batches.split(",")[0]))
        for _ in range(50):
            tr.step()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            for _ in range(200):
                with torch.profiler.record_function("train_step"):
                    tr.step()
        prof.export_chrome_trace(args.profile)
        return
    peak = sgemm_peak()
    results = []
    for b in [int(s) for s in args.batches.split(",")]:
        tr = Trainer(b)
        t0, warm = time.perf_counter(), 0
        while warm < 10 or time.perf_counter() - t0 < 0.3 * args.seconds:
            tr.step()
            warm += 1
        rates = []
        for _ in range(args.reps):
            n, t0 = 0, time.perf_counter()
            while True:
                tr.step()
                n += 1
                el = time.perf_counter() - t0
                if el >= args.seconds:
                    break
            rates.append(n / el)
        sps = statistics.median(rates)
        gflops = 3.0 * forward_flops(b) * sps / 1e9
        results.append({"threads": args.threads, "batch": b, "steps_per_s": sps, "gflops": gflops,
                        "peak_gflops": peak, "pct_peak": 100.0 * gflops / peak, "reps": rates})
    print(json.dumps({"impl": "python-eager", "torch": torch.__version__,
                      "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                      "model": {"in": DIM + TIME_FEATURES, "width": WIDTH, "depth": DEPTH, "out": DIM},
                      "results": results}))


if __name__ == "__main__":
    main()
