"""Bundle export: resolve inputs, build modules, write TorchScript + tokenizer + manifest atomically.

The bundle is written into a temporary folder beside the output folder and renamed into place only
when every file is written and verified, so a failed export never leaves a half bundle.
"""
import errno
import os
import shutil
import sys
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
from .tokenizer_export import load_vocab_source, special_ids, write_tokenizer
from .unet import UNet2DConditionModel
from .vae import AutoencoderKL, VaeEncoder, VaeDecoder
from .weights import skip_default_init, random_init, load_strict
from . import segmenter as seg
from . import lora as lo

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
        self.vae = kw.get("vae")              # separate VAE file (LDM or diffusers naming)
        self.progress = kw.get("progress")    # callable(fraction, message) or None
        self.note = kw.get("note")            # callable(text) for assumptions; default stderr
        self.loras = kw.get("loras") or []    # lora.LoraSpec list, merged in this order


def _progress(opts, fraction, message):
    if opts.progress:
        opts.progress(fraction, message)


def _note(opts, text):
    if opts.note:
        opts.note(text)
    else:
        sys.stderr.write("note: %s\n" % " ".join(text.split()))


def check_out_dir(out, force):
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError("output path exists and is not a folder", out)
    if os.path.isdir(out) and os.listdir(out) and not force:
        raise UsageError("output folder exists and is not empty (use --force to replace it)", out)


class Models:
    """The eager modules of one bundle plus what the manifest says about their origin."""

    def __init__(self, configs, unet, vae, text, variant, concat, source, vocab):
        self.configs, self.unet, self.vae, self.text = configs, unet, vae, text
        self.variant, self.concat, self.source = variant, concat, source
        self.vocab, self.merges = vocab  # parsed tokenizer tables
        self.segmenter = None  # (module, input_size) when the bundle gets one
        self.loras = []  # the manifest's "loras" entries of the merged LoRAs


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


def use_tokenizer_ids(configs, vocab, notes):
    """The special token ids come from the vocabulary, never from text_encoder/config.json (real
    SD1.5 folders say bos 0 / eos 2 / pad 1 there; CLIP was trained with 49406 / 49407)."""
    ids = special_ids(vocab)
    text = configs["text_encoder"]
    if (text["bos_token_id"], text["eos_token_id"]) != (ids["bos_id"], ids["eos_id"]):
        notes.append("text_encoder/config.json says bos_token_id %s, eos_token_id %s; using the "
                     "tokenizer's %d and %d" % (text["bos_token_id"], text["eos_token_id"],
                                               ids["bos_id"], ids["eos_id"]))
    text["bos_token_id"], text["eos_token_id"] = ids["bos_id"], ids["eos_id"]


def merge_loras(opts, loras, state, unet_cfg):
    """Merge the checked LoRAs into `state` ({'unet', 'text_encoder'} diffusers-named tensors, the
    UNet with IC-Light already merged); returns the manifest entries."""
    if not loras:
        return []
    _progress(opts, 0.35, "merging %d LoRA%s" % (len(loras), "s" if len(loras) > 1 else ""))
    return lo.apply_all(loras, state, unet_cfg, lambda text: _note(opts, text))


def random_models(opts, loras=()):
    vocab = load_vocab_source(opts.vocab)
    configs = cfgs.tiny_configs() if opts.tiny else cfgs.sd15_configs()
    concat = CONCAT[opts.variant]
    configs["unet"]["in_channels"] = 4 + concat
    unet, vae, text = _build(configs)
    gen = torch.Generator().manual_seed(int(opts.seed))
    for module in (unet, vae, text):
        random_init(module, gen)
    merged_loras = []
    if loras:
        state = {"unet": unet.state_dict(), "text_encoder": text.state_dict()}
        merged_loras = merge_loras(opts, loras, state, configs["unet"])
        unet.load_state_dict(state["unet"], strict=True)
        text.load_state_dict(state["text_encoder"], strict=True)
    source = {"kind": "random-tiny" if opts.tiny else "random-full", "tiny": bool(opts.tiny),
              "random_full": bool(opts.random_full), "seed": int(opts.seed), "base": None,
              "iclight": None, "vocab": os.path.abspath(opts.vocab)}
    models = Models(configs, unet, vae, text, opts.variant, concat, source, vocab)
    models.loras = merged_loras
    return models


