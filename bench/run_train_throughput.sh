#!/usr/bin/env bash
# Training throughput: ScoreScope's TrainStep (C++) against the eager PyTorch baseline
# (bench/python/train_step.py, Debian's python3-torch = the same libtorch), each at 1 and 2
# threads with the same thread settings (OMP/MKL/OPENBLAS_NUM_THREADS and set_num_threads),
# interleaved, ROUNDS times; the medians go to bench/results/train_throughput.json and .md.
#
#   bench/run_train_throughput.sh [BUILD_DIR] [ROUNDS]   (defaults: build-bench, 3)
# Env: SECONDS_PER_REP (1.0), REPS (5), PYTHON (/usr/bin/python3), BATCHES (512,4096).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
ROUNDS=${2:-3}
SECS=${SECONDS_PER_REP:-1.0}
REPS=${REPS:-5}
PY=${PYTHON:-/usr/bin/python3}
BATCHES=${BATCHES:-512,4096}
BIN="$BUILD/bench/train_throughput"
[ -x "$BIN" ] || { echo "no $BIN: ninja -C $BUILD train_throughput" >&2; exit 1; }
OUT=bench/results
mkdir -p "$OUT"
RAW=$(mktemp -d)
trap 'rm -rf "$RAW"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$ROUNDS"); do
  for th in 1 2; do
    export OMP_NUM_THREADS=$th MKL_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th
    echo "round $round, $th thread(s): C++" >&2
    "$BIN" --threads "$th" --batches "$BATCHES" --seconds "$SECS" --reps "$REPS" > "$RAW/cpp_${round}_$th.json"
    echo "round $round, $th thread(s): Python" >&2
    "$PY" bench/python/train_step.py --threads "$th" --batches "$BATCHES" --seconds "$SECS" --reps "$REPS" > "$RAW/py_${round}_$th.json"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$PY" - "$RAW" "$OUT" <<'PYEOF'
import glob, json, os, platform, statistics, subprocess, sys, time
raw, out = sys.argv[1], sys.argv[2]
rows = {}
for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
    doc = json.load(open(path))
    impl = "cpp" if doc["impl"].startswith("cpp") else "python"
    for r in doc["results"]:
        rows.setdefault((r["threads"], r["batch"]), {}).setdefault(impl, []).append(r)
med = statistics.median
table = []
for (th, b), by in sorted(rows.items()):
    entry = {"threads": th, "batch": b}
    for impl, rs in by.items():
        sps = med([r["steps_per_s"] for r in rs])
        peak = med([r["peak_gflops"] for r in rs])
        gf = med([r["gflops"] for r in rs])
        entry[impl] = {"steps_per_s": sps, "gflops": gf, "peak_gflops": peak,
                       "pct_peak": 100 * gf / peak,
                       "rounds_steps_per_s": [r["steps_per_s"] for r in rs]}
    if "cpp" in entry and "python" in entry:
        entry["speedup"] = entry["cpp"]["steps_per_s"] / entry["python"]["steps_per_s"]
    table.append(entry)
cpu = ""
try:
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
except Exception:
    pass
result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "cpu": cpu, "cores": os.cpu_count(),
          "model": "2 -> [x, Fourier(t) 32] 34 -> 128 -> 128 -> 128 -> 2, SiLU, Adam, DSM (VP, sigma^2 weighting)",
          "flops_per_step": "3 x forward matmul FLOPs = 6 * batch * 37376",
          "note": "medians over rounds; each round's value is itself the median of timed reps; peak = 1024^3 sgemm in the same process",
          "results": table}
json.dump(result, open(os.path.join(out, "train_throughput.json"), "w"), indent=2)
lines = ["| threads | batch | C++ steps/s | Python steps/s | speedup | C++ GFLOP/s | % of peak (C++) | Python % of peak | sgemm peak GFLOP/s |",
         "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for e in table:
    c, p = e.get("cpp", {}), e.get("python", {})
    lines.append("| %d | %d | %.0f | %.0f | %.2f× | %.1f | %.0f %% | %.0f %% | %.1f |" % (
        e["threads"], e["batch"], c.get("steps_per_s", 0), p.get("steps_per_s", 0), e.get("speedup", 0),
        c.get("gflops", 0), c.get("pct_peak", 0), p.get("pct_peak", 0), c.get("peak_gflops", 0)))
open(os.path.join(out, "train_throughput.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
