"""Tokenizer files for the bundle: HF CLIP `vocab.json` + `merges.txt` (`#version: 0.2` first line).

Sources: a folder with vocab.json + merges.txt (copied after a parse check), or OpenAI CLIP's
`bpe_simple_vocab_16e6.txt.gz` (converted exactly as CLIP's SimpleTokenizer builds its tables:
ids are positions in [byte chars, byte chars + '</w>', joined merges, specials]).
"""
import gzip
import json
import os

from .errors import ExportError

MERGES_HEADER = "#version: 0.2"
BOS, EOS = "<|startoftext|>", "<|endoftext|>"


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def from_openai_bpe(path):
    """(vocab dict token->id, merges list of 'a b') from bpe_simple_vocab_16e6.txt(.gz)."""
    try:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rb") as fh:
            lines = fh.read().decode("utf-8").split("\n")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ExportError("cannot read BPE vocabulary (%s)" % exc, path)
    merges = lines[1:49152 - 256 - 2 + 1]
    if len(merges) != 49152 - 256 - 2 or any(len(m.split()) != 2 for m in merges):
        raise ExportError("not an OpenAI CLIP BPE file (expected 48894 merge lines)", path)
    units = list(bytes_to_unicode().values())
    tokens = units + [u + "</w>" for u in units] + ["".join(m.split()) for m in merges] + [BOS, EOS]
    return {tok: i for i, tok in enumerate(tokens)}, merges


def read_hf_folder(folder):
    vocab_path = os.path.join(folder, "vocab.json")
    merges_path = os.path.join(folder, "merges.txt")
    for p in (vocab_path, merges_path):
        if not os.path.isfile(p):
            raise ExportError("tokenizer file missing", p)
    try:
        with open(vocab_path, "r", encoding="utf-8") as fh:
            vocab = json.load(fh)
    except (OSError, ValueError) as exc:
        raise ExportError("malformed vocab.json (%s)" % exc, vocab_path)
    with open(merges_path, "r", encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    if lines and lines[0].startswith("#version"):
        lines = lines[1:]
    merges = [m for m in lines if m.strip()]
    if not isinstance(vocab, dict) or BOS not in vocab or EOS not in vocab:
        raise ExportError("vocab.json lacks the CLIP special tokens", vocab_path)
    if any(len(m.split()) != 2 for m in merges):
        raise ExportError("malformed merges.txt (every line must be two symbols)", merges_path)
    return vocab, merges


def special_ids(vocab):
    """bos/eos/pad ids from the vocabulary: `<|startoftext|>`, `<|endoftext|>`, and the pad IC-Light's
    CLIPTokenizer uses (`<|endoftext|>` again: encode_prompt_inner pads with the end id)."""
    return {"bos_id": int(vocab[BOS]), "eos_id": int(vocab[EOS]), "pad_id": int(vocab[EOS])}


def load_vocab_source(src):
    """Return (vocab, merges) from a folder, a .gz/.txt OpenAI BPE file."""
    src = str(src)
    if os.path.isdir(src):
        return read_hf_folder(src)
    if os.path.isfile(src):
        return from_openai_bpe(src)
    raise ExportError("vocabulary not found (give bpe_simple_vocab_16e6.txt.gz or a folder with "
                      "vocab.json + merges.txt)", src)


def write_tokenizer(vocab, merges, out_dir):
    """Write tokenizer/vocab.json and tokenizer/merges.txt; returns the two paths."""
    os.makedirs(out_dir, exist_ok=True)
    vocab_path = os.path.join(out_dir, "vocab.json")
    merges_path = os.path.join(out_dir, "merges.txt")
    ordered = dict(sorted(vocab.items(), key=lambda kv: (kv[1], kv[0])))  # by id: one byte layout
    with open(vocab_path, "w", encoding="utf-8") as fh:                  # whatever the source
        json.dump(ordered, fh, ensure_ascii=False, separators=(",", ":"))
    with open(merges_path, "w", encoding="utf-8") as fh:
        fh.write(MERGES_HEADER + "\n" + "\n".join(merges) + "\n")
    return vocab_path, merges_path
