#!/usr/bin/env bash
# The window for half an hour, training and sampling (issue 19): the soak scene
# (bench/scenes/soak_moons.json: moons, the MLP training without stopping, the reverse SDE on
# the newest weights looping, the learned field and density refreshing) under Xvfb, its
# resident memory, threads and open files sampled every 30 s. Writes bench/results/soak.json
# and prints the growth after the first 5 minutes. Not in CI.
#   bench/soak.sh [path/to/scorescope] [minutes, default 30]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app=${1:-$root/build/app/scorescope}
minutes=${2:-30}
out=$root/bench/results/soak.json
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
XDG_CONFIG_HOME=$tmp/cfg xvfb-run -a -s "-screen 0 1600x1000x24" "$app" \
  --scene "$root/bench/scenes/soak_moons.json" --ui-scale 1 --window 1600x1000 \
  >"$tmp/log" 2>&1 &
xpid=$!
# The app is xvfb-run's grandchild: find it by its command line.
for _ in $(seq 60); do
  pid=$(pgrep -n -f "scorescope --scene $root/bench/scenes/soak_moons.json" || true)
  [ -n "$pid" ] && break
  sleep 1
done
[ -n "$pid" ] || { echo "soak: the window did not start" >&2; cat "$tmp/log" >&2; exit 1; }
samples=$tmp/samples.jsonl
start=$(date +%s)
while [ $(( $(date +%s) - start )) -le $(( minutes * 60 )) ]; do
  kill -0 "$pid" 2>/dev/null || { echo "soak: the window exited early" >&2; cat "$tmp/log" >&2; exit 1; }
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  threads=$(awk '/^Threads/ {print $2}' /proc/$pid/status)
  fds=$(ls /proc/$pid/fd | wc -l)
  cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' /proc/$pid/stat)
  echo "{\"s\": $(( $(date +%s) - start )), \"rss_kb\": $rss, \"threads\": $threads, \"fds\": $fds, \"cpu_s\": $cpu_s}" >>"$samples"
  sleep 30
done
kill "$pid"; wait "$xpid" 2>/dev/null || true
python3 - "$samples" "$out" "$cpu" "$minutes" <<'PY'
import json, sys
samples_path, out, cpu, minutes = sys.argv[1:]
s = [json.loads(l) for l in open(samples_path)]
base = next(x for x in s if x["s"] >= 300)  # after the first 5 minutes
end = s[-1]
growth = (end["rss_kb"] - base["rss_kb"]) / base["rss_kb"]
r = {"cpu": cpu, "minutes": int(minutes), "scene": "bench/scenes/soak_moons.json",
     "renderer": "Mesa llvmpipe under Xvfb, 1600x1000",
     "rss_mb_at_5min": base["rss_kb"] / 1024, "rss_mb_end": end["rss_kb"] / 1024,
     "rss_mb_max": max(x["rss_kb"] for x in s) / 1024,
     "growth_after_5min": growth, "threads": sorted({x["threads"] for x in s}),
     "fds": sorted({x["fds"] for x in s}), "cpu_s": end["cpu_s"], "samples": s}
with open(out, "w") as f:
    json.dump(r, f, indent=1)
    f.write("\n")
print(f"CPU: {cpu}; {minutes} min")
print(f"RSS {r['rss_mb_at_5min']:.0f} MB at 5 min, {r['rss_mb_end']:.0f} MB at the end "
      f"({100 * growth:+.1f} %), max {r['rss_mb_max']:.0f} MB")
print(f"threads {r['threads']}, open files {r['fds']}, CPU time {end['cpu_s']:.0f} s")
PY
