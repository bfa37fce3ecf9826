"""Scaled dot-product attention as one op: two batched products around a fused, stable softmax.

Forward keeps the attention probabilities; backward turns the output gradient into the
gradients of query, key, value and a float mask with four batched products, using
``rowsum(dO * O)`` for the softmax's correction term (one pass over the output instead of
one over the probabilities). Rows whose every key is masked attend to nothing: their
output and gradients are zero, as in PyTorch's CPU kernel.
"""
import math

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .op import Op


def _t(a):
    return np.swapaxes(a, -1, -2)


def _repeat_heads(a, groups):
    """Grouped-query attention: each key/value head serves ``groups`` consecutive query heads."""
    return a if groups == 1 else B.get_array_module(a).repeat(a, groups, axis=-3)


def _sum_heads(g, groups):
    if groups == 1:
        return g
    shape = g.shape
    return np.sum(np.reshape(g, shape[:-3] + (shape[-3] // groups, groups) + shape[-2:]), axis=-3)


def _stable_softmax(scores, xp):
    """Softmax over the last dim, in place; rows that are all -inf become zeros instead of NaN."""
    top = scores.max(-1, keepdims=True)
    top[~xp.isfinite(top)] = 0
    scores -= top
    xp.exp(scores, out=scores)
    total = scores.sum(-1, keepdims=True)
    total[total == 0] = 1
    scores /= total
    return scores


class ScaledDotProductAttention(Op):
    """``softmax(q @ k^T * scale + mask) @ v`` with optional causal mask, dropout and grouped heads."""

    backward_name = "ScaledDotProductFlashAttentionForCpuBackward0"

    def forward(ctx, q, k, v, mask, scale, causal, dropout_p, groups):
        xp = B.get_array_module(q)
        k, v = _repeat_heads(k, groups), _repeat_heads(v, groups)
        scores = (q * q.dtype.type(scale)) @ _t(k)
        L, S = scores.shape[-2:]
        if causal:
            scores = xp.where(xp.tril(xp.ones((L, S), bool)), scores, -xp.inf).astype(q.dtype, copy=False)
        if mask is not None:
            if mask.dtype == bool:
                scores = xp.where(mask, scores, -xp.inf).astype(q.dtype, copy=False)
            else:
                scores = scores + mask
        probs = _stable_softmax(scores, xp)
        kept = probs
        drop = None
        if dropout_p > 0:
            keep = B.rng().random(probs.shape, dtype=np.float64 if q.dtype == np.float64 else np.float32)
            drop = (keep >= dropout_p) * q.dtype.type(1 / (1 - dropout_p) if dropout_p < 1 else 0)
            if xp is not np:
                drop = B.to_device(drop, B.device_of(q))
            kept = probs * drop
        out = kept @ v
        ctx.scale, ctx.groups, ctx.drop, ctx.causal = scale, groups, drop, causal
        ctx.save_for_backward(q, k, v, mask, probs, out)
        return out

    def backward(ctx, g):
        q, k, v, mask, probs, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        if ctx.create_graph:  # the probabilities must carry q's and k's history
            probs = _probabilities_tensor(q, k, mask, ctx)
            out = (probs if ctx.drop is None else probs * ctx.drop) @ v
        scale, groups, drop = ctx.scale, ctx.groups, ctx.drop
        kept = probs if drop is None else probs * drop
        gv = _sum_heads(_t(kept) @ g, groups) if need[2] else None
        dp = g @ _t(v)
        if drop is not None:
            dp = dp * drop
        ds = probs * (dp - np.sum(g * out, axis=-1, keepdims=True))
        gq = (ds @ k) * scale if need[0] else None
        gk = _sum_heads((_t(ds) @ q) * scale, groups) if need[1] else None
        return gq, gk, gv, (ds if need[3] else None)


def _probabilities_tensor(q, k, mask, ctx):
    """The forward's probabilities rebuilt from Ember ops, for derivatives of the gradient."""
    from .nn_ops import softmax
    if ctx.groups > 1:
        shape = tuple(k.shape)
        k = k.unsqueeze(-3).expand(*shape[:-2], ctx.groups, *shape[-2:]).reshape(
            *shape[:-3], shape[-3] * ctx.groups, *shape[-2:])
    scores = (q * ctx.scale) @ k.transpose(-2, -1)
    L, S = scores.shape[-2:]
    allowed = None
    if ctx.causal:
        allowed = Tensor._wrap(np.tril(np.ones((L, S), bool)))
    if mask is not None:
        if mask._data.dtype == bool:
            allowed = mask if allowed is None else allowed & mask
        else:
            scores = scores + mask
    if allowed is not None:
        scores = scores.masked_fill(~allowed, -math.inf)
    probs = softmax(scores, -1)
    return probs.masked_fill(probs.isnan(), 0.0)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """PyTorch's ``F.scaled_dot_product_attention`` on (..., L, E) queries and (..., S, E) keys."""
    q, k, v = query._data, key._data, value._data
    if not (q.dtype == k.dtype == v.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype_short(True)} key.dtype: {key.dtype_short(True)} and value.dtype: "
                           f"{value.dtype_short(True)} instead.")
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError("scaled_dot_product_attention: query, key and value must be at least 2-D")
    if attn_mask is not None and is_causal:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if attn_mask is not None and attn_mask._data.dtype != bool and attn_mask._data.dtype != q.dtype:
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {attn_mask.dtype_short(True)} and  query.dtype: "
                           f"{query.dtype_short(True)} instead.")
    groups = 1
    if enable_gqa and q.ndim >= 3 and k.ndim >= 3 and q.shape[-3] != k.shape[-3]:
        if q.shape[-3] % k.shape[-3] or k.shape[-3] != v.shape[-3]:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in query")
        groups = q.shape[-3] // k.shape[-3]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    try:
        return ScaledDotProductAttention.apply(query, key, value, attn_mask, scale=scale, causal=bool(is_causal),
                                               dropout_p=float(dropout_p), groups=groups)
    except ValueError as e:
        raise RuntimeError(f"scaled_dot_product_attention: shapes {list(q.shape)}, {list(k.shape)} and "
                           f"{list(v.shape)} do not broadcast ({e})") from None

