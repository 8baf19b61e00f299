"""Issue #24: LibTorch failures inside a job reach the user as one sentence naming the stage, the
bundle file and the real cause, from the real chiaro-cli; decoders' warnings stay off the terminal.

Each case copies the tiny fc bundle and replaces vae_decoder.pt with a TorchScript module that
passes the loader's probe (an 8x8 latent) and fails at the job's size: one raises inside
TorchScript, one has a shape mismatch, one asks for 6 GiB, which only fails when the process runs
under an address-space limit (RLIMIT_AS, as on a machine without that much memory). The manifest's
checksums are updated, so the bundle verifies; the failure is the module's, at run time.

usage: e2e_engine_errors.py CHIARO_CLI TINY_FC_BUNDLE WORK_DIR
"""
import hashlib
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import zlib

import torch


class Raises(torch.nn.Module):
    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        if latent.size(3) > 8:
            raise RuntimeError("decoder blew up at latent width " + str(latent.size(3)))
        return torch.zeros([latent.size(0), 3, latent.size(2) * 8, latent.size(3) * 8])


class ShapeMismatch(torch.nn.Module):
    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        image = torch.zeros([latent.size(0), 3, latent.size(2) * 8, latent.size(3) * 8])
        return image + torch.zeros([1, 3, 64, 64])


class Greedy(torch.nn.Module):
    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        batch = latent.size(0)
        if latent.size(3) > 8:
            # 6 GiB, never touched; its size is used so that the interpreter keeps the allocation.
            scratch = torch.empty([3 * 512 * 1024 * 1024], dtype=torch.float32)
            batch = batch + 0 * scratch.size(0)
        return torch.zeros([batch, 3, latent.size(2) * 8, latent.size(3) * 8])


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def broken_bundle(source, work, name, module):
    out = os.path.join(work, name)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(source, out)
    path = os.path.join(out, "vae_decoder.pt")
    torch.jit.script(module).save(path)
    manifest_path = os.path.join(out, "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    entry = manifest["files"]["vae_decoder"]
    entry["sha256"] = sha256(path)
    entry["bytes"] = os.path.getsize(path)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    return out


def relight(cli, bundle, output, extra=(), address_space=None):
    photo = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "samples", "coffee.png")
    argv = [cli, "relight", photo, "-o", output, "--models", bundle, "--steps", "1", "--width", "256",
            "--height", "256", "--highres-scale", "1.0", "--threads", "2", *extra]

    def limit():
        if address_space:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run(argv, capture_output=True, text=True, preexec_fn=limit, timeout=300)


def expect_failure(result, output, expected, what, verbose=False):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if verbose:  # the log comes first; the error is still the one line chiaro-cli prints itself
        lines = [line for line in lines if line.startswith("chiaro-cli ")]
    ok = result.returncode == 1 and len(lines) == 1 and expected in lines[0] and not os.path.exists(output)
    print(("ok   " if ok else "FAIL ") + what + ": exit %d, stderr %r" % (result.returncode, result.stderr))
    return ok


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def damaged_but_readable_png(path):
    """A PNG libpng warns about twice: an iCCP chunk that is no profile, data after the image."""
    width, height = 64, 48
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 4 % 256, y * 5 % 256, 128))
                    for y in range(height))
    png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += png_chunk(b"iCCP", b"bogus\x00\x00" + zlib.compress(b"not a profile" * 20))
    png += png_chunk(b"IDAT", zlib.compress(rows) + b"junk") + png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def damaged_but_readable_jpeg(path):
    """A photo with one flipped byte in its entropy-coded data: libjpeg warns ("Corrupt JPEG data:
    64 extraneous bytes before marker 0xd9", as OpenCV's codec printed it), then decodes."""
    with open(os.path.join(os.environ["CHIARO_SHARED_DIR"], "data", "photos", "rocket.jpg"), "rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 0x55
    with open(path, "wb") as f:
        f.write(bytes(data))


def decoder_warnings(cli, work):
    """Decoder warnings never reach the terminal; what is printed is Chiaro's own lines."""
    ok = True
    for name, make, allowed in (("damaged.png", damaged_but_readable_png, 1), ("damaged.jpg", damaged_but_readable_jpeg, 0)):
        path = os.path.join(work, name)
        make(path)
        out = os.path.join(work, name + ".preview.png")
        run = subprocess.run([cli, "preview", path, "-o", out, "--light", "90,0"], capture_output=True, text=True)
        lines = [l for l in run.stderr.splitlines() if l.strip()]
        good = run.returncode == 0 and len(lines) <= allowed and not any("libpng" in l or "JPEG" in l for l in lines)
        print(("ok   " if good else "FAIL ") + "%s: exit %d, stderr %r" % (name, run.returncode, run.stderr))
        ok &= good
    return ok


def main():
    cli, tiny, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    ok = decoder_warnings(cli, work)

    out = os.path.join(work, "raises.png")
    bundle = broken_bundle(tiny, work, "raises", Raises())
    verbose = relight(cli, bundle, out, ["--verbose"])
    ok &= expect_failure(verbose, out,
                         "chiaro-cli relight: vae-decode (vae_decoder.pt): decoder blew up at latent width 32",
                         "an error raised inside TorchScript", verbose=True)
    full = "The following operation failed in the TorchScript interpreter" in verbose.stderr
    print(("ok   " if full else "FAIL ") + "--verbose adds LibTorch's full message to the log")
    ok &= full

    out = os.path.join(work, "shape.png")
    bundle = broken_bundle(tiny, work, "shape", ShapeMismatch())
    ok &= expect_failure(relight(cli, bundle, out), out,
                         "vae-decode (vae_decoder.pt): shape mismatch: two tensors of sizes 256 and 64 along "
                         "dimension 3 do not fit together", "a shape mismatch")

    out = os.path.join(work, "greedy.png")
    bundle = broken_bundle(tiny, work, "greedy", Greedy())
    unlimited = relight(cli, bundle, out)
    fine = unlimited.returncode == 0 and os.path.exists(out)
    print(("ok   " if fine else "FAIL ") + "without a memory limit the 6 GiB module runs: %r" % unlimited.stderr)
    ok &= fine
    if os.path.exists(out):
        os.remove(out)
    ok &= expect_failure(relight(cli, bundle, out, address_space=4 << 30), out,
                         "vae-decode (vae_decoder.pt): out of memory (tried to allocate 6.0 GiB); retry at a "
                         "lower size", "out of memory under a 4 GiB address-space limit")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
