"""Pointwise math: exponentials and logarithms, trigonometry, activations, rounding, atan2 and hypot."""
import math

import numpy as np

from .._arraylib import get_array_module
from .._parallel import large, map_blocks
from .._tensor import Tensor
from .op import Op, array_of, inplace
from .promotion import (binary, finish, floating, floating_function, floating_inplace, not_implemented,
                        tensor_operands)
from .registry import declare

_wrap = Tensor._wrap
_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_erf = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; math.erf is exact, one element at a time


# ----------------------------------------------------------------- how functions are made from ops


def rounding_function(op, name):
    """A rounding function: integer tensors are already whole (a copy, or unchanged in place);
    PyTorch has no kernel for bools."""
    kernel = f"{name}_vml_cpu"

    def function(input, *, out=None):
        if input._data.dtype.kind != "f":
            if input._data.dtype == np.bool_:
                raise not_implemented(kernel, input)
            return finish(_wrap(input._data.copy()), out)
        return finish(op.apply(input), out)

    def function_(self):
        if self._data.dtype.kind != "f":
            if self._data.dtype == np.bool_:
                raise not_implemented(kernel, self)
            return self
        return inplace(op, self)

    return function, function_


# ----------------------------------------------------------------- floating functions
# Each saves what its derivative needs: the output where the derivative is a function of it
# (exp, tanh, sigmoid, ...), which also keeps the in-place forms correct, else the input.


@declare("exp", floating_function, ufunc="exp")
class Exp(Op):
    """Exponential ``e ** input`` of each element."""

    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


@declare("exp2", floating_function, ufunc="exp2")
class Exp2(Op):
    """``2 ** input``, elementwise."""

    def forward(ctx, a):
        out = np.exp2(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * _LN2


@declare("expm1", floating_function, ufunc="expm1")
class Expm1(Op):
    """``exp(input) - 1`` of each element, accurate near zero."""

    def forward(ctx, a):
        out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out + 1)


@declare("log", floating_function, ufunc="log")
class Log(Op):
    """Natural logarithm of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / a


@declare("log2", floating_function, ufunc="log2")
class Log2(Op):
    """Base-2 logarithm of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log2(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN2)


@declare("log10", floating_function, ufunc="log10")
class Log10(Op):
    """Base-10 logarithm of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log10(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN10)


@declare("log1p", floating_function, ufunc="log1p")
class Log1p(Op):
    """``log(1 + input)`` of each element, accurate near zero."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a + 1)


@declare("sqrt", floating_function, ufunc="sqrt")
class Sqrt(Op):
    """Square root of each element."""

    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g / (2 * out)


@declare("rsqrt", floating_function)
class Rsqrt(Op):
    """Reciprocal of the square root of each element."""

    def forward(ctx, a):
        out = 1 / np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return -0.5 * g * out * out * out


@declare("sin", floating_function, ufunc="sin")
class Sin(Op):
    """Sine of each element (in radians)."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.cos(a)


@declare("cos", floating_function, ufunc="cos")
class Cos(Op):
    """Cosine of each element (in radians)."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * np.sin(a)


@declare("tan", floating_function, ufunc="tan")
class Tan(Op):
    """Tangent of each element (in radians)."""

    def forward(ctx, a):
        out = np.tan(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 + out * out)


@declare("asin", floating_function, aliases=("arcsin",), ufunc="arcsin")
class Asin(Op):
    """Inverse sine of each element, in radians."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsin(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / np.sqrt(1 - a * a)


@declare("acos", floating_function, aliases=("arccos",), ufunc="arccos")
class Acos(Op):
    """Inverse cosine of each element, in radians."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arccos(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g / np.sqrt(1 - a * a)


@declare("atan", floating_function, aliases=("arctan",), ufunc="arctan")
class Atan(Op):
    """Inverse tangent of each element, in radians."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 + a * a)


@declare("sinh", floating_function, ufunc="sinh")
class Sinh(Op):
    """Hyperbolic sine of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.cosh(a)


@declare("cosh", floating_function, ufunc="cosh")
class Cosh(Op):
    """Hyperbolic cosine of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cosh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sinh(a)


@declare("tanh", floating_function, ufunc="tanh")
class Tanh(Op):
    """Hyperbolic tangent of each element."""

    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


def logistic(a):
    """The logistic function on arrays (or Tensors): tanh cannot overflow where exp(-a) would."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


