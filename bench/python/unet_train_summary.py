#!/usr/bin/python3
"""Summarizes bench/unet_train.sh's runs into bench/results/unet_train.json (every run) and
unet_train.md (medians per preset and thread count, ratio C++/PyTorch).

  unet_train_summary.py --runs RUNS.jsonl --out DIR --load-before L --load-after L
      [--pilots PILOTS.jsonl] [--binary B] [--limit N] [--merge]

--merge keeps the runs (and the load notes) of the (preset, threads) pairs not present in RUNS
from the existing DIR/unet_train.json, so they can be measured in separate invocations.
"""
import argparse
import json
import os
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("--runs", required=True)
ap.add_argument("--pilots")
ap.add_argument("--out", required=True)
ap.add_argument("--load-before", default="?")
ap.add_argument("--load-after", default="?")
ap.add_argument("--binary", default="?")
ap.add_argument("--limit", default="?")
ap.add_argument("--merge", action="store_true")
args = ap.parse_args()

runs = [json.loads(l) for l in open(args.runs) if l.strip()]
pilots = [json.loads(l) for l in open(args.pilots) if l.strip()] if args.pilots else []
key = lambda r: "%s/%d" % (r["preset"], r["threads"])
keys_now = list(dict.fromkeys(key(r) for r in runs))
date = time.strftime("%Y-%m-%d %H:%M:%S")
sessions = [{"date": date, "measured": keys_now, "load_before": args.load_before,
             "load_after": args.load_after}]
json_path = os.path.join(args.out, "unet_train.json")
if args.merge and os.path.exists(json_path):
    old = json.load(open(json_path))
    runs = [r for r in old.get("runs", []) if key(r) not in keys_now] + runs
    pilots = [p for p in old.get("pilots", []) if key(p) not in keys_now] + pilots
    for s in reversed(old.get("sessions", [])):
        left = [k for k in s["measured"] if k not in keys_now]
        if left:
            sessions.insert(0, dict(s, measured=left))

cpu = ""
try:
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
except Exception:
    pass
params = {r["preset"]: r["params"] for r in runs if r["impl"] == "python"}
order = {"small": 0, "large": 1}
table = []
for preset in sorted(dict.fromkeys(r["preset"] for r in runs), key=lambda p: order.get(p, 9)):
    for th in sorted({r["threads"] for r in runs if r["preset"] == preset}):
        sel = [r for r in runs if r["preset"] == preset and r["threads"] == th]
        cpp = [r["steps_per_s"] for r in sel if r["impl"] == "cpp"]
        py = [r["steps_per_s"] for r in sel if r["impl"] == "python"]
        e = {"preset": preset, "threads": th, "batch": sel[0]["batch"], "timed_steps": sel[0]["steps"],
             "warmup_steps": sel[0]["warmup_steps"],
             "cpp_steps_per_s": cpp, "python_steps_per_s": py,
             "cpp_median": statistics.median(cpp) if cpp else None,
             "python_median": statistics.median(py) if py else None}
        if cpp and py:
            e["ratio"] = e["cpp_median"] / e["python_median"]
        # Per repetition: the C++ and the Python run of one repetition ran back to back.
        by_rep = {}
        for r in sel:
            by_rep.setdefault(r["rep"], {})[r["impl"]] = r["steps_per_s"]
        e["paired_ratios"] = [v["cpp"] / v["python"] for _, v in sorted(by_rep.items())
                              if "cpp" in v and "python" in v]
        table.append(e)

doc = {"date": date, "cpu": cpu, "cores": os.cpu_count(), "binary": args.binary,
       "data": f"fashion-mnist train, first {args.limit} images, [0,1] floats",
       "params": params, "sessions": sessions,
       "method": "C++: N / (wall_s(warmup+N steps) - wall_s(warmup steps)) of two `scorescope train --json` "
                 "runs; Python: N timed steps after the warm-up in one process; medians over repetitions",
       "summary": table, "pilots": pilots, "runs": runs}
json.dump(doc, open(json_path, "w"), indent=2)

fmt = lambda xs: " ".join("%.3g" % x for x in xs)
lines = [f"U-Net training throughput, Fashion-MNIST 28×28 (first {args.limit} training images), "
         f"batch {table[0]['batch'] if table else '?'}; {cpu}, {os.cpu_count()} cores.", ""]
for s in sessions:
    lines.append(f"- {', '.join(s['measured'])} (preset/threads): measured until {s['date']}; load average (1/5/15 min) "
                 f"before {s['load_before']}, after {s['load_after']}.")
lines += ["",
          "| preset | params | threads | warm-up + timed steps | C++ median steps/s | PyTorch median steps/s | C++ / PyTorch | per-repetition ratios | C++ runs | PyTorch runs |",
          "|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
for e in table:
    lines.append("| %s | %s | %d | %d + %d | %.3g | %.3g | %.2f× | %s | %s | %s |" % (
        e["preset"], format(params.get(e["preset"], 0), ","), e["threads"], e["warmup_steps"],
        e["timed_steps"], e["cpp_median"] or 0, e["python_median"] or 0, e.get("ratio", 0),
        " ".join("%.2f" % x for x in e["paired_ratios"]),
        fmt(e["cpp_steps_per_s"]), fmt(e["python_steps_per_s"])))
open(os.path.join(args.out, "unet_train.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
