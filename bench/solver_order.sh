#!/usr/bin/env bash
# The field's solvers against RK45 (issue 18): runs BUILD_DIR/bench/solver_order and writes
# bench/results/solver_order.{json,md} with the CPU it ran on (/proc/cpuinfo's model name).
#   usage: bench/solver_order.sh BUILD_DIR [ERROR_PARTICLES] [SW2_PARTICLES]
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/results"
mkdir -p "$out"
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
"$build/bench/solver_order" "${2:-2000}" "${3:-20000}" >"$out/solver_order.json.tmp"
mv "$out/solver_order.json.tmp" "$out/solver_order.json"
python3 - "$out/solver_order.json" "$out/solver_order.md" "$cpu" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
e, s = j["error"], j["sw2"]
L = [f"8gaussians, VP, eps = {j['eps']}, exact mixture score, seed 1 prior draw; CPU: {sys.argv[3]};",
     f"wall {j['wall_s']:.1f} s. Reference: RK45 at rtol = atol = 1e-10 ({e['reference_nfe']} NFE).", "",
     f"RMS endpoint error against the reference ({e['particles']} particles, float64), each",
     "solver on its default grid:", "",
     "| solver | grid | " + " | ".join(f"{n} steps" for n in e["rows"][0]["steps"]) +
     " | order 10→40 |",
     "|---|---|" + "---:|" * (len(e["rows"][0]["steps"]) + 1)]
for r in e["rows"]:
    cells = " | ".join(f"{x:.2e} ({n})" for x, n in zip(r["error"], r["nfe"]))
    L.append(f"| {r['solver']} | {r['grid']} | {cells} | {r['order_10_40']:.2f} |")
L += ["", "(NFE in brackets.)", "",
      f"Sliced W2 to a fresh true set ({s['particles']} particles, float32); floor (two true sets) "
      f"{s['floor']:.4f}, perfect-sampler band ≤ 2.5 × floor = {s['band']:.4f}; RK45 1e-5: "
      f"sw2 {s['rk45_1e-5']['sw2']:.4f} at {s['rk45_1e-5']['nfe']} NFE.", "",
      "| solver | first NFE in the band | sw2 there | sw2 by NFE |", "|---|---:|---:|---|"]
by = {}
for r in s["rows"]:
    by.setdefault(r["solver"], []).append(r)
for name, rows in by.items():
    inside = [r for r in rows if r["sw2"] <= s["band"]]
    first = min(inside, key=lambda r: r["nfe"]) if inside else None
    trail = ", ".join(f"{r['nfe']}: {r['sw2']:.3f}" for r in rows)
    L.append(f"| {name} | {first['nfe'] if first else '—'} | "
             f"{first['sw2']:.4f} | {trail} |" if first else f"| {name} | — | — | {trail} |")
open(sys.argv[2], "w").write("\n".join(L) + "\n")
print("\n".join(L))
PY
