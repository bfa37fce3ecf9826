"""Normalisation layers' ops: batch, layer and group norm, each one fused node.

All three standardise ``x`` over some axes (batch norm: every axis but the
channels; layer norm: the trailing ``normalized_shape``; group norm: each group
of channels of one sample) and then scale and shift per element or channel.
They share the standardisation and its gradient.
"""
import math

import numpy as np

from .._arraylib import get_array_module
from .._parallel import BLOCK, split
from .op import Op


def _standardize(x, axes, eps):
    """(x - mean) / sqrt(var + eps) over ``axes`` (biased variance); also 1/std, the mean and the variance.

    Written with NumPy functions, it also runs on Tensors: backward with create_graph=True recomputes
    the statistics from the input Tensor, so that second derivatives see how they depend on it."""
    mean = x.mean(axes, keepdims=True)
    xc = x - mean
    var = np.square(xc).mean(axes, keepdims=True)
    invstd = 1 / np.sqrt(var + eps)
    return xc * invstd, invstd, mean, var


def _standardize_grad(gxhat, xhat, invstd, axes):
    """Gradient through ``_standardize``: the mean and the variance depend on every element of the group."""
    return invstd * (gxhat - gxhat.mean(axes, keepdims=True) - xhat * (gxhat * xhat).mean(axes, keepdims=True))


def _affine(xhat, w, b, shape):
    """xhat * w + b into a new array (xhat itself is saved for backward)."""
    if w is None:
        return xhat if b is None else xhat + b.reshape(shape)
    out = xhat * w.reshape(shape)
    if b is not None:
        out += b.reshape(shape)
    return out


def _affine_grads(ctx, g, xhat, axes):
    need = ctx.needs_input_grad
    gw = (g * xhat).sum(axes) if ctx.has_weight and need[1] else None
    gb = g.sum(axes) if ctx.has_bias and need[2] else None
    return gw, gb


class NativeBatchNorm(Op):
    """Batch statistics in training (updating the running ones in place), running statistics otherwise."""

    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (-1,) + (1,) * (x.ndim - 2)
        ctx.axes, ctx.training, ctx.has_weight, ctx.has_bias = axes, training, w is not None, b is not None
        if training:
            if x.size:
                out, xhat, invstd, mean, var = _batch_norm_train(x, w, b, x.dtype.type(eps))
            else:
                xhat, invstd, mean, var = _standardize(x, axes, x.dtype.type(eps))
                out = _affine(xhat, w, b, shape)
            if running_mean is not None:
                n = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean.reshape(-1)
                running_var *= 1 - momentum
                running_var += momentum * var.reshape(-1) * (n / (n - 1))  # the unbiased variance
            ctx.eps = eps
            ctx.save_for_backward(xhat, invstd, w, x)
            return out
        else:
            invstd = (1 / np.sqrt(running_var + x.dtype.type(eps))).astype(x.dtype, copy=False).reshape(shape)
            ctx.center = running_mean.reshape(shape).copy()
            xhat = (x - ctx.center) * invstd
        ctx.eps = eps
        ctx.save_for_backward(xhat, invstd, w, x)
        return _affine(xhat, w, b, shape)

    def backward(ctx, g):
        xhat, invstd, w, x = ctx.saved_tensors
        if ctx.create_graph:  # create_graph: the statistics as functions of x (see _standardize)
            if ctx.training:
                xhat, invstd = _standardize(x, ctx.axes, ctx.eps)[:2]
            else:
                xhat = (x - ctx.center) * invstd
        elif ctx.training:
            return _batch_norm_grads(ctx, g, xhat, invstd, w)
        gxhat = g if w is None else g * w.reshape(invstd.shape)
        gx = None
        if ctx.needs_input_grad[0]:
            gx = _standardize_grad(gxhat, xhat, invstd, ctx.axes) if ctx.training else gxhat * invstd
        return (gx,) + _affine_grads(ctx, g, xhat, ctx.axes)


