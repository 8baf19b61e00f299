"""LoRAs merged at export (`export.py --lora FILE[:STRENGTH]`, issue #23).

Tiny random LoRAs in each format (kohya with LDM and diffusers spelling, LoCon with 3x3 convs,
PEFT lora_A/B, old diffusers lora.down/up) against the parity kit's tiny SD + fc offsets: every
touched weight of the exported TorchScript must be W + s * (alpha/rank) * up @ down, computed here
in float64 from the file's tensors and names written out by hand (independent of chiaro_export),
every other weight bit-identical to the bundle without the LoRA. Strength 0 gives that bundle byte
for byte; bad LoRAs are one `error:` line, a nonzero exit and an untouched --out.
"""
import os
import shutil
import subprocess
import unittest

import torch

import helpers
from chiaro_export import ops  # noqa: F401  (registers chiaro::attention for torch.jit.load)
from chiaro_export.errors import UsageError
from chiaro_export.lora import parse_spec
from chiaro_export.safetensors_io import save_file

FC = os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")
BASE_ARGS = ["--base", helpers.TINY_SD, "--iclight", FC, "--no-verify"]

# kohya LDM-style names (layers_per_block 2: input_blocks 1, 2 are down_blocks.0, 3 its
# downsampler, 4, 5 down_blocks.1; output_blocks 0-2 the attention-free up_blocks.0).
KOHYA_LDM = {
    "lora_unet_input_blocks_1_1_proj_in": ("unet", "down_blocks.0.attentions.0.proj_in.weight"),
    "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k":
        ("unet", "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"),
    "lora_unet_middle_block_1_transformer_blocks_0_attn1_to_out_0":
        ("unet", "mid_block.attentions.0.transformer_blocks.0.attn1.to_out.0.weight"),
    "lora_unet_output_blocks_3_1_proj_out": ("unet", "up_blocks.1.attentions.0.proj_out.weight"),
    "lora_te_text_model_encoder_layers_0_self_attn_q_proj":
        ("text_encoder", "text_model.encoder.layers.0.self_attn.q_proj.weight"),
    "lora_te_text_model_encoder_layers_1_mlp_fc1":
        ("text_encoder", "text_model.encoder.layers.1.mlp.fc1.weight"),
}
KOHYA_DIFFUSERS = {
    "lora_unet_down_blocks_0_attentions_1_transformer_blocks_0_attn1_to_v":
        ("unet", "down_blocks.0.attentions.1.transformer_blocks.0.attn1.to_v.weight"),
    "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_0_proj":
        ("unet", "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight"),
    "lora_unet_mid_block_attentions_0_proj_in": ("unet", "mid_block.attentions.0.proj_in.weight"),
}
LOCON = {
    "lora_unet_input_blocks_1_0_in_layers_2": ("unet", "down_blocks.0.resnets.0.conv1.weight"),
    "lora_unet_input_blocks_3_0_op": ("unet", "down_blocks.0.downsamplers.0.conv.weight"),
    "lora_unet_up_blocks_0_resnets_1_conv2": ("unet", "up_blocks.0.resnets.1.conv2.weight"),
    "lora_unet_input_blocks_2_0_emb_layers_1":
        ("unet", "down_blocks.0.resnets.1.time_emb_proj.weight"),
    "lora_unet_conv_in": ("unet", "conv_in.weight"),  # 4 base channels of IC-Light's 8
}
PEFT = {
    "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q":
        ("unet", "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight"),
    "unet.mid_block.attentions.0.proj_out": ("unet", "mid_block.attentions.0.proj_out.weight"),
    "text_encoder.text_model.encoder.layers.0.self_attn.k_proj":
        ("text_encoder", "text_model.encoder.layers.0.self_attn.k_proj.weight"),
}
OLD = {
    "unet.down_blocks.1.attentions.1.transformer_blocks.0.attn2.processor.to_v_lora":
        ("unet", "down_blocks.1.attentions.1.transformer_blocks.0.attn2.to_v.weight"),
    "unet.up_blocks.2.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora":
        ("unet", "up_blocks.2.attentions.0.transformer_blocks.0.attn1.to_out.0.weight"),
    "up_blocks.2.attentions.1.transformer_blocks.0.ff.net.2.lora":
        ("unet", "up_blocks.2.attentions.1.transformer_blocks.0.ff.net.2.weight"),
    "text_encoder.text_model.encoder.layers.1.self_attn.out_proj.lora_linear_layer":
        ("text_encoder", "text_model.encoder.layers.1.self_attn.out_proj.weight"),
}
SUFFIX = {"kohya": (".lora_down.weight", ".lora_up.weight"),
          "peft": (".lora_A.weight", ".lora_B.weight"),
          "old": (".down.weight", ".up.weight")}


