"""BiRefNet segmenter: deformable convolution vs a per-pixel reference, the full config's names and
parameter count, strict loading of a toy checkpoint, and export through models/export.py."""
import math
import os
import unittest

import helpers
import torch
import torch.nn.functional as F

from chiaro_export import birefnet as brn
from chiaro_export import birefnet_weights as bw
from chiaro_export import segmenter as seg
from chiaro_export.deform_conv import DeformableConv2d, deform_conv2d
from chiaro_export.errors import ExportError
from chiaro_export.safetensors_io import save_file


def reference_deform_conv(x, offset, weight, bias, stride, pad, dil, mask):
    """torchvision's deform_conv2d written out per output pixel, tap and channel (float64)."""
    b, c, h, w = x.shape
    out_c, _, kh, kw = weight.shape
    taps = kh * kw
    ho = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (w + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    groups = offset.shape[1] // (2 * taps)
    out = torch.zeros(b, out_c, ho, wo, dtype=torch.float64)

    def pixel(n, ch, yy, xx):
        return float(x[n, ch, yy, xx]) if 0 <= yy < h and 0 <= xx < w else 0.0

    def sample(n, ch, y, xx):
        if y <= -1 or y >= h or xx <= -1 or xx >= w:
            return 0.0
        y0, x0 = math.floor(y), math.floor(xx)
        ly, lx = y - y0, xx - x0
        return ((1 - ly) * (1 - lx) * pixel(n, ch, y0, x0) + (1 - ly) * lx * pixel(n, ch, y0, x0 + 1)
                + ly * (1 - lx) * pixel(n, ch, y0 + 1, x0) + ly * lx * pixel(n, ch, y0 + 1, x0 + 1))

    for n in range(b):
        for oy in range(ho):
            for ox in range(wo):
                for ch in range(c):
                    g = ch // (c // groups)
                    for i in range(kh):
                        for j in range(kw):
                            k = g * taps + i * kw + j
                            y = oy * stride[0] - pad[0] + i * dil[0] + float(offset[n, 2 * k, oy, ox])
                            xx = ox * stride[1] - pad[1] + j * dil[1] + float(offset[n, 2 * k + 1, oy, ox])
                            v = sample(n, ch, y, xx) * float(mask[n, k, oy, ox])
                            out[n, :, oy, ox] += v * weight[:, ch, i, j].double()
    if bias is not None:
        out += bias.double().view(1, -1, 1, 1)
    return out


def out_size(size, k, stride, pad, dil):
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


class DeformConvTest(unittest.TestCase):
    def check(self, kernel, stride, pad, dil, groups, offset_fn, bias=True):
        g = torch.Generator().manual_seed(kernel * 7 + groups)
        b, c, h, w, out_c = 2, 4, 5, 6, 3
        x = torch.randn(b, c, h, w, generator=g)
        weight = torch.randn(out_c, c, kernel, kernel, generator=g)
        bias_t = torch.randn(out_c, generator=g) if bias else None
        ho, wo = out_size(h, kernel, stride[0], pad[0], dil[0]), out_size(w, kernel, stride[1], pad[1], dil[1])
        offset = offset_fn((b, 2 * groups * kernel * kernel, ho, wo), g)
        mask = torch.rand(b, groups * kernel * kernel, ho, wo, generator=g) * 2
        got = deform_conv2d(x, offset, weight, bias_t, list(stride), list(pad), list(dil), mask)
        want = reference_deform_conv(x, offset, weight, bias_t, stride, pad, dil, mask)
        self.assertEqual(list(got.shape), list(want.shape))
        self.assertLess(float((got.double() - want).abs().max()), 1e-5)
        return got

    def test_fractional_offsets_reaching_outside(self):
        self.check(3, (1, 1), (1, 1), (1, 1), 1, lambda s, g: torch.randn(s, generator=g) * 3)

    def test_stride_dilation_padding_and_offset_groups(self):
        self.check(3, (2, 1), (0, 2), (1, 2), 2, lambda s, g: torch.randn(s, generator=g) * 2)
        self.check(1, (1, 1), (0, 0), (1, 1), 1, lambda s, g: torch.randn(s, generator=g))

    def test_integer_and_boundary_offsets(self):
        # Whole pixels, half pixels, exactly -1 / exactly past the edge (zero), far outside.
        values = torch.tensor([0.0, 1.0, -1.0, 0.5, -0.5, 4.5, 5.0, -6.0, 7.25, -1.75])
        self.check(3, (1, 1), (1, 1), (1, 1), 1,
                   lambda s, g: values[torch.randint(0, len(values), s, generator=g)])

    def test_zero_offsets_and_unit_mask_equal_a_plain_conv(self):
        conv = DeformableConv2d(4, 5, 3, 1, bias=True)
        with torch.no_grad():
            for m in (conv.offset_conv, conv.modulator_conv):
                m.weight.zero_()
                m.bias.zero_()
        x = torch.randn(1, 4, 7, 6)
        with torch.no_grad():
            want = F.conv2d(x, conv.regular_conv.weight, conv.regular_conv.bias, padding=1)
            got = conv(x)
        self.assertLess(float((got - want).abs().max()), 1e-5)

    def test_scripted_equals_eager(self):
        conv = DeformableConv2d(4, 5, 3, 1)
        with torch.no_grad():
            conv.offset_conv.weight.normal_(0, 0.5)
        scripted = torch.jit.script(conv)
        x = torch.randn(2, 4, 6, 5)
        with torch.no_grad():
            self.assertTrue(torch.equal(conv(x), scripted(x)))


# --- the full (general checkpoint) configuration, counted and named from the reference scheme ----

EMBED, DEPTHS, HEADS, WINDOW = 192, [2, 2, 18, 2], [6, 12, 24, 48], 12
BN = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def conv_names(prefix, bias=True):
    return [prefix + ".weight"] + ([prefix + ".bias"] if bias else [])


def bn_names(prefix):
    return [prefix + "." + n for n in BN]


def reference_keys():
    """Inference keys (ours) and the training-only / buffer keys the checkpoint adds."""
    keys = conv_names("bb.patch_embed.proj") + conv_names("bb.patch_embed.norm")
    for i, depth in enumerate(DEPTHS):
        for j in range(depth):
            p = "bb.layers.%d.blocks.%d." % (i, j)
            keys += [p + "attn.relative_position_bias_table"]
            for sub in ("norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2"):
                keys += conv_names(p + sub)
        if i < 3:
            keys += conv_names("bb.layers.%d.downsample.norm" % i)
            keys += ["bb.layers.%d.downsample.reduction.weight" % i]
        keys += conv_names("bb.norm%d" % i)

    def dec_block(p):
        names = conv_names(p + "conv_in") + bn_names(p + "bn_in")
        names += conv_names(p + "conv_out") + bn_names(p + "bn_out")
        for branch in ["aspp1"] + ["aspp_deforms.%d" % i for i in range(3)]:
            a = p + "dec_att." + branch + "."
            names += conv_names(a + "atrous_conv.offset_conv")
            names += conv_names(a + "atrous_conv.modulator_conv")
            names += conv_names(a + "atrous_conv.regular_conv", bias=False) + bn_names(a + "bn")
        names += conv_names(p + "dec_att.global_avg_pool.1", bias=False)
        names += bn_names(p + "dec_att.global_avg_pool.2")
        names += conv_names(p + "dec_att.conv1", bias=False) + bn_names(p + "dec_att.bn1")
        return names

    keys += dec_block("squeeze_module.0.")
    for n in range(1, 6):
        keys += conv_names("decoder.ipt_blk%d.conv1" % n) + conv_names("decoder.ipt_blk%d.conv_out" % n)
    for n in range(1, 5):
        keys += dec_block("decoder.decoder_block%d." % n)
    keys += conv_names("decoder.conv_out1.0")
    for n in (2, 3, 4):
        keys += conv_names("decoder.lateral_block%d.conv" % n)
        keys += conv_names("decoder.gdt_convs_%d.0" % n) + bn_names("decoder.gdt_convs_%d.1" % n)
        keys += conv_names("decoder.gdt_convs_attn_%d.0" % n)
    extra = []
    for n in (2, 3, 4):
        extra += conv_names("decoder.conv_ms_spvn_%d" % n) + conv_names("decoder.gdt_convs_pred_%d.0" % n)
    for i, depth in enumerate(DEPTHS):
        extra += ["bb.layers.%d.blocks.%d.attn.relative_position_index" % (i, j) for j in range(depth)]
    return keys, extra


def reference_parameter_count():
    """Parameters of the inference path, from the reference's layer shapes."""
    def conv(cin, cout, k, bias=True):
        return cin * cout * k * k + (cout if bias else 0)

    n = conv(3, EMBED, 4) + 2 * EMBED
    for i, depth in enumerate(DEPTHS):
        d = EMBED * 2 ** i
        block = 2 * d + (2 * WINDOW - 1) ** 2 * HEADS[i] + (d * 3 * d + 3 * d) + (d * d + d) \
            + 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d)
        n += depth * block + 2 * d
        if i < 3:
            n += 2 * 4 * d + 4 * d * 2 * d

    def deform(cin, cout, k):
        return conv(cin, 2 * k * k, k) + conv(cin, k * k, k) + conv(cin, cout, k, False)

    def dec_block(cin, cout):
        aspp = sum(deform(64, 256, k) + 2 * 256 for k in (1, 1, 3, 7))
        aspp += conv(64, 256, 1, False) + 2 * 256 + conv(5 * 256, 64, 1, False) + 2 * 64
        return conv(cin, 64, 3) + 2 * 64 + aspp + conv(64, cout, 3) + 2 * cout

    lat = [3072, 1536, 768, 384]  # Swin-L stage widths doubled by the half-size pass
    n += dec_block(lat[0] + lat[1] + lat[2] + lat[3], lat[0])
    ipt = [(3072, 384), (768, 384), (192, 192), (48, 96), (3, 48)]
    n += sum(conv(i, 64, 3) + conv(64, o, 3) for i, o in ipt)
    n += dec_block(3072 + 384, 1536) + dec_block(1536 + 384, 768) + dec_block(768 + 192, 384) \
        + dec_block(384 + 96, 192)
    n += conv(192 + 48, 1, 1)
    for c in (1536, 768, 384):
        n += conv(c, c, 1) + conv(c, 16, 3) + 2 * 16 + conv(16, 1, 1)
    return n


class FullConfigTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = bw.build(brn.BiRefNetConfig.swin_l())  # uninitialised: shapes and names only

    @classmethod
    def tearDownClass(cls):
        del cls.model

    def test_key_names_equal_the_reference_scheme(self):
        keys, extra = reference_keys()
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual(sorted(self.model.state_dict()), sorted(keys))
        for name in extra:  # what the checkpoint adds is exactly what the loader drops or checks
            self.assertTrue(name.startswith(brn.TRAINING_ONLY_PREFIXES)
                            or name.endswith(".attn.relative_position_index"), name)

    def test_parameter_count(self):
        # 220,173,756 on the inference path; the checkpoint's training-only heads add 2,742.
        n = sum(p.numel() for p in self.model.parameters())
        self.assertEqual(n, reference_parameter_count())
        self.assertEqual(n, 220173756)


# --- a toy checkpoint in BiRefNet's layout --------------------------------------------------------

def reference_position_index(window):
    """Swin's relative_position_index, computed the way the reference computes it."""
    coords = torch.stack(torch.meshgrid([torch.arange(window), torch.arange(window)], indexing="ij"))
    flat = torch.flatten(coords, 1)
    rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
    rel[:, :, 0] += window - 1
    rel[:, :, 1] += window - 1
    rel[:, :, 0] *= 2 * window - 1
    return rel.sum(-1)


