"""SD1.x/2.x UNet2DConditionModel (diffusers 0.27.2 numerics and state-dict names).

Config keys used (diffusers unet/config.json): in_channels, out_channels, block_out_channels,
layers_per_block, attention_head_dim (SD1.5: the NUMBER of heads; int or per-block list),
num_attention_heads (wins when set), cross_attention_dim, norm_num_groups, norm_eps,
use_linear_projection, down_block_types, up_block_types, flip_sin_to_cos, freq_shift.
"""
import math
from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import nn

from .ops import reference_attention
from .blocks import GroupNorm, ResnetBlock2D, Downsample2D, Upsample2D


def token_linear(x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
    """F.linear on tokens [B, L, C]. Scripted, on contiguous float32 CPU tensors, it runs as a 1x1
    convolution on the channels-last view of the tokens (no copy either way): oneDNN's kernel beats
    the BLAS GEMM at the UNet's shapes (~205 vs ~170 GFLOP/s at C=320, 2 threads), fuses the bias,
    and, unlike OpenBLAS's own thread pool, shares ATen's OpenMP threads, so the two pools no longer
    fight for the cores at every switch between a GEMM and the ops around it."""
    if torch.jit.is_scripting() and x.dim() == 3 and x.device.type == "cpu" \
            and x.dtype == torch.float32 and x.is_contiguous():
        b, n, c = x.shape
        out = weight.shape[0]
        y = F.conv2d(x.view(b, 1, n, c).permute(0, 3, 1, 2), weight.view(out, c, 1, 1), bias)
        return y.permute(0, 2, 3, 1).reshape(b, n, out)
    return F.linear(x, weight, bias)


class CrossAttention(nn.Module):
    """diffusers Attention with no q/k/v bias.

    Scripted, it calls the `chiaro::attention` operator (ops.py: fused in Chiaro's C++
    runtime); in eager mode it runs the same formula with plain PyTorch ops.
    """

    def __init__(self, query_dim: int, context_dim: int, heads: int, dim_head: int):
        super().__init__()
        inner = heads * dim_head
        self.heads = heads
        self.scale = float(dim_head) ** -0.5
        self.to_q = nn.Linear(query_dim, inner, bias=False)
        self.to_k = nn.Linear(context_dim, inner, bias=False)
        self.to_v = nn.Linear(context_dim, inner, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(inner, query_dim), nn.Identity()])

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        if torch.jit.is_scripting():
            q = token_linear(x, self.to_q.weight, None)
            k = token_linear(context, self.to_k.weight, None)
            v = token_linear(context, self.to_v.weight, None)
            out = torch.ops.chiaro.attention(q, k, v, self.heads, self.scale)
            return token_linear(out, self.to_out[0].weight, self.to_out[0].bias)
        out = reference_attention(self.to_q(x), self.to_k(context), self.to_v(context), self.heads,
                                  self.scale)
        for layer in self.to_out:
            out = layer(out)
        return out


