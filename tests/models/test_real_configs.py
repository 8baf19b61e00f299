"""The files people actually have: real config files (bos 0 / eos 2 / pad 1, no unet/config.json, no
tokenizer/), fp16 / bf16 single files, EMA copies, separate VAEs, fp16 variant folders. Each export
must give the same bundle as the clean-config export of the same weights."""
import os
import unittest

import torch

import helpers
import real_fixtures as rf

FC = os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")


def module_tensors(path):
    return dict(torch.jit.load(path, map_location="cpu").state_dict())


def assert_same_bundle(test, want_dir, got_dir):
    """Same manifest (but for source and the .pt files' hashes: TorchScript archives are not
    byte-reproducible), same tokenizer files, bit-identical module weights."""
    want = helpers.load_json(os.path.join(want_dir, "manifest.json"))
    got = helpers.load_json(os.path.join(got_dir, "manifest.json"))
    for m in (want, got):
        m.pop("source")
        for name, entry in m["files"].items():
            if entry["path"].endswith(".pt"):
                entry.pop("sha256")
                entry.pop("bytes")
    test.assertEqual(got, want)
    for rel in ("text_encoder.pt", "unet.pt", "vae_encoder.pt", "vae_decoder.pt"):
        a, b = module_tensors(os.path.join(want_dir, rel)), module_tensors(os.path.join(got_dir, rel))
        test.assertEqual(sorted(a), sorted(b), rel)
        different = [k for k in a if not torch.equal(a[k], b[k])]
        test.assertEqual(different, [], rel)


def export(tag, *args):
    out = os.path.join(helpers.tmpdir(tag), "bundle")
    code, stdout, err = helpers.run_cli(list(args) + ["--out", out, "--no-verify"])
    return code, err, out


class RealConfigTest(unittest.TestCase):
    """sd15 and realistic-vision config files on tiny_sd's weights, both layouts."""

    @classmethod
    def setUpClass(cls):
        cls.clean = helpers.parity_bundle("fc")
        cls.work = helpers.tmpdir("real")

    def test_sd15_diffusers_folder(self):
        base = rf.diffusers_folder(os.path.join(self.work, "sd15"))
        code, err, out = export("sd15", "--base", base, "--iclight", FC)
        self.assertEqual(code, 0, err)
        self.assertIn("note: text_encoder/config.json says bos_token_id 0, eos_token_id 2; using the "
                      "tokenizer's 49406 and 49407", err)
        m = helpers.load_json(os.path.join(out, "manifest.json"))
        self.assertEqual((m["text"]["bos_id"], m["text"]["eos_id"], m["text"]["pad_id"]),
                         (49406, 49407, 49407))
        self.assertEqual(m["source"]["iclight_kind"], "fc")
        self.assertEqual(m["source"]["base_format"]["layout"], "diffusers-folder")
        self.assertEqual(m["source"]["base_format"]["dtype"], "fp32")
        assert_same_bundle(self, self.clean, out)

    def test_realistic_vision_folder_without_unet_config_and_tokenizer(self):
        base = rf.diffusers_folder(os.path.join(self.work, "rv"), "realistic-vision-v51")
        code, err, _ = export("rv-noconfig", "--base", base, "--iclight", FC, "--vocab", helpers.BPE)
        self.assertEqual(code, 3)
        self.assertEqual(err.splitlines()[-1], "error: %s: the folder has no unet/config.json and "
                         "its UNet is not SD1.5-sized (conv_in.weight has 8 output channels, SD1.5 "
                         "320): pass --config DIR with a unet/config.json" % base)
        config = rf.config_folder(os.path.join(self.work, "rv-config"))
        code, err, _ = export("rv-novocab", "--base", base, "--iclight", FC, "--config", config)
        self.assertEqual(code, 2)
        self.assertRegex(err, r"(?m)^error: .*/rv: the base has no tokenizer/ folder: pass --vocab")
        code, err, out = export("rv", "--base", base, "--iclight", FC, "--vocab", helpers.BPE,
                                "--config", config)
        self.assertEqual(code, 0, err)
        assert_same_bundle(self, self.clean, out)

    def test_single_file_with_real_configs(self):
        path = rf.single_file(os.path.join(self.work, "sd15.safetensors"))
        config = rf.config_folder(os.path.join(self.work, "sd15-config"))
        code, err, out = export("single", "--base", path, "--iclight", FC, "--vocab", helpers.BPE,
                                "--config", config)
        self.assertEqual(code, 0, err)
        m = helpers.load_json(os.path.join(out, "manifest.json"))
        self.assertEqual(m["source"]["base_format"]["ema"], False)
        self.assertEqual(m["source"]["base_format"]["vae"], "baked")
        assert_same_bundle(self, self.clean, out)


