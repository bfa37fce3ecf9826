"""``ember.save`` / ``ember.load``: checkpoints that store no code.

A file is laid out like a safetensors file: 8 bytes giving the length of a JSON
header, the header, then the raw tensor bytes. The header maps tensor keys to
dtype, shape and byte offsets (so other safetensors readers can read the
tensors) and, under ``__metadata__``, holds Ember's format version, a SHA-256
of the tensor bytes, and the saved object's structure as JSON: dicts, lists,
tuples, numbers, strings, None and references to tensors. Loading parses JSON
and copies bytes; nothing in the file is ever executed.

Writes go to a temporary file in the target's directory, are flushed and
fsynced, then renamed over the target, so a crash never leaves a torn file.
"""
import collections
import hashlib
import io
import json
import os
import struct
import tempfile

import numpy as np

from . import _backend as B
from ._tensor import Tensor

FORMAT = "ember.checkpoint"
VERSION = 1
_ST_DTYPES = {"float32": "F32", "float64": "F64", "float16": "F16", "int64": "I64", "int32": "I32",
              "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}
_NP_DTYPES = {v: k for k, v in _ST_DTYPES.items()}
_MAX_HEADER = 100 * 1024 * 1024


class CheckpointError(RuntimeError):
    """A file that is not a valid Ember checkpoint (truncated, corrupted, foreign)."""


def _encode(obj, tensors, path):
    """The JSON structure of ``obj``; tensors are appended to ``tensors`` and referenced by key."""
    if isinstance(obj, Tensor):
        key = str(len(tensors))
        tensors.append((key, obj))
        out = {"__tensor__": key}
        if obj.requires_grad:
            out["requires_grad"] = True
        if type(obj) is not Tensor:
            out["class"] = type(obj).__name__
        return out
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if np.isfinite(f) else {"__float__": repr(f)}
    if isinstance(obj, np.ndarray):
        return {"__ndarray__": _encode(Tensor._wrap(obj), tensors, path)["__tensor__"]}
    if isinstance(obj, B.dtype):
        return {"__dtype__": obj.name}
    if isinstance(obj, dict):
        if not all(isinstance(k, (str, int)) for k in obj):
            raise TypeError(f"ember.save: dict keys must be str or int at {path or 'top level'}")
        kind = "ordered" if isinstance(obj, collections.OrderedDict) else "dict"
        return {"__" + kind + "__": [[k, _encode(v, tensors, f"{path}[{k!r}]")] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, tensors, f"{path}[{i}]") for i, v in enumerate(obj)]
        return items if type(obj) is list else {"__tuple__": items}
    raise TypeError(f"ember.save cannot store an object of type {type(obj).__name__} at {path or 'top level'}: "
                    "checkpoints hold tensors, numbers, strings, None, and dicts/lists/tuples of them (no code)")


def _decode(obj, tensors):
    if isinstance(obj, list):
        return [_decode(v, tensors) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__tensor__" in obj:
        t = tensors[obj["__tensor__"]]
        if obj.get("class") == "Parameter":
            from .nn import Parameter

            return Parameter(t, requires_grad=obj.get("requires_grad", False))
        if obj.get("requires_grad"):
            t.requires_grad = True
        return t
    if "__ndarray__" in obj:
        return tensors[obj["__ndarray__"]]._data
    if "__float__" in obj:
        return float(obj["__float__"])
    if "__dtype__" in obj:
        return B.to_dtype(obj["__dtype__"])
    if "__tuple__" in obj:
        return tuple(_decode(v, tensors) for v in obj["__tuple__"])
    if "__ordered__" in obj:
        return collections.OrderedDict((k, _decode(v, tensors)) for k, v in obj["__ordered__"])
    if "__dict__" in obj:
        return {k: _decode(v, tensors) for k, v in obj["__dict__"]}
    raise CheckpointError(f"unknown entry in checkpoint structure: {sorted(obj)[:3]}")


def _serialize(obj):
    tensors = []
    structure = _encode(obj, tensors, "")
    header, blobs, offset = {}, [], 0
    digest = hashlib.sha256()
    for key, t in tensors:
        arr = np.ascontiguousarray(B.to_numpy(t._data))
        raw = arr.tobytes()
        header[key] = {"dtype": _ST_DTYPES[arr.dtype.name], "shape": list(arr.shape),
                       "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        digest.update(raw)
        blobs.append(raw)
    header["__metadata__"] = {"format": FORMAT, "version": str(VERSION), "sha256": digest.hexdigest(),
                              "structure": json.dumps(structure)}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # safetensors aligns the data section to 8 bytes
    return [struct.pack("<Q", len(head)), head] + blobs


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Save tensors / state dicts / checkpoints to a path or a binary file object."""
    parts = _serialize(obj)
    if not isinstance(f, (str, os.PathLike)):
        for p in parts:
            f.write(p)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            for p in parts:
                out.write(p)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _read_all(f):
    if isinstance(f, (str, os.PathLike)):
        name = os.fspath(f)
        with open(name, "rb") as fh:
            return fh.read(), name
    return f.read(), getattr(f, "name", "<file object>")


def load(f, map_location=None, pickle_module=None, weights_only=None, mmap=None, **kwargs):
    """Load what ``save`` wrote (or a PyTorch ``.pt`` state dict, read without unpickling code)."""
    data, name = _read_all(f)
    if data[:2] == b"PK":
        from ._torch_import import load_torch_zip

        obj = load_torch_zip(io.BytesIO(data), name)
    else:
        obj = _parse(data, name)
    if map_location is not None:
        obj = _map(obj, map_location)
    return obj


def _parse(data, name):
    if len(data) < 8:
        raise CheckpointError(f"{name}: not an Ember checkpoint (file is {len(data)} bytes, too short for a header)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(_MAX_HEADER, len(data) - 8):
        raise CheckpointError(f"{name}: not an Ember checkpoint or truncated (header length {n} exceeds the file)")
    try:
        header = json.loads(data[8:8 + n])
        meta = header.pop("__metadata__")
    except (ValueError, KeyError, TypeError):
        raise CheckpointError(f"{name}: not an Ember checkpoint (header is not valid JSON)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{name}: not an Ember checkpoint (no '{FORMAT}' format marker)")
    if int(meta.get("version", 0)) > VERSION:
        raise CheckpointError(f"{name}: written by a newer Ember (format version {meta['version']} > {VERSION})")
    body = memoryview(data)[8 + n:]
    digest = hashlib.sha256()
    tensors = {}
    try:
        for key, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
            start, end = info["data_offsets"]
            dt = np.dtype(_NP_DTYPES[info["dtype"]])
            shape = tuple(int(s) for s in info["shape"])
            if not 0 <= start <= end <= len(body) or int(np.prod(shape)) * dt.itemsize != end - start:
                raise CheckpointError(f"{name}: truncated or corrupt (tensor {key} lies outside the file)")
            digest.update(body[start:end])
            tensors[key] = Tensor._wrap(np.frombuffer(body[start:end], dtype=dt).reshape(shape).copy())
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(f"{name}: corrupt header ({e!r})") from None
    if digest.hexdigest() != meta.get("sha256"):
        raise CheckpointError(f"{name}: checksum mismatch: the file is corrupt (its tensor bytes do not match the "
                              "SHA-256 recorded when it was saved)")
    try:
        return _decode(json.loads(meta["structure"]), tensors)
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise CheckpointError(f"{name}: corrupt structure ({e!r})") from None


def _map(obj, location):
    if isinstance(obj, Tensor):
        dev = location if not callable(location) else None
        if isinstance(location, dict):
            dev = location.get(str(obj.device), None)
        return obj.to(dev) if dev is not None else obj
    if isinstance(obj, dict):
        return type(obj)((k, _map(v, location)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_map(v, location) for v in obj)
    return obj
