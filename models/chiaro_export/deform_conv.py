"""Modulated deformable convolution (DCNv2) in plain torch ops: TorchScript without torchvision.

`deform_conv2d` follows torchvision.ops.deform_conv2d: for output pixel (oy, ox) and kernel tap
k = i * kw + j of offset group g, the input is sampled at
    y = oy * stride_h - pad_h + i * dil_h + offset[:, 2 * (g * K + k)]
    x = ox * stride_w - pad_w + j * dil_w + offset[:, 2 * (g * K + k) + 1]
(integer coordinates are pixel centres) with bilinear interpolation that reads zeros outside the
image, multiplied by mask[:, g * K + k], and the taps are then contracted with the weight.

Sampling uses `grid_sample(align_corners=False)` with x_norm = (2x + 1) / W - 1, which maps back to
pixel coordinate x exactly and treats out-of-image corners as zeros, as torchvision's kernel does.
Sampling and accumulation run in float32 whatever the module's dtype (bf16 pixel coordinates
would be off by up to a pixel at 256 px). Taps are accumulated one at a time, so the im2col
matrix ([C * K, Ho * Wo], 822 MB for BiRefNet's 7x7 taps at 256x256) is never built.
"""
from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import nn


def _out_size(size: int, k: int, stride: int, pad: int, dil: int) -> int:
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def deform_conv2d(x: torch.Tensor, offset: torch.Tensor, weight: torch.Tensor,
                  bias: Optional[torch.Tensor], stride: List[int], padding: List[int],
                  dilation: List[int], mask: torch.Tensor) -> torch.Tensor:
    """x [B, C, H, W], offset [B, 2*G*K, Ho, Wo], mask [B, G*K, Ho, Wo], weight [O, C, kh, kw]."""
    b, c, h, w = x.shape[0], x.shape[1], x.shape[2], x.shape[3]
    out_c, kh, kw = weight.shape[0], weight.shape[2], weight.shape[3]
    if weight.shape[1] != c:
        raise RuntimeError("deform_conv2d: grouped weights are not supported")
    taps = kh * kw
    ho = _out_size(h, kh, stride[0], padding[0], dilation[0])
    wo = _out_size(w, kw, stride[1], padding[1], dilation[1])
    groups = offset.shape[1] // (2 * taps)
    if groups < 1 or offset.shape[1] != 2 * groups * taps or c % groups != 0 or \
            mask.shape[1] != groups * taps or offset.shape[2] != ho or offset.shape[3] != wo:
        raise RuntimeError("deform_conv2d: offset/mask shapes do not match the kernel and input")
    xg = x.float().reshape(b * groups, c // groups, h, w)
    off = offset.float().reshape(b * groups, taps, 2, ho, wo)
    msk = mask.float().reshape(b, groups, 1, taps, ho * wo)
    wt = weight.float()
    base_y = torch.arange(ho, device=x.device, dtype=torch.float32) * stride[0] - padding[0]
    base_x = torch.arange(wo, device=x.device, dtype=torch.float32) * stride[1] - padding[1]
    base_y, base_x = base_y.view(1, ho, 1), base_x.view(1, 1, wo)
    out = torch.zeros(b, out_c, ho * wo, device=x.device, dtype=torch.float32)
    for k in range(taps):
        i = k // kw
        j = k % kw
        y = base_y + float(i * dilation[0]) + off[:, k, 0]
        xx = base_x + float(j * dilation[1]) + off[:, k, 1]
        grid = torch.stack([(2.0 * xx + 1.0) / w - 1.0, (2.0 * y + 1.0) / h - 1.0], dim=-1)
        sampled = F.grid_sample(xg, grid, mode="bilinear", padding_mode="zeros",
                                align_corners=False)
        sampled = sampled.reshape(b, groups, c // groups, ho * wo) * msk[:, :, :, k]
        out = out + torch.matmul(wt[:, :, i, j], sampled.reshape(b, c, ho * wo))
    if bias is not None:
        out = out + bias.float().view(1, out_c, 1)
    return out.reshape(b, out_c, ho, wo).to(x.dtype)


class DeformableConv2d(nn.Module):
    """BiRefNet's DeformableConv2d: offsets and a 2*sigmoid modulator predicted by plain convs.

    Names (`offset_conv`, `modulator_conv`, `regular_conv`) follow BiRefNet's state dict.
    """

    def __init__(self, cin: int, cout: int, kernel_size: int, padding: int, bias: bool = False):
        super().__init__()
        taps = kernel_size * kernel_size
        self.padding = padding
        self.offset_conv = nn.Conv2d(cin, 2 * taps, kernel_size, padding=padding)
        self.modulator_conv = nn.Conv2d(cin, taps, kernel_size, padding=padding)
        self.regular_conv = nn.Conv2d(cin, cout, kernel_size, padding=padding, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        offset = self.offset_conv(x)
        modulator = 2.0 * torch.sigmoid(self.modulator_conv(x))
        return deform_conv2d(x, offset, self.regular_conv.weight, self.regular_conv.bias,
                             [1, 1], [self.padding, self.padding], [1, 1], modulator)
