"""Tiny random-weight models whose config files are the real ones users have
(../shared/data/real_configs: runwayml SD1.5 and realistic-vision-v51), with only the size fields
shrunk to the parity kit's tiny_sd (so tiny_sd's weights fit); every other field is kept, including
text_encoder/config.json's wrong bos 0 / eos 2 / pad 1. Also single-file (A1111/ComfyUI) variants:
fp16 / bf16, with an EMA copy, without a baked VAE. Used by test_real_configs.py and
e2e_real_configs.py.
"""
import json
import os
import shutil

import torch

import helpers
from chiaro_export.ldm_keys import diffusers_to_ldm, VAE_PREFIX
from chiaro_export.recognise import ema_name
from chiaro_export.safetensors_io import load_file, save_file
from chiaro_export.sources import load_diffusers_folder

REAL = os.path.join(helpers.SHARED, "data", "real_configs")
SIZE_FIELDS = {
    "unet": ("block_out_channels", "attention_head_dim", "cross_attention_dim", "norm_num_groups"),
    "vae": ("block_out_channels", "norm_num_groups"),
    "text_encoder": ("hidden_size", "intermediate_size", "num_hidden_layers",
                     "num_attention_heads", "projection_dim"),
}
WEIGHTS = {"unet": "diffusion_pytorch_model", "vae": "diffusion_pytorch_model",
           "text_encoder": "model"}


def shrunk_config(model, part):
    """The real `model`/`part`/config.json with tiny_sd's size fields; None when the real folder
    has none (realistic-vision has no unet/config.json)."""
    path = os.path.join(REAL, model, part, "config.json")
    if not os.path.isfile(path):
        return None
    cfg = helpers.load_json(path)
    tiny = helpers.load_json(os.path.join(helpers.TINY_SD, part, "config.json"))
    for key in SIZE_FIELDS[part]:
        cfg[key] = tiny[key]
    return cfg


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)


def diffusers_folder(dest, model="sd15", dtype=None, fp16_names=False, tokenizer=None):
    """A diffusers folder with `model`'s real configs (shrunk) and tiny_sd's weights.

    dtype: store the weights in this torch dtype; fp16_names: as `*.fp16.safetensors` variants;
    tokenizer: copy tiny_sd's tokenizer/ (default: only where the real folder has one, sd15).
    """
    os.makedirs(dest)
    shutil.copy(os.path.join(helpers.TINY_SD, "model_index.json"), dest)
    for part in ("unet", "vae", "text_encoder"):
        cfg = shrunk_config(model, part)
        if cfg is not None:
            write_json(os.path.join(dest, part, "config.json"), cfg)
        src = os.path.join(helpers.TINY_SD, part, WEIGHTS[part] + ".safetensors")
        dst = os.path.join(dest, part, WEIGHTS[part] + (".fp16" if fp16_names else "") +
                           ".safetensors")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if dtype is None:
            os.symlink(src, dst)
        else:
            save_file({k: v.to(dtype) for k, v in load_file(src).items()}, dst)
    sched = os.path.join(REAL, model, "scheduler", "scheduler_config.json")
    if os.path.isfile(sched):
        os.makedirs(os.path.join(dest, "scheduler"))
        shutil.copy(sched, os.path.join(dest, "scheduler"))
    if tokenizer if tokenizer is not None else model == "sd15":
        shutil.copytree(os.path.join(helpers.TINY_SD, "tokenizer"), os.path.join(dest, "tokenizer"))
    return dest


def config_folder(dest, model="sd15"):
    """Only the (shrunk) real config.json files: a --config DIR."""
    for part in ("unet", "vae", "text_encoder"):
        cfg = shrunk_config(model, part) or shrunk_config("sd15", part)
        write_json(os.path.join(dest, part, "config.json"), cfg)
    return dest


def ldm_tensors(folder=helpers.TINY_SD):
    """tiny_sd's weights under original single-file names (VAE attention as 1x1 convs)."""
    base = load_diffusers_folder(folder)
    names = diffusers_to_ldm({p: list(t) for p, t in base.tensors.items()}, base.configs)
    out = {}
    for part, tensors in base.tensors.items():
        for key, value in tensors.items():
            if part == "vae" and ".attentions." in key and value.dim() == 2:
                value = value[:, :, None, None]
            out[names[part + "." + key]] = value
    out["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(77)[None]
    out["alphas_cumprod"] = torch.linspace(1, 0, 1000)
    return out


def single_file(path, dtype=torch.float32, ema=False, baked_vae=True, tensors=None):
    """Write tiny_sd as one A1111-style .safetensors.

    ema: v1-5-pruned layout: the real UNet weights under `model_ema.*` (dots removed) and
    different (perturbed) ones under `model.diffusion_model.*`, so using the wrong copy shows.
    baked_vae=False drops `first_stage_model.*` (a checkpoint needing --vae).
    """
    src = dict(tensors or ldm_tensors())
    out = {}
    for key, value in src.items():
        if not baked_vae and key.startswith(VAE_PREFIX):
            continue
        if value.is_floating_point():
            value = value.to(dtype)
        if ema and key.startswith("model.diffusion_model."):
            out[ema_name(key)] = value
            value = value + 0.01
        out[key] = value
    out["model_ema.decay"] = torch.tensor(0.9999)
    out["model_ema.num_updates"] = torch.tensor(1000, dtype=torch.int32)
    save_file(out, path)
    return path


def vae_file(path, naming="ldm"):
    """tiny_sd's VAE alone: LDM naming without prefix (like vae-ft-mse-840000-ema-pruned) or the
    diffusers file itself."""
    if naming == "diffusers":
        os.symlink(os.path.join(helpers.TINY_SD, "vae", "diffusion_pytorch_model.safetensors"), path)
        return path
    vae = {k[len(VAE_PREFIX):]: v for k, v in ldm_tensors().items() if k.startswith(VAE_PREFIX)}
    save_file(vae, path)
    return path


def rounded_single_file(path, dtype):
    """The fp32 single file of tiny_sd's weights rounded through `dtype`: the clean reference of an
    fp16/bf16 file (same values, fp32 storage)."""
    t = {k: (v.to(dtype).to(torch.float32) if v.is_floating_point() else v)
         for k, v in ldm_tensors().items()}
    return single_file(path, torch.float32, tensors=t)
