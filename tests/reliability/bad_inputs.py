#!/usr/bin/env python3
"""The hostile user's test (issue 19): runs the CLI on several hundred bad inputs (flags out
of range or unparsable, missing, empty, corrupt and doctored files, impossible
combinations, outputs it cannot write) and checks each outcome:

  refused   exit status 1..127 (not a signal), a message on stderr that is not a stack
            trace or an uncaught exception, no output file left behind, within the time
            and memory bounds;
  warned    (scene files, read as the window reads them) exit 0, the output written, and a
            warning that names the value replaced;
  accepted  (the controls) exit 0 and the output written.

Prints one line per case and a summary; with --markdown docs/RELIABILITY.md writes the
table into that file (between its cases markers). Exit status 1 when any case fails its expectation.

usage: xvfb-run -a bad_inputs.py [--app build/app/scorescope] [--markdown FILE] [--only SUBSTRING]
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile

from bad_input_cases import cases  # noqa: E402  (the list, beside this file)

TIMEOUT_S = 60
MAX_RSS_MB = 4096  # far below the machine; a refused request allocates nothing big
TRACE_MARKS = ("terminate called", "what():", "Exception raised from", "frame #",
               "Traceback", "Aborted", "Segmentation fault", "AddressSanitizer")


# Malformed text inputs: points CSVs, mixtures and scenes, by file name.
TEXT_FIXTURES = {
    "empty_points.csv": '',
    "words.csv": 'x,y\nhello,world\n',
    "nan.csv": '0,0\nnan,1\n1,1\n',
    "inf.csv": '0,0\ninf,1\n1,1\n',
    "onecol.csv": '1\n2\n3\n',
    "ragged.csv": '1,2\n3\n4,5\n',
    "onepoint.csv": '0.5,0.5\n',
    "huge.csv": '1e300,1e300\n-1e300,-1e300\n0,0\n',
    "mix_bad_json.json": '{"weights": [1], "means": [[0, 0]',
    "mix_empty.json": '{"weights": [], "means": [], "stds": []}',
    "mix_negstd.json": '{"weights": [1], "means": [[0, 0]], "stds": [-1]}',
    "mix_hugemean.json": '{"weights": [1], "means": [[1e300, 0]], "stds": [1]}',
    "mix_hugestd.json": '{"weights": [1], "means": [[0, 0]], "stds": [1e300]}',
    "mix_negweight.json": '{"weights": [-1, 2], "means": [[0, 0], [1, 1]], "stds": [1, 1]}',
    "mix_3d.json": '{"weights": [1], "means": [[0, 0, 0]], "stds": [1]}',
    "mix_words.json": '{"weights": "many", "means": [[0, 0]], "stds": [1]}',
    "mix_mismatch.json": '{"weights": [1, 1], "means": [[0, 0]], "stds": [1]}',
    "scene_bad.json": '{"format": "scorescope-scene", ',
    "scene_other.json": '{"format": "something-else", "version": 1}',
    "scene_future.json": '{"format": "scorescope-scene", "version": 99}',
    "scene_hugeN.json":
        '{"format": "scorescope-scene", '
        '"version": 1, "sde": {"kind": "vp", "N": 1e18}}',
    "scene_negsteps.json":
        '{"format": "scorescope-scene", "version": 1, '
        '"sampler": {"preset": "pc", "steps": -5}}',
    "scene_hugesteps.json":
        '{"format": "scorescope-scene", "version": 1, "mode": "sde", '
        '"sampler": {"preset": "pc", "steps": 1000000000}}',
    "scene_baddata.json":
        '{"format": "scorescope-scene", '
        '"version": 1, "data": {"name": "no-such-toy"}}',
    "scene_types.json": '{"format": "scorescope-scene", "version": 1, "data": {"name": 5}}',
}


def make_fixtures(app, d):
    """The files the cases corrupt: a small trained checkpoint, and derived bad copies."""
    ck = os.path.join(d, "moons.pt")
    r = subprocess.run([app, "train", "--data", "moons", "--steps", "30", "--out", ck],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("could not train the fixture checkpoint:\n" + r.stderr)
    raw = open(ck, "rb").read()
    files = {"ckpt": ck}

    def put(name, data, mode="wb"):
        path = os.path.join(d, name)
        with open(path, mode) as f:
            f.write(data)
        files[name.split(".")[0]] = path
        return path

    put("empty.pt", b"")
    put("random.pt", random.Random(1).randbytes(4096))
    put("text.pt", b"this is not a checkpoint\n")
    put("half.pt", raw[: len(raw) // 2])
    put("head.pt", raw[:100])
    # Every tensor record cut to 64 bytes (the heap over-read), or with one byte
    # flipped in its middle (what the weights' CRC is for), and the description lying about
    # the width (the SIGABRT).
    def rewrite(name, change):
        path = os.path.join(d, name + ".pt")
        with zipfile.ZipFile(ck) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                zout.writestr(item.filename, change(data) if "/data/" in item.filename else data)
        files[name] = path

    def flip(data):
        b = bytearray(data)
        b[len(b) // 2] ^= 0x5A
        return bytes(b)

    rewrite("cut", lambda data: data[:64])
    rewrite("flipped", flip)
    here = os.path.dirname(os.path.abspath(__file__))
    doctored = os.path.join(d, "width.pt")
    subprocess.run([sys.executable, os.path.join(here, "..", "cli", "doctor_checkpoint.py"),
                    ck, doctored], check=True)
    files["width"] = doctored
    for name, text in TEXT_FIXTURES.items():  # points CSVs, mixtures, scenes
        put(name, text, "w")
    # Image folders.
    os.makedirs(os.path.join(d, "imgs_empty"), exist_ok=True)
    bad = os.path.join(d, "imgs_corrupt", "a")
    os.makedirs(bad, exist_ok=True)
    for k in range(3):
        with open(os.path.join(bad, f"bad{k}.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + random.Random(k).randbytes(200))
    files["imgs_empty"] = os.path.join(d, "imgs_empty")
    files["imgs_corrupt"] = os.path.join(d, "imgs_corrupt")
    files["dir"] = d
    return files


def run_case(app, args, out_paths, tmp):
    """Runs one case; returns (rc or -signal, seconds, max RSS MB, stderr+stdout tail)."""
    log = os.path.join(tmp, "case.log")
    t0 = time.time()
    with open(log, "w") as f:
        p = subprocess.Popen([app] + args, stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        deadline = t0 + TIMEOUT_S
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.time() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                status = -1
                break
            time.sleep(0.02)
    secs = time.time() - t0
    text = open(log, errors="replace").read()
    if status == -1:
        rc = "timeout"
    elif os.WIFSIGNALED(status):
        rc = -os.WTERMSIG(status)
    else:
        rc = os.WEXITSTATUS(status)
    return rc, secs, ru.ru_maxrss / 1024, text


def judge(expect, rc, secs, rss, text, outs):
    left = [o for o in outs if os.path.exists(o)]
    trace = [m for m in TRACE_MARKS if m in text]
    if rc == "timeout":
        return f"no answer in {TIMEOUT_S} s"
    if isinstance(rc, int) and rc < 0:
        return f"killed by signal {-rc}"
    if rss > MAX_RSS_MB:
        return f"used {rss:.0f} MB"
    if trace:
        return f"printed {trace[0]!r}"
    if expect.startswith("warned:"):  # scenes: a value replaced is a warning naming it
        if rc != 0:
            return f"exit {rc}"
        if expect[len("warned:"):] not in text:
            return f"no warning naming {expect[len('warned:'):]!r}"
        return "" if all(os.path.exists(o) for o in outs) else "no output written"
    if expect == "accepted":
        if rc != 0:
            return f"exit {rc}"
        return "" if all(os.path.exists(o) for o in outs) else "no output written"
    if rc == 0:
        return "exit 0"
    if not text.strip():
        return "no message"
    if left:
        return f"left {os.path.basename(left[0])}"
    return ""


def first_line(text):
    for line in text.splitlines():
        if line.strip() and not line.startswith("Run with --help"):
            return line.strip()[:150]
    return ""


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--app", default=os.path.join(here, "..", "..", "build", "app", "scorescope"))
    ap.add_argument("--markdown")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        sys.exit("render needs a display: run this under xvfb-run -a")
    app = os.path.abspath(a.app)
    with tempfile.TemporaryDirectory() as tmp:
        files = make_fixtures(app, tmp)
        rows, failed = [], 0
        for group, args, expect, outs in cases(files, tmp):
            cmdline = " ".join(args)
            if a.only and a.only not in cmdline:
                continue
            for o in outs:
                if os.path.exists(o):
                    os.remove(o)
            rc, secs, rss, text = run_case(app, args, outs, tmp)
            why = judge(expect, rc, secs, rss, text, outs)
            failed += bool(why)
            verdict = "FAIL: " + why if why else "ok"
            rows.append((group, cmdline.replace(tmp, "$TMP"), expect, rc, secs, first_line(text)
                         .replace(tmp, "$TMP"), verdict))
            print(f"{verdict:28s} {rc!s:>7} {secs:5.1f}s  {cmdline.replace(tmp, '$TMP')}",
                  flush=True)
    print(f"\n{len(rows)} cases, {failed} failed their expectation")
    if a.markdown:
        write_table(a.markdown, rows, failed)
    return 1 if failed else 0


def write_table(path, rows, failed):
    """The table between the file's `<!-- cases:begin -->` and `<!-- cases:end -->` lines
    (docs/RELIABILITY.md), or as the whole file when it has none; atomically."""
    lines = [f"{len(rows)} cases, {failed} failed their expectation "
             f"(`tests/reliability/bad_inputs.py`, {time.strftime('%Y-%m-%d')}).\n\n",
             "| # | group | command (`scorescope` …) | expected | exit | s | first line of the "
             "message | verdict |\n|---:|---|---|---|---:|---:|---|---|\n"]
    for k, (g, c, e, rc, s, msg, v) in enumerate(rows, 1):
        msg = msg.replace("|", "\\|")
        lines.append(f"| {k} | {g} | `{c}` | {e} | {rc} | {s:.1f} | {msg} | {v} |\n")
    table = "".join(lines)
    begin, end = "<!-- cases:begin -->\n", "<!-- cases:end -->\n"
    text = open(path).read() if os.path.exists(path) else ""
    if begin in text and end in text:
        text = text[: text.index(begin) + len(begin)] + table + text[text.index(end):]
    else:
        text = table
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    sys.exit(main())
