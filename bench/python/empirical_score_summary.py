#!/usr/bin/env python3
"""bench/results/empirical_score.json -> bench/results/empirical_score.md (tables)."""
import json
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "bench/results/empirical_score.json"
dst = sys.argv[2] if len(sys.argv) > 2 else "bench/results/empirical_score.md"
r = json.load(open(src))
peak = r.get("fma_peak_gflops_1core_avx512") or r.get("fma_peak_gflops_1core_avx2")
fpp = r["flops_per_pair_2d"]
out = [f"# Exact empirical score ({r['cpu']}, ISA {r['isa']}, load before {r['load_before']})", ""]
out += [f"float64 FMA peak, one core: {peak:.1f} GFLOP/s; {fpp:g} flops per pair (2-D)."]
out += [""]
out += ["## Pairs per second, moons (4,096 points), 4,096 queries near the data (VP)", "",
        "| threads | t | σ | LibTorch float64 | kernel, every pair | per core, % of peak | pruned + far field (effective) |",
        "|---:|---:|---:|---:|---:|---:|---:|"]
for k in r.get("kernel", []):
    per_core = k["kernel_pairs_per_s"] / k["threads"]
    out.append(f"| {k['threads']} | {k['t']:g} | {k['sigma']:.3g} | {k['libtorch_pairs_per_s']:.3g} | "
               f"{k['kernel_pairs_per_s']:.3g} | {per_core:.3g}, {100 * per_core * fpp / 1e9 / peak:.0f} % | "
               f"{k['pruned_effective_pairs_per_s']:.3g} |")
# The float32 columns: from a kernel run of their own ("float32") or from a whole run's kernel rows.
f = r.get("float32")
if f is None and "fma_peak_gflops_1core_avx512_f32" in r and any(
        "kernel_f32_pairs_per_s" in k for k in r.get("kernel", [])):
    f = {"load_before": r["load_before"], "kernel": r["kernel"],
         "fma_peak_gflops_1core_avx512": r["fma_peak_gflops_1core_avx512"],
         "fma_peak_gflops_1core_avx512_f32": r["fma_peak_gflops_1core_avx512_f32"],
         "flops_per_pair_2d_f32": r["flops_per_pair_2d_f32"]}
if f is not None:
    p64, p32, fpp32 = (f["fma_peak_gflops_1core_avx512"], f["fma_peak_gflops_1core_avx512_f32"],
                       f["flops_per_pair_2d_f32"])
    out += ["", f"## The float32 tile path (core/kernels/empirical.h, Precision), load before {f['load_before']}", "",
            f"Measured apart from the tables above, float64 and float32 back to back in one process (their "
            f"ratio holds under load). FMA peaks measured in the same run: float64 {p64:.1f}, float32 "
            f"{p32:.1f} GFLOP/s; {fpp32:g} flops per pair on the float32 path (2-D).", "",
            "| threads | t | float64, every pair | float32 forced, every pair | per core, % of float32 peak | float32 / float64 | Auto, every pair | pruned + far field, float64 | pruned + far field, Auto |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k in f["kernel"]:
        pc = k["kernel_f32_pairs_per_s"] / k["threads"]
        out.append(f"| {k['threads']} | {k['t']:g} | {k['kernel_pairs_per_s']:.3g} | "
                   f"{k['kernel_f32_pairs_per_s']:.3g} | {pc:.3g}, {100 * pc * fpp32 / 1e9 / p32:.0f} % | "
                   f"{k['kernel_f32_pairs_per_s'] / k['kernel_pairs_per_s']:.2f}× | "
                   f"{k['kernel_auto_pairs_per_s']:.3g} | {k['pruned_effective_pairs_per_s']:.3g} | "
                   f"{k['pruned_auto_effective_pairs_per_s']:.3g} |")
if "mixture" in r:
    out += ["", "## The mixture score (closed form, LibTorch float64, 4,096 queries, 1 thread)", "",
            "| data | components | queries/s | query–component pairs/s |", "|---|---:|---:|---:|"]
    out += [f"| {m['data']} | {m['components']} | {m['queries_per_s']:.3g} | {m['pairs_per_s']:.3g} |"
            for m in r["mixture"]]
if "runs" in r:
    j = r["runs"]
    out += ["", "## Reverse runs (Euler–Maruyama, VP, 2 threads), moons", "",
            "| run | seconds |", "|---|---:|",
            f"| MLP score, 4,000 × 500 | {j['mlp_4000x500_s']:.2f} (again: {j['mlp_4000x500_again_s']:.2f}) |",
            f"| exact score, 4,000 × 500 | {j['exact_4000x500_s']:.2f} |"]
    if "exact_20000x1000_s" in j:
        out.append(f"| exact score, 20,000 × 1,000 (the GUI's default) | {j['exact_20000x1000_s']:.1f} |")
    ratio = j["exact_4000x500_s"] / min(j["mlp_4000x500_s"], j["mlp_4000x500_again_s"])
    out += ["", f"Exact / MLP: {ratio:.2f}× (against the faster MLP run). The exact run ends at "
            f"sw2 {j['exact_4000x500_sw2']:.4f} (floor {j['sw2_floor']:.4f})."]
if "density" in r:
    out += ["", "## Exact density heatmap (log p on 128 × 128, 1 thread)", "",
            "| points | t | seconds |", "|---:|---:|---:|"]
    out += [f"| {d['points']} | {d['t']:g} | {d['seconds']:.3f} |" for d in r["density"]]
if "images" in r:
    out += ["", "## Images (Fashion-MNIST, 64 queries, 1 thread)", "",
            "| images | sgemm peak GFLOP/s | products GFLOP/s | products % of peak | whole call s | whole call % of peak |",
            "|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {i['images']} | {i['sgemm_peak_gflops']:.1f} | {i['products_gflops']:.1f} | "
            f"{100 * i['products_share']:.0f} % | {i['call_s']:.4f} | {100 * i['call_share_of_peak']:.0f} % |"
            for i in r["images"]]
open(dst, "w").write("\n".join(out) + "\n")
