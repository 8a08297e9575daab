#!/usr/bin/env bash
# The window lets its workers run (issue 21): what the GUI's reverse run and training cost
# against the CLI's for the same work (training with the timeline still and playing), and
# what a still window costs the machine. Writes
# bench/results/gui_liveness.json and prints a table. Needs a built scorescope and Xvfb.
#   bench/gui_liveness.sh [path/to/scorescope]
# Measured here under Xvfb with Mesa llvmpipe (software OpenGL): every frame costs CPU, the
# worst case for the workers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app=${1:-$root/build/app/scorescope}
out=$root/bench/results/gui_liveness.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cores=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)  # a busy machine starves the window's idle-class workers
xr() { xvfb-run -a -s "-screen 0 1600x1000x24" "$@"; }

# 1. The CLI: the GUI's default reverse run (20,000 particles, PC with Euler-Maruyama, 1000
#    steps, the exact score) with the default compute threads, as the GUI's workers get them
#    (1 on 2 cores).
cli_run() {  # data
  "$app" sample --score exact --data "$1" --n 20000 --steps 1000 --sampler pc \
    --json | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_s"])'
}
cli_s=$(cli_run 8gaussians)
cli_moons_s=$(cli_run moons)

# 2. The window: the same run, the timeline following it (held at the newest step: nothing
#    animates but the run's own progress), until it is done.
gui_run() {  # data, workers policy
  xr "$app" --data "$1" --mode sde --workers "$2" --ui-scale 1 --exit-when-done \
    2>/dev/null | grep run_seconds | tail -1
}
yield_json=$(gui_run 8gaussians yield)
share_json=$(gui_run 8gaussians share)
moons_json=$(gui_run moons yield)

# 3. Training (the default MLP on moons, 4000 steps, a scene that trains and pauses): steps
#    per second in the window with the timeline paused and playing (the canvas animating every
#    frame at the pacer's cap), against the CLI's train for the same steps.
cli_train=$("$app" train --data moons --steps 4000 --out "$tmp/m.ckpt" 2>&1 |
  sed -n 's/.*(\([0-9.]*\) steps\/s.*/\1/p')
gui_train() {  # still | playing
  xr "$app" --scene "$root/bench/scenes/train_moons_$1.json" --ui-scale 1 --window 1600x1000 \
    --exit-when-done 2>/dev/null | grep train_seconds | tail -1
}
train_still=$(gui_train still)
train_playing=$(gui_train playing)

# 4. A still window (forward mode, paused) for 20 s: its CPU time over that wall time.
idle_cpu() {
  xr bash -c '"$0" --data 8gaussians --ui-scale 1 & pid=$!; sleep 6
    t0=$(awk "{print \$14+\$15}" /proc/$pid/stat); sleep 20
    t1=$(awk "{print \$14+\$15}" /proc/$pid/stat); kill $pid; wait $pid 2>/dev/null || true
    python3 -c "import sys; print((int(sys.argv[2]) - int(sys.argv[1])) / int(sys.argv[3]) / 20)" \
      "$t0" "$t1" "$(getconf CLK_TCK)"' "$app"
}
idle=$(idle_cpu)

# 5. Inpainting with the bundled U-Net (issue 20): lesson 08's 16 completions of a test image
#    (DDIM, 50 steps; a painted mask's re-run is the same run) in the window, from the run's
#    request to its last step, against the same run from the CLI.
model=$root/assets/models/fashion-mnist-small.pt
cli_inpaint=$("$app" sample --model "$model" --data fashion-mnist:test --inpaint-index 0 \
  --mask-preset left-half --sampler ddim --steps 50 --n 16 --seed 0 --out "$tmp/fill.png" \
  --json | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_s"])')
gui_inpaint=$(xr "$app" --scene "$root/assets/scenes/08-inpainting-fashion-mnist.json" \
  --ui-scale 1 --window 1600x1000 --exit-when-done 2>/dev/null | grep run_seconds | tail -1)

python3 - "$out" "$cpu" "$cores" "$cli_s" "$yield_json" "$share_json" "$idle" \
  "$cli_moons_s" "$moons_json" "$cli_train" "$train_still" "$train_playing" "$load" \
  "$cli_inpaint" "$gui_inpaint" <<'PY'
import json, sys
(out, cpu, cores, cli_s, yj, sj, idle, cli_moons_s, mj, cli_train, tsj, tpj, load, cli_inp,
 gij) = sys.argv[1:]
y, s, m = json.loads(yj), json.loads(sj), json.loads(mj)
ts, tp = json.loads(tsj), json.loads(tpj)
rate = lambda r: r["train_steps"] / r["train_seconds"]
r = {"cpu": cpu, "cores": int(cores), "renderer": "Mesa llvmpipe under Xvfb, 1600x1000",
     "workload": "exact score, 20000 particles, PC Euler-Maruyama 1000 steps, default threads",
     "cli_seconds": float(cli_s),
     "gui_yield": y, "gui_share": s,
     "gui_yield_vs_cli": float(cli_s) / y["run_seconds"],
     "gui_share_vs_cli": float(cli_s) / s["run_seconds"],
     "idle_window_cores": float(idle),
     "moons_cli_seconds": float(cli_moons_s), "moons_gui_yield": m,
     "moons_gui_vs_cli": float(cli_moons_s) / m["run_seconds"],
     "train_cli_steps_per_s": float(cli_train),
     "train_gui_still": ts, "train_gui_playing": tp,
     "train_still_vs_cli": rate(ts) / float(cli_train),
     "train_playing_vs_cli": rate(tp) / float(cli_train),
     "inpaint_cli_seconds": float(cli_inp), "inpaint_gui": json.loads(gij),
     "load_before": load}
with open(out, "w") as f:
    json.dump(r, f, indent=2)
    f.write("\n")
print(f"CPU: {cpu} ({cores} cores)")
print(f"CLI run                 {r['cli_seconds']:7.1f} s")
print(f"window, workers yield   {y['run_seconds']:7.1f} s  ({100 * r['gui_yield_vs_cli']:.0f} % of the CLI's throughput, {y['frames']} frames)")
print(f"window, workers share   {s['run_seconds']:7.1f} s  ({100 * r['gui_share_vs_cli']:.0f} % of the CLI's throughput, {s['frames']} frames)")
print(f"still window            {100 * r['idle_window_cores']:7.1f} % of a core")
print(f"training moons: CLI {r['train_cli_steps_per_s']:.0f} steps/s; window, still {rate(ts):.0f} ({100 * r['train_still_vs_cli']:.0f} %), playing {rate(tp):.0f} ({100 * r['train_playing_vs_cli']:.0f} %, {tp['frames']} frames in {tp['train_seconds']:.1f} s)")
print(f"inpainting, 16 images, DDIM 50 (lesson 08): CLI {float(cli_inp):.1f} s, window {r['inpaint_gui']['run_seconds']:.1f} s")
print(f"load average before: {load}")
print(f"moons (empirical score): CLI {r['moons_cli_seconds']:.1f} s, window {m['run_seconds']:.1f} s ({100 * r['moons_gui_vs_cli']:.0f} %)")
PY
