"""LoRA files merged into the bundle's weights at export (`--lora FILE[:STRENGTH]`, repeatable).

Formats (told by the key names):
  kohya / A1111   `lora_unet_<module>.lora_down.weight` / `.lora_up.weight` / `.alpha`, module paths
                  with `_` for `.`, in LDM (`input_blocks_1_1_proj_in`) or diffusers
                  (`down_blocks_0_attentions_0_proj_in`) spelling; text encoder
                  `lora_te_text_model_*`.
  locon           the same names reaching convolutions outside the attention blocks (ResNet 3x3
                  convs, samplers): down [r, in, kh, kw], up [out, r, 1, 1].
  peft            `unet.<module>.lora_A.weight` / `lora_B`, `text_encoder.text_model.*`.
  diffusers-old   `<module>.lora.down.weight` / `lora.up`, `lora_layer.*`, `lora_linear_layer.*`,
                  attention processors `<attn>.processor.to_q_lora.down.weight`.

Each layer adds  strength * (alpha / rank) * (up.flatten(1) @ down.flatten(1)).reshape(W.shape)  to
its weight W, in float32, cast back to W's dtype; without an `.alpha` key the scale is 1 (alpha =
rank, as kohya's trainer defaults). A LoRA is read, recognised and resolved against the model's
weights completely (`resolve`) before anything is merged or written; any mismatch is an ExportError
naming the file and the layer. SDXL / SD2 / Flux / SD3 LoRAs, LyCORIS LoHa/LoKr, unknown keys and
pickles are refused by name.
"""
import math
import os
import re

import torch

from .errors import ExportError, UsageError
from .ldm_keys import UNET_PREFIX, unet_key_to_ldm
from .manifest import sha256_of
from .safetensors_io import PICKLE_SUFFIXES, SafetensorsFile

MAX_STRENGTH = 2.0
_HINT = "IC-Light needs LoRAs made for SD1.5"
_KOHYA = re.compile(r"^(lora_(?:unet|te)_[A-Za-z0-9_]+)\."
                    r"(lora_down\.weight|lora_up\.weight|alpha)$")
_PEFT = re.compile(r"^(.+)\.lora_([AB])(?:\.default)?\.weight$")
_OLD = re.compile(r"^(.+?)(?:\.lora|\.lora_layer|\.lora_linear_layer|_lora)\.(down|up)\.weight$")
_ALPHA = re.compile(r"^(.+)\.alpha$")
_ROLE = {"lora_down.weight": "down", "lora_up.weight": "up", "alpha": "alpha", "A": "down",
         "B": "up", "down": "down", "up": "up"}
# Few-step LoRAs (LCM-LoRA, Hyper-SD, TCD), told by the file name or the training metadata.
_FAST = re.compile(r"lcm|hyper[-_ ]?sd|tcd", re.IGNORECASE)
_FAST_METADATA = ("modelspec.title", "ss_output_name", "name", "ss_training_comment")
_TEXT_ATTN = {"to_q": "q_proj", "to_k": "k_proj", "to_v": "v_proj", "to_out": "out_proj"}


class LoraSpec:
    def __init__(self, path, strength=1.0):
        self.path, self.strength = path, float(strength)


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def parse_spec(text):
    """`FILE[:STRENGTH]` -> LoraSpec. Split on the last colon only when what follows is a number,
    so `C:\\x.safetensors` stays a path; raises UsageError for a strength outside -2..2."""
    head, sep, tail = str(text).rpartition(":")
    strength = _number(tail) if sep and head else None
    if strength is None:
        if sep and head and os.path.exists(head) and not os.path.exists(text):
            raise UsageError("LoRA strength '%s' is not a number (FILE[:STRENGTH], e.g. %s:0.8)"
                             % (tail, head), text)
        head, strength = str(text), 1.0
    if not math.isfinite(strength) or abs(strength) > MAX_STRENGTH:
        raise UsageError("LoRA strength %s is outside -2..2" % tail, head)
    return LoraSpec(head, strength)


