"""Ember's dtypes: objects wrapping the array library's dtypes, with PyTorch's promotion rules."""
import numpy as np


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
    """The floating-point dtype that factory functions and Python floats give when no dtype is named."""
    return _default[0]


def set_default_dtype(d):
    """Makes the floating-point dtype ``d`` the default; other dtypes raise ``TypeError``."""
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
