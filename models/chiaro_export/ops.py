"""The `chiaro::` operators that scripted UNets call (Chiaro's C++ runtime implements them).

    attention(Tensor q, Tensor k, Tensor v, int heads, float scale) -> Tensor
        q [B, Lq, heads*d], k [B, Lk, heads*d], v [B, Lk, heads*dv] -> [B, Lq, heads*dv]
    geglu(Tensor x) -> Tensor
        x [..., 2n] -> x[..., :n] * gelu(x[..., n:])   (exact, erf-based GELU) -> [..., n]

Chiaro's engine runs both as fused CPU kernels (src/core/pipeline/attention_kernel.cpp,
geglu_kernel.cpp): the attention keeps the score matrices of a block of query rows in cache and reads
the heads in place, which makes the UNet's self-attention several times faster than bmm + softmax +
bmm; GEGLU reads the projection once instead of three times (gelu, multiply, and their temporaries).
Registering them here lets TorchScript compile calls to them and lets Python load and run exported
modules (tests, parity): these implementations are the plain formulas.
Importing the module twice, or after the C++ library defined the operators, is harmless.
"""
import torch
import torch.nn.functional as F

from .blocks import chunked_attention

SCHEMAS = {
    "attention": "attention(Tensor q, Tensor k, Tensor v, int heads, float scale) -> Tensor",
    "geglu": "geglu(Tensor x) -> Tensor",
}


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    b, n, inner = x.shape
    return x.view(b, n, heads, inner // heads).transpose(1, 2).reshape(b * heads, n, inner // heads)


def reference_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int,
                        scale: float) -> torch.Tensor:
    """diffusers' attention on the projections' layout (eager path and the Python kernel)."""
    b, n, _ = q.shape
    out = chunked_attention(split_heads(q, heads), split_heads(k, heads), split_heads(v, heads), scale)
    d = out.shape[2]
    return out.view(b, heads, n, d).transpose(1, 2).reshape(b, n, heads * d)


def reference_geglu(x: torch.Tensor) -> torch.Tensor:
    """diffusers' GEGLU after its projection: the first half gated by GELU of the second."""
    hidden, gate = x.chunk(2, dim=-1)
    return hidden * F.gelu(gate)


def _defined(name):
    try:
        getattr(torch.ops.chiaro, name)
        return True
    except (AttributeError, RuntimeError):
        return False


def _register():
    missing = [name for name in SCHEMAS if not _defined(name)]
    if not missing:
        return None
    if len(missing) != len(SCHEMAS):
        raise RuntimeError("the chiaro operator library in this process lacks " + ", ".join(missing)
                           + ": it is older than this exporter; load the matching libchiaro build")
    lib = torch.library.Library("chiaro", "DEF")
    impls = {"attention": reference_attention, "geglu": reference_geglu}
    for name in missing:
        lib.define(SCHEMAS[name])
        for device in ("CPU", "CUDA"):
            lib.impl(name, impls[name], device)
    return lib


_LIBRARY = _register()  # keep a reference: the registration lives as long as this object
