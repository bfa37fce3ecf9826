"""More elementwise functions: inverse hyperbolics, logaddexp, copysign, ldexp/frexp,
float_power, nan_to_num, degrees/radians, heaviside, gcd/lcm, nextafter, signbit and the
bit shifts with their operators."""
import math

import numpy as np

from .. import _arraylib as B, return_types
from .._tensor import Tensor
from .comparison import Discrete, _bitwise
from .op import Op, inplace
from .promotion import binary, finish, floating, floating_function, not_implemented, promote, tensor_operands

_wrap = Tensor._wrap


class Acosh(Op):
    """Inverse hyperbolic cosine of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arccosh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / np.sqrt((a - 1) * (a + 1))


class Asinh(Op):
    """Inverse hyperbolic sine of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / np.sqrt(a * a + 1)


class Atanh(Op):
    """Inverse hyperbolic tangent of each element."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctanh(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 - a * a)


class Logaddexp(Op):
    base_log = 1.0  # log(e); logaddexp2 works in base 2

    def forward(ctx, a, b):
        out = np.logaddexp(a, b) if ctx.base_log == 1.0 else np.logaddexp2(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def backward(ctx, g):
        a, b, out = ctx.saved_tensors  # d/da log(e^a + e^b) = e^(a - out), likewise in base 2
        return g * np.exp((a - out) * ctx.base_log), g * np.exp((b - out) * ctx.base_log)


class Logaddexp2(Logaddexp):
    base_log = math.log(2.0)


class Copysign(Op):
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        # d/da copysign(a, b) = sign(a) * sign(b), 0 at a = 0; b's gradient is zero
        return g * np.where(a == 0, 0, out / np.where(a == 0, 1, a)), g * 0


class NanToNum(Op):
    def forward(ctx, a, nan=0.0, posinf=None, neginf=None):
        ctx.save_for_backward(a)
        info = np.finfo(a.dtype)
        return np.nan_to_num(a, nan=nan, posinf=info.max if posinf is None else posinf,
                             neginf=info.min if neginf is None else neginf)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.isfinite(a)


class Frexp(Op):
    backward_name = "FrexpBackward0"

    def forward(ctx, a):
        mantissa, exponent = np.frexp(a)
        ctx.save_for_backward(exponent)
        return mantissa, exponent.astype(np.int32)

    def backward(ctx, g, _):
        (exponent,) = ctx.saved_tensors
        return g / np.exp2(exponent).astype(g.dtype)


acosh, acosh_ = floating_function(Acosh, "acosh")
asinh, asinh_ = floating_function(Asinh, "asinh")
atanh, atanh_ = floating_function(Atanh, "atanh")


def _floating_pair(name, input, other):
    a, b = tensor_operands(name, input, other)
    if a._data.dtype.kind != "f":
        a, b = a.to(B.get_default_dtype()), b.to(B.get_default_dtype())
    return a, b


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` elementwise, without overflow for large operands."""
    return finish(binary(Logaddexp, *_floating_pair("logaddexp", input, other)), out)


def logaddexp2(input, other, *, out=None):
    """``log2(2 ** input + 2 ** other)`` elementwise, without overflow for large operands."""
    return finish(binary(Logaddexp2, *_floating_pair("logaddexp2", input, other)), out)


def copysign(input, other, *, out=None):
    """Magnitude of ``input`` with the sign of ``other``, elementwise, as floats."""
    a, b = promote(input, other)
    if isinstance(a, Tensor) and a._data.dtype.kind != "f":
        a = a.to(B.get_default_dtype())
    return finish(binary(Copysign, a, b), out)


def copysign_(self, other):
    return inplace(Copysign, self, other)


def ldexp(input, other, *, out=None):
    """``input * 2 ** other``, in the input's floating dtype."""
    x = floating(input)
    return finish(x * 2.0 ** other.to(x.dtype), out)


def ldexp_(self, other):
    return self.mul_(2.0 ** other.to(self.dtype))


def frexp(input, *, out=None):
    """Mantissa (of magnitude in [0.5, 1)) and int32 exponent of each element:
    ``input == mantissa * 2 ** exponent``."""
    if input._data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return return_types.frexp(*Frexp.apply(input))


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in float64, whatever the operands' dtypes."""
    base = input.double() if isinstance(input, Tensor) else float(input)
    exp = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return finish(base ** exp if isinstance(base, Tensor) else exp.__rpow__(base), out)


