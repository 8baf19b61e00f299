"""Bundle export: resolve inputs, build modules, write TorchScript + tokenizer + manifest atomically.

The bundle is written into a temporary folder beside the output folder and renamed into place only
when every file is written and verified, so a failed export never leaves a half bundle.
"""
import os
import shutil
import tempfile
import time

import torch

from . import configs as cfgs
from . import manifest as mf
from . import ts_export
from .clip_text import ClipTextModel
from .errors import ExportError, UsageError, EXIT_OTHER
from .iclight import merge_offsets, variant_for_concat
from .sources import load_base
from .tokenizer_export import load_vocab_source, write_tokenizer
from .unet import UNet2DConditionModel
from .vae import AutoencoderKL, VaeEncoder, VaeDecoder
from .weights import skip_default_init, random_init, load_strict
from . import segmenter as seg

CONCAT = {"fc": 4, "fbc": 8}


class Options:
    def __init__(self, **kw):
        self.base = kw.get("base")
        self.iclight = kw.get("iclight")
        self.out = kw.get("out")
        self.vocab = kw.get("vocab")
        self.config = kw.get("config")
        self.tiny = kw.get("tiny", False)
        self.random_full = kw.get("random_full", False)
        self.variant = kw.get("variant")
        self.seed = kw.get("seed", 0)
        self.force = kw.get("force", False)
        self.verify = kw.get("verify", True)
        self.freeze = kw.get("freeze", False)
        self.segmenter = kw.get("segmenter")  # None, seg.RANDOM_CHOICES or a .safetensors path


def check_out_dir(out, force):
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError("output path exists and is not a folder", out)
    if os.path.isdir(out) and os.listdir(out) and not force:
        raise UsageError("output folder exists and is not empty (use --force to replace it)", out)


class Models:
    """The eager modules of one bundle plus what the manifest says about their origin."""

    def __init__(self, configs, unet, vae, text, variant, concat, source, vocab_src):
        self.configs, self.unet, self.vae, self.text = configs, unet, vae, text
        self.variant, self.concat, self.source, self.vocab_src = variant, concat, source, vocab_src
        self.segmenter = None  # (module, input_size) when the bundle gets one


def add_segmenter(models, opts):
    """Attach the subject segmenter: RMBG-1.4 or BiRefNet weights, or random ones
    (seg.RANDOM_CHOICES; toy size with --tiny)."""
    if not opts.segmenter:
        return
    if opts.segmenter in seg.RANDOM_CHOICES:
        gen = torch.Generator().manual_seed(int(opts.seed) + 7)
        found = seg.random_choice(opts.segmenter, opts.tiny, gen)
        source = {"kind": found.source_kind, "tiny": bool(opts.tiny)}
    else:
        found = seg.load_segmenter(opts.segmenter)
        source = {"kind": found.source_kind, "path": os.path.abspath(opts.segmenter)}
    models.segmenter = (found.module, found.input_size)
    models.configs["segmenter"] = found.architecture(source)


def _build(configs):
    with skip_default_init():
        return (UNet2DConditionModel(configs["unet"]), AutoencoderKL(configs["vae"]),
                ClipTextModel(configs["text_encoder"]))


def random_models(opts):
    configs = cfgs.tiny_configs() if opts.tiny else cfgs.sd15_configs()
    concat = CONCAT[opts.variant]
    configs["unet"]["in_channels"] = 4 + concat
    unet, vae, text = _build(configs)
    gen = torch.Generator().manual_seed(int(opts.seed))
    for module in (unet, vae, text):
        random_init(module, gen)
    source = {"kind": "random-tiny" if opts.tiny else "random-full", "tiny": bool(opts.tiny),
              "random_full": bool(opts.random_full), "seed": int(opts.seed), "base": None,
              "iclight": None, "vocab": os.path.abspath(opts.vocab)}
    return Models(configs, unet, vae, text, opts.variant, concat, source, opts.vocab)


