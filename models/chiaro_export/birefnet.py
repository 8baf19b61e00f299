"""BiRefNet (ZhengPeng7/BiRefNet, general checkpoint) as a TorchScript-able subject segmenter.

Inference path of the reference's default config: Swin-L backbone run on the image and on its
half-size copy (mul_scl_ipt='cat'), the x1..x3 context concatenated to x4 (cxt_num=3), one
BasicDecBlk squeeze block, a four-stage decoder of BasicDecBlk (conv, BN, ReLU, deformable ASPP
with 1/1/3/7 taps, conv, BN), lateral 1x1 convs, image patches fed into every stage (dec_ipt with
dec_ipt_split), and the gradient-attention gates (out_ref: gdt_convs_N -> gdt_convs_attn_N ->
sigmoid). No refiner. The matte is sigmoid(conv_out1(...)) at the input size.

Module names equal the checkpoint's (`bb.`, `squeeze_module.0.`, `decoder.`), so its
model.safetensors loads 1:1. Training-only tensors in the checkpoint are dropped by name
(`TRAINING_ONLY_PREFIXES`); the Swin `relative_position_index` buffers are recomputed in
forward and checked against the checkpoint's copies. `BiRefNetConfig.tiny()` builds the same
structure at toy widths.
"""
from typing import List

import torch
import torch.nn.functional as F
from torch import nn

from .birefnet_swin import SwinTransformer
from .deform_conv import DeformableConv2d

INPUT_SIZE = 1024
TINY_INPUT_SIZE = 64
MEAN = [0.485, 0.456, 0.406]  # ImageNet, as BiRefNet's inference transform
STD = [0.229, 0.224, 0.225]

# In the checkpoint but not on the inference path: multi-scale supervision heads and the gradient
# predictions (both feed training losses only).
TRAINING_ONLY_PREFIXES = ("decoder.conv_ms_spvn_", "decoder.gdt_convs_pred_")


class BiRefNetConfig:
    def __init__(self, embed_dim, depths, heads, window, dec_inter=64, aspp_inter=256, gdt=16,
                 ipt_inter=64, input_size=INPUT_SIZE):
        self.embed_dim, self.depths, self.heads, self.window = embed_dim, depths, heads, window
        self.dec_inter, self.aspp_inter, self.gdt, self.ipt_inter = dec_inter, aspp_inter, gdt, \
            ipt_inter
        self.input_size = input_size

    @staticmethod
    def swin_l():
        return BiRefNetConfig(192, [2, 2, 18, 2], [6, 12, 24, 48], 12)

    @staticmethod
    def tiny():
        # Window 3 on a 64x64 input pads every stage (16, 8, 4, 2 and 8, 4, 2, 1 tokens).
        return BiRefNetConfig(8, [2, 2, 2, 2], [1, 1, 2, 2], 3, dec_inter=8, aspp_inter=8, gdt=4,
                              ipt_inter=8, input_size=TINY_INPUT_SIZE)

    def lateral_channels(self):
        """[x4, x3, x2, x1] channels after concatenating the half-size pass (mul_scl_ipt='cat')."""
        return [2 * self.embed_dim * 2 ** i for i in (3, 2, 1, 0)]


def _conv_bn_relu(cin, cout, kernel, padding):
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, padding=padding), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class AsppBranch(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int):
        super().__init__()
        self.atrous_conv = DeformableConv2d(cin, cout, kernel, kernel // 2)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.atrous_conv(x)))


class AsppDeformable(nn.Module):
    """aspp1 (1x1) + aspp_deforms (1x1, 3x3, 7x7) + global pooling, fused by a 1x1 conv."""

    def __init__(self, channels: int, inter: int):
        super().__init__()
        self.aspp1 = AsppBranch(channels, inter, 1)
        self.aspp_deforms = nn.ModuleList([AsppBranch(channels, inter, k) for k in (1, 3, 7)])
        self.global_avg_pool = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)),
                                             nn.Conv2d(channels, inter, 1, bias=False),
                                             nn.BatchNorm2d(inter), nn.ReLU(inplace=True))
        self.conv1 = nn.Conv2d(inter * 5, channels, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.aspp1(x)
        xs = [x1]
        for branch in self.aspp_deforms:
            xs.append(branch(x))
        pooled = self.global_avg_pool(x)
        xs.append(F.interpolate(pooled, size=[x1.shape[2], x1.shape[3]], mode="bilinear",
                                align_corners=True))
        return F.relu(self.bn1(self.conv1(torch.cat(xs, dim=1))))


class BasicDecBlk(nn.Module):
    def __init__(self, cin: int, cout: int, inter: int, aspp_inter: int):
        super().__init__()
        self.conv_in = nn.Conv2d(cin, inter, 3, padding=1)
        self.bn_in = nn.BatchNorm2d(inter)
        self.dec_att = AsppDeformable(inter, aspp_inter)
        self.conv_out = nn.Conv2d(inter, cout, 3, padding=1)
        self.bn_out = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn_in(self.conv_in(x)))
        return self.bn_out(self.conv_out(self.dec_att(x)))


class LateralBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class SimpleConvs(nn.Module):
    """Two 3x3 convs with no activation between them (the reference's ipt_blk)."""

    def __init__(self, cin: int, cout: int, inter: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, inter, 3, padding=1)
        self.conv_out = nn.Conv2d(inter, cout, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_out(self.conv1(x))


def _resize(x: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, size=[ref.shape[2], ref.shape[3]], mode="bilinear", align_corners=True)


def image_patches(image: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """'b c (gh h) (gw w) -> b (c gh gw) h w' with h, w = ref's size, resized to ref if needed."""
    b, c = image.shape[0], image.shape[1]
    gh, gw = image.shape[2] // ref.shape[2], image.shape[3] // ref.shape[3]
    h, w = image.shape[2] // gh, image.shape[3] // gw
    x = image[:, :, :gh * h, :gw * w].reshape(b, c, gh, h, gw, w).permute(0, 1, 2, 4, 3, 5)
    x = x.reshape(b, c * gh * gw, h, w)
    if h != ref.shape[2] or w != ref.shape[3]:
        x = _resize(x, ref)
    return x


class Decoder(nn.Module):
    def __init__(self, cfg: BiRefNetConfig):
        super().__init__()
        ch = cfg.lateral_channels()
        ipt_out = [ch[i] // 8 for i in range(4)]
        ipt_in = [3 * 4 ** i for i in (5, 4, 3, 2, 0)]  # 3 * grid^2 for grids 32, 16, 8, 4, 1

        def dec(cin, cout):
            return BasicDecBlk(cin, cout, cfg.dec_inter, cfg.aspp_inter)

        self.ipt_blk5 = SimpleConvs(ipt_in[0], ipt_out[0], cfg.ipt_inter)
        self.ipt_blk4 = SimpleConvs(ipt_in[1], ipt_out[0], cfg.ipt_inter)
        self.ipt_blk3 = SimpleConvs(ipt_in[2], ipt_out[1], cfg.ipt_inter)
        self.ipt_blk2 = SimpleConvs(ipt_in[3], ipt_out[2], cfg.ipt_inter)
        self.ipt_blk1 = SimpleConvs(ipt_in[4], ipt_out[3], cfg.ipt_inter)
        self.decoder_block4 = dec(ch[0] + ipt_out[0], ch[1])
        self.decoder_block3 = dec(ch[1] + ipt_out[0], ch[2])
        self.decoder_block2 = dec(ch[2] + ipt_out[1], ch[3])
        self.decoder_block1 = dec(ch[3] + ipt_out[2], ch[3] // 2)
        self.conv_out1 = nn.Sequential(nn.Conv2d(ch[3] // 2 + ipt_out[3], 1, 1))
        self.lateral_block4 = LateralBlock(ch[1])
        self.lateral_block3 = LateralBlock(ch[2])
        self.lateral_block2 = LateralBlock(ch[3])
        self.gdt_convs_4 = _conv_bn_relu(ch[1], cfg.gdt, 3, 1)
        self.gdt_convs_3 = _conv_bn_relu(ch[2], cfg.gdt, 3, 1)
        self.gdt_convs_2 = _conv_bn_relu(ch[3], cfg.gdt, 3, 1)
        self.gdt_convs_attn_4 = nn.Sequential(nn.Conv2d(cfg.gdt, 1, 1))
        self.gdt_convs_attn_3 = nn.Sequential(nn.Conv2d(cfg.gdt, 1, 1))
        self.gdt_convs_attn_2 = nn.Sequential(nn.Conv2d(cfg.gdt, 1, 1))

    def forward(self, x: torch.Tensor, x1: torch.Tensor, x2: torch.Tensor, x3: torch.Tensor,
                x4: torch.Tensor) -> torch.Tensor:
        p4 = self.decoder_block4(torch.cat([x4, self.ipt_blk5(image_patches(x, x4))], dim=1))
        p4 = p4 * torch.sigmoid(self.gdt_convs_attn_4(self.gdt_convs_4(p4)))
        p3 = _resize(p4, x3) + self.lateral_block4(x3)
        p3 = torch.cat([p3, self.ipt_blk4(image_patches(x, p3))], dim=1)
        p3 = self.decoder_block3(p3)
        p3 = p3 * torch.sigmoid(self.gdt_convs_attn_3(self.gdt_convs_3(p3)))
        p2 = _resize(p3, x2) + self.lateral_block3(x2)
        p2 = torch.cat([p2, self.ipt_blk3(image_patches(x, p2))], dim=1)
        p2 = self.decoder_block2(p2)
        p2 = p2 * torch.sigmoid(self.gdt_convs_attn_2(self.gdt_convs_2(p2)))
        p1 = _resize(p2, x1) + self.lateral_block2(x1)
        p1 = torch.cat([p1, self.ipt_blk2(image_patches(x, p1))], dim=1)
        p1 = _resize(self.decoder_block1(p1), x)
        p1 = torch.cat([p1, self.ipt_blk1(image_patches(x, p1))], dim=1)
        return self.conv_out1(p1)


class BiRefNet(nn.Module):
    """image [B, 3, S, S], ImageNet-normalised, S divisible by 32 -> alpha [B, 1, S, S], 0..1."""

    def __init__(self, cfg: BiRefNetConfig):
        super().__init__()
        self.bb = SwinTransformer(cfg.embed_dim, cfg.depths, cfg.heads, cfg.window)
        ch = cfg.lateral_channels()
        self.squeeze_module = nn.Sequential(
            BasicDecBlk(ch[0] + ch[1] + ch[2] + ch[3], ch[0], cfg.dec_inter, cfg.aspp_inter))
        self.decoder = Decoder(cfg)

    def encode(self, x: torch.Tensor) -> List[torch.Tensor]:
        feats = self.bb(x)
        half = F.interpolate(x, size=[x.shape[2] // 2, x.shape[3] // 2], mode="bilinear",
                             align_corners=True)
        halves = self.bb(half)
        out: List[torch.Tensor] = []
        for i in range(4):
            out.append(torch.cat([feats[i], _resize(halves[i], feats[i])], dim=1))
        x4 = torch.cat([_resize(out[0], out[3]), _resize(out[1], out[3]),
                        _resize(out[2], out[3]), out[3]], dim=1)
        return [out[0], out[1], out[2], self.squeeze_module(x4)]

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        f = self.encode(image)
        return torch.sigmoid(self.decoder(image, f[0], f[1], f[2], f[3]))
