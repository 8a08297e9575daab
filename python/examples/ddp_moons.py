#!/usr/bin/env python3
"""Train a 2D score model on two moons with torch.distributed (DDP) and export it for ScoreScope.

    python3 python/examples/ddp_moons.py --steps 4000 --out moons.pt
    scorescope --model moons.pt                      # open it in the GUI
    scorescope sample --model moons.pt --metrics     # sample it, sw2 against moons

Two processes on the CPU (gloo backend, mp.spawn; --procs), each drawing its own half of the
batch; DDP averages the gradients. The network predicts the noise ε of x(t) = a(t)·x0 + σ(t)·ε
under the VP SDE (β 0.1..20, eps 1e-5), trained with denoising score matching with the usual
λ(t) = σ(t)² weighting (‖net − ε‖², MATH.md §3); rank 0 writes the EMA weights with output
"eps", time_input "t" and dataset "moons", so ScoreScope draws the exact score and the data
beside it. The data is ScoreScope's built-in moons (core/data/toy_builtin.cpp), drawn the same way.
The same script runs on GPUs with the nccl backend: only the device and backend lines change.
"""
import argparse
import copy
import math
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scorescope_export import export_score_model, marginal  # noqa: E402

SDE = {"type": "vp", "beta_min": 0.1, "beta_max": 20.0, "eps": 1e-5}


def sample_moons(n, generator):
    """ScoreScope's moons: sklearn's make_moons (two half circles), centred on (0.5, 0.25),
    scaled by 4/3 (x in [-2, 2], y in [-1, 1]), plus Gaussian noise of std 0.05. float32 [n, 2]."""
    g = dict(generator=generator, dtype=torch.float64)
    label = torch.randint(0, 2, (n,), generator=generator)
    theta = torch.rand(n, **g) * math.pi
    outer = label == 0
    x = torch.where(outer, torch.cos(theta), 1.0 - torch.cos(theta))
    y = torch.where(outer, torch.sin(theta), 0.5 - torch.sin(theta))
    k = 4.0 / 3.0
    p = torch.stack([(x - 0.5) * k, (y - 0.25) * k], 1) + 0.05 * torch.randn(n, 2, **g)
    return p.float()


class ScoreMLP(nn.Module):
    """ε-prediction MLP: x and random Fourier features of t (sin, cos of 2π W t, W ~ N(0, 4²),
    fixed) into `depth` SiLU layers of `width`."""

    def __init__(self, dim=2, width=128, depth=3, features=16, scale=4.0):
        super().__init__()
        self.register_buffer("freqs", torch.randn(features) * scale)
        layers, n_in = [], dim + 2 * features
        for _ in range(depth):
            layers += [nn.Linear(n_in, width), nn.SiLU()]
            n_in = width
        layers.append(nn.Linear(n_in, dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x, t):
        angle = 2.0 * math.pi * t[:, None] * self.freqs[None, :]
        return self.net(torch.cat([x, torch.sin(angle), torch.cos(angle)], 1))


def dsm_loss(model, x0, generator):
    """‖net(x(t), t) − ε‖² summed over coordinates, averaged over the batch; t ~ U(eps, 1)."""
    t = SDE["eps"] + (1 - SDE["eps"]) * torch.rand(x0.shape[0], generator=generator)
    a, sigma = (v.float()[:, None] for v in marginal(SDE, t))
    noise = torch.randn(x0.shape, generator=generator)
    return (model(a * x0 + sigma * noise, t) - noise).square().sum(1).mean()


@torch.no_grad()
def ema_update(ema, model, step, decay):
    d = min(decay, (1.0 + step) / (10.0 + step))  # warm-up: early averages forget faster
    for pe, p in zip(ema.parameters(), model.parameters()):
        pe.mul_(d).add_(p.detach(), alpha=1.0 - d)


def train(rank, world, port, args):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world)
    torch.manual_seed(args.seed)  # the same initial weights everywhere (DDP broadcasts anyway)
    net = ScoreMLP()
    model = DistributedDataParallel(net)
    ema = copy.deepcopy(net)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps, eta_min=args.lr / 10)
    gen = torch.Generator().manual_seed(args.seed * 1000 + rank + 1)  # each rank its own draws
    per_rank = args.batch // world
    start = time.time()
    for step in range(args.steps):
        loss = dsm_loss(model, sample_moons(per_rank, gen), gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()  # DDP all-reduces (averages) the gradients here
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        ema_update(ema, net, step, args.ema)
        if rank == 0 and (step % args.log_every == 0 or step == args.steps - 1):
            print(f"step {step:5d}  loss {loss.item():.4f}  {time.time() - start:6.1f} s",
                  flush=True)
    if rank == 0:
        meta = export_score_model(ema, args.out, data={"kind": "points", "dim": 2}, sde=SDE,
                                  output="eps", time_input="t", dataset="moons",
                                  name="ddp_moons MLP",
                                  notes=f"python/examples/ddp_moons.py, {args.steps} steps, "
                                        f"{world} processes, batch {args.batch}, EMA {args.ema}")
        print(f"wrote {args.out} ({meta['output']}, time_input {meta['time_input']}) "
              f"in {time.time() - start:.1f} s", flush=True)
    dist.barrier()
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=4000, help="optimizer steps (default 4000)")
    p.add_argument("--batch", type=int, default=1024, help="global batch, split over processes")
    p.add_argument("--lr", type=float, default=1e-2, help="Adam learning rate (cosine to 1/10)")
    p.add_argument("--ema", type=float, default=0.995, help="EMA decay of the exported weights")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--procs", type=int, default=2, help="DDP processes on this machine")
    p.add_argument("--log-every", type=int, default=250)
    p.add_argument("--out", default="moons.pt", help="model file to write (atomically)")
    args = p.parse_args()
    if args.steps < 1 or args.procs < 1 or args.batch < args.procs:
        p.error("--steps and --procs must be at least 1, --batch at least --procs")
    mp.spawn(train, args=(args.procs, free_port(), args), nprocs=args.procs, join=True)


if __name__ == "__main__":
    main()
