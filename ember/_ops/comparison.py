"""Comparisons and the selections built on them: eq/lt/... and their operators, closeness tests,
logical and bitwise ops, clamp and where."""
import numbers

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .op import Op, inplace
from .promotion import (binary, cast_error, finish, inplace_binary, nary, not_implemented, promote, promote_all,
                        scalar)

_wrap = Tensor._wrap


class Discrete(Op):
    """A NumPy function whose result carries no gradient: comparisons, logic, bit operations."""

    differentiable = False

    def forward(ctx, *arrays, fn):
        return fn(*arrays)


# ----------------------------------------------------------------- comparisons


def _comparison(fn, name, doc):
    """``name(input, other, *, out=None)`` and its in-place form, which stores 0/1 in self's dtype."""

    def function(input, other, *, out=None):
        return finish(binary(Discrete, input, other, fn=fn), out)

    def function_(self, other):
        return inplace(Discrete, self, promote(self, other)[1], fn=fn)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Elementwise ``{doc}`` as a bool tensor, ``other`` broadcasting (a number too)."
    function_.__name__ = function_.__qualname__ = name + "_"
    return function, function_


eq, eq_ = _comparison(np.equal, "eq", "input == other")
ne, ne_ = _comparison(np.not_equal, "ne", "input != other")
lt, lt_ = _comparison(np.less, "lt", "input < other")
le, le_ = _comparison(np.less_equal, "le", "input <= other")
gt, gt_ = _comparison(np.greater, "gt", "input > other")
ge, ge_ = _comparison(np.greater_equal, "ge", "input >= other")


def _comparable(other):
    return isinstance(other, (Tensor, numbers.Number, np.ndarray, np.generic, list, tuple))


def _eq_operator(self, other):
    # ``t == None`` is False in PyTorch, not an error: hand unrelated objects back to Python
    return eq(self, other) if _comparable(other) else NotImplemented


def _ne_operator(self, other):
    return ne(self, other) if _comparable(other) else NotImplemented


