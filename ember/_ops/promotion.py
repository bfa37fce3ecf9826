"""Type promotion, broadcasting errors, and the ``out=``/in-place plumbing that elementwise ops share."""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .op import inplace, write_out

_wrap = Tensor._wrap


def scalar(x):
    """Python/NumPy numbers are weak scalars; 0-dim NumPy scalars become Python numbers."""
    return x.item() if isinstance(x, np.generic) else x


def to_tensor(x, like):
    """A constant (list, array, number) as a Tensor on ``like``'s device."""
    if isinstance(x, Tensor):
        return x
    arr = B.get_array_module(like._data).asarray(x)
    if arr.dtype.kind == "f":
        arr = arr.astype(B.get_default_dtype().np)
    elif arr.dtype.kind == "c":
        arr = arr.astype(B.complex_of(B.get_default_dtype()).np)
    return _wrap(arr)


def promote(a, b):
    """Cast ``a``/``b`` (Tensors or numbers) to PyTorch's common dtype; numbers stay numbers."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if da == db:
            return a, b
        dt = B.result_type(a, b)
        return (a if da == dt.np else a.to(dt)), (b if db == dt.np else b.to(dt))
    if ta:
        if isinstance(b, np.generic):  # scalar(b), inlined: this runs for every op with a number
            b = b.item()
        if type(b) is float and a._data.dtype.kind != "f":
            return a.to(B.get_default_dtype()), b
        if not isinstance(b, (int, float, bool)):
            return promote(a, to_tensor(b, a))
        return a, b
    if tb:
        a = scalar(a)
        if type(a) is float and b._data.dtype.kind != "f":
            return a, b.to(B.get_default_dtype())
        if not isinstance(a, (int, float, bool)):
            return promote(to_tensor(a, b), b)
        return a, b
    raise TypeError(f"expected at least one Tensor, got {type(a).__name__} and {type(b).__name__}")


def broadcast_error(a, b):
    sa = list(a.shape) if isinstance(a, Tensor) else []
    sb = list(b.shape) if isinstance(b, Tensor) else []
    for i in range(1, min(len(sa), len(sb)) + 1):
        if sa[-i] != sb[-i] and sa[-i] != 1 and sb[-i] != 1:
            return RuntimeError(f"The size of tensor a ({sa[-i]}) must match the size of tensor b ({sb[-i]}) at "
                                f"non-singleton dimension {max(len(sa), len(sb)) - i}")
    return RuntimeError(f"shapes {sa} and {sb} cannot be broadcast together")


def expand_error(shape, target):
    """PyTorch's error for sizes that ``shape`` cannot be broadcast (expanded) to."""
    shape, target = list(shape), list(target)
    if len(target) < len(shape):
        return RuntimeError(f"expand(torch.FloatTensor{{{shape}}}, size={target}): the number of sizes provided "
                            f"({len(target)}) must be greater or equal to the number of dimensions in the tensor "
                            f"({len(shape)})")
    lead = len(target) - len(shape)
    for i, s in enumerate(target):
        if i < lead:
            if s < 0:
                return RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing "
                                    f"dimension {i}")
        elif s != shape[i - lead] and shape[i - lead] != 1 and s != -1:
            return RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                                f"({shape[i - lead]}) at non-singleton dimension {i}.  Target sizes: {target}.  "
                                f"Tensor sizes: {shape}")
    return RuntimeError(f"cannot expand {shape} to {target}")


def tensor_operands(name, input, other):
    """Promoted operands of a function PyTorch defines for two tensors only (maximum, atan2, ...)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return promote(input, other)


def binary(op, a, b, **params):
    """Promote, then apply: the one entry for every broadcasting binary op."""
    a, b = promote(a, b)
    return promoted_binary(op, a, b, **params)


def promoted_binary(op, a, b, **params):
    """``binary`` for operands already promoted: NumPy's errors become PyTorch's behaviour."""
    try:
        return op.apply(a, b, **params)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error(a, b) from None
        raise
    except OverflowError:  # a Python int outside an integer tensor's range: PyTorch wraps it into the dtype
        dt = (a if isinstance(a, Tensor) else b)._data.dtype
        return op.apply(*[np.asarray(x).astype(dt)[()] if type(x) is int else x for x in (a, b)], **params)


def promote_all(*operands):
    """Cast the tensors among ``operands`` to their common dtype (numbers and None pass through)."""
    dt = B.result_type(*[x for x in operands if x is not None]).np
    return [x.to(dt) if isinstance(x, Tensor) and x._data.dtype != dt else x for x in operands]


def nary(op, *operands, **params):
    """Apply an op of three or more broadcasting operands, with PyTorch's error for mismatched shapes."""
    try:
        return op.apply(*operands, **params)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        ts = [x for x in operands if isinstance(x, Tensor)]
        for i, a in enumerate(ts):
            for b in ts[i + 1:]:
                try:
                    np.broadcast_shapes(a.shape, b.shape)
                except ValueError:
                    raise broadcast_error(a, b) from None
        raise


def floating(t):
    """Integer inputs of floating functions (exp, log, sqrt, ...) compute in the default float dtype."""
    return t if t._data.dtype.kind in "fc" else t.to(B.get_default_dtype())


def finish(result, out):
    """The result, or ``out`` holding it when the caller passed ``out=``."""
    return result if out is None else write_out(result, out)


def not_implemented(name, t):
    """PyTorch's error for a dtype its kernel does not cover (``abs`` of a bool tensor, ...)."""
    return NotImplementedError(f'"{name}" not implemented for \'{t.dtype_short()}\'')


def cast_error(result_dtype, target):
    """PyTorch's error for an in-place op whose result dtype cannot be stored in the target."""
    short = _wrap(np.empty(0, result_dtype.np)).dtype_short()
    return RuntimeError(f"result type {short} can't be cast to the desired output type {target.dtype_short()}")


_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}  # PyTorch's promotion categories by NumPy dtype kind


def inplace_binary(op, self, other, **params):
    """``self.op_(other)``: promote as the out-of-place op would, refuse a result of a higher category
    than self (a float into an integer tensor, an integer into a bool one) with PyTorch's message, and
    report mismatched shapes as PyTorch does."""
    a, b = promote(self, other)
    if a is not self and _CATEGORY[a._data.dtype.kind] > _CATEGORY[self._data.dtype.kind]:
        raise cast_error(a.dtype, self)
    if type(b) is int and self._data.dtype == np.bool_:
        raise cast_error(B.int64, self)
    try:
        return inplace(op, self, b, **params)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error(self, b) from None
        raise


def floating_inplace(op, self, *others, **params):
    """In-place form of a floating function (exp_, reciprocal_, ...): integer tensors cannot hold the result."""
    if self._data.dtype.kind not in "fc":
        raise cast_error(B.get_default_dtype(), self)
    return inplace(op, self, *others, **params)


def floating_function(op, name):
    """``name(input, *, out=None)`` and its in-place form for a function with floating results (the
    ``make`` of ``registry.declare`` for exp, log, reciprocal, ...); the op class's docstring is the function's."""

    def function(input, *, out=None):
        return finish(op.apply(floating(input)), out)

    def function_(self):
        return floating_inplace(op, self)

    function.__name__ = function.__qualname__ = name  # named also where a family lists it in its dicts
    function.__doc__ = op.__doc__
    function_.__name__ = function_.__qualname__ = name + "_"
    return function, function_
