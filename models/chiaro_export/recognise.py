"""What a safetensors file is, told by its keys and a few shapes, and the one-sentence refusals.

IC-Light needs an SD1.5 base. Files people point the exporter at by mistake (SDXL, SD2.x, SD3,
Flux, inpainting checkpoints, a VAE, a LoRA, an IC-Light offset given as the base or a checkpoint
given as the offsets) are recognised here, before any key mapping could fail with a key error.
"""
import os

from .errors import ExportError

UNET = "model.diffusion_model."
_SD15_ATTN2_K = UNET + "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"
_EMA_PREFIX = "model_ema."
_NOT_SD15 = "IC-Light needs an SD1.5 base; this is %s"


def ema_name(ldm_key):
    """A1111/LDM EMA name of a UNet key: 'model.diffusion_model.a.b.0' -> 'model_ema.diffusion_modelab0'."""
    assert ldm_key.startswith("model.")
    return _EMA_PREFIX + ldm_key[len("model."):].replace(".", "")


def _any(keys, *prefixes):
    return any(k.startswith(prefixes) for k in keys)


def _other_model(keys, shape):
    """Name of a non-SD1.5 diffusion model these keys belong to, or None."""
    if _any(keys, "conditioner.embedders.") or UNET + "label_emb.0.0.weight" in keys or \
            _any(keys, "add_embedding."):
        return "SDXL"
    if _any(keys, "double_blocks.", UNET + "double_blocks."):
        return "Flux"
    if _any(keys, UNET + "joint_blocks.", "joint_blocks."):
        return "SD3"
    if _any(keys, "cond_stage_model.model."):
        return "SD2.x (OpenCLIP text encoder)"
    for name in (_SD15_ATTN2_K, "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight"):
        if name in keys and len(shape(name)) == 2 and shape(name)[1] in (1024, 2048):
            width = shape(name)[1]
            return {2048: "SDXL", 1024: "SD2.x"}[width] + \
                " (%d-wide cross-attention, SD1.5 has 768)" % width
    return None


def _vae_layout(keys):
    """'ldm' / 'diffusers' when the keys are a VAE alone (any prefix-free naming), else None."""
    if "encoder.conv_in.weight" in keys and "decoder.conv_out.weight" in keys:
        return "diffusers" if _any(keys, "encoder.down_blocks.") else "ldm"
    return None


def _offset_kind(path, in_channels):
    """IC-Light kind of an offset file: fbc (12 input channels), fcon or fc (8; same shapes, the
    file name tells fcon from fc)."""
    if in_channels == 12:
        return "fbc"
    if in_channels == 8:
        return "fcon" if "fcon" in os.path.basename(str(path)).lower() else "fc"
    return None


def check_base_file(f):
    """Refuse a single file that is not an SD1.x LDM checkpoint, in one sentence naming what it is."""
    keys = set(f.keys())
    path = f.path
    other = _other_model(keys, f.shape)
    if other:
        raise ExportError(_NOT_SD15 % other, path)
    if "conv_in.weight" in keys and _any(keys, "down_blocks."):
        shape = f.shape("conv_in.weight")
        kind = _offset_kind(path, shape[1]) if len(shape) == 4 else None
        if kind:
            raise ExportError("this is an IC-Light offset file (%s), not a base model: pass it as "
                              "--iclight and an SD1.5 checkpoint as --base" % kind, path)
        raise ExportError("this is a diffusers UNet weight file alone: give the whole diffusers "
                          "folder (with model_index.json) as --base", path)
    if _vae_layout(keys) or (_any(keys, "first_stage_model.") and not _any(keys, UNET)):
        raise ExportError("this is a VAE file, not a full checkpoint: pass it as --vae, with an "
                          "SD1.5 checkpoint as --base", path)
    if _any(keys, "lora_unet_", "lora_te_", "lora_te1_") or any(".lora_" in k for k in keys):
        raise ExportError("this is a LoRA, not a full checkpoint: IC-Light needs an SD1.5 base "
                          "checkpoint; merge the LoRA into it with --lora", path)
    if _any(keys, "text_model.") and not _any(keys, UNET):
        raise ExportError("this is a CLIP text encoder alone, not a full SD1.5 checkpoint", path)
    if not _any(keys, UNET):
        raise ExportError("no 'model.diffusion_model.*' keys: not an SD1.5 single-file "
                          "checkpoint", path)
    conv_in = UNET + "input_blocks.0.0.weight"
    if conv_in in keys and len(f.shape(conv_in)) == 4 and f.shape(conv_in)[1] != 4:
        n = f.shape(conv_in)[1]
        what = {9: "an SD1.5 inpainting checkpoint (9-channel conv_in)",
                8: "a UNet with IC-Light already merged in (8-channel conv_in)",
                12: "a UNet with IC-Light already merged in (12-channel conv_in)"}
        raise ExportError(_NOT_SD15 % what.get(n, "a UNet with %d input channels (SD1.5 has 4)" % n),
                          path)


