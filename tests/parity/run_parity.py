#!/usr/bin/python3
"""Runs one parity job of ../shared/parity through the real chiaro-cli and checks the PSNR against
IC-Light's own output with the kit's compare.py.

usage: run_parity.py CLI JOB_DIR BUNDLE_DIR OUT_DIR [MIN_DB]
"""
import json
import os
import subprocess
import sys


def main():
    cli, job_dir, bundle_dir, out_dir = sys.argv[1:5]
    min_db = sys.argv[5] if len(sys.argv) > 5 else "40"
    job = json.load(open(os.path.join(job_dir, "args.json")))
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(os.path.abspath(out_dir), job["job"]["name"] + ".png")
    cmd = [cli, "relight", "input.png", "-o", out, "--models", bundle_dir, "--threads", "2"] + job["args"]
    print(" ".join(cmd), flush=True)
    run = subprocess.run(cmd, cwd=job_dir)
    if run.returncode != 0:
        print(f"chiaro-cli relight failed with exit code {run.returncode}")
        return 1
    compare = os.path.join(os.path.dirname(os.path.abspath(job_dir)), "compare.py")
    return subprocess.run(["/usr/bin/python3", compare, os.path.join(job_dir, "expected.png"), out, min_db]).returncode


if __name__ == "__main__":
    sys.exit(main())
