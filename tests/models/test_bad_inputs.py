"""Files that are not an SD1.5 base or not IC-Light offsets: each refused in one sentence naming the
file and what it is (exit code 3, nothing written), never a key error."""
import json
import os
import shutil
import unittest

import torch

import helpers
import real_fixtures as rf
from chiaro_export.recognise import check_base_file, check_iclight_file
from chiaro_export.errors import ExportError
from chiaro_export.safetensors_io import SafetensorsFile, save_file

FC = os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")
FBC = os.path.join(helpers.PARITY, "iclight_fbc_offset.safetensors")
ATTN2_K = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"
CONV_IN = "model.diffusion_model.input_blocks.0.0.weight"


def sd15_key_file(path, **shapes):
    """The spec's 1130 SD1.5 single-file keys as 1-element tensors, but `shapes` (name -> shape)."""
    keys = helpers.load_json(os.path.join(helpers.SPEC_DATA, "sd15_ldm_checkpoint_keys.json"))
    tensors = {k: torch.zeros(1, dtype=torch.float16) for k in keys}
    for name, shape in shapes.items():
        tensors[name] = torch.zeros(shape, dtype=torch.float16)
    save_file(tensors, path)
    return path


def key_file(path, *keys):
    save_file({k: torch.zeros(1) for k in keys}, path)
    return path


class RecogniseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = helpers.tmpdir("recognise")

    def path(self, name):
        return os.path.join(self.work, name)

    def base_message(self, path):
        with SafetensorsFile(path) as f:
            try:
                check_base_file(f)
            except ExportError as exc:
                return exc.message
        return None

    def test_sd15_keys_pass(self):
        self.assertIsNone(self.base_message(sd15_key_file(self.path("sd15.safetensors"),
                                                          **{CONV_IN: [320, 4, 3, 3]})))

    def test_other_models_are_named(self):
        cases = {
            "SDXL": key_file(self.path("sdxl.safetensors"), CONV_IN,
                             "conditioner.embedders.0.transformer.text_model.final_layer_norm.bias"),
            "SDXL (2048-wide cross-attention, SD1.5 has 768)":
                sd15_key_file(self.path("sdxl-width.safetensors"), **{ATTN2_K: [1, 2048]}),
            "SD2.x (OpenCLIP text encoder)":
                key_file(self.path("sd2.safetensors"), CONV_IN,
                         "cond_stage_model.model.token_embedding.weight"),
            "SD2.x (1024-wide cross-attention, SD1.5 has 768)":
                sd15_key_file(self.path("sd2-width.safetensors"), **{ATTN2_K: [1, 1024]}),
            "Flux": key_file(self.path("flux.safetensors"), "double_blocks.0.img_attn.qkv.weight"),
            "SD3": key_file(self.path("sd3.safetensors"),
                            "model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight"),
            "an SD1.5 inpainting checkpoint (9-channel conv_in)":
                sd15_key_file(self.path("inpaint.safetensors"), **{CONV_IN: [320, 9, 3, 3]}),
        }
        for what, path in cases.items():
            self.assertEqual(self.base_message(path), "IC-Light needs an SD1.5 base; this is " + what)

    def test_iclight_kinds_by_shape_and_name(self):
        for src, name, kind in ((FC, "iclight_sd15_fc.safetensors", "fc"),
                                (FC, "iclight_sd15_fcon.safetensors", "fcon"),
                                (FBC, "iclight_sd15_fbc.safetensors", "fbc"),
                                (FBC, "renamed_fc.safetensors", "fbc")):  # shape wins over name
            link = self.path(name)
            if not os.path.exists(link):
                os.symlink(src, link)
            with SafetensorsFile(link) as f:
                self.assertEqual(check_iclight_file(f), kind, name)


