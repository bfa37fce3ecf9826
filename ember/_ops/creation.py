"""Tensor creation: filled (zeros, full, eye), ranged (arange, linspace) and from
existing data (from_numpy, as_tensor), with their ``*_like`` and ``Tensor.new_*`` forms.

Random creation lives in ``random.py``; both share the size parsing and the
``dtype=``/``device=``/``requires_grad=``/``out=`` handling defined here.
"""
import math

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor, tensor
from .op import write_out

_wrap = Tensor._wrap


def shape_of(fn, size, kwargs=None):
    """Sizes given as varargs, as one tuple/list/Size, or as ``size=`` -> the shape to allocate.
    Its elements are left for NumPy to check as it allocates (see ``size_error``)."""
    if kwargs:
        if size or set(kwargs) != {"size"}:
            raise TypeError(f"{fn}() got an unexpected keyword argument '{next(iter(kwargs))}'")
        size = (kwargs["size"],)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return size[0]
    return size


def size_error(fn, shape, exc):
    """PyTorch's error for a shape that NumPy refused (non-integer or negative sizes)."""
    for i, s in enumerate(shape):
        if not hasattr(s, "__index__") or isinstance(s, Tensor) and s._data.dtype.kind not in "iub":
            return TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                             f"\"type must be tuple of ints,but got {type(s).__name__}\"")
    bad = [s for s in shape if s < 0]
    if bad:
        return RuntimeError(f"Trying to create tensor with negative dimension {bad[0]}: {list(shape)}")
    return exc


def finish(arr, device=None, requires_grad=False, out=None):
    """Wrap a new array as a tensor: move it to ``device`` (or the default device), mark it, or copy
    it into ``out``."""
    device = device or B.default_device()
    if device is not None:
        arr = B.to_device(arr, device)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t if out is None else write_out(t, out)


def _np_dtype(dtype):
    return B.get_default_dtype().np if dtype is None else B.to_dtype(dtype).np


def _filled(fn, shape, np_dtype, value, device=None, requires_grad=False, out=None):
    """A new tensor of ``shape``: uninitialised (value None), zeros, or filled with value."""
    device = device or B.default_device()
    xp = np if device is None else B.xp_for(device)
    try:
        if value is not None and value == 0:
            arr = xp.zeros(shape, np_dtype)
        else:
            arr = xp.empty(shape, np_dtype)
            if value is not None:
                arr.fill(value)  # faster than full() or ones() for the small tensors that dominate
    except (TypeError, ValueError) as e:
        raise size_error(fn, shape, e) from None
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t if out is None else write_out(t, out)


# ----------------------------------------------------------------- filled


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, **kwargs):
    """A tensor of the given size filled with zeros (the default dtype unless ``dtype`` is given)."""
    return _filled("zeros", shape_of("zeros", size, kwargs), _np_dtype(dtype), 0, device, requires_grad, out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, **kwargs):
    """A tensor of the given size filled with ones (the default dtype unless ``dtype`` is given)."""
    return _filled("ones", shape_of("ones", size, kwargs), _np_dtype(dtype), 1, device, requires_grad, out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, **kwargs):
    """An uninitialised tensor of the given size. ``memory_format`` is accepted and ignored (Ember is
    row-major throughout)."""
    return _filled("empty", shape_of("empty", size, kwargs), _np_dtype(dtype), None, device, requires_grad, out)


