"""The export.py command line: tiny bundles, manifest, exit codes, refusals, atomic output."""
import json
import os
import shutil
import subprocess
import unittest

import helpers
import torch

from chiaro_export.manifest import sha256_of
from chiaro_export.safetensors_io import load_file, save_file

OFFSETS = {v: os.path.join(helpers.PARITY, "iclight_%s_offset.safetensors" % v) for v in ("fc", "fbc")}


def copy_tiny_sd(dest):
    shutil.copytree(helpers.TINY_SD, dest)
    for root, dirs, files in os.walk(dest):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o755 if name in dirs else 0o644)
    os.chmod(dest, 0o755)
    return dest


class TinyBundleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = helpers.tmpdir("tiny")
        cls.bundles = {}
        for variant in ("fc", "fbc"):
            out = os.path.join(cls.dir, variant)
            code, stdout, err = helpers.run_cli(["--tiny", "--variant", variant, "--vocab",
                                                 helpers.BPE, "--out", out, "--seed", "7"])
            assert code == 0, err
            cls.bundles[variant] = (out, stdout)

    def test_manifest(self):
        for variant, concat in (("fc", 4), ("fbc", 8)):
            out, stdout = self.bundles[variant]
            m = helpers.load_json(os.path.join(out, "manifest.json"))
            self.assertEqual(m["format"], "chiaro-bundle")
            self.assertEqual(m["format_version"], 1)
            self.assertEqual((m["variant"], m["concat_channels"]), (variant, concat))
            self.assertEqual((m["latent_channels"], m["vae_scale_factor"]), (4, 8))
            self.assertEqual(m["scaling_factor"], 0.18215)
            self.assertEqual(m["text"], {"max_length": 77, "hidden_size": 32, "bos_id": 49406,
                                         "eos_id": 49407, "pad_id": 49407})
            self.assertEqual(m["source"]["seed"], 7)
            self.assertTrue(m["source"]["tiny"])
            self.assertEqual(m["architecture"]["unet"]["in_channels"], 4 + concat)
            self.assertEqual(m["architecture"]["unet"]["block_out_channels"], [8, 16, 32, 32])
            self.assertIn("exporter_version", m)
            self.assertEqual(sorted(m["files"]), ["merges", "text_encoder", "unet", "vae_decoder",
                                                  "vae_encoder", "vocab"])
            for entry in m["files"].values():
                path = os.path.join(out, entry["path"])
                self.assertEqual(os.path.getsize(path), entry["bytes"])
                self.assertEqual(sha256_of(path), entry["sha256"])
            self.assertEqual(sorted(os.listdir(os.path.dirname(out))), ["fbc", "fc"])
            self.assertIn("verify_err", stdout)

    def test_modules_follow_the_contract(self):
        out, _ = self.bundles["fbc"]
        g = torch.Generator().manual_seed(0)
        text = torch.jit.load(os.path.join(out, "text_encoder.pt"))
        unet = torch.jit.load(os.path.join(out, "unet.pt"))
        enc = torch.jit.load(os.path.join(out, "vae_encoder.pt"))
        dec = torch.jit.load(os.path.join(out, "vae_decoder.pt"))
        with torch.no_grad():
            ids = torch.full((2, 77), 49407, dtype=torch.int64)
            ids[:, 0] = 49406
            ctx = text(ids)
            self.assertEqual(list(ctx.shape), [2, 77, 32])
            lat = enc(torch.rand(2, 3, 128, 192, generator=g) * 2 - 1)
            self.assertEqual(list(lat.shape), [2, 4, 16, 24])
            eps = unet(torch.cat([lat, lat, lat], 1), torch.tensor([999.0, 10.0]),
                       torch.cat([ctx, ctx], 1))
            self.assertEqual(list(eps.shape), [2, 4, 16, 24])
            img = dec(lat)
            self.assertEqual(list(img.shape), [2, 3, 128, 192])
            self.assertTrue(torch.isfinite(img).all())

    def test_seed_is_deterministic(self):
        out = os.path.join(helpers.tmpdir("tiny-again"), "fc")
        code, _, err = helpers.run_cli(["--tiny", "--variant", "fc", "--vocab", helpers.BPE,
                                        "--out", out, "--seed", "7", "--no-verify"])
        self.assertEqual(code, 0, err)
        a = torch.jit.load(os.path.join(out, "unet.pt")).state_dict()
        b = torch.jit.load(os.path.join(self.bundles["fc"][0], "unet.pt")).state_dict()
        self.assertTrue(all(torch.equal(a[k], b[k]) for k in b))


