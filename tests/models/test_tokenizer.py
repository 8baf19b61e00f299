"""Tokenizer export: OpenAI CLIP BPE -> HF vocab.json/merges.txt, and folder copies."""
import json
import os
import unittest

import helpers

from chiaro_export.errors import ExportError
from chiaro_export.tokenizer_export import (load_vocab_source, read_hf_folder, write_tokenizer,
                                            MERGES_HEADER)


class TokenizerExportTest(unittest.TestCase):
    def test_openai_bpe_equals_hf_files(self):
        out = os.path.join(helpers.tmpdir("tok"), "tokenizer")
        vocab, merges = load_vocab_source(helpers.BPE)
        write_tokenizer(vocab, merges, out)
        with open(os.path.join(out, "merges.txt"), encoding="utf-8") as fh:
            self.assertEqual(fh.readline().rstrip("\n"), MERGES_HEADER)
        got_vocab, got_merges = read_hf_folder(out)
        ref_vocab, ref_merges = read_hf_folder(os.path.join(helpers.TINY_SD, "tokenizer"))
        self.assertEqual(len(got_vocab), 49408)
        self.assertEqual(got_vocab, ref_vocab)
        self.assertEqual(got_merges, ref_merges)
        self.assertEqual(got_vocab["<|startoftext|>"], 49406)
        self.assertEqual(got_vocab["<|endoftext|>"], 49407)

    def test_folder_source_round_trips(self):
        vocab, merges = load_vocab_source(os.path.join(helpers.TINY_SD, "tokenizer"))
        self.assertEqual(len(merges), 48894)
        self.assertEqual(vocab["a</w>"], 320)

    def test_bad_sources(self):
        d = helpers.tmpdir("tokbad")
        with self.assertRaises(ExportError):
            load_vocab_source(os.path.join(d, "missing.txt.gz"))
        bad = os.path.join(d, "bpe.txt.gz")
        with open(bad, "wb") as fh:
            fh.write(b"not gzip")
        with self.assertRaises(ExportError) as ctx:
            load_vocab_source(bad)
        self.assertEqual(ctx.exception.code, 3)
        folder = os.path.join(d, "hf")
        os.makedirs(folder)
        with open(os.path.join(folder, "vocab.json"), "w") as fh:
            json.dump({"a": 0}, fh)
        with open(os.path.join(folder, "merges.txt"), "w") as fh:
            fh.write("#version: 0.2\na b\n")
        with self.assertRaises(ExportError):
            load_vocab_source(folder)


if __name__ == "__main__":
    unittest.main()
