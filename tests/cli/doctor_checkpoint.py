#!/usr/bin/env python3
"""Writes a copy of a ScoreScope checkpoint whose description says width 64 while its
weights stay 128 wide (the CLI test's mismatched checkpoint). Standard library only: the
checkpoint is a zip archive; the description is a JSON string inside its data.pkl record,
patched in place with a change of the same length.

usage: doctor_checkpoint.py IN.pt OUT.pt
"""
import sys
import zipfile


def main(src, dst):
    patched = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("data.pkl"):
                patched += data.count(b'"width":128')
                data = data.replace(b'"width":128', b'"width": 64')
            zout.writestr(item.filename, data)
    if patched != 1:
        sys.exit(f"{src}: expected one description with width 128, found {patched}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
