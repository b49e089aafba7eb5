#!/usr/bin/python3
"""`nestjit watch` of the seed sweep (examples/stdp_window/stdp_window.py): edits a parameter
in a copy of the seed's synapse file, saves, and measures until the new result is there.
Prints, over --repeat edits, min and median of save-to-first-result (the first table row of
the new run on the watcher's output) and save-to-whole-sweep (its "wrote 180 points" line,
printed after the CSV is written and closed), wall-clock, and the watcher's CPU time per
re-run (from /proc). Goals (issue 10): < 100 ms to the first result, < 250 ms to the sweep.

    /usr/bin/python3 tools/bench/bench_watch.py [--build build] [--repeat 10]
"""
import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
SEED = os.path.join(SOURCE, "examples", "stdp_window")
ROW = re.compile(r"^\s*-?[\d.e+-]+\s+-?[\d.e+-]+\s*$")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reader(stream, lines):
    for line in stream:
        lines.put((time.perf_counter(), line))
    lines.put((time.perf_counter(), None))


def wait_line(lines, pattern, timeout=60.0):
    deadline = time.perf_counter() + timeout
    while True:
        t, line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
        if line is None:
            raise SystemExit("bench_watch: the watcher ended")
        if pattern(line):
            return t, line


def stats(values):
    return f"min {min(values):7.1f} ms   median {statistics.median(values):7.1f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SOURCE, "build"))
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="nestjit-bench-watch-")
    for f in ("izhikevich_neuron.nestml", "stdp_synapse.nestml"):
        shutil.copy(os.path.join(SEED, f), os.path.join(work, f))
    synapse = os.path.join(work, "stdp_synapse.nestml")
    original = open(synapse).read()
    if "lambda real = .01" not in original:
        raise SystemExit("bench_watch: the seed synapse no longer declares 'lambda real = .01'")
    csv = os.path.join(work, "out.csv")
    exe = os.path.join(args.build, "tools", "nestjit", "nestjit")
    proc = subprocess.Popen([exe, "watch", os.path.join(SEED, "stdp_window.py"), "--models", work,
                             "--out", csv], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, bufsize=1, cwd=work)
    lines = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, lines), daemon=True).start()
    first, whole, cpu = [], [], []
    try:
        wait_line(lines, lambda l: l.startswith("nestjit watch: watching"))
        for i in range(args.repeat):
            time.sleep(0.2)  # let the watcher settle in its wait
            c0 = cpu_seconds(proc.pid)
            value = 0.01 + 0.001 * (i + 1)
            t_save = time.perf_counter()
            with open(synapse, "w") as f:
                f.write(original.replace("lambda real = .01", f"lambda real = {value}"))
            t_first, _ = wait_line(lines, lambda l: bool(ROW.match(l)))
            t_whole, line = wait_line(lines, lambda l: l.startswith("wrote "))
            wait_line(lines, lambda l: l.startswith("nestjit watch: run finished"))
            if "wrote 180 points" not in line:
                raise SystemExit(f"bench_watch: unexpected result: {line}")
            with open(csv) as f:
                if sum(1 for _ in f) != 181:
                    raise SystemExit("bench_watch: the CSV is not complete")
            first.append((t_first - t_save) * 1e3)
            whole.append((t_whole - t_save) * 1e3)
            cpu.append((cpu_seconds(proc.pid) - c0) * 1e3)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"save -> first result (wall)  : {stats(first)}   (goal < 100 ms)")
    print(f"save -> whole sweep (wall)   : {stats(whole)}   (goal < 250 ms)")
    print(f"watcher CPU per re-run       : {stats(cpu)}")
    print(f"edits: {args.repeat} (lambda of a copy of the seed's stdp_synapse.nestml)")


if __name__ == "__main__":
    main()