class Layer:
    """One low-rank update: `name` as in the file, `part`/`key` the weight it updates."""

    def __init__(self, name):
        self.name, self.down, self.up, self.alpha = name, None, None, None
        self.part = self.key = None

    def delta(self, strength, weight_shape):
        """strength * alpha/rank * up @ down, float32, in `weight_shape` (channels padded with zeros
        when it is wider: conv_in after the IC-Light merge)."""
        down = self.down.to(torch.float32).flatten(1)
        up = self.up.to(torch.float32).flatten(1)
        rank = down.shape[0]
        alpha = rank if self.alpha is None else float(self.alpha.reshape(-1)[0])
        flat = (up @ down) * (float(strength) * alpha / rank)
        shape = [up.shape[0]] + (list(self.down.shape[1:]) if self.down.dim() == 4 else
                                 [down.shape[1]] + [1] * (len(weight_shape) - 2))
        if len(weight_shape) == 2:
            return flat.reshape(weight_shape)
        out = flat.reshape(shape)
        if shape[1] < weight_shape[1]:
            wide = torch.zeros(weight_shape, dtype=torch.float32)
            wide[:, :shape[1]] = out
            out = wide
        return out


class LoraFile:
    """A read and checked LoRA file; `resolve` then ties its layers to the model's weights."""

    def __init__(self, spec, layers, fmt, fast, sha256):
        self.path, self.strength = spec.path, spec.strength
        self.layers, self.format, self.fast, self.sha256 = layers, fmt, fast, sha256

    def manifest_entry(self):
        return {"file": os.path.basename(self.path), "sha256": self.sha256,
                "strength": self.strength, "format": self.format, "layers": len(self.layers),
                "fast": self.fast}


def _fail(path, message):
    raise ExportError(message, path)


def _other_architecture(keys, f):
    """A sentence naming the model a non-SD1.5 LoRA is for, or None."""
    def some(pattern):
        return next((k for k in keys if re.search(pattern, k)), None)
    sign = some(r"^lora_te[12]_|^text_encoder_2\.|add_embedding|label_emb|"
                r"transformer_blocks[._][1-9]")
    if sign:
        return "this is an SDXL LoRA ('%s'); %s" % (sign, _HINT)
    if some(r"double_blocks|single_blocks|single_transformer_blocks"):
        return "this is a Flux LoRA; %s" % _HINT
    if some(r"joint_blocks|context_embedder"):
        return "this is an SD3 LoRA; %s" % _HINT
    cross = re.compile(r"attn2[._]to_[kv][._](lora_down|lora_A|lora[._]down|lora_layer[._]down)")
    for key in keys:
        if cross.search(key) and len(f.shape(key)) == 2 and f.shape(key)[1] in (1024, 2048):
            width = f.shape(key)[1]
            return "this is an %s LoRA (%d-wide cross-attention, SD1.5 has 768); %s" % (
                "SDXL" if width == 2048 else "SD2.x", width, _HINT)
    return None


def _refuse_other_files(path, keys):
    if any(k.startswith(UNET_PREFIX) for k in keys):
        _fail(path, "this is a full checkpoint, not a LoRA: give it as --base")
    if "conv_in.weight" in keys:
        _fail(path, "this is an IC-Light offset file or a UNet, not a LoRA: give it as --iclight")
    lyco = next((k for k in keys if re.search(r"\.(hada_|lokr_|lora_mid\.|dora_scale)", k)), None)
    if lyco:
        _fail(path, "key '%s' is LyCORIS LoHa/LoKr/Tucker/DoRA, which is not supported: only LoRA "
                    "and LoCon (down/up pairs) can be merged" % lyco)


def _split_key(key):
    """(family, layer name, role) of a LoRA tensor name, or None when it is no LoRA tensor."""
    m = _KOHYA.match(key)
    if m:
        return "kohya", m.group(1), _ROLE[m.group(2)]
    m = _PEFT.match(key)
    if m:
        return "peft", m.group(1), _ROLE[m.group(2)]
    m = _OLD.match(key)
    if m:
        return "diffusers-old", m.group(1), _ROLE[m.group(2)]
    m = _ALPHA.match(key)
    if m:
        return None, m.group(1), "alpha"
    return None


