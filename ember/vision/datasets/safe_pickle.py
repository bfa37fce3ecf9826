"""Reading data pickles (CIFAR's batches) without running anything from the file.

A pickle is a program: its GLOBAL and REDUCE opcodes import and call any
function, which is how a hostile file runs ``os.system``. This unpickler
resolves only the few names NumPy's and Python's own pickles of arrays and bytes
use, each to a stand-in written here that can build nothing but a plain NumPy
array or a bytes object; every other name is refused before anything is called.
What comes out is made of dicts, lists, tuples, numbers, strings, bytes and
arrays of plain numeric dtypes.
"""
import io
import pickle

import numpy as np


class RefusedPickleError(pickle.UnpicklingError):
    """The pickle asks for something other than plain data."""


class _DType:
    """numpy.dtype(code, align, copy) followed by BUILD with its state: only plain numeric codes."""

    def __init__(self, code, align=False, copy=True):
        try:
            dtype = np.dtype(code) if isinstance(code, str) and code[:1] in "biufc" else None
        except TypeError:
            dtype = None
        if dtype is None or dtype.kind not in "biufc":
            raise RefusedPickleError(f"refused: the array dtype {code!r} is not a plain numeric one")
        self.dtype = dtype

    def __setstate__(self, state):
        byteorder = state[1] if isinstance(state, tuple) and len(state) > 1 else "|"
        if byteorder in "<>":
            self.dtype = self.dtype.newbyteorder(byteorder)


class _Array:
    """numpy's _reconstruct(ndarray, (0,), b'b') followed by BUILD with (version, shape, dtype, fortran, raw)."""

    def __setstate__(self, state):
        if not (isinstance(state, tuple) and len(state) == 5 and isinstance(state[2], _DType)):
            raise RefusedPickleError("refused: an array whose state is not (version, shape, dtype, order, data)")
        _, shape, dtype, fortran, raw = state
        if isinstance(raw, str):  # written by Python 2: the bytes arrive as a latin-1 string
            raw = raw.encode("latin1")
        if not isinstance(raw, (bytes, bytearray)) or not all(isinstance(n, int) and n >= 0 for n in shape):
            raise RefusedPickleError("refused: an array whose data is not raw bytes of a valid shape")
        count = int(np.prod(shape, dtype=object))
        if count * dtype.dtype.itemsize != len(raw):
            raise pickle.UnpicklingError(f"an array of shape {tuple(shape)} and dtype {dtype.dtype} needs "
                                         f"{count * dtype.dtype.itemsize} bytes, the file holds {len(raw)}")
        array = np.frombuffer(raw, dtype.dtype, count).reshape(shape, order="F" if fortran else "C")
        self.array = array.astype(dtype.dtype.newbyteorder("="))  # writable, native byte order


class _NDArrayName:
    """What the name numpy.ndarray resolves to: an argument for _reconstruct, never callable."""

    def __call__(self, *args):
        raise RefusedPickleError("refused: the pickle calls numpy.ndarray directly")


_NDARRAY = _NDArrayName()


def _reconstruct(cls, shape, typecode):
    if cls is not _NDARRAY:
        raise RefusedPickleError("refused: _reconstruct of something other than numpy.ndarray")
    return _Array()


def _frombuffer(buffer, dtype, shape, order):
    """NumPy's pickle of an array at protocol 5."""
    array = _Array()
    array.__setstate__((1, shape, dtype, order == "F", bytes(buffer)))
    return array


def _encode(text, encoding="latin1"):
    """Python 3's pickle of bytes at protocol < 3: _codecs.encode(str, 'latin1')."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise RefusedPickleError("refused: _codecs.encode other than of a string to latin-1")
    return text.encode("latin1")


def _empty_bytes(*args):
    """Python 3's pickle of b'' at protocol < 3: bytes()."""
    if args:
        raise RefusedPickleError("refused: bytes() called with arguments")
    return b""


_ALLOWED = {("numpy", "ndarray"): _NDARRAY, ("numpy", "dtype"): _DType,
            ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
            ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
            ("numpy.core.numeric", "_frombuffer"): _frombuffer, ("numpy._core.numeric", "_frombuffer"): _frombuffer,
            ("_codecs", "encode"): _encode, ("__builtin__", "bytes"): _empty_bytes, ("builtins", "bytes"): _empty_bytes}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _ALLOWED[module, name]
        except KeyError:
            raise RefusedPickleError(f"refused: the pickle asks for {module}.{name}; data pickles may only "
                                     f"hold dicts, lists, numbers, strings, bytes and arrays") from None

    def persistent_load(self, pid):
        raise RefusedPickleError("refused: the pickle refers to persistent objects")


def _unwrap(obj):
    """Replace the stand-ins by the arrays they built, through dicts, lists and tuples."""
    if isinstance(obj, _Array):
        if not hasattr(obj, "array"):
            raise RefusedPickleError("refused: an array that was never given its data")
        return obj.array
    if isinstance(obj, _DType):
        return obj.dtype
    if isinstance(obj, dict):
        return {_unwrap(k): _unwrap(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unwrap(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_unwrap(v) for v in obj)
    if obj is _NDARRAY:
        raise RefusedPickleError("refused: a bare numpy.ndarray class is not data")
    return obj


def loads(data, encoding="latin1"):
    """The plain data pickled in ``data``; RefusedPickleError for anything that would import or call
    more than NumPy's array reconstruction."""
    return _unwrap(_Unpickler(io.BytesIO(data), encoding=encoding).load())


def load(path, encoding="latin1"):
    """The plain data pickled in the file ``path``, read as :func:`loads` reads bytes."""
    with open(path, "rb") as f:
        return loads(f.read(), encoding)
