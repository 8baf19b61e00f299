#!/usr/bin/python3
"""Export SD1.5 + IC-Light weights to a Chiaro model bundle (see models/README.md).

  export.py --base BASE --iclight OFFSETS --out DIR [--vocab VOCAB] [--config DIR] [--force]
            [--vae VAE.safetensors] [--segmenter RMBG_OR_BIREFNET.safetensors] [--progress]
            [--lora LORA.safetensors[:STRENGTH]]...
  export.py --tiny --variant fc|fbc --vocab VOCAB --out DIR [--seed N]
            [--segmenter random|random-birefnet]
  export.py --random-full --variant fc|fbc --vocab VOCAB --out DIR [--seed N]

Exit codes: 0 ok, 2 usage, 3 bad input file, 1 anything else (a write failure, a full disk, out
of memory); an error is one line on stderr starting with "error: ". Assumptions the export made
are "note: " lines on stderr. With --progress, stdout gets one flushed line per stage:
"PROGRESS <fraction 0..1> <message>", ending with "PROGRESS 1.00 done" on success.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from chiaro_export.errors import ExportError, EXIT_OK, EXIT_OTHER, EXIT_USAGE  # noqa: E402


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write("error: export.py: %s (see --help)\n" % message)
        sys.exit(EXIT_USAGE)


def parse_args(argv):
    p = _Parser(description="Export SD1.5 + IC-Light weights to a Chiaro model bundle.")
    p.add_argument("--base", help="diffusers SD1.5 folder or single-file LDM .safetensors")
    p.add_argument("--iclight", help="IC-Light offsets (iclight_sd15_fc/fcon/fbc.safetensors)")
    p.add_argument("--out", required=True, help="bundle folder to create")
    p.add_argument("--vocab", help="bpe_simple_vocab_16e6.txt.gz or folder with vocab.json + "
                                   "merges.txt (default: BASE/tokenizer)")
    p.add_argument("--config", help="diffusers folder whose unet/vae/text_encoder config.json "
                                    "describe a single-file BASE, or supply those a diffusers "
                                    "BASE lacks (default: SD1.5)")
    p.add_argument("--vae", help="separate VAE .safetensors (e.g. vae-ft-mse-840000-ema-pruned; "
                                 "LDM or diffusers key naming), replacing the base's VAE")
    p.add_argument("--progress", action="store_true",
                   help="print 'PROGRESS <fraction> <message>' lines on stdout, one per stage")
    p.add_argument("--segmenter", help="subject segmenter: BriaRMBG-1.4 or BiRefNet (general, "
                                       "Swin-L) model.safetensors, or 'random' (ISNet) / "
                                       "'random-birefnet' (random weights; toy size with --tiny)")
    p.add_argument("--lora", action="append", default=[], metavar="FILE[:STRENGTH]",
                   help="merge a LoRA (kohya/A1111, PEFT, diffusers or LoCon .safetensors) into "
                        "the UNet and text encoder; STRENGTH -2..2, default 1; repeatable")
    p.add_argument("--tiny", action="store_true", help="random toy-size bundle (tests)")
    p.add_argument("--random-full", action="store_true", help="random SD1.5-size bundle (benchmarks)")
    p.add_argument("--variant", choices=("fc", "fbc"), help="variant of a random bundle")
    p.add_argument("--seed", type=int, default=0, help="seed of a random bundle")
    p.add_argument("--force", action="store_true", help="replace a non-empty --out folder")
    p.add_argument("--no-verify", action="store_true", help="skip reload-and-compare checks")
    p.add_argument("--freeze", action="store_true",
                   help="torch.jit.freeze the modules (smaller graphs, but the engine can then "
                        "no longer move them to CUDA or cast them to fp16)")
    args = p.parse_args(argv)
    from chiaro_export.lora import parse_spec
    try:
        args.lora = [parse_spec(text) for text in args.lora]
    except ExportError as exc:
        p.error(exc.one_line())
    if args.segmenter in ("random", "random-birefnet") and not (args.tiny or args.random_full):
        p.error("--segmenter %s is for --tiny/--random-full bundles" % args.segmenter)
    if args.tiny and args.random_full:
        p.error("--tiny and --random-full exclude each other")
    if args.tiny or args.random_full:
        if args.base or args.iclight or args.vae or args.config:
            p.error("--tiny/--random-full take no --base/--iclight/--vae/--config")
        if not args.variant or not args.vocab:
            p.error("--tiny/--random-full need --variant fc|fbc and --vocab")
    elif not args.base or not args.iclight:
        p.error("--base and --iclight are required (or --tiny/--random-full)")
    elif args.variant:
        p.error("--variant applies to random bundles; a real export follows the offset file")
    return args


def print_progress(fraction, message):
    sys.stdout.write("PROGRESS %.2f %s\n" % (fraction, message))
    sys.stdout.flush()


def fail(text, code):
    sys.stderr.write("error: %s\n" % " ".join(str(text).split()))
    sys.stderr.flush()
    return code


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    from chiaro_export.bundle import Options, export
    opts = Options(base=args.base, iclight=args.iclight, out=args.out, vocab=args.vocab,
                   config=args.config, tiny=args.tiny, random_full=args.random_full,
                   variant=args.variant, seed=args.seed, force=args.force,
                   verify=not args.no_verify, freeze=args.freeze,
                   segmenter=args.segmenter, vae=args.vae, loras=args.lora,
                   progress=print_progress if args.progress else None)
    start = time.time()
    try:
        manifest = export(opts)
    except ExportError as exc:
        return fail(exc.one_line(), exc.code)
    except MemoryError:
        return fail("%s: out of memory" % args.out, EXIT_OTHER)
    except OSError as exc:
        return fail("%s: %s" % (exc.filename or args.out, exc.strerror or exc), EXIT_OTHER)
    print("wrote %s (%s, concat_channels %d) in %.1f s" % (
        os.path.abspath(args.out), manifest["variant"], manifest["concat_channels"],
        time.time() - start))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
