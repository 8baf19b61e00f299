"""Loading BiRefNet's model.safetensors into our BiRefNet, and random weights for test bundles.

The widths, depths, heads and window come from the checkpoint's tensor shapes (`infer_config`), so
the general Swin-L checkpoint and toy checkpoints of the same structure load alike; the input size
is always the reference's 1024.
The load is strict and streaming: key names and shapes are checked against the header first, then
tensors are copied one at a time into the (uninitialised) model, so peak memory stays near one
copy of the weights (~0.9 GB for the Swin-L model) plus one tensor.
"""
import torch

from .birefnet import (BiRefNet, BiRefNetConfig, TRAINING_ONLY_PREFIXES, INPUT_SIZE, MEAN, STD,
                       TINY_INPUT_SIZE)
from .birefnet_swin import relative_position_index
from .errors import ExportError
from .weights import skip_default_init

KIND = "birefnet"
_INDEX_SUFFIX = ".attn.relative_position_index"


def looks_like_birefnet(keys):
    return any(k.startswith(("bb.layers.", "squeeze_module.", "decoder.ipt_blk")) for k in keys)


def build(cfg):
    with skip_default_init():
        return BiRefNet(cfg)


def _check_keys(own, st, path):
    keys = set(st.keys())
    for name, tensor in own.items():
        if name not in keys:
            if name.endswith("num_batches_tracked"):
                continue  # a training counter; some exports omit it
            raise ExportError("segmenter weights lack key '%s' (not a BiRefNet checkpoint?)"
                              % name, path)
        if st.shape(name) != list(tensor.shape):
            raise ExportError("tensor '%s' has shape %s but BiRefNet needs %s"
                              % (name, st.shape(name), list(tensor.shape)), path)
    extra = sorted(k for k in keys if k not in own and not k.endswith(_INDEX_SUFFIX)
                   and not k.startswith(TRAINING_ONLY_PREFIXES))
    if extra:
        raise ExportError("segmenter weights have unexpected key '%s' (%d extra): not the "
                          "BiRefNet (Swin backbone) layout" % (extra[0], len(extra)), path)


def _check_position_indices(cfg, st, path):
    """The checkpoint's relative_position_index buffers must equal the ones the model computes."""
    want = relative_position_index(cfg.window, torch.device("cpu"))
    for name in st.keys():
        if name.endswith(_INDEX_SUFFIX):
            theirs = st.get(name, float32=False)
            if list(theirs.shape) != list(want.shape) or not torch.equal(theirs.long(), want):
                raise ExportError("buffer '%s' differs from the Swin relative position index "
                                  "(window size mismatch?)" % name, path)


def _shape(st, name, path):
    if name not in st:
        raise ExportError("segmenter weights lack key '%s' (not a BiRefNet checkpoint?)" % name,
                          path)
    return st.shape(name)


def infer_config(st, path):
    """BiRefNetConfig from tensor shapes: Swin widths/depths/heads/window, decoder widths."""
    embed = _shape(st, "bb.patch_embed.proj.weight", path)[0]
    depths, heads, windows = [], [], []
    for i in range(4):
        table = _shape(st, "bb.layers.%d.blocks.0.attn.relative_position_bias_table" % i, path)
        heads.append(table[1])
        windows.append(int(round((table[0] ** 0.5 + 1) / 2)))
        prefix = "bb.layers.%d.blocks." % i
        depths.append(1 + max(int(k[len(prefix):].split(".")[0]) for k in st.keys()
                              if k.startswith(prefix)))
    if len(set(windows)) != 1 or (2 * windows[0] - 1) ** 2 != table[0]:
        raise ExportError("inconsistent Swin relative position tables (window sizes %s)"
                          % windows, path)
    blk = "squeeze_module.0."
    return BiRefNetConfig(
        embed, depths, heads, windows[0],
        dec_inter=_shape(st, blk + "conv_in.weight", path)[0],
        aspp_inter=_shape(st, blk + "dec_att.aspp1.atrous_conv.regular_conv.weight", path)[0],
        gdt=_shape(st, "decoder.gdt_convs_4.0.weight", path)[0],
        ipt_inter=_shape(st, "decoder.ipt_blk5.conv1.weight", path)[0])


def load_birefnet_from(st, path):
    """Our BiRefNet (configured from the tensor shapes) with the weights of a SafetensorsFile."""
    cfg = infer_config(st, path)
    model = build(cfg)
    own = model.state_dict()
    _check_keys(own, st, path)
    _check_position_indices(cfg, st, path)
    with torch.no_grad():
        for name, tensor in own.items():
            if name in st:
                src = st.get(name)
                tensor.copy_(src.to(tensor.dtype))
            else:
                tensor.zero_()
    return model.eval()


def random_birefnet(tiny, generator):
    """Seeded random weights (fan-in normal convs/linears, unit norms, identity BN statistics)."""
    model = build(BiRefNetConfig.tiny() if tiny else BiRefNetConfig.swin_l())
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.normal_(0.0, p[0].numel() ** -0.5, generator=generator)
            elif name.endswith(".weight"):
                p.fill_(1.0)
            else:
                p.normal_(0.0, 0.02, generator=generator)
        for name, b in model.named_buffers():
            if name.endswith("running_var"):
                b.fill_(1.0)
            elif name.endswith("running_mean") or name.endswith("num_batches_tracked"):
                b.zero_()
    return model.eval()


def input_size(tiny):
    return TINY_INPUT_SIZE if tiny else INPUT_SIZE


def architecture(size, source):
    return {"kind": KIND, "input_size": int(size), "mean": MEAN, "std": STD, "source": source}
