"""Fused pointwise arithmetic: lerp, addcmul and addcdiv compute ``a + w * (b - a)``, ``a + v * b * c`` and
``a + v * b / c`` as one op with one graph node, instead of a chain of three."""
import numpy as np

from .._tensor import Tensor
from .op import Op, inplace
from .promotion import cast_error, finish, nary, not_implemented, promote_all, scalar


class Lerp(Op):
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        d = b - a
        # from the nearer end, so that weights 0 and 1 give the ends exactly
        if isinstance(w, (int, float)):
            return a + w * d if abs(w) < 0.5 else b - d * (1 - w)
        return np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w))

    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g * (1 - w) if need[0] else None, g * w if need[1] else None,
                g * (b - a) if need[2] else None)

    def name(self):  # number or tensor weight
        return f"LerpBackward{0 if self._meta[2] is None else 1}"


class Addcmul(Op):
    def forward(ctx, a, t1, t2, value=1):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return a + value * (t1 * t2) if value != 1 else a + t1 * t2

    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        gv = g * ctx.value if ctx.value != 1 else g
        return g, (gv * t2 if need[1] else None), (gv * t1 if need[2] else None)


class Addcdiv(Op):
    def forward(ctx, a, t1, t2, value=1):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return a + value * (t1 / t2) if value != 1 else a + t1 / t2

    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        gv = g * ctx.value / t2
        return g, (gv if need[1] else None), (-gv * t1 / t2 if need[2] else None)


# ----------------------------------------------------------------- functions


def _lerp_operands(input, end, weight):
    if end._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected dtype {input.dtype_short(True)} for `end` but got dtype "
                           f"{end.dtype_short(True)}")
    if input._data.dtype.kind != "f":
        raise not_implemented("lerp_kernel_scalar", input)
    if isinstance(weight, Tensor):
        return end, (weight if weight._data.dtype == input._data.dtype else weight.to(input.dtype))
    return end, scalar(weight)


def lerp(input, end, weight, *, out=None):
    """Linear interpolation ``input + weight * (end - input)`` of floating tensors, exact at weights 0 and 1."""
    return finish(nary(Lerp, input, *_lerp_operands(input, end, weight)), out)


def lerp_(self, end, weight):
    return inplace(Lerp, self, *_lerp_operands(self, end, weight))


def _addc_operands(op, input, tensor1, tensor2, value):
    if op is Addcdiv and tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    operands = promote_all(input, tensor1, tensor2)
    if operands[0]._data.dtype.kind != "f" and isinstance(value, float):
        value = int(value)  # integer tensors take the value as an integer, as PyTorch's kernel does
    return operands, value


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``, elementwise with broadcasting, as one op."""
    operands, value = _addc_operands(Addcmul, input, tensor1, tensor2, value)
    return finish(nary(Addcmul, *operands, value=value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``, elementwise with broadcasting, as one op (not for two integer tensors)."""
    operands, value = _addc_operands(Addcdiv, input, tensor1, tensor2, value)
    return finish(nary(Addcdiv, *operands, value=value), out)


def _addc_(op, self, tensor1, tensor2, value):
    operands, value = _addc_operands(op, self, tensor1, tensor2, value)
    if operands[0]._data.dtype.kind == "f" and self._data.dtype.kind != "f":
        raise cast_error(operands[0].dtype, self)
    return inplace(op, self, *operands[1:], value=value)


def addcmul_(self, tensor1, tensor2, *, value=1):
    return _addc_(Addcmul, self, tensor1, tensor2, value)


def addcdiv_(self, tensor1, tensor2, *, value=1):
    return _addc_(Addcdiv, self, tensor1, tensor2, value)


TENSOR_METHODS = dict(lerp=lerp, addcmul=addcmul, addcdiv=addcdiv, lerp_=lerp_, addcmul_=addcmul_, addcdiv_=addcdiv_)
FUNCTIONS = dict(lerp=lerp, addcmul=addcmul, addcdiv=addcdiv)
