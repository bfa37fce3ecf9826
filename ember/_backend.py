"""The one seam between Ember and an array library.

A device maps to an array module (``numpy`` for ``cpu``; ``cupy`` for ``cuda``
where it is installed). dtypes are Ember objects that wrap the array library's
dtypes and carry PyTorch's promotion rules. Everything above this module asks
it for array modules, dtypes and random numbers instead of importing numpy for
computing on tensor data.
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
        self._kind = kind  # 0 bool, 1 integer, 2 floating, 3 complex: PyTorch's promotion categories
        self.is_floating_point = kind == 2
        self.is_complex = kind == 3
        self.is_signed = kind >= 2 or self.np.kind == "i"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        return _REAL.get(self, self)

    def to_complex(self):
        if self not in _COMPLEX:
            raise RuntimeError(f"Unknown Complex ScalarType for {self.name}")
        return _COMPLEX[self]


float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
float16 = dtype("float16", np.float16, 2)
int64 = dtype("int64", np.int64, 1)
int32 = dtype("int32", np.int32, 1)
int16 = dtype("int16", np.int16, 1)
int8 = dtype("int8", np.int8, 1)
uint8 = dtype("uint8", np.uint8, 1)
bool = dtype("bool", np.bool_, 0)  # noqa: A001 - PyTorch's public name
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)
cfloat, cdouble = complex64, complex128
_REAL = {complex64: float32, complex128: float64}
_COMPLEX = {float32: complex64, float64: complex128, complex64: complex64, complex128: complex128}  # no complex32

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

_ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_BY_NP = {d.np: d for d in _ALL + (complex64, complex128)}
_BY_NAME = {d.name: d for d in _ALL + (complex64, complex128)}
_BY_NAME.update(float=float32, double=float64, half=float16, long=int64, int=int32, short=int16, cfloat=complex64,
                cdouble=complex128)


def complex_of(d):
    """The complex dtype that holds a floating dtype's values (complex64 for float16: NumPy has no complex32)."""
    return _COMPLEX.get(d, complex64)


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
                            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, "
                            "and bool.") from None


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
    if d is _py_complex:
        return complex128
    return from_np(np.dtype(d))


import builtins as _builtins  # noqa: E402

_py_float, _py_int, _py_bool, _py_complex = _builtins.float, _builtins.int, _builtins.bool, _builtins.complex

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
    if a._kind + b._kind == 5:  # complex with floating keeps the wider precision: complex64 + float64 -> complex128
        return _BY_NP[np.promote_types(a.np, b.np)]
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
            k = (0 if isinstance(o, _py_bool) else 1 if isinstance(o, _py_int) else 3 if isinstance(o, _py_complex)
                 else 2)
            scalar_kind = max(scalar_kind, k)
    result = dim
    if zero is not None and (result is None or zero._kind > result._kind):
        # a complex 0-dim tensor keeps a floating result's precision: float32 + complex128 scalar -> complex64
        result = zero if result is None else complex_of(result) if result._kind == 2 else promote_types(result, zero)
    if scalar_kind >= 0 and (result is None or scalar_kind > result._kind):
        if scalar_kind == 3 and result is not None and result._kind == 2:  # float64 tensor * 1j -> complex128
            return complex_of(result)
        result = (bool, int64, get_default_dtype(), complex_of(get_default_dtype()))[scalar_kind]
    return result


# --------------------------------------------------------------------- devices


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
        if type not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps, meta device type at start of device string: {type}")
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
        return self

    def __exit__(self, *exc):
        return False


CPU = device("cpu")


def _cupy():
    try:
        import cupy
    except ImportError:
        return None
    try:
        return cupy if cupy.cuda.runtime.getDeviceCount() > 0 else None
    except Exception:  # no driver, no device: CUDA is simply unavailable
        return None


_cuda_module = []


def cuda_module():
    """CuPy when a CUDA device can be used, else None (looked up once)."""
    if not _cuda_module:
        _cuda_module.append(_cupy())
    return _cuda_module[0]


def xp_for(dev):
    """The array module that holds tensors of a device."""
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cpu":
        return np
    if dev.type == "cuda":
        cp = cuda_module()
        if cp is None:
            raise AssertionError("Torch not compiled with CUDA enabled (Ember found no CUDA device; install cupy "
                                 "on a machine with a GPU)")
        return cp
    raise RuntimeError(f"Ember has no backend for device type '{dev.type}'")


def device_of(array):
    if type(array) is np.ndarray:
        return CPU
    dev = getattr(array, "device", None)
    return device("cuda", _py_int(getattr(dev, "id", 0)))


def to_device(array, dev):
    """Copy an array to a device's array module (a no-op when it is already there)."""
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cpu":
        return array if type(array) is np.ndarray else array.get()
    xp = xp_for(dev)
    with xp.cuda.Device(dev.index or 0):
        return xp.asarray(array)


def to_numpy(array):
    return array if type(array) is np.ndarray else array.get()


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

    def get_state(self):
        import json  # here, not at the top: only checkpoints of the RNG need it

        from ._tensor import Tensor

        raw = json.dumps(self._rng.bit_generator.state).encode()
        return Tensor._wrap(np.frombuffer(raw, np.uint8).copy())

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
