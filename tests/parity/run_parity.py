#!/usr/bin/python3
"""Runs one parity job of ../shared/parity through the real chiaro-cli and checks it against
IC-Light's own output: the PSNR with the kit's compare.py (at least MIN_DB) and the largest
difference of any pixel channel (at most MAX_DIFF levels), so a regression cannot hide in the slack.

The job runs with `--crop --output-size working`: IC-Light's own behaviour (centre crop to the working
size, output at the working size) rather than chiaro-cli's default of keeping the photo's size.

usage: run_parity.py CLI JOB_DIR BUNDLE_DIR OUT_DIR [MIN_DB [MAX_DIFF]]
"""
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image


def largest_difference(expected, got):
    a = np.asarray(Image.open(expected).convert("RGB"), dtype=np.int16)
    b = np.asarray(Image.open(got).convert("RGB"), dtype=np.int16)
    if a.shape != b.shape:
        return None
    return int(np.abs(a - b).max())


def main():
    cli, job_dir, bundle_dir, out_dir = sys.argv[1:5]
    min_db = sys.argv[5] if len(sys.argv) > 5 else "60"
    max_diff = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    job = json.load(open(os.path.join(job_dir, "args.json")))
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(os.path.abspath(out_dir), job["job"]["name"] + ".png")
    cmd = [cli, "relight", "input.png", "-o", out, "--models", bundle_dir, "--threads", "2"] + \
        job["args"] + ["--crop", "--output-size", "working"]
    print(" ".join(cmd), flush=True)
    run = subprocess.run(cmd, cwd=job_dir)
    if run.returncode != 0:
        print(f"chiaro-cli relight failed with exit code {run.returncode}")
        return 1
    expected = os.path.join(job_dir, "expected.png")
    compare = os.path.join(os.path.dirname(os.path.abspath(job_dir)), "compare.py")
    psnr_rc = subprocess.run(["/usr/bin/python3", compare, expected, out, min_db]).returncode
    diff = largest_difference(expected, out)
    if diff is None:
        print(f"{out}: size differs from {expected}")
        return 1
    print(f"largest difference: {diff} levels (allowed {max_diff})", flush=True)
    return 1 if psnr_rc != 0 or diff > max_diff else 0


if __name__ == "__main__":
    sys.exit(main())