def _check_layer(path, layer):
    if layer.down is None and layer.up is None:
        _fail(path, "'%s.alpha' belongs to no down/up pair (an incomplete LoRA)" % layer.name)
    if layer.down is None or layer.up is None:
        _fail(path, "layer '%s' has a%s weight but no %s weight (an incomplete LoRA)" % (
            layer.name, "n up" if layer.down is None else " down",
            "down" if layer.down is None else "up"))
    d, u = layer.down, layer.up
    if d.dim() not in (2, 4) or u.dim() not in (2, 4) or \
            (u.dim() == 4 and list(u.shape[2:]) != [1, 1]):
        _fail(path, "layer '%s' has down %s and up %s: not a LoRA pair (expects [rank, in] / "
                    "[out, rank], or [rank, in, kh, kw] / [out, rank, 1, 1])"
              % (layer.name, list(d.shape), list(u.shape)))
    if u.shape[1] != d.shape[0]:
        _fail(path, "layer '%s': down %s has rank %d but up %s has rank %d" % (
            layer.name, list(d.shape), d.shape[0], list(u.shape), u.shape[1]))
    if layer.alpha is not None and (layer.alpha.numel() != 1 or
                                    not math.isfinite(float(layer.alpha.reshape(-1)[0]))):
        _fail(path, "layer '%s': alpha %s is not one finite number" % (layer.name,
                                                                       list(layer.alpha.shape)))
    if not (torch.isfinite(d).all() and torch.isfinite(u).all()):
        _fail(path, "layer '%s' holds NaN or infinite values (a corrupt LoRA)" % layer.name)


def _read_layers(path, f):
    keys = f.keys()
    layers, families, stray = {}, [], []
    for key in sorted(keys):
        split = _split_key(key)
        if split is None:
            stray.append(key)
            continue
        family, name, role = split
        if family:
            families.append(family)
        layer = layers.setdefault(name, Layer(name))
        setattr(layer, role, f.get(key))
    if stray:
        _fail(path, "key '%s' is not a LoRA weight (%d such keys): not a LoRA, or a kind Chiaro "
                    "cannot merge" % (stray[0], len(stray)))
    if not families:
        _fail(path, "no LoRA weights (lora_down/lora_up or lora_A/lora_B keys): not a LoRA file")
    for layer in layers.values():
        _check_layer(path, layer)
    return list(layers.values()), max(set(families), key=families.count)


def _is_fast(path, metadata):
    if _FAST.search(os.path.basename(path)):
        return True
    return any(_FAST.search(str(metadata.get(k, ""))) for k in _FAST_METADATA)


def read_lora(spec):
    """Read and check one LoRA file (everything that needs no model); ExportError naming it."""
    path = spec.path
    if not os.path.isfile(path):
        raise UsageError("LoRA file not found", path)
    if path.lower().endswith(PICKLE_SUFFIXES):
        _fail(path, "this LoRA is a pickle (.ckpt/.pt/.bin), refused because loading it can run "
                    "arbitrary code: use its .safetensors version")
    with SafetensorsFile(path) as f:
        keys = f.keys()
        if not keys:
            _fail(path, "the LoRA file holds no tensors")
        _refuse_other_files(path, keys)
        other = _other_architecture(keys, f)
        if other:
            _fail(path, other)
        layers, family = _read_layers(path, f)
        fast = _is_fast(path, f.metadata)
    return LoraFile(spec, layers, family, fast, sha256_of(path))


def _dotted_name(name):
    """A diffusers/PEFT layer name as (part, module path) of our state dicts."""
    for prefix in ("base_model.model.",):
        if name.startswith(prefix):
            name = name[len(prefix):]
    part = "unet"
    for prefix, which in (("unet.", "unet"), ("text_encoder.", "text_encoder")):
        if name.startswith(prefix):
            name, part = name[len(prefix):], which
    if name.startswith("text_model."):
        part = "text_encoder"
    name = re.sub(r"\.processor\.", ".", name)
    head, _, last = name.rpartition(".")
    if part == "text_encoder" and last in _TEXT_ATTN:
        name = head + "." + _TEXT_ATTN[last]
    elif last == "to_out":
        name += ".0"
    return part, name


