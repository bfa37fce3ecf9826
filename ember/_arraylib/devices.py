"""Devices and their array modules: ``get_array_module`` (the ``xp`` idiom), the registry of array
backends (NumPy for ``cpu``, CuPy for ``cuda``, test backends), the default device, and the only
copies between host and device."""
import numpy as np

from .dtypes import _py_int

_DEVICE_TYPES = ["cpu", "cuda", "mps", "meta"]  # registered backends add theirs


class device:
    """``ember.device('cpu')``, ``ember.device('cuda:0')``, ``ember.device('cuda', 1)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - PyTorch's argument name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, _py_int):
            type, index = "cuda", type
        if ":" in type:
            type, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = _py_int(idx)
        if type not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                               f"{type}")
        self.type, self.index = type, index

    def __repr__(self):
        return f"device(type='{self.type}'" + ("" if self.index is None else f", index={self.index}") + ")"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __enter__(self):
        """``with ember.device("cuda"):`` makes this the default device of new tensors, as in PyTorch."""
        _default_device.append(None if self.type == "cpu" else self)
        return self

    def __exit__(self, *exc):
        _default_device.pop()
        return False


CPU = device("cpu")
_default_device = [None]  # the device factory functions allocate on when given none (None: the CPU)


def get_default_device():
    """The device new tensors go to when none is named (the CPU unless :func:`ember.set_default_device` changed it)."""
    return _default_device[-1] or CPU


def set_default_device(dev):
    """Makes ``dev`` the device of new tensors when none is named; None (or the CPU) restores the CPU."""
    dev = None if dev is None else device(dev)
    _default_device[-1] = None if dev is None or dev.type == "cpu" else dev


def default_device():
    """The device to allocate on when none is named: None for the CPU (no move needed)."""
    return _default_device[-1]


# --------------------------------------------------------------------- array modules


class ArrayBackend:
    """An array library behind a device type: its module (the ``xp`` of Chainer's idiom), its array
    type, and how arrays cross to and from host memory (the only crossings Ember makes)."""

    def __init__(self, device_type, xp, array_type, from_host, to_host, device_of=None):
        self.device_type, self.xp, self.array_type = device_type, xp, array_type
        self.from_host, self.to_host = from_host, to_host  # from_host(ndarray, device) / to_host(array)
        self.device_of = device_of or (lambda array: device(device_type))


_BACKENDS = {}  # device type -> ArrayBackend (cpu is NumPy itself, handled without a lookup)
_BY_ARRAY = {np.ndarray: np}  # array type -> array module


def register_backend(backend):
    """Make ``backend`` the array library of its device type (CuPy for ``cuda``; a test backend)."""
    _BACKENDS[backend.device_type] = backend
    if backend.device_type == "cuda":
        _cuda_module[:] = [backend.xp]
    _BY_ARRAY[backend.array_type] = backend.xp
    if backend.device_type not in _DEVICE_TYPES:
        _DEVICE_TYPES.append(backend.device_type)


def get_array_module(*arrays):
    """The array module of the arrays given (NumPy for NumPy arrays, scalars and None): write
    ``xp = get_array_module(a)`` and then ``xp.zeros(shape, a.dtype)`` to allocate beside ``a``."""
    for a in arrays:
        xp = _BY_ARRAY.get(type(a))
        if xp is not None and xp is not np:
            return xp
    return np


def _backend_of(array):
    for backend in _BACKENDS.values():
        if isinstance(array, backend.array_type):
            return backend
    raise TypeError(f"Ember has no array backend for {type(array).__name__}")


def _cupy():
    try:
        import cupy
    except ImportError:
        return None
    try:
        if cupy.cuda.runtime.getDeviceCount() == 0:
            return None
    except Exception:  # no driver, no device: CUDA is simply unavailable
        return None
    register_backend(ArrayBackend("cuda", cupy, cupy.ndarray, _cupy_from_host, lambda a: a.get(),
                                  lambda a: device("cuda", _py_int(a.device.id))))
    return cupy


def _cupy_from_host(array, dev):
    import cupy

    with cupy.cuda.Device(dev.index or 0):
        return cupy.asarray(array)


_cuda_module = []


def cuda_module():
    """CuPy when a CUDA device can be used, else None (looked up once)."""
    if not _cuda_module:
        _cuda_module[:] = [_cupy()]
    return _cuda_module[0]


def xp_for(dev):
    """The array module that holds tensors of a device."""
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cpu":
        return np
    if dev.type == "cuda" and cuda_module() is None:
        raise AssertionError("Torch not compiled with CUDA enabled (Ember found no CUDA device; install cupy "
                             "on a machine with a GPU)")
    backend = _BACKENDS.get(dev.type)
    if backend is None:
        raise RuntimeError(f"Ember has no backend for device type '{dev.type}'")
    return backend.xp


def device_of(array):
    if type(array) is np.ndarray:
        return CPU
    return _backend_of(array).device_of(array)


def to_device(array, dev):
    """Copy an array to a device's array module (a no-op when it is already there)."""
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cpu":
        return to_numpy(array)
    xp_for(dev)  # PyTorch's error for a device with no backend here
    backend = _BACKENDS[dev.type]
    if type(array) is backend.array_type:
        have = device_of(array)
        if (have.index or 0) == (dev.index or 0):
            return array
    return backend.from_host(to_numpy(array), dev)


def to_numpy(array):
    """The host (NumPy) copy of an array; NumPy arrays come back as they are."""
    return array if type(array) is np.ndarray else _backend_of(array).to_host(array)
