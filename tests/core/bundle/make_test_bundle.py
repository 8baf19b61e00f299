#!/usr/bin/python3
"""Tiny TorchScript bundles for the C++ bundle loader's tests (not the exporter's real modules).

  make_test_bundle.py OUT_ROOT

writes OUT_ROOT/<name>/ for each case below: a manifest.json in the exporter's layout (CONTRACTS.md
section 2) with real sha256s and sizes, four scripted modules with the contract's forward signatures,
and a small tokenizer. Cases:
  fc, fbc          good bundles (UNet conv_in 8 / 12 channels)
  fc_wide_unet     fc manifest, but the UNet's conv_in takes 12 channels (an fbc UNet)
  fc_wide_frozen   the same UNet frozen by torch.jit.freeze (its weights are no parameters)
  fc_pickle_unet   unet.pt is a torch.save() state dict, not a TorchScript archive
  fc_bad_decoder   vae_decoder.pt returns half the expected image size
Seeded; runs in about two seconds (mostly importing torch).
"""
import hashlib
import json
import os
import sys

import torch
from torch import nn

HIDDEN = 32
MAX_LENGTH = 77
SCALING = 0.18215
VOCAB_ROWS = 512


class TextEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB_ROWS, HIDDEN)
        self.position_embedding = nn.Parameter(torch.randn(MAX_LENGTH, HIDDEN) * 0.02)
        self.final_layer_norm = nn.LayerNorm(HIDDEN)
        self.rows = VOCAB_ROWS

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(ids % self.rows) + self.position_embedding[: ids.shape[1]]
        return self.final_layer_norm(x)


class UNet(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.conv_in = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.time_proj = nn.Linear(1, 16)
        self.context_proj = nn.Linear(HIDDEN, 16)
        self.down = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.up = nn.Conv2d(16, 16, 3, padding=1)
        self.conv_out = nn.Conv2d(16, 4, 3, padding=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        temb = self.time_proj((t / 1000.0).to(x.dtype)[:, None])
        cemb = self.context_proj(context).mean(dim=1)
        h = torch.nn.functional.silu(h + (temb + cemb)[:, :, None, None])
        # Nearest upsampling + conv as in SD's UNet (LibTorch 1.13's CPU bf16 ConvTranspose2d is broken).
        low = torch.nn.functional.silu(self.down(h))
        h = self.up(torch.nn.functional.interpolate(low, scale_factor=2.0, mode="nearest")) + h
        return self.conv_out(h)


class VaeEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 8, stride=8)
        self.scaling = SCALING

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.conv(image) * self.scaling


class VaeDecoder(nn.Module):
    def __init__(self, factor=8):
        super().__init__()
        self.conv = nn.Conv2d(4, 3, 3, padding=1)
        self.scaling = SCALING
        self.factor = float(factor)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        up = torch.nn.functional.interpolate(latent / self.scaling, scale_factor=self.factor,
                                             mode="nearest")
        return torch.tanh(self.conv(up))


def sha256_of(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def save_script(module, path, freeze=False):
    module.eval()
    scripted = torch.jit.script(module)
    if freeze:
        scripted = torch.jit.freeze(scripted)
    scripted.save(path)


def write_tokenizer(folder):
    os.makedirs(folder, exist_ok=True)
    vocab = {"<|startoftext|>": 49406, "<|endoftext|>": 49407, "a</w>": 320, "cat</w>": 2368}
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as fh:
        json.dump(vocab, fh)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as fh:
        fh.write("#version: 0.2\nc a\nca t</w>\n")


def write_bundle(out, variant, unet_in=None, pickle_unet=False, decoder_factor=8,
                 freeze_unet=False):
    concat = 4 if variant == "fc" else 8
    os.makedirs(out)
    save_script(TextEncoder(), os.path.join(out, "text_encoder.pt"))
    unet = UNet(unet_in or 4 + concat)
    if pickle_unet:
        torch.save(unet.state_dict(), os.path.join(out, "unet.pt"))
    else:
        save_script(unet, os.path.join(out, "unet.pt"), freeze_unet)
    save_script(VaeEncoder(), os.path.join(out, "vae_encoder.pt"))
    save_script(VaeDecoder(decoder_factor), os.path.join(out, "vae_decoder.pt"))
    write_tokenizer(os.path.join(out, "tokenizer"))
    files = {}
    for name, rel in (("text_encoder", "text_encoder.pt"), ("unet", "unet.pt"),
                      ("vae_encoder", "vae_encoder.pt"), ("vae_decoder", "vae_decoder.pt"),
                      ("vocab", "tokenizer/vocab.json"), ("merges", "tokenizer/merges.txt")):
        path = os.path.join(out, rel)
        files[name] = {"path": rel, "sha256": sha256_of(path), "bytes": os.path.getsize(path)}
    manifest = {
        "format": "chiaro-bundle", "format_version": 1, "exporter_version": "test-fixture",
        "variant": variant, "concat_channels": concat, "latent_channels": 4,
        "vae_scale_factor": 8, "scaling_factor": SCALING,
        "text": {"max_length": MAX_LENGTH, "hidden_size": HIDDEN, "bos_id": 49406,
                 "eos_id": 49407, "pad_id": 49407},
        "files": files,
        "source": {"kind": "test-fixture", "script": "tests/core/bundle/make_test_bundle.py"},
        "architecture": {"unet": {"in_channels": unet_in or 4 + concat}},
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: make_test_bundle.py OUT_ROOT\n")
        return 2
    root = argv[1]
    torch.manual_seed(0)
    write_bundle(os.path.join(root, "fc"), "fc")
    write_bundle(os.path.join(root, "fbc"), "fbc")
    write_bundle(os.path.join(root, "fc_wide_unet"), "fc", unet_in=12)
    write_bundle(os.path.join(root, "fc_wide_frozen"), "fc", unet_in=12, freeze_unet=True)
    write_bundle(os.path.join(root, "fc_pickle_unet"), "fc", pickle_unet=True)
    write_bundle(os.path.join(root, "fc_bad_decoder"), "fc", decoder_factor=4)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
