#!/usr/bin/env bash
# The exact empirical score: the fused kernel's pairs/s (unpruned and pruned, float64 and its
# float32 tile path) against the LibTorch float64 path and one core's FMA peaks, reverse runs with the exact score
# beside the same runs with the MLP, the exact density heatmap, and the image case against
# the sgemm peak. Writes bench/results/empirical_score.json (the CPU and load are recorded
# in it) and its tables, bench/results/empirical_score.md.
#
#   bench/run_empirical_score.sh [BUILD_DIR]   (default: build)
# Env: SECTIONS (kernel,mixture,runs,density,images), THREADS (1,2), IMAGES (1000,10000), BIG_RUN (1: also
#      the GUI's default 20,000-particle × 1000-step exact run).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN="$BUILD/bench/empirical_score"
[ -x "$BIN" ] || { echo "no $BIN: cmake --build $BUILD --target empirical_score" >&2; exit 1; }
mkdir -p bench/results
ARGS=(--sections "${SECTIONS:-kernel,mixture,runs,density,images}" --threads "${THREADS:-1,2}"
      --images "${IMAGES:-1000,10000}")
[ "${BIG_RUN:-1}" = 1 ] && ARGS+=(--big-run)
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
"$BIN" "${ARGS[@]}" > bench/results/empirical_score.raw.json
python3 - "$cpu" "$load" <<'PY'
import json, sys
r = json.load(open("bench/results/empirical_score.raw.json"))
r["cpu"], r["load_before"] = sys.argv[1], sys.argv[2]
json.dump(r, open("bench/results/empirical_score.json", "w"), indent=2)
PY
rm bench/results/empirical_score.raw.json
python3 bench/python/empirical_score_summary.py
echo "wrote bench/results/empirical_score.{json,md}" >&2
