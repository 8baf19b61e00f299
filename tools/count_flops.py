#!/usr/bin/python3
"""Count the UNet's floating-point operations for one call by running the exporter's eager module.

  count_flops.py --manifest BUNDLE/manifest.json --size WxH [--batch 2] [--chunks 1] [--json]

FLOPs = 2 x multiply-accumulates of every Conv2d, Linear and attention matmul (q k^T and
softmax(.) v), measured with forward hooks on a randomly initialised copy of the bundle's
architecture (weights do not change the count). Norms, activations and additions are not counted.
`chiaro-cli bench` computes the same count analytically (src/cli/unet_flops.cpp); the test
`bench_flops_match_python` checks that the two agree.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from chiaro_export.unet import CrossAttention, UNet2DConditionModel  # noqa: E402
from chiaro_export.weights import skip_default_init  # noqa: E402


def count_unet_flops(cfg, height, width, batch, context_len):
    """FLOPs of one forward at latent size height x width; the module runs on real tensors."""
    with skip_default_init():
        unet = UNet2DConditionModel(cfg).eval()
    total = [0]

    def conv_hook(mod, inputs, out):
        k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
        total[0] += 2 * out.numel() * k

    def linear_hook(mod, inputs, out):
        total[0] += 2 * out.numel() * mod.in_features

    def attention_hook(mod, inputs, out):
        x, context = inputs
        b, n, _ = x.shape
        inner = mod.to_q.out_features
        total[0] += 2 * 2 * b * n * context.shape[1] * inner  # scores and weighted sum

    for mod in unet.modules():
        if isinstance(mod, nn.Conv2d):
            mod.register_forward_hook(conv_hook)
        elif isinstance(mod, nn.Linear):
            mod.register_forward_hook(linear_hook)
        elif isinstance(mod, CrossAttention):
            mod.register_forward_hook(attention_hook)
    x = torch.zeros(batch, cfg["in_channels"], height, width)
    t = torch.full((batch,), 500.0)
    ctx = torch.zeros(batch, context_len, cfg["cross_attention_dim"])
    with torch.no_grad():
        unet(x, t, ctx)
    return total[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--manifest", required=True)
    p.add_argument("--size", default="512x512", help="image size WxH (latent = size / 8)")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--chunks", type=int, default=1, help="prompt chunks (context = 77 x chunks)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    with open(args.manifest, "r", encoding="utf-8") as fh:
        manifest = json.load(fh)
    width, height = (int(v) for v in args.size.split("x"))
    scale = int(manifest.get("vae_scale_factor", 8))
    flops = count_unet_flops(manifest["architecture"]["unet"], height // scale, width // scale,
                             args.batch, 77 * args.chunks)
    if args.json:
        print(json.dumps({"size": args.size, "batch": args.batch, "flops": flops}))
    else:
        print("UNet %s batch %d: %.4g GFLOP" % (args.size, args.batch, flops / 1e9))
    return 0


if __name__ == "__main__":
    sys.exit(main())
