"""A second array backend that runs on the CPU and, like CuPy, refuses to mix with NumPy arrays.

``StrictArray`` is an ``ndarray`` subclass: NumPy computes on it, but every ufunc, array
function, index and assignment that is handed a plain NumPy array raises ``TypeError``
(CuPy raises for a host array the same way). Its module ``xp`` allocates strict arrays.
``install()`` registers it with Ember as a test-only device (``device="strict"``); an
op that allocates on the host, or that mixes a host array into device data, fails on it
where it would fail on a GPU. ``install("cuda")`` stands it in for CuPy, so programs that
move their model with ``.cuda()`` run on it unchanged.
"""
import sys
import types

import numpy as np

from ember import _arraylib as B


class StrictArray(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if any(_foreign(x) for x in inputs):
            return NotImplemented  # another library's type (a Tensor) handles the call
        _refuse_host(inputs, kwargs)
        out = kwargs.get("out")
        result = getattr(ufunc, method)(*_host(inputs), **_host(kwargs))
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _strict(result)

    def __array_function__(self, func, types, args, kwargs):
        if not all(issubclass(t, np.ndarray) for t in types):
            return NotImplemented
        _refuse_host(args, kwargs)
        result = func(*_host(args), **_host(kwargs))
        out = kwargs.get("out")
        return out if out is not None else _strict(result)

    def __getitem__(self, key):
        _refuse_host(key)
        return _strict(np.ndarray.__getitem__(self.view(np.ndarray), _host(key)))

    def __setitem__(self, key, value):
        _refuse_host((key, value))
        np.ndarray.__setitem__(self.view(np.ndarray), _host(key), _host(value))

    def get(self):
        """The host copy (CuPy's name for it)."""
        return np.array(self.view(np.ndarray))


def _foreign(x):
    return not isinstance(x, np.ndarray) and hasattr(type(x), "__array_ufunc__") and \
        type(x).__array_ufunc__ is not None and not isinstance(x, np.generic)


def _refuse_host(*objs):
    for x in objs:
        if isinstance(x, np.ndarray) and not isinstance(x, StrictArray):
            raise TypeError(f"strict backend: a host (NumPy) array of shape {x.shape} was mixed into device data "
                            f"at {_caller()}")
        if isinstance(x, (tuple, list)):
            _refuse_host(*x)
        elif isinstance(x, dict):
            _refuse_host(*x.values())


def _caller():
    """Where the mixing happened: the innermost frame outside this file and NumPy."""
    frame = sys._getframe(1)
    while frame and (frame.f_code.co_filename == __file__ or "/numpy/" in frame.f_code.co_filename):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame else "?"


def _host(x):
    """The same memory as plain NumPy arrays, for NumPy to compute on."""
    if isinstance(x, StrictArray):
        return x.view(np.ndarray)
    if isinstance(x, tuple):
        return tuple(_host(v) for v in x)
    if isinstance(x, list):
        return [_host(v) for v in x]
    if isinstance(x, dict):
        return {k: _host(v) for k, v in x.items()}
    return x


def _strict(x):
    """Arrays (and NumPy scalars, which CuPy returns as 0-dim arrays) as strict arrays."""
    if type(x) is np.ndarray:
        return x.view(StrictArray)
    if isinstance(x, np.generic):
        return np.asarray(x).view(StrictArray)
    if isinstance(x, tuple):
        return tuple(_strict(v) for v in x)
    if isinstance(x, list):
        return [_strict(v) for v in x]
    return x


class _Function:
    def __init__(self, fn, transfers=False):
        self._fn, self._transfers = fn, transfers

    def __call__(self, *args, **kwargs):
        if not self._transfers:
            _refuse_host(args, kwargs)
        return _strict(self._fn(*_host(args), **_host(kwargs)))

    def __getattr__(self, name):  # ufunc methods: xp.add.at, xp.maximum.reduce
        attr = getattr(self._fn, name)
        return _Function(attr) if callable(attr) else attr


class _Module:
    """NumPy's namespace with strict arrays in and out; ``asarray``/``array`` copy host data in."""

    _TRANSFERS = ("asarray", "array", "asanyarray")

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        if name == "ndarray":
            return StrictArray
        attr = getattr(self._module, name)
        if isinstance(attr, types.ModuleType):
            return _Module(attr)
        if isinstance(attr, type) or not callable(attr):
            return attr  # dtypes, constants
        return _Function(attr, transfers=name in self._TRANSFERS)


xp = _Module(np)


def _from_host(array, device):
    return np.array(array).view(StrictArray)


def install(device_type="strict"):
    """Register the strict backend as ``device_type``'s array library."""
    index = 0 if device_type == "cuda" else None  # CuPy's arrays know their GPU
    B.register_backend(B.ArrayBackend(device_type, xp, StrictArray, _from_host, StrictArray.get,
                                      lambda array: B.device(device_type, index)))


if __name__ == "__main__":  # python tests/strict_backend.py SCRIPT [ARGS]: a PyTorch program with "cuda" on it
    from ember.run import run

    install("cuda")
    sys.exit(run(sys.argv[1], sys.argv[2:]))
