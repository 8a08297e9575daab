#!/usr/bin/env bash
# UI frame times (issue "2D explorer"): the GUI under Xvfb (llvmpipe) for a fixed number of
# frames, idle and busy, each frame's duration recorded by the app (--frame-times).
#   idle: the default scene (forward process, 20k particles), nothing running.
#   idle100k: the same with 100k particles (rendering cost alone); train: training only.
#   busy: training + a reverse-SDE run of 100k particles + a 64×64 score field + the exact
#         density heatmap (160 × ~100 cells), all on workers.
# Writes bench/results/frame_times.{json,md}.   usage: bench/frame_times.sh BUILD_DIR [FRAMES]
set -euo pipefail
build=${1:-build}
frames=${2:-900}
app="$build/app/scorescope"
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {  # name, then GUI options
  local name=$1; shift
  xvfb-run -a -s "-screen 0 1920x1080x24" "$app" --frames "$frames" --frame-times "$tmp/$name.json" "$@" >/dev/null
}
run idle
run idle100k --particles 100000
run train --train
run busy --train --mode sde --particles 100000 --arrows 64 --density
python3 - "$tmp" "$out" "$frames" <<'PY'
import json, sys, os
tmp, out, frames = sys.argv[1], sys.argv[2], sys.argv[3]
names = ("idle", "idle100k", "train", "busy")
runs = {k: json.load(open(os.path.join(tmp, k + ".json"))) for k in names}
res = {k: {m: runs[k][m] for m in ("frames", "median_ms", "p95_ms", "p99_ms", "max_ms")} for k in names}
res["p95_ratio"] = runs["busy"]["p95_ms"] / runs["idle"]["p95_ms"]
json.dump(res, open(os.path.join(out, "frame_times.json"), "w"), indent=1)
lines = ["| scene | frames | median ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
labels = {"idle": "idle (20k particles, forward)", "idle100k": "idle, 100k particles",
          "train": "training only (20k particles)", "busy": "busy (training + 100k reverse SDE + 64×64 field + density)"}
for k in names:
    r = res[k]
    lines.append(f"| {labels[k]} | {r['frames']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
lines.append("")
lines.append(f"p95 busy / p95 idle = {res['p95_ratio']:.2f} (goal ≤ 1.25)")
open(os.path.join(out, "frame_times.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
