#!/usr/bin/python3
"""PyTorch eager reference for `chiaro-cli bench --eager`: one UNet call, CFG batch 2.

  eager_unet.py --bundle DIR [--size 512x512 ...] [--threads N] [--repeats R] [--json]

Builds the bundle's UNet architecture (manifest "architecture.unet") from the exporter's Python
modules (models/chiaro_export/unet.py, the same code that was scripted into unet.pt), loads the
bundle's weights from unet.pt's state dict (weights do not change the speed, but this keeps the
comparison exact), and times forward(x [2, in, h, w], t [2], context [2, 77, dim]) under
torch.inference_mode with the given thread count: one warm-up call, then the median of R calls.
Prints one line per size, or one JSON object per line with --json:
  {"size": "512x512", "batch": 2, "seconds": 19.8, "threads": 2, "torch": "1.13.1"}
Exit codes: 0 ok, 2 usage, 4 bundle problem (as chiaro-cli).
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))

import torch  # noqa: E402

from chiaro_export.unet import UNet2DConditionModel  # noqa: E402
from chiaro_export.weights import skip_default_init  # noqa: E402


def load_unet(bundle):
    with open(os.path.join(bundle, "manifest.json"), "r", encoding="utf-8") as fh:
        manifest = json.load(fh)
    cfg = manifest["architecture"]["unet"]
    with skip_default_init():
        unet = UNet2DConditionModel(cfg).eval()
    scripted = torch.jit.load(os.path.join(bundle, manifest["files"]["unet"]["path"]),
                              map_location="cpu")
    unet.load_state_dict(scripted.state_dict(), strict=True)
    del scripted
    for p in unet.parameters():
        p.requires_grad_(False)
    return unet, cfg, int(manifest.get("vae_scale_factor", 8))


def time_call(unet, cfg, height, width, repeats):
    x = torch.randn(2, cfg["in_channels"], height, width)
    t = torch.full((2,), 500.0)
    ctx = torch.randn(2, 77, cfg["cross_attention_dim"])
    times = []
    with torch.inference_mode():
        unet(x, t, ctx)  # warm-up
        for _ in range(max(1, repeats)):
            start = time.perf_counter()
            unet(x, t, ctx)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bundle", required=True)
    p.add_argument("--size", action="append", help="image size WxH (repeatable; default 512x512)")
    p.add_argument("--threads", type=int, default=0, help="0 = all cores")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    threads = args.threads if args.threads > 0 else (os.cpu_count() or 1)
    torch.set_num_threads(threads)
    try:
        unet, cfg, scale = load_unet(args.bundle)
    except (OSError, KeyError, ValueError, RuntimeError) as exc:
        sys.stderr.write("eager_unet.py: %s: cannot load the UNet (%s)\n" % (args.bundle, exc))
        return 4
    for size in args.size or ["512x512"]:
        try:
            width, height = (int(v) for v in size.split("x"))
        except ValueError:
            sys.stderr.write("eager_unet.py: --size expects WxH, got '%s'\n" % size)
            return 2
        seconds = time_call(unet, cfg, height // scale, width // scale, args.repeats)
        if args.json:
            print(json.dumps({"size": size, "batch": 2, "seconds": seconds, "threads": threads,
                              "torch": torch.__version__}), flush=True)
        else:
            print("eager UNet step %s (CFG batch 2, %d threads): %.2f s" % (size, threads, seconds),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