@declare("sigmoid", floating_function)
class Sigmoid(Op):
    """Logistic sigmoid ``1 / (1 + exp(-input))`` of each element."""

    def forward(ctx, a):
        out = logistic(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


@declare("erf", floating_function)
class Erf(Op):
    """Gauss error function of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return get_array_module(a).asarray(_erf(a), dtype=a.dtype)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * _TWO_OVER_SQRT_PI * np.exp(-a * a)


def _logit_function(op, name):
    def function(input, eps=None, *, out=None):
        return finish(op.apply(floating(input), eps=None if eps is None else float(eps)), out)

    def function_(self, eps=None):
        return floating_inplace(op, self, eps=None if eps is None else float(eps))

    return function, function_


@declare("logit", _logit_function)
class Logit(Op):
    """Log-odds ``log(p / (1 - p))`` of each element ``p``, clamped to ``[eps, 1 - eps]`` first when ``eps``
    is given."""

    def forward(ctx, a, eps=None):
        ctx.eps = eps
        ctx.save_for_backward(a)
        p = a if eps is None else np.clip(a, eps, 1 - eps)
        return np.log(p / (1 - p))

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        lo, hi = (0, 1) if ctx.eps is None else (ctx.eps, 1 - ctx.eps)
        outside = (array_of(a) < lo) | (array_of(a) > hi)  # nan outside [0, 1]; 0 where eps clamped
        return np.where(outside, np.nan if ctx.eps is None else 0, g / (a * (1 - a)))


class Relu(Op):
    def forward(ctx, a):
        if large(a):
            out = map_blocks(lambda o, x: np.maximum(x, 0, out=o), np.empty_like(a), a)
        else:
            out = np.maximum(a, 0)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        # A multiply by the mask is branch-free: several times faster than np.where on large
        # activations. NaN inputs pass the gradient, as in PyTorch; an infinite gradient at an
        # inactive unit gives NaN here where PyTorch gives 0.
        if large(g) and g.shape == out.shape:
            return map_blocks(_pass_active, np.empty_like(g), g, out)
        return g * ~(out <= 0)


def _pass_active(grad, g, out):
    """``grad = g * ~(out <= 0)``, in place."""
    active = out <= 0
    np.logical_not(active, out=active)
    np.multiply(g, active, out=grad)


# ----------------------------------------------------------------- rounding (zero gradients)


@declare("floor", rounding_function, ufunc="floor")
class Floor(Op):
    """Largest integer not greater than each element; an integer tensor comes back as a copy."""

    def forward(ctx, a):
        return np.floor(a)

    def backward(ctx, g):
        return np.zeros_like(g)


@declare("ceil", rounding_function, ufunc="ceil")
class Ceil(Floor):
    """Smallest integer not less than each element; an integer tensor comes back as a copy."""

    def forward(ctx, a):
        return np.ceil(a)


@declare("trunc", rounding_function, aliases=("fix",), ufunc="trunc")
class Trunc(Floor):
    """Each element rounded toward zero; an integer tensor comes back as a copy."""

    def forward(ctx, a):
        return np.trunc(a)


class Round(Floor):
    def forward(ctx, a, decimals=None):
        ctx.decimals = decimals
        return np.round(a) if decimals is None else np.round(a, decimals)

    def name(self):  # round(x) and round(x, decimals=d) are different overloads in PyTorch
        return "RoundBackward0" if self.decimals is None else "RoundBackward1"


class Frac(Op):
    def forward(ctx, a):
        return a - np.trunc(a)

    def backward(ctx, g):
        return g


# ----------------------------------------------------------------- two operands


class Atan2(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        g = g / (a * a + b * b)
        return g * b, -g * a


class Hypot(Op):
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        g = g / out
        return g * a, g * b


# ----------------------------------------------------------------- functions


_round, _round_ = rounding_function(Round, "round")


def round(input, *, decimals=None, out=None):
    """Each element rounded to the nearest integer (halves to even), or to ``decimals`` decimal places."""
    if decimals is None:
        return _round(input, out=out)
    if input._data.dtype.kind != "f":
        raise not_implemented("round_cpu", input)
    return finish(Round.apply(input, decimals=decimals), out)


def round_(self, *, decimals=None):
    if decimals is None:
        return _round_(self)
    if self._data.dtype.kind != "f":
        raise not_implemented("round_cpu", self)
    return inplace(Round, self, decimals=decimals)


def frac(input, *, out=None):
    """Fractional part ``input - trunc(input)`` of each element, keeping its sign."""
    if input._data.dtype.kind != "f":
        raise not_implemented("frac_cpu", input)
    return finish(Frac.apply(input), out)


def frac_(self):
    if self._data.dtype.kind != "f":
        raise not_implemented("frac_cpu", self)
    return inplace(Frac, self)


def _check_relu(t):
    if t._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")


def relu(input):
    """Rectified linear unit ``max(input, 0)`` of each element."""
    _check_relu(input)
    return Relu.apply(input)


def relu_(self):
    _check_relu(self)
    return inplace(Relu, self)


def atan2(input, other, *, out=None):
    """Elementwise angle of the point (``other``, ``input``) in radians: ``atan(input / other)`` in the right
    quadrant."""
    a, b = tensor_operands("atan2", input, other)
    if isinstance(input, Tensor):  # each operand goes to the result's float type on its own, as in true
        dt = floating(a)._data.dtype  # division: through a common integer type, values would wrap around
        a, b = input.to(dt), other.to(dt)
    return finish(binary(Atan2, a, b), out)


def atan2_(self, other):
    return floating_inplace(Atan2, self, tensor_operands("atan2", self, other)[1])


def _hypot_operands(input, other):
    a, b = tensor_operands("hypot", input, other)
    if a._data.dtype.kind != "f":
        raise not_implemented("hypot_cpu", a)
    return a, b


def hypot(input, other, *, out=None):
    """``sqrt(input ** 2 + other ** 2)`` elementwise, for floating tensors."""
    return finish(binary(Hypot, *_hypot_operands(input, other)), out)


def hypot_(self, other):
    return inplace(Hypot, self, _hypot_operands(self, other)[1])


_FUNCTIONS = dict(relu=relu, round=round, frac=frac, atan2=atan2, arctan2=atan2, hypot=hypot)
_IN_PLACE = dict(relu_=relu_, round_=round_, frac_=frac_)  # also module functions in PyTorch (torch.relu_, ...)
TENSOR_METHODS = dict(_FUNCTIONS, **_IN_PLACE, atan2_=atan2_, arctan2_=atan2_, hypot_=hypot_)
FUNCTIONS = dict(_FUNCTIONS, **_IN_PLACE)
