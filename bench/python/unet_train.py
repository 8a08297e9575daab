#!/usr/bin/python3
"""Eager PyTorch baseline for `scorescope train --data fashion-mnist` (the image U-Net on the
generic autograd step): the same network, loss, optimizer, clipping and EMA, written the way
one would in plain PyTorch.

Network (core/nn/unet.cpp, presets from core/nn/net_config.cpp unetPreset):
  small: base 16, multipliers (1, 2), 8 GroupNorm groups, 32 Fourier time features
  large: base 64, multipliers (1, 2, 2), 16 GroupNorm groups, 128 Fourier time features
  (both: time scale 16, 2 ResBlocks per level down, 3 up, 2 in the middle, no attention)
  t → [sin, cos](2π t W), W ~ N(0, 16²) [F/2] → Linear(F, 4·base) → SiLU → Linear → SiLU = e
  x → conv3×3 → per level: 2 ResBlocks, then a stride-2 conv3×3 (not after the last level)
    → 2 middle ResBlocks → per level, coarsest first: 3 ResBlocks on cat([h, skip]), then
    nearest upsampling to the next skip's size + conv3×3 (not after the finest level)
    → GroupNorm → SiLU → conv3×3 (weights × 0.01, bias 0).
  ResBlock(in, out): h = conv1(SiLU(GN1(x))) + Linear(e)[..., None, None];
    h = conv2(SiLU(GN2(h))); return skip1×1(x) (when in ≠ out, else x) + h.
  Score = net(x, t) / σ(t). Module and parameter names follow the C++ ones (emb1, emb2,
  conv_in, down.i, downsample.i, mid.i, up.i, upsample.i, norm_out, conv_out; a ResBlock's
  norm1, conv1, emb, norm2, conv2, skip), registered in the same order, so --check can
  compare a C++ checkpoint parameter by parameter.
Initialization (core/nn/mlp.cpp seededInit, on a generator seeded with the seed): time_W drawn
  first, then every Linear/Conv2d in module order gets weight and bias ~ U(±1/√fan_in).
Loss (core/train/losses.cpp, DSM, σ² weighting): VP SDE βmin 0.1, βmax 20, eps 1e-5, T 1;
  t ~ U(eps, T), z ~ N(0, I), x_t = a(t) x0 + σ(t) z; per sample ‖σ s + z‖² summed over
  pixels, mean over the batch.
Step (core/train/train_step.cpp genericStep): batch drawn with randint + index_select (then
  the times, then the noise, on a generator seeded with seed + 0x5EED), loss.item(),
  zero_grad, backward, clip_grad_norm_(1.0), warm-up lr (linear over 100 steps to 5e-4, the
  image default of `scorescope train`), Adam, EMA decay min(0.999, (1+n)/(10+n)).
Data: Fashion-MNIST train images (gzipped IDX, read with gzip + numpy), the first --limit,
  as [N, 1, 28, 28] floats in [0, 1] (as core/data/image_dataset.cpp loads them).

Prints one JSON line: impl, preset, batch, threads, steps (timed), warmup_steps, seconds,
steps_per_s (timed steps after the warm-up only), params, initial_loss, final_loss.

--check CKPT: instead of timing, compare with a checkpoint written by
  `scorescope train --data fashion-mnist --preset P --limit N --steps 1 --lr 1e-12 --json
  --out CKPT` (same seed): parameter names, shapes and count; the initial weights (Adam's
  first step moves them by ~1e-12, below float resolution); and, given --cpp-loss (that run's
  initial_loss), the first step's loss, which needs the same batch, times and noise from the
  same generator and the same forward.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

BETA_MIN, BETA_MAX, EPS, T_END = 0.1, 20.0, 1e-5, 1.0
PRESETS = {
    "small": dict(base=16, mult=(1, 2), groups=8, time_features=32),
    "large": dict(base=64, mult=(1, 2, 2), groups=16, time_features=128),
}
TIME_SCALE = 16.0
BLOCKS_PER_LEVEL = 2
OUT_INIT_SCALE = 1e-2
DATA_DIR = os.environ.get("SCORESCOPE_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def load_fashion_mnist(limit):
    path = os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, count, rows, cols = np.frombuffer(raw[:16], dtype=">u4")
    assert magic == 2051, f"{path}: not an IDX3 image file"
    n = min(limit, count) if limit > 0 else count
    pix = np.frombuffer(raw, dtype=np.uint8, offset=16, count=n * rows * cols)
    x = torch.from_numpy(pix.reshape(n, 1, rows, cols).astype(np.float32) / np.float32(255.0))
    return x.contiguous()


def marginal(t):
    log_mean = -0.25 * t * t * (BETA_MAX - BETA_MIN) - 0.5 * t * BETA_MIN
    return torch.exp(log_mean), torch.sqrt(-torch.expm1(2.0 * log_mean))


def conv3x3(cin, cout, stride=1):
    return torch.nn.Conv2d(cin, cout, 3, stride=stride, padding=1)


class ResBlock(torch.nn.Module):
    def __init__(self, cin, cout, emb_dim, groups):
        super().__init__()
        self.norm1 = torch.nn.GroupNorm(groups, cin)
        self.conv1 = conv3x3(cin, cout)
        self.emb = torch.nn.Linear(emb_dim, cout)
        self.norm2 = torch.nn.GroupNorm(groups, cout)
        self.conv2 = conv3x3(cout, cout)
        self.skip = torch.nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb_act):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(emb_act)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class UNet(torch.nn.Module):
    def __init__(self, preset, channels, gen):
        super().__init__()
        cfg = PRESETS[preset]
        base, mult, groups, tf = cfg["base"], cfg["mult"], cfg["groups"], cfg["time_features"]
        emb_dim = 4 * base
        self.levels = len(mult)
        self.register_buffer("time_W", torch.randn(tf // 2, generator=gen) * TIME_SCALE)
        self.emb1 = torch.nn.Linear(tf, emb_dim)
        self.emb2 = torch.nn.Linear(emb_dim, emb_dim)
        self.conv_in = conv3x3(channels, base)
        self.down = torch.nn.ModuleList()
        self.downsample = torch.nn.ModuleList()
        self.mid = torch.nn.ModuleList()
        self.up = torch.nn.ModuleList()
        self.upsample = torch.nn.ModuleList()
        skips, ch = [base], base
        for l in range(self.levels):
            for _ in range(BLOCKS_PER_LEVEL):
                self.down.append(ResBlock(ch, base * mult[l], emb_dim, groups))
                ch = base * mult[l]
                skips.append(ch)
            if l + 1 < self.levels:
                self.downsample.append(conv3x3(ch, ch, 2))
                skips.append(ch)
        self.mid.append(ResBlock(ch, ch, emb_dim, groups))
        self.mid.append(ResBlock(ch, ch, emb_dim, groups))
        for l in reversed(range(self.levels)):
            for _ in range(BLOCKS_PER_LEVEL + 1):
                self.up.append(ResBlock(ch + skips.pop(), base * mult[l], emb_dim, groups))
                ch = base * mult[l]
            if l > 0:
                self.upsample.append(conv3x3(ch, ch))
        self.norm_out = torch.nn.GroupNorm(groups, ch)
        self.conv_out = conv3x3(ch, channels)
        # seededInit: every Linear / Conv2d in module order, U(±1/√fan_in) for weight and bias.
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
                    bound = 1.0 / math.sqrt(m.weight[0].numel())
                    m.weight.uniform_(-bound, bound, generator=gen)
                    if m.bias is not None:
                        m.bias.uniform_(-bound, bound, generator=gen)
            self.conv_out.weight.mul_(OUT_INIT_SCALE)
            self.conv_out.bias.zero_()

    def forward(self, x, t):
        proj = torch.outer(t, self.time_W).mul_(2 * math.pi)
        emb_act = F.silu(self.emb2(F.silu(self.emb1(torch.cat([proj.sin(), proj.cos()], 1)))))
        h = self.conv_in(x)
        hs = [h]
        i = 0
        for l in range(self.levels):
            for _ in range(BLOCKS_PER_LEVEL):
                h = self.down[i](h, emb_act)
                hs.append(h)
                i += 1
            if l + 1 < self.levels:
                h = self.downsample[l](h)
                hs.append(h)
        for block in self.mid:
            h = block(h, emb_act)
        i = 0
        for l in reversed(range(self.levels)):
            for _ in range(BLOCKS_PER_LEVEL + 1):
                h = self.up[i](torch.cat([h, hs.pop()], 1), emb_act)
                i += 1
            if l > 0:
                skip = hs[-1]
                h = F.interpolate(h, size=(skip.shape[2], skip.shape[3]), mode="nearest")
                h = self.upsample[self.levels - 1 - l](h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Trainer:
    def __init__(self, preset, data, batch, seed=0, lr=5e-4, warmup=100, ema_decay=0.999, clip=1.0):
        init = torch.Generator().manual_seed(seed)
        self.net = UNet(preset, data.shape[1], init)
        self.net.train()
        self.ema = UNet(preset, data.shape[1], torch.Generator().manual_seed(seed))
        self.ema.load_state_dict(self.net.state_dict())
        self.ema.eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.params = list(self.net.parameters())
        self.ema_params = list(self.ema.parameters())
        self.opt = torch.optim.Adam(self.params, lr=lr)
        self.gen = torch.Generator().manual_seed(seed + 0x5EED)
        self.data = data
        self.batch, self.lr, self.warmup, self.decay, self.clip = batch, lr, warmup, ema_decay, clip
        self.steps = 0

    def loss(self):
        b = self.batch
        idx = torch.randint(self.data.shape[0], (b,), generator=self.gen)
        x0 = self.data.index_select(0, idx)
        t = EPS + (T_END - EPS) * torch.rand(b, generator=self.gen)
        z = torch.randn(x0.shape, generator=self.gen)
        a, sigma = marginal(t)
        sigma = sigma.reshape(-1, 1, 1, 1)
        xt = a.reshape(-1, 1, 1, 1) * x0 + sigma * z
        score = self.net(xt, t) / marginal(t)[1].reshape(-1, 1, 1, 1)
        return ((sigma * score + z) ** 2).reshape(b, -1).sum(1).mean()

    def step(self):
        loss = self.loss()
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


def param_count(net):
    return sum(p.numel() for p in net.parameters())


def check(args, data):
    ckpt = torch.jit.load(args.check)
    cpp = dict(ckpt.net.named_parameters())
    tr = Trainer(args.preset, data, args.batch, seed=args.seed)
    py = dict(tr.net.named_parameters())
    names_match = list(cpp) == list(py)
    shapes_match = names_match and all(tuple(cpp[k].shape) == tuple(py[k].shape) for k in py)
    max_diff = max((cpp[k] - py[k].detach()).abs().max().item() for k in py) if shapes_match else None
    cpp_buf = dict(ckpt.net.named_buffers())
    time_w_diff = (cpp_buf["time_W"] - tr.net.time_W).abs().max().item() if "time_W" in cpp_buf else None
    out = {"preset": args.preset, "cpp_params": sum(p.numel() for p in cpp.values()),
           "py_params": param_count(tr.net), "cpp_tensors": len(cpp), "py_tensors": len(py),
           "names_and_order_match": names_match, "shapes_match": shapes_match,
           "init_max_abs_diff": max_diff, "time_W_max_abs_diff": time_w_diff}
    with torch.no_grad():
        out["py_first_loss"] = tr.loss().item()
    if args.cpp_loss is not None:
        out["cpp_first_loss"] = args.cpp_loss
        out["first_loss_rel_diff"] = abs(out["py_first_loss"] - args.cpp_loss) / abs(args.cpp_loss)
    if not shapes_match:
        out["cpp_only"] = [k for k in cpp if k not in py][:10]
        out["py_only"] = [k for k in py if k not in cpp][:10]
    print(json.dumps(out))
    return 0 if shapes_match and out["cpp_params"] == out["py_params"] else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", choices=sorted(PRESETS), default="small")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=10000, help="first N training images (0 = all)")
    ap.add_argument("--warmup-steps", type=int, default=20, help="untimed steps first")
    ap.add_argument("--steps", type=int, default=200, help="timed steps")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", metavar="CKPT", help="compare with a C++ checkpoint instead of timing")
    ap.add_argument("--cpp-loss", type=float, help="with --check: the C++ run's initial_loss")
    ap.add_argument("--profile", metavar="TRACE", help="write a Chrome trace of the timed steps")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    data = load_fashion_mnist(args.limit)
    if args.check:
        return check(args, data)
    tr = Trainer(args.preset, data, args.batch, seed=args.seed)
    first = [tr.step() for _ in range(args.warmup_steps)]
    prof = None
    if args.profile:
        prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU])
        prof.__enter__()
    t0 = time.perf_counter()
    last = None
    for _ in range(args.steps):
        last = tr.step()
    secs = time.perf_counter() - t0
    if prof is not None:
        prof.__exit__(None, None, None)
        prof.export_chrome_trace(args.profile)
    print(json.dumps({"impl": "pytorch-eager", "preset": args.preset, "batch": args.batch,
                      "threads": args.threads, "steps": args.steps, "warmup_steps": args.warmup_steps,
                      "seconds": secs, "steps_per_s": args.steps / secs, "params": param_count(tr.net),
                      "initial_loss": sum(first[:20]) / max(1, len(first[:20])) if first else None,
                      "final_loss": last, "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