class CliErrorTest(unittest.TestCase):
    def setUp(self):
        self.dir = helpers.tmpdir("cli")

    def export(self, base, offsets, extra=()):
        out = os.path.join(self.dir, "out")
        code, _, err = helpers.run_cli(["--base", base, "--iclight", offsets, "--out", out,
                                        "--no-verify"] + list(extra))
        return code, err, out

    def assertFails(self, result, code, *words):
        got, err, out = result
        self.assertEqual(got, code, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        for word in words:
            self.assertIn(word, err)
        self.assertFalse(os.path.exists(out), "a failed export left an output folder")
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith(".out")], [])

    def test_truncated_base_weights(self):
        base = copy_tiny_sd(os.path.join(self.dir, "sd"))
        path = os.path.join(base, "unet", "diffusion_pytorch_model.safetensors")
        with open(path, "rb") as fh:
            data = fh.read()
        with open(path, "wb") as fh:
            fh.write(data[:len(data) // 2])
        self.assertFails(self.export(base, OFFSETS["fc"]), 3, path)

    def test_offsets_header_out_of_range(self):
        bad = os.path.join(self.dir, "bad_offsets.safetensors")
        save_file({"conv_in.weight": torch.zeros(8, 8, 3, 3).half()}, bad)
        with open(bad, "r+b") as fh:
            raw = fh.read()
            fh.seek(0)
            fh.write(raw.replace(b'"data_offsets":[0,1152]', b'"data_offsets":[0,9152]'))
        self.assertFails(self.export(helpers.TINY_SD, bad), 3, bad, "outside")

    def test_pickle_base_refused(self):
        ckpt = os.path.join(self.dir, "model.ckpt")
        torch.save({"state_dict": {}}, ckpt)
        self.assertFails(self.export(ckpt, OFFSETS["fc"]), 3, ckpt, "pickle")
        base = copy_tiny_sd(os.path.join(self.dir, "sd"))
        os.remove(os.path.join(base, "vae", "diffusion_pytorch_model.safetensors"))
        torch.save({}, os.path.join(base, "vae", "diffusion_pytorch_model.bin"))
        self.assertFails(self.export(base, OFFSETS["fc"]), 3, "diffusion_pytorch_model.bin", "pickle")

    def test_offsets_for_another_base(self):
        offs = load_file(OFFSETS["fc"], float32=False)
        key = "down_blocks.1.attentions.0.proj_in.weight"
        wrong = dict(offs, **{key: torch.zeros(16, 16, 1, 1).half()[:8]})
        path = os.path.join(self.dir, "wrong.safetensors")
        save_file(wrong, path)
        self.assertFails(self.export(helpers.TINY_SD, path), 3, path, key, "shape")
        missing = {k: v for k, v in offs.items() if k != "conv_out.bias"}
        save_file(missing, path)
        self.assertFails(self.export(helpers.TINY_SD, path), 3, "conv_out.bias", "lacks")
        save_file(dict(offs, extra_key=torch.zeros(1)), path)
        self.assertFails(self.export(helpers.TINY_SD, path), 3, "extra_key")

    def test_output_folder_exists(self):
        out = os.path.join(self.dir, "out")
        os.makedirs(out)
        with open(os.path.join(out, "keep.txt"), "w") as fh:
            fh.write("user data")
        code, _, err = helpers.run_cli(["--base", helpers.TINY_SD, "--iclight", OFFSETS["fc"],
                                        "--out", out, "--no-verify"])
        self.assertEqual(code, 2, err)
        self.assertIn("--force", err)
        self.assertEqual(os.listdir(out), ["keep.txt"])
        code, _, err = helpers.run_cli(["--base", helpers.TINY_SD, "--iclight", OFFSETS["fbc"],
                                        "--out", out, "--no-verify", "--force"])
        self.assertEqual(code, 0, err)
        self.assertNotIn("keep.txt", os.listdir(out))
        self.assertEqual(helpers.load_json(os.path.join(out, "manifest.json"))["variant"], "fbc")
        self.assertEqual(sorted(os.listdir(self.dir)), ["out"])

    def test_usage_errors(self):
        out = os.path.join(self.dir, "u")
        for args in (["--out", out],
                     ["--tiny", "--out", out, "--vocab", helpers.BPE],
                     ["--tiny", "--variant", "fc", "--out", out],
                     ["--base", helpers.TINY_SD, "--iclight", OFFSETS["fc"], "--out", out,
                      "--segmenter", "rmbg.safetensors"],
                     ["--base", os.path.join(self.dir, "nope"), "--iclight", OFFSETS["fc"],
                      "--out", out]):
            code, _, err = helpers.run_cli(args)
            self.assertEqual(code, 2, (args, err))
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertFalse(os.path.exists(out))
        code, _, err = helpers.run_cli(["--tiny", "--variant", "fc", "--vocab", helpers.BPE,
                                        "--out", out, "--segmenter", "x.pt"])
        self.assertEqual(code, 2, err)  # a missing segmenter file is named
        self.assertIn("segmenter weights not found", err)

    def test_real_process_exit_code(self):
        """One run through the real interpreter, as ctest and users call it."""
        out = os.path.join(self.dir, "proc")
        bad = os.path.join(self.dir, "empty.safetensors")
        open(bad, "wb").close()
        for offsets, code in ((os.path.join(self.dir, "missing.safetensors"), 2), (bad, 3)):
            proc = subprocess.run([helpers.PYTHON, helpers.EXPORT_PY, "--base", helpers.TINY_SD,
                                   "--iclight", offsets, "--out", out],
                                  capture_output=True, text=True)
            self.assertEqual(proc.returncode, code, proc.stderr)
            self.assertEqual(proc.stderr.count("\n"), 1, proc.stderr)
            self.assertIn(os.path.basename(offsets), proc.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
