#!/usr/bin/env python3
"""Train a small U-Net score model on a few images and export it for ScoreScope.

    python3 python/examples/unet_images.py --steps 2000 --out unet.pt     # Fashion-MNIST
    python3 python/examples/unet_images.py --data my_pngs/ --out unet.pt  # a folder of PNGs
    scorescope --model unet.pt                             # the image explorer: grid, inpainting
    scorescope sample --model unet.pt --n 16 --out grid.png

The network (this file's own, not ScoreScope's) predicts the noise ε and takes the time as
score_sde_pytorch's continuous VP models do: the label 999·t, embedded with DDPM's sinusoids.
So the file says "output": "eps", "time_input": "999t". Images are grey, --size² pixels, in
[0, 1]; the data is the first --images of Fashion-MNIST (Debian's dataset-fashion-mnist) or
every PNG in --data (8-bit, not interlaced) as ScoreScope reads a folder: over white, grey by
luma, centre-cropped to a square and resized by area.
"""
import argparse
import gzip
import math
import os
import struct
import sys
import time
import zlib

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scorescope_export import export_score_model, marginal  # noqa: E402

SDE = {"type": "vp", "beta_min": 0.1, "beta_max": 20.0, "eps": 1e-5}
FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def read_idx_images(path, count):
    """The first `count` images of an IDX3 file (gzip or not) as uint8 [n, 1, H, W]."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        magic, n, h, w = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise SystemExit(f"{path}: not an IDX3 image file (magic {magic})")
        n = min(n, count)
        data = f.read(n * h * w)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).view(n, 1, h, w)


def _unfilter(raw, height, stride, bpp):
    rows, prev, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, row = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up, ul = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else ul)) & 255
        rows.append(row)
        prev = row
    return bytes(b"".join(rows))


def read_png_grey(path):
    """An 8-bit, non-interlaced PNG (grey, RGB, with or without alpha) as float grey [H, W]."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    at, idat, head = 8, [], None
    while at < len(blob):
        size, kind = struct.unpack(">I4s", blob[at:at + 8])
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", blob[at + 8:at + 21])
        elif kind == b"IDAT":
            idat.append(blob[at + 8:at + 8 + size])
        at += 12 + size
    w, h, depth, colour, _, _, interlace = head
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise SystemExit(f"{path}: only 8-bit grey/RGB(A) PNGs without interlacing are read")
    pixels = _unfilter(zlib.decompress(b"".join(idat)), h, w * channels, channels)
    img = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).view(h, w, channels).float()
    grey = img[..., 0] if channels < 3 else img[..., :3] @ torch.tensor([0.299, 0.587, 0.114])
    alpha = img[..., -1] / 255 if channels in (2, 4) else 1.0
    return grey * alpha + 255 * (1 - alpha)  # over white, as ScoreScope composites


