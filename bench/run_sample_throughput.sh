#!/usr/bin/env bash
# Sampling throughput: SamplerRun (Euler–Maruyama) with NetScoreFn's fast path (C++) against
# the eager PyTorch loop (bench/python/sample_em.py, Debian's python3-torch = the same
# libtorch) with the same weights, each at 1 and 2 threads with the same thread settings
# (OMP/MKL/OPENBLAS_NUM_THREADS and set_num_threads), interleaved, ROUNDS times. The Python
# loop runs twice per round: as is, and with glibc's malloc told to keep freed memory
# (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_/MALLOC_TOP_PAD_), which spares it the page
# faults of its fresh multi-MB temporaries (bench/README.md). The medians go to
# bench/results/sample_throughput.json and .md.
#
#   bench/run_sample_throughput.sh [BUILD_DIR] [ROUNDS]   (defaults: build-bench, 3)
# Env: SECONDS_PER_REP (1.0), REPS (5), PYTHON (/usr/bin/python3), PARTICLES (10000,100000),
#      THREADS ("1 2").
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-bench}
ROUNDS=${2:-3}
SECS=${SECONDS_PER_REP:-1.0}
REPS=${REPS:-5}
PY=${PYTHON:-/usr/bin/python3}
PARTICLES=${PARTICLES:-10000,100000}
THREADS=${THREADS:-1 2}
BIN="$BUILD/bench/sample_throughput"
[ -x "$BIN" ] || { echo "no $BIN: ninja -C $BUILD sample_throughput" >&2; exit 1; }
OUT=bench/results
mkdir -p "$OUT"
RAW=$(mktemp -d)
trap 'rm -rf "$RAW"' EXIT
TUNED="MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$ROUNDS"); do
  for th in $THREADS; do
    export OMP_NUM_THREADS=$th MKL_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th
    rk=""
    [ "$round" = 1 ] && [ "$th" = 1 ] && rk="--rk45"
    echo "round $round, $th thread(s): C++" >&2
    "$BIN" --threads "$th" --particles "$PARTICLES" --seconds "$SECS" --reps "$REPS" $rk \
      --weights-out "$RAW/weights.json" > "$RAW/cpp_${round}_$th.json"
    echo "round $round, $th thread(s): Python" >&2
    "$PY" bench/python/sample_em.py --threads "$th" --particles "$PARTICLES" --seconds "$SECS" \
      --reps "$REPS" --weights "$RAW/weights.json" > "$RAW/py_${round}_$th.json"
    echo "round $round, $th thread(s): Python, malloc keeps memory" >&2
    env $TUNED "$PY" bench/python/sample_em.py --threads "$th" --particles "$PARTICLES" \
      --seconds "$SECS" --reps "$REPS" --weights "$RAW/weights.json" > "$RAW/pym_${round}_$th.json"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$PY" - "$RAW" "$OUT" <<'PYEOF'
import glob, json, os, statistics, sys, time
raw, out = sys.argv[1], sys.argv[2]
rows, rk45 = {}, None
for path in sorted(glob.glob(os.path.join(raw, "*_*_*.json"))):
    impl = {"cpp": "cpp", "py": "python", "pym": "python_malloc"}[os.path.basename(path).split("_")[0]]
    doc = json.load(open(path))
    if "rk45" in doc:
        rk45 = doc["rk45"]
    for r in doc["results"]:
        rows.setdefault((r["threads"], r["particles"]), {}).setdefault(impl, []).append(r)
med = statistics.median
table = []
for (th, n), by in sorted(rows.items()):
    e = {"threads": th, "particles": n}
    for impl, rs in by.items():
        d = {k: med([r[k] for r in rs]) for k in ("evals_per_s", "gflops", "peak_gflops")}
        d["pct_peak"] = 100 * d["gflops"] / d["peak_gflops"]
        d["rounds_evals_per_s"] = [r["evals_per_s"] for r in rs]
        if impl == "cpp":
            d["gflops_executed"] = med([r["gflops_executed"] for r in rs])
            d["pct_peak_executed"] = 100 * d["gflops_executed"] / d["peak_gflops"]
            d["score_only_evals_per_s"] = med([r["score_only_evals_per_s"] for r in rs])
            d["fast_path"] = all(r["fast_path"] for r in rs)
        e[impl] = d
    for impl in ("python", "python_malloc"):
        if "cpp" in e and impl in e:
            e["speedup_vs_" + impl] = e["cpp"]["evals_per_s"] / e[impl]["evals_per_s"]
    table.append(e)
cpu = ""
try:
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
except Exception:
    pass
result = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "cpu": cpu, "cores": os.cpu_count(),
          "model": "2 -> [x, Fourier(t) 32] 34 -> 128 -> 128 -> 128 -> 2, SiLU; score = net / sigma(t)",
          "sampler": "reverse-SDE Euler-Maruyama, VP (beta 0.1..20), 1000 steps, no corrector",
          "flops_per_eval": "model: 2 * 37376 (first layer K = 34); executed by the C++ fast path with a shared t: 2 * 33280",
          "note": "medians over rounds; each round's value is itself the median of timed reps; peak = 1024^3 sgemm (OpenBLAS) in the same process",
          "results": table, "rk45": rk45}
json.dump(result, open(os.path.join(out, "sample_throughput.json"), "w"), indent=2)
L = ["| threads | particles | C++ M evals/s | Python M evals/s | Python (malloc keeps memory) | speedup vs Python | vs Python (malloc) | C++ GFLOP/s model (executed) | C++ % of peak model (executed) | Python (malloc) % of peak | sgemm peak GFLOP/s |",
     "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for e in table:
    c, p, m = e.get("cpp", {}), e.get("python", {}), e.get("python_malloc", {})
    L.append("| %d | %d | %.3f | %.3f | %.3f | %.2f× | %.2f× | %.1f (%.1f) | %.0f %% (%.0f %%) | %.0f %% | %.1f |" % (
        e["threads"], e["particles"], c.get("evals_per_s", 0) / 1e6, p.get("evals_per_s", 0) / 1e6,
        m.get("evals_per_s", 0) / 1e6, e.get("speedup_vs_python", 0), e.get("speedup_vs_python_malloc", 0),
        c.get("gflops", 0), c.get("gflops_executed", 0), c.get("pct_peak", 0), c.get("pct_peak_executed", 0),
        m.get("pct_peak", 0), c.get("peak_gflops", 0)))
if rk45:
    L += ["", "RK45 (PF-ODE, rtol = atol = %g, %d particles, %d thread): %d steps, %d NFE, %.0f ms in all; "
          "score evaluations %.0f ms (%.0f us each); overhead %.0f us per step (%.1f %%)" % (
              rk45["rtol"], rk45["particles"], rk45["threads"], rk45["steps"], rk45["nfe"],
              rk45["total_s"] * 1e3, rk45["score_s"] * 1e3, rk45["score_us_per_call"],
              rk45["overhead_us_per_step"], rk45["overhead_pct"])]
open(os.path.join(out, "sample_throughput.md"), "w").write("\n".join(L) + "\n")
print("\n".join(L))
PYEOF