class GEGLU(nn.Module):
    def __init__(self, dim: int, inner: int):
        super().__init__()
        self.proj = nn.Linear(dim, inner * 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.jit.is_scripting():
            return torch.ops.chiaro.geglu(token_linear(x, self.proj.weight, self.proj.bias))
        hidden, gate = self.proj(x).chunk(2, dim=-1)
        return hidden * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, dim * 4), nn.Identity(), nn.Linear(dim * 4, dim)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.jit.is_scripting():
            x = self.net[0](x)
            return token_linear(x, self.net[2].weight, self.net[2].bias)
        for layer in self.net:
            x = layer(x)
        return x


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim: int, context_dim: int, heads: int, dim_head: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn1 = CrossAttention(dim, dim, heads, dim_head)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.attn2 = CrossAttention(dim, context_dim, heads, dim_head)
        self.norm3 = nn.LayerNorm(dim, eps=1e-5)
        self.ff = FeedForward(dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = self.attn1(h, h) + x
        x = self.attn2(self.norm2(x), context) + x
        return self.ff(self.norm3(x)) + x


class Transformer2DModel(nn.Module):
    """diffusers Transformer2DModel. Eager mode runs diffusers' own formulation (the reference the
    benchmark compares against); scripted, the 1x1 conv projections run as GEMMs."""

    def __init__(self, channels: int, heads: int, context_dim: int, groups: int, linear: bool):
        super().__init__()
        self.linear = linear
        self.norm = GroupNorm(groups, channels, eps=1e-6, affine=True)
        if linear:
            self.proj_in = nn.Linear(channels, channels)
            self.proj_out = nn.Linear(channels, channels)
        else:
            self.proj_in = nn.Conv2d(channels, channels, 1)
            self.proj_out = nn.Conv2d(channels, channels, 1)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(channels, context_dim, heads, channels // heads)])

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        hs = self.norm(x)
        if torch.jit.is_scripting():
            # The 1x1 conv (or linear) projections on the token-major layout the attention needs
            # anyway; the result is added to x through a transposed view: x first, so the sum
            # keeps x's NCHW layout without a separate copy.
            hs = hs.permute(0, 2, 3, 1).reshape(b, h * w, c).contiguous()
            hs = token_linear(hs, self.proj_in.weight.flatten(1), self.proj_in.bias)
            for block in self.transformer_blocks:
                hs = block(hs, context)
            hs = token_linear(hs, self.proj_out.weight.flatten(1), self.proj_out.bias)
            return x + hs.view(b, h, w, c).permute(0, 3, 1, 2)
        if self.linear:
            hs = self.proj_in(hs.permute(0, 2, 3, 1).reshape(b, h * w, c))
        else:
            hs = self.proj_in(hs).permute(0, 2, 3, 1).reshape(b, h * w, c)
        for block in self.transformer_blocks:
            hs = block(hs, context)
        if self.linear:
            hs = self.proj_out(hs).reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous()
        else:
            hs = self.proj_out(hs.reshape(b, h, w, c).permute(0, 3, 1, 2).contiguous())
        return hs + x


class UNetBlock(nn.Module):
    """One down or up block (resnets, optional attentions, optional resampler)."""

    def __init__(self, ins: List[int], out: int, temb: int, heads: int, cfg: dict, attn: bool,
                 resample: str):
        super().__init__()
        groups, eps = cfg["norm_num_groups"], cfg["norm_eps"]
        self.resnets = nn.ModuleList([ResnetBlock2D(c, out, temb, groups, eps) for c in ins])
        self.has_attn = attn
        self.attentions = nn.ModuleList(
            [Transformer2DModel(out, heads, cfg["cross_attention_dim"], groups,
                                cfg["use_linear_projection"]) for _ in ins] if attn else [])
        self.has_down = resample == "down"
        self.has_up = resample == "up"
        self.downsamplers = nn.ModuleList(
            [Downsample2D(out, cfg["downsample_padding"])] if self.has_down else [])
        self.upsamplers = nn.ModuleList([Upsample2D(out)] if self.has_up else [])

    def down(self, x: torch.Tensor, temb: torch.Tensor, context: torch.Tensor,
             skips: List[torch.Tensor]) -> torch.Tensor:
        if self.has_attn:
            for resnet, attn in zip(self.resnets, self.attentions):
                x = attn(resnet(x, temb), context)
                skips.append(x)
        else:
            for resnet in self.resnets:
                x = resnet(x, temb)
                skips.append(x)
        for sampler in self.downsamplers:
            x = sampler(x)
            skips.append(x)
        return x

    def up(self, x: torch.Tensor, temb: torch.Tensor, context: torch.Tensor,
           skips: List[torch.Tensor]) -> torch.Tensor:
        if self.has_attn:
            for resnet, attn in zip(self.resnets, self.attentions):
                x = attn(resnet(torch.cat([x, skips.pop()], dim=1), temb), context)
        else:
            for resnet in self.resnets:
                x = resnet(torch.cat([x, skips.pop()], dim=1), temb)
        for sampler in self.upsamplers:
            size: List[int] = [x.shape[2] * 2, x.shape[3] * 2]
            if len(skips) > 0:
                size = [skips[-1].shape[2], skips[-1].shape[3]]
            x = sampler(x, size)
        return x


class MidBlock(nn.Module):
    def __init__(self, ch: int, temb: int, heads: int, cfg: dict):
        super().__init__()
        groups, eps = cfg["norm_num_groups"], cfg["norm_eps"]
        self.resnets = nn.ModuleList([ResnetBlock2D(ch, ch, temb, groups, eps) for _ in range(2)])
        self.attentions = nn.ModuleList([Transformer2DModel(
            ch, heads, cfg["cross_attention_dim"], groups, cfg["use_linear_projection"])])

    def forward(self, x: torch.Tensor, temb: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        x = self.resnets[0](x, temb)
        x = self.attentions[0](x, context)
        return self.resnets[1](x, temb)


class TimestepEmbedding(nn.Module):
    def __init__(self, dim: int, temb: int):
        super().__init__()
        self.linear_1 = nn.Linear(dim, temb)
        self.linear_2 = nn.Linear(temb, temb)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(F.silu(self.linear_1(x)))


def _heads_per_block(cfg: dict) -> List[int]:
    heads = cfg.get("num_attention_heads") or cfg["attention_head_dim"]
    n = len(cfg["block_out_channels"])
    return list(heads) if isinstance(heads, (list, tuple)) else [int(heads)] * n


class UNet2DConditionModel(nn.Module):
    """forward(x [B, in, h, w], t float [B], context [B, L, ctx]) -> eps [B, out, h, w]."""

    def __init__(self, cfg: dict):
        super().__init__()
        ch = list(cfg["block_out_channels"])
        lpb = int(cfg["layers_per_block"])
        heads = _heads_per_block(cfg)
        temb = ch[0] * 4
        self.time_dim = ch[0]
        self.flip_sin_to_cos = bool(cfg.get("flip_sin_to_cos", True))
        self.freq_shift = float(cfg.get("freq_shift", 0))
        self.conv_in = nn.Conv2d(cfg["in_channels"], ch[0], 3, 1, 1)
        self.time_embedding = TimestepEmbedding(ch[0], temb)
        down = []
        for i, t in enumerate(cfg["down_block_types"]):
            ins = [ch[max(i - 1, 0)]] + [ch[i]] * (lpb - 1)
            down.append(UNetBlock(ins, ch[i], temb, heads[i], cfg, t.startswith("CrossAttn"),
                                  "down" if i < len(ch) - 1 else ""))
        self.down_blocks = nn.ModuleList(down)
        self.mid_block = MidBlock(ch[-1], temb, heads[-1], cfg)
        rch, rheads = ch[::-1], heads[::-1]
        up = []
        for i, t in enumerate(cfg["up_block_types"]):
            prev = rch[max(i - 1, 0)]
            skip_in = rch[min(i + 1, len(ch) - 1)]
            ins = [prev + rch[i] if j == 0 else rch[i] + (skip_in if j == lpb else rch[i])
                   for j in range(lpb + 1)]
            up.append(UNetBlock(ins, rch[i], temb, rheads[i], cfg, t.startswith("CrossAttn"),
                                "up" if i < len(ch) - 1 else ""))
        self.up_blocks = nn.ModuleList(up)
        self.conv_norm_out = GroupNorm(cfg["norm_num_groups"], ch[0], eps=cfg["norm_eps"])
        self.conv_out = nn.Conv2d(ch[0], cfg["out_channels"], 3, 1, 1)

    def time_proj(self, t: torch.Tensor) -> torch.Tensor:
        half = self.time_dim // 2
        exponent = -math.log(10000.0) * torch.arange(0, half, dtype=torch.float32, device=t.device)
        freqs = torch.exp(exponent / (half - self.freq_shift))
        emb = t.to(torch.float32)[:, None] * freqs[None, :]
        emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=-1)
        if self.flip_sin_to_cos:
            emb = torch.cat([emb[:, half:], emb[:, :half]], dim=-1)
        if self.time_dim % 2 == 1:
            emb = F.pad(emb, [0, 1, 0, 0])
        return emb

    def forward(self, x: torch.Tensor, t: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        t = t.reshape(-1)
        if t.shape[0] != x.shape[0]:
            t = t.expand(x.shape[0])
        temb = self.time_embedding(self.time_proj(t).to(x.dtype))
        h = self.conv_in(x)
        skips: List[torch.Tensor] = [h]
        for block in self.down_blocks:
            h = block.down(h, temb, context, skips)
        h = self.mid_block(h, temb, context)
        for block in self.up_blocks:
            h = block.up(h, temb, context, skips)
        return self.conv_out(F.silu(self.conv_norm_out(h)))
