#!/usr/bin/env bash
# The solver lab's sweep (issue 18: 6 solvers × 6 NFE budgets on 10,000 particles with the
# exact 8gaussians score, goal ≤ 30 s): runs `scorescope solvers` with its defaults RUNS times
# (default 3) and writes bench/results/solver_lab.{json,md} (the last run's result, every
# run's wall time, and the CPU from /proc/cpuinfo). The plot goes to bench/results/solver_lab.png
# when a display (or xvfb-run) is there.
#   usage: bench/solver_lab.sh BUILD_DIR [RUNS]
set -euo pipefail
build=${1:-build}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/results"
mkdir -p "$out"
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
plot=()
if [ -n "${DISPLAY:-}" ]; then plot=(--plot "$out/solver_lab.png" --size 1600x700); fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
walls=()
for i in $(seq "$runs"); do
  "$build/app/scorescope" solvers --out "$out/solver_lab.json" "${plot[@]}" 2>"$out/.solver_lab.log"
  walls+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' \
    "$out/solver_lab.json")")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$out/solver_lab.json" "$out/solver_lab.md" "$cpu" "$load_before / $load_after" \
  "${walls[@]}" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
walls = [float(w) for w in sys.argv[5:]]
n = len(j["solvers"]) * len(j["nfe_budgets"])
L = [f"Solver lab sweep: {j['data']}, {j['sde']}, {j['score']} score, {j['particles']} particles, "
     f"{len(j['solvers'])} solvers × {len(j['nfe_budgets'])} budgets ({n} runs) plus the RK45 "
     f"reference at tol {j['reference']['rtol']} ({j['reference']['nfe']} NFE, float64).",
     f"CPU: {sys.argv[3]}; one compute thread (the default on 2 cores); load average "
     f"(1, 5, 15 min) before / after: {sys.argv[4]}.", "",
     "Wall time of each run (s): " + ", ".join(f"{w:.1f}" for w in walls) +
     f" (goal ≤ 30 s; max {max(walls):.1f} s).", "",
     f"sw2 floor (two true sets of {j['particles']}) {j['sw2_floor']:.4f}, band ≤ "
     f"{j['sw2_band']:.4f}; the reference's sw2 {j['reference']['sw2']:.4f}.", "",
     "| solver | grid | measured order | first NFE in the band | " +
     " | ".join(f"error @ {b}" for b in j["nfe_budgets"]) + " |",
     "|---|---|---:|---:|" + "---:|" * len(j["nfe_budgets"])]
for s in j["solvers"]:
    cells = " | ".join(f"{p['error']:.2e} ({p['nfe']})" for p in s["points"])
    order = "—" if s["measured_order"] is None else f"{s['measured_order']:.2f}"
    first = s["first_nfe_in_band"] if s["first_nfe_in_band"] >= 0 else "—"
    L.append(f"| {s['solver']} | {s['grid']} | {order} | {first} | {cells} |")
L += ["", "(NFE the run made in brackets; the measured order is minus the least-squares slope of",
      "log error on log NFE over all six budgets, so it mixes the pre-asymptotic regime in.)"]
open(sys.argv[2], "w").write("\n".join(L) + "\n")
print("\n".join(L))
PY
