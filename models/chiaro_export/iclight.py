"""IC-Light offset merge (ICLIGHT_PIPELINE.md "Models").

conv_in.weight is widened from the base's input width to the offset's (8: fc/fcon, 12: fbc): the new
input channels start at zero, the base's are copied, bias kept. Then every key: merged = base + offset,
computed in float32 (offsets are usually F16).
"""
import torch

from .errors import ExportError
from .recognise import check_iclight_file
from .safetensors_io import SafetensorsFile

VARIANTS = {4: "fc", 8: "fbc"}


def variant_for_concat(concat_channels):
    return VARIANTS.get(concat_channels)


def merge_offsets(base_unet, offsets_path):
    """Returns (merged state dict, variant, concat_channels, kind); raises ExportError naming the
    key. `kind` is what the file is: fc, fcon (both the fc variant) or fbc.

    Consumes `base_unet` (entries are popped as they are merged, to halve peak memory at SD size).
    """
    path = str(offsets_path)
    with SafetensorsFile(path) as off:
        kind = check_iclight_file(off)
        keys = set(off.keys())
        missing = sorted(k for k in base_unet if k not in keys)
        if missing:
            raise ExportError("offset file lacks UNet key '%s' (%d missing): not an IC-Light "
                              "offset for this base" % (missing[0], len(missing)), path)
        extra = sorted(k for k in keys if k not in base_unet)
        if extra:
            raise ExportError("offset file has key '%s' that the base UNet does not have (%d extra)"
                              % (extra[0], len(extra)), path)
        base_w = base_unet["conv_in.weight"]
        off_shape = off.shape("conv_in.weight")
        base_in = base_w.shape[1]
        concat = off_shape[1] - base_in if len(off_shape) == 4 else -1
        if len(off_shape) != 4 or off_shape[0] != base_w.shape[0] or off_shape[2:] != \
                list(base_w.shape[2:]) or concat not in VARIANTS:
            raise ExportError("offset 'conv_in.weight' has shape %s; expected [%d, %d or %d, %d, %d] "
                              "for this base" % (off_shape, base_w.shape[0], base_in + 4,
                                                 base_in + 8, base_w.shape[2], base_w.shape[3]), path)
        merged = {}
        for key in sorted(base_unet):
            base = base_unet[key].to(torch.float32)
            base_unet[key] = None
            if key == "conv_in.weight":
                wide = torch.zeros(off_shape, dtype=torch.float32)
                wide[:, :base_in] = base
                base = wide
            delta = off.get(key)
            if list(delta.shape) != list(base.shape):
                raise ExportError("offset '%s' has shape %s but the base needs %s (offsets for a "
                                  "different base model?)" % (key, list(delta.shape),
                                                              list(base.shape)), path)
            merged[key] = base + delta.to(torch.float32)
    return merged, VARIANTS[concat], concat, kind

