"""TorchScript export of the four bundle modules and their verification after a reload.

Modules are scripted (not traced) so batch, image size and context length (77*k) stay dynamic.
They are not frozen by default: a frozen module keeps its weights as graph constants, which
`module.to(device / dtype)` in the C++ engine cannot move or cast (needed for CUDA fp16/bf16).
"""
import os
import sys

import torch

VERIFY_TOLERANCE = 1e-5


class SaveFailed(OSError):
    """torch.jit.save could not write the file (a full disk, a file size limit, an I/O error)."""


def _save_in_child(scripted, path):
    """LibTorch's archive writer aborts the whole process (std::terminate) when a write fails, so
    the file is written by a forked child (copy-on-write: no second copy of the weights); its
    failure becomes a SaveFailed here, with the first line LibTorch printed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: only the save, then _exit
        code = 1
        try:
            os.dup2(write_end, 2)
            scripted.save(path)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "r", errors="replace") as fh:
        said = fh.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        what = [l.strip() for l in said.splitlines() if "what():" in l or "Error" in l]
        raise SaveFailed("LibTorch could not write the file%s" % (" (%s)" % what[-1] if what else ""))


def script_and_save(module, path, freeze=False):
    module.eval()
    scripted = torch.jit.script(module)
    if freeze:
        scripted = torch.jit.freeze(scripted, optimize_numerics=False)
    if hasattr(os, "fork"):
        _save_in_child(scripted, path)
    else:
        scripted.save(path)
    return scripted


def sample_inputs(name, cfgs, concat_channels, generator):
    """Random inputs for one module; small sizes keep full-size verification quick on CPU."""
    text, unet = cfgs["text_encoder"], cfgs["unet"]
    if name == "text_encoder":
        ids = torch.randint(0, text["vocab_size"], (2, 77), generator=generator)
        ids[:, 0] = text["bos_token_id"]
        ids[:, 40:] = text["eos_token_id"]
        return (ids,)
    if name == "unet":
        x = torch.randn(2, 4 + concat_channels, 16, 16, generator=generator)
        t = torch.tensor([999.0, 1.0])
        ctx = torch.randn(2, 77, unet["cross_attention_dim"], generator=generator)
        return (x, t, ctx)
    if name == "segmenter":
        size = cfgs["segmenter"]["input_size"]
        return (torch.rand(1, 3, size, size, generator=generator) - 0.5,)
    if name == "vae_encoder":
        return (torch.rand(1, 3, 64, 64, generator=generator) * 2 - 1,)
    return (torch.randn(1, cfgs["vae"]["latent_channels"], 8, 8, generator=generator),)


def relative_error(got, want):
    return float((got - want).abs().max() / want.abs().max().clamp_min(1e-12))


def verify(eager, path, inputs):
    """Reload the saved TorchScript file and compare it with the eager module.

    A reloaded module whose first call returns non-finite values is called once more: on a busy
    machine (ctest -j2) the first, profiling call of a reloaded UNet has now and then returned
    non-finite values for inputs on which every later call and the eager module are finite (cause
    not found yet). A broken export is non-finite or different on every call and still fails."""
    loaded = torch.jit.load(path, map_location="cpu")
    with torch.no_grad():
        want = eager(*inputs)
        got = loaded(*inputs)
        if list(got.shape) == list(want.shape) and not torch.isfinite(got).all():
            print("warning: %s: the first call of the reloaded module was not finite; "
                  "checking a second call" % path, file=sys.stderr)
            got = loaded(*inputs)
    if list(got.shape) != list(want.shape) or not torch.isfinite(got).all():
        return float("inf")
    return relative_error(got, want)


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())
