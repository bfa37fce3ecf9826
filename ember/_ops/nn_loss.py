"""Loss functions as fused ops: cross_entropy, nll_loss, binary cross-entropy (plain and with
logits), mse, smooth L1 / Huber, KL divergence; l1_loss is a composite of other ops.

Class-index losses work on an (M, C) view with the class dim last: every sample
i has a weight ``w_i`` (class weight of its target, 0 when ignored) and a
coefficient row ``A_i`` over the classes (its one-hot target, blended with the
uniform distribution under label smoothing). Then
``loss_i = -sum_c A_ic log p_ic`` and ``d loss_i / d x_ic = p_ic sum_c A_ic - A_ic``.
"""
import warnings

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .op import Op

_REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average, reduce):
    """The reduction that PyTorch's deprecated ``size_average``/``reduce`` flags stand for."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  stacklevel=3)
    return reduction


def check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


# ----------------------------------------------------------------- class indices


def _as_rows(x, t):
    """An (M, C) view of ``x`` with the class dim last, and ``t`` flattened to (M,) alongside."""
    if x.ndim == 2:
        return x, t
    if x.ndim == 1:
        return x.reshape(1, -1), t.reshape(1)
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1]), t.reshape(-1)


def _to_input_layout(a, shape):
    """Undo ``_as_rows`` for an (M, C) array."""
    if len(shape) == 2:
        return a
    if len(shape) == 1:
        return a.reshape(shape)
    return np.moveaxis(a.reshape((shape[0],) + shape[2:] + (shape[1],)), -1, 1)


_OFFSETS = {}


def _row_offsets(n, c, xp):
    """``[0, c, 2c, ...]`` on ``xp``: added to class indices they index the flattened (n, c) array."""
    key = (n, c, xp)
    off = _OFFSETS.get(key)
    if off is None:
        if len(_OFFSETS) > 64:
            _OFFSETS.clear()
        off = _OFFSETS[key] = xp.arange(0, n * c, c)
    return off


def _out_of_bounds(t, n_classes, ignore_index):
    bad = t[((t < 0) | (t >= n_classes)) & (t != ignore_index)]
    return IndexError(f"Target {int(bad.reshape(-1)[0])} is out of bounds.")


def _sample_weights(ctx, t, n_classes, weight, ignore_index, dtype):
    """Targets safe to index with, and per-sample weights ``ctx.w`` (None when all are 1) and
    validity ``ctx.valid`` (None when nothing is ignored)."""
    ctx.w = ctx.valid = None
    if ignore_index >= 0 or (t.size and t.min() < 0):
        ignored = t == ignore_index
        if ignored.any():
            t = np.where(ignored, 0, t)
            ctx.valid = ctx.w = (~ignored).astype(dtype)
        if t.size and t.min() < 0:
            raise _out_of_bounds(t, n_classes, ignore_index)
    if type(t) is not np.ndarray and t.size and t.max() >= n_classes:  # CuPy does not bounds-check indices
        raise _out_of_bounds(t, n_classes, ignore_index)
    if weight is not None:
        try:
            w = weight[t]
        except IndexError:
            raise _out_of_bounds(t, n_classes, ignore_index) from None
        ctx.w = w if ctx.w is None else w * ctx.w
    return t


def _reduce_samples(ctx, loss, reduction, out_shape):
    """Reduce per-sample losses; ``ctx.denominator`` is what 'mean' divided by."""
    if reduction == "none":
        return loss.reshape(out_shape)
    total = loss.sum()
    if reduction == "sum":
        return total
    denominator = loss.dtype.type(loss.shape[0]) if ctx.w is None else ctx.w.sum()
    ctx.denominator = denominator
    if denominator == 0:  # everything ignored: a nan loss (0/0) with zero gradients, as in PyTorch
        ctx.denominator = np.inf
        return B.get_array_module(loss).asarray(np.nan, loss.dtype)
    return total / denominator


def _row_scale(ctx, g):
    """The upstream gradient per row of the (M, C) view: (M, 1) for 'none', a scalar otherwise."""
    if ctx.reduction == "none":
        return g.reshape(-1, 1)
    return g / ctx.denominator if ctx.reduction == "mean" else g


def _input_scale(ctx, g):
    """The same per sample, shaped to broadcast against the input (N, C, d1, ...)."""
    if ctx.reduction == "none":
        return g.reshape(ctx.shape[:1] + (1,) + ctx.shape[2:]) if len(ctx.shape) > 1 else g
    return g / ctx.denominator if ctx.reduction == "mean" else g


def _nll_name(node):
    """PyTorch's node names: inputs with extra dims go through a 4-D kernel, and come back from it
    through a view unless they were 4-D already."""
    ndim = len(node.shape)
    if ndim <= 2:
        return "NllLossBackward0"
    return "ViewBackward0" if node.reduction == "none" and ndim != 4 else "NllLoss2DBackward0"


class NllLoss(Op):
    """``-w[t] * x[t]`` per sample: x holds log-probabilities."""

    def name(self):
        return _nll_name(self)

    def forward(ctx, x, t, weight, ignore_index, reduction):
        ctx.shape, ctx.reduction = x.shape, reduction
        x2, t2 = _as_rows(x, t)
        t2 = _sample_weights(ctx, t2, x2.shape[1], weight, ignore_index, x.dtype)
        ctx.xp = B.get_array_module(x)
        rows = ctx.xp.arange(x2.shape[0])
        try:
            loss = -x2[rows, t2]
        except IndexError:
            raise _out_of_bounds(t2, x2.shape[1], ignore_index) from None
        if ctx.w is not None:
            loss *= ctx.w
        ctx.rows, ctx.t, ctx.rows_shape, ctx.dtype = rows, t2, x2.shape, x.dtype
        return _reduce_samples(ctx, loss, reduction, t.shape if x.ndim > 1 else ())

    def backward(ctx, g):
        a = ctx.xp.zeros(ctx.rows_shape, ctx.dtype)
        a[ctx.rows, ctx.t] = -1 if ctx.w is None else -ctx.w
        if ctx.create_graph:
            return _to_input_layout(a, ctx.shape) * _input_scale(ctx, g), None
        return _to_input_layout(a * _row_scale(ctx, g), ctx.shape), None


class CrossEntropy(Op):
    """log_softmax then nll_loss in one node, with label smoothing; saves the softmax for backward."""

    def name(self):
        return _nll_name(self)  # PyTorch's outer node for cross_entropy with class indices

    def forward(ctx, x, t, weight, ignore_index, reduction, smoothing):
        ctx.shape, ctx.reduction, ctx.smoothing, ctx.weight = x.shape, reduction, smoothing, weight
        ctx.flat = None
        x2, t2 = _as_rows(x, t)
        n_classes = x2.shape[1]
        t2 = _sample_weights(ctx, t2, n_classes, weight, ignore_index, x.dtype)
        z = x2 - x2.max(1, keepdims=True)
        e = np.exp(z)
        s = e.sum(1, keepdims=True)
        log_s = np.log(s)
        rows = B.get_array_module(x).arange(x2.shape[0])
        try:
            loss = log_s[:, 0] - z[rows, t2]
        except IndexError:
            raise _out_of_bounds(t2, n_classes, ignore_index) from None
        if ctx.w is not None:
            loss *= ctx.w
        if smoothing:
            log_p = z - log_s
            uniform = -(log_p.sum(1) if weight is None else log_p @ weight)
            if ctx.valid is not None:
                uniform *= ctx.valid
            loss = (1 - smoothing) * loss + (smoothing / n_classes) * uniform
        e /= s
        ctx.rows, ctx.t, ctx.p = rows, t2, e
        ctx.save_for_backward(x)
        return _reduce_samples(ctx, loss, reduction, t.shape if x.ndim > 1 else ())

    def coefficients(ctx):
        """The (M, C) coefficients A of the docstring at the top, and their row sums."""
        m, n_classes = ctx.p.shape
        a = np.zeros_like(ctx.p)
        rows = ctx.rows if ctx.rows is not None else B.get_array_module(a).arange(m)
        a[rows, ctx.t] = (1 - ctx.smoothing) * (1 if ctx.w is None else ctx.w)
        if ctx.smoothing:
            spread = ctx.smoothing / n_classes if ctx.valid is None else (
                ctx.valid.reshape(-1, 1) * (ctx.smoothing / n_classes))
            a += spread if ctx.weight is None else spread * ctx.weight
        return a, a.sum(1, keepdims=True)

    def backward(ctx, g):
        if ctx.create_graph:  # a softmax that is differentiable in x
            (x,) = ctx.saved_tensors
            a, row_sums = ctx.coefficients()
            p = x.softmax(1 if len(ctx.shape) > 1 else 0)
            layout = _to_input_layout
            return (p * layout(np.broadcast_to(row_sums, a.shape), ctx.shape) - layout(a, ctx.shape)) * (
                _input_scale(ctx, g)), None
        f = _row_scale(ctx, g)
        if ctx.w is None and not ctx.smoothing:  # the common case: (softmax - onehot) * f
            grad = ctx.p * f
            grad[ctx.rows, ctx.t] -= f if ctx.reduction != "none" else f[:, 0]
        else:
            a, row_sums = ctx.coefficients()
            grad = (ctx.p * row_sums - a) * f
        return _to_input_layout(grad, ctx.shape), None  # none for the targets


class CrossEntropyRows(CrossEntropy):
    """The training-loop case of CrossEntropy (N x C logits, int64 targets, no weight, ignore_index or
    smoothing, 'mean' or 'sum') in as few NumPy calls as possible: one bounds check covers negative and
    too-large targets at once (as unsigned integers negatives are huge), and targets are picked from
    the flat array. Anything else, bad targets included, goes the general way, which names the problem."""

    def forward(ctx, x, t, ignore_index, reduction):
        n, c = x.shape
        u = t.view(np.uint64)
        if not t.size or u[u.argmax()] >= c:  # some target is ignored, or out of range (argmax: no ufunc reduce)
            return CrossEntropy.forward(ctx, x, t, None, ignore_index, reduction, 0.0)
        ctx.shape, ctx.reduction, ctx.smoothing, ctx.weight = x.shape, reduction, 0.0, None
        z = x - _max_reduce(x, 1, keepdims=True)
        flat = t + _row_offsets(n, c, B.get_array_module(t))
        picked = z.ravel().take(flat)
        e = np.exp(z, out=z)
        s = _sum_reduce(e, 1, keepdims=True)
        total = _sum_reduce(np.log(s).ravel() - picked)
        e /= s
        ctx.w = ctx.valid = ctx.rows = None
        ctx.flat, ctx.t, ctx.p = flat, t, e
        ctx.save_for_backward(x)
        if reduction == "sum":
            return total
        ctx.denominator = x.dtype.type(n)
        return total / ctx.denominator

    def backward(ctx, g):
        if ctx.create_graph or ctx.flat is None:
            return CrossEntropy.backward(ctx, g)
        f = _row_scale(ctx, g)
        grad = ctx.p * f
        grad.ravel()[ctx.flat] -= f
        return grad, None


_max_reduce, _sum_reduce = np.maximum.reduce, np.add.reduce  # the reductions without NumPy's Python wrappers


# ----------------------------------------------------------------- probability targets


class SoftCrossEntropy(Op):
    """Cross-entropy against class probabilities of the input's shape, along the class dim."""

    def forward(ctx, x, t, weight, reduction, smoothing):
        axis = 1 if x.ndim > 1 else 0
        ctx.axis, ctx.reduction, ctx.smoothing = axis, reduction, smoothing
        ctx.weight = None if weight is None else weight.reshape((-1,) + (1,) * (x.ndim - 2))
        z = x - x.max(axis, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis, keepdims=True))
        loss = -(log_p * ctx.coefficients(t, x.shape[axis])).sum(axis)
        ctx.log_p = log_p
        ctx.save_for_backward(x, t)
        if reduction == "none":
            return loss
        total = loss.sum()
        ctx.count = loss.size
        return total / loss.dtype.type(loss.size) if reduction == "mean" else total

    def coefficients(ctx, t, n_classes):
        a = t * (1 - ctx.smoothing) + ctx.smoothing / n_classes if ctx.smoothing else t
        return a if ctx.weight is None else a * ctx.weight

    def backward(ctx, g):
        x, t = ctx.saved_tensors
        axis = ctx.axis
        f = np.expand_dims(g, axis) if ctx.reduction == "none" else g / ctx.count if ctx.reduction == "mean" else g
        log_p = x.log_softmax(axis) if isinstance(x, Tensor) else ctx.log_p  # create_graph: differentiable in x
        gx = gt = None
        if ctx.needs_input_grad[0]:
            a = ctx.coefficients(t, ctx.log_p.shape[axis])
            gx = (np.exp(log_p) * a.sum(axis=axis, keepdims=True) - a) * f
        if ctx.needs_input_grad[1]:
            gt = log_p * (ctx.smoothing - 1)
            gt = (gt if ctx.weight is None else gt * ctx.weight) * f
        return gx, gt

    def name(self):
        return "DivBackward1" if self.reduction == "mean" else "NegBackward0"