def _channel_blocks(fn, channels, per_channel):
    """``fn(block)`` for slices of channels, split over the intra-op threads, a block of channels small
    enough that all of a kernel's passes over it stay in cache."""
    step = max(1, BLOCK // max(1, per_channel))

    def blocks(lo, hi):
        for c in range(lo, hi, step):
            fn(slice(c, min(c + step, hi)))
    split(blocks, channels, channels * per_channel)


def _batch_norm_train(x, w, b, eps):
    """Training batch norm on arrays, channel by channel: the output, xhat, 1/std, the mean and the biased
    variance. xhat and the output are laid out channel-major (each channel one block of memory, the
    layout Ember's convolutions hand out), so each channel's passes run in cache."""
    xp, channels, n = get_array_module(x), x.shape[1], x.size // x.shape[1]
    xt = np.moveaxis(x, 1, 0)
    xhat, out = xp.empty(xt.shape, x.dtype), xp.empty(xt.shape, x.dtype)
    mean, invstd = xp.empty(channels, x.dtype), xp.empty(channels, x.dtype)
    axes, column = tuple(range(1, xt.ndim)), (-1,) + (1,) * (xt.ndim - 1)  # per-channel values broadcast

    def block(c):
        xh = xhat[c]
        mean[c] = xt[c].mean(axes)
        np.subtract(xt[c], mean[c].reshape(column), out=xh)
        rows = xh.reshape(len(xh), -1)
        invstd[c] = np.einsum("ci,ci->c", rows, rows) / n
    _channel_blocks(block, channels, n)
    var = invstd.copy()
    invstd += eps
    np.sqrt(invstd, out=invstd)
    np.divide(1, invstd, out=invstd)

    def scale(c):
        xhat[c] *= invstd[c].reshape(column)
        if w is None:
            out[c] = xhat[c]
        else:
            np.multiply(xhat[c], w[c].reshape(column), out=out[c])
        if b is not None:
            out[c] += b[c].reshape(column)
    _channel_blocks(scale, channels, n)
    keep = (1, channels) + (1,) * (x.ndim - 2)
    return (np.moveaxis(out, 0, 1), np.moveaxis(xhat, 0, 1), invstd.reshape(keep), mean.reshape(keep),
            var.reshape(keep))


def _batch_norm_grads(ctx, g, xhat, invstd, w):
    """The training backward on arrays, channel by channel over the intra-op threads: the two means that
    _standardize_grad takes of g * w are w times the per-channel sums the affine gradients need anyway,
    so gx = invstd * w * (g - sum(g) / n - xhat * sum(g * xhat) / n), in four passes per channel."""
    need = ctx.needs_input_grad
    xp, channels, n = get_array_module(g), g.shape[1], g.size // g.shape[1]
    gt, xt = np.moveaxis(g, 1, 0), np.moveaxis(xhat, 1, 0)
    sum_g, sum_gx = xp.empty(channels, g.dtype), xp.empty(channels, g.dtype)
    gx = xp.empty(gt.shape, g.dtype) if need[0] else None
    scale = invstd.reshape(-1) if w is None else invstd.reshape(-1) * w
    axes, column = tuple(range(1, gt.ndim)), (-1,) + (1,) * (gt.ndim - 1)

    def block(c):
        sum_g[c] = gt[c].sum(axes)
        sum_gx[c] = (gt[c] * xt[c]).sum(axes)  # a temporary the size of the block, in cache
        if gx is not None:
            np.multiply(xt[c], (sum_gx[c] / -n).reshape(column), out=gx[c])
            gx[c] += gt[c]
            gx[c] -= (sum_g[c] / n).reshape(column)
            gx[c] *= scale[c].reshape(column)
    _channel_blocks(block, channels, n)
    gw = sum_gx if ctx.has_weight and need[1] else None
    gb = sum_g if ctx.has_bias and need[2] else None
    return (None if gx is None else np.moveaxis(gx, 0, 1)), gw, gb


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) over the batch and spatial dims."""
    x = input._data
    channels = x.shape[1] if x.ndim > 1 else 0
    if training:
        n = x.size // channels if channels else 0
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.size()}")
    elif running_mean is None or running_var is None:
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be defined in evaluation mode")
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t._data.size != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t._data.size}")
    stats = running_mean is not None and running_var is not None
    out = NativeBatchNorm.apply(input, weight, bias, running_mean=running_mean._data if stats else None,
                                running_var=running_var._data if stats else None, training=training,
                                momentum=momentum, eps=eps)
    if training and stats:
        running_mean._version[0] += 1
        running_var._version[0] += 1
    return out


class NativeLayerNorm(Op):
    def forward(ctx, x, w, b, n_axes, eps):
        axes = tuple(range(x.ndim - n_axes, x.ndim))
        ctx.axes, ctx.has_weight, ctx.has_bias, ctx.eps = axes, w is not None, b is not None, eps
        if not x.size:  # no rows to take dot products of
            xhat, invstd = _standardize(x, axes, x.dtype.type(eps))[:2]
            ctx.save_for_backward(xhat, invstd, w, x)
            return _affine(xhat, w, b, x.shape[x.ndim - n_axes:])
        rows = _rows(x, n_axes)
        xhat, out = np.empty_like(rows), np.empty_like(rows)
        invstd = get_array_module(x).empty((len(rows), 1), rows.dtype)
        w_row = None if w is None else w.reshape(-1)
        b_row = None if b is None else b.reshape(-1)
        split(lambda lo, hi: _layer_norm_rows(rows[lo:hi], w_row, b_row, x.dtype.type(eps), xhat[lo:hi],
                                              invstd[lo:hi], out[lo:hi]), len(rows), rows.size)
        ctx.save_for_backward(xhat.reshape(x.shape), invstd.reshape(x.shape[:x.ndim - n_axes] + (1,) * n_axes), w, x)
        return out.reshape(x.shape)

    def backward(ctx, g):
        xhat, invstd, w, x = ctx.saved_tensors
        if not ctx.create_graph and g.size:
            return _layer_norm_grads(ctx, g, xhat, invstd, w)
        xhat, invstd = _standardize(x, ctx.axes, ctx.eps)[:2]  # the statistics as functions of x
        gx = None
        if ctx.needs_input_grad[0]:
            gx = _standardize_grad(g if w is None else g * w, xhat, invstd, ctx.axes)
        lead = tuple(range(g.ndim - len(ctx.axes)))
        return (gx,) + _affine_grads(ctx, g, xhat, lead)


def _rows(a, n_axes):
    """``a`` as a matrix: one row per normalised group (the trailing ``n_axes`` dims)."""
    return a.reshape(-1, math.prod(a.shape[a.ndim - n_axes:]))


def _layer_norm_rows(rows, w, b, eps, xhat, invstd, out):
    """Layer norm of some rows into ``xhat``, ``invstd`` and ``out``: the sum of squares as row dot
    products (``einsum``, no squared copy), every pass in place. Row ranges go to the intra-op threads."""
    np.subtract(rows, rows.mean(1, keepdims=True), out=xhat)
    np.divide(np.einsum("ni,ni->n", xhat, xhat)[:, None], rows.shape[1], out=invstd)
    invstd += eps
    np.sqrt(invstd, out=invstd)
    np.divide(1, invstd, out=invstd)
    xhat *= invstd
    if w is None:
        out[...] = xhat
    else:
        np.multiply(xhat, w, out=out)
    if b is not None:
        out += b


def _layer_norm_grads(ctx, g, xhat, invstd, w):
    """The layer-norm backward on arrays: _standardize_grad's two row means as a row mean and row dot
    products, over row ranges on the intra-op threads; the weight's gradient as column dot products."""
    need, n_axes = ctx.needs_input_grad, len(ctx.axes)
    g2, xhat2 = _rows(g, n_axes), _rows(xhat, n_axes)
    gx = None
    if need[0]:
        gx = np.empty_like(g2)
        w_row, invstd2 = None if w is None else w.reshape(-1), invstd.reshape(-1, 1)
        split(lambda lo, hi: _layer_norm_grad_rows(g2[lo:hi], xhat2[lo:hi], invstd2[lo:hi], w_row, gx[lo:hi]),
              len(g2), g2.size)
        gx = gx.reshape(g.shape)
    gw = np.einsum("ni,ni->i", g2, xhat2).reshape(w.shape) if ctx.has_weight and need[1] else None
    gb = g2.sum(0).reshape(w.shape if w is not None else g.shape[g.ndim - n_axes:]) if ctx.has_bias and need[2] else None
    return gx, gw, gb


