"""Ember's checkpoint file: safetensors' layout, with the saved object's structure in its metadata.

A file is 8 bytes (the little-endian length of a JSON header), the header, then
the raw tensor bytes packed back to back. The header maps tensor keys to dtype,
shape and byte offsets, so any safetensors reader can read the tensors. A
tensor's key is where it sits in the saved object: a state_dict's own names
(``fc.weight``), dotted paths for nested checkpoints (``model.fc.weight``,
``optimizer.state.0.exp_avg``). Under ``__metadata__`` (string values only, as
safetensors requires) it holds:

- ``format`` and ``version``: what wrote the file;
- ``structure``: the saved object as JSON: dicts (int keys kept as ints),
  lists, tuples, numbers, strings, None, dtypes and references to tensors;
- ``sha256``: the digest of the whole file, computed while the 64 hex digits
  of the digest itself read '0'. Any flipped bit, in the header or the data,
  is caught.

A plain safetensors file (no Ember metadata: from the ``safetensors`` library,
from Hugging Face) reads as an ordered dict of its tensors, bfloat16 widened to
float32 (Ember has no bfloat16; the widening is exact).

Reading parses JSON and copies bytes; nothing in the file is executed. Every
size the header claims is checked against the file's own size before
anything is allocated, so a corrupt or hostile header costs no memory (a
hostile file can carry a valid digest: the checks never rely on it).
"""
import collections
import hashlib
import json
import math
import struct

import numpy as np

from . import _arraylib as B
from ._tensor import Tensor

FORMAT = "ember.checkpoint"
VERSION = 1
_ST_DTYPES = {"float32": "F32", "float64": "F64", "float16": "F16", "int64": "I64", "int32": "I32",
              "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL",
              # NumPy arrays in a checkpoint (np.random.get_state()) may also be unsigned:
              "uint16": "U16", "uint32": "U32", "uint64": "U64"}
_NP_DTYPES = {v: np.dtype(k).newbyteorder("<") for k, v in _ST_DTYPES.items()}
_NP_DTYPES["BF16"] = np.dtype("<u2")  # read from plain safetensors files only, widened to float32
_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit
_DIGEST_FIELD = b'"sha256":"'
_ZERO_DIGEST = "0" * 64


class CheckpointError(RuntimeError):
    """A file that cannot be loaded: truncated, corrupted, foreign, or asking to run code."""


# --------------------------------------------------------------------- writing


class _Writer:
    """Collects the arrays of one object as it is encoded; one key per distinct tensor, so an object
    saved twice (tied weights) is stored once, under its first name, and loads back as one object."""

    def __init__(self):
        self.keys = {}
        self.arrays = []
        self.names = {"__metadata__"}  # the header's keys so far
        self.open = set()  # ids of the containers being encoded: meeting one again is a cycle
        self._alive = []  # keeps keyed objects alive, so their ids stay unique while encoding

    def key(self, obj, array, path):
        key = self.keys.get(id(obj))
        if key is None:
            array = B.to_numpy(array)
            if not array.flags.c_contiguous:
                array = array.copy(order="C")
            if array.dtype.name not in _ST_DTYPES:
                raise TypeError(f"ember.save cannot store an array of dtype {array.dtype} at {_where(path)}")
            key = self.keys[id(obj)] = self._name(path)
            self.arrays.append((key, array.astype(array.dtype.newbyteorder("<"), copy=False)))
            self._alive.append(obj)
        return key

    def _name(self, path):
        """The tensor's dotted path, or a number where that is empty or taken (``{"a.b": x, "a": {"b": y}}``)."""
        name, n = ".".join(map(str, path)), len(self.arrays)
        while not name or name in self.names:
            name, n = str(n), n + 1
        self.names.add(name)
        return name


def _where(path):
    """``path`` as it reads in an error message: ``['model'][0]``."""
    return "".join(f"[{k!r}]" for k in path) or "top level"


def _encode(obj, w, path):
    """The JSON structure of ``obj``, its tensors collected by ``w``; ``path`` is the keys leading to ``obj``."""
    if isinstance(obj, Tensor):
        out = {"__tensor__": w.key(obj, obj._data, path)}
        if obj.requires_grad:
            out["requires_grad"] = True
        if type(obj) is not Tensor:
            out["class"] = type(obj).__name__
        return out
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer, np.bool_)):
        return bool(obj) if isinstance(obj, np.bool_) else int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else {"__float__": repr(f)}
    if isinstance(obj, np.ndarray):
        return {"__ndarray__": w.key(obj, obj, path)}
    if isinstance(obj, B.dtype):
        return {"__dtype__": obj.name}
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in w.open:
            raise TypeError(f"ember.save: the object at {_where(path)} contains itself; checkpoints hold "
                            "trees of values, not reference cycles")
        w.open.add(id(obj))
        try:
            return _encode_container(obj, w, path)
        finally:
            w.open.discard(id(obj))
    hint = " (save its state_dict() instead)" if hasattr(obj, "state_dict") else ""
    raise TypeError(f"ember.save cannot store an object of type {type(obj).__name__} at {_where(path)}"
                    f"{hint}: checkpoints hold tensors, numbers, strings, None, and dicts/lists/tuples of them "
                    "(no code)")


