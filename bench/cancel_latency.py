#!/usr/bin/env python3
"""Cancel latency per engine stage (issue #24), measured the way a user meets it: Ctrl+C (SIGINT)
to a running `chiaro-cli relight`, until the process has exited with code 5.

First one uncancelled run records how long each stage takes (`stage NAME done in N ms` with
--verbose). Then, for each stage, a run is interrupted half-way through that stage's first
occurrence; the table gives the time from the signal to the exit, and whether the job was
cancelled inside that stage. Not a test: nothing is asserted; run it on a full-size bundle
(`models/export.py --random-full --variant fc --out DIR`) to see the real numbers.

usage: bench/cancel_latency.py CHIARO_CLI BUNDLE PHOTO [--size WxH] [--steps N] [--threads N]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

DONE = re.compile(r"stage (\S+) done in (\d+) ms")
STARTED = re.compile(r"stage (\S+) started")
CANCELLED = re.compile(r"job cancelled in stage (\S+)")


def command(args, output):
    width, height = args.size.split("x")
    return [args.cli, "relight", args.photo, "-o", output, "--models", args.bundle, "--steps", str(args.steps),
            "--width", width, "--height", height, "--threads", str(args.threads), "--verbose"]


def first_durations(args, workdir):
    """Stage name -> milliseconds of its first occurrence, in order, from one whole run."""
    out = os.path.join(workdir, "full.png")
    run = subprocess.run(command(args, out), capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("the uncancelled job failed: " + run.stderr.strip().splitlines()[-1])
    durations = {}
    for line in run.stderr.splitlines():
        match = DONE.search(line)
        if match and match.group(1) not in durations:
            durations[match.group(1)] = int(match.group(2))
    os.remove(out)
    return durations


def interrupt(args, workdir, stage, delay_s):
    out = os.path.join(workdir, "cancelled.png")
    child = subprocess.Popen(command(args, out), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    sent_at = [None]
    cancelled_in = None
    for line in child.stderr:
        match = STARTED.search(line)
        if match and match.group(1) == stage and sent_at[0] is None:
            def send():
                sent_at[0] = time.monotonic()
                child.send_signal(signal.SIGINT)
            threading.Timer(delay_s, send).start()
        match = CANCELLED.search(line)
        if match:
            cancelled_in = match.group(1)
    code = child.wait()
    exited_at = time.monotonic()
    latency = exited_at - sent_at[0] if sent_at[0] else float("nan")
    return code, latency, cancelled_in, os.path.exists(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cli")
    parser.add_argument("bundle")
    parser.add_argument("photo")
    parser.add_argument("--size", default="512x512")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        durations = first_durations(args, workdir)
        print("| stage | stage takes (ms) | SIGINT half-way -> exit (ms) | exit | cancelled in | output |")
        print("|---|---:|---:|---:|---|---|")
        for stage, ms in durations.items():
            code, latency, where, output = interrupt(args, workdir, stage, ms / 2000.0)
            print("| %s | %d | %.0f | %d | %s | %s |" % (stage, ms, latency * 1000.0, code, where or "-",
                                                        "left!" if output else "none"))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
