"""Read PyTorch's ``torch.save`` files without PyTorch and without running code from them.

A ``.pt`` file is a zip holding ``<dir>/data.pkl`` (a pickle describing the
object) and one raw file per storage (``<dir>/data/<key>``); files from
PyTorch before 1.6 (or saved with ``_use_new_zipfile_serialization=False``)
are a row of pickles followed by the raw storages. Both are read by an
unpickler that knows a short allow-list of names (tensor rebuild functions,
storage types, dtypes, OrderedDict, sets) and refuses every other global, so a
hostile file fails before anything in it runs, with an error naming what it
tried to load.

Sizes are checked before memory is committed: a storage must hold the number
of elements its record claims, a tensor's view must lie inside its storage,
and compressed zip entries may not expand far beyond the file (decompression
bombs). Tensors that share a storage in the file share memory once loaded, as
in PyTorch.
"""
import collections
import io
import math
import pickle
import re
import zipfile

import numpy as np

from . import _arraylib as B
from ._checkpoint_format import CheckpointError
from ._tensor import Size, Tensor

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16, "LongStorage": np.int64,
    "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
_UNSUPPORTED_STORAGES = {"BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
                         "ComplexDoubleStorage": "complex128",
                         **{f"{q}Storage": "quantized" for q in ("QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4")}}
_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001
_BOMB_FLOOR = 256 * 1024 * 1024  # compressed entries may expand to this much, or 32 times the file
_MAX_EXPANDED = 1 << 24  # elements an expanded view (stride 0) may show beyond its storage's own


class UnsafeCheckpointError(CheckpointError):
    """The file asks to import or call something other than tensors and plain containers."""


class _StorageType:
    def __init__(self, name):
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name])

    def __repr__(self):
        return f"torch.{self.name}"


class _Storage:
    """One storage's elements: a flat writable array that the tensors built on it view."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                    metadata=None):
    """A tensor viewing ``storage`` (PyTorch's ``_rebuild_tensor_v2``), after checking that every
    element it addresses lies inside the storage."""
    if not isinstance(storage, _Storage):
        raise ValueError(f"a tensor record whose storage is a {type(storage).__name__}")
    dims = (storage_offset, *size, *stride)
    if not (all(type(v) is int and v >= 0 for v in dims) and len(size) == len(stride)):
        raise ValueError(f"a tensor record with offset {storage_offset!r}, size {size!r}, stride {stride!r}")
    base = storage.array
    if math.prod(size) == 0:
        array = np.empty(size, base.dtype)
    else:
        last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= base.size:
            raise ValueError(f"a tensor of size {tuple(size)}, stride {tuple(stride)} and offset {storage_offset} "
                             f"reaches element {last} of a storage of {base.size}")
        overlap = _may_overlap(size, stride)
        if overlap and math.prod(size) > max(base.size, _MAX_EXPANDED):
            raise ValueError(f"an expanded tensor of size {tuple(size)} over a storage of {base.size} elements")
        array = np.lib.stride_tricks.as_strided(base[storage_offset:], size, [s * base.itemsize for s in stride],
                                                writeable=not overlap)
    t = Tensor._wrap(array)
    t.requires_grad = requires_grad is True and base.dtype.kind == "f"
    return t


def _may_overlap(size, stride):
    """Whether two indices may address one element (an expanded tensor): such views are read-only."""
    extent = 0
    for s, n in sorted((s, n) for n, s in zip(size, stride) if n > 1):
        if s <= extent:
            return True
        extent += (n - 1) * s
    return False


def _rebuild_parameter(data, requires_grad, backward_hooks=None, *rest):
    from .nn import Parameter

    if not isinstance(data, Tensor):
        raise ValueError(f"a Parameter record holding a {type(data).__name__}")
    return Parameter(data, requires_grad=requires_grad is True and data.dtype.is_floating_point)


def _encode_latin1(text, encoding="latin1"):
    """``_codecs.encode``: how protocol-2 pickles store bytes. Only the one codec they use is allowed."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise ValueError(f"_codecs.encode with encoding {encoding!r}")
    return text.encode("latin1")


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch", "Size"): Size,
    ("torch", "device"): B.device,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("_codecs", "encode"): _encode_latin1,
    **{("torch", d.name): d for d in B._ALL},
}
# A first pass over a legacy file learns the storages' sizes and builds no tensor.
_DRY_RUN = {**_ALLOWED, ("torch._utils", "_rebuild_tensor_v2"): lambda *args: None,
            ("torch._utils", "_rebuild_parameter"): lambda *args: None}


