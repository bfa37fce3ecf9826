"""Neural-network ops with fused forward and backward: linear, softmax, log_softmax, dropout.

Activations live in ``nn_activation.py`` (gathered here into the op family that
``ember._ops`` binds) and losses in ``nn_loss.py`` and ``nn_loss_elementwise.py``.
"""
import warnings

import math

import numpy as np

from .. import _arraylib as B
from .._parallel import large, map_rows, matmul, matmul_rows
from . import nn_activation
from .op import Op, inplace as run_inplace


# ----------------------------------------------------------------- linear


class Linear(Op):
    """``x @ W.T + b`` in one node; backward computes only the gradients asked for."""

    fresh_grads = True

    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        ctx.has_bias = b is not None
        out = matmul(x, w.T) if x.ndim == 2 else matmul_rows(x, w.T) if x.ndim > 2 else x @ w.T
        if b is not None:
            out += b
        return out

    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = (matmul(g, w) if g.ndim == 2 else matmul_rows(g, w) if g.ndim > 2 else g @ w) if need[0] else None
        gw = None
        if need[1]:
            if x.ndim == 1:  # the outer product of g and x
                gw = g.reshape(-1, 1) * x.reshape(1, -1)
            else:
                gw = matmul(g.reshape(-1, g.shape[-1]).T, x.reshape(-1, x.shape[-1]))
        gb = None
        if ctx.has_bias and need[2]:
            # summed here for the common 2-D case (through the ufunc: ndarray.sum's Python wrapper costs
            # more than the sum at batch 8), and the engine sums N-D ones into a new array; a 1-D g is
            # copied, as every gradient of a fresh_grads op must be its own array
            if ctx.create_graph or g.ndim > 2:
                gb = g
            elif g.ndim == 2:
                gb = _sum_rows(g, 0) if type(g) is np.ndarray else g.sum(0)
            else:
                gb = g.copy()
        return gx, gw, gb

    def name(self):
        # PyTorch names the node after the kernel its linear dispatched to
        ndim = len(self._meta[0][0])
        if ndim == 2:
            return "AddmmBackward0" if self.has_bias else "MmBackward0"
        if self.has_bias:
            return "ViewBackward0"
        return "SqueezeBackward4" if ndim == 1 else "UnsafeViewBackward0"


_sum_rows = np.add.reduce


