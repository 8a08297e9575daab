#!/usr/bin/env bash
# UI frame times (issue "2D explorer"): the GUI under Xvfb (llvmpipe) for a fixed number of
# frames, idle and busy, each frame's duration recorded by the app (--frame-times).
#   idle:     the default scene (forward process, 20k particles), nothing running.
#   idle100k: 100k particles of the forward process playing, a 64×64 exact score field and
#             the exact density heatmap (cheap closed forms, recomputed on workers as t moves).
#   replay:   the busy view with nothing computing (bench/scenes/busy_view_replay.json): 100k
#             particles of a finished reverse-SDE run at t = 0.8 with trails, a 64×64 score
#             field and the density heatmap; only frames after the run finished are kept.
#   train:    the default scene while training.
#   busy:     training + a reverse-SDE run of 100k particles + a 64×64 learned score field +
#             the exact density heatmap (160 × ~100 cells), all on workers; the GUI's default
#             worker priority (--workers yield: SCHED_IDLE).
#   busy_share: the same with --workers share (nice +10).
# The first WARMUP frames of each run (data, the first run frames, llvmpipe compiling its
# shader variants) are left out of the statistics; the JSON keeps every frame.
# Writes bench/results/frame_times.{json,md}.   usage: bench/frame_times.sh BUILD_DIR [FRAMES] [WARMUP]
set -euo pipefail
build=${1:-build}
frames=${2:-600}
warmup=${3:-120}
app="$build/app/scorescope"
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config"  # no saved preferences change what is measured
run() {  # name, frame count, then GUI options
  local name=$1 n=$2; shift 2
  xvfb-run -a -s "-screen 0 1920x1080x24" "$app" --frames "$n" --frame-times "$tmp/$name.json" "$@" >/dev/null
}
run idle $((frames + warmup))
run idle100k $((frames + warmup)) --particles 100000 --arrows 64 --exact-field --density --play
# The replay's run (100k particles, 250 steps, exact score) takes ~450 frames first.
run replay $((frames + warmup + 900)) --scene "$root/bench/scenes/busy_view_replay.json"
run train $((frames + warmup)) --train --workers yield
run busy $((frames + warmup)) --train --mode sde --particles 100000 --arrows 64 --density --workers yield
run busy_share $((frames + warmup)) --train --mode sde --particles 100000 --arrows 64 --density --workers share
python3 - "$tmp" "$out" "$warmup" "$frames" <<'PY'
import json, sys, os
tmp, out, warmup, frames = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
names = ("idle", "idle100k", "replay", "train", "busy", "busy_share")
runs = {k: json.load(open(os.path.join(tmp, k + ".json"))) for k in names}

def pct(v, q):  # nearest-rank percentile of a sorted list
    return v[min(len(v) - 1, max(0, int(round(q * len(v) + 0.5)) - 1))]

res = {}
for k in names:
    ms = runs[k]["ms"]
    if k == "replay":  # the frames after the run finished (and a few more for its last upload)
        start = runs[k]["heavy"].rfind("1") + 1 + 30
        if not runs[k]["run_done"] or len(ms) - start < frames // 2:
            sys.exit("replay: the run did not finish early enough; raise the frame count")
        kept = ms[start:start + frames]
    else:
        kept = ms[warmup:]
    v = sorted(kept)
    secs = sum(ms) / 1000.0
    res[k] = {"frames": len(v), "median_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95), "p99_ms": pct(v, 0.99),
              "max_ms": v[-1], "train_steps": runs[k].get("train_steps", 0), "run_frames": runs[k].get("run_frames", 0),
              "seconds": secs}
res["warmup_frames"] = warmup
res["p95_ratio_replay"] = res["busy"]["p95_ms"] / res["replay"]["p95_ms"]
res["p95_ratio_replay_share"] = res["busy_share"]["p95_ms"] / res["replay"]["p95_ms"]
res["p95_ratio_forward_same_load"] = res["busy"]["p95_ms"] / res["idle100k"]["p95_ms"]
res["p95_ratio_default_idle"] = res["busy"]["p95_ms"] / res["idle"]["p95_ms"]
json.dump(res, open(os.path.join(out, "frame_times.json"), "w"), indent=1)
lines = ["| scene | frames | median ms | p95 ms | p99 ms | max ms | training steps/s | run frames/s |",
         "|---|---:|---:|---:|---:|---:|---:|---:|"]
labels = {"idle": "idle (default scene: 20k particles, forward)",
          "idle100k": "idle, 100k forward particles playing, 64×64 exact field, density",
          "replay": "idle, the busy view replayed (100k reverse-run particles at t = 0.8, trails, 64×64 field, density)",
          "train": "training only (default scene; workers yield)",
          "busy": "busy: training + 100k reverse SDE + 64×64 learned field + density (workers yield: the default)",
          "busy_share": "busy, workers share (nice +10)"}
for k in names:
    r = res[k]
    lines.append(f"| {labels[k]} | {r['frames']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
                 f"{r['max_ms']:.1f} | {r['train_steps'] / r['seconds']:.0f} | {r['run_frames'] / r['seconds']:.2f} |")
lines.append("")
lines.append(f"Frames kept: after the first {warmup} (replay: after its run finished). Steps/s and run frames/s: "
             "what the workers finished over the whole run.")
lines.append("")
lines.append(f"p95 busy / p95 idle showing the same view (replay) = {res['p95_ratio_replay']:.2f} (goal ≤ 1.25)")
lines.append(f"p95 busy with workers sharing / p95 replay = {res['p95_ratio_replay_share']:.2f}")
lines.append(f"p95 busy / p95 idle with 100k forward particles = {res['p95_ratio_forward_same_load']:.2f}")
lines.append(f"p95 busy / p95 idle default scene = {res['p95_ratio_default_idle']:.2f}")
open(os.path.join(out, "frame_times.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
