"""manifest.json of a bundle (CONTRACTS.md section 2)."""
import hashlib
import json
import os

from . import EXPORTER_VERSION

FORMAT = "chiaro-bundle"
FORMAT_VERSION = 1
FILES = (("text_encoder", "text_encoder.pt"), ("unet", "unet.pt"),
         ("vae_encoder", "vae_encoder.pt"), ("vae_decoder", "vae_decoder.pt"),
         ("vocab", "tokenizer/vocab.json"), ("merges", "tokenizer/merges.txt"))


def sha256_of(path, chunk=8 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def file_entries(bundle_dir, parameters):
    files = {}
    optional = [("segmenter", "segmenter.pt")]
    for name, rel in list(FILES) + optional:
        path = os.path.join(bundle_dir, rel)
        if (name, rel) in optional and not os.path.exists(path):
            continue
        entry = {"path": rel, "sha256": sha256_of(path), "bytes": os.path.getsize(path)}
        if name in parameters:
            entry["parameters"] = parameters[name]
        files[name] = entry
    return files


def build(bundle_dir, variant, concat_channels, configs, source, parameters, special, loras=None):
    """`special`: bos_id/eos_id/pad_id from the tokenizer's vocabulary (tokenizer_export.special_ids),
    never text_encoder/config.json's fields (0/2/1 in the real SD1.5 folders). `loras`: the merged
    LoRAs' entries (lora.LoraFile.manifest_entry); the key is absent when none was merged, so a
    bundle without LoRAs is the same as before."""
    text = configs["text_encoder"]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exporter_version": EXPORTER_VERSION,
        "variant": variant,
        "concat_channels": concat_channels,
        "latent_channels": configs["vae"]["latent_channels"],
        "vae_scale_factor": 2 ** (len(configs["vae"]["block_out_channels"]) - 1),
        "scaling_factor": configs["vae"]["scaling_factor"],
        "text": {"max_length": text["max_position_embeddings"], "hidden_size": text["hidden_size"],
                 "bos_id": special["bos_id"], "eos_id": special["eos_id"],
                 "pad_id": special["pad_id"]},
        "files": file_entries(bundle_dir, parameters),
        "source": source,
        "architecture": configs,
    }
    if loras:
        manifest["loras"] = list(loras)
    return manifest


def write(bundle_dir, manifest):
    path = os.path.join(bundle_dir, "manifest.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=False)
        fh.write("\n")
    return path