def _dtype_error(input, weight, bias):
    if bias is None:
        return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {input.dtype_short(True)} != "
                            f"{weight.dtype_short(True)}")
    first, name = (bias, "self") if bias._data.dtype != weight._data.dtype else (input, "mat1")
    return RuntimeError(f"{name} and mat2 must have the same dtype, but got {first.dtype_short()} and "
                        f"{weight.dtype_short()}")


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` (PyTorch's ``F.linear``)."""
    if weight._data.ndim != 2 or input._data.ndim == 0:
        out = input.matmul(weight.t())  # unusual shapes take the general matmul path
        return out if bias is None else out + bias
    x, w = input._data, weight._data
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != w.dtype):
        raise _dtype_error(input, weight, bias)
    try:
        return Linear.apply(input, weight, bias)
    except ValueError:
        if x.shape[-1] != w.shape[1]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(x.shape[:-1]))}x"
                               f"{x.shape[-1]} and {w.shape[1]}x{w.shape[0]})") from None
        raise RuntimeError(f"The expanded size of the tensor ({w.shape[0]}) must match the existing size "
                           f"({bias._data.shape[-1]}) at non-singleton dimension {x.ndim - 1}.  Target sizes: "
                           f"{list(x.shape[:-1]) + [w.shape[0]]}.  Tensor sizes: {list(bias.shape)}") from None


class Bilinear(Op):
    """``y[n, o] = x1[n, i] W[o, i, j] x2[n, j] + b[o]`` over any leading dims."""

    backward_name = "AddBackward0"

    def forward(ctx, x1, x2, w, b=None):
        ctx.shape1, ctx.shape2 = x1.shape, x2.shape
        x1, x2 = x1.reshape(-1, x1.shape[-1]), x2.reshape(-1, x2.shape[-1])
        ctx.save_for_backward(x1, x2, w)
        out = np.einsum("ni,oij,nj->no", x1, w, x2, optimize=True)
        if b is not None:
            out += b
        return out.reshape(ctx.shape1[:-1] + (w.shape[0],))

    def backward(ctx, g):
        x1, x2, w = ctx.saved_tensors
        g = g.reshape(-1, w.shape[0])
        need = ctx.needs_input_grad
        g1 = np.einsum("no,oij,nj->ni", g, w, x2, optimize=True).reshape(ctx.shape1) if need[0] else None
        g2 = np.einsum("no,oij,ni->nj", g, w, x1, optimize=True).reshape(ctx.shape2) if need[1] else None
        gw = np.einsum("no,ni,nj->oij", g, x1, x2, optimize=True) if need[2] else None
        return g1, g2, gw, g


def bilinear(input1, input2, weight, bias=None):
    """Bilinear map ``y[..., o] = input1 @ weight[o] @ input2 + bias[o]`` over the last dimensions of the two inputs."""
    return Bilinear.apply(input1, input2, weight, bias)


# ----------------------------------------------------------------- softmax


class Softmax(Op):
    def forward(ctx, a, axis):
        ctx.axis = axis
        if not a.size:  # nothing to normalise (and no max along an empty dim)
            out = a.copy()
        elif _by_rows(a, axis):
            out = map_rows(lambda o, x: _softmax_into(o, x, axis), np.empty_like(a), a)
        else:
            out = _softmax_into(None, a, axis)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        if ctx.create_graph or not out.ndim:
            gy = g * out
            return gy - out * gy.sum(axis=ctx.axis, keepdims=True)
        if _by_rows(g, ctx.axis) and g.shape == out.shape:
            return map_rows(lambda o, y, gy: _softmax_grad_into(o, y, gy, ctx.axis), np.empty_like(g), out, g)
        return _softmax_grad_into(None, out, g, ctx.axis)


def _by_rows(a, axis):
    """Whether a softmax over ``axis`` can be split over the intra-op threads along the first dim."""
    return large(a) and a.ndim > 1 and axis % a.ndim != 0


def _softmax_into(out, a, axis):
    """exp(a - max) / sum into ``out`` (a new array when None), the three passes in place."""
    out = np.subtract(a, a.max(axis, keepdims=True), out=out)
    out = np.exp(out, out=out) if out.ndim else np.exp(out)
    out /= out.sum(axis, keepdims=True)
    return out


def _softmax_grad_into(gx, out, g, axis):
    """``out * (g - sum(g * out))`` into ``gx``: the product is summed, then overwritten."""
    gx = np.multiply(g, out, out=gx)
    dot = gx.sum(axis=axis, keepdims=True)
    np.subtract(g, dot, out=gx)
    gx *= out
    return gx


class LogSoftmax(Op):
    def forward(ctx, a, axis):
        if a.size:
            out = a - a.max(axis, keepdims=True)
            out -= np.log(np.exp(out).sum(axis, keepdims=True))
        else:
            out = a.copy()
        ctx.axis = axis
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g - np.exp(out) * g.sum(axis=ctx.axis, keepdims=True)


def _softmax_dim(name, ndim, stacklevel):
    """PyTorch's old implicit choice of dim, kept with its deprecation warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _run_softmax(op, kernel, input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    a = input._data
    if a.dtype.kind != "f":
        last = dim in (-1, a.ndim - 1)
        raise NotImplementedError(f'"{kernel}{"_lastdim" if last else ""}_kernel_impl" not implemented for '
                                  f"'{input.dtype_short()}'")
    axis = input._dim(dim)
    return op.apply(input, axis=axis if a.ndim else None)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(input)`` normalised to sum to 1 along ``dim``, computed in ``dtype`` when given."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _run_softmax(Softmax, "softmax", input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Logarithm of :func:`ember.softmax` along ``dim``, computed directly for stability."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _run_softmax(LogSoftmax, "log_softmax", input, dim, dtype)


# ----------------------------------------------------------------- dropout


class Dropout(Op):
    """Multiply by a random mask of 0 and 1/(1-p); ``mask_shape`` with 1s drops whole channels."""

    backward_name = "MulBackward0"  # PyTorch records dropout as a product with the scaled mask

    def forward(ctx, a, p, mask_shape=None):
        keep = _bernoulli_keep(a.shape if mask_shape is None else mask_shape, p)
        mask = keep.astype(a.dtype) if p == 1 else keep * a.dtype.type(1 / (1 - p))
        if type(a) is not np.ndarray:
            mask = B.to_device(mask, B.device_of(a))
        ctx.mask = mask
        return a * mask

    def backward(ctx, g):
        return g * ctx.mask


def _bernoulli_keep(shape, p):
    """A bool array, each element True with probability ``1 - p``, from 32 random bits per element: the
    bits drawn as raw 64-bit words take half the time of uniform floats, and comparing them with
    ``p * 2**32`` resolves ``p`` to 2**-32 (float32 uniforms resolve it to 2**-24)."""
    threshold = round(p * 2 ** 32)
    if threshold >= 2 ** 32:  # p within 2**-33 of 1 keeps nothing
        return np.zeros(shape, bool)
    n = math.prod(shape)
    bits = B.rng().bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n].reshape(shape)
    return bits >= np.uint32(threshold)


def dropout(input, p=0.5, training=True, inplace=False, *, feature_dims=0):
    """Zero each element (or with ``feature_dims``, each channel over that many trailing dims) with
    probability ``p`` and scale the rest by ``1/(1-p)``; the identity outside training."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    shape = None if not feature_dims else input._data.shape[:-feature_dims] + (1,) * feature_dims
    if inplace:
        return run_inplace(Dropout, input, p=p, mask_shape=shape)
    return Dropout.apply(input, p=p, mask_shape=shape)


# ----------------------------------------------------------------- padding

_NP_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


class Pad(Op):
    """``F.pad``: ``pads`` holds (before, after) per padded dim, from the first padded dim on."""

    def forward(ctx, a, pads, mode, value):
        lead = a.ndim - len(pads)
        # negative padding crops: slice first, then pad what is left to pad
        crop = (slice(None),) * lead + tuple(slice(-lo if lo < 0 else 0, hi if hi < 0 else None) for lo, hi in pads)
        widths = ((0, 0),) * lead + tuple((max(lo, 0), max(hi, 0)) for lo, hi in pads)
        ctx.mode, ctx.n_padded, ctx.shape, ctx.crop = mode, len(pads), a.shape, crop
        if mode == "constant":
            ctx.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a[crop].shape))
            return np.pad(a[crop], widths, constant_values=value)
        # other modes copy input elements around: pad their flat indices the same way to find where each went
        xp = B.get_array_module(a)
        ctx.sources = np.pad(xp.arange(a.size).reshape(a.shape)[crop], widths, mode=_NP_PAD_MODES[mode])
        return a.reshape(-1)[ctx.sources]

    def backward(ctx, g):
        if ctx.mode == "constant":
            out = g[ctx.inner]
            if all(c == slice(None) or c == slice(0, None) for c in ctx.crop):
                return out
            full = np.zeros_like(out, shape=ctx.shape)
            full[ctx.crop] = out
            return full
        total = np.bincount(ctx.sources.reshape(-1), weights=g.reshape(-1), minlength=int(np.prod(ctx.shape)))
        return total.astype(g.dtype, copy=False).reshape(ctx.shape)

    def name(self):
        if self.mode == "constant":
            return "ConstantPadNdBackward0"
        if self.mode == "circular":
            return "torch::autograd::CopySlices"
        return f"{'Reflection' if self.mode == 'reflect' else 'Replication'}Pad{self.n_padded}DBackward0"


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad`` lists (before, after) from the last dim backwards."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if mode not in _NP_PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pads = tuple((int(pad[2 * i]), int(pad[2 * i + 1])) for i in reversed(range(n)))
    if mode != "constant":
        if not 1 <= n <= 3 or input.ndim not in (n + 1, n + 2):
            raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.")
        for dim, (lo, hi) in zip(range(input.ndim - n, input.ndim), pads):
            size = input._data.shape[dim]
            if mode == "reflect" and (lo >= size or hi >= size):
                raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                                   f"{list(input.shape)}")
    return Pad.apply(input, pads=pads, mode=mode, value=0 if value is None else value)


TENSOR_METHODS = dict(softmax=softmax, log_softmax=log_softmax)
TENSOR_METHODS.update(nn_activation.TENSOR_METHODS)
FUNCTIONS = dict(softmax=softmax, log_softmax=log_softmax, dropout=dropout)
FUNCTIONS.update(nn_activation.FUNCTIONS)