def load_state(bundle):
    return {part: {k: v.clone() for k, v in
                   torch.jit.load(os.path.join(bundle, part + ".pt")).state_dict().items()}
            for part in ("unet", "text_encoder")}


def write_lora(path, layers, base, style, rank=4, seed=0, alphas=None, conv=False,
               dtype=torch.float32):
    """A random LoRA of `layers` {name: (part, key)} fitting `base`; returns {name: (down, up,
    alpha or None)} as stored (float64 copies) for the expected deltas."""
    gen = torch.Generator().manual_seed(seed)
    tensors, stored = {}, {}
    down_suffix, up_suffix = SUFFIX[style]
    for i, (name, (part, key)) in enumerate(sorted(layers.items())):
        w = base[part][key]
        out, inner = w.shape[0], list(w.shape[1:])
        if key == "conv_in.weight":
            inner[0] = 4  # the LoRA was trained on SD1.5's 4-channel conv_in
        if w.dim() == 4 and (conv or inner[1:] != [1, 1]):
            down = torch.randn([rank] + inner, generator=gen)
            up = torch.randn([out, rank, 1, 1], generator=gen)
        else:
            down = torch.randn([rank, inner[0]], generator=gen)
            up = torch.randn([out, rank], generator=gen)
        down, up = down.to(dtype), up.to(dtype)
        tensors[name + down_suffix], tensors[name + up_suffix] = down, up
        alpha = None if alphas is None else alphas[i % len(alphas)]
        if alpha is not None:
            tensors[name + ".alpha"] = torch.tensor(float(alpha))
        stored[name] = (down.double(), up.double(), alpha)
    save_file(tensors, path)
    return stored


def expected(base, layers, stored, strength):
    """W + s * alpha/rank * up @ down in float64, reshaped (and zero-padded for conv_in)."""
    want = {}
    for name, (part, key) in layers.items():
        down, up, alpha = stored[name]
        rank = down.shape[0]
        scale = strength * (rank if alpha is None else alpha) / rank
        w = base[part][key].double()
        flat = up.reshape(up.shape[0], -1) @ down.reshape(rank, -1) * scale
        delta = torch.zeros_like(w)
        if w.dim() == 4 and down.dim() == 4:
            delta[:, :down.shape[1]] = flat.reshape([w.shape[0]] + list(down.shape[1:]))
        else:
            delta = flat.reshape(w.shape)
        want[(part, key)] = w + delta
    return want


def tree_bytes(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, folder)] = fh.read()
    return out


class LoraMergeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = helpers.tmpdir("lora")
        cls.plain = os.path.join(cls.work, "plain")
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", cls.plain])
        assert code == 0, err
        cls.base = load_state(cls.plain)

    def merged(self, tag, layers, style, strength, **kw):
        path = os.path.join(self.work, tag + ".safetensors")
        stored = write_lora(path, layers, self.base, style, **kw)
        out = os.path.join(self.work, tag)
        spec = path if strength == 1.0 else "%s:%s" % (path, strength)
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", out, "--lora", spec])
        self.assertEqual(code, 0, err)
        got = load_state(out)
        want = expected(self.base, layers, stored, strength)
        for (part, key), value in want.items():
            err = (got[part][key].double() - value).abs().max().item()
            self.assertLess(err, 1e-6 * max(1.0, value.abs().max().item()), key)
        for part in ("unet", "text_encoder"):
            for key, value in self.base[part].items():
                if (part, key) not in want:
                    self.assertTrue(torch.equal(got[part][key], value), key)
        manifest = helpers.load_json(os.path.join(out, "manifest.json"))
        return manifest["loras"], path

    def test_kohya_ldm_names_with_alpha(self):
        loras, path = self.merged("kohya-ldm", KOHYA_LDM, "kohya", 0.7, alphas=[2.0, None, 8.0])
        from chiaro_export.manifest import sha256_of
        self.assertEqual(loras, [{"file": "kohya-ldm.safetensors", "sha256": sha256_of(path),
                                  "strength": 0.7, "format": "kohya", "layers": 6,
                                  "fast": False}])

    def test_kohya_diffusers_names_fp16(self):
        loras, _ = self.merged("kohya-diffusers", KOHYA_DIFFUSERS, "kohya", -1.3, alphas=[1.0],
                               dtype=torch.float16)
        self.assertEqual(loras[0]["format"], "kohya")

    def test_locon_convs(self):
        loras, _ = self.merged("locon", LOCON, "kohya", 1.0, rank=3, conv=True, alphas=[1.5, None])
        self.assertEqual((loras[0]["format"], loras[0]["layers"]), ("locon", 5))

    def test_peft(self):
        loras, _ = self.merged("peft", PEFT, "peft", 2.0, rank=2)
        self.assertEqual(loras[0]["format"], "peft")

    def test_diffusers_old(self):
        loras, _ = self.merged("lcm-old", OLD, "old", 0.5)
        self.assertEqual((loras[0]["format"], loras[0]["fast"]), ("diffusers-old", True))

    def test_strength_zero_is_the_plain_bundle_byte_for_byte(self):
        # TorchScript orders a module's constants by Python's string hashing: two exports are
        # byte-identical only with the same PYTHONHASHSEED, so both run as fresh processes.
        lora = os.path.join(self.work, "zero.safetensors")
        write_lora(lora, KOHYA_LDM, self.base, "kohya")
        env = dict(os.environ, PYTHONHASHSEED="0")
        outs = []
        for tag, extra in (("z-plain", []), ("z-zero", ["--lora", lora + ":0"])):
            outs.append(os.path.join(self.work, tag))
            run = subprocess.run([helpers.PYTHON, helpers.EXPORT_PY] + BASE_ARGS +
                                 ["--out", outs[-1]] + extra, env=env, capture_output=True,
                                 text=True)
            self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("strength 0: checked, not merged", run.stderr)
        self.assertEqual(tree_bytes(outs[0]), tree_bytes(outs[1]))

    def test_two_loras_add_up_in_order(self):
        a, b = os.path.join(self.work, "a.safetensors"), os.path.join(self.work, "b.safetensors")
        sa = write_lora(a, PEFT, self.base, "peft", seed=1)
        sb = write_lora(b, PEFT, self.base, "peft", seed=2)
        out = os.path.join(self.work, "two")
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", out, "--lora", a + ":0.5",
                                                    "--lora", b + ":-0.25"])
        self.assertEqual(code, 0, err)
        got = load_state(out)
        once = expected(self.base, PEFT, sa, 0.5)
        for (part, key), value in once.items():
            down, up, _ = sb[next(n for n, t in PEFT.items() if t == (part, key))]
            value = value - 0.25 * (up @ down).reshape(value.shape)
            self.assertLess((got[part][key].double() - value).abs().max().item(), 1e-5, key)
        names = [e["file"] for e in helpers.load_json(os.path.join(out, "manifest.json"))["loras"]]
        self.assertEqual(names, ["a.safetensors", "b.safetensors"])


