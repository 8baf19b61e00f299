"""Subject segmenter for one-click selection: BriaRMBG-1.4's ISNet, or BiRefNet (birefnet.py).

`load_segmenter` picks the architecture from the state-dict names of a .safetensors file:
RMBG-1.4 (`conv_in.`, `stage1.rebnconvin.`) or BiRefNet (`bb.layers.`, `squeeze_module.`,
`decoder.ipt_blk`); anything else, and pickles, are refused with a one-line ExportError.

ISNet:

The module names follow briaai/RMBG-1.4's state dict (`conv_in`, `stage1.rebnconvin.conv_s1`, ...,
`side1`) so its `model.safetensors` loads strictly. ISNet is a nested U-Net: six encoder stages of
"residual U-blocks" (RSU7 ... RSU4F), five decoder stages, and a side output per stage; the first
side output, upsampled to the input, is the matte. `width` scales every channel count so the tests
can export a toy-size model of the same structure.

Both exported modules take `image: [1, 3, S, S]` already normalised as the manifest's
`architecture.segmenter` states (RMBG: x / 255 - 0.5, std 1; BiRefNet: ImageNet mean/std) and
return the alpha `[1, 1, S, S]` in [0, 1].
"""
from typing import List

import torch
import torch.nn.functional as F
from torch import nn

from . import birefnet_weights as brn
from .errors import ExportError
from .safetensors_io import SafetensorsFile
from .weights import load_strict

INPUT_SIZE = 1024
TINY_INPUT_SIZE = 64
MEAN = [0.5, 0.5, 0.5]
STD = [1.0, 1.0, 1.0]


