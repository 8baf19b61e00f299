"""The subject segmenter: RMBG-1.4 name mapping, strict loading, refusals, and bundle export."""
import os
import unittest

import helpers
import torch

from chiaro_export import segmenter as seg
from chiaro_export.errors import ExportError
from chiaro_export.safetensors_io import save_file


def rmbg_style_state(model):
    """`model`'s weights under RMBG-1.4's names, plus the side2..6 heads RMBG also ships."""
    key_map = seg.rmbg_key_map()
    tensors = {seg._their_name(k, key_map): v.clone() for k, v in model.state_dict().items()}
    for i, c in zip(range(2, 7), (64, 128, 256, 512, 512)):
        tensors["side%d.weight" % i] = torch.zeros(1, c, 3, 3)
        tensors["side%d.bias" % i] = torch.zeros(1)
    return tensors


class RmbgNamesTest(unittest.TestCase):
    def test_known_rmbg_names_are_produced(self):
        names = set(rmbg_style_state(seg.IsNetSegmenter(width=0.125)))
        for name in ("conv_in.weight", "stage1.rebnconv7.conv_s1.weight",
                     "stage1.rebnconv6d.bn_s1.running_var", "stage4.rebnconv4.conv_s1.bias",
                     "stage5.rebnconv4.conv_s1.weight", "stage6.rebnconv3d.bn_s1.weight",
                     "stage1d.rebnconv1d.conv_s1.weight", "stage3d.rebnconv5.conv_s1.weight",
                     "side1.weight"):
            self.assertIn(name, names)
        self.assertNotIn("stage5.rebnconv5.conv_s1.weight", names)  # RSU4F has 4 levels

    def test_full_size_parameter_count_matches_rmbg(self):
        # RMBG-1.4 has 44.07 M parameters; ours lacks only the five side2..6 heads (13 k).
        n = sum(p.numel() for p in seg.IsNetSegmenter().parameters())
        self.assertAlmostEqual(n / 1e6, 44.03, delta=0.05)


class LoadRmbgTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = helpers.tmpdir("seg")
        torch.manual_seed(3)
        cls.source = seg.random_segmenter(False, torch.Generator().manual_seed(3)).eval()
        cls.path = os.path.join(cls.dir, "model.safetensors")
        save_file(rmbg_style_state(cls.source), cls.path)

    def test_loads_strictly_and_computes_the_same(self):
        loaded = seg.load_rmbg(self.path).eval()
        x = torch.rand(1, 3, 64, 64) - 0.5
        with torch.no_grad():
            want, got = self.source(x), loaded(x)
        self.assertEqual(list(got.shape), [1, 1, 64, 64])
        self.assertTrue(torch.equal(want, got))
        self.assertGreaterEqual(float(got.min()), 0.0)
        self.assertLessEqual(float(got.max()), 1.0)

    def test_missing_key_is_named(self):
        tensors = rmbg_style_state(self.source)
        del tensors["stage3.rebnconv2.conv_s1.weight"]
        path = os.path.join(self.dir, "missing.safetensors")
        save_file(tensors, path)
        with self.assertRaises(ExportError) as ctx:
            seg.load_rmbg(path)
        self.assertIn("stage3.rebnconv2.conv_s1.weight", str(ctx.exception))

    def test_other_layouts_and_pickles_are_refused(self):
        # BiRefNet weights are recognised (test_birefnet.py), but not as RMBG; unknown layouts and
        # pickles are refused.
        path = os.path.join(self.dir, "birefnet.safetensors")
        save_file({"bb.layers.0.blocks.0.norm1.weight": torch.ones(4)}, path)
        with self.assertRaises(ExportError) as ctx:
            seg.load_rmbg(path)
        self.assertIn("not a BriaRMBG-1.4", str(ctx.exception))
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(path)
        self.assertIn("bb.patch_embed.proj.weight", str(ctx.exception))
        path = os.path.join(self.dir, "unknown.safetensors")
        save_file({"head.weight": torch.ones(4)}, path)
        with self.assertRaises(ExportError) as ctx:
            seg.load_segmenter(path)
        self.assertIn("unrecognised", str(ctx.exception))
        with self.assertRaises(ExportError):
            seg.load_rmbg(os.path.join(self.dir, "model.pth"))

    def test_load_segmenter_recognises_rmbg(self):
        found = seg.load_segmenter(self.path)
        self.assertEqual((found.kind, found.source_kind, found.input_size),
                         ("isnet-rmbg", "rmbg-1.4", seg.INPUT_SIZE))


class ExportWithSegmenterTest(unittest.TestCase):
    def test_tiny_bundle_lists_the_segmenter(self):
        code, err, out, manifest = helpers.export_tiny_with_segmenter("tiny-seg", "random")
        self.assertEqual(code, 0, err)
        self.assertEqual(manifest["files"]["segmenter"]["path"], "segmenter.pt")
        arch = manifest["architecture"]["segmenter"]
        self.assertEqual(arch["input_size"], seg.TINY_INPUT_SIZE)
        module = torch.jit.load(os.path.join(out, "segmenter.pt"))
        with torch.no_grad():
            alpha = module(torch.rand(1, 3, 64, 64) - 0.5)
        self.assertEqual(list(alpha.shape), [1, 1, 64, 64])

    def test_random_segmenter_needs_a_random_bundle(self):
        code, _, err = helpers.run_cli(["--base", helpers.TINY_SD, "--iclight", "x.safetensors",
                                        "--out", helpers.tmpdir("x"), "--segmenter", "random"])
        self.assertEqual(code, 2)
        self.assertIn("--segmenter random", err)


if __name__ == "__main__":
    unittest.main()
