"""Pure-Python safetensors reader and writer (torch + numpy only, never pickle).

File layout: u64 little-endian header length N, N bytes of JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the raw
little-endian buffers; offsets are relative to the end of the header.
"""
import json
import mmap
import os
import struct

import numpy as np
import torch

from .errors import ExportError

_MAX_HEADER = 100 * 1024 * 1024
_ITEMSIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
             "U8": 1, "BOOL": 1}
_NUMPY = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
          "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
_TORCH_TO_ST = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
                torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16",
                torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}
PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle")


def refuse_pickle(path):
    """Raise for files that could only be loaded with pickle (never loaded: arbitrary code)."""
    lower = str(path).lower()
    if lower.endswith(PICKLE_SUFFIXES):
        raise ExportError("pickle checkpoints (.ckpt/.pt/.bin) are refused because loading them can "
                          "run arbitrary code; convert the file to .safetensors", path)


def _parse_header(path, size, head):
    if size < 8:
        raise ExportError("truncated safetensors file (%d bytes, no header)" % size, path)
    (n,) = struct.unpack("<Q", head[:8])
    if head[:2] == b"PK" or head[:1] == b"\x80":
        raise ExportError("this is a pickle/zip checkpoint, not safetensors; refused", path)
    if n > _MAX_HEADER or 8 + n > size:
        raise ExportError("safetensors header length %d goes beyond the file (%d bytes): "
                          "truncated or not a safetensors file" % (n, size), path)
    return n


def _validate_entries(path, header, data_len):
    entries = {}
    spans = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = info["dtype"]
            shape = [int(s) for s in info["shape"]]
            begin, end = (int(v) for v in info["data_offsets"])
        except (TypeError, KeyError, ValueError):
            raise ExportError("malformed header entry for tensor '%s'" % name, path)
        if dtype not in _ITEMSIZE:
            raise ExportError("tensor '%s' has unsupported dtype %s" % (name, dtype), path)
        if any(s < 0 for s in shape) or begin < 0 or end < begin or end > data_len:
            raise ExportError("tensor '%s' has data offsets [%d, %d] outside the %d data bytes "
                              "(truncated or corrupt file)" % (name, begin, end, data_len), path)
        if end - begin != int(np.prod(shape, dtype=np.int64)) * _ITEMSIZE[dtype]:
            raise ExportError("tensor '%s' occupies %d bytes but %s %s needs %d" % (
                name, end - begin, dtype, shape,
                int(np.prod(shape, dtype=np.int64)) * _ITEMSIZE[dtype]), path)
        entries[name] = (dtype, shape, begin, end)
        if end > begin:
            spans.append((begin, end, name))
    spans.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            raise ExportError("tensors '%s' and '%s' overlap in the data buffer" % (n0, n1), path)
    return entries


class SafetensorsFile:
    """A validated, memory-mapped safetensors file; tensors are copied out on request."""

    def __init__(self, path):
        self.path = str(path)
        refuse_pickle(self.path)
        self._map = None
        try:
            self._fh = open(self.path, "rb")
        except OSError as exc:
            raise ExportError("cannot read file (%s)" % exc.strerror, path)
        try:
            self._open()
        except BaseException:
            self._fh.close()
            raise

    def _open(self):
        size = os.fstat(self._fh.fileno()).st_size
        n = _parse_header(self.path, size, self._fh.read(8))
        raw = self._fh.read(n)
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ExportError("malformed safetensors JSON header", self.path)
        if not isinstance(header, dict):
            raise ExportError("malformed safetensors JSON header (not an object)", self.path)
        self.metadata = header.get("__metadata__") or {}
        self._data_start = 8 + n
        self._entries = _validate_entries(self.path, header, size - self._data_start)
        if size > self._data_start:
            self._map = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ)

    def keys(self):
        return list(self._entries.keys())

    def __contains__(self, name):
        return name in self._entries

    def shape(self, name):
        return list(self._entries[name][1])

    def dtype(self, name):
        return self._entries[name][0]

    def get(self, name, float32=True):
        """Return tensor `name` as a fresh torch tensor (floats converted to float32 by default)."""
        dtype, shape, begin, end = self._entries[name]
        buf = b"" if end == begin else self._map[self._data_start + begin:self._data_start + end]
        if dtype == "BF16":
            u16 = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            arr = u16.view(np.float32)
        else:
            arr = np.frombuffer(buf, dtype=np.dtype(_NUMPY[dtype]).newbyteorder("<"))
            if float32 and dtype in ("F16", "F64"):
                arr = arr.astype(np.float32)
        tensor = torch.from_numpy(np.array(arr, copy=True)).reshape(shape)
        if not float32 and dtype == "BF16":
            tensor = tensor.to(torch.bfloat16)
        return tensor

    def load_all(self, float32=True):
        return {name: self.get(name, float32) for name in self._entries}

    def close(self):
        if self._map is not None:
            self._map.close()
        self._fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def load_file(path, float32=True):
    with SafetensorsFile(path) as f:
        return f.load_all(float32)


def save_file(tensors, path, metadata=None):
    """Write `tensors` (name -> torch tensor) in safetensors layout, sorted by name, 8-byte aligned."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:
            data = (t.view(torch.int16).numpy().astype("<i2")).tobytes()
        else:
            data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _TORCH_TO_ST[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)))
        fh.write(raw)
        for data in blobs:
            fh.write(data)
