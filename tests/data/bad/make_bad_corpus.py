"""Writes the bad-input corpus of issue #9 into a folder (a ctest fixture; generated, never committed).

usage: /usr/bin/python3 make_bad_corpus.py OUT_DIR [--bundle TINY_FC_BUNDLE]

Layout of OUT_DIR (tests/cli/bad_input_corpus_test.cpp reads it):
  images/bad/       files every image loader must refuse with exit code 3 (one-line error naming them)
  images/valid/     unusual but valid inputs that must load (16-bit, grey, palette, CMYK, EXIF-rotated)
  images/photo.png  a plain valid photo; masks/other_size.png is a mask of another size
  metadata/         PNGs whose Chiaro metadata is broken (info must exit 3)
  safetensors/      damaged safetensors files (the C++ reader and the exporter must refuse them)
  bundles/          copies of the tiny fc bundle, each with one fault (exit code 4), when --bundle is given
  expected.json     what each valid file must decode to (upright width and height)
Everything is made here with Pillow, numpy and struct, independently of the C++ code under test.
"""
import argparse
import io
import json
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

W, H = 96, 64  # small, not square: an ignored EXIF rotation shows as swapped sides


def png_chunk(kind, data, length=None):
    length = len(data) if length is None else length
    return struct.pack(">I", length) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunks(image, extra_chunks):
    """Pillow's PNG with `extra_chunks` inserted right after IHDR (length 13 + 12 framing bytes)."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    data = buf.getvalue()
    cut = 8 + 25
    return data[:cut] + b"".join(extra_chunks) + data[cut:]


def photo():
    """A smooth colour picture with structure (a bright disc), so codecs and GrabCut have something."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    rgb = np.stack([x / W * 255, y / H * 255, 128 + 0 * x], axis=-1)
    disc = (x - W * 0.6) ** 2 + (y - H * 0.5) ** 2 < (H * 0.3) ** 2
    rgb[disc] = [240, 200, 60]
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def encoded(image, fmt, **kwargs):
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def huge_png():
    """A valid PNG whose header claims 100000 x 100000 RGB pixels (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def bad_images(out, img):
    png, jpg, webp = encoded(img, "PNG"), encoded(img, "JPEG", quality=90), encoded(img, "WEBP", quality=80)
    write(f"{out}/empty.png", b"")
    write(f"{out}/truncated.png", png[: len(png) // 2])
    write(f"{out}/truncated.jpg", jpg[: len(jpg) // 2])
    write(f"{out}/truncated.webp", webp[: len(webp) // 2])
    write(f"{out}/text.png", b"this is a text file with a .png name\n")
    write(f"{out}/huge.png", huge_png())
    # A chunk whose length field points far past the end of the file.
    write(f"{out}/overlong_chunk.png", png_with_chunks(img, [png_chunk(b"tEXt", b"k\0v", length=0x7FFFFF00)]))


def valid_images(out, img):
    expected = {}

    def add(name, data, size=(W, H)):
        write(f"{out}/{name}", data)
        expected[name] = {"width": size[0], "height": size[1]}

    ramp16 = (np.arange(W * H, dtype=np.uint32).reshape(H, W) * 11 % 65536).astype(np.uint16)
    add("grey16.png", encoded(Image.fromarray(ramp16), "PNG"))
    add("grey.png", encoded(img.convert("L"), "PNG"))
    add("palette.png", encoded(img.convert("P", palette=Image.ADAPTIVE, colors=16), "PNG"))
    add("cmyk.jpg", encoded(img.convert("CMYK"), "JPEG", quality=90))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored W x H, shown rotated by 90 degrees: H x W upright
    add("exif6.jpg", encoded(img, "JPEG", quality=90, exif=exif), size=(H, W))
    return expected


def metadata_pngs(out, img):
    def itxt(keyword, text):
        return png_chunk(b"iTXt", keyword + b"\0\0\0\0\0" + text)

    params = png_chunk(b"tEXt", b"parameters\0a cat\nSteps: 25, Seed: 1")
    write(f"{out}/bad_chiaro_json.png", png_with_chunks(img, [params, itxt(b"chiaro", b"{not json")]))
    write(f"{out}/chiaro_not_object.png", png_with_chunks(img, [params, itxt(b"chiaro", b"[1, 2, 3]")]))
    write(f"{out}/overlong_chunk.png",
          png_with_chunks(img, [params, png_chunk(b"iTXt", b"chiaro\0\0\0\0\0{}", length=0x7FFFFF00)]))
    bad_crc = bytearray(png_with_chunks(img, [params, itxt(b"chiaro", b"{}")]))
    bad_crc[8 + 25 + len(params) - 1] ^= 0xFF  # last CRC byte of the parameters chunk
    write(f"{out}/bad_crc.png", bytes(bad_crc))


def safetensors_bytes(header, data):
    head = json.dumps(header).encode()
    return struct.pack("<Q", len(head)) + head + data


def damaged_safetensors(out):
    data = np.arange(16, dtype=np.float32).tobytes()
    good = safetensors_bytes({"w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]}}, data)
    write(f"{out}/truncated.safetensors", good[: len(good) - 20])
    write(f"{out}/bad_offsets.safetensors",
          safetensors_bytes({"w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [32, 96]}}, data))
    write(f"{out}/huge_header_length.safetensors", struct.pack("<Q", 1 << 62) + b"{}")


def faulty_bundles(out, bundle):
    """Copies of a good bundle: one flipped byte in unet.pt, an unknown format_version; a cut vocab.json."""
    flipped = f"{out}/flipped_byte"
    shutil.rmtree(flipped, ignore_errors=True)
    shutil.copytree(bundle, flipped)
    with open(f"{flipped}/unet.pt", "r+b") as f:
        f.seek(os.path.getsize(f"{flipped}/unet.pt") // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0x01]))
    future = f"{out}/future_version"
    shutil.rmtree(future, ignore_errors=True)
    shutil.copytree(bundle, future)
    with open(f"{future}/manifest.json") as f:
        manifest = json.load(f)
    manifest["format_version"] = 99
    with open(f"{future}/manifest.json", "w") as f:
        json.dump(manifest, f, indent=2)
    # Only the tokenizer files matter to `tokenize`: a vocab.json cut in the middle.
    vocab = f"{out}/bad_vocab/tokenizer"
    os.makedirs(vocab, exist_ok=True)
    with open(f"{bundle}/tokenizer/vocab.json", "rb") as f:
        write(f"{vocab}/vocab.json", f.read(1000))
    shutil.copy(f"{bundle}/tokenizer/merges.txt", f"{vocab}/merges.txt")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--bundle", help="a good tiny fc bundle to copy for the bundle faults")
    args = parser.parse_args()
    img = photo()
    write(f"{args.out}/images/photo.png", encoded(img, "PNG"))
    bad_images(f"{args.out}/images/bad", img)
    expected = valid_images(f"{args.out}/images/valid", img)
    mask = Image.fromarray(((np.arange(40 * 30) % 40 > 20) * 255).astype(np.uint8).reshape(30, 40), "L")
    write(f"{args.out}/masks/other_size.png", encoded(mask, "PNG"))
    metadata_pngs(f"{args.out}/metadata", img)
    damaged_safetensors(f"{args.out}/safetensors")
    if args.bundle:
        faulty_bundles(f"{args.out}/bundles", args.bundle)
    with open(f"{args.out}/expected.json", "w") as f:
        json.dump(expected, f, indent=2)


if __name__ == "__main__":
    main()
