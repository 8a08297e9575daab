#!/usr/bin/env bash
# Sample quality of an image model per sampler (issue 20): speckle tiles, median total
# variation against the test images', and the Fréchet distance in the bundled classifier's
# features beside its floor (`scorescope sample --metrics`, docs/IMAGE_QUALITY.md). Appends
# one JSON line per run to bench/results/image_quality.jsonl.
#   [N_ODE=64] [N_SDE=64] [N_FAST=256] bench/image_quality/evaluate.sh MODEL.pt LABEL [scorescope]
# The sample counts: PF-ODE, reverse SDE, and DDIM / DPM-Solver++ (0 skips that sampler).
# About 6 minutes per model on a 2-core CPU with the defaults (the reverse SDE's 1000 steps
# dominate); with 1,000 samples each: about 9 min (PF-ODE), 31 min (SDE), 3 min (the fast two).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model=$1 label=$2 app=${3:-$root/build/app/scorescope}
out=$root/bench/results/image_quality.jsonl
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
show='import json, sys
j = json.load(sys.stdin)
print("%10s %-22s n %4d  nfe %5d  speckle %3d  tv %.3f (%.2fx)  fd %.1f (floor %.1f)  %.0f s" % (
    j["label"], j["sampler"], j["n"], j["nfe"], j["speckle_tiles"], j["tv_median"],
    j["tv_median"] / j["tv_real_median"], j["fd"], j["fd_floor"], j["wall_s"]))'
run() {  # name n args...
  local name=$1 n=$2
  shift 2
  [ "$n" -gt 0 ] || return 0
  "$app" sample --model "$model" --n "$n" --seed 11 --metrics --json "$@" | tail -1 |
    python3 -c 'import json, sys
j = json.load(sys.stdin)
j.update(model=sys.argv[1], label=sys.argv[2], sampler=sys.argv[3], cpu=sys.argv[4])
print(json.dumps(j))' "$model" "$label" "$name" "$cpu" >> "$out"
  tail -1 "$out" | python3 -c "$show"
}
run "PF-ODE RK45 1e-5" "${N_ODE:-64}" --sampler ode
run "reverse SDE EM 1000" "${N_SDE:-64}" --sampler pc --steps 1000
run "DDIM 50" "${N_FAST:-256}" --sampler ddim --steps 50
run "DPM-Solver++(2M) 20" "${N_FAST:-256}" --sampler dpmpp_2m --steps 20