def equal(input, other):
    """True when both have the same shape and elements (as a Python bool)."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def _same_dtype(input, other, name):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{input.dtype_short()} did not match {other.dtype_short()}")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``abs(input - other) <= atol + rtol * abs(other)`` as a bool tensor (same dtypes only)."""
    _same_dtype(input, other, "isclose")
    return nary(Discrete, input, other, fn=lambda a, b: np.isclose(a, b, rtol, atol, equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether :func:`ember.isclose` holds for every element, as a Python bool."""
    _same_dtype(input, other, "allclose")
    try:
        return bool(np.isclose(input._data, other._data, rtol, atol, equal_nan).all())
    except ValueError:
        return isclose(input, other)  # raises PyTorch's broadcasting error


def _test(fn, name, what):
    def function(input):
        return Discrete.apply(input, fn=fn)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"A bool tensor, True where an element of ``input`` is {what}."
    return function


isnan = _test(np.isnan, "isnan", "NaN")
isinf = _test(np.isinf, "isinf", "positive or negative infinity")
isfinite = _test(np.isfinite, "isfinite", "finite (neither infinite nor NaN)")
isposinf = _test(np.isposinf, "isposinf", "positive infinity")
isneginf = _test(np.isneginf, "isneginf", "negative infinity")


# ----------------------------------------------------------------- logical and bitwise


def _logical(fn, name, what):
    """Logical ops take any dtypes and give bools (or write 0/1 into self, in place)."""

    def function(input, other, *, out=None):
        return finish(nary(Discrete, input, other, fn=fn), out)

    def function_(self, other):
        return inplace(Discrete, self, other, fn=fn)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Elementwise logical {what} of ``input`` and ``other`` (nonzero is True), as a bool tensor."
    function_.__name__ = function_.__qualname__ = name + "_"
    return function, function_


logical_and, logical_and_ = _logical(np.logical_and, "logical_and", "AND")
logical_or, logical_or_ = _logical(np.logical_or, "logical_or", "OR")
logical_xor, logical_xor_ = _logical(np.logical_xor, "logical_xor", "exclusive OR")


def logical_not(input, *, out=None):
    """Elementwise logical NOT of ``input`` (zero is False), as a bool tensor."""
    return finish(Discrete.apply(input, fn=np.logical_not), out)


def logical_not_(self):
    return inplace(Discrete, self, fn=np.logical_not)


def _bitwise_operands(name, input, other):
    a, b = promote(input, other)
    t = a if isinstance(a, Tensor) else b
    if t._data.dtype.kind == "f":
        raise not_implemented(name + "_cpu", t)
    return a, b


def _bitwise(fn, name, what):
    """Bitwise ops of bool and integer tensors, with their operators ``& | ^`` (plain, reflected, in place)."""

    def function(input, other, *, out=None):
        return finish(binary(Discrete, *_bitwise_operands(name, input, other), fn=fn), out)

    def function_(self, other):
        _bitwise_operands(name, self, other)  # PyTorch's error for floating operands
        return inplace_binary(Discrete, self, other, fn=fn)

    def reflected(self, other):
        return function(other, self)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Elementwise bitwise {what} of bool or integer tensors (or one and a number)."
    function_.__name__ = function_.__qualname__ = name + "_"
    return function, function_, reflected


bitwise_and, bitwise_and_, _rand = _bitwise(np.bitwise_and, "bitwise_and", "AND")
bitwise_or, bitwise_or_, _ror = _bitwise(np.bitwise_or, "bitwise_or", "OR")
bitwise_xor, bitwise_xor_, _rxor = _bitwise(np.bitwise_xor, "bitwise_xor", "exclusive OR")


def bitwise_not(input, *, out=None):
    """Elementwise bitwise NOT of a bool or integer tensor (logical NOT for bools)."""
    if input._data.dtype.kind == "f":
        raise not_implemented("bitwise_not_cpu", input)
    return finish(Discrete.apply(input, fn=np.invert), out)


def bitwise_not_(self):
    bitwise_not(self)  # PyTorch's error for floating tensors
    return inplace(Discrete, self, fn=np.invert)


def _invert(self):
    if self._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return Discrete.apply(self, fn=np.invert)


# ----------------------------------------------------------------- clamp


def _within(a, lo, hi):
    """Where ``a`` lies inside the bounds: where clamp passes the gradient through."""
    if lo is None:
        return a <= hi
    if hi is None:
        return a >= lo
    return (a >= lo) & (a <= hi)


class Clamp(Op):
    """Clamp to number bounds (either may be None)."""

    backward_name = "ClampBackward1"

    def forward(ctx, a, lo=None, hi=None):
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(a, lo, hi)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return np.where(_within(a, ctx.lo, ctx.hi), g, 0)


class ClampMin(Clamp):
    backward_name = "ClampMinBackward0"


class ClampMax(Clamp):
    backward_name = "ClampMaxBackward0"


class ClampTensor(Op):
    """Clamp to tensor bounds (either may be None); a bound gets the gradient where it is the result.
    With min > max the result is max, as in PyTorch."""

    backward_name = "ClampBackward0"

    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        out = a if lo is None else np.maximum(a, lo)
        return out if hi is None else np.minimum(out, hi)

    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = np.where(_within(a, lo, hi), g, 0) if need[0] else None
        glo = ghi = None
        if need[1]:
            glo = np.where((a < lo) if hi is None else (a < lo) & (lo < hi), g, 0)
        if need[2]:
            ghi = np.where((a > hi) if lo is None else (a > hi) | (hi < lo), g, 0)
        return ga, glo, ghi


class ClampMinTensor(ClampTensor):
    backward_name = "ClampMinBackward1"


class ClampMaxTensor(ClampTensor):
    backward_name = "ClampMaxBackward1"


_NUMBER_BOUNDS = (Clamp, ClampMin, ClampMax)
_TENSOR_BOUNDS = (ClampTensor, ClampMinTensor, ClampMaxTensor)


def _clamp(which, input, min, max, in_place=False):
    """clamp (``which`` 0), clamp_min (1) or clamp_max (2). Number bounds are parameters of one op,
    tensor bounds inputs of another, as in PyTorch."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = scalar(min), scalar(max)
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)
    promoted = input
    if tensor_bounds or input._data.dtype.kind != "f":  # numbers never change a floating dtype
        promoted, min, max = promote_all(input, min, max)
    if not in_place:
        input, run = promoted, nary
    elif promoted._data.dtype.kind == "f" and input._data.dtype.kind != "f":
        raise cast_error(promoted.dtype, input)
    else:
        run = inplace
    if tensor_bounds:
        return run(_TENSOR_BOUNDS[which], input, min, max)
    return run(_NUMBER_BOUNDS[which], input, lo=min, hi=max)


def clamp(input, min=None, max=None, *, out=None):
    """Each element limited to [``min``, ``max``] (numbers or tensors; either bound may be None)."""
    return finish(_clamp(0, input, min, max), out)


def clamp_(self, min=None, max=None):
    return _clamp(0, self, min, max, in_place=True)


def clamp_min(input, min):
    """Each element raised to at least ``min`` (a number or tensor)."""
    return _clamp(1, input, min, None)


def clamp_max(input, max):
    """Each element lowered to at most ``max`` (a number or tensor)."""
    return _clamp(2, input, None, max)


def clamp_min_(self, min):
    return _clamp(1, self, min, None, in_place=True)


def clamp_max_(self, max):
    return _clamp(2, self, None, max, in_place=True)


# ----------------------------------------------------------------- where


class Where(Op):
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return np.where(cond, a, b)

    def backward(ctx, g):
        cond, need = ctx.cond, ctx.needs_input_grad
        return None, (np.where(cond, g, 0) if need[1] else None), (np.where(cond, 0, g) if need[2] else None)


def where(condition, input=None, other=None, *, out=None):
    """``where(cond, a, b)`` picks from a where cond holds, else from b; ``where(cond)`` is
    ``nonzero(cond, as_tuple=True)``."""
    if input is None and other is None:
        return tuple(_wrap(i) for i in np.nonzero(np.atleast_1d(condition._data)))
    if condition._data.dtype not in (np.bool_, np.uint8):
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype_short()}")
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        input, other = promote(input, other)  # a number left beside a tensor takes the tensor's dtype in NumPy
    else:
        dt = B.result_type(scalar(input), scalar(other)).np
        input, other = np.asarray(input, dt)[()], np.asarray(other, dt)[()]  # NumPy scalars: any device takes them
    return finish(nary(Where, condition, input, other), out)