def _encode_container(obj, w, path):
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if isinstance(k, np.integer):
                k = int(k)
            elif not isinstance(k, (str, int)):
                raise TypeError(f"ember.save: dict keys must be str or int, got {type(k).__name__} key {k!r} at "
                                f"{_where(path)}")
            items.append([k, _encode(v, w, (*path, k))])
        return {"__ordered__" if isinstance(obj, collections.OrderedDict) else "__dict__": items}
    items = [_encode(v, w, (*path, i)) for i, v in enumerate(obj)]
    return items if isinstance(obj, list) else {"__tuple__": items}


def serialize(obj):
    """The bytes of ``obj``'s checkpoint file, as a list of buffers to write in order."""
    w = _Writer()
    structure = _encode(obj, w, ())
    header, offset = {}, 0
    for key, array in w.arrays:
        header[key] = {"dtype": _ST_DTYPES[array.dtype.name], "shape": list(array.shape),
                       "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    header["__metadata__"] = {"format": FORMAT, "version": str(VERSION), "sha256": _ZERO_DIGEST,
                              "structure": json.dumps(structure, separators=(",", ":"))}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # safetensors aligns the data section to 8 bytes
    parts = [struct.pack("<Q", len(head)), head] + [a.reshape(-1).view(np.uint8) for _, a in w.arrays]
    digest = hashlib.sha256()
    for p in parts:
        digest.update(p)
    parts[1] = head.replace(_DIGEST_FIELD + _ZERO_DIGEST.encode(), _DIGEST_FIELD + digest.hexdigest().encode(), 1)
    return parts


# --------------------------------------------------------------------- reading


def parse(buf, name):
    """The object stored in ``buf``, a writable buffer holding a whole file named ``name``.

    Raises CheckpointError naming the file and the problem for anything that is not an intact
    checkpoint. The tensors returned are views of ``buf`` where their alignment allows."""
    size = len(buf)
    if size < 8:
        raise CheckpointError(f"{name}: not an Ember checkpoint (the file is {size} bytes, too short for a header)")
    (n,) = struct.unpack_from("<Q", buf)
    if n > size - 8 or n > _MAX_HEADER:
        raise CheckpointError(f"{name}: truncated or not an Ember checkpoint (its first 8 bytes announce a "
                              f"{n}-byte header; the file holds {size} bytes)")
    head = bytes(buf[8:8 + n])
    try:
        header = json.loads(head)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise CheckpointError(f"{name}: not an Ember checkpoint (its header is not valid JSON)") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{name}: not an Ember checkpoint (its header is JSON but not an object)")
    meta = header.get("__metadata__")
    if meta is None or (isinstance(meta, dict) and "structure" not in meta and meta.get("format") != FORMAT):
        return _plain(buf, header, n, name)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{name}: not an Ember checkpoint (its header has no '{FORMAT}' format marker; "
                              "a bare safetensors file or another format?)")
    version = meta.get("version")
    if version != str(VERSION):
        newer = isinstance(version, str) and version.isdigit() and int(version) > VERSION
        raise CheckpointError(f"{name}: " + (f"written by a newer Ember (format version {version}; this Ember "
                                             f"reads version {VERSION})" if newer else
                                             f"unknown checkpoint format version {version!r}"))
    entries = _layout(header, size - 8 - n, name)
    _verify_digest(buf, n, meta.get("sha256"), name)
    arrays = {key: _array(buf, 8 + n + start, dtype, shape) for key, dtype, shape, start in entries}
    try:
        return _Decoder(arrays).decode(json.loads(meta["structure"]))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as e:
        raise CheckpointError(f"{name}: corrupt checkpoint structure ({type(e).__name__}: {e})") from None


def _plain(buf, header, n, name):
    """A safetensors file without Ember's metadata: its tensors by name, in the file's order."""
    entries = _layout(header, len(buf) - 8 - n, name)
    if not entries:
        raise CheckpointError(f"{name}: not a checkpoint (a safetensors header without Ember's metadata and without "
                              "tensors)")
    out = collections.OrderedDict()
    for key, dtype, shape, start in entries:
        kind = header[key]["dtype"]
        if kind in ("U16", "U32", "U64"):
            raise CheckpointError(f"{name}: tensor {key!r} has dtype {kind}, which Ember does not support")
        array = _array(buf, 8 + n + start, dtype, shape)
        if kind == "BF16":  # bfloat16 is the top half of a float32
            array = (array.astype(np.uint32) << 16).view(np.float32)
        out[key] = Tensor._wrap(array)
    return out