class RefusedByCliTest(unittest.TestCase):
    """export.py itself: exit 3, one 'error: FILE: sentence' line, no output folder."""

    @classmethod
    def setUpClass(cls):
        cls.work = helpers.tmpdir("refused")
        cls.single = rf.single_file(os.path.join(cls.work, "sd15.safetensors"))

    def refused(self, base, iclight, sentence, named=None):
        out = os.path.join(self.work, "out")
        code, stdout, err = helpers.run_cli(["--base", base, "--iclight", iclight, "--vocab",
                                             helpers.BPE, "--out", out, "--config", helpers.TINY_SD]
                                            if os.path.isfile(base) else
                                            ["--base", base, "--iclight", iclight, "--out", out])
        self.assertEqual(code, 3, err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertEqual(lines[0], "error: %s: %s" % (named or base, sentence))
        self.assertFalse(os.path.exists(out))

    def test_swapped_files(self):
        self.refused(FC, self.single, "this is an IC-Light offset file (fc), not a base model: pass "
                     "it as --iclight and an SD1.5 checkpoint as --base")
        fbc_link = os.path.join(self.work, "iclight_sd15_fbc.safetensors")
        os.symlink(FBC, fbc_link)
        self.refused(helpers.TINY_SD, self.single, "this is a full checkpoint, not an IC-Light "
                     "offset file: pass it as --base and iclight_sd15_fc/fcon/fbc.safetensors as "
                     "--iclight", self.single)

    def test_vae_lora_and_sdxl_as_base(self):
        vae = rf.vae_file(os.path.join(self.work, "vae.safetensors"))
        self.refused(vae, FC, "this is a VAE file, not a full checkpoint: pass it as --vae, with an "
                     "SD1.5 checkpoint as --base")
        lora = key_file(os.path.join(self.work, "lora.safetensors"),
                        "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight")
        self.refused(lora, FC, "this is a LoRA, not a full checkpoint: IC-Light needs an SD1.5 "
                     "base checkpoint; merge the LoRA into it with --lora")
        sdxl = key_file(os.path.join(self.work, "sdxl.safetensors"), CONV_IN,
                        "conditioner.embedders.1.model.ln_final.weight")
        self.refused(sdxl, FC, "IC-Light needs an SD1.5 base; this is SDXL")

    def test_truncated_and_renamed_files(self):
        cut = os.path.join(self.work, "cut.safetensors")
        with open(self.single, "rb") as fh:
            data = fh.read()
        with open(cut, "wb") as fh:
            fh.write(data[:len(data) // 2])
        out = os.path.join(self.work, "out")
        code, _, err = helpers.run_cli(["--base", cut, "--iclight", FC, "--vocab", helpers.BPE,
                                        "--out", out])
        self.assertEqual(code, 3)
        self.assertRegex(err, r"^error: %s: tensor '.*' has data offsets .* \(truncated or corrupt "
                              r"file\)\n$" % cut)
        zipped = os.path.join(self.work, "renamed.safetensors")
        shutil.make_archive(zipped[:-len(".safetensors")], "zip", self.work, "sd15.safetensors")
        os.rename(zipped[:-len(".safetensors")] + ".zip", zipped)
        self.refused(zipped, FC, "this is a pickle/zip checkpoint, not safetensors; refused")

    def test_half_diffusers_folders_and_other_pipelines(self):
        no_vae = rf.diffusers_folder(os.path.join(self.work, "no-vae"))
        shutil.rmtree(os.path.join(no_vae, "vae"))
        self.refused(no_vae, FC, "half a diffusers model: no vae/ folder; a diffusers SD1.5 folder "
                     "has model_index.json, unet/, vae/, text_encoder/, tokenizer/")
        no_weights = rf.diffusers_folder(os.path.join(self.work, "no-weights"))
        os.remove(os.path.join(no_weights, "unet", "diffusion_pytorch_model.safetensors"))
        self.refused(no_weights, FC, "half a diffusers model: no unet weights "
                     "(diffusion_pytorch_model.safetensors); a diffusers SD1.5 folder has "
                     "model_index.json, unet/, vae/, text_encoder/, tokenizer/",
                     os.path.join(no_weights, "unet"))
        xl = rf.diffusers_folder(os.path.join(self.work, "xl"))
        with open(os.path.join(xl, "model_index.json"), "w") as fh:
            json.dump({"_class_name": "StableDiffusionXLPipeline"}, fh)
        self.refused(xl, FC, "IC-Light needs an SD1.5 base; this is SDXL (StableDiffusionXLPipeline)")
        inpaint = rf.diffusers_folder(os.path.join(self.work, "inpaint"))
        cfg_path = os.path.join(inpaint, "unet", "config.json")
        cfg = helpers.load_json(cfg_path)
        cfg["in_channels"] = 9
        with open(cfg_path, "w") as fh:
            json.dump(cfg, fh)
        self.refused(inpaint, FC, "IC-Light needs an SD1.5 base; this is an inpainting model "
                     "(unet/config.json has 9 in_channels)")


if __name__ == "__main__":
    unittest.main()
