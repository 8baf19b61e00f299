"""Reading a base SD1.x model: a diffusers folder or an original LDM single-file checkpoint.

Returns float32 state dicts in diffusers/transformers naming plus the configs they fit.
"""
import os
import re

from . import configs as cfgs
from .clip_text import ClipTextModel
from .errors import ExportError, UsageError
from .ldm_keys import unet_key_to_ldm, vae_key_to_ldm, text_ldm_candidates
from .safetensors_io import SafetensorsFile, refuse_pickle, PICKLE_SUFFIXES
from .unet import UNet2DConditionModel
from .vae import AutoencoderKL
from .weights import skip_default_init

_WEIGHT_NAMES = {"unet": "diffusion_pytorch_model", "vae": "diffusion_pytorch_model",
                 "text_encoder": "model"}
_OLD_VAE_ATTN = {"query": "to_q", "key": "to_k", "value": "to_v", "proj_attn": "to_out.0"}
_IGNORED_TEXT = ("text_model.embeddings.position_ids", "embeddings.position_ids")


class BaseModel:
    def __init__(self, configs, tensors, tokenizer_dir, info):
        self.configs = configs          # {'unet', 'vae', 'text_encoder'} normalized configs
        self.tensors = tensors          # {'unet', 'vae', 'text_encoder'} name -> float32 tensor
        self.tokenizer_dir = tokenizer_dir
        self.info = info


def model_keys(configs):
    """State-dict keys (in order) of the modules these configs describe; no weights initialised."""
    with skip_default_init():
        out = {}
        for part, ctor in (("unet", UNet2DConditionModel), ("vae", AutoencoderKL),
                           ("text_encoder", ClipTextModel)):
            module = ctor(configs[part])
            out[part] = list(module.state_dict().keys())
            del module
    return out


def _find_weights(folder, part):
    stem = os.path.join(folder, part, _WEIGHT_NAMES[part])
    for suffix in (".safetensors", ".fp16.safetensors"):
        if os.path.isfile(stem + suffix):
            return stem + suffix
    for suffix in (".bin", ".fp16.bin", ".ckpt", ".pt"):
        if os.path.isfile(stem + suffix):
            refuse_pickle(stem + suffix)
    raise ExportError("no %s weights (%s.safetensors)" % (part, os.path.basename(stem)),
                      os.path.join(folder, part))


def _rename_vae(key):
    m = re.match(r"(.*\.attentions\.\d+\.)(query|key|value|proj_attn)\.(weight|bias)$", key)
    return m.group(1) + _OLD_VAE_ATTN[m.group(2)] + "." + m.group(3) if m else key


def load_diffusers_folder(folder):
    if not os.path.isfile(os.path.join(folder, "model_index.json")):
        raise ExportError("not a diffusers folder (no model_index.json)", folder)
    configs = cfgs.read_diffusers_configs(folder)
    tensors = {}
    for part in ("unet", "vae", "text_encoder"):
        path = _find_weights(folder, part)
        with SafetensorsFile(path) as f:
            data = f.load_all()
        if part == "vae":
            data = {_rename_vae(k): v for k, v in data.items()}
        if part == "text_encoder":
            data = {k: v for k, v in data.items() if k not in _IGNORED_TEXT}
        tensors[part] = data
    tok = os.path.join(folder, "tokenizer")
    info = {"base": os.path.abspath(folder), "base_format": "diffusers"}
    return BaseModel(configs, tensors, tok if os.path.isdir(tok) else None, info)


def _take(f, names, key, path, part):
    for name in names:
        if name in f:
            return f.get(name)
    raise ExportError("single-file checkpoint lacks '%s' (the %s key '%s'); not an SD1.x "
                      "checkpoint, or it needs --config" % (names[0], part, key), path)


def load_ldm_file(path, config_dir=None):
    configs = cfgs.read_diffusers_configs(config_dir) if config_dir else cfgs.sd15_configs()
    keys = model_keys(configs)
    tensors = {"unet": {}, "vae": {}, "text_encoder": {}}
    with SafetensorsFile(path) as f:
        if not any(k.startswith("model.diffusion_model.") for k in f.keys()):
            raise ExportError("no 'model.diffusion_model.*' keys: not an original (LDM) SD1.x "
                              "single-file checkpoint", path)
        for key in keys["unet"]:
            tensors["unet"][key] = _take(f, [unet_key_to_ldm(key, configs["unet"])], key, path,
                                         "unet")
        for key in keys["vae"]:
            tensors["vae"][key] = _take(f, [vae_key_to_ldm(key, configs["vae"])], key, path, "vae")
        for key in keys["text_encoder"]:
            tensors["text_encoder"][key] = _take(f, text_ldm_candidates(key), key, path,
                                                 "text_encoder")
    # The base's conv_in width follows the file (SD1.5: 4 input channels).
    configs["unet"]["in_channels"] = int(tensors["unet"]["conv_in.weight"].shape[1])
    info = {"base": os.path.abspath(path), "base_format": "ldm-single-file",
            "config": os.path.abspath(config_dir) if config_dir else "sd15-default"}
    return BaseModel(configs, tensors, None, info)


def load_base(base, config_dir=None):
    base = str(base)
    if not os.path.exists(base):
        raise UsageError("base model not found", base)
    if os.path.isdir(base):
        return load_diffusers_folder(base)
    if base.lower().endswith(PICKLE_SUFFIXES):
        refuse_pickle(base)
    return load_ldm_file(base, config_dir)
