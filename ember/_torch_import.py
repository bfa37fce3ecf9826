"""Read PyTorch's ``torch.save`` zip files without PyTorch and without running their code.

A ``.pt`` file is a zip holding ``data.pkl`` (a pickle describing the object)
and one raw file per storage. The pickle is read by an unpickler that knows a
short allow-list of names (tensor rebuild functions, storage types,
OrderedDict) and refuses every other global, so a malicious file cannot
execute anything: it fails with an error naming what it tried to load.
"""
import collections
import pickle
import zipfile

import numpy as np

from ._tensor import Tensor

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16, "LongStorage": np.int64,
    "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
    "BoolStorage": np.bool_, "BFloat16Storage": None,
}


class UnsafeCheckpointError(RuntimeError):
    """The file asks to load something that is not tensors and plain containers."""


class _StorageType:
    def __init__(self, name):
        self.dtype = _STORAGE_DTYPES[name]
        if self.dtype is None:
            raise UnsafeCheckpointError(f"{name} tensors are not supported by Ember")


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    itemsize = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                           strides=tuple(s * itemsize for s in stride))
    t = Tensor._wrap(view.copy())
    t.requires_grad = bool(requires_grad) and t._data.dtype.kind == "f"
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None, *rest):
    from .nn import Parameter

    return Parameter(data, requires_grad=requires_grad)


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("torch", "Size"): tuple,
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh, archive, prefix, name):
        super().__init__(fh)
        self._zip, self._prefix, self._name = archive, prefix, name
        self._storages = {}

    def find_class(self, module, name):
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        raise UnsafeCheckpointError(f"{self._name}: refusing to load '{module}.{name}': Ember reads only tensors "
                                    "and plain containers from PyTorch files (no code is ever run)")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise UnsafeCheckpointError(f"{self._name}: unexpected persistent id {pid!r}")
        _, stype, key, _location, _numel = pid
        if key not in self._storages:
            raw = self._zip.read(f"{self._prefix}data/{key}")
            self._storages[key] = np.frombuffer(raw, dtype=stype.dtype)
        return self._storages[key]


def load_torch_zip(fileobj, name):
    try:
        archive = zipfile.ZipFile(fileobj)
        pkl = next(n for n in archive.namelist() if n.endswith("data.pkl"))
    except (zipfile.BadZipFile, StopIteration):
        raise RuntimeError(f"{name}: not a readable PyTorch checkpoint (bad zip or no data.pkl)") from None
    prefix = pkl[: -len("data.pkl")]
    with archive.open(pkl) as fh:
        try:
            return _Unpickler(fh, archive, prefix, name).load()
        except UnsafeCheckpointError:
            raise
        except Exception as e:  # a broken pickle stream: report it as a corrupt file
            raise RuntimeError(f"{name}: corrupt PyTorch checkpoint ({type(e).__name__}: {e})") from None
