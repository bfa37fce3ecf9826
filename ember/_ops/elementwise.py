"""Elementwise arithmetic with broadcasting and PyTorch's type promotion."""
import numpy as np

from .. import _backend as B
from .._tensor import Tensor
from .op import Op, inplace, write_out

_wrap = Tensor._wrap


# ----------------------------------------------------------------- promotion


def _scalar(x):
    """Python/NumPy numbers are weak scalars; 0-dim NumPy scalars become Python numbers."""
    return x.item() if isinstance(x, np.generic) else x


def to_tensor(x, like):
    """A constant (list, array, number) as a Tensor on ``like``'s device."""
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        arr = arr.astype(B.get_default_dtype().np)
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
        b = _scalar(b)
        if type(b) is float and a._data.dtype.kind != "f":
            return a.to(B.get_default_dtype()), b
        if not isinstance(b, (int, float, bool)):
            return promote(a, to_tensor(b, a))
        return a, b
    if tb:
        a = _scalar(a)
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


def binary(op, a, b, **params):
    """Promote, then apply: the one entry for every broadcasting binary op."""
    a, b = promote(a, b)
    try:
        return op.apply(a, b, **params)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error(a, b) from None
        raise


# ----------------------------------------------------------------- the ops


class Add(Op):
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha)


class Sub(Op):
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    def backward(ctx, g):
        return g, (-g if ctx.alpha == 1 else g * -ctx.alpha)


class RSub(Op):
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
        return g * b, g * a


class Div(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g / b, (-g * a / (b * b) if ctx.needs_input_grad[1] else None)


class Neg(Op):
    def forward(ctx, a):
        return -a

    def backward(ctx, g):
        return -g


class Pow(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
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

    def name(self):
        return "PowBackward1" if len(self.next_functions) > 1 and self.next_functions[1] is not None else (
            "PowBackward0")


class Exp(Op):
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


class Log(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / a


# ----------------------------------------------------------------- functions


def _finish(result, out):
    return result if out is None else write_out(result, out)


def add(input, other, *, alpha=1, out=None):
    return _finish(binary(Add, input, other) if alpha == 1 else binary(Add, input, other, alpha=alpha), out)


def sub(input, other, *, alpha=1, out=None):
    return _finish(binary(Sub, input, other) if alpha == 1 else binary(Sub, input, other, alpha=alpha), out)


def rsub(input, other, *, alpha=1):
    return binary(RSub, input, other, alpha=alpha)


def mul(input, other, *, out=None):
    return _finish(binary(Mul, input, other), out)


def true_divide(input, other, *, out=None):
    a, b = promote(input, other)  # integer operands divide in the default float dtype
    if isinstance(a, Tensor) and a._data.dtype.kind != "f":
        a = a.to(B.get_default_dtype())
    if isinstance(b, Tensor) and b._data.dtype.kind != "f":
        b = b.to(B.get_default_dtype())
    return _finish(Div.apply(a, b), out)


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return true_divide(input, other, out=out)
    from .pointwise import floor_divide, trunc

    if rounding_mode == "floor":
        return floor_divide(input, other, out=out)
    if rounding_mode == "trunc":
        q = true_divide(input, other)
        r = trunc(q)
        a, _ = promote(input, other)
        r = r.to(a.dtype) if isinstance(a, Tensor) and a._data.dtype.kind != "f" else r
        return _finish(r, out)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


def neg(input, *, out=None):
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _finish(Neg.apply(input), out)


def pow(input, exponent, *, out=None):
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        exponent = _scalar(exponent)
        if type(exponent) is int and input._data.dtype.kind in "iu" and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _finish(binary(Pow, input, exponent), out)


def exp(input, *, out=None):
    return _finish(Exp.apply(_floating(input)), out)


def log(input, *, out=None):
    return _finish(Log.apply(_floating(input)), out)


def _floating(t):
    """Integer inputs of floating functions (exp, log, sqrt, ...) compute in the default float dtype."""
    return t if t._data.dtype.kind == "f" else t.to(B.get_default_dtype())


# ----------------------------------------------------------------- in place and operators


def add_(self, other, *, alpha=1):
    a, b = self, other
    return inplace(Add, a, *promote(a, b)[1:], **({} if alpha == 1 else {"alpha": alpha}))


def sub_(self, other, *, alpha=1):
    return inplace(Sub, self, *promote(self, other)[1:], **({} if alpha == 1 else {"alpha": alpha}))


def mul_(self, other):
    return inplace(Mul, self, promote(self, other)[1])


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is not None:
        return self.copy_(div(self, other, rounding_mode=rounding_mode))
    return inplace(Div, self, promote(self, other)[1])


def pow_(self, exponent):
    return inplace(Pow, self, promote(self, exponent)[1])


def neg_(self):
    return inplace(Neg, self)


def exp_(self):
    return inplace(Exp, self)


def log_(self):
    return inplace(Log, self)


def _radd(self, other):
    return add(other, self)


def _rsub(self, other):
    return sub(other, self)


def _rmul(self, other):
    return mul(other, self)


def _rdiv(self, other):
    return true_divide(other, self)


def _rpow(self, other):
    return pow(other, self)


TENSOR_METHODS = dict(
    add=add, sub=sub, subtract=sub, mul=mul, multiply=mul, div=div, divide=div, true_divide=true_divide,
    neg=neg, negative=neg, pow=pow, exp=exp, log=log,
    add_=add_, sub_=sub_, subtract_=sub_, mul_=mul_, multiply_=mul_, div_=div_, divide_=div_,
    true_divide_=div_, pow_=pow_, neg_=neg_, negative_=neg_, exp_=exp_, log_=log_,
    __add__=add, __radd__=_radd, __iadd__=add_, __sub__=sub, __rsub__=_rsub, __isub__=sub_,
    __mul__=mul, __rmul__=_rmul, __imul__=mul_, __truediv__=true_divide, __rtruediv__=_rdiv, __itruediv__=div_,
    __pow__=pow, __rpow__=_rpow, __ipow__=pow_, __neg__=neg,
)
FUNCTIONS = dict(add=add, sub=sub, subtract=sub, rsub=rsub, mul=mul, multiply=mul, div=div, divide=div,
                 true_divide=true_divide, neg=neg, negative=neg, pow=pow, exp=exp, log=log)
