"""Connectionist temporal classification loss as one op: the forward (alpha) and backward (beta)
recursions in log space, vectorised over the batch and the label positions, stepping through time.

The gradient is PyTorch's: ``exp(log_probs) - posterior occupancy``, which is the gradient with respect
to the logits when ``log_probs`` come from ``log_softmax`` (the usual case) and makes log_softmax's own
backward an identity on it.
"""
import numpy as np

from .. import _arraylib as B
from .op import Op

_NEG_INF = -np.inf


def _logsumexp(*terms):
    stacked = np.stack(terms)
    top = stacked.max(0)
    safe = np.where(np.isfinite(top), top, 0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(stacked - safe).sum(0))


class CtcLoss(Op):
    """Per-sample negative log-likelihoods of (T, N, C) ``log_probs`` for padded (N, S) ``targets``."""

    backward_name = "CtcLossBackward0"

    def forward(ctx, lp, targets, input_lengths, target_lengths, blank, zero_infinity):
        xp = B.get_array_module(lp)
        T, N, C = lp.shape
        S = int(target_lengths.max()) if N else 0
        L = 2 * S + 1
        # extended labels: blank, l1, blank, l2, ..., blank; past a sample's own length they stay blank
        ext = xp.full((N, L), blank, dtype=np.int64)
        if S:
            ext[:, 1::2] = targets[:, :S]
        pos = xp.arange(L)
        valid = pos[None, :] < (2 * target_lengths[:, None] + 1)
        # a label may skip the blank before it unless it repeats the label two places back
        skip = xp.zeros((N, L), bool)
        skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
        batch = xp.arange(N)[:, None]
        emit = lp[:, batch, ext]  # (T, N, L): log-probability of each extended label at each time
        emit = np.where(valid[None], emit, _NEG_INF)

        alpha = xp.full((T, N, L), _NEG_INF, dtype=lp.dtype)
        if T:
            alpha[0, :, :min(2, L)] = emit[0, :, :min(2, L)]
        for t in range(1, T):
            prev = alpha[t - 1]
            one = np.concatenate([xp.full((N, 1), _NEG_INF, lp.dtype), prev[:, :-1]], 1)
            two = np.concatenate([xp.full((N, 2), _NEG_INF, lp.dtype), prev[:, :-2]], 1)[:, :L]
            alpha[t] = _logsumexp(prev, one, np.where(skip, two, _NEG_INF)) + emit[t]

        beta = xp.full((T, N, L), _NEG_INF, dtype=lp.dtype)
        last_t = input_lengths - 1
        ends = 2 * target_lengths
        for t in range(T - 1, -1, -1):
            starting = last_t == t
            later = last_t > t
            if later.any():
                nxt = beta[t + 1]
                one = np.concatenate([nxt[:, 1:], xp.full((N, 1), _NEG_INF, lp.dtype)], 1)
                two = np.concatenate([nxt[:, 2:], xp.full((N, 2), _NEG_INF, lp.dtype)], 1)[:, :L]
                skip_next = np.concatenate([skip[:, 2:], xp.zeros((N, 2), bool)], 1)[:, :L]
                step = _logsumexp(nxt, one, np.where(skip_next, two, _NEG_INF)) + emit[t]
                beta[t] = np.where(later[:, None], step, beta[t])
            if starting.any():
                final = (pos[None, :] == ends[:, None]) | (pos[None, :] == ends[:, None] - 1)
                beta[t] = np.where(starting[:, None] & final, emit[t], beta[t])

        rows = xp.arange(N)
        at_end = alpha[np.maximum(last_t, 0), rows]  # (N, L)
        end_pair = np.stack([at_end[rows, ends], np.where(ends > 0, at_end[rows, np.maximum(ends - 1, 0)],
                                                            _NEG_INF)])
        nll = -_logsumexp(end_pair[0], end_pair[1])
        nll = np.where(input_lengths > 0, nll, np.where(target_lengths == 0, 0, np.inf)).astype(lp.dtype)
        ctx.save_for_backward(lp)
        ctx.alpha, ctx.beta, ctx.nll, ctx.ext = alpha, beta, nll, ext
        ctx.input_lengths, ctx.zero_infinity = input_lengths, zero_infinity
        if zero_infinity:
            nll = np.where(np.isinf(nll), 0, nll).astype(lp.dtype)
        return nll

    def backward(ctx, g):
        (lp,) = ctx.saved_tensors
        xp = B.get_array_module(lp)
        T, N, C = lp.shape
        nll = ctx.nll
        with np.errstate(invalid="ignore", over="ignore"):
            log_occ = ctx.alpha + ctx.beta + nll[None, :, None] - lp[:, xp.arange(N)[:, None], ctx.ext]
            occ = np.where(np.isfinite(log_occ), np.exp(log_occ), 0)
        flat = (xp.arange(T)[:, None, None] * N + xp.arange(N)[None, :, None]) * C + ctx.ext[None]
        total = xp.bincount(flat.reshape(-1), weights=occ.reshape(-1), minlength=T * N * C).reshape(T, N, C)
        grad = np.exp(lp) - total.astype(lp.dtype)
        active = xp.arange(T)[:, None] < ctx.input_lengths[None, :]
        keep = active if not ctx.zero_infinity else active & np.isfinite(nll)[None, :]
        return np.where(keep[:, :, None], grad * g[None, :, None], 0).astype(lp.dtype), None, None, None