def centre_square(img):
    h, w = img.shape
    k = min(h, w)
    return img[(h - k) // 2:(h - k) // 2 + k, (w - k) // 2:(w - k) // 2 + k]


def load_images(args):
    """float32 [n, 1, size, size] in [0, 1], and the dataset name for the metadata."""
    if args.data is None:
        x = read_idx_images(FASHION, args.images).float() / 255
        name = "fashion-mnist"
    else:
        files = sorted(f for f in os.listdir(args.data) if f.lower().endswith(".png"))
        if not files:
            raise SystemExit(f"{args.data}: no .png files")
        imgs = [centre_square(read_png_grey(os.path.join(args.data, f)))[None, None] / 255
                for f in files[:args.images]]
        x = torch.cat([F.interpolate(i, size=(args.size, args.size), mode="area") for i in imgs])
        name = os.path.abspath(args.data)
    if x.shape[-1] != args.size:
        x = F.interpolate(x, size=(args.size, args.size), mode="area")
    return x.clamp(0, 1), name


class ResBlock(nn.Module):
    def __init__(self, c_in, c_out, t_dim):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, c_in), nn.Conv2d(c_in, c_out, 3, padding=1)
        self.temb = nn.Linear(t_dim, c_out)
        self.norm2, self.conv2 = nn.GroupNorm(8, c_out), nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x))) + self.temb(emb)[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class TinyUNet(nn.Module):
    """Two resolutions below the input (28 → 14 → 7), one residual block per level, skip
    connections by concatenation; the time label through DDPM's sinusoidal embedding."""

    def __init__(self, channels=1, ch=32, t_dim=64):
        super().__init__()
        half = t_dim // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half) / half))
        self.t_mlp = nn.Sequential(nn.Linear(t_dim, t_dim), nn.SiLU(), nn.Linear(t_dim, t_dim))
        self.inp = nn.Conv2d(channels, ch, 3, padding=1)
        self.down1, self.pool1 = ResBlock(ch, ch, t_dim), nn.Conv2d(ch, ch, 3, 2, 1)
        self.down2, self.pool2 = ResBlock(ch, 2 * ch, t_dim), nn.Conv2d(2 * ch, 2 * ch, 3, 2, 1)
        self.mid = ResBlock(2 * ch, 2 * ch, t_dim)
        self.up2 = ResBlock(4 * ch, 2 * ch, t_dim)
        self.up1 = ResBlock(3 * ch, ch, t_dim)
        self.out = nn.Sequential(nn.GroupNorm(8, ch), nn.SiLU(), nn.Conv2d(ch, channels, 3, padding=1))

    def forward(self, x, t):
        arg = t[:, None] * self.freqs[None, :]
        emb = self.t_mlp(torch.cat([torch.sin(arg), torch.cos(arg)], 1))
        h1 = self.down1(self.inp(x), emb)                   # 28
        h2 = self.down2(self.pool1(h1), emb)                # 14
        h = self.mid(self.pool2(h2), emb)                   # 7
        h = F.interpolate(h, size=h2.shape[-2:], mode="nearest")
        h = self.up2(torch.cat([h, h2], 1), emb)
        h = F.interpolate(h, size=h1.shape[-2:], mode="nearest")
        return self.out(self.up1(torch.cat([h, h1], 1), emb))


def dsm_loss(model, x0, gen):
    """‖net(x(t), 999 t) − ε‖², mean over pixels and batch (λ(t) = σ(t)²); t ~ U(eps, 1)."""
    t = SDE["eps"] + (1 - SDE["eps"]) * torch.rand(x0.shape[0], generator=gen)
    a, sigma = (v.float()[:, None, None, None] for v in marginal(SDE, t))
    noise = torch.randn(x0.shape, generator=gen)
    return (model(a * x0 + sigma * noise, 999.0 * t) - noise).square().mean()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", help="a folder of PNGs (default: Fashion-MNIST's training set)")
    p.add_argument("--images", type=int, default=256, help="how many images to train on")
    p.add_argument("--size", type=int, default=28, help="image side in pixels")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--ch", type=int, default=32, help="channels at full resolution")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default="unet.pt")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    data, dataset = load_images(args)
    model = TinyUNet(ch=args.ch)
    ema = TinyUNet(ch=args.ch)
    ema.load_state_dict(model.state_dict())
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed + 1)
    start = time.time()
    for step in range(args.steps):
        batch = data[torch.randint(0, data.shape[0], (args.batch,), generator=gen)]
        loss = dsm_loss(model, batch, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            d = min(0.999, (1.0 + step) / (10.0 + step))
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm, alpha=1 - d)
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step:5d}  loss {loss.item():.4f}  {time.time() - start:6.1f} s", flush=True)
    export_score_model(ema, args.out, data={"kind": "image", "shape": [1, args.size, args.size],
                                            "range": [0, 1]},
                       sde=SDE, output="eps", time_input="999t", dataset=dataset,
                       name="unet_images TinyUNet",
                       notes=f"python/examples/unet_images.py, {args.steps} steps on "
                             f"{data.shape[0]} images")
    print(f"wrote {args.out} in {time.time() - start:.1f} s")


if __name__ == "__main__":
    main()
