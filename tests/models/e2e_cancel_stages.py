"""Issue #24: Ctrl+C (SIGINT) during each stage of a real chiaro-cli relight job on the tiny bundle
exits with code 5, prints one line and leaves no output and no temporary file.

The job runs with --verbose; when `stage NAME started` appears on stderr the test sends SIGINT.
The photo is 4000x3000 and the output at the photo's size, so that the last stage (finish) lasts
long enough to be interrupted too. No timing is asserted (benchmarks measure the latency:
`chiaro-cli bench --cancel`).

usage: e2e_cancel_stages.py CHIARO_CLI TINY_FC_BUNDLE WORK_DIR
"""
import os
import shutil
import signal
import subprocess
import sys

from PIL import Image

# conditioning and resize take a few ms: the in-process engine test cancels in them deterministically.
STAGES = ["text-encode", "vae-encode", "pass-1", "vae-decode", "pass-2", "finish"]


def make_photo(path):
    small = Image.open(os.path.join(os.path.dirname(__file__), "..", "..", "resources", "samples", "coffee.png"))
    small.convert("RGB").resize((4000, 3000), Image.BICUBIC).save(path, compress_level=1)


def cancel_at(cli, bundle, photo, out_dir, stage):
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    output = os.path.join(out_dir, "relit.png")
    argv = [cli, "relight", photo, "-o", output, "--models", bundle, "--steps", "2", "--width", "320",
            "--height", "256", "--highres-scale", "1.5", "--threads", "2", "--verbose"]
    child = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines, sent = [], False
    for line in child.stderr:
        lines.append(line.rstrip("\n"))
        if not sent and line.rstrip("\n").endswith("stage " + stage + " started"):
            child.send_signal(signal.SIGINT)
            sent = True
    code = child.wait(timeout=600)
    errors = [l for l in lines if l.startswith("chiaro-cli relight:")]
    leftovers = os.listdir(out_dir)
    ok = sent and code == 5 and errors == ["chiaro-cli relight: cancelled"] and not leftovers
    cancelled_in = [l for l in lines if "job cancelled in stage" in l]
    print(("ok   " if ok else "FAIL ") + "SIGINT at 'stage %s started': exit %d, %s, left %s, %s"
          % (stage, code, errors, leftovers, cancelled_in))
    if not ok:
        print("\n".join(lines[-15:]))
    return ok


def main():
    cli, bundle, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    photo = os.path.join(work, "photo.png")
    make_photo(photo)
    ok = True
    for stage in STAGES:
        ok &= cancel_at(cli, bundle, photo, os.path.join(work, "out"), stage)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
