#!/usr/bin/env bash
# U-Net training throughput on Fashion-MNIST: `scorescope train --data fashion-mnist` (the C++
# generic autograd step) against the eager PyTorch script of the same network, loss, optimizer,
# clipping and EMA (bench/python/unet_train.py; Debian's python3-torch = the same libtorch).
# Presets small and large at batch BATCH, 1 and 2 threads, REPS repetitions, C++ and Python
# interleaved (the order flips every repetition, so background load hits both alike).
#
# C++ steps/s: `scorescope train` reports steps / wall time including the setup (network
# construction, EMA clone), so it is run twice, with WARMUP and WARMUP + N steps, and
# N / (difference of the reported wall_s) is taken: the setup and the first WARMUP steps
# cancel. Python: WARMUP untimed steps, then N timed ones in the same process.
# N = STEPS (200), or STEPS_CAPPED (50) for a preset whose first C++ warm-up run predicts
# that a WARMUP + STEPS run would take more than CAP_S (120) seconds.
#
#   bench/unet_train.sh [SCORESCOPE_BINARY]   (default: build/app/scorescope)
# Env: REPS (3), STEPS (200), STEPS_CAPPED (50), CAP_S (120), WARMUP (20), BATCH (32),
#      LIMIT (10000: the first N training images), PRESETS ("small large"), THREADS ("1 2"),
#      PYTHON (/usr/bin/python3), MERGE (0; 1 = keep the other presets' runs already in
#      bench/results/unet_train.json, to measure the presets in separate invocations).
# Writes bench/results/unet_train.json (every run) and bench/results/unet_train.md (table).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/app/scorescope}
REPS=${REPS:-3}
STEPS=${STEPS:-200}
STEPS_CAPPED=${STEPS_CAPPED:-50}
CAP_S=${CAP_S:-120}
WARMUP=${WARMUP:-20}
BATCH=${BATCH:-32}
LIMIT=${LIMIT:-10000}
PRESETS=${PRESETS:-small large}
THREADS=${THREADS:-1 2}
PY=${PYTHON:-/usr/bin/python3}
MERGE=${MERGE:-0}
[ -x "$BIN" ] || { echo "no scorescope binary at $BIN (pass its path)" >&2; exit 1; }
OUT=bench/results
mkdir -p "$OUT"
RAW=$(mktemp -d)
trap 'rm -rf "$RAW"' EXIT
RUNS="$RAW/runs.jsonl"
: > "$RUNS"
: > "$RAW/pilots.jsonl"

load() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(load)
echo "load before: $LOAD_BEFORE" >&2

cpp_train() {  # preset threads steps → the JSON line
  "$BIN" train --data fashion-mnist --limit "$LIMIT" --preset "$1" --batch "$BATCH" \
    --threads "$2" --steps "$3" --json --out '' | tail -n 1
}

run_cpp() {  # preset threads rep n
  local a b
  a=$(cpp_train "$1" "$2" "$WARMUP")
  b=$(cpp_train "$1" "$2" $((WARMUP + $4)))
  "$PY" - "$1" "$2" "$3" "$4" "$WARMUP" "$a" "$b" "$(load)" >> "$RUNS" <<'PYEOF'
import json, sys
preset, th, rep, n, warm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
a, b = json.loads(sys.argv[6]), json.loads(sys.argv[7])
dt = b["wall_s"] - a["wall_s"]
print(json.dumps({"impl": "cpp", "preset": preset, "threads": th, "rep": rep, "batch": b["batch"],
                  "steps": n, "warmup_steps": warm, "seconds": dt, "steps_per_s": n / dt,
                  "wall_s_short": a["wall_s"], "wall_s_long": b["wall_s"],
                  "reported_steps_per_s_long": b["steps_per_s"],
                  "initial_loss": b["initial_loss"], "final_loss": b["final_loss"], "load": sys.argv[8]}))
PYEOF
  tail -n 1 "$RUNS" >&2
}

run_py() {  # preset threads rep n
  "$PY" bench/python/unet_train.py --preset "$1" --batch "$BATCH" --threads "$2" --limit "$LIMIT" \
    --warmup-steps "$WARMUP" --steps "$4" | tail -n 1 |
    "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d.update(impl="python", rep=int(sys.argv[1]), load=sys.argv[2]); print(json.dumps(d))' \
      "$3" "$(load)" >> "$RUNS"
  tail -n 1 "$RUNS" >&2
}

for preset in $PRESETS; do
  first_th=${THREADS%% *}
  export OMP_NUM_THREADS=$first_th MKL_NUM_THREADS=$first_th OPENBLAS_NUM_THREADS=$first_th
  # Pilot: the C++ warm-up run's wall time predicts a full run's.
  pilot=$(cpp_train "$preset" "$first_th" "$WARMUP")
  n=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); w,s,c,cap=int(sys.argv[2]),int(sys.argv[3]),float(sys.argv[4]),int(sys.argv[5]); print(s if d["wall_s"]/w*(w+s)<=c else cap)' \
        "$pilot" "$WARMUP" "$STEPS" "$CAP_S" "$STEPS_CAPPED")
  echo "$preset: pilot $pilot -> $n timed steps" >&2
  echo "{\"preset\": \"$preset\", \"threads\": $first_th, \"timed_steps\": $n, \"cpp\": $pilot}" >> "$RAW/pilots.jsonl"
  for rep in $(seq 1 "$REPS"); do
    for th in $THREADS; do
      export OMP_NUM_THREADS=$th MKL_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th
      echo "$preset, rep $rep, $th thread(s)" >&2
      if [ $((rep % 2)) -eq 1 ]; then
        run_cpp "$preset" "$th" "$rep" "$n"
        run_py "$preset" "$th" "$rep" "$n"
      else
        run_py "$preset" "$th" "$rep" "$n"
        run_cpp "$preset" "$th" "$rep" "$n"
      fi
    done
  done
done

LOAD_AFTER=$(load)
echo "load after: $LOAD_AFTER" >&2
merge=()
[ "$MERGE" = 1 ] && merge=(--merge)
"$PY" bench/python/unet_train_summary.py --runs "$RUNS" --pilots "$RAW/pilots.jsonl" --out "$OUT" \
  --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --binary "$BIN" --limit "$LIMIT" "${merge[@]}"
