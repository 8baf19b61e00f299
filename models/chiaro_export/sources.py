"""Reading a base SD1.x model: a diffusers folder or an original LDM single-file checkpoint.

Returns float32 state dicts in diffusers/transformers naming plus the configs they fit, and what was
recognised (`info`, recorded as the manifest's source.base_format) and assumed (`notes`).
"""
import os
import re

from . import configs as cfgs
from .clip_text import ClipTextModel
from .errors import ExportError, UsageError
from .recognise import dtype_label, refuse_pipeline
from .safetensors_io import SafetensorsFile, refuse_pickle, PICKLE_SUFFIXES
from .single_file import load_ldm_tensors, load_vae_file
from .unet import UNet2DConditionModel
from .vae import AutoencoderKL
from .weights import skip_default_init

_PARTS = ("unet", "vae", "text_encoder")
_WEIGHT_NAMES = {"unet": "diffusion_pytorch_model", "vae": "diffusion_pytorch_model",
                 "text_encoder": "model"}
_NORMALIZE = {"unet": cfgs.normalize_unet, "vae": cfgs.normalize_vae,
              "text_encoder": cfgs.normalize_text}
_OLD_VAE_ATTN = {"query": "to_q", "key": "to_k", "value": "to_v", "proj_attn": "to_out.0"}
_IGNORED_TEXT = ("text_model.embeddings.position_ids", "embeddings.position_ids")
_LAYOUT_HINT = "a diffusers SD1.5 folder has model_index.json, unet/, vae/, text_encoder/, tokenizer/"


class BaseModel:
    def __init__(self, configs, tensors, tokenizer_dir, info, notes=None):
        self.configs = configs          # {'unet', 'vae', 'text_encoder'} normalized configs
        self.tensors = tensors          # {'unet', 'vae', 'text_encoder'} name -> float32 tensor
        self.tokenizer_dir = tokenizer_dir
        self.info = info                # source fields of the manifest
        self.notes = notes or []        # what was assumed, said on stderr and kept in the manifest


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
    """PART/<name>.safetensors, else its fp16 variant (<name>.fp16.safetensors)."""
    stem = os.path.join(folder, part, _WEIGHT_NAMES[part])
    for suffix in (".safetensors", ".fp16.safetensors"):
        if os.path.isfile(stem + suffix):
            return stem + suffix
    for suffix in (".bin", ".fp16.bin", ".ckpt", ".pt"):
        if os.path.isfile(stem + suffix):
            refuse_pickle(stem + suffix)
    raise ExportError("half a diffusers model: no %s weights (%s.safetensors); %s"
                      % (part, os.path.basename(stem), _LAYOUT_HINT), os.path.join(folder, part))


def _rename_vae(key):
    m = re.match(r"(.*\.attentions\.\d+\.)(query|key|value|proj_attn)\.(weight|bias)$", key)
    return m.group(1) + _OLD_VAE_ATTN[m.group(2)] + "." + m.group(3) if m else key


def _part_config(folder, part, config_dir, notes):
    """PART/config.json of the folder, else of --config, else SD1.5's (with a note)."""
    for where in (folder, config_dir):
        if where:
            path = os.path.join(where, part, "config.json")
            if os.path.isfile(path):
                return _NORMALIZE[part](cfgs.read_json(path), path), path
    notes.append("%s has no %s/config.json: assuming SD1.5's %s config (pass --config DIR to "
                 "give one)" % (folder, part, part))
    return cfgs.sd15_configs()[part], None


def _raw_unet_config(folder):
    path = os.path.join(folder, "unet", "config.json")
    return cfgs.read_json(path) if os.path.isfile(path) else None


def load_diffusers_folder(folder, config_dir=None, vae_path=None):
    missing = [p for p in _PARTS if not os.path.isdir(os.path.join(folder, p))]
    index_path = os.path.join(folder, "model_index.json")
    has_index = os.path.isfile(index_path)
    if not has_index and len(missing) == len(_PARTS):
        raise ExportError("not a diffusers folder (no model_index.json, no unet/, vae/ or "
                          "text_encoder/) and not a single-file checkpoint", folder)
    index = cfgs.read_json(index_path) if has_index else {}
    refuse_pipeline(index, _raw_unet_config(folder), folder)
    if vae_path is not None and "vae" in missing:
        missing.remove("vae")
    if missing:
        raise ExportError("half a diffusers model: no %s/ folder; %s" % (missing[0], _LAYOUT_HINT),
                          folder)
    notes = [] if has_index else ["%s has no model_index.json; reading unet/, vae/ and "
                                  "text_encoder/ anyway" % folder]
    configs, tensors, files, dtypes = {}, {}, {}, []
    for part in _PARTS:
        if part == "vae" and vae_path is not None:
            configs[part], _ = _part_config(folder, part, config_dir, [])
            continue
        configs[part], config_path = _part_config(folder, part, config_dir, notes)
        path = _find_weights(folder, part)
        with SafetensorsFile(path) as f:
            data = f.load_all()
            dtypes.extend(f.dtype(k) for k in f.keys())
        if part == "unet" and "conv_in.weight" in data:
            conv_in = data["conv_in.weight"].shape
            refuse_pipeline({}, {"in_channels": int(conv_in[1])}, path)
            width = configs["unet"]["block_out_channels"][0]
            if config_path is None and conv_in[0] != width:
                raise ExportError("the folder has no unet/config.json and its UNet is not "
                                  "SD1.5-sized (conv_in.weight has %d output channels, SD1.5 %d): "
                                  "pass --config DIR with a unet/config.json"
                                  % (conv_in[0], width), folder)
        if part == "vae":
            data = {_rename_vae(k): v for k, v in data.items()}
        if part == "text_encoder":
            data = {k: v for k, v in data.items() if k not in _IGNORED_TEXT}
        tensors[part] = data
        files[part] = os.path.relpath(path, folder)
    info = {"layout": "diffusers-folder", "dtype": dtype_label(dtypes), "ema": None,
            "files": files, "vae": "baked"}
    if vae_path is not None:
        keys = model_keys(configs)["vae"]
        tensors["vae"], info["vae"] = load_vae_file(vae_path, configs["vae"], keys)
    tok = os.path.join(folder, "tokenizer")
    if not os.path.isdir(tok):
        tok = None
    return BaseModel(configs, tensors, tok, info, notes)


def load_ldm_file(path, config_dir=None, vae_path=None):
    if config_dir:
        configs = cfgs.read_diffusers_configs(config_dir)
    else:
        configs = cfgs.sd15_configs()
    tensors, info = load_ldm_tensors(path, configs, model_keys(configs), vae_path)
    # The base's conv_in width follows the file (SD1.5: 4 input channels).
    configs["unet"]["in_channels"] = int(tensors["unet"]["conv_in.weight"].shape[1])
    info["config"] = os.path.abspath(config_dir) if config_dir else "sd15-default"
    return BaseModel(configs, tensors, None, info)


def load_base(base, config_dir=None, vae_path=None):
    base = str(base)
    if not os.path.exists(base):
        raise UsageError("base model not found", base)
    if os.path.isdir(base):
        model = load_diffusers_folder(base, config_dir, vae_path)
    else:
        if base.lower().endswith(PICKLE_SUFFIXES):
            refuse_pickle(base)
        model = load_ldm_file(base, config_dir, vae_path)
    model.info = {"base": os.path.abspath(base), "base_format": model.info}
    return model
