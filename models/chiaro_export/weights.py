"""Building modules without default init, random init, and strict state-dict loading."""
import contextlib
import math

import torch
from torch import nn

from .errors import ExportError

_INIT_CLASSES = (nn.Linear, nn.Conv2d, nn.Embedding, nn.LayerNorm, nn.GroupNorm)


@contextlib.contextmanager
def skip_default_init():
    """Allocate parameters without PyTorch's default init (weights are overwritten anyway).

    Full-size SD1.5 has ~1.07e9 parameters; default kaiming init alone takes minutes on 2 cores.
    """
    saved = [(cls, cls.reset_parameters) for cls in _INIT_CLASSES]
    try:
        for cls in _INIT_CLASSES:
            cls.reset_parameters = lambda self: None
        yield
    finally:
        for cls, fn in saved:
            cls.reset_parameters = fn


def random_init(module, generator):
    """Seeded, scale-preserving random weights (fan-in normal; norms 1; small biases)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() >= 2:
                fan_in = p[0].numel()
                std = 0.02 if name.endswith("embedding.weight") else 1.0 / math.sqrt(fan_in)
                p.normal_(0.0, std, generator=generator)
            elif "norm" in name and name.endswith(".weight"):
                p.fill_(1.0).add_(torch.randn(p.shape, generator=generator), alpha=0.05)
            else:
                p.normal_(0.0, 0.02, generator=generator)


def _fit_shape(name, tensor, want, path):
    if list(tensor.shape) == list(want):
        return tensor
    # 1x1 conv [C, C, 1, 1] vs linear [C, C] (LDM VAE attention, proj_in/out variants).
    if tensor.numel() == int(torch.Size(want).numel()) and \
            [s for s in tensor.shape if s != 1] == [s for s in want if s != 1] and \
            tensor.dim() in (2, 4) and len(want) in (2, 4):
        return tensor.reshape(want)
    raise ExportError("tensor '%s' has shape %s but the model (from its config) needs %s"
                      % (name, list(tensor.shape), list(want)), path)


def load_strict(module, tensors, path, part):
    """Load `tensors` (diffusers names) into `module`, refusing missing/extra keys and shapes."""
    own = module.state_dict()
    missing = [k for k in own if k not in tensors]
    if missing:
        raise ExportError("%s weights lack key '%s' (%d missing)" % (part, missing[0], len(missing)),
                          path)
    extra = [k for k in tensors if k not in own]
    if extra:
        raise ExportError("%s weights have unexpected key '%s' (%d extra): not an SD1.x %s or "
                          "a config mismatch" % (part, extra[0], len(extra), part), path)
    fitted = {k: _fit_shape(k, tensors[k], own[k].shape, path).to(torch.float32) for k in own}
    module.load_state_dict(fitted, strict=True)
    return module
