#!/usr/bin/python3
"""End to end: the real chiaro-cli relights identically with bundles exported from real-config
fixtures (runwayml SD1.5 configs, diffusers folder and single file) and with the clean-config export of
the same weights; also with an "old" bundle whose manifest carries the wrong special ids that
exporters before 1.3 copied from text_encoder/config.json (bos 0, eos 2, pad 1), which the loader
must correct from the tokenizer.

usage: e2e_real_configs.py CLI CLEAN_BUNDLE WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402
import real_fixtures as rf  # noqa: E402

JOB = os.path.join(helpers.PARITY, "fc_left")
FC = os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")


def export(args, out):
    cmd = [helpers.PYTHON, helpers.EXPORT_PY] + args + ["--out", out, "--no-verify"]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("export failed: %s\n%s" % (" ".join(cmd), run.stderr))
    return out


def relight(cli, bundle, out):
    args = ["--mask", "mask.png", "--light-preset", "left", "--prompt", "soft studio lighting",
            "--seed", "7", "--steps", "3", "--cfg", "2.0", "--width", "256", "--height", "256",
            "--highres-scale", "1.0", "--device", "cpu", "--precision", "fp32", "--threads", "2"]
    cmd = [cli, "relight", "input.png", "-o", out, "--models", bundle] + args
    run = subprocess.run(cmd, cwd=JOB, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("relight failed (%d): %s\n%s" % (run.returncode, " ".join(cmd), run.stderr))
    return np.asarray(Image.open(out).convert("RGB"), dtype=np.int16)


def main():
    cli, clean, work = (os.path.abspath(p) for p in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    folder = rf.diffusers_folder(os.path.join(work, "sd15"))
    single = rf.single_file(os.path.join(work, "sd15.safetensors"))
    config = rf.config_folder(os.path.join(work, "sd15-config"))
    bundles = {
        "real-config diffusers folder": export(["--base", folder, "--iclight", FC],
                                               os.path.join(work, "b-folder")),
        "real-config single file": export(["--base", single, "--iclight", FC, "--config", config,
                                           "--vocab", helpers.BPE], os.path.join(work, "b-single")),
    }
    old = os.path.join(work, "b-old")
    shutil.copytree(bundles["real-config diffusers folder"], old)
    path = os.path.join(old, "manifest.json")
    manifest = helpers.load_json(path)
    manifest["text"].update(bos_id=0, eos_id=2, pad_id=1)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
    bundles["old bundle with bos 0 / eos 2 / pad 1"] = old
    want = relight(cli, clean, os.path.join(work, "clean.png"))
    failed = 0
    for i, (name, bundle) in enumerate(bundles.items()):
        got = relight(cli, bundle, os.path.join(work, "got%d.png" % i))
        diff = int(np.abs(got - want).max()) if got.shape == want.shape else -1
        same = got.shape == want.shape and diff == 0
        print("%-40s %s (largest difference %d levels)" % (name, "identical" if same else "DIFFERENT",
                                                            diff))
        failed += not same
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