def _layout(header, body_size, name):
    """(key, dtype, shape, start) of every tensor, checked to tile the data section exactly."""
    entries, end = [], 0
    for key, info in header.items():
        if key == "__metadata__":
            continue
        try:
            dtype = _NP_DTYPES[info["dtype"]]
            shape = tuple(info["shape"])
            start, stop = info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f"{name}: corrupt header (entry {key!r} is {str(info)[:80]})") from None
        if not all(type(v) is int and v >= 0 for v in (*shape, start, stop)):
            raise CheckpointError(f"{name}: corrupt header (entry {key!r} has shape {list(shape)} and offsets "
                                  f"{[start, stop]}; sizes must be non-negative integers)")
        if stop - start != math.prod(shape) * dtype.itemsize:  # exact Python ints: no overflow to hide a lie
            raise CheckpointError(f"{name}: corrupt header (entry {key!r} of shape {list(shape)} and dtype "
                                  f"{info['dtype']} does not span its offsets {[start, stop]})")
        entries.append((key, dtype, shape, start))
        end = max(end, stop)
    entries.sort(key=lambda e: e[3])
    at = 0
    for key, dtype, shape, start in entries:
        if start != at:
            raise CheckpointError(f"{name}: corrupt header (tensor data overlaps or leaves gaps at byte {at})")
        at += math.prod(shape) * dtype.itemsize
    if end != body_size:
        what = "truncated" if end > body_size else "corrupt (the file is longer than its header says)"
        raise CheckpointError(f"{name}: {what}: its header describes {end} bytes of tensor data; the file holds "
                              f"{body_size}")
    return entries


def _verify_digest(buf, n, recorded, name):
    head = bytes(buf[8:8 + n])
    at = head.find(_DIGEST_FIELD)
    if not isinstance(recorded, str) or at < 0 or head[at + len(_DIGEST_FIELD):][:64] != recorded.encode():
        raise CheckpointError(f"{name}: corrupt header (no SHA-256 digest where the format puts it)")
    at += len(_DIGEST_FIELD)
    digest = hashlib.sha256()
    digest.update(memoryview(buf)[:8 + at])
    digest.update(_ZERO_DIGEST.encode())
    digest.update(memoryview(buf)[8 + at + 64:])
    if digest.hexdigest() != recorded:
        raise CheckpointError(f"{name}: checksum mismatch: the file is corrupt (its bytes do not match the "
                              "SHA-256 recorded when it was saved)")


def _array(buf, offset, dtype, shape):
    count = math.prod(shape)
    if count == 0:
        return np.empty(shape, dtype.newbyteorder("="))
    array = np.frombuffer(buf, dtype, count, offset)
    if not array.dtype.isnative or not array.flags.aligned:
        array = array.astype(dtype.newbyteorder("="))
    return array.reshape(shape)


class _Decoder:
    def __init__(self, arrays):
        self.arrays = arrays
        self.tensors = {}  # one Tensor per key: an object saved twice loads back as one

    def tensor(self, entry):
        key = entry["__tensor__"]
        t = self.tensors.get(key)
        if t is None:
            array = self.arrays[key]
            grad = B.from_np(array.dtype).is_floating_point and entry.get("requires_grad") is True
            if entry.get("class") == "Parameter":
                from .nn import Parameter

                t = Parameter(Tensor._wrap(array), requires_grad=grad)
            else:
                t = Tensor._wrap(array)
                t.requires_grad = grad
            self.tensors[key] = t
        return t

    def decode(self, obj):
        if isinstance(obj, list):
            return [self.decode(v) for v in obj]
        if not isinstance(obj, dict):
            return obj
        if "__tensor__" in obj:
            return self.tensor(obj)
        if "__dict__" in obj:
            return {k: self.decode(v) for k, v in obj["__dict__"]}
        if "__ordered__" in obj:
            return collections.OrderedDict((k, self.decode(v)) for k, v in obj["__ordered__"])
        if "__tuple__" in obj:
            return tuple(self.decode(v) for v in obj["__tuple__"])
        if "__ndarray__" in obj:
            return self.arrays[obj["__ndarray__"]]
        if "__float__" in obj:
            return float(obj["__float__"])
        if "__dtype__" in obj:
            return B.to_dtype(obj["__dtype__"])
        raise ValueError(f"unknown entry {sorted(obj)[:3]}")
