#!/usr/bin/python3
"""`chiaro-cli bench --flops-only` (analytic) must equal tools/count_flops.py (hooks on the module).

  flops_match.py CLI TINY_BUNDLE COUNT_FLOPS_PY

Checked for the tiny bundle at several sizes (odd latent sizes exercise the stride-2 rounding and
the upsampler's explicit output size) and for the SD1.5 architecture at a small size, so the count
that `bench` divides by the dense rate is the count of the architecture that actually runs.
"""
import json
import os
import subprocess
import sys
import tempfile

SIZES = ["64x64", "256x256", "520x392", "200x328"]
SD15_SIZES = ["128x96"]


def cli_counts(cli, bundle, sizes):
    out = subprocess.run([cli, "bench", "--flops-only", "--models", bundle, "--unet-sizes",
                          ",".join(sizes)], check=True, stdout=subprocess.PIPE, text=True).stdout
    return {row["size"]: row["flops"] for row in json.loads(out)}


def python_count(script, manifest, size):
    out = subprocess.run([sys.executable, script, "--manifest", manifest, "--size", size, "--json"],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)["flops"]


def compare(cli, bundle, script, sizes):
    failures = 0
    got = cli_counts(cli, bundle, sizes)
    for size in sizes:
        want = python_count(script, os.path.join(bundle, "manifest.json"), size)
        ok = abs(got[size] - want) <= 1e-9 * want
        print("%s %s: chiaro-cli %.6g, count_flops.py %.6g %s" % (
            os.path.basename(bundle), size, got[size], want, "ok" if ok else "MISMATCH"))
        failures += 0 if ok else 1
    return failures


def sd15_bundle(tmp):
    """A manifest-only folder with the SD1.5 fc architecture (the FLOP count needs nothing else)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "models"))
    from chiaro_export.configs import sd15_configs
    configs = sd15_configs()
    configs["unet"]["in_channels"] = 8
    with open(os.path.join(tmp, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"vae_scale_factor": 8, "architecture": configs}, fh)
    return tmp


def main():
    cli, bundle, script = sys.argv[1:4]
    failures = compare(cli, bundle, script, SIZES)
    with tempfile.TemporaryDirectory() as tmp:
        failures += compare(cli, sd15_bundle(tmp), script, SD15_SIZES)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
