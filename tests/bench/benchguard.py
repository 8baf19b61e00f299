#!/usr/bin/env python3
"""Speed regression guard (ctest label `benchguard`): the tiny-bundle end-to-end relight job.

  benchguard.py CLI BUNDLE BASELINE.json OUT_DIR [--runs N] [--record]

Runs `chiaro-cli relight` with the job stored in BASELINE.json N times (default 5) and takes the
median wall time and the median CPU time (user + sys of the child). It fails (exit 1) only when
BOTH medians exceed `limit_factor` (2) times the recorded ones: a real regression makes the job do
more work, which raises both, while other processes competing for the 2 cores (a loaded CI machine)
stretch wall time but hardly the CPU time, so they do not fail the guard. --record rewrites the
baseline's measured fields with this machine's medians (keep the machine notes up to date).
Needs only the standard library (no torch).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write("benchguard: %s failed (exit %d): %s\n" % (cmd[0], proc.returncode,
                                                                    proc.stderr.strip()[-500:]))
        sys.exit(1)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cpu_model():
    try:
        with open("/proc/cpuinfo", "r", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("cli")
    p.add_argument("bundle")
    p.add_argument("baseline")
    p.add_argument("out_dir")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--record", action="store_true")
    args = p.parse_args()
    with open(args.baseline, "r", encoding="utf-8") as fh:
        baseline = json.load(fh)
    os.makedirs(args.out_dir, exist_ok=True)
    source_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    image = os.path.join(source_dir, baseline["job"]["input"])
    out = os.path.join(args.out_dir, "benchguard.png")
    cmd = [args.cli, "relight", image, "-o", out, "--models", args.bundle] + baseline["job"]["args"]
    run_once(cmd)  # warm-up: page cache, verification cache
    runs = [run_once(cmd) for _ in range(max(1, args.runs))]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    load = os.getloadavg()[0]
    if args.record:
        baseline["median_wall_seconds"] = round(wall, 3)
        baseline["median_cpu_seconds"] = round(cpu, 3)
        baseline["machine"] = {"cpu": cpu_model(), "cores": os.cpu_count(),
                               "load_average_1min": round(load, 2),
                               "date": datetime.date.today().isoformat()}
        with open(args.baseline + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(baseline, fh, indent=2)
            fh.write("\n")
        os.replace(args.baseline + ".tmp", args.baseline)
        print("benchguard: recorded wall %.3f s, cpu %.3f s (load %.2f)" % (wall, cpu, load))
        return 0
    factor = float(baseline.get("limit_factor", 2.0))
    wall_ratio = wall / baseline["median_wall_seconds"]
    cpu_ratio = cpu / baseline["median_cpu_seconds"]
    print("benchguard: median of %d runs: wall %.3f s (%.2fx baseline), cpu %.3f s (%.2fx baseline), "
          "load average %.2f, limit %.1fx" % (len(runs), wall, wall_ratio, cpu, cpu_ratio, load, factor))
    if wall_ratio > factor and cpu_ratio > factor:
        sys.stderr.write("benchguard: the tiny-bundle job is more than %.1fx slower than the baseline "
                         "in %s\n" % (factor, args.baseline))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