class _Unpickler(pickle.Unpickler):
    """Unpickles only what ``allowed`` names; storages come from ``storage(type, key, numel)``."""

    def __init__(self, fh, name, storage, allowed=_ALLOWED):
        super().__init__(fh)
        self._name, self._storage, self._allowed = name, storage, allowed

    def find_class(self, module, name):
        module = "builtins" if module == "__builtin__" else module  # protocol 2's name for it
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if module == "torch" and name in _UNSUPPORTED_STORAGES:
            raise CheckpointError(f"{self._name}: holds {_UNSUPPORTED_STORAGES[name]} tensors, which Ember does not "
                                  "support")
        if (module, name) in self._allowed:
            return self._allowed[(module, name)]
        hint = ""
        if module.startswith("torch.nn.modules") or module.startswith("torch.optim"):
            hint = " (the file holds a whole pickled object: save its state_dict() with torch.save instead)"
        raise UnsafeCheckpointError(f"{self._name}: refusing to load '{module}.{name}': Ember reads only tensors "
                                    f"and plain containers from PyTorch files, and runs no code from them{hint}")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"):
            raise UnsafeCheckpointError(f"{self._name}: refusing an unknown persistent record {str(pid)[:80]}")
        stype, key, numel = pid[1], pid[2], pid[4]
        if not isinstance(stype, _StorageType) or not isinstance(key, str) or not _KEY.fullmatch(key):
            raise UnsafeCheckpointError(f"{self._name}: refusing a storage record {str(pid)[:80]}")
        if type(numel) is not int or numel < 0 or (len(pid) == 6 and pid[5] is not None):
            raise CheckpointError(f"{self._name}: unsupported or corrupt storage record {str(pid)[:80]}")
        return self._storage(stype, key, numel)

    def load_checked(self):
        """``load()``, with every failure reported as a CheckpointError naming the file."""
        try:
            return self.load()
        except CheckpointError:
            raise
        except MemoryError:  # the pickle is in memory already: only a lying byte count asks for this much
            raise CheckpointError(f"{self._name}: corrupt PyTorch checkpoint (a record in it claims more memory "
                                  "than there is)") from None
        except Exception as e:  # a broken or hostile pickle stream (RecursionError included)
            raise CheckpointError(f"{self._name}: corrupt PyTorch checkpoint ({type(e).__name__}: {e})") from None


def _storage_array(stype, numel, raw, name, key, byteorder="little"):
    if len(raw) != numel * stype.dtype.itemsize:
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (storage {key} holds {len(raw)} bytes; its "
                              f"record claims {numel} {stype.name} elements)")
    dtype = stype.dtype.newbyteorder("<" if byteorder == "little" else ">")
    array = np.frombuffer(raw, dtype)
    return _Storage(array if dtype.isnative else array.astype(stype.dtype))


# --------------------------------------------------------------------- zip files (PyTorch 1.6 and later)


def load_zip(fh, name):
    try:
        archive = zipfile.ZipFile(fh)
        infos = archive.infolist()
    except Exception as e:  # zipfile raises many types on a damaged archive
        raise CheckpointError(f"{name}: not a readable PyTorch checkpoint (damaged zip archive: {e})") from None
    size = fh.seek(0, 2)
    _check_entries(infos, size, name)
    pickles = [i.filename for i in infos if re.fullmatch(r"[^/]+/data\.pkl", i.filename)]
    if len(pickles) != 1:
        raise CheckpointError(f"{name}: a zip archive but not a PyTorch checkpoint (it should hold one "
                              f"<dir>/data.pkl; found {len(pickles)})")
    prefix = pickles[0][:-len("data.pkl")]
    try:
        byteorder = archive.read(prefix + "byteorder").decode() if prefix + "byteorder" in archive.NameToInfo \
            else "little"
    except Exception as e:
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint ({type(e).__name__}: {e})") from None
    if byteorder not in ("little", "big"):
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (byte order {byteorder[:20]!r})")
    storages = {}

    def storage(stype, key, numel):
        if key not in storages:
            try:
                info = archive.getinfo(f"{prefix}data/{key}")
                raw = bytearray(info.file_size)  # bounded: _check_entries compared it with the file
                with archive.open(info) as entry:
                    if entry.readinto(raw) != len(raw) or entry.read(1):
                        raise ValueError("its size differs from the zip directory's")
            except KeyError:
                raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (storage {key} is missing)") from None
            except Exception as e:
                raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (storage {key}: {e})") from None
            storages[key] = (stype, _storage_array(stype, numel, raw, name, key, byteorder))
        if storages[key][0].name != stype.name:
            raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (storage {key} is read with two dtypes)")
        return storages[key][1]

    try:  # read whole, so that its CRC is checked (the unpickler may stop before the end)
        pkl = io.BytesIO(archive.read(pickles[0]))
    except Exception as e:
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint ({type(e).__name__}: {e})") from None
    return _Unpickler(pkl, name, storage).load_checked()