def real_models(opts):
    base = load_base(opts.base, opts.config)
    vocab_src = opts.vocab or base.tokenizer_dir
    if vocab_src is None:
        raise UsageError("the base has no tokenizer/ folder: pass --vocab "
                         "bpe_simple_vocab_16e6.txt.gz or a folder with vocab.json + merges.txt",
                         opts.base)
    merged, variant, concat = merge_offsets(base.tensors.pop("unet"), opts.iclight)
    configs = base.configs
    configs["unet"]["in_channels"] = configs["unet"]["in_channels"] + concat
    unet, vae, text = _build(configs)
    load_strict(unet, merged, opts.iclight, "unet")
    del merged
    load_strict(vae, base.tensors.pop("vae"), opts.base, "vae")
    load_strict(text, base.tensors.pop("text_encoder"), opts.base, "text_encoder")
    source = dict(base.info, kind="iclight-merge", iclight=os.path.abspath(opts.iclight),
                  tiny=False, random_full=False, seed=None,
                  vocab=os.path.abspath(vocab_src))
    return Models(configs, unet, vae, text, variant, concat, source, vocab_src)


def bundle_modules(models):
    sf = float(models.configs["vae"]["scaling_factor"])
    lat = int(models.configs["vae"]["latent_channels"])
    return [("text_encoder", "text_encoder.pt", models.text),
            ("unet", "unet.pt", models.unet),
            ("vae_encoder", "vae_encoder.pt", VaeEncoder(models.vae, lat, sf)),
            ("vae_decoder", "vae_decoder.pt", VaeDecoder(models.vae, sf))] + \
        ([("segmenter", "segmenter.pt", models.segmenter[0])] if models.segmenter else [])


def write_bundle(models, tmp, opts, log):
    vocab, merges = load_vocab_source(models.vocab_src)
    write_tokenizer(vocab, merges, os.path.join(tmp, "tokenizer"))
    rows, params = [], {}
    gen = torch.Generator().manual_seed(1234)
    for name, filename, module in bundle_modules(models):
        module.eval()
        for p in module.parameters():
            p.requires_grad_(False)
        path = os.path.join(tmp, filename)
        start = time.time()
        ts_export.script_and_save(module, path, opts.freeze)
        params[name] = ts_export.count_parameters(module)
        err = None
        if opts.verify:
            inputs = ts_export.sample_inputs(name, models.configs, models.concat, gen)
            err = ts_export.verify(module, path, inputs)
            if not err < ts_export.VERIFY_TOLERANCE:
                raise ExportError("verification failed: reloaded TorchScript differs from the "
                                  "eager module (relative error %.3g)" % err, path, EXIT_OTHER)
        rows.append((filename, os.path.getsize(path), params[name], err, time.time() - start))
    return rows, params


def print_table(rows, log):
    log("%-16s %12s %14s %12s %8s" % ("file", "MB", "parameters", "verify_err", "sec"))
    for filename, size, n, err, sec in rows:
        log("%-16s %12.2f %14s %12s %8.1f" % (filename, size / 1e6, "{:,}".format(n),
                                              "skipped" if err is None else "%.2e" % err, sec))


def _move_into_place(tmp, out):
    if os.path.isdir(out):
        old = tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".old-",
                               dir=os.path.dirname(out))
        os.rename(out, os.path.join(old, "bundle"))
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


def export(opts, log=print):
    """Run one export; raises ExportError (with the CLI exit code) on failure."""
    out = os.path.abspath(opts.out)
    check_out_dir(out, opts.force)
    for what, path in (("vocabulary", opts.vocab), ("base model", opts.base),
                       ("IC-Light offset file", opts.iclight), ("config folder", opts.config),
                       ("segmenter weights",
                        None if opts.segmenter in seg.RANDOM_CHOICES else opts.segmenter)):
        if path is not None and not os.path.exists(path):
            raise UsageError("%s not found" % what, path)
    models = random_models(opts) if (opts.tiny or opts.random_full) else real_models(opts)
    add_segmenter(models, opts)
    if variant_for_concat(models.concat) != models.variant:
        raise ExportError("internal: variant/concat mismatch", None, EXIT_OTHER)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".tmp-", dir=parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    try:
        rows, params = write_bundle(models, tmp, opts, log)
        manifest = mf.build(tmp, models.variant, models.concat, models.configs, models.source,
                            params)
        mf.write(tmp, manifest)
        check_out_dir(out, opts.force)
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print_table(rows, log)
    return manifest
