#!/usr/bin/python3
"""Summarizes a Chrome trace from LibTorch's profiler (train_throughput --profile, or
train_step.py --profile): time per op, self (children excluded) and as a share of the
profiled steps' wall time, with ops nested in 'ss::*' phases grouped under them.

  summarize_trace.py trace.json [--top 25]
"""
import argparse
import collections
import json

ap = argparse.ArgumentParser()
ap.add_argument("trace")
ap.add_argument("--top", type=int, default=25)
args = ap.parse_args()
doc = json.load(open(args.trace))
events = doc["traceEvents"] if isinstance(doc, dict) else doc
events = [e for e in events if e.get("ph") == "X"]
by_tid = collections.defaultdict(list)
for e in events:
    by_tid[e.get("tid")].append(e)
self_time = collections.Counter()
count = collections.Counter()
wall = 0.0
steps = 0
for tid, evs in by_tid.items():
    evs.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []  # (end, event)
    for e in evs:
        while stack and stack[-1][0] <= e["ts"]:
            stack.pop()
        name = e["name"]
        if name in ("ss::step", "train_step"):
            wall += e["dur"]
            steps += 1
        parent = stack[-1][1] if stack else None
        if parent is not None:
            self_time[parent["name"]] -= e["dur"]
        self_time[name] += e["dur"]
        count[name] += 1
        stack.append((e["ts"] + e["dur"], e))
print(f"{steps} steps, {wall / max(steps, 1):.1f} us per step (wall inside the profiler)")
print(f"{'op':40s} {'calls/step':>10s} {'self us/step':>12s} {'% of step':>9s}")
for name, t in self_time.most_common(args.top):
    print(f"{name:40s} {count[name] / max(steps, 1):10.1f} {t / max(steps, 1):12.1f} {100 * t / max(wall, 1):8.1f}%")
