#!/usr/bin/env python3
"""Writes tests/core/text/data/python_reference_cases.json: CLIP token ids computed by CPython.

An independent cross-check of the C++ tokenizer on inputs the official parity cases do not cover
(entities, exotic white space, Final_Sigma, İ, ſ, invalid UTF-8, random mixes). It follows OpenAI
CLIP's SimpleTokenizer line by line, with CPython's own html.unescape, str.strip, str.lower and
regex engine; only two things stand in for what this machine lacks:
  - ftfy.fix_text is skipped (Chiaro skips it too);
  - the `regex` module's \\p{L}, \\p{N} and \\s become explicit classes built from unicodedata
    (\\s = Unicode White_Space).
Ids exclude BOS/EOS. Needs the shared vocab: python3 tools/gen_tokenizer_reference.py [TOKENIZER_DIR]
"""
import html
import json
import os
import random
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, "..", "shared", "parity", "tiny_sd", "tokenizer")
OUT = os.path.join(ROOT, "tests", "core", "text", "data", "python_reference_cases.json")


def char_class(predicate):
    parts = []
    start = prev = None
    for c in range(sys.maxunicode + 1):
        if 0xD800 <= c <= 0xDFFF or not predicate(chr(c)):
            continue
        if prev is not None and c == prev + 1:
            prev = c
            continue
        if start is not None:
            parts.append((start, prev))
        start = prev = c
    parts.append((start, prev))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in parts)


LETTERS = char_class(lambda ch: unicodedata.category(ch)[0] == "L")
NUMBERS = char_class(lambda ch: unicodedata.category(ch)[0] == "N")
SPACES = char_class(lambda ch: ch.isspace() and not 0x1C <= ord(ch) <= 0x1F)
PATTERN = re.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|"
    f"[{LETTERS}]+|[{NUMBERS}]|[^{SPACES}{LETTERS}{NUMBERS}]+", re.IGNORECASE)
SPACE_RUN = re.compile(f"[{SPACES}]+")


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
    return dict(zip(bs, map(chr, cs)))


class SimpleTokenizer:
    def __init__(self, folder):
        with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
            merges = [tuple(line.split()) for line in f.read().split("\n")[1:] if line]
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.byte_encoder = bytes_to_unicode()
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            new_word, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and word[i] == bigram[0] and word[i + 1] == bigram[1]:
                    new_word.append(word[i] + word[i + 1])
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
        self.cache[token] = " ".join(word)
        return self.cache[token]

    def encode(self, text):
        text = html.unescape(html.unescape(text)).strip()
        text = SPACE_RUN.sub(" ", text).strip().lower()
        ids = []
        for token in PATTERN.findall(text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token).split(" "))
        return ids


HAND_CASES = [
    "Fish &amp; chips &lt;b&gt; &quot;quoted&quot; &#39;single&#39; &apos;x&apos;",
    "&amp;lt; double &amp;amp;amp; escaped", "&copy 2024 &notit; &notin; &ampx &AMP; &Eacute;cole",
    "&#65;&#x42;&#X43;&#0;&#128;&#x110000;&#xD800;&#1;&#99999999999999999999; &#; &#x;",
    "&nbsp;non&nbsp;breaking&#160;space", "&unknownentityname; & alone &&",
    "OΔΟΣ ΣΊΣΥΦΟΣ Σ. ΑΣ'Β ΑΣ.Β", "İSTANBUL İzmir", "'ſ it'ſ", "DON'T WE'RE I'LL YOU'VE I'M HE'D",
    "tab\there\nnew\r\nline\u00a0nbsp\u2003em\u3000ideo\u200bzwsp\u0085nel\u001cfs\u001f",
    "\u001c leading info separator", "   \u2028\u2029  ", "", "\u00e9 vs e\u0301 combining",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３", "ﬁne ﬂower ligatures", "curly ‘quotes’ and “double”",
    "Ⅻ ⅻ ① ½ ٣ ๓ ¹²³", "👨‍👩‍👧 family 🇯🇵 flag 👍🏽 skin", "한국어 텍스트 ひらがな カタカナ 中文",
    "مرحبا بالعالم שלום", "<|startoftext|>hi<|endoftext|> <|STARTOFTEXT|> <|ſtartoftext|>",
    "!<|endoftext|> <<|endoftext|>", "a''s b'''t c's", "under_score snake_case_name",
    "x" * 200, "0123456789" * 5, "mixed123abc456def", "e.g. U.S.A. ... ?!?! ---- ~~~",
]

RANDOM_POOL = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
               + list(" \t\n.,;:!?'\"-_()[]{}<>|&#/\\@$%^*+=~`") + ["&amp;", "&lt;", "&#39;"]
               + list("éüßøåÆŒçñΣσςΑΒΓЖжЯя京都東京한글ひカ٣½Ⅻ🏮✨👍\u00a0\u2003\u3000\u200b\u0301İſ"))


def random_cases(count, seed=20240601):
    rng = random.Random(seed)
    return ["".join(rng.choice(RANDOM_POOL) for _ in range(rng.randint(1, 40))) for _ in range(count)]


INVALID_UTF8 = [b"abc\xffdef", b"\xc3(", b"\xe2\x82", b"caf\xc3", b"\xed\xa0\x80surrogate",
                b"\xf4\x90\x80\x80", b"\xc0\xafoverlong", b"ok \xe2\x9c\xa8 \x80\x80 end"]


def main():
    tokenizer = SimpleTokenizer(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR)
    inputs = [t.encode("utf-8") for t in HAND_CASES + random_cases(200)] + INVALID_UTF8
    cases = []
    for raw in inputs:
        text = raw.decode("utf-8", errors="replace")
        cases.append({"utf8_hex": raw.hex(), "ids": tokenizer.encode(text)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    header = {"generator": "tools/gen_tokenizer_reference.py", "python": sys.version.split()[0],
              "unicode": unicodedata.unidata_version}
    rows = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(json.dumps(header)[:-1] + ', "cases": [\n' + rows + "\n]}\n")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
