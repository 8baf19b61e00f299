"""Module definitions: SD1.5 key names/shapes/totals, tiny parity sizes, attention chunking, scripting."""
import os
import unittest

import helpers
import torch

from chiaro_export import configs as cfgs
from chiaro_export.blocks import chunked_attention
from chiaro_export.clip_text import ClipTextModel
from chiaro_export.sources import load_diffusers_folder
from chiaro_export.ops import reference_geglu
from chiaro_export.unet import UNet2DConditionModel, token_linear
from chiaro_export.vae import AutoencoderKL, VaeEncoder, VaeDecoder
from chiaro_export.weights import skip_default_init, random_init


def _shapes(module):
    return {k: list(v.shape) for k, v in module.state_dict().items()}


def _total(shapes):
    n = 0
    for shape in shapes.values():
        size = 1
        for s in shape:
            size *= s
        n += size
    return n


class Sd15KeysTest(unittest.TestCase):
    """Full-size modules are built without initialising weights (fast), only names/shapes matter."""

    @classmethod
    def setUpClass(cls):
        c = cfgs.sd15_configs()
        with skip_default_init():
            cls.unet = _shapes(UNet2DConditionModel(c["unet"]))
            cls.vae = _shapes(AutoencoderKL(c["vae"]))
            cls.text = _shapes(ClipTextModel(c["text_encoder"]))
            cls.unet_fbc = _shapes(UNet2DConditionModel(dict(c["unet"], in_channels=12)))

    def _check(self, got, name, count, total):
        want = helpers.load_json(os.path.join(helpers.SPEC_DATA, name))
        self.assertEqual(len(want), count)
        self.assertEqual(sorted(set(want) - set(got)), [], "keys missing from our module")
        self.assertEqual(sorted(set(got) - set(want)), [], "keys our module has in excess")
        bad = [(k, got[k], want[k]) for k in want if got[k] != want[k]]
        self.assertEqual(bad, [])
        self.assertEqual(_total(got), total)

    def test_unet(self):
        self._check(self.unet, "sd15_unet_diffusers_keys.json", 686, 859520964)
        self.assertEqual(self.unet["conv_in.weight"], [320, 4, 3, 3])

    def test_vae(self):
        self._check(self.vae, "sd15_vae_diffusers_keys.json", 248, 83653863)

    def test_text_encoder(self):
        self._check(self.text, "sd15_text_encoder_diffusers_keys.json", 196, 123060480)
        self.assertNotIn("text_model.embeddings.position_ids", self.text)

    def test_iclight_totals(self):
        fc = dict(self.unet, **{"conv_in.weight": [320, 8, 3, 3]})
        self.assertEqual(_total(fc), 859532484)
        self.assertEqual(_total(self.unet_fbc), 859544004)


class TinyModulesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = load_diffusers_folder(helpers.TINY_SD)

    def test_tiny_config_matches_parity_kit(self):
        tiny = cfgs.tiny_configs()
        for part in ("unet", "vae", "text_encoder"):
            for key, value in tiny[part].items():
                if key in ("in_channels",):
                    continue
                self.assertEqual(self.base.configs[part][key], value, "%s.%s" % (part, key))

    def test_tiny_keys_match_parity_weights(self):
        c = self.base.configs
        for part, module in (("unet", UNet2DConditionModel(c["unet"])),
                             ("vae", AutoencoderKL(c["vae"])),
                             ("text_encoder", ClipTextModel(c["text_encoder"]))):
            self.assertEqual(_shapes(module),
                             {k: list(v.shape) for k, v in self.base.tensors[part].items()}, part)

    def test_chunked_attention_equals_unchunked(self):
        g = torch.Generator().manual_seed(3)
        q, k, v = (torch.randn(4, 300, 16, generator=g) for _ in range(3))
        full = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * 0.25, dim=-1) @ v
        whole = chunked_attention(q, k, v, 0.25)
        self.assertTrue(torch.equal(whole, chunked_attention(q, k, v, 0.25, 10 ** 9)))
        # Rows are independent, but the matrix products of a chunk have other shapes, and OpenBLAS's
        # kernels round an M-tail differently on some CPUs (Haswell/Zen kernels: up to 6.4e-7 here;
        # SkylakeX and Sandybridge: bit for bit). What chunking must not do is change the result
        # beyond that: a few float32 ulps at these magnitudes (outputs up to ~2).
        for limit in (4 * 300 * 7, 4 * 300 * 64, 1):
            got = chunked_attention(q, k, v, 0.25, limit)
            self.assertLess(float((got - full).abs().max()), 4e-6)
            self.assertLess(float((got - whole).abs().max()), 4e-6, "chunking changed the numbers")

    def test_token_linear_runs_oneDNN_on_cpu_float32_and_equals_linear(self):
        scripted = torch.jit.script(token_linear)
        g = torch.Generator().manual_seed(5)
        w, b = torch.randn(24, 16, generator=g), torch.randn(24, generator=g)
        x = torch.randn(3, 10, 16, generator=g)
        for bias in (b, None):
            with torch.autograd.profiler.profile() as prof:
                got = scripted(x, w, bias)
            names = {e.name for e in prof.function_events}
            self.assertIn("aten::conv2d", names)  # the 1x1 convolution, not a BLAS GEMM
            self.assertNotIn("aten::linear", names)
            self.assertEqual(list(got.shape), [3, 10, 24])
            self.assertLess(float((got - torch.nn.functional.linear(x, w, bias)).abs().max()), 1e-5)
        # Strided tokens and other dtypes take F.linear, with the same result.
        wide = torch.randn(3, 10, 40, generator=g)
        strided = wide[:, :, :16]
        self.assertLess(float((scripted(strided, w, b) - torch.nn.functional.linear(strided, w, b))
                              .abs().max()), 1e-5)
        x64 = x.double()
        self.assertTrue(torch.equal(scripted(x64, w.double(), b.double()),
                                    torch.nn.functional.linear(x64, w.double(), b.double())))

    def test_geglu_operator_equals_chunk_gelu_multiply(self):
        g = torch.Generator().manual_seed(6)
        x = torch.randn(2, 7, 2 * 12, generator=g) * 3
        hidden, gate = x.chunk(2, dim=-1)
        want = hidden * torch.nn.functional.gelu(gate)
        self.assertTrue(torch.equal(reference_geglu(x), want))
        self.assertLess(float((torch.ops.chiaro.geglu(x) - want).abs().max()), 1e-6)

    def test_scripted_match_check_retries_once_and_fails_a_real_difference(self):
        want = torch.ones(4)
        flaky_then_right = iter([want.clone()])
        self.assertTrue(helpers.scripted_matches_eager(
            "flaky", torch.full([4], float("nan")), lambda: next(flaky_then_right),
            lambda: want, atol=1e-5))
        self.assertFalse(helpers.scripted_matches_eager(
            "wrong", want + 1e-3, lambda: want + 1e-3, lambda: want, atol=1e-5))
        self.assertTrue(helpers.scripted_matches_eager(
            "right", want + 1e-6, lambda: self.fail("no second call for a match"), lambda: want,
            atol=1e-5))

    def test_scripted_modules_take_dynamic_sizes(self):
        c = cfgs.tiny_configs()
        c["unet"]["in_channels"] = 12
        g = torch.Generator().manual_seed(0)
        unet, vae, text = UNet2DConditionModel(c["unet"]), AutoencoderKL(c["vae"]), \
            ClipTextModel(c["text_encoder"])
        for m in (unet, vae, text):
            random_init(m, g)
            m.eval()
        s_unet = torch.jit.script(unet)
        s_enc = torch.jit.script(VaeEncoder(vae, 4, 0.18215))
        s_dec = torch.jit.script(VaeDecoder(vae, 0.18215))
        s_text = torch.jit.script(text)
        with torch.no_grad():
            for (b, h, w, k) in ((1, 8, 16, 1), (2, 24, 8, 2), (3, 16, 40, 3)):
                x = torch.randn(b, 12, h, w, generator=g)
                ctx = torch.randn(b, 77 * k, 32, generator=g)
                t = torch.full([b], 500.0)
                out = s_unet(x, t, ctx)
                self.assertEqual(list(out.shape), [b, 4, h, w])
                self.assertTrue(helpers.scripted_matches_eager(
                    "unet %s" % ((b, h, w, k),), out, lambda: s_unet(x, t, ctx),
                    lambda: unet(x, t, ctx), atol=1e-5))
            img = torch.rand(2, 3, 64, 128, generator=g) * 2 - 1
            lat = s_enc(img)
            self.assertEqual(list(lat.shape), [2, 4, 8, 16])
            self.assertEqual(list(s_dec(lat).shape), [2, 3, 64, 128])
            ids = torch.randint(0, 49408, (3, 77), generator=g)
            self.assertEqual(list(s_text(ids).shape), [3, 77, 32])


if __name__ == "__main__":
    unittest.main()
