"""The `chiaro::attention` operator that scripted UNets call (Chiaro's C++ runtime implements it).

    attention(Tensor q, Tensor k, Tensor v, int heads, float scale) -> Tensor
    q [B, Lq, heads*d], k [B, Lk, heads*d], v [B, Lk, heads*dv] -> [B, Lq, heads*dv]

Chiaro's engine runs it as one fused CPU kernel (src/core/pipeline/attention_kernel.cpp): the score
matrices of a block of query rows stay in cache and the heads are read in place, which makes the
UNet's self-attention several times faster than bmm + softmax + bmm. Registering it here lets
TorchScript compile calls to it and lets Python load and run exported modules (tests, parity):
this implementation is the plain, memory-bounded formula (blocks.chunked_attention).
Importing the module twice is harmless; the definition happens once per process.
"""
import torch

from .blocks import chunked_attention

SCHEMA = "attention(Tensor q, Tensor k, Tensor v, int heads, float scale) -> Tensor"


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


def _register():
    try:
        torch.ops.chiaro.attention  # noqa: B018 (defined already: a second import of this module)
        return None
    except (AttributeError, RuntimeError):
        pass
    lib = torch.library.Library("chiaro", "DEF")
    lib.define(SCHEMA)
    lib.impl("attention", reference_attention, "CPU")
    lib.impl("attention", reference_attention, "CUDA")
    return lib


_LIBRARY = _register()  # keep a reference: the registration lives as long as this object
