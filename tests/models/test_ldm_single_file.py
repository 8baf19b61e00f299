"""LDM single-file support: the key mapper against the SD1.5 map, and a tiny single-file export."""
import os
import unittest

import helpers
import real_fixtures
import torch

from chiaro_export import configs as cfgs
from chiaro_export.ldm_keys import diffusers_to_ldm
from chiaro_export.safetensors_io import load_file, save_file
from chiaro_export.sources import load_diffusers_folder, model_keys


def make_ldm_file(folder, path):
    """Write `folder` (diffusers layout) as an original-layout single file, like real SD1.5 files."""
    out = real_fixtures.ldm_tensors(folder)
    out["model_ema.decay"] = torch.tensor(0.9999)
    save_file(out, path)
    return load_diffusers_folder(folder)


class LdmKeyMapTest(unittest.TestCase):
    def test_sd15_map_matches_reference(self):
        ref = helpers.load_json(os.path.join(helpers.SPEC_DATA, "sd15_diffusers_to_ldm_key_map.json"))
        c = cfgs.sd15_configs()
        got = diffusers_to_ldm(model_keys(c), c)
        self.assertEqual(len(ref), 1130)
        wrong = [(k, got.get(k), v) for k, v in ref.items() if got.get(k) != v]
        self.assertEqual(wrong[:5], [])
        self.assertEqual(set(got), set(ref))

    def test_ldm_key_list_is_covered(self):
        keys = helpers.load_json(os.path.join(helpers.SPEC_DATA, "sd15_ldm_checkpoint_keys.json"))
        c = cfgs.sd15_configs()
        mapped = set(diffusers_to_ldm(model_keys(c), c).values())
        self.assertEqual(sorted(set(keys) - mapped), [])
        self.assertEqual(keys["first_stage_model.encoder.mid.attn_1.q.weight"], [512, 512, 1, 1])


class LdmExportTest(unittest.TestCase):
    """A single file made from tiny_sd must export to the same weights as the diffusers folder."""

    @classmethod
    def setUpClass(cls):
        d = helpers.tmpdir("ldm")
        cls.file = os.path.join(d, "tiny_sd15.safetensors")
        make_ldm_file(helpers.TINY_SD, cls.file)
        cls.out = os.path.join(d, "bundle")
        cls.result = helpers.run_cli([
            "--base", cls.file, "--config", helpers.TINY_SD, "--vocab", helpers.BPE,
            "--iclight", os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors"),
            "--out", cls.out])

    def test_export_succeeds(self):
        code, out, err = self.result
        self.assertEqual(code, 0, err)
        manifest = helpers.load_json(os.path.join(self.out, "manifest.json"))
        self.assertEqual(manifest["source"]["base_format"]["layout"], "single-file")
        self.assertEqual(manifest["source"]["base_format"]["ema"], False)
        self.assertEqual(manifest["variant"], "fc")

    def test_same_weights_and_outputs_as_diffusers_export(self):
        self.assertEqual(self.result[0], 0, self.result[2])
        ref = helpers.parity_bundle("fc")
        g = torch.Generator().manual_seed(5)
        for name in ("unet", "vae_encoder", "vae_decoder", "text_encoder"):
            a = torch.jit.load(os.path.join(self.out, name + ".pt"))
            b = torch.jit.load(os.path.join(ref, name + ".pt"))
            sa, sb = a.state_dict(), b.state_dict()
            self.assertEqual(set(sa), set(sb), name)
            for key in sb:
                self.assertTrue(torch.equal(sa[key], sb[key]), key)
        unet_a = torch.jit.load(os.path.join(self.out, "unet.pt"))
        unet_b = torch.jit.load(os.path.join(ref, "unet.pt"))
        x, ctx = torch.randn(2, 8, 16, 16, generator=g), torch.randn(2, 77, 32, generator=g)
        t = torch.tensor([500.0, 500.0])
        with torch.no_grad():
            ya, yb = unet_a(x, t, ctx), unet_b(x, t, ctx)
        self.assertTrue(torch.equal(ya, yb))

    def test_without_config_names_the_mismatch(self):
        d = helpers.tmpdir("ldm-noconf")
        code, _, err = helpers.run_cli([
            "--base", self.file, "--vocab", helpers.BPE, "--out", os.path.join(d, "b"),
            "--iclight", os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")])
        self.assertEqual(code, 3, err)
        self.assertIn(self.file, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertFalse(os.path.exists(os.path.join(d, "b")))

    def test_needs_vocab(self):
        d = helpers.tmpdir("ldm-novocab")
        code, _, err = helpers.run_cli([
            "--base", self.file, "--config", helpers.TINY_SD, "--out", os.path.join(d, "b"),
            "--iclight", os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")])
        self.assertEqual(code, 2, err)
        self.assertIn("--vocab", err)


if __name__ == "__main__":
    unittest.main()
