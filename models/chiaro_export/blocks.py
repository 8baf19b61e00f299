"""Building blocks shared by the UNet and the VAE, numerically identical to diffusers 0.27.2.

All modules are TorchScript-scriptable; parameter names follow diffusers exactly.
"""
from typing import Optional, List

import torch
import torch.nn.functional as F
from torch import nn

# Largest attention-score block materialised at once (float32 elements), about 256 MB.
ATTENTION_CHUNK_ELEMENTS = 64 * 1024 * 1024


def chunked_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float,
                      max_elements: int = ATTENTION_CHUNK_ELEMENTS) -> torch.Tensor:
    """softmax(q k^T * scale) v for q [N, Lq, d], k/v [N, Lk, d].

    The query axis is processed in chunks so that no score matrix above `max_elements` exists;
    rows are independent, so the result equals the unchunked computation. Scores are formed as
    diffusers' get_attention_scores does: baddbmm with beta 0 and alpha = scale.
    """
    n = q.shape[0]
    lq = q.shape[1]
    lk = k.shape[1]
    rows = max(1, max_elements // max(1, n * lk))
    kt = k.transpose(1, 2)
    if rows >= lq:
        scores = torch.baddbmm(torch.empty(n, lq, lk, dtype=q.dtype, device=q.device), q, kt,
                               beta=0.0, alpha=scale)
        return torch.bmm(torch.softmax(scores, dim=-1), v)
    out = torch.empty(n, lq, v.shape[2], dtype=q.dtype, device=q.device)
    start = 0
    while start < lq:
        end = min(lq, start + rows)
        scores = torch.baddbmm(torch.empty(n, end - start, lk, dtype=q.dtype, device=q.device),
                               q[:, start:end], kt, beta=0.0, alpha=scale)
        out[:, start:end] = torch.bmm(torch.softmax(scores, dim=-1), v)
        start = end
    return out


class GroupNorm(nn.GroupNorm):
    """nn.GroupNorm on a contiguous (NCHW) input.

    oneDNN convolutions with 3 input channels return channels-last tensors, and torch 1.13's
    channels-last GroupNorm CPU kernel loses precision on large groups (relative error ~1e-4 at
    256x256, vs ~1e-7 for the contiguous kernel), which breaks parity with diffusers.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.group_norm(x.contiguous(), self.num_groups, self.weight, self.bias, self.eps)


class ResnetBlock2D(nn.Module):
    """diffusers ResnetBlock2D (time_embedding_norm "default", output_scale_factor 1)."""

    def __init__(self, in_channels: int, out_channels: int, temb_channels: int, groups: int,
                 eps: float):
        super().__init__()
        self.norm1 = GroupNorm(groups, in_channels, eps=eps, affine=True)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.has_temb = temb_channels > 0
        self.time_emb_proj = nn.Linear(temb_channels, out_channels) if temb_channels > 0 \
            else nn.Identity()
        self.norm2 = GroupNorm(groups, out_channels, eps=eps, affine=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        self.has_shortcut = in_channels != out_channels
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1, 1, 0) if self.has_shortcut \
            else nn.Identity()

    def forward(self, x: torch.Tensor, temb: Optional[torch.Tensor] = None) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.has_temb and temb is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        if self.has_shortcut:
            x = self.conv_shortcut(x)
        return x + h


class Downsample2D(nn.Module):
    """Strided 3x3 conv; padding 0 means diffusers' VAE variant: pad (0, 1, 0, 1) first."""

    def __init__(self, channels: int, padding: int):
        super().__init__()
        self.pad_first = padding == 0
        self.conv = nn.Conv2d(channels, channels, 3, 2, padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pad_first:
            x = F.pad(x, [0, 1, 0, 1], mode="constant", value=0.0)
        return self.conv(x)


class Upsample2D(nn.Module):
    """Nearest x2 (or to an explicit size) then 3x3 conv."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 1, 1)

    def forward(self, x: torch.Tensor, size: Optional[List[int]] = None) -> torch.Tensor:
        if size is None:
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        else:
            x = F.interpolate(x, size=size, mode="nearest")
        return self.conv(x)


class SpatialSelfAttention(nn.Module):
    """The VAE mid-block Attention: GroupNorm, one head over all channels, residual."""

    def __init__(self, channels: int, groups: int, eps: float):
        super().__init__()
        self.group_norm = GroupNorm(groups, channels, eps=eps, affine=True)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels), nn.Identity()])
        self.scale = float(channels) ** -0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        seq = self.group_norm(x.view(b, c, h * w)).transpose(1, 2)
        q = self.to_q(seq)
        k = self.to_k(seq)
        v = self.to_v(seq)
        out = chunked_attention(q, k, v, self.scale)
        for layer in self.to_out:
            out = layer(out)
        return out.transpose(1, 2).reshape(b, c, h, w) + x
