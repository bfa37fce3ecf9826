"""Elementwise arithmetic with broadcasting and PyTorch's type promotion."""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .conjugate import conj, is_complex
from .op import Op, inplace
from .promotion import (binary, finish, floating_function, floating_inplace, inplace_binary,
                        not_implemented, promote, promoted_binary, scalar, tensor_operands)
from .registry import declare

_wrap = Tensor._wrap


def _kind(a, b):
    """The dtype kind two promoted operands (one possibly a number) compute in."""
    return a.dtype.kind if hasattr(a, "dtype") else b.dtype.kind


def _check_divisor(a, b):
    """Integer division by zero is an error in PyTorch, not NumPy's warning and 0 (unless there is
    nothing to divide: an empty operand gives an empty result)."""
    if _kind(a, b) in "biu" and np.size(a) and np.size(b) and not np.all(b):
        raise RuntimeError("ZeroDivisionError")


class _Overloaded(Op):
    """PyTorch numbers a node after the overload that made it: ``...Backward0`` when the second
    operand is a number, ``...Backward1`` when it is a tensor."""

    def name(self):
        return f"{type(self).__name__}Backward{0 if self._meta[1] is None else 1}"


# ----------------------------------------------------------------- the ops


class Add(Op):
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        if alpha == 1:
            return a + b
        if np.result_type(a, b) == np.bool_:  # bools stay bools, alpha counting as a bool (PyTorch)
            return np.logical_or(a, np.logical_and(b, bool(alpha)))
        return a + alpha * b

    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha)


class Sub(Op):
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    def backward(ctx, g):
        return g, (-g if ctx.alpha == 1 else g * -ctx.alpha)


class RSub(Op):
    backward_name = "RsubBackward1"

    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return b - a if alpha == 1 else b - alpha * a

    def backward(ctx, g):
        return (-g if ctx.alpha == 1 else g * -ctx.alpha), g


