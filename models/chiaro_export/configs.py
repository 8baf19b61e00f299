"""Model configurations: SD1.5 defaults, the parity kit's tiny size, and diffusers config.json parsing.

Configs are plain dicts in diffusers/transformers key naming; `normalize_*` fills defaults and keeps
only the keys the modules read, so the manifest's "architecture" section is complete and small.
"""
import json
import os

from .errors import ExportError

SD15_UNET = {
    "in_channels": 4, "out_channels": 4, "block_out_channels": [320, 640, 1280, 1280],
    "layers_per_block": 2, "attention_head_dim": 8, "num_attention_heads": None,
    "cross_attention_dim": 768, "norm_num_groups": 32, "norm_eps": 1e-5,
    "use_linear_projection": False, "downsample_padding": 1, "flip_sin_to_cos": True,
    "freq_shift": 0,
    "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                         "DownBlock2D"],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                       "CrossAttnUpBlock2D"],
}
SD15_VAE = {
    "in_channels": 3, "out_channels": 3, "latent_channels": 4,
    "block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "norm_num_groups": 32,
    "scaling_factor": 0.18215,
}
SD15_TEXT = {
    "vocab_size": 49408, "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
    "num_attention_heads": 12, "max_position_embeddings": 77, "layer_norm_eps": 1e-5,
    "hidden_act": "quick_gelu", "bos_token_id": 49406, "eos_token_id": 49407,
}

# The parity kit's tiny_sd sizes (../shared/parity/README.md).
TINY_UNET = dict(SD15_UNET, block_out_channels=[8, 16, 32, 32], attention_head_dim=2,
                 cross_attention_dim=32, norm_num_groups=4)
TINY_VAE = dict(SD15_VAE, block_out_channels=[8, 16, 32, 32], norm_num_groups=4)
TINY_TEXT = dict(SD15_TEXT, hidden_size=32, intermediate_size=128, num_hidden_layers=2,
                 num_attention_heads=2)

_SUPPORTED_DOWN = ("CrossAttnDownBlock2D", "DownBlock2D")
_SUPPORTED_UP = ("CrossAttnUpBlock2D", "UpBlock2D")


def _pick(raw, defaults):
    out = {}
    for key, value in defaults.items():
        got = raw.get(key, value)
        out[key] = value if got is None and key != "num_attention_heads" else got
    return out


def normalize_unet(raw, path="unet config"):
    cfg = _pick(raw, SD15_UNET)
    for key in ("block_out_channels", "down_block_types", "up_block_types"):
        cfg[key] = list(cfg[key])
    n = len(cfg["block_out_channels"])
    if len(cfg["down_block_types"]) != n or len(cfg["up_block_types"]) != n:
        raise ExportError("block type lists do not match block_out_channels", path)
    bad = [t for t in cfg["down_block_types"] if t not in _SUPPORTED_DOWN] + \
          [t for t in cfg["up_block_types"] if t not in _SUPPORTED_UP]
    if bad:
        raise ExportError("unsupported UNet block type %s (SD1.x/2.x only)" % bad[0], path)
    for key in ("addition_embed_type", "class_embed_type", "encoder_hid_dim_type"):
        if raw.get(key):
            raise ExportError("unsupported UNet option %s=%s (SD1.x/2.x only)" % (key, raw[key]), path)
    if int(raw.get("transformer_layers_per_block", 1) or 1) != 1:
        raise ExportError("transformer_layers_per_block != 1 is not supported", path)
    return cfg


def normalize_vae(raw, path="vae config"):
    cfg = _pick(raw, SD15_VAE)
    cfg["block_out_channels"] = list(cfg["block_out_channels"])
    return cfg


def normalize_text(raw, path="text_encoder config"):
    cfg = _pick(raw, SD15_TEXT)
    if cfg["hidden_act"] not in ("quick_gelu", "gelu"):
        raise ExportError("unsupported hidden_act %s" % cfg["hidden_act"], path)
    return cfg


def read_json(path):
    try:
        with open(path, "r", encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise ExportError("cannot read (%s)" % exc.strerror, path)
    except ValueError as exc:
        raise ExportError("malformed JSON (%s)" % exc, path)
    if not isinstance(data, dict):
        raise ExportError("expected a JSON object", path)
    return data


def read_diffusers_configs(folder):
    """unet/vae/text_encoder config.json of a diffusers folder, normalized."""
    parts = {}
    for part, norm in (("unet", normalize_unet), ("vae", normalize_vae),
                       ("text_encoder", normalize_text)):
        path = os.path.join(folder, part, "config.json")
        parts[part] = norm(read_json(path), path)
    return parts


def sd15_configs():
    return {"unet": dict(SD15_UNET), "vae": dict(SD15_VAE), "text_encoder": dict(SD15_TEXT)}


def tiny_configs():
    return {"unet": dict(TINY_UNET), "vae": dict(TINY_VAE), "text_encoder": dict(TINY_TEXT)}