def real_models(opts, loras=()):
    _progress(opts, 0.10, "reading the base model")
    base = load_base(opts.base, opts.config, opts.vae)
    vocab_src = opts.vocab or base.tokenizer_dir
    if vocab_src is None:
        raise UsageError("the base has no tokenizer/ folder: pass --vocab "
                         "bpe_simple_vocab_16e6.txt.gz or a folder with vocab.json + merges.txt",
                         opts.base)
    vocab = load_vocab_source(vocab_src)
    use_tokenizer_ids(base.configs, vocab[0], base.notes)
    for text in base.notes:
        _note(opts, text)
    _progress(opts, 0.30, "merging the IC-Light offsets")
    merged, variant, concat, kind = merge_offsets(base.tensors.pop("unet"), opts.iclight)
    configs = base.configs
    configs["unet"]["in_channels"] = configs["unet"]["in_channels"] + concat
    state = {"unet": merged, "text_encoder": base.tensors.pop("text_encoder")}
    merged_loras = merge_loras(opts, loras, state, configs["unet"])
    unet, vae, text = _build(configs)
    load_strict(unet, state.pop("unet"), opts.iclight, "unet")
    del merged
    load_strict(vae, base.tensors.pop("vae"), opts.base, "vae")
    load_strict(text, state.pop("text_encoder"), opts.base, "text_encoder")
    source = dict(base.info, kind="iclight-merge", iclight=os.path.abspath(opts.iclight),
                  iclight_kind=kind, tiny=False, random_full=False, seed=None,
                  vocab=os.path.abspath(vocab_src), notes=list(base.notes))
    models = Models(configs, unet, vae, text, variant, concat, source, vocab)
    models.loras = merged_loras
    return models


def bundle_modules(models):
    sf = float(models.configs["vae"]["scaling_factor"])
    lat = int(models.configs["vae"]["latent_channels"])
    return [("text_encoder", "text_encoder.pt", models.text),
            ("unet", "unet.pt", models.unet),
            ("vae_encoder", "vae_encoder.pt", VaeEncoder(models.vae, lat, sf)),
            ("vae_decoder", "vae_decoder.pt", VaeDecoder(models.vae, sf))] + \
        ([("segmenter", "segmenter.pt", models.segmenter[0])] if models.segmenter else [])


# Share of the progress range 0.45..0.95 each file's writing and verification takes.
_WEIGHT = {"text_encoder": 0.1, "unet": 0.6, "vae_encoder": 0.1, "vae_decoder": 0.1,
           "segmenter": 0.1}


def _write_failed(exc, filename, out):
    """A write error (disk full, file size limit, I/O error) as one ExportError naming the file."""
    try:
        st = os.statvfs(os.path.dirname(out))
        free = " (%.0f MB free there)" % (st.f_bavail * st.f_frsize / 1e6)
    except OSError:
        free = ""
    if isinstance(exc, ts_export.SaveFailed):
        why = "%s; is the disk full?" % exc
    else:
        why = "disk full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else \
            "file size limit reached" if exc.errno == errno.EFBIG else (exc.strerror or str(exc))
    return ExportError("cannot write %s: %s%s; the export was abandoned, nothing at %s changed"
                       % (filename, why, free, out), os.path.join(out, filename), EXIT_OTHER)


def write_bundle(models, tmp, opts, log, out):
    _progress(opts, 0.45, "writing the tokenizer")
    try:
        write_tokenizer(models.vocab, models.merges, os.path.join(tmp, "tokenizer"))
    except OSError as exc:
        raise _write_failed(exc, "tokenizer/", out)
    rows, params = [], {}
    gen = torch.Generator().manual_seed(1234)
    modules = bundle_modules(models)
    done = 0.0
    total = sum(_WEIGHT[name] for name, _, _ in modules)
    for name, filename, module in modules:
        _progress(opts, 0.45 + 0.5 * done / total, "writing %s" % filename)
        done += _WEIGHT[name]
        module.eval()
        for p in module.parameters():
            p.requires_grad_(False)
        path = os.path.join(tmp, filename)
        start = time.time()
        try:
            ts_export.script_and_save(module, path, opts.freeze)
        except OSError as exc:
            raise _write_failed(exc, filename, out)
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
                       ("VAE file", opts.vae),
                       ("segmenter weights",
                        None if opts.segmenter in seg.RANDOM_CHOICES else opts.segmenter)):
        if path is not None and not os.path.exists(path):
            raise UsageError("%s not found" % what, path)
    _progress(opts, 0.05, "checking the inputs")
    loras = lo.read_all(opts.loras)  # a bad LoRA is refused before the base is even read
    models = random_models(opts, loras) if (opts.tiny or opts.random_full) else \
        real_models(opts, loras)
    _progress(opts, 0.40, "building the modules")
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
        rows, params = write_bundle(models, tmp, opts, log, out)
        _progress(opts, 0.95, "writing the manifest")
        manifest = mf.build(tmp, models.variant, models.concat, models.configs, models.source,
                            params, special_ids(models.vocab), models.loras)
        try:
            mf.write(tmp, manifest)
        except OSError as exc:
            raise _write_failed(exc, "manifest.json", out)
        check_out_dir(out, opts.force)
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print_table(rows, log)
    _progress(opts, 1.0, "done")
    return manifest