class Mul(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if is_complex(g):
            a, b = conj(a), conj(b)
        return g * b, g * a


class Div(Op):
    def forward(ctx, a, b, dtype=None):
        if dtype is not None:  # integer operands: NumPy casts them while dividing, in one pass
            return np.divide(a, b, dtype=dtype)
        ctx.save_for_backward(a, b)
        return a / b

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if is_complex(g):
            a, b = conj(a), conj(b)
        return g / b, (-g * a / (b * b) if ctx.needs_input_grad[1] else None)


class DivMode(Op):
    """Division rounded toward minus infinity or toward zero: piecewise constant, so zero gradients."""

    backward_name = "DivBackward2"

    def forward(ctx, a, b, mode="floor"):
        _check_divisor(a, b)
        if mode == "floor":
            return np.floor_divide(a, b)
        if _kind(a, b) == "f":
            return np.trunc(a / b)
        q = np.floor_divide(a, b)
        return q + ((q < 0) & (q * b != a))  # floor of a negative inexact quotient is one below trunc

    def backward(ctx, g):
        return np.zeros_like(g), (np.zeros_like(g) if ctx.needs_input_grad[1] else None)


class FloorDivide(DivMode):
    backward_name = "NotImplemented"  # PyTorch records floor_divide without a derivative

    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class Remainder(_Overloaded):
    """Python's ``%``: the result takes the divisor's sign."""

    def forward(ctx, a, b):
        _check_divisor(a, b)
        ctx.save_for_backward(a, b)
        return np.remainder(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g, (-g * np.floor(a / b) if ctx.needs_input_grad[1] else None)


class Fmod(_Overloaded):
    """C's ``fmod``: the result takes the dividend's sign."""

    def forward(ctx, a, b):
        _check_divisor(a, b)
        ctx.save_for_backward(a, b)
        return np.fmod(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g, (-g * np.trunc(a / b) if ctx.needs_input_grad[1] else None)


def _negation(op, name):
    def function(input, *, out=None):
        _check_negatable(input)
        return finish(op.apply(input), out)

    def function_(self):
        _check_negatable(self)
        return inplace(op, self)

    return function, function_


def _check_negatable(t):
    if t._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


@declare("neg", _negation, aliases=("negative",), ufunc="negative", operators=("__neg__",))
class Neg(Op):
    """``-input``, elementwise."""

    def forward(ctx, a):
        return -a

    def backward(ctx, g):
        return -g


@declare("reciprocal", floating_function, ufunc="reciprocal")
class Reciprocal(Op):
    """``1 / input``, elementwise."""

    def forward(ctx, a):
        out = 1 / a
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return -g * out * out


class Abs(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sign(a)


class Sign(Op):
    def forward(ctx, a):
        out = np.sign(a, out=np.empty_like(a))  # out= keeps 0-dim results arrays
        if out.dtype.kind == "f":
            out[out != out] = 0  # sign(nan) is 0 in PyTorch, nan in NumPy
        return out

    def backward(ctx, g):
        return np.zeros_like(g)


class Pow(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if getattr(b, "dtype", None) is not None and b.dtype.kind in "iu" and np.asarray(a).dtype.kind in "iu":
            return _integer_power(a, b)
        return a ** b

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = g * b * a ** (b - 1) if not (isinstance(b, (int, float)) and b == 0) else g * 0
        if ctx.needs_input_grad[1]:
            # d(a**b)/db = a**b * log(a); PyTorch takes the a == 0 case as 0
            gb = g * (a ** b) * np.log(np.where(a > 0, a, 1))
        return ga, gb

    def name(self):  # tensor ** number, tensor ** tensor, number ** tensor
        return f"PowBackward{0 if self._meta[1] is None else 2 if self._meta[0] is None else 1}"


class Maximum(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _share(g, a, b, a < b), _share(g, a, b, a > b)


class Minimum(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _share(g, a, b, a > b), _share(g, a, b, a < b)


def _share(g, a, b, lost):
    """One operand's gradient from maximum/minimum: none where it lost, half on a tie, all of it
    elsewhere (NaN propagates, so a NaN position passes the gradient to both)."""
    return np.where(lost, 0, np.where(a == b, g / 2, g))


class Fmax(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmax(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        first = (a >= b) | np.isnan(b)  # ties, and NaN second operands, give the first operand the gradient
        return np.where(first, g, 0), np.where(first, 0, g)


class Fmin(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmin(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        first = (a <= b) | np.isnan(b)
        return np.where(first, g, 0), np.where(first, 0, g)


# ----------------------------------------------------------------- functions


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other``, broadcasting with PyTorch's type promotion."""
    return finish(binary(Add, input, other) if alpha == 1 else binary(Add, input, other, alpha=alpha), out)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``, broadcasting with PyTorch's type promotion."""
    _check_subtractable(input, other)
    return finish(binary(Sub, input, other) if alpha == 1 else binary(Sub, input, other, alpha=alpha), out)


def rsub(input, other, *, alpha=1):
    """``other - alpha * input``: subtraction with the operands swapped."""
    _check_subtractable(input, other)
    return binary(RSub, input, other, alpha=alpha)


def _check_subtractable(a, b):
    """PyTorch defines no subtraction of bools, with bool tensors or with numbers."""
    bool_a, bool_b = _is_bool(a), _is_bool(b)
    if bool_a and bool_b:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if bool_a and isinstance(a, Tensor) or bool_b and isinstance(b, Tensor):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


def mul(input, other, *, out=None):
    """``input * other``, elementwise with broadcasting."""
    return finish(binary(Mul, input, other), out)


def true_divide(input, other, *, out=None):
    """``input / other`` as true division: integer operands give a result in the default float dtype."""
    a, b = promote(input, other)
    if (a if isinstance(a, Tensor) else b)._data.dtype.kind not in "fc":
        # integers divide in the default float dtype, each operand converted on its own: a common integer
        # type first would wrap values around (uint8 / int64(-1) is -1.0 in PyTorch, not 1/255)
        x, y = (t if isinstance(t, (Tensor, int, bool)) else p for t, p in ((input, a), (other, b)))
        return finish(promoted_binary(Div, x, y, dtype=B.get_default_dtype().np), out)
    return finish(promoted_binary(Div, a, b), out)


def _is_bool(x):
    return x._data.dtype == np.bool_ if isinstance(x, Tensor) else type(x) is bool


def _rounded_division_operands(input, other, kernel):
    """Promoted operands of a rounded division or remainder, which PyTorch has no bool kernel for."""
    a, b = promote(input, other)
    if _is_bool(a) and _is_bool(b):
        raise not_implemented(kernel, a if isinstance(a, Tensor) else b)
    return a, b


def _div_operands(input, other, rounding_mode):
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    return _rounded_division_operands(input, other, f"div_{rounding_mode}_cpu")


def div(input, other, *, rounding_mode=None, out=None):
    """``input / other``; ``rounding_mode`` ``"trunc"`` or ``"floor"`` rounds the quotient toward zero or down."""
    if rounding_mode is None:
        return true_divide(input, other, out=out)
    return finish(binary(DivMode, *_div_operands(input, other, rounding_mode), mode=rounding_mode), out)


def floor_divide(input, other, *, out=None):
    """``input / other`` rounded down (toward minus infinity)."""
    return finish(binary(FloorDivide, *_rounded_division_operands(input, other, "div_floor_cpu"), mode="floor"), out)


def _integer_or_float(name, input, other):
    """Operands of remainder/fmod, which PyTorch does not define for bools."""
    return _rounded_division_operands(input, other, name + "_cpu")


def remainder(input, other, *, out=None):
    """Python's modulus ``input % other``: the result has the sign of ``other``."""
    return finish(binary(Remainder, *_integer_or_float("remainder", input, other)), out)


def fmod(input, other, *, out=None):
    """C's remainder ``fmod(input, other)``: the result has the sign of ``input``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return finish(binary(Fmod, *_integer_or_float("fmod", input, other)), out)


def positive(input):
    """``input`` itself (the unary ``+``); refuses bool tensors."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def abs(input, *, out=None):
    """Absolute value of each element."""
    if input._data.dtype == np.bool_:
        raise not_implemented("abs_cpu", input)
    return finish(Abs.apply(input), out)


def sign(input, *, out=None):
    """Sign of each element: -1, 0 or 1 (0 for NaN; ``x / abs(x)`` for complex elements)."""
    if input._data.dtype == np.bool_:  # NumPy has no sign of bools; PyTorch's is the identity
        return finish(_wrap(input._data.copy()), out)
    return finish(Sign.apply(input), out)


def _integer_power(a, b):
    """Integers to integer powers, negative exponents included as PyTorch computes them (NumPy refuses):
    1 and -1 keep their magnitude, every other base gives 0."""
    negative = b < 0
    if not negative.any():
        return a ** b
    odd = (b % 2).astype(bool)
    inverse = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0))
    return np.where(negative, inverse, a ** np.where(negative, 0, b)).astype(np.result_type(a, b), copy=False)


def pow(input, exponent, *, out=None):
    """``input ** exponent``, elementwise; either operand may be a number."""
    if _is_bool(input) and _is_bool(exponent) and (isinstance(input, Tensor) or isinstance(exponent, Tensor)):
        raise not_implemented("pow", input if isinstance(input, Tensor) else exponent)
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        exponent = scalar(exponent)
        if type(exponent) is int:
            if input._data.dtype.kind in "iu" and exponent < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
            if input._data.dtype == np.bool_:  # NumPy's bool ** int is int8; PyTorch's is int64
                input = input.to(B.int64)
    return finish(binary(Pow, input, exponent), out)


def square(input, *, out=None):
    """``input ** 2``, elementwise."""
    return pow(input, 2, out=out)


def maximum(input, other, *, out=None):
    """Elementwise larger of ``input`` and ``other``; a NaN in either gives NaN."""
    return finish(binary(Maximum, *tensor_operands("maximum", input, other)), out)


def minimum(input, other, *, out=None):
    """Elementwise smaller of ``input`` and ``other``; a NaN in either gives NaN."""
    return finish(binary(Minimum, *tensor_operands("minimum", input, other)), out)


def fmax(input, other, *, out=None):
    """Elementwise larger of ``input`` and ``other``, ignoring a NaN beside a number."""
    return finish(binary(Fmax, *tensor_operands("fmax", input, other)), out)


def fmin(input, other, *, out=None):
    """Elementwise smaller of ``input`` and ``other``, ignoring a NaN beside a number."""
    return finish(binary(Fmin, *tensor_operands("fmin", input, other)), out)


# ----------------------------------------------------------------- in place and operators


def add_(self, other, *, alpha=1):
    return inplace_binary(Add, self, other, **({} if alpha == 1 else {"alpha": alpha}))


def sub_(self, other, *, alpha=1):
    _check_subtractable(self, other)
    return inplace_binary(Sub, self, other, **({} if alpha == 1 else {"alpha": alpha}))


def mul_(self, other):
    return inplace_binary(Mul, self, other)


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return floating_inplace(Div, self, promote(self, other)[1])
    return inplace_binary(DivMode, self, _div_operands(self, other, rounding_mode)[1], mode=rounding_mode)


def floor_divide_(self, other):
    return inplace_binary(FloorDivide, self, _rounded_division_operands(self, other, "div_floor_cpu")[1],
                          mode="floor")


def remainder_(self, other):
    return inplace_binary(Remainder, self, _integer_or_float("remainder", self, other)[1])


def fmod_(self, other):
    return inplace_binary(Fmod, self, _integer_or_float("fmod", self, other)[1])


def pow_(self, exponent):
    return inplace_binary(Pow, self, exponent)


def square_(self):
    return inplace_binary(Pow, self, 2)


def abs_(self):
    if self._data.dtype == np.bool_:
        raise not_implemented("abs_cpu", self)
    return inplace(Abs, self)


def sign_(self):
    return self if self._data.dtype == np.bool_ else inplace(Sign, self)


def _radd(self, other):
    return add(other, self)


def _rsub(self, other):
    return rsub(self, other)


def _rmul(self, other):
    return mul(other, self)


def _rdiv(self, other):
    return true_divide(other, self)


def _rfloordiv(self, other):
    return floor_divide(other, self)


def _rmod(self, other):
    return remainder(other, self)


def _rpow(self, other):
    return pow(other, self)


TENSOR_METHODS = dict(
    add=add, sub=sub, subtract=sub, mul=mul, multiply=mul, div=div, divide=div, true_divide=true_divide,
    floor_divide=floor_divide, remainder=remainder, fmod=fmod, positive=positive,
    abs=abs, absolute=abs, sign=sign, sgn=sign, pow=pow, square=square,
    maximum=maximum, minimum=minimum, fmax=fmax, fmin=fmin,
    add_=add_, sub_=sub_, subtract_=sub_, mul_=mul_, multiply_=mul_, div_=div_, divide_=div_,
    true_divide_=div_, floor_divide_=floor_divide_, remainder_=remainder_, fmod_=fmod_, pow_=pow_,
    square_=square_, abs_=abs_, absolute_=abs_,
    sign_=sign_, sgn_=sign_,
    __add__=add, __radd__=_radd, __iadd__=add_, __sub__=sub, __rsub__=_rsub, __isub__=sub_,
    __mul__=mul, __rmul__=_rmul, __imul__=mul_, __truediv__=true_divide, __rtruediv__=_rdiv, __itruediv__=div_,
    __floordiv__=floor_divide, __rfloordiv__=_rfloordiv, __ifloordiv__=floor_divide_,
    __mod__=remainder, __rmod__=_rmod, __imod__=remainder_,
    __pow__=pow, __rpow__=_rpow, __ipow__=pow_, __pos__=positive, __abs__=abs,
)
FUNCTIONS = dict(
    add=add, sub=sub, subtract=sub, rsub=rsub, mul=mul, multiply=mul, div=div, divide=div,
    true_divide=true_divide, floor_divide=floor_divide, remainder=remainder, fmod=fmod,
    positive=positive, abs=abs, absolute=abs, sign=sign, sgn=sign, pow=pow, square=square,
    maximum=maximum, minimum=minimum, fmax=fmax, fmin=fmin,
    abs_=abs_, square_=square_,
)
