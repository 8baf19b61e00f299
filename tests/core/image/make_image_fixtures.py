"""Writes the image_io test fixtures with Pillow (independent of the C++ code under test).

usage: make_image_fixtures.py PHOTO OUT_DIR
Each NAME.raw holds what Pillow decodes for the matching file, as interleaved 8-bit samples.
"""
import struct
import sys
import zlib

import numpy as np
from PIL import Image, ImageOps

W, H = 123, 77


def raw(out, name, image):
    with open(f"{out}/{name}.raw", "wb") as f:
        f.write(np.asarray(image).tobytes())


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png():
    """A valid PNG whose header claims 100000 x 100000 RGB pixels (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def main(photo_path, out):
    photo = Image.open(photo_path).convert("RGB").crop((40, 30, 40 + W, 30 + H))
    photo.save(f"{out}/rgb.png")
    raw(out, "rgb", photo)
    photo.save(f"{out}/rgb.jpg", quality=95)
    raw(out, "rgb_jpg", Image.open(f"{out}/rgb.jpg").convert("RGB"))
    photo.save(f"{out}/rgb.webp", lossless=True)
    photo.save(f"{out}/rgb.bmp")
    photo.save(f"{out}/rgb.tif")

    grey = photo.convert("L")
    grey.save(f"{out}/grey.png")
    raw(out, "grey", grey)
    ramp16 = (np.arange(W * H, dtype=np.uint32).reshape(H, W) * 7 % 65536).astype(np.uint16)
    Image.fromarray(ramp16).save(f"{out}/grey16.png")

    palette = photo.convert("P", palette=Image.ADAPTIVE, colors=32)
    palette.save(f"{out}/palette.png")
    raw(out, "palette", Image.open(f"{out}/palette.png").convert("RGB"))
    palette.save(f"{out}/palette_trns.png", transparency=0)
    raw(out, "palette_trns", Image.open(f"{out}/palette_trns.png").convert("RGBA"))

    photo.convert("CMYK").save(f"{out}/cmyk.jpg", quality=95)
    raw(out, "cmyk", Image.open(f"{out}/cmyk.jpg").convert("RGB"))

    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        photo.save(f"{out}/exif{orientation}.jpg", exif=exif, quality=95)
        upright = ImageOps.exif_transpose(Image.open(f"{out}/exif{orientation}.jpg")).convert("RGB")
        raw(out, f"exif{orientation}", upright)

    alpha = Image.fromarray(np.tile(np.linspace(0, 255, W).astype(np.uint8), (H, 1)))
    rgba = photo.copy()
    rgba.putalpha(alpha)
    rgba.save(f"{out}/rgba.png")
    raw(out, "rgba", rgba)
    Image.merge("LA", (grey, alpha)).save(f"{out}/la.png")
    raw(out, "la", Image.open(f"{out}/la.png").convert("RGBA"))

    with open(f"{out}/huge.png", "wb") as f:
        f.write(huge_png())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
