#!/usr/bin/env bash
# UI frame times (issue "2D explorer"): the GUI under Xvfb (llvmpipe) for a fixed number of
# frames, idle and busy, each frame's duration recorded by the app (--frame-times).
#   idle: the default scene (forward process, 20k particles), nothing running.
#   idle100k: the busy view's drawing load with nothing heavy running: 100k particles of the
#         forward process playing, a 64×64 exact score field and the exact density heatmap
#         (both cheap closed forms, recomputed on workers as t moves).
#   train: the default scene while training.
#   busy: training + a reverse-SDE run of 100k particles + a 64×64 learned score field + the
#         exact density heatmap (160 × ~100 cells), all on workers.
# The first WARMUP frames of each run (data, the first run frames, llvmpipe compiling its
# shader variants) are left out of the statistics; the JSON keeps every frame.
# Writes bench/results/frame_times.{json,md}.   usage: bench/frame_times.sh BUILD_DIR [FRAMES]
set -euo pipefail
build=${1:-build}
frames=${2:-900}
warmup=${3:-120}
app="$build/app/scorescope"
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {  # name, then GUI options
  local name=$1; shift
  xvfb-run -a -s "-screen 0 1920x1080x24" "$app" --frames $((frames + warmup)) --frame-times "$tmp/$name.json" "$@" >/dev/null
}
run idle
run idle100k --particles 100000 --arrows 64 --exact-field --density --play
run train --train
run busy --train --mode sde --particles 100000 --arrows 64 --density
python3 - "$tmp" "$out" "$warmup" <<'PY'
import json, sys, os
tmp, out, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = ("idle", "idle100k", "train", "busy")
runs = {k: json.load(open(os.path.join(tmp, k + ".json"))) for k in names}

def pct(v, q):  # nearest-rank percentile of a sorted list
    return v[min(len(v) - 1, max(0, int(round(q * len(v) + 0.5)) - 1))]

res = {}
for k in names:
    ms = sorted(runs[k]["ms"][warmup:])
    res[k] = {"frames": len(ms), "median_ms": pct(ms, 0.5), "p95_ms": pct(ms, 0.95), "p99_ms": pct(ms, 0.99),
              "max_ms": ms[-1], "train_steps": runs[k].get("train_steps", 0), "run_frames": runs[k].get("run_frames", 0),
              "seconds": sum(runs[k]["ms"]) / 1000.0}
res["warmup_frames"] = warmup
res["p95_ratio_same_view"] = res["busy"]["p95_ms"] / res["idle100k"]["p95_ms"]
res["p95_ratio_default_idle"] = res["busy"]["p95_ms"] / res["idle"]["p95_ms"]
json.dump(res, open(os.path.join(out, "frame_times.json"), "w"), indent=1)
lines = ["| scene | frames | median ms | p95 ms | p99 ms | max ms | training steps | run frames |",
         "|---|---:|---:|---:|---:|---:|---:|---:|"]
labels = {"idle": "idle (default scene: 20k particles, forward)",
          "idle100k": "idle, the busy view's drawing (100k forward particles playing, 64×64 exact field, density)",
          "train": "training only (default scene)",
          "busy": "busy (training + 100k reverse SDE + 64×64 learned field + density)"}
for k in names:
    r = res[k]
    lines.append(f"| {labels[k]} | {r['frames']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
                 f"{r['max_ms']:.1f} | {r['train_steps']} | {r['run_frames']} |")
lines.append("")
lines.append(f"First {warmup} frames of each run left out. Training steps and run frames: what the workers "
             "finished during the whole run.")
lines.append("")
lines.append(f"p95 busy / p95 idle drawing the same view = {res['p95_ratio_same_view']:.2f} (goal ≤ 1.25)")
lines.append(f"p95 busy / p95 idle default scene = {res['p95_ratio_default_idle']:.2f}")
open(os.path.join(out, "frame_times.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
