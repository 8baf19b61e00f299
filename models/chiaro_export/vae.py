"""AutoencoderKL encoder/decoder (diffusers 0.27.2 numerics and state-dict names).

Config keys used (vae/config.json): in_channels, out_channels, latent_channels, block_out_channels,
layers_per_block, norm_num_groups, scaling_factor. Every GroupNorm uses eps 1e-6.
"""
from typing import List

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import GroupNorm, ResnetBlock2D, Downsample2D, Upsample2D, SpatialSelfAttention

EPS = 1e-6


class VaeBlock(nn.Module):
    """DownEncoderBlock2D / UpDecoderBlock2D: resnets then an optional resampler."""

    def __init__(self, ins: List[int], out: int, groups: int, resample: str):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(c, out, 0, groups, EPS) for c in ins])
        self.downsamplers = nn.ModuleList([Downsample2D(out, 0)] if resample == "down" else [])
        self.upsamplers = nn.ModuleList([Upsample2D(out)] if resample == "up" else [])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for resnet in self.resnets:
            x = resnet(x, None)
        for sampler in self.downsamplers:
            x = sampler(x)
        for sampler in self.upsamplers:
            x = sampler(x, None)
        return x


class VaeMidBlock(nn.Module):
    def __init__(self, ch: int, groups: int):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(ch, ch, 0, groups, EPS) for _ in range(2)])
        self.attentions = nn.ModuleList([SpatialSelfAttention(ch, groups, EPS)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.resnets[0](x, None)
        x = self.attentions[0](x)
        return self.resnets[1](x, None)


class Encoder(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        ch, groups, lpb = list(cfg["block_out_channels"]), cfg["norm_num_groups"], cfg["layers_per_block"]
        self.conv_in = nn.Conv2d(cfg["in_channels"], ch[0], 3, 1, 1)
        self.down_blocks = nn.ModuleList([
            VaeBlock([ch[max(i - 1, 0)]] + [ch[i]] * (lpb - 1), ch[i], groups,
                     "down" if i < len(ch) - 1 else "") for i in range(len(ch))])
        self.mid_block = VaeMidBlock(ch[-1], groups)
        self.conv_norm_out = GroupNorm(groups, ch[-1], eps=EPS)
        self.conv_out = nn.Conv2d(ch[-1], 2 * cfg["latent_channels"], 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_in(x)
        for block in self.down_blocks:
            x = block(x)
        x = self.mid_block(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class Decoder(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        ch, groups, lpb = list(cfg["block_out_channels"]), cfg["norm_num_groups"], cfg["layers_per_block"]
        rch = ch[::-1]
        self.conv_in = nn.Conv2d(cfg["latent_channels"], rch[0], 3, 1, 1)
        self.mid_block = VaeMidBlock(rch[0], groups)
        self.up_blocks = nn.ModuleList([
            VaeBlock([rch[max(i - 1, 0)]] + [rch[i]] * lpb, rch[i], groups,
                     "up" if i < len(ch) - 1 else "") for i in range(len(ch))])
        self.conv_norm_out = GroupNorm(groups, ch[0], eps=EPS)
        self.conv_out = nn.Conv2d(ch[0], cfg["out_channels"], 3, 1, 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.mid_block(self.conv_in(z))
        for block in self.up_blocks:
            x = block(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class AutoencoderKL(nn.Module):
    """Holds the diffusers-named parameters; the bundle uses VaeEncoder/VaeDecoder views of it."""

    def __init__(self, cfg: dict):
        super().__init__()
        lat = cfg["latent_channels"]
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.quant_conv = nn.Conv2d(2 * lat, 2 * lat, 1)
        self.post_quant_conv = nn.Conv2d(lat, lat, 1)


class VaeEncoder(nn.Module):
    """forward(image [B, 3, H, W] in [-1, 1]) -> posterior mean * scaling_factor [B, lat, H/8, W/8]."""

    def __init__(self, vae: AutoencoderKL, latent_channels: int, scaling_factor: float):
        super().__init__()
        self.encoder = vae.encoder
        self.quant_conv = vae.quant_conv
        self.latent_channels = latent_channels
        self.scaling_factor = float(scaling_factor)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        moments = self.quant_conv(self.encoder(image))
        return moments[:, :self.latent_channels] * self.scaling_factor


class VaeDecoder(nn.Module):
    """forward(latent * scaling_factor [B, lat, h, w]) -> image [B, 3, 8h, 8w] in about [-1, 1]."""

    def __init__(self, vae: AutoencoderKL, scaling_factor: float):
        super().__init__()
        self.post_quant_conv = vae.post_quant_conv
        self.decoder = vae.decoder
        self.scaling_factor = float(scaling_factor)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.post_quant_conv(latent / self.scaling_factor))
