"""Original (LDM / A1111 / ComfyUI) single-file SD1.5 checkpoints and separate VAE files.

A single file holds `model.diffusion_model.*` (UNet), `first_stage_model.*` (VAE, absent in files
"without a baked VAE") and `cond_stage_model.transformer.*` (CLIP) in fp16, bf16 or fp32. Files like
`v1-5-pruned.safetensors` also carry an EMA copy of the UNet under `model_ema.*` (module path
without dots); as A1111 does, the EMA weights are used when the copy is complete.
"""
import os

from .errors import ExportError
from .ldm_keys import VAE_PREFIX, unet_key_to_ldm, vae_key_to_ldm, text_ldm_candidates
from .recognise import check_base_file, dtype_label, ema_name, use_ema, _vae_layout
from .safetensors_io import SafetensorsFile

_OLD_ATTN = {"to_q": "query", "to_k": "key", "to_v": "value", "to_out.0": "proj_attn"}


def take(f, names, key, part, hint="not an SD1.5 checkpoint, or it needs --config"):
    for name in names:
        if name in f:
            return f.get(name), f.dtype(name)
    raise ExportError("lacks '%s' (the %s key '%s'): %s" % (names[0], part, key, hint), f.path)


def load_ldm_tensors(path, configs, keys, vae_path=None):
    """({'unet', 'vae', 'text_encoder'} tensors in diffusers naming, info dict) from one file.

    With `vae_path`, the VAE comes from that file and any baked-in VAE is ignored.
    """
    tensors = {"unet": {}, "vae": {}, "text_encoder": {}}
    dtypes = []
    with SafetensorsFile(path) as f:
        check_base_file(f)
        names = {k: unet_key_to_ldm(k, configs["unet"]) for k in keys["unet"]}
        ema = use_ema(f, list(names.values()))
        for key, name in names.items():
            tensors["unet"][key], dtype = take(f, [ema_name(name) if ema else name], key, "unet")
            dtypes.append(dtype)
        baked_vae = any(k.startswith(VAE_PREFIX) for k in f.keys())
        if vae_path is None:
            if not baked_vae:
                raise ExportError("the checkpoint has no VAE (no 'first_stage_model.*' keys): pass "
                                  "one with --vae, e.g. vae-ft-mse-840000-ema-pruned.safetensors",
                                  path)
            for key in keys["vae"]:
                tensors["vae"][key], _ = take(f, [vae_key_to_ldm(key, configs["vae"])], key, "vae")
        for key in keys["text_encoder"]:
            tensors["text_encoder"][key], _ = take(f, text_ldm_candidates(key), key, "text_encoder")
    info = {"layout": "single-file", "dtype": dtype_label(dtypes), "ema": bool(ema),
            "baked_vae": baked_vae}
    if vae_path is not None:
        tensors["vae"], info["vae"] = load_vae_file(vae_path, configs["vae"], keys["vae"])
    else:
        info["vae"] = "baked"
    return tensors, info


def load_vae_file(path, cfg, keys):
    """(VAE tensors in diffusers naming, info) from a separate VAE .safetensors: LDM naming
    (`encoder.down.0.block.0...`, as vae-ft-mse-840000-ema-pruned) or diffusers naming
    (`encoder.down_blocks.0.resnets.0...`, diffusion_pytorch_model.safetensors), with or without
    the `first_stage_model.` prefix."""
    path = str(path)
    if not os.path.isfile(path):
        raise ExportError("VAE file not found", path)
    out = {}
    dtypes = []
    with SafetensorsFile(path) as f:
        all_keys = f.keys()
        if any(k.startswith("model.diffusion_model.") for k in all_keys):
            raise ExportError("this is a full checkpoint, not a VAE file: pass it as --base", path)
        prefix = VAE_PREFIX if any(k.startswith(VAE_PREFIX) for k in all_keys) else ""
        layout = _vae_layout({k[len(prefix):] for k in all_keys if k.startswith(prefix)})
        if layout is None:
            raise ExportError("not a VAE file: no 'encoder.conv_in.weight' and "
                              "'decoder.conv_out.weight' keys", path)
        for key in keys:
            if layout == "ldm":
                names = [prefix + vae_key_to_ldm(key, cfg)[len(VAE_PREFIX):]]
            else:
                names = [prefix + key]
                for new, old in _OLD_ATTN.items():
                    if ("." + new + ".") in key:
                        names.append(prefix + key.replace("." + new + ".", "." + old + "."))
            out[key], dtype = take(f, names, key, "vae", "not an SD1.5 VAE")
            dtypes.append(dtype)
    return out, {"path": os.path.abspath(path), "naming": layout, "dtype": dtype_label(dtypes)}