def _where_method(self, condition, other):
    """``self.where(condition, other)`` is ``ember.where(condition, self, other)``."""
    return where(condition, self, other)


_FUNCTIONS = dict(
    eq=eq, ne=ne, not_equal=ne, lt=lt, less=lt, le=le, less_equal=le, gt=gt, greater=gt, ge=ge, greater_equal=ge,
    equal=equal, isclose=isclose, allclose=allclose, isnan=isnan, isinf=isinf, isfinite=isfinite,
    isposinf=isposinf, isneginf=isneginf, logical_and=logical_and, logical_or=logical_or,
    logical_xor=logical_xor, logical_not=logical_not, bitwise_and=bitwise_and, bitwise_or=bitwise_or,
    bitwise_xor=bitwise_xor, bitwise_not=bitwise_not, clamp=clamp, clip=clamp, clamp_min=clamp_min,
    clamp_max=clamp_max,
)
TENSOR_METHODS = dict(
    _FUNCTIONS, where=_where_method, clamp_=clamp_, clip_=clamp_, clamp_min_=clamp_min_, clamp_max_=clamp_max_,
    eq_=eq_, ne_=ne_, not_equal_=ne_, lt_=lt_, less_=lt_, le_=le_, less_equal_=le_, gt_=gt_, greater_=gt_,
    ge_=ge_, greater_equal_=ge_, logical_and_=logical_and_, logical_or_=logical_or_, logical_xor_=logical_xor_,
    logical_not_=logical_not_, bitwise_and_=bitwise_and_, bitwise_or_=bitwise_or_, bitwise_xor_=bitwise_xor_,
    bitwise_not_=bitwise_not_,
    __eq__=_eq_operator, __ne__=_ne_operator, __lt__=lt, __le__=le, __gt__=gt, __ge__=ge,
    __and__=bitwise_and, __rand__=_rand, __iand__=bitwise_and_, __or__=bitwise_or, __ror__=_ror,
    __ior__=bitwise_or_, __xor__=bitwise_xor, __rxor__=_rxor, __ixor__=bitwise_xor_, __invert__=_invert,
)
FUNCTIONS = dict(_FUNCTIONS, where=where, clamp_=clamp_, clip_=clamp_, clamp_min_=clamp_min_, clamp_max_=clamp_max_)
