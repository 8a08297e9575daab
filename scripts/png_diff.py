#!/usr/bin/env python3
"""Compares two folders of PNGs of the same names (scripts/compare-pictures check).

Identical files pass at once. Otherwise both are decoded (8-bit grey, RGB or RGBA,
non-interlaced: what stb_image_write and ScoreScope write) and compared pixel by pixel.
A picture may differ only in one line of text: at most 0.2 % of its pixels, all within a
band at most --line-height pixels tall. Such lines are timing readouts ("60 fps", "done:
9 frames (0.3 s)"), which change from run to run; anything drawn differs in more.
Exit status 1 when any picture differs beyond that, 2 when one is missing.
"""
import argparse
import os
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, w = 8, [], 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or colour not in (0, 2, 6):
                raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour {colour})")
            bpp = {0: 1, 2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat.append(body)
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def compare(a, b, line_height):
    wa, ha, bpp, ra = decode(a)
    wb, hb, bppb, rb = decode(b)
    if (wa, ha, bpp) != (wb, hb, bppb):
        return f"size {wa}x{ha}x{bpp} against {wb}x{hb}x{bppb}", False
    diff, box, most = 0, [wa, ha, -1, -1], 0
    for y in range(ha):
        if ra[y] == rb[y]:
            continue
        for x in range(wa):
            a, b = ra[y][x * bpp:(x + 1) * bpp], rb[y][x * bpp:(x + 1) * bpp]
            if a != b:
                diff += 1
                box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
                most = max(most, max(abs(u - v) for u, v in zip(a, b)))
    share = diff / (wa * ha)
    where = (f"{diff} pixels ({100 * share:.3f} %) in x {box[0]}..{box[2]}, y {box[1]}..{box[3]},"
             f" channels differ by up to {most}")
    return where, share <= 0.002 and box[3] - box[1] < line_height


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("recorded")
    p.add_argument("fresh")
    p.add_argument("--line-height", type=int, default=40)
    args = p.parse_args()
    names = sorted(n for n in os.listdir(args.recorded) if n.endswith(".png"))
    bad = 0
    for n in names:
        a, b = os.path.join(args.recorded, n), os.path.join(args.fresh, n)
        if not os.path.exists(b):
            print(f"MISSING {n}")
            bad = max(bad, 2)
            continue
        if open(a, "rb").read() == open(b, "rb").read():
            print(f"same    {n}")
            continue
        where, one_line = compare(a, b, args.line_height)
        print(f"{'line   ' if one_line else 'DIFFERS'} {n}: {where}")
        bad = max(bad, 0 if one_line else 1)
    print(f"compare-pictures: {len(names)} pictures, " + ("all match" if bad == 0 else "some differ"))
    return bad


if __name__ == "__main__":
    sys.exit(main())
