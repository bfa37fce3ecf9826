"""The one seam between Ember and an array library (the bottom layer; ``ember.backends`` is
something else: PyTorch's backend switches).

- dtypes: Ember objects wrapping the array library's dtypes, with PyTorch's promotion rules.
- devices and array modules: a device type maps to an ``ArrayBackend`` (``numpy`` for ``cpu``,
  ``cupy`` for ``cuda`` where it is installed, others registered with ``register_backend``).
  ``get_array_module(a)`` is the array module holding ``a`` (Chainer's ``xp`` idiom): code above
  allocates beside an array with ``xp.zeros(...)``, never on the host with ``np.zeros``, and
  moves data between devices only through ``to_device``/``to_numpy``. ``with ember.device(d):``
  makes ``d`` the default device of new tensors.
- random streams: one seeded ``Generator`` per process, drawn on the host so that a seed gives the
  same numbers on every device.
"""
import os

import numpy as np

# --------------------------------------------------------------------- dtypes


class dtype:
    """A tensor element type, printed and compared like ``torch.float32``."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_kind")

    def __init__(self, name, np_dtype, kind):
        self.name = name
        self.np = np.dtype(np_dtype)
        self._kind = kind  # 0 bool, 1 integer, 2 floating: PyTorch's promotion categories
        self.is_floating_point = kind == 2
        self.is_complex = False
        self.is_signed = kind == 2 or self.np.kind == "i"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        return self

    def to_complex(self):
        raise TypeError("complex dtypes are not supported by Ember")


float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
float16 = dtype("float16", np.float16, 2)
int64 = dtype("int64", np.int64, 1)
int32 = dtype("int32", np.int32, 1)
int16 = dtype("int16", np.int16, 1)
int8 = dtype("int8", np.int8, 1)
uint8 = dtype("uint8", np.uint8, 1)
bool = dtype("bool", np.bool_, 0)  # noqa: A001 - PyTorch's public name

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

_ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_BY_NP = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(float=float32, double=float64, half=float16, long=int64, int=int32, short=int16)


def _dtype_by_name(name):
    return _BY_NAME[name]


def from_np(np_dtype):
    """The Ember dtype of a NumPy dtype (raises TypeError for unsupported ones)."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        try:
            return _BY_NP[np.dtype(np_dtype)]
        except (KeyError, TypeError):
            raise TypeError(f"can't convert np.ndarray of type {np_dtype}. The only supported types are: "
                            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


def to_dtype(d):
    """Accept an Ember dtype, a NumPy dtype, a Python type or a name; return an Ember dtype."""
    if type(d) is dtype:
        return d
    if d is None:
        return None
    if isinstance(d, str):
        try:
            return _BY_NAME[d.replace("torch.", "")]
        except KeyError:
            raise TypeError(f"invalid dtype: {d!r}") from None
    if d is _py_float:
        return float64
    if d is _py_int:
        return int64
    if d is _py_bool:
        return bool
    return from_np(np.dtype(d))


import builtins as _builtins  # noqa: E402

_py_float, _py_int, _py_bool = _builtins.float, _builtins.int, _builtins.bool

# PyTorch's default float dtype: what float Python data and float scalars become.
_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def promote_types(a, b):
    """PyTorch's promotion of two dtypes: the higher category wins outright
    (int64 + float16 -> float16), within a category NumPy's lattice applies."""
    if a is b:
        return a
    if a._kind != b._kind:
        return a if a._kind > b._kind else b
    return _BY_NP[np.promote_types(a.np, b.np)]


def can_cast(from_, to):
    """Whether PyTorch's casting rules allow ``from_`` -> ``to`` without a category downcast
    (floating -> integer or anything -> bool are refused)."""
    return from_._kind <= to._kind


class finfo:
    """Machine limits of a floating dtype (``ember.finfo(ember.float32).eps``)."""

    def __init__(self, type=None):  # noqa: A002 - PyTorch's argument name
        d = get_default_dtype() if type is None else to_dtype(type)
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(d.np)
        self.bits, self.dtype = info.bits, d.name
        self.eps, self.max, self.min = _py_float(info.eps), _py_float(info.max), _py_float(info.min)
        self.tiny = self.smallest_normal = _py_float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype (``ember.iinfo(ember.int64).max``)."""

    def __init__(self, type):  # noqa: A002
        d = to_dtype(type)
        if d.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        if d is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        info = np.iinfo(d.np)
        self.bits, self.dtype, self.min, self.max = info.bits, d.name, _py_int(info.min), _py_int(info.max)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def result_type(*operands):
    """PyTorch's result dtype for tensors (objects with ``.dtype``/``.ndim``) and Python scalars.

    Dimensioned tensors decide first; 0-dim tensors and then Python scalars only
    matter when they belong to a higher category (bool < integer < floating)."""
    dim = zero = None
    scalar_kind = -1
    for o in operands:
        if hasattr(o, "ndim"):
            d = o.dtype if type(o.dtype) is dtype else from_np(o.dtype)
            if o.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            k = 0 if isinstance(o, _py_bool) else 1 if isinstance(o, _py_int) else 2
            scalar_kind = max(scalar_kind, k)
    result = dim
    if zero is not None and (result is None or zero._kind > result._kind):
        result = zero if result is None else promote_types(result, zero)
    if scalar_kind >= 0 and (result is None or scalar_kind > result._kind):
        result = (bool, int64, get_default_dtype())[scalar_kind]
    return result


# --------------------------------------------------------------------- devices


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
    return _default_device[-1] or CPU


def set_default_device(dev):
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


# --------------------------------------------------------------------- random


class Generator:
    """A seeded random stream (``ember.Generator().manual_seed(0)``), on NumPy's PCG64.

    Ember's numbers differ from PyTorch's; what holds is that one seed always gives
    one stream. ``get_state``/``set_state`` round-trip the stream as a uint8 tensor."""

    _DEFAULT_SEED = 67280421310721  # what a fresh torch.Generator starts from

    def __init__(self, device="cpu"):
        self.device = device if isinstance(device, globals()["device"]) else globals()["device"](device)
        self.manual_seed(self._DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = _py_int(seed)
        if seed < 0:  # PyTorch reads a negative seed as its unsigned 64-bit pattern
            seed += 1 << 64
        self._seed = seed
        self.__dict__.pop("_rng", None)  # made on the first draw: see __getattr__
        return self

    def __getattr__(self, name):
        """Make the NumPy stream when it is first asked for (only then is ``_rng`` missing): importing
        ``numpy.random`` would otherwise be a large part of ``import ember``."""
        if name != "_rng" or "_seed" not in self.__dict__:
            raise AttributeError(f"'Generator' object has no attribute '{name}'")
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        return self._rng

    def seed(self):
        """Reseed from the operating system's entropy; return the new seed."""
        return self.manual_seed(_py_int.from_bytes(os.urandom(8), "little") >> 1)._seed

    def initial_seed(self):
        return self._seed

    def _state_bytes(self):
        """The stream's state as uint8 array (``get_state``, which ember._ops.random attaches, wraps it)."""
        import json  # here, not at the top: only checkpoints of the RNG need it

        return np.frombuffer(json.dumps(self._rng.bit_generator.state).encode(), np.uint8).copy()

    def set_state(self, new_state):
        data = getattr(new_state, "_data", None)
        if data is None or data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        import json

        self._rng.bit_generator.state = json.loads(to_numpy(data).tobytes().decode())
        return self

    def __repr__(self):
        return f"<torch.Generator object on {self.device}>"


default_generator = Generator()
default_generator.seed()  # like PyTorch, each process starts from a fresh seed


def rng(generator=None):
    """The NumPy Generator behind an Ember generator (the default one when None)."""
    return (generator or default_generator)._rng


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)