class LoraRefusedTest(unittest.TestCase):
    """Each bad LoRA: exit code, exactly one 'error: FILE: sentence' line, --out untouched."""

    @classmethod
    def setUpClass(cls):
        cls.work = helpers.tmpdir("lora-bad")
        cls.out = os.path.join(cls.work, "existing")
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", cls.out])
        assert code == 0, err
        cls.before = tree_bytes(cls.out)

    def refused(self, spec, code, sentence, named=None):
        code_got, _, err = helpers.run_cli(BASE_ARGS + ["--out", self.out, "--force",
                                                        "--lora", spec])
        self.assertEqual(code_got, code, err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertEqual(lines[0], "error: %s: %s" % (named or spec, sentence))
        self.assertEqual(tree_bytes(self.out), self.before)
        self.assertEqual(sorted(os.listdir(self.work)), sorted(self.listing))

    def setUp(self):
        self.listing = os.listdir(self.work)

    def lora(self, name, tensors):
        path = os.path.join(self.work, name)
        save_file(tensors, path)
        self.listing = os.listdir(self.work)
        return path

    def test_other_architectures(self):
        z = torch.zeros
        sdxl = self.lora("sdxl.safetensors", {
            "lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": z(4, 32),
            "lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight": z(32, 4)})
        self.refused(sdxl, 3, "this is an SDXL LoRA ('lora_te2_text_model_encoder_layers_0_self_"
                     "attn_q_proj.lora_down.weight'); IC-Light needs LoRAs made for SD1.5")
        name = "lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k"
        wide = self.lora("wide.safetensors", {name + ".lora_down.weight": z(4, 2048),
                                              name + ".lora_up.weight": z(8, 4)})
        self.refused(wide, 3, "this is an SDXL LoRA (2048-wide cross-attention, SD1.5 has 768); "
                     "IC-Light needs LoRAs made for SD1.5")
        unknown = self.lora("unknown.safetensors", {
            "lora_unet_foo_bar.lora_down.weight": z(4, 8),
            "lora_unet_foo_bar.lora_up.weight": z(8, 4),
            "lora_unet_foo_baz.lora_down.weight": z(4, 8),
            "lora_unet_foo_baz.lora_up.weight": z(8, 4)})
        self.refused(unknown, 3, "layer 'lora_unet_foo_bar' matches no SD1.5 UNet or text-encoder "
                     "weight (2 such layers): a LoRA for another model?")
        loha = self.lora("loha.safetensors", {"lora_unet_conv_in.hada_w1_a": z(4, 8)})
        self.refused(loha, 3, "key 'lora_unet_conv_in.hada_w1_a' is LyCORIS LoHa/LoKr/Tucker/DoRA, "
                     "which is not supported: only LoRA and LoCon (down/up pairs) can be merged")

    def test_rank_and_shape_mismatch(self):
        name = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"
        rank = self.lora("rank.safetensors", {name + ".lora_down.weight": torch.zeros(4, 8),
                                              name + ".lora_up.weight": torch.zeros(8, 3)})
        self.refused(rank, 3, "layer '%s': down [4, 8] has rank 4 but up [8, 3] has rank 3" % name)
        shape = self.lora("shape.safetensors", {name + ".lora_down.weight": torch.zeros(4, 768),
                                                name + ".lora_up.weight": torch.zeros(320, 4)})
        self.refused(shape, 3, "layer '%s' does not fit unet weight 'down_blocks.0.attentions.0."
                     "transformer_blocks.0.attn1.to_q.weight': up x down gives [320, 768], the "
                     "weight is [8, 8] (rank 4; a LoRA for another model size?)" % name)
        half = self.lora("half.safetensors", {name + ".lora_down.weight": torch.zeros(4, 8)})
        self.refused(half, 3, "layer '%s' has a down weight but no up weight (an incomplete LoRA)"
                     % name)

    def test_strength_out_of_range_and_not_a_number(self):
        name = "lora_unet_down_blocks_0_attentions_0_proj_in"
        good = self.lora("good.safetensors", {name + ".lora_down.weight": torch.zeros(2, 8),
                                              name + ".lora_up.weight": torch.zeros(8, 2)})
        for strength in ("2.5", "-3", "nan"):
            code, _, err = helpers.run_cli(BASE_ARGS + ["--out", self.out, "--force",
                                                        "--lora", good + ":" + strength])
            self.assertEqual(code, 2, err)
            self.assertEqual(err, "error: export.py: %s: LoRA strength %s is outside -2..2 (see "
                                  "--help)\n" % (good, strength))
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", self.out, "--force",
                                                    "--lora", good + ":strong"])
        self.assertEqual(code, 2, err)
        self.assertIn("LoRA strength 'strong' is not a number", err)
        self.assertEqual(tree_bytes(self.out), self.before)

    def test_corrupt_truncated_pickle_and_missing(self):
        name = "lora_unet_down_blocks_0_attentions_0_proj_in"
        good = self.lora("cut-src.safetensors", {name + ".lora_down.weight": torch.ones(2, 8),
                                                 name + ".lora_up.weight": torch.ones(8, 2)})
        with open(good, "rb") as fh:
            data = fh.read()
        cut = os.path.join(self.work, "cut.safetensors")
        with open(cut, "wb") as fh:
            fh.write(data[:len(data) - 20])
        self.listing = os.listdir(self.work)
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", self.out, "--force", "--lora", cut])
        self.assertEqual(code, 3, err)
        self.assertRegex(err, r"^error: %s: tensor '.*' has data offsets .* \(truncated or corrupt "
                              r"file\)\n$" % cut)
        garbage = os.path.join(self.work, "garbage.safetensors")
        with open(garbage, "wb") as fh:
            fh.write(b"not a safetensors file at all")
        self.listing = os.listdir(self.work)
        code, _, err = helpers.run_cli(BASE_ARGS + ["--out", self.out, "--force", "--lora",
                                                    garbage])
        self.assertEqual((code, err.count("\n"), err.startswith("error: " + garbage)),
                         (3, 1, True), err)
        ckpt = os.path.join(self.work, "style.ckpt")
        shutil.copy(good, ckpt)
        self.listing = os.listdir(self.work)
        self.refused(ckpt, 3, "this LoRA is a pickle (.ckpt/.pt/.bin), refused because loading it "
                     "can run arbitrary code: use its .safetensors version")
        self.refused(os.path.join(self.work, "missing.safetensors"), 2, "LoRA file not found")
        self.refused(helpers.TINY_SD + "/unet/diffusion_pytorch_model.safetensors", 3,
                     "this is an IC-Light offset file or a UNet, not a LoRA: give it as --iclight")
        self.assertEqual(tree_bytes(self.out), self.before)


