"""Parity with IC-Light's own intermediate tensors (../shared/parity/*/trace.safetensors).

The parity bundles are exported from tiny_sd + the parity offsets by the real CLI; each saved
TorchScript module must reproduce diffusers' numbers for the same inputs.
"""
import os
import sys
import unittest

import helpers
import numpy as np
import torch

from chiaro_export.safetensors_io import load_file

JOBS = {"fc_left": "fc", "fbc_right": "fbc"}
PROMPTS = {"fc_left": "soft studio lighting", "fbc_right": "handsome man, detailed face"}
A_PROMPT = "best quality"
N_PROMPT = "lowres, bad anatomy, bad hands, cropped, worst quality"


def rel_err(got, want):
    return float((got - want).abs().max() / want.abs().max())


def report(name, value):
    sys.stderr.write("\n  parity %-32s %.3e " % (name, value))


def load_png(path):
    from PIL import Image  # tests only; the exporter itself needs torch + numpy
    with Image.open(path) as im:
        return np.array(im)


def to_tensor(images):
    """IC-Light numpy2pytorch: uint8 HWC list -> NCHW float in [-1, 1] (127 -> 0)."""
    return torch.from_numpy(np.stack(images, axis=0)).float().div(127.0).sub(1.0).movedim(-1, 1)


def foreground(job):
    img = load_png(os.path.join(helpers.PARITY, job, "input.png"))
    alpha = (load_png(os.path.join(helpers.PARITY, job, "mask.png")).astype(np.float32) / 255.0)
    fg = 127 + (img.astype(np.float32) - 127) * alpha[:, :, None]
    return fg.clip(0, 255).astype(np.uint8)


def right_light_bg(w, h):
    """gradio_demo_bg.py BGSource.RIGHT: linspace(32, 224, W) tiled over rows, grey RGB."""
    image = np.tile(np.linspace(32, 224, w), (h, 1))
    return np.stack((image,) * 3, axis=-1).astype(np.uint8)


class ParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.traces = {job: load_file(os.path.join(helpers.PARITY, job, "trace.safetensors"))
                      for job in JOBS}
        cls.modules = {}
        for job, variant in JOBS.items():
            folder = helpers.parity_bundle(variant)
            cls.modules[job] = {name: torch.jit.load(os.path.join(folder, name + ".pt"))
                                for name in ("unet", "vae_encoder", "vae_decoder", "text_encoder")}
        cls.tokenizer = helpers.ReferenceTokenizer(os.path.join(helpers.TINY_SD, "tokenizer"))

    def test_unet_first_call_both_passes(self):
        for job in JOBS:
            tr, unet = self.traces[job], self.modules[job]["unet"]
            context = torch.cat([tr["text.uncond"], tr["text.cond"]], dim=0)
            for p in ("pass1", "pass2"):
                lat = tr[p + ".step00.unet_in_latents"]
                cond = tr[p + ".concat_cond"].repeat(lat.shape[0], 1, 1, 1)
                t = tr[p + ".step00.t"].float().expand(lat.shape[0])
                with torch.no_grad():
                    eps = unet(torch.cat([lat, cond], dim=1), t, context)
                err = rel_err(eps, tr[p + ".step00.unet_eps_uncond_cond"])
                report("%s %s unet" % (job, p), err)
                self.assertLess(err, 1e-5, "%s %s" % (job, p))

    def test_vae_encoder_concat_cond(self):
        """The encoder equals exact (float64) math to 1e-5; the trace itself is ~1e-4 off it.

        diffusers' encoder runs channels-last on CPU (oneDNN's conv_in on 3 channels) and its
        channels-last GroupNorm accumulates in float32 over 2x256x256-element groups: measured here,
        the trace is 4.9e-5 (gradient background) to 5.5e-4 (photo) from the float64 result, with
        the same error pattern as torch 1.13's channels-last kernel (our modules avoid it). So the
        trace is compared at 1e-3 and exactness is checked against float64.
        """
        for job, variant in JOBS.items():
            fg = foreground(job)
            images = [fg] if variant == "fc" else [fg, right_light_bg(fg.shape[1], fg.shape[0])]
            x = to_tensor(images)
            with torch.no_grad():
                latents = self.modules[job]["vae_encoder"](x)
            concat = torch.cat([c[None] for c in latents], dim=1)
            want = self.traces[job]["pass1.concat_cond"]
            self.assertEqual(list(concat.shape), list(want.shape))
            err = rel_err(concat, want)
            report("%s vae_encoder vs trace" % job, err)
            self.assertLess(err, 1e-3, job)
            if variant == "fc":  # float64 costs seconds; one job shows the exactness
                with torch.no_grad():
                    exact = self.float64_encoder()(x.double()).float()
                err64 = rel_err(latents, exact)
                report("%s vae_encoder vs float64" % job, err64)
                self.assertLess(err64, 1e-5, job)

    def float64_encoder(self):
        from chiaro_export.sources import load_diffusers_folder
        from chiaro_export.vae import AutoencoderKL, VaeEncoder
        base = load_diffusers_folder(helpers.TINY_SD)
        vae = AutoencoderKL(base.configs["vae"])
        vae.load_state_dict(base.tensors["vae"])
        return VaeEncoder(vae, 4, 0.18215).double().eval()

    def test_text_encoder_contexts(self):
        for job in JOBS:
            for key, text in (("text.cond", PROMPTS[job] + ", " + A_PROMPT),
                              ("text.uncond", N_PROMPT)):
                ids = torch.tensor(self.tokenizer.chunks(text), dtype=torch.int64)
                with torch.no_grad():
                    chunks = self.modules[job]["text_encoder"](ids)
                ctx = torch.cat([c[None] for c in chunks], dim=1)
                want = self.traces[job][key]
                self.assertEqual(list(ctx.shape), list(want.shape))
                err = rel_err(ctx, want)
                report("%s %s" % (job, key), err)
                self.assertLess(err, 1e-5, "%s %s" % (job, key))

    def test_vae_decoder_output(self):
        for job in JOBS:
            tr = self.traces[job]
            last = sorted(k for k in tr if k.startswith("pass2.step") and k.endswith("latent_out"))[-1]
            with torch.no_grad():
                pixels = self.modules[job]["vae_decoder"](tr[last])
            got = (pixels[0].movedim(0, -1) * 127.5 + 127.5).numpy().clip(0, 255).astype(np.uint8)
            want = tr["output_uint8"].numpy()
            self.assertEqual(got.shape, want.shape)
            diff = np.abs(got.astype(np.int16) - want.astype(np.int16))
            report("%s decoder max|diff| (uint8)" % job, float(diff.max()))
            self.assertLessEqual(int(diff.max()), 1, job)
            self.assertTrue(np.array_equal(want, load_png(os.path.join(helpers.PARITY, job,
                                                                       "expected.png"))))


class ReferenceTokenizerTest(unittest.TestCase):
    """The test helper's tokenizer agrees with OpenAI CLIP's on the kit's ASCII cases."""

    def test_ascii_cases(self):
        tok = helpers.ReferenceTokenizer(os.path.join(helpers.TINY_SD, "tokenizer"))
        cases = [c for c in helpers.load_json(os.path.join(helpers.PARITY, "tokenizer_cases.json"))
                 if c["prompt"].isascii()]
        self.assertGreater(len(cases), 5)
        for case in cases:
            self.assertEqual([49406] + tok.encode(case["prompt"]) + [49407], case["ids"],
                             case["prompt"])


if __name__ == "__main__":
    unittest.main()
