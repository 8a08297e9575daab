#!/usr/bin/env bash
# An imported TorchScript MLP against our native MLP (issue 17, item 6): bench/import_speed
# at 10k particles, one time for all (a sampler's step) and one time per particle, at 1 and
# 2 threads. Writes bench/results/import_speed.json (with the CPU and the load) and
# bench/results/import_speed.md.
#
#   bench/run_import_speed.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN="$BUILD/bench/import_speed"
[ -x "$BIN" ] || { echo "no $BIN: cmake --build $BUILD --target import_speed" >&2; exit 1; }
mkdir -p bench/results
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
for threads in 1 2; do
  "$BIN" --threads "$threads" --reps 61 | tr -d '\n' >> "$raw"; echo >> "$raw"
  "$BIN" --threads "$threads" --reps 61 --t-spread | tr -d '\n' >> "$raw"; echo >> "$raw"
done
python3 - "$cpu" "$load" "$raw" <<'PY'
import json, sys
cpu, load, raw = sys.argv[1:4]
rows = [json.loads(l) for l in open(raw) if l.strip()]
json.dump({"cpu": cpu, "load_before": load, "runs": rows},
          open("bench/results/import_speed.json", "w"), indent=2)
with open("bench/results/import_speed.md", "w") as f:
    f.write(f"# Imported TorchScript MLP vs native ({cpu}, load before {load})\n\n")
    f.write("MLP width 128, depth 3, 10,000 particles, median ms per score evaluation, the "
            "three paths taking turns (bench/run_import_speed.sh).\n\n")
    f.write("| threads | t | native fast path | native module | TorchScript | "
            "TorchScript / fast | TorchScript / module |\n|---:|---|---:|---:|---:|---:|---:|\n")
    for r in rows:
        f.write(f"| {r['threads']} | {r['t']} | {r['native_fast_ms']:.2f} | "
                f"{r['native_module_ms']:.2f} | {r['torchscript_ms']:.2f} | "
                f"{r['torchscript_over_native_fast']:.2f}× | "
                f"{r['torchscript_over_native_module']:.2f}× |\n")
print(open("bench/results/import_speed.md").read())
PY