def lookup_table(state, unet_cfg):
    """{LoRA layer name: (part, weight key)} for every matrix / conv weight of `state`
    ({'unet': ..., 'text_encoder': ...}, diffusers naming): kohya names in diffusers and LDM
    spelling, dotted module paths for the PEFT / diffusers formats."""
    table = {}
    for part, tensors in state.items():
        for key, tensor in tensors.items():
            if not key.endswith(".weight") or tensor.dim() < 2:
                continue
            module = key[:-len(".weight")]
            table[(part, module)] = (part, key)
            if part == "text_encoder":
                table["lora_te_" + module.replace(".", "_")] = (part, key)
                continue
            table["lora_unet_" + module.replace(".", "_")] = (part, key)
            try:
                ldm = unet_key_to_ldm(key, unet_cfg)[len(UNET_PREFIX):-len(".weight")]
            except KeyError:
                continue
            table["lora_unet_" + ldm.replace(".", "_")] = (part, key)
    return table


def _fits(layer, weight):
    d, u, w = layer.down, layer.up, list(weight.shape)
    if u.shape[0] != w[0]:
        return False
    if len(w) == 2:
        return d.flatten(1).shape[1] == w[1]
    kernel = list(d.shape[2:]) if d.dim() == 4 else [1, 1]
    widened = layer.key == "conv_in.weight" and d.shape[1] < w[1]  # IC-Light's extra channels
    return kernel == w[2:] and (d.shape[1] == w[1] or widened)


def resolve(lora, state, unet_cfg, table=None):
    """Tie every layer of `lora` to a weight of `state`; ExportError for an unknown layer name
    (the first and the count) or a shape that does not fit (the layer and both shapes)."""
    table = table or lookup_table(state, unet_cfg)
    unknown = []
    for layer in lora.layers:
        target = table.get(layer.name) if layer.name.startswith("lora_") else \
            table.get(_dotted_name(layer.name))
        if target is None:
            unknown.append(layer.name)
            continue
        layer.part, layer.key = target
    if unknown:
        _fail(lora.path, "layer '%s' matches no SD1.5 UNet or text-encoder weight (%d such "
                         "layers): a LoRA for another model?" % (unknown[0], len(unknown)))
    for layer in lora.layers:
        weight = state[layer.part][layer.key]
        if not _fits(layer, weight):
            gives = [layer.up.shape[0]] + list(layer.down.shape[1:])
            _fail(lora.path, "layer '%s' does not fit %s weight '%s': up x down gives %s, the "
                             "weight is %s (rank %d; a LoRA for another model size?)"
                  % (layer.name, layer.part, layer.key, gives, list(weight.shape),
                     layer.down.shape[0]))
    if lora.format == "kohya" and any(l.part == "unet" and ".attentions." not in l.key
                                      for l in lora.layers):
        lora.format = "locon"
    return lora


def merge(lora, state):
    """Add the resolved `lora` to `state` in place (float32, cast back to each weight's dtype)."""
    for layer in lora.layers:
        weight = state[layer.part][layer.key]
        merged = weight.to(torch.float32) + layer.delta(lora.strength, list(weight.shape))
        state[layer.part][layer.key] = merged.to(weight.dtype)


def read_all(specs):
    """Read and check every --lora file (before the base is read: a bad LoRA fails in a second)."""
    return [read_lora(spec) for spec in specs]


def apply_all(loras, state, unet_cfg, note):
    """Resolve every LoRA against `state` first (nothing is changed when one does not fit), then
    merge them in order. Strength-0 LoRAs are checked but skipped: the bundle is then byte for
    byte the one without them, and the manifest does not list them. Returns the manifest's
    "loras" entries."""
    table = lookup_table(state, unet_cfg)
    for lora in loras:
        resolve(lora, state, unet_cfg, table)
    entries = []
    for lora in loras:
        if lora.strength == 0:
            note("%s: strength 0: checked, not merged" % lora.path)
            continue
        merge(lora, state)
        entries.append(lora.manifest_entry())
    return entries