def _layer_norm_grad_rows(g, xhat, invstd, w, gx):
    """``invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))`` with ``gxhat = g * w``, into ``gx``."""
    if w is None:
        gx[...] = g
    else:
        np.multiply(g, w, out=gx)
    dot = np.einsum("ni,ni->n", gx, xhat)[:, None] / g.shape[1]
    gx -= gx.mean(1, keepdims=True)
    gx -= xhat * dot
    gx *= invstd


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing ``normalized_shape`` dims of each sample."""
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    shape = tuple(normalized_shape)
    x = input._data
    if x.shape[x.ndim - len(shape):] != shape or len(shape) > x.ndim:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(x.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t._data.shape)} and normalized_shape = {list(shape)}")
    return NativeLayerNorm.apply(input, weight, bias, n_axes=len(shape), eps=eps)


class NativeGroupNorm(Op):
    def forward(ctx, x, w, b, groups, eps):
        grouped = x.reshape(x.shape[0], groups, -1)
        xhat, invstd, _, _ = _standardize(grouped, (2,), x.dtype.type(eps))
        xhat = xhat.reshape(x.shape)
        ctx.groups, ctx.has_weight, ctx.has_bias, ctx.eps = groups, w is not None, b is not None, eps
        ctx.save_for_backward(xhat, invstd, w, x)
        return _affine(xhat, w, b, (-1,) + (1,) * (x.ndim - 2))

    def backward(ctx, g):
        xhat, invstd, w, x = ctx.saved_tensors
        if ctx.create_graph:  # create_graph: the statistics as functions of x (see _standardize)
            xhat, invstd = _standardize(x.reshape(x.shape[0], ctx.groups, -1), (2,), ctx.eps)[:2]
            xhat = xhat.reshape(x.shape)
        gx = None
        if ctx.needs_input_grad[0]:
            gxhat = g if w is None else g * w.reshape((-1,) + (1,) * (g.ndim - 2))
            n, groups = g.shape[0], ctx.groups
            gx = _standardize_grad(gxhat.reshape(n, groups, -1), xhat.reshape(n, groups, -1), invstd, (2,))
            gx = gx.reshape(g.shape)
        return (gx,) + _affine_grads(ctx, g, xhat, (0,) + tuple(range(2, g.ndim)))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each sample over groups of ``C // num_groups`` channels (and the spatial dims)."""
    x = input._data
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(x.shape)} and num_groups={num_groups}")
    return NativeGroupNorm.apply(input, weight, bias, groups=num_groups, eps=eps)


TENSOR_METHODS = {}
FUNCTIONS = {}