def _check_entries(infos, size, name):
    """Refuse entry names that climb out of the archive and sizes the file cannot back."""
    expanded = 0
    for i in infos:
        if i.filename.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", i.filename):
            raise UnsafeCheckpointError(f"{name}: refusing a zip entry named {i.filename[:80]!r} (a path outside "
                                        "the archive)")
        if i.compress_size > size or (i.compress_type == zipfile.ZIP_STORED and i.file_size != i.compress_size):
            raise CheckpointError(f"{name}: corrupt zip archive (entry {i.filename[:80]!r} claims "
                                  f"{i.file_size} bytes in a {size}-byte file)")
        if i.compress_type != zipfile.ZIP_STORED:
            expanded += i.file_size
    if expanded > max(_BOMB_FLOOR, 32 * size):
        raise UnsafeCheckpointError(f"{name}: refusing a zip archive whose compressed entries would expand to "
                                    f"{expanded} bytes from a {size}-byte file (a decompression bomb?)")


# --------------------------------------------------------------------- legacy files (before PyTorch 1.6)


def load_legacy(fh, name):
    """A file of pickles: magic number, protocol, system info, the object, its storage keys; then
    each storage as an 8-byte element count and its raw bytes."""
    fh = io.BytesIO(fh.read())  # in memory, a lying byte count in a pickle allocates nothing

    def plain():
        return _Unpickler(fh, name, _no_storage(name)).load_checked()

    magic = plain()
    if magic != _LEGACY_MAGIC:
        raise CheckpointError(f"{name}: a pickle file, not a checkpoint (Ember does not unpickle arbitrary files: "
                              "they can run code)")
    protocol = plain()
    if protocol != _LEGACY_PROTOCOL:
        raise CheckpointError(f"{name}: unsupported PyTorch legacy format (protocol {str(protocol)[:20]})")
    info = plain()
    if not isinstance(info, dict):
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (its system information is a "
                              f"{type(info).__name__})")
    byteorder = "little" if info.get("little_endian", True) else "big"
    start = fh.tell()
    claims = {}

    def claim(stype, key, numel):
        if claims.setdefault(key, (stype.name, numel)) != (stype.name, numel):
            raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (storage {key} has two records)")

    _Unpickler(fh, name, claim, _DRY_RUN).load_checked()
    keys = plain()
    if not (isinstance(keys, list) and len(keys) == len(claims) and set(keys) == set(claims)):
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (its storage list does not match its records)")
    storages = {}
    for key in keys:
        stype, numel = _StorageType(claims[key][0]), claims[key][1]
        count = int.from_bytes(fh.read(8), byteorder, signed=True)
        if count != numel:
            raise CheckpointError(f"{name}: truncated or corrupt PyTorch checkpoint (storage {key} announces {count} "
                                  f"elements; its record claims {numel})")
        nbytes = numel * stype.dtype.itemsize
        raw = bytearray(fh.read(nbytes) if nbytes <= _remaining(fh) else b"")  # never allocate what isn't there
        storages[key] = _storage_array(stype, numel, raw, name, key, byteorder)
    end = fh.tell()
    fh.seek(start)
    obj = _Unpickler(fh, name, lambda stype, key, numel: storages[key]).load_checked()
    fh.seek(end)
    return obj


def _no_storage(name):
    def refuse(stype, key, numel):
        raise CheckpointError(f"{name}: corrupt PyTorch checkpoint (a storage record outside the object)")
    return refuse


def _remaining(fh):
    here = fh.tell()
    size = fh.seek(0, 2)
    fh.seek(here)
    return size - here