class LoraSpecTest(unittest.TestCase):
    def test_last_colon_splits_only_before_a_number(self):
        cases = {"a.safetensors": ("a.safetensors", 1.0),
                 "a.safetensors:0.5": ("a.safetensors", 0.5),
                 "dir/a.safetensors:-1.25": ("dir/a.safetensors", -1.25),
                 "C:\\loras\\x.safetensors": ("C:\\loras\\x.safetensors", 1.0),
                 "C:\\loras\\x.safetensors:2": ("C:\\loras\\x.safetensors", 2.0),
                 "C:x.safetensors:0": ("C:x.safetensors", 0.0)}
        for text, (path, strength) in cases.items():
            spec = parse_spec(text)
            self.assertEqual((spec.path, spec.strength), (path, strength), text)
        for text in ("a.safetensors:2.01", "a.safetensors:-7", "a.safetensors:inf"):
            with self.assertRaises(UsageError, msg=text):
                parse_spec(text)

    def test_fast_loras_by_name(self):
        from chiaro_export.lora import _is_fast
        for name in ("lcm-lora-sdv1-5.safetensors", "Hyper-SD15-8steps-lora.safetensors",
                     "TCD-SD15-LoRA.safetensors", "pytorch_lora_weights_LCM.safetensors"):
            self.assertTrue(_is_fast(name, {}), name)
        for name in ("hyperrealism_style.safetensors", "film_grain.safetensors"):
            self.assertFalse(_is_fast(name, {}), name)
        self.assertTrue(_is_fast("x.safetensors", {"ss_output_name": "lcm_lora_sd15"}))


if __name__ == "__main__":
    unittest.main()
