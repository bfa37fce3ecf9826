"""Pointwise math: exponentials and logarithms, trigonometry, activations, rounding, atan2 and hypot."""
import math

import numpy as np

from .._backend import get_array_module
from .._parallel import large, map_rows
from .._tensor import Tensor
from .op import Op, inplace
from .promotion import binary, finish, floating, floating_inplace, not_implemented, tensor_operands

_wrap = Tensor._wrap
_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_erf = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; math.erf is exact, one element at a time


# ----------------------------------------------------------------- floating functions
# Each saves what its derivative needs: the output where the derivative is a function of it
# (exp, tanh, sigmoid, ...), which also keeps the in-place forms correct, else the input.


class Exp(Op):
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


class Exp2(Op):
    def forward(ctx, a):
        out = np.exp2(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * _LN2


class Expm1(Op):
    def forward(ctx, a):
        out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out + 1)


class Log(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / a


class Log2(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log2(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN2)


class Log10(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log10(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN10)


class Log1p(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a + 1)


class Sqrt(Op):
    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g / (2 * out)


class Rsqrt(Op):
    def forward(ctx, a):
        out = 1 / np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return -0.5 * g * out * out * out


class Sin(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.cos(a)


class Cos(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * np.sin(a)


class Tan(Op):
    def forward(ctx, a):
        out = np.tan(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 + out * out)


class Asin(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsin(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / np.sqrt(1 - a * a)


class Acos(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arccos(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g / np.sqrt(1 - a * a)


class Atan(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 + a * a)


class Sinh(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.cosh(a)


class Cosh(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cosh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sinh(a)


class Tanh(Op):
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class Sigmoid(Op):
    def forward(ctx, a):
        out = 1 / (1 + np.exp(-a))  # exp overflows to inf for very negative a, giving exactly 0
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Erf(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return get_array_module(a).asarray(_erf(a), dtype=a.dtype)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * _TWO_OVER_SQRT_PI * np.exp(-a * a)


class Relu(Op):
    def forward(ctx, a):
        if large(a):
            out = map_rows(lambda o, x: np.maximum(x, 0, out=o), np.empty_like(a), a)
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
            return map_rows(_pass_active, np.empty_like(g), g, out)
        return g * ~(out <= 0)


def _pass_active(grad, g, out):
    """``grad = g * ~(out <= 0)``, in place."""
    active = out <= 0
    np.logical_not(active, out=active)
    np.multiply(g, active, out=grad)


# ----------------------------------------------------------------- rounding (zero gradients)


class Floor(Op):
    def forward(ctx, a):
        return np.floor(a)

    def backward(ctx, g):
        return np.zeros_like(g)


class Ceil(Floor):
    def forward(ctx, a):
        return np.ceil(a)


class Trunc(Floor):
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


def _floating_function(op, name):
    """``name(input, *, out=None)`` and its in-place form for a function with floating results."""

    def function(input, *, out=None):
        return finish(op.apply(floating(input)), out)

    def function_(self):
        return floating_inplace(op, self)

    function.__name__ = function.__qualname__ = name
    function_.__name__ = function_.__qualname__ = name + "_"
    return function, function_


exp, exp_ = _floating_function(Exp, "exp")
exp2, exp2_ = _floating_function(Exp2, "exp2")
expm1, expm1_ = _floating_function(Expm1, "expm1")
log, log_ = _floating_function(Log, "log")
log2, log2_ = _floating_function(Log2, "log2")
log10, log10_ = _floating_function(Log10, "log10")
log1p, log1p_ = _floating_function(Log1p, "log1p")
sqrt, sqrt_ = _floating_function(Sqrt, "sqrt")
rsqrt, rsqrt_ = _floating_function(Rsqrt, "rsqrt")
sin, sin_ = _floating_function(Sin, "sin")
cos, cos_ = _floating_function(Cos, "cos")
tan, tan_ = _floating_function(Tan, "tan")
asin, asin_ = _floating_function(Asin, "asin")
acos, acos_ = _floating_function(Acos, "acos")
atan, atan_ = _floating_function(Atan, "atan")
sinh, sinh_ = _floating_function(Sinh, "sinh")
cosh, cosh_ = _floating_function(Cosh, "cosh")
tanh, tanh_ = _floating_function(Tanh, "tanh")
sigmoid, sigmoid_ = _floating_function(Sigmoid, "sigmoid")
erf, erf_ = _floating_function(Erf, "erf")


def _rounding_function(op, name):
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

    function.__name__ = function.__qualname__ = name
    function_.__name__ = function_.__qualname__ = name + "_"
    return function, function_


floor, floor_ = _rounding_function(Floor, "floor")
ceil, ceil_ = _rounding_function(Ceil, "ceil")
trunc, trunc_ = _rounding_function(Trunc, "trunc")
_round, _round_ = _rounding_function(Round, "round")


def round(input, *, decimals=None, out=None):
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
    _check_relu(input)
    return Relu.apply(input)


def relu_(self):
    _check_relu(self)
    return inplace(Relu, self)


def atan2(input, other, *, out=None):
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
    return finish(binary(Hypot, *_hypot_operands(input, other)), out)


def hypot_(self, other):
    return inplace(Hypot, self, _hypot_operands(self, other)[1])


_FUNCTIONS = dict(
    exp=exp, exp2=exp2, expm1=expm1, log=log, log2=log2, log10=log10, log1p=log1p, sqrt=sqrt, rsqrt=rsqrt,
    sin=sin, cos=cos, tan=tan, asin=asin, arcsin=asin, acos=acos, arccos=acos, atan=atan, arctan=atan,
    sinh=sinh, cosh=cosh, tanh=tanh, sigmoid=sigmoid, erf=erf, relu=relu, floor=floor, ceil=ceil,
    trunc=trunc, fix=trunc, round=round, frac=frac, atan2=atan2, arctan2=atan2, hypot=hypot,
)
_IN_PLACE = dict(  # also module functions in PyTorch (torch.exp_, torch.relu_, ...)
    exp_=exp_, exp2_=exp2_, expm1_=expm1_, log_=log_, log2_=log2_, log10_=log10_, log1p_=log1p_, sqrt_=sqrt_,
    rsqrt_=rsqrt_, sin_=sin_, cos_=cos_, tan_=tan_, asin_=asin_, arcsin_=asin_, acos_=acos_, arccos_=acos_,
    atan_=atan_, arctan_=atan_, sinh_=sinh_, cosh_=cosh_, tanh_=tanh_, sigmoid_=sigmoid_, erf_=erf_,
    relu_=relu_, floor_=floor_, ceil_=ceil_, trunc_=trunc_, fix_=trunc_, round_=round_, frac_=frac_,
)
TENSOR_METHODS = dict(_FUNCTIONS, **_IN_PLACE, atan2_=atan2_, arctan2_=atan2_, hypot_=hypot_)
FUNCTIONS = dict(_FUNCTIONS, **_IN_PLACE)