def check_iclight_file(f):
    """Refuse an --iclight file that is not IC-Light offsets; returns its kind (fc/fcon/fbc)."""
    keys = set(f.keys())
    path = f.path
    if _any(keys, UNET, "first_stage_model.", "cond_stage_model.", "conditioner."):
        raise ExportError("this is a full checkpoint, not an IC-Light offset file: pass it as "
                          "--base and iclight_sd15_fc/fcon/fbc.safetensors as --iclight", path)
    other = _other_model(keys, f.shape)
    if other:
        raise ExportError("not an IC-Light SD1.5 offset file: the keys are those of %s" % other, path)
    if _vae_layout(keys):
        raise ExportError("this is a VAE file, not an IC-Light offset file: pass it as --vae", path)
    if _any(keys, "lora_unet_", "lora_te_", "lora_te1_") or any(".lora_" in k for k in keys):
        raise ExportError("this is a LoRA, not an IC-Light offset file: give it with --lora", path)
    if "conv_in.weight" not in keys:
        raise ExportError("not an IC-Light offset file: no 'conv_in.weight' key (expects "
                          "diffusers UNet naming)", path)
    shape = f.shape("conv_in.weight")
    kind = _offset_kind(path, shape[1]) if len(shape) == 4 else None
    if kind is None:
        raise ExportError("'conv_in.weight' has shape %s: not an IC-Light offset file (fc/fcon "
                          "have 8 input channels, fbc 12)" % shape, path)
    return kind


def use_ema(f, unet_ldm_keys):
    """True when the file carries a full EMA copy of the UNet (A1111's v1-5-pruned layout)."""
    names = [ema_name(k) for k in unet_ldm_keys]
    present = sum(1 for n in names if n in f)
    return present == len(names) and present > 0


def dtype_label(dtypes):
    """fp16 / bf16 / fp32 (or 'mixed: ...') of the floating-point tensors of a checkpoint."""
    names = {"F16": "fp16", "BF16": "bf16", "F32": "fp32", "F64": "fp64"}
    found = sorted({names[d] for d in dtypes if d in names})
    if len(found) == 1:
        return found[0]
    return "mixed: " + ", ".join(found) if found else "none"


def refuse_pipeline(model_index, unet_cfg, path):
    """Refuse a diffusers folder that is not an SD1.x text-to-image pipeline."""
    cls = str(model_index.get("_class_name", ""))
    if "XL" in cls:
        raise ExportError(_NOT_SD15 % "SDXL (%s)" % cls, path)
    if "Flux" in cls or "StableDiffusion3" in cls:
        raise ExportError(_NOT_SD15 % ("Flux" if "Flux" in cls else "SD3"), path)
    if "Inpaint" in cls:
        raise ExportError(_NOT_SD15 % "an inpainting pipeline (%s)" % cls, path)
    if unet_cfg is None:
        return
    if unet_cfg.get("addition_embed_type") == "text_time":
        raise ExportError(_NOT_SD15 % "SDXL (unet/config.json has addition_embed_type text_time)",
                          path)
    width = unet_cfg.get("cross_attention_dim")
    if width in (1024, 2048):
        raise ExportError(_NOT_SD15 % ("SD2.x" if width == 1024 else "SDXL") +
                          " (unet/config.json has cross_attention_dim %d, SD1.5 768)" % width, path)
    if unet_cfg.get("in_channels") == 9:
        raise ExportError(_NOT_SD15 % "an inpainting model (unet/config.json has 9 in_channels)",
                          path)
