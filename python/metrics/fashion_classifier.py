#!/usr/bin/env python3
"""Train the Fashion-MNIST classifier whose features ScoreScope's Fréchet distance uses.

    python3 python/metrics/fashion_classifier.py --out assets/models/fashion-mnist-features.pt

A small CNN (two 3×3 conv layers with max pooling, a 128-unit feature layer, ten logits) on
the 60,000 training images of Debian's dataset-fashion-mnist, in [0, 1] as ScoreScope reads
them; its test accuracy on the 10,000 test images is printed and written into the file's
metadata. The file is TorchScript with two methods: forward(x) -> logits [N, 10] and
features(x) -> [N, 128], the activations the Fréchet distance compares (as FID uses
Inception's pool features). Deterministic for a seed on one thread.
"""
import argparse
import gzip
import json
import os
import struct
import time

import torch
import torch.nn.functional as F
from torch import nn

FASHION = "/usr/share/datasets/fashion-mnist/"


def read_idx(name, images):
    with gzip.open(FASHION + name, "rb") as f:
        if images:
            _, n, h, w = struct.unpack(">IIII", f.read(16))
            data = torch.frombuffer(bytearray(f.read(n * h * w)), dtype=torch.uint8)
            return data.view(n, 1, h, w).float() / 255
        _, n = struct.unpack(">II", f.read(8))
        return torch.frombuffer(bytearray(f.read(n)), dtype=torch.uint8).long()


class FashionFeatures(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    @torch.jit.export
    def features(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        return F.relu(self.fc1(h.flatten(1)))

    def forward(self, x):
        return self.fc2(self.features(x))


def accuracy(net, x, y):
    with torch.no_grad():
        right = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                    for i in range(0, len(x), 1000))
    return right / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    x, y = read_idx("train-images-idx3-ubyte.gz", True), read_idx("train-labels-idx1-ubyte.gz", False)
    xt, yt = read_idx("t10k-images-idx3-ubyte.gz", True), read_idx("t10k-labels-idx1-ubyte.gz", False)
    net = FashionFeatures()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(a.epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = order[i:i + 128]
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch + 1}: test accuracy {accuracy(net.eval(), xt, yt):.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
        net.train()
    net.eval()
    acc = accuracy(net, xt, yt)
    meta = {"format": "scorescope-features", "version": 1, "data": "fashion-mnist",
            "shape": [1, 28, 28], "features": 128, "test_accuracy": acc,
            "trained": f"{a.epochs} epochs, Adam 1e-3, batch 128, seed {a.seed}, "
                       "python/metrics/fashion_classifier.py"}
    tmp = a.out + ".tmp"
    torch.jit.save(torch.jit.script(net), tmp, _extra_files={"scorescope.json": json.dumps(meta)})
    os.replace(tmp, a.out)
    print(f"wrote {a.out}: test accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