def _resize_like(src: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    return F.interpolate(src, size=[ref.shape[2], ref.shape[3]], mode="bilinear", align_corners=False)


class ConvBnRelu(nn.Module):
    """RMBG's REBNCONV: 3x3 (dilated) conv, batch norm, ReLU. Names kept for the state dict."""

    def __init__(self, cin: int, cout: int, dilation: int = 1):
        super().__init__()
        self.conv_s1 = nn.Conv2d(cin, cout, 3, padding=dilation, dilation=dilation)
        self.bn_s1 = nn.BatchNorm2d(cout)
        self.relu_s1 = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu_s1(self.bn_s1(self.conv_s1(x)))


class ResidualUBlock(nn.Module):
    """RSU-L: a small U-Net of `depth` levels inside one stage, plus a residual connection.

    Encoder convs rebnconv1..depth-1 with 2x max pools between them, a dilated bottom conv
    rebnconv<depth>, and decoder convs rebnconv<depth-1>d..1d on concatenated skips.
    """

    def __init__(self, depth: int, cin: int, mid: int, cout: int):
        super().__init__()
        self.depth = depth
        self.rebnconvin = ConvBnRelu(cin, cout)
        self.encoders = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for level in range(1, depth):
            self.encoders.append(ConvBnRelu(cout if level == 1 else mid, mid))
        self.bottom = ConvBnRelu(mid, mid, dilation=2)
        for level in range(depth - 1, 0, -1):
            self.decoders.append(ConvBnRelu(mid * 2, cout if level == 1 else mid))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hxin = self.rebnconvin(x)
        skips: List[torch.Tensor] = []
        hx = hxin
        for i, enc in enumerate(self.encoders):
            if i > 0:
                hx = F.max_pool2d(hx, 2, 2, ceil_mode=True)
            hx = enc(hx)
            skips.append(hx)
        hx = self.bottom(hx)
        for i, dec in enumerate(self.decoders):
            skip = skips[len(skips) - 1 - i]
            if i > 0:
                hx = _resize_like(hx, skip)
            hx = dec(torch.cat([hx, skip], dim=1))
        return hx + hxin


class ResidualUBlockFlat(nn.Module):
    """RSU4F: the same idea without pooling; dilations 1, 2, 4, 8 keep the resolution."""

    def __init__(self, cin: int, mid: int, cout: int):
        super().__init__()
        self.rebnconvin = ConvBnRelu(cin, cout)
        self.rebnconv1 = ConvBnRelu(cout, mid, 1)
        self.rebnconv2 = ConvBnRelu(mid, mid, 2)
        self.rebnconv3 = ConvBnRelu(mid, mid, 4)
        self.rebnconv4 = ConvBnRelu(mid, mid, 8)
        self.rebnconv3d = ConvBnRelu(mid * 2, mid, 4)
        self.rebnconv2d = ConvBnRelu(mid * 2, mid, 2)
        self.rebnconv1d = ConvBnRelu(mid * 2, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hxin = self.rebnconvin(x)
        hx1 = self.rebnconv1(hxin)
        hx2 = self.rebnconv2(hx1)
        hx3 = self.rebnconv3(hx2)
        hx4 = self.rebnconv4(hx3)
        hx3d = self.rebnconv3d(torch.cat([hx4, hx3], dim=1))
        hx2d = self.rebnconv2d(torch.cat([hx3d, hx2], dim=1))
        return self.rebnconv1d(torch.cat([hx2d, hx1], dim=1)) + hxin


def _rsu(depth, cin, mid, cout):
    return ResidualUBlockFlat(cin, mid, cout) if depth == 0 else ResidualUBlock(depth, cin, mid, cout)


# (depth, in, mid, out) per stage at width 1; depth 0 = RSU4F.
_ENCODER = [(7, 64, 32, 64), (6, 64, 32, 128), (5, 128, 64, 256), (4, 256, 128, 512),
            (0, 512, 256, 512), (0, 512, 256, 512)]
_DECODER = [(0, 1024, 256, 512), (4, 1024, 128, 256), (5, 512, 64, 128), (6, 256, 32, 64),
            (7, 128, 16, 64)]


class IsNetSegmenter(nn.Module):
    def __init__(self, width: float = 1.0):
        super().__init__()

        def w(c):
            return max(1, int(round(c * width)))

        self.conv_in = nn.Conv2d(3, w(64), 3, stride=2, padding=1)
        self.encoder = nn.ModuleList([_rsu(d, w(i), w(m), w(o)) for d, i, m, o in _ENCODER])
        self.decoder = nn.ModuleList([_rsu(d, w(i), w(m), w(o)) for d, i, m, o in _DECODER])
        self.side1 = nn.Conv2d(w(64), 1, 3, padding=1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        hx = self.conv_in(image)
        feats: List[torch.Tensor] = []
        for i, stage in enumerate(self.encoder):
            if i > 0:
                hx = F.max_pool2d(hx, 2, 2, ceil_mode=True)
            hx = stage(hx)
            feats.append(hx)
        for i, stage in enumerate(self.decoder):
            skip = feats[len(feats) - 2 - i]
            hx = stage(torch.cat([_resize_like(hx, skip), skip], dim=1))
        return torch.sigmoid(_resize_like(self.side1(hx), image))


# --- RMBG-1.4 state-dict names -> ours ------------------------------------------------------------

_STAGE_NAMES = ["stage1", "stage2", "stage3", "stage4", "stage5", "stage6"]
_DECODER_NAMES = ["stage5d", "stage4d", "stage3d", "stage2d", "stage1d"]


def _rsu_key_map(ours: str, theirs: str, depth: int):
    """Our parameter prefixes of one RSU block -> RMBG's (rebnconv1.., rebnconv<L>, ..1d)."""
    if depth == 0:
        return {ours + ".": theirs + "."}
    m = {ours + ".rebnconvin.": theirs + ".rebnconvin."}
    for level in range(1, depth):
        m["%s.encoders.%d." % (ours, level - 1)] = "%s.rebnconv%d." % (theirs, level)
    m[ours + ".bottom."] = "%s.rebnconv%d." % (theirs, depth)
    for i, level in enumerate(range(depth - 1, 0, -1)):
        m["%s.decoders.%d." % (ours, i)] = "%s.rebnconv%dd." % (theirs, level)
    return m


def rmbg_key_map():
    m = {"conv_in.": "conv_in.", "side1.": "side1."}
    for i, (d, _, _, _) in enumerate(_ENCODER):
        m.update(_rsu_key_map("encoder.%d" % i, _STAGE_NAMES[i], d))
    for i, (d, _, _, _) in enumerate(_DECODER):
        m.update(_rsu_key_map("decoder.%d" % i, _DECODER_NAMES[i], d))
    return m


def _their_name(ours_key, key_map):
    best = max((p for p in key_map if ours_key.startswith(p)), key=len)
    return key_map[best] + ours_key[len(best):]


class Segmenter:
    """A segmenter module plus what the manifest's `architecture.segmenter` says about it."""

    def __init__(self, module, kind, input_size, mean, std, source_kind):
        self.module, self.kind, self.input_size = module, kind, int(input_size)
        self.mean, self.std, self.source_kind = mean, std, source_kind

    def architecture(self, source):
        return {"kind": self.kind, "input_size": self.input_size, "mean": self.mean,
                "std": self.std, "source": source}


RANDOM_CHOICES = ("random", "random-birefnet")


def load_segmenter(path):
    """BriaRMBG-1.4 or BiRefNet weights from a .safetensors file, recognised by their key names."""
    with SafetensorsFile(path) as st:
        keys = st.keys()
        if brn.looks_like_birefnet(keys):
            return Segmenter(brn.load_birefnet_from(st, path), brn.KIND, brn.INPUT_SIZE, brn.MEAN,
                             brn.STD, "birefnet")
        if _looks_like_rmbg(keys):
            return Segmenter(_load_rmbg_from(st, path), "isnet-rmbg", INPUT_SIZE, MEAN, STD,
                             "rmbg-1.4")
    raise ExportError("unrecognised segmenter weights: neither BriaRMBG-1.4 (conv_in, stage1..) "
                      "nor BiRefNet (bb., squeeze_module., decoder.)", path)


def random_choice(name, tiny, generator):
    """`--segmenter random` (ISNet) or `random-birefnet`: random weights, toy size when tiny."""
    if name == "random-birefnet":
        return Segmenter(brn.random_birefnet(tiny, generator), brn.KIND, brn.input_size(tiny),
                         brn.MEAN, brn.STD, "random-birefnet")
    return Segmenter(random_segmenter(tiny, generator), "isnet-rmbg",
                     TINY_INPUT_SIZE if tiny else INPUT_SIZE, MEAN, STD, "random")


def _looks_like_rmbg(keys):
    return "conv_in.weight" in keys and "stage1.rebnconvin.conv_s1.weight" in keys


def load_rmbg(path):
    """Our IsNetSegmenter with RMBG-1.4 weights from a .safetensors file (pickles are refused)."""
    with SafetensorsFile(path) as st:
        return _load_rmbg_from(st, path)


def _load_rmbg_from(st, path):
    keys = set(st.keys())
    if not _looks_like_rmbg(keys):
        raise ExportError("not a BriaRMBG-1.4 segmenter (no conv_in / stage1 weights)", path)
    model = IsNetSegmenter()
    key_map = rmbg_key_map()
    # Only side1 feeds the matte; RMBG's side2..6 (training-time deep supervision) are dropped.
    tensors = {}
    for ours in model.state_dict():
        theirs = _their_name(ours, key_map)
        if theirs not in keys and ours.endswith("num_batches_tracked"):
            tensors[ours] = model.state_dict()[ours]  # a training counter; some exports omit it
            continue
        if theirs not in keys:
            raise ExportError("segmenter weights lack key '%s'" % theirs, path)
        tensors[ours] = st.get(theirs)
    load_strict(model, tensors, path, "segmenter")
    return model


def random_segmenter(tiny, generator):
    model = IsNetSegmenter(width=0.125 if tiny else 1.0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.normal_(0.0, (2.0 / p[0].numel()) ** 0.5, generator=generator)
            else:
                p.normal_(0.0, 0.02, generator=generator)
        for name, b in model.named_buffers():
            if name.endswith("running_var"):
                b.fill_(1.0)
    return model

