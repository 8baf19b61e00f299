"""Algorithmic mapping between diffusers/transformers names and original LDM single-file names.

Only the structure (number of blocks, layers_per_block, which blocks have attention) matters, so
the same code maps SD1.5 and the tiny test models. Keys are mapped one by one; nothing is read
from the spec folder at run time.
"""
import re

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
TEXT_PREFIX = "cond_stage_model.transformer."

_UNET_RESNET = {"norm1": "in_layers.0", "conv1": "in_layers.2", "time_emb_proj": "emb_layers.1",
                "norm2": "out_layers.0", "conv2": "out_layers.3", "conv_shortcut": "skip_connection"}
_VAE_ATTN = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out",
             "query": "q", "key": "k", "value": "v", "proj_attn": "proj_out"}


def _resnet(rest, table):
    head, _, tail = rest.partition(".")
    return table.get(head, head) + "." + tail


def unet_key_to_ldm(key, cfg):
    """diffusers UNet key -> LDM key (with the model.diffusion_model. prefix)."""
    lpb = int(cfg["layers_per_block"])
    fixed = {"conv_in": "input_blocks.0.0", "time_embedding.linear_1": "time_embed.0",
             "time_embedding.linear_2": "time_embed.2", "conv_norm_out": "out.0", "conv_out": "out.2"}
    for src, dst in fixed.items():
        if key.startswith(src + "."):
            return UNET_PREFIX + dst + key[len(src):]
    m = re.match(r"down_blocks\.(\d+)\.(resnets|attentions|downsamplers)\.(\d+)\.(.+)$", key)
    if m:
        i, kind, j, rest = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if kind == "downsamplers":
            return UNET_PREFIX + "input_blocks.%d.0.op.%s" % ((i + 1) * (lpb + 1),
                                                              rest.split(".", 1)[1])
        idx = 1 + i * (lpb + 1) + j
        if kind == "resnets":
            return UNET_PREFIX + "input_blocks.%d.0.%s" % (idx, _resnet(rest, _UNET_RESNET))
        return UNET_PREFIX + "input_blocks.%d.1.%s" % (idx, rest)
    m = re.match(r"mid_block\.(resnets|attentions)\.(\d+)\.(.+)$", key)
    if m:
        kind, j, rest = m.group(1), int(m.group(2)), m.group(3)
        if kind == "resnets":
            return UNET_PREFIX + "middle_block.%d.%s" % (2 * j, _resnet(rest, _UNET_RESNET))
        return UNET_PREFIX + "middle_block.1.%s" % rest
    m = re.match(r"up_blocks\.(\d+)\.(resnets|attentions|upsamplers)\.(\d+)\.(.+)$", key)
    if m:
        i, kind, j, rest = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if kind == "upsamplers":
            has_attn = cfg["up_block_types"][i].startswith("CrossAttn")
            return UNET_PREFIX + "output_blocks.%d.%d.%s" % (i * (lpb + 1) + lpb,
                                                             2 if has_attn else 1, rest)
        idx = i * (lpb + 1) + j
        if kind == "resnets":
            return UNET_PREFIX + "output_blocks.%d.0.%s" % (idx, _resnet(rest, _UNET_RESNET))
        return UNET_PREFIX + "output_blocks.%d.1.%s" % (idx, rest)
    raise KeyError(key)


def vae_key_to_ldm(key, cfg):
    """diffusers AutoencoderKL key -> LDM key (with the first_stage_model. prefix)."""
    n = len(cfg["block_out_channels"])
    m = re.match(r"(encoder|decoder)\.(down_blocks|up_blocks)\.(\d+)\.(resnets|downsamplers|"
                 r"upsamplers)\.(\d+)\.(.+)$", key)
    if m:
        part, blocks, i, kind, j, rest = m.groups()
        i = int(i) if blocks == "down_blocks" else n - 1 - int(i)
        name = "down" if blocks == "down_blocks" else "up"
        if kind == "resnets":
            rest = rest.replace("conv_shortcut", "nin_shortcut")
            return VAE_PREFIX + "%s.%s.%d.block.%s.%s" % (part, name, i, j, rest)
        sampler = "downsample" if kind == "downsamplers" else "upsample"
        return VAE_PREFIX + "%s.%s.%d.%s.%s" % (part, name, i, sampler, rest)
    m = re.match(r"(encoder|decoder)\.mid_block\.(resnets|attentions)\.(\d+)\.(.+)$", key)
    if m:
        part, kind, j, rest = m.groups()
        if kind == "resnets":
            return VAE_PREFIX + "%s.mid.block_%d.%s" % (part, int(j) + 1, rest)
        head, _, tail = rest.rpartition(".")
        return VAE_PREFIX + "%s.mid.attn_1.%s.%s" % (part, _VAE_ATTN[head], tail)
    m = re.match(r"(encoder|decoder)\.conv_norm_out\.(.+)$", key)
    if m:
        return VAE_PREFIX + "%s.norm_out.%s" % m.groups()
    return VAE_PREFIX + key


def text_key_to_ldm(key):
    return TEXT_PREFIX + key


def text_ldm_candidates(key):
    """LDM names a transformers text key may have: with or without the `text_model.` level."""
    out = [TEXT_PREFIX + key]
    if key.startswith("text_model."):
        out.append(TEXT_PREFIX + key[len("text_model."):])
    return out


def diffusers_to_ldm(keys_by_part, configs):
    """{'unet': keys, 'vae': keys, 'text_encoder': keys} -> {'unet.<k>': ldm_key, ...}."""
    out = {}
    for key in keys_by_part.get("unet", []):
        out["unet." + key] = unet_key_to_ldm(key, configs["unet"])
    for key in keys_by_part.get("vae", []):
        out["vae." + key] = vae_key_to_ldm(key, configs["vae"])
    for key in keys_by_part.get("text_encoder", []):
        out["text_encoder." + key] = text_key_to_ldm(key)
    return out