def checkpoint_state(model):
    """`model`'s state dict as BiRefNet saves it: plus index buffers and training-only heads."""
    cfg = brn.BiRefNetConfig.tiny()
    tensors = {k: v.clone() for k, v in model.state_dict().items()}
    for i, depth in enumerate(cfg.depths):
        for j in range(depth):
            name = "bb.layers.%d.blocks.%d.attn.relative_position_index" % (i, j)
            tensors[name] = reference_position_index(cfg.window)
    for n, c in zip((4, 3, 2), cfg.lateral_channels()[1:]):
        tensors["decoder.conv_ms_spvn_%d.weight" % n] = torch.zeros(1, c, 1, 1)
        tensors["decoder.conv_ms_spvn_%d.bias" % n] = torch.zeros(1)
        tensors["decoder.gdt_convs_pred_%d.0.weight" % n] = torch.zeros(1, cfg.gdt, 1, 1)
        tensors["decoder.gdt_convs_pred_%d.0.bias" % n] = torch.zeros(1)
    return tensors


class LoadBiRefNetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = helpers.tmpdir("birefnet")
        cls.source = bw.random_birefnet(True, torch.Generator().manual_seed(5))
        cls.path = os.path.join(cls.dir, "model.safetensors")
        save_file(checkpoint_state(cls.source), cls.path)

    def write(self, name, tensors):
        path = os.path.join(self.dir, name)
        save_file(tensors, path)
        return path

    def test_loads_strictly_and_computes_the_same(self):
        found = seg.load_segmenter(self.path)
        self.assertEqual(found.kind, "birefnet")
        self.assertEqual(found.input_size, 1024)
        self.assertEqual(found.mean, [0.485, 0.456, 0.406])
        x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            want, got = self.source(x), found.module.eval()(x)
        self.assertEqual(list(got.shape), [1, 1, 64, 64])
        self.assertTrue(torch.equal(want, got))

    def test_missing_key_is_named(self):
        tensors = checkpoint_state(self.source)
        del tensors["decoder.decoder_block2.dec_att.aspp_deforms.2.atrous_conv.offset_conv.weight"]
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(self.write("missing.safetensors", tensors))
        self.assertIn("aspp_deforms.2.atrous_conv.offset_conv.weight", str(ctx.exception))

    def test_wrong_shape_and_unexpected_keys_are_named(self):
        tensors = checkpoint_state(self.source)
        tensors["decoder.lateral_block3.conv.weight"] = torch.zeros(3, 3, 1, 1)
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(self.write("shape.safetensors", tensors))
        self.assertIn("decoder.lateral_block3.conv.weight", str(ctx.exception))
        tensors = checkpoint_state(self.source)
        tensors["decoder.refiner.weight"] = torch.zeros(1)
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(self.write("extra.safetensors", tensors))
        self.assertIn("decoder.refiner.weight", str(ctx.exception))

    def test_wrong_position_index_is_refused(self):
        tensors = checkpoint_state(self.source)
        name = "bb.layers.1.blocks.0.attn.relative_position_index"
        tensors[name] = tensors[name].flip(0)
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(self.write("index.safetensors", tensors))
        self.assertIn(name, str(ctx.exception))

    def test_unrecognised_weights_and_pickles_are_refused(self):
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(self.write("other.safetensors", {"encoder.weight": torch.ones(2)}))
        self.assertIn("unrecognised", str(ctx.exception))
        with self.assertRaises(ExportError):
            seg.load_segmenter(os.path.join(self.dir, "model.pth"))

    def test_exported_through_export_py(self):
        out = os.path.join(helpers.tmpdir("tiny-birefnet"), "bundle")
        code, _, err = helpers.run_cli(["--tiny", "--variant", "fc", "--vocab", helpers.BPE,
                                        "--out", out, "--segmenter", self.path])
        self.assertEqual(code, 0, err)
        manifest = helpers.load_json(os.path.join(out, "manifest.json"))
        arch = manifest["architecture"]["segmenter"]
        self.assertEqual((arch["kind"], arch["input_size"]), ("birefnet", 1024))
        self.assertEqual((arch["mean"], arch["std"]), (brn.MEAN, brn.STD))
        self.assertEqual(arch["source"]["kind"], "birefnet")
        module = torch.jit.load(os.path.join(out, "segmenter.pt"))
        x = torch.randn(1, 3, 1024, 1024, generator=torch.Generator().manual_seed(2))
        with torch.no_grad():
            got, want = module(x), self.source(x)
        self.assertEqual(list(got.shape), [1, 1, 1024, 1024])
        self.assertLess(float((got - want).abs().max()), 1e-5)
        self.assertGreaterEqual(float(got.min()), 0.0)
        self.assertLessEqual(float(got.max()), 1.0)
        # The engine casts the whole module (module.to(dtype)): nothing may break or lose precision.
        module.to(torch.float64)
        with torch.no_grad():
            got64 = module(x.double())
        self.assertLess(float((got64 - want.double()).abs().max()), 1e-5)


class RandomBiRefNetBundleTest(unittest.TestCase):
    def test_tiny_random_birefnet_bundle(self):
        code, err, out, manifest = helpers.export_tiny_with_segmenter("tiny-rbirefnet",
                                                                      "random-birefnet")
        self.assertEqual(code, 0, err)
        arch = manifest["architecture"]["segmenter"]
        self.assertEqual((arch["kind"], arch["input_size"]), ("birefnet", brn.TINY_INPUT_SIZE))
        module = torch.jit.load(os.path.join(out, "segmenter.pt"))
        with torch.no_grad():
            alpha = module(torch.randn(1, 3, 64, 64))
        self.assertEqual(list(alpha.shape), [1, 1, 64, 64])
        self.assertTrue(bool(((alpha >= 0) & (alpha <= 1)).all()))

    def test_random_birefnet_needs_a_random_bundle(self):
        code, _, err = helpers.run_cli(["--base", helpers.TINY_SD, "--iclight", "x.safetensors",
                                        "--out", helpers.tmpdir("x"), "--segmenter",
                                        "random-birefnet"])
        self.assertEqual(code, 2)
        self.assertIn("--segmenter random-birefnet", err)


if __name__ == "__main__":
    unittest.main()