def scalar_dtype(value):
    """The dtype PyTorch gives a Python number: bool, int64 or the default float dtype."""
    if isinstance(value, (bool, np.bool_)):
        return B.bool
    if isinstance(value, (int, np.integer)):
        return B.int64
    return B.get_default_dtype()


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """A tensor of ``size`` filled with ``fill_value``, whose type gives the dtype (bool, int64 or the
    default float) unless ``dtype`` is given."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    np_dtype = scalar_dtype(fill_value).np if dtype is None else B.to_dtype(dtype).np
    return _filled("full", size, np_dtype, fill_value, device, requires_grad, out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An ``n`` by ``m`` matrix (square when ``m`` is None) with ones on the diagonal and zeros elsewhere."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    device = device or B.default_device()
    xp = np if device is None else B.xp_for(device)
    return finish(xp.eye(n, m, dtype=_np_dtype(dtype)), None, requires_grad, out)


# ----------------------------------------------------------------- *_like and Tensor.new_*


def _like(fn, input, value, shape, dtype, device, requires_grad):
    """Allocate with ``input``'s dtype and device unless others are given."""
    np_dtype = input._data.dtype if dtype is None else B.to_dtype(dtype).np
    if device is None and type(input._data) is not np.ndarray:
        device = input.device
    return _filled(fn, shape, np_dtype, value, device, requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Zeros with ``input``'s shape, and its dtype and device unless others are given."""
    return _like("zeros_like", input, 0, input._data.shape, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Ones with ``input``'s shape, and its dtype and device unless others are given."""
    return _like("ones_like", input, 1, input._data.shape, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialised tensor with ``input``'s shape, and its dtype and device unless others are given."""
    return _like("empty_like", input, None, input._data.shape, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """``fill_value`` in ``input``'s shape, with its dtype and device unless others are given."""
    return _like("full_like", input, fill_value, input._data.shape, dtype, device, requires_grad)


def _new(name, value, what):
    def new(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False, **kwargs):
        return _like(name, self, value, shape_of(name, size, kwargs), dtype, device, requires_grad)

    new.__name__ = name
    new.__doc__ = f"A new tensor of ``size`` {what}, with this tensor's dtype and device unless others are given."
    return new


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """A new tensor of ``size`` filled with ``fill_value``, with this tensor's dtype and device unless
    others are given."""
    return _like("new_full", self, fill_value, size, dtype, device, requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """``data`` copied into a new leaf tensor, with this tensor's dtype and device unless others are given."""
    return tensor(data, dtype=self.dtype if dtype is None else dtype, device=self.device if device is None else device,
                  requires_grad=requires_grad)


# ----------------------------------------------------------------- ranges


def _number(x):
    return x.item() if isinstance(x, (Tensor, np.generic)) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """The values from ``start`` up to (not including) ``end`` every ``step``: int64 when all three are
    integers, the default float dtype otherwise."""
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dt = B.get_default_dtype() if floating else B.int64
    else:
        dt = B.to_dtype(dtype)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt.is_floating_point:
        # start + i * step in double, rounded once: within an ulp of PyTorch's vectorised float kernel
        n = max(0, math.ceil((end - start) / step))
        arr = (start + step * np.arange(n, dtype=np.float64)).astype(dt.np, copy=False)
    else:
        arr = np.arange(start, end, step).astype(dt.np, copy=False)
    return finish(arr, device, requires_grad, out)


def _linear(start, end, steps, dt):
    """``steps`` points from start to end, computed in the output's float type as PyTorch
    does: each half is measured from its own end point, so both end points come out exact."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = _number(start), _number(end)
    work = dt.np.type if dt.is_floating_point else np.float64
    if dt.is_floating_point:
        start, end = work(start), work(end)
    else:  # integer outputs step in double from integer end points
        start, end = float(int(start)), float(int(end))
    if steps <= 1:
        return np.full(steps, start, work)
    step = work((end - start) / work(steps - 1))
    idx = np.arange(steps, dtype=work)
    half = steps // 2
    out = np.empty(steps, work)
    out[:half] = start + step * idx[:half]
    out[half:] = end - step * (steps - 1 - idx[half:])
    return out


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    dt = B.get_default_dtype() if dtype is None else B.to_dtype(dtype)
    arr = _linear(start, end, steps, dt).astype(dt.np, copy=False)
    return finish(arr, device, requires_grad, out)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``."""
    dt = B.get_default_dtype() if dtype is None else B.to_dtype(dtype)
    exponents = _linear(start, end, steps, B.float64)
    arr = np.power(float(base), exponents).astype(dt.np, copy=False)
    return finish(arr, device, requires_grad, out)


# ----------------------------------------------------------------- from existing data


def _type_name(obj):
    t = type(obj)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def from_numpy(ndarray):
    """A tensor sharing ``ndarray``'s memory (writes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_type_name(ndarray)})")
    B.from_np(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array  with array.copy().) ")
    return _wrap(ndarray if type(ndarray) is np.ndarray else ndarray.view(np.ndarray))


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory when dtype and device allow it."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    if type(data) is np.ndarray:
        t = from_numpy(data)
        return t if dtype is None and device is None else t.to(dtype=dtype, device=device)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``obj`` as a tensor: sharing its memory where dtype and device allow it, a copy when ``copy`` is True."""
    t = tensor(obj, dtype=dtype, device=device) if copy else as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def is_floating_point(input):
    """Whether ``input``'s dtype is a floating-point type."""
    return input._data.dtype.kind == "f"


TENSOR_METHODS = dict(new_zeros=_new("new_zeros", 0, "filled with zeros"),
                      new_ones=_new("new_ones", 1, "filled with ones"),
                      new_empty=_new("new_empty", None, "left uninitialised"), new_full=new_full,
                      new_tensor=new_tensor)
FUNCTIONS = dict(
    zeros=zeros, ones=ones, empty=empty, full=full, eye=eye, zeros_like=zeros_like, ones_like=ones_like,
    empty_like=empty_like, full_like=full_like, arange=arange, linspace=linspace, logspace=logspace,
    from_numpy=from_numpy, as_tensor=as_tensor, asarray=asarray, is_floating_point=is_floating_point,
)