class SingleFileVariantsTest(unittest.TestCase):
    """fp16 / bf16 storage, EMA copies, a separate VAE."""

    @classmethod
    def setUpClass(cls):
        cls.clean = helpers.parity_bundle("fc")
        cls.work = helpers.tmpdir("variants")
        cls.config = helpers.TINY_SD

    def run_single(self, tag, path, *more):
        code, err, out = export(tag, "--base", path, "--iclight", FC, "--vocab", helpers.BPE,
                                "--config", self.config, *more)
        self.assertEqual(code, 0, err)
        return out, helpers.load_json(os.path.join(out, "manifest.json"))["source"]["base_format"]

    def test_fp16_and_bf16_files_and_fp16_variant_folder(self):
        refs = {}
        for dtype, label in ((torch.float16, "fp16"), (torch.bfloat16, "bf16")):
            refs[label], _ = self.run_single("ref-" + label, rf.rounded_single_file(
                os.path.join(self.work, "ref-%s.safetensors" % label), dtype))
            out, fmt = self.run_single(label, rf.single_file(
                os.path.join(self.work, "%s.safetensors" % label), dtype))
            self.assertEqual(fmt["dtype"], label)
            assert_same_bundle(self, refs[label], out)
        folder = rf.diffusers_folder(os.path.join(self.work, "fp16-variant"), dtype=torch.float16,
                                     fp16_names=True)
        code, err, out = export("fp16-variant", "--base", folder, "--iclight", FC)
        self.assertEqual(code, 0, err)
        fmt = helpers.load_json(os.path.join(out, "manifest.json"))["source"]["base_format"]
        self.assertEqual(fmt["dtype"], "fp16")
        self.assertEqual(fmt["files"]["unet"], "unet/diffusion_pytorch_model.fp16.safetensors")
        assert_same_bundle(self, refs["fp16"], out)

    def test_ema_copy_is_used(self):
        out, fmt = self.run_single("ema", rf.single_file(os.path.join(self.work, "ema.safetensors"),
                                                         ema=True))
        self.assertTrue(fmt["ema"])
        assert_same_bundle(self, self.clean, out)

    def test_separate_vae_ldm_and_diffusers_naming(self):
        no_vae = rf.single_file(os.path.join(self.work, "novae.safetensors"), baked_vae=False)
        code, err, _ = export("novae", "--base", no_vae, "--iclight", FC, "--vocab", helpers.BPE,
                              "--config", self.config)
        self.assertEqual(code, 3)
        self.assertEqual(err.splitlines()[-1], "error: %s: the checkpoint has no VAE (no "
                         "'first_stage_model.*' keys): pass one with --vae, e.g. "
                         "vae-ft-mse-840000-ema-pruned.safetensors" % no_vae)
        for naming in ("ldm", "diffusers"):
            vae = rf.vae_file(os.path.join(self.work, "vae-%s.safetensors" % naming), naming)
            out, fmt = self.run_single("vae-" + naming, no_vae, "--vae", vae)
            self.assertEqual(fmt["vae"]["naming"], naming)
            self.assertFalse(fmt["baked_vae"])
            assert_same_bundle(self, self.clean, out)


if __name__ == "__main__":
    unittest.main()
