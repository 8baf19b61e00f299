"""Swin Transformer v1 backbone of BiRefNet (the detection-style variant with padding to windows).

Module names follow BiRefNet's state dict under `bb.` (`patch_embed.proj`, `layers.N.blocks.M.attn.
relative_position_bias_table`, `layers.N.downsample.reduction`, `normN`). The backbone returns the
four stage outputs [B, C * 2^i, H / 2^(i+2), W / 2^(i+2)] after their `normN` layer norms.

Inference path only: no dropout, drop path or absolute position embedding (BiRefNet's Swin has
ape=False). Feature maps are zero-padded to multiples of the window after norm1, and the padded
tokens take part in attention unmasked; shifted blocks roll by window // 2 and mask attention
across the roll's seams; both as in the reference.
"""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import nn


def relative_position_index(window: int, device: torch.device) -> torch.Tensor:
    """[N, N] index into the (2w-1)^2 bias table for every pair of tokens of a window (N = w^2)."""
    r = torch.arange(window, device=device)
    flat = torch.stack([r.view(window, 1).expand(window, window).reshape(-1),
                        r.view(1, window).expand(window, window).reshape(-1)])
    rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0) + (window - 1)
    return rel[:, :, 0] * (2 * window - 1) + rel[:, :, 1]


def window_partition(x: torch.Tensor, window: int) -> torch.Tensor:
    """[B, H, W, C] -> [B * nW, window * window, C] (H, W multiples of window)."""
    b, h, w, c = x.shape[0], x.shape[1], x.shape[2], x.shape[3]
    x = x.view(b, h // window, window, w // window, window, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, window * window, c)


def window_reverse(windows: torch.Tensor, window: int, h: int, w: int) -> torch.Tensor:
    c = windows.shape[-1]
    x = windows.view(-1, h // window, w // window, window, window, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, h, w, c)


def _shift_regions(n: int, window: int, shift: int, device: torch.device) -> torch.Tensor:
    """0 for the unrolled part, 1 and 2 for the two strips that the roll wraps around."""
    r = torch.zeros(n, dtype=torch.long, device=device)
    r[n - window:n - shift] = 1
    r[n - shift:] = 2
    return r


def shift_attention_mask(hp: int, wp: int, window: int, shift: int,
                         device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """[nW, N, N] additive mask: -inf between tokens from different regions of the rolled map."""
    rows = _shift_regions(hp, window, shift, device).view(hp, 1)
    cols = _shift_regions(wp, window, shift, device).view(1, wp)
    labels = (rows * 3 + cols).view(1, hp, wp, 1)
    lw = window_partition(labels, window).squeeze(-1)
    diff = lw.unsqueeze(1) - lw.unsqueeze(2)
    zero = torch.zeros(diff.shape, dtype=dtype, device=device)
    return zero.masked_fill(diff != 0, float("-inf"))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class WindowAttention(nn.Module):
    def __init__(self, dim: int, window: int, heads: int):
        super().__init__()
        self.heads = heads
        self.window = window
        self.scale = float((dim // heads) ** -0.5)
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * window - 1) * (2 * window - 1), heads))
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, use_mask: bool) -> torch.Tensor:
        bw, n, c = x.shape[0], x.shape[1], x.shape[2]
        qkv = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = torch.matmul(q, k.transpose(-2, -1))
        # The index is rebuilt here rather than kept as a buffer: the engine's module.to(dtype)
        # casts every buffer, which would turn an integer index into floats (bf16 even rounds it).
        # The checkpoint's relative_position_index copies are checked by the loader instead.
        table = self.relative_position_bias_table
        bias = table[relative_position_index(self.window, table.device).view(-1)]
        attn = attn + bias.view(n, n, -1).permute(2, 0, 1).unsqueeze(0)
        if use_mask:
            nw = mask.shape[0]
            attn = attn.view(bw // nw, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.heads, n, n)
        attn = torch.softmax(attn, dim=-1)
        return self.proj(torch.matmul(attn, v).transpose(1, 2).reshape(bw, n, c))


class SwinBlock(nn.Module):
    def __init__(self, dim: int, heads: int, window: int, shift: int, mlp_ratio: float = 4.0):
        super().__init__()
        self.window = window
        self.shift = shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, window, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor, h: int, w: int, mask: torch.Tensor) -> torch.Tensor:
        b, c = x.shape[0], x.shape[2]
        ws = self.window
        y = self.norm1(x).view(b, h, w, c)
        pad_r = (ws - w % ws) % ws
        pad_b = (ws - h % ws) % ws
        y = F.pad(y, [0, 0, 0, pad_r, 0, pad_b])
        hp, wp = h + pad_b, w + pad_r
        if self.shift > 0:
            y = torch.roll(y, shifts=[-self.shift, -self.shift], dims=[1, 2])
        y = self.attn(window_partition(y, ws), mask, self.shift > 0)
        y = window_reverse(y, ws, hp, wp)
        if self.shift > 0:
            y = torch.roll(y, shifts=[self.shift, self.shift], dims=[1, 2])
        y = y[:, :h, :w, :].reshape(b, h * w, c)
        x = x + y
        return x + self.mlp(self.norm2(x))


class PatchMerging(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(4 * dim)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)

    def forward(self, x: torch.Tensor, h: int, w: int) -> torch.Tensor:
        b, c = x.shape[0], x.shape[2]
        y = x.view(b, h, w, c)
        if h % 2 == 1 or w % 2 == 1:
            y = F.pad(y, [0, 0, 0, w % 2, 0, h % 2])
        y = torch.cat([y[:, 0::2, 0::2, :], y[:, 1::2, 0::2, :],
                       y[:, 0::2, 1::2, :], y[:, 1::2, 1::2, :]], dim=-1)
        return self.reduction(self.norm(y.view(b, -1, 4 * c)))


class SwinStage(nn.Module):
    """One stage (`layers.N`): blocks alternating plain and shifted windows, then patch merging."""

    def __init__(self, dim: int, depth: int, heads: int, window: int, downsample: bool):
        super().__init__()
        self.window = window
        self.shift = window // 2
        self.blocks = nn.ModuleList([SwinBlock(dim, heads, window, 0 if i % 2 == 0 else window // 2)
                                     for i in range(depth)])
        self.downsample = PatchMerging(dim) if downsample else None

    def forward(self, x: torch.Tensor, h: int, w: int) -> Tuple[torch.Tensor, torch.Tensor]:
        ws = self.window
        hp = (h + ws - 1) // ws * ws
        wp = (w + ws - 1) // ws * ws
        mask = shift_attention_mask(hp, wp, ws, self.shift, x.device, x.dtype)
        for blk in self.blocks:
            x = blk(x, h, w, mask)
        if self.downsample is not None:
            return x, self.downsample(x, h, w)
        return x, x


class PatchEmbed(nn.Module):
    """Non-overlapping patch x patch convolution (input zero-padded to a multiple), then a norm."""

    def __init__(self, embed_dim: int, patch: int):
        super().__init__()
        self.patch = patch
        self.proj = nn.Conv2d(3, embed_dim, patch, stride=patch)
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p = self.patch
        h, w = x.shape[2], x.shape[3]
        x = self.proj(F.pad(x, [0, (p - w % p) % p, 0, (p - h % p) % p]))
        return self.norm(x.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(x.shape)


class SwinTransformer(nn.Module):
    def __init__(self, embed_dim: int, depths: List[int], heads: List[int], window: int,
                 patch: int = 4):
        super().__init__()
        self.patch_embed = PatchEmbed(embed_dim, patch)
        dims = [embed_dim * 2 ** i for i in range(len(depths))]
        self.dims = dims
        self.layers = nn.ModuleList([SwinStage(dims[i], depths[i], heads[i], window,
                                               i < len(depths) - 1) for i in range(len(depths))])
        self.norm0 = nn.LayerNorm(dims[0])
        self.norm1 = nn.LayerNorm(dims[1])
        self.norm2 = nn.LayerNorm(dims[2])
        self.norm3 = nn.LayerNorm(dims[3])

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        x = self.patch_embed(x)
        h, w = x.shape[2], x.shape[3]
        x = x.flatten(2).transpose(1, 2)
        raw: List[torch.Tensor] = []
        sizes: List[List[int]] = []
        for stage in self.layers:
            out, x = stage(x, h, w)
            raw.append(out)
            sizes.append([h, w])
            h, w = (h + 1) // 2, (w + 1) // 2
        normed = [self.norm0(raw[0]), self.norm1(raw[1]), self.norm2(raw[2]), self.norm3(raw[3])]
        return [normed[i].view(-1, sizes[i][0], sizes[i][1], self.dims[i]).permute(0, 3, 1, 2)
                .contiguous() for i in range(4)]
