"""The pure-Python safetensors reader/writer: round trips and every rejection path."""
import json
import os
import struct
import unittest

import helpers  # noqa: F401  (sets sys.path)
import torch

from chiaro_export.errors import ExportError
from chiaro_export.safetensors_io import SafetensorsFile, load_file, save_file


def _write_bytes(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def _write_raw(path, header, data=b""):
    raw = json.dumps(header).encode() if isinstance(header, dict) else header
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)) + raw + data)


class SafetensorsTest(unittest.TestCase):
    def setUp(self):
        self.dir = helpers.tmpdir("st")

    def path(self, name):
        return os.path.join(self.dir, name)

    def assertRefused(self, path, *words):
        with self.assertRaises(ExportError) as ctx:
            load_file(path)
        self.assertEqual(ctx.exception.code, 3)
        self.assertIn(path, ctx.exception.one_line())
        for word in words:
            self.assertIn(word, ctx.exception.one_line())

    def test_round_trip_dtypes(self):
        g = torch.Generator().manual_seed(0)
        x = torch.randn(3, 5, generator=g)
        tensors = {"f32": x, "f16": x.half(), "bf16": x.bfloat16(), "i64": torch.arange(7),
                   "empty": torch.zeros(0, 4), "scalar": torch.tensor(2.5)}
        save_file(tensors, self.path("a.safetensors"), {"format": "pt"})
        got = load_file(self.path("a.safetensors"))
        self.assertEqual(set(got), set(tensors))
        self.assertTrue(torch.equal(got["f32"], x))
        self.assertTrue(torch.equal(got["f16"], x.half().float()))
        self.assertTrue(torch.equal(got["bf16"], x.bfloat16().float()))
        self.assertEqual(got["f16"].dtype, torch.float32)
        self.assertTrue(torch.equal(got["i64"], torch.arange(7)))
        self.assertEqual(list(got["empty"].shape), [0, 4])
        self.assertEqual(got["scalar"].item(), 2.5)
        with SafetensorsFile(self.path("a.safetensors")) as f:
            self.assertEqual(f.dtype("bf16"), "BF16")
            self.assertEqual(f.metadata, {"format": "pt"})
            self.assertEqual(f.get("bf16", float32=False).dtype, torch.bfloat16)

    def test_reads_parity_offsets_f16(self):
        with SafetensorsFile(os.path.join(helpers.PARITY, "iclight_fc_offset.safetensors")) as f:
            self.assertEqual(len(f.keys()), 686)
            self.assertEqual(f.dtype("conv_in.weight"), "F16")
            self.assertEqual(f.shape("conv_in.weight"), [8, 8, 3, 3])

    def test_truncated(self):
        save_file({"a": torch.randn(64)}, self.path("full.safetensors"))
        with open(self.path("full.safetensors"), "rb") as fh:
            data = fh.read()
        _write_bytes(self.path("t.safetensors"), data[:-10])
        self.assertRefused(self.path("t.safetensors"), "'a'", "outside")
        _write_bytes(self.path("t2.safetensors"), data[:20])
        self.assertRefused(self.path("t2.safetensors"), "header length")
        _write_bytes(self.path("t3.safetensors"), data[:5])
        self.assertRefused(self.path("t3.safetensors"), "truncated")

    def test_header_length_beyond_file(self):
        with open(self.path("h.safetensors"), "wb") as fh:
            fh.write(struct.pack("<Q", 10 ** 6) + b"{}")
        self.assertRefused(self.path("h.safetensors"), "header length")

    def test_malformed_json(self):
        _write_raw(self.path("j.safetensors"), b"{not json")
        self.assertRefused(self.path("j.safetensors"), "JSON")
        _write_raw(self.path("j2.safetensors"), b"[1, 2]")
        self.assertRefused(self.path("j2.safetensors"), "JSON")
        _write_raw(self.path("j3.safetensors"), {"w": {"dtype": "F32", "shape": [1]}}, b"\0" * 4)
        self.assertRefused(self.path("j3.safetensors"), "'w'")

    def test_offsets_out_of_range(self):
        _write_raw(self.path("o.safetensors"),
                   {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8)
        self.assertRefused(self.path("o.safetensors"), "'w'", "outside")
        _write_raw(self.path("o2.safetensors"),
                   {"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}, b"\0" * 8)
        self.assertRefused(self.path("o2.safetensors"), "'w'")

    def test_overlapping(self):
        header = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}
        _write_raw(self.path("ov.safetensors"), header, b"\0" * 12)
        self.assertRefused(self.path("ov.safetensors"), "overlap")

    def test_size_mismatch(self):
        _write_raw(self.path("s.safetensors"),
                   {"w": {"dtype": "F16", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8)
        self.assertRefused(self.path("s.safetensors"), "'w'", "needs 6")

    def test_unknown_dtype(self):
        _write_raw(self.path("d.safetensors"),
                   {"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}, b"\0")
        self.assertRefused(self.path("d.safetensors"), "dtype")

    def test_pickle_refused(self):
        torch.save({"a": torch.zeros(1)}, self.path("model.ckpt"))
        self.assertRefused(self.path("model.ckpt"), "pickle")
        torch.save({"a": torch.zeros(1)}, self.path("disguised.safetensors"))
        self.assertRefused(self.path("disguised.safetensors"), "pickle")


if __name__ == "__main__":
    unittest.main()