# ----------------------------------------------------------------- functions


def _check_class_target(input, target):
    """PyTorch's checks of a class-index target against the input, in PyTorch's order."""
    xs, ts = input._data.shape, target._data.shape
    dtype_ok = target._data.dtype == np.int64 or target._data.dtype == np.uint8
    if dtype_ok and len(xs) == 2 and len(ts) == 1 and xs[0] == ts[0]:
        return  # the common case
    if len(ts) > 1 and len(xs) <= 2:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if not dtype_ok:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype_short()}")
    if len(xs) == 1:
        if len(ts) == 1 and ts[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {ts[0]}")
        return
    if not ts or xs[0] != ts[0]:
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target batch_size ({ts[0] if ts else 0}).")
    if len(xs) > 2 and ts != xs[:1] + xs[2:]:
        raise RuntimeError(f"Expected target size {list(xs[:1] + xs[2:])}, got {list(ts)}")


def _check_weight(input, weight, n_classes):
    if weight is None:
        return None
    if weight._data.shape != (n_classes,):
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes but "
                           f"got weight tensor of shape: {list(weight.shape)}")
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype_short()} but found {weight.dtype_short()}")
    return weight._data


def _n_classes(input):
    return input._data.shape[1] if input._data.ndim > 1 else input._data.shape[0]


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of the class indices ``target`` under the log-probabilities ``input``, whose
    classes lie along dim 1 (dim 0 for a single sample)."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    _check_class_target(input, target)
    w = _check_weight(input, weight, _n_classes(input))
    return NllLoss.apply(input, target._data, weight=w, ignore_index=ignore_index, reduction=reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """log_softmax + nll_loss over dim 1 (class indices), or against class probabilities of the input's shape."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x = input._data
    if x.dtype.kind != "f":
        raise NotImplementedError(f'"log_softmax_lastdim_kernel_impl" not implemented for \'{input.dtype_short()}\'')
    if target._data.dtype.kind == "f" and target._data.shape == x.shape:
        if ignore_index != -100:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if target._data.dtype != x.dtype:
            dtype = np.promote_types(x.dtype, target._data.dtype)
            input, target = input.to(dtype), target.to(dtype)
        w = _check_weight(input, weight, _n_classes(input))
        return SoftCrossEntropy.apply(input, target, weight=w, reduction=reduction, smoothing=label_smoothing)
    t = target._data
    if (weight is None and not label_smoothing and ignore_index < 0 and reduction != "none" and x.ndim == 2
            and t.dtype == np.int64 and t.ndim == 1 and t.shape[0] == x.shape[0] and type(x) is np.ndarray):
        return CrossEntropyRows.apply(input, t, ignore_index=ignore_index, reduction=reduction)
    _check_class_target(input, target)
    w = _check_weight(input, weight, _n_classes(input))
    return CrossEntropy.apply(input, t, weight=w, ignore_index=ignore_index, reduction=reduction,
                              smoothing=label_smoothing)
