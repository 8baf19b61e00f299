"""The contract the Import dialog and `chiaro-cli models import` build on: --progress lines, one
'error: ' line and the exit code on failure, and an atomic export (a full disk leaves no half bundle
and the old bundle untouched)."""
import hashlib
import os
import re
import resource
import shutil
import subprocess
import tempfile
import unittest

import torch

import helpers  # also puts models/ on sys.path
from chiaro_export import ts_export

TINY = ["--tiny", "--variant", "fc", "--vocab", helpers.BPE]


def run_process(args, fsize_limit=None):
    def limit():
        if fsize_limit is not None:  # Python ignores SIGXFSZ, so writes fail with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, fsize_limit))
    return subprocess.run([helpers.PYTHON, helpers.EXPORT_PY] + args, capture_output=True,
                          text=True, preexec_fn=limit, timeout=300)


def tree_digest(folder):
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(folder)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


class ProgressTest(unittest.TestCase):
    def test_progress_lines(self):
        out = os.path.join(helpers.tmpdir("progress"), "bundle")
        run = run_process(TINY + ["--out", out, "--progress", "--no-verify"])
        self.assertEqual(run.returncode, 0, run.stderr)
        lines = [l for l in run.stdout.splitlines() if l.startswith("PROGRESS ")]
        parsed = [re.match(r"^PROGRESS ([01]\.\d\d) (\S.*)$", l) for l in lines]
        self.assertTrue(all(parsed), lines)
        fractions = [float(m.group(1)) for m in parsed]
        self.assertGreaterEqual(len(lines), 6)
        self.assertEqual(fractions, sorted(fractions))
        self.assertLess(fractions[0], 0.2)
        self.assertEqual(lines[-1], "PROGRESS 1.00 done")
        self.assertIn("PROGRESS 0.51 writing unet.pt", lines)
        self.assertEqual(run.stderr, "")

    def test_no_progress_lines_without_the_option(self):
        out = os.path.join(helpers.tmpdir("progress"), "bundle")
        run = run_process(TINY + ["--out", out, "--no-verify"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("PROGRESS", run.stdout)

    def test_failure_is_one_error_line_and_no_done(self):
        out = os.path.join(helpers.tmpdir("progress"), "bundle")
        missing = os.path.join(helpers.tmpdir("progress"), "nothing.safetensors")
        run = run_process(["--base", missing, "--iclight", missing, "--out", out, "--progress"])
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr, "error: %s: base model not found\n" % missing)
        self.assertNotIn("PROGRESS 1.00 done", run.stdout)
        run = run_process(["--out", out, "--progress"])
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr, "error: export.py: --base and --iclight are required (or "
                                     "--tiny/--random-full) (see --help)\n")


class AtomicExportTest(unittest.TestCase):
    """RLIMIT_FSIZE makes every write past the limit fail as on a full disk (EFBIG)."""

    @classmethod
    def setUpClass(cls):
        cls.parent = helpers.tmpdir("atomic")
        cls.out = os.path.join(cls.parent, "bundle")
        run = run_process(TINY + ["--out", cls.out, "--seed", "5", "--no-verify"])
        assert run.returncode == 0, run.stderr
        cls.digest = tree_digest(cls.out)

    def fail_with_limit(self, limit, file):
        run = run_process(TINY + ["--out", self.out, "--force", "--seed", "6", "--progress"],
                          fsize_limit=limit)
        self.assertEqual(run.returncode, 1, run.stderr)
        lines = run.stderr.splitlines()
        self.assertEqual(len(lines), 1, run.stderr)
        self.assertTrue(lines[0].startswith("error: %s: cannot write %s: " % (
            os.path.join(self.out, file), file)), lines[0])
        self.assertTrue(lines[0].endswith("the export was abandoned, nothing at %s changed"
                                          % self.out), lines[0])
        self.assertNotIn("PROGRESS 1.00 done", run.stdout)
        self.assertEqual(os.listdir(self.parent), ["bundle"])  # no temporary folder left
        self.assertEqual(tree_digest(self.out), self.digest)   # the old bundle untouched

    def test_full_disk_while_writing_the_tokenizer(self):
        self.fail_with_limit(300 * 1000, "tokenizer/")          # vocab.json is ~860 kB

    def test_full_disk_while_writing_a_module(self):
        self.fail_with_limit(3 * 1000 * 1000, "text_encoder.pt")  # text_encoder.pt is ~6.5 MB

    def test_force_replaces_only_when_complete(self):
        other = os.path.join(helpers.tmpdir("atomic-force"), "bundle")
        shutil.copytree(self.out, other)
        run = run_process(TINY + ["--out", other, "--force", "--seed", "6", "--no-verify"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotEqual(tree_digest(other), self.digest)
        self.assertEqual(helpers.load_json(os.path.join(other, "manifest.json"))["source"]["seed"], 6)
        self.assertEqual(os.listdir(os.path.dirname(other)), ["bundle"])


class _FlakyOnce(torch.nn.Module):
    """x * 2, except that its first call after loading returns NaN (the intermittent fault the
    reload check tolerates); `always` makes every call NaN (a broken export)."""

    def __init__(self, always: bool):
        super().__init__()
        self.register_buffer("calls", torch.zeros(1))
        self.always = always

    def forward(self, x):
        self.calls += 1
        if self.always or bool(self.calls[0] == 1):
            return x * float("nan")
        return x * 2


class _Twice(torch.nn.Module):
    def forward(self, x):
        return x * 2


class ReloadCheckTest(unittest.TestCase):
    def test_one_non_finite_first_call_is_checked_again_and_a_broken_module_still_fails(self):
        x = torch.randn(3, 4)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "m.pt")
            torch.jit.save(torch.jit.script(_FlakyOnce(False)), path)
            self.assertLess(ts_export.verify(_Twice(), path, (x,)), ts_export.VERIFY_TOLERANCE)
            torch.jit.save(torch.jit.script(_FlakyOnce(True)), path)
            self.assertEqual(ts_export.verify(_Twice(), path, (x,)), float("inf"))
            torch.jit.save(torch.jit.script(_Twice()), path)  # finite but different: fails
            self.assertGreater(ts_export.verify(lambda t: t * 3, path, (x,)), 0.1)


if __name__ == "__main__":
    unittest.main()