def float_power_(self, exponent):
    if self._data.dtype != np.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype_short()} but the operation's "
                           f"result requires dtype Double")
    return self.pow_(exponent)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """``input`` with NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and the dtype's
    largest and lowest values)."""
    if input._data.dtype.kind != "f":
        return finish(input.clone(), out)
    return finish(NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf), out)


def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    if self._data.dtype.kind != "f":
        return self
    return inplace(NanToNum, self, nan=nan, posinf=posinf, neginf=neginf)


def deg2rad(input, *, out=None):
    """Each element converted from degrees to radians."""
    return finish(floating(input) * (math.pi / 180), out)


def rad2deg(input, *, out=None):
    """Each element converted from radians to degrees."""
    return finish(floating(input) * (180 / math.pi), out)


def deg2rad_(self):
    return self.mul_(math.pi / 180)


def rad2deg_(self):
    return self.mul_(180 / math.pi)


def heaviside(input, values, *, out=None):
    """Step function: 0 where ``input`` is negative, 1 where positive, ``values`` where it is zero."""
    a, v = tensor_operands("heaviside", input, values)
    step = np.where(a._data == 0, v._data, (a._data > 0).astype(a._data.dtype))
    return finish(_wrap(np.asarray(step, a._data.dtype)), out)


def heaviside_(self, values):
    return self.copy_(heaviside(self, values))


def _integer_function(fn, name, doc):
    def function(input, other, *, out=None):
        a, b = promote(input, other)
        t = a if isinstance(a, Tensor) else b
        if t._data.dtype.kind not in "iu":
            raise not_implemented(name + "_cpu", t)
        return finish(binary(Discrete, a, b, fn=fn), out)

    def function_(self, other):
        return self.copy_(function(self, other))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function, function_


gcd, gcd_ = _integer_function(np.gcd, "gcd", "Elementwise greatest common divisor of integer tensors (non-negative).")
lcm, lcm_ = _integer_function(np.lcm, "lcm", "Elementwise least common multiple of integer tensors (non-negative).")


def nextafter(input, other, *, out=None):
    """The next floating-point value after ``input`` toward ``other``, elementwise."""
    a, b = tensor_operands("nextafter", input, other)
    return finish(binary(Discrete, a, b, fn=np.nextafter), out)


def nextafter_(self, other):
    return self.copy_(nextafter(self, other))


def signbit(input, *, out=None):
    """A bool tensor, True where the sign bit of an element is set (negative numbers and -0.0)."""
    return finish(Discrete.apply(input, fn=np.signbit), out)


bitwise_left_shift, bitwise_left_shift_, _rlshift = _bitwise(np.left_shift, "lshift", "left shift ``input << other``")
bitwise_right_shift, bitwise_right_shift_, _rrshift = _bitwise(np.right_shift, "rshift",
                                                               "right shift ``input >> other``")
bitwise_left_shift.__name__, bitwise_right_shift.__name__ = "bitwise_left_shift", "bitwise_right_shift"

FUNCTIONS = dict(acosh=acosh, acosh_=acosh_, arccosh=acosh, arccosh_=acosh_, asinh=asinh, asinh_=asinh_,
                 arcsinh=asinh, arcsinh_=asinh_, atanh=atanh, atanh_=atanh_, arctanh=atanh, arctanh_=atanh_,
                 logaddexp=logaddexp, logaddexp2=logaddexp2, copysign=copysign, ldexp=ldexp, ldexp_=ldexp_,
                 frexp=frexp, float_power=float_power, nan_to_num=nan_to_num, nan_to_num_=nan_to_num_,
                 deg2rad=deg2rad, deg2rad_=deg2rad_, rad2deg=rad2deg, rad2deg_=rad2deg_, heaviside=heaviside,
                 gcd=gcd, gcd_=gcd_, lcm=lcm, lcm_=lcm_, nextafter=nextafter, signbit=signbit,
                 bitwise_left_shift=bitwise_left_shift, bitwise_right_shift=bitwise_right_shift)
TENSOR_METHODS = dict(FUNCTIONS, copysign_=copysign_, float_power_=float_power_, nextafter_=nextafter_,
                      heaviside_=heaviside_,
                      bitwise_left_shift_=bitwise_left_shift_, bitwise_right_shift_=bitwise_right_shift_,
                      __lshift__=bitwise_left_shift, __rshift__=bitwise_right_shift, __rlshift__=_rlshift,
                      __rrshift__=_rrshift, __ilshift__=bitwise_left_shift_, __irshift__=bitwise_right_shift_)
