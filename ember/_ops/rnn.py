"""Recurrent cells as fused ops: one time step of an RNN, LSTM or GRU is one graph node.

A layer projects its whole input sequence with one matmul up front (``linear``
over (L, N, H_in)); each step then takes that step's projection ``xg`` and the
previous state, and runs the hidden-state matmul and every gate in one op whose
backward is written out by hand. Gate order and formulas are PyTorch's:
LSTM ``i, f, g, o``; GRU ``r, z, n`` with ``n = tanh(x_n + r * (W_hn h + b_hn))``.

The forward math lives in plain functions that work on arrays and on Tensors
alike, so under ``create_graph=True`` backward recomputes the gate activations
from the input Tensors and the formula records a graph through them.
"""
import numpy as np

from .join import Cat
from .math_functions import logistic
from .op import Op


def _cat(ctx, *parts):
    return ctx.run(Cat, *parts, axis=1)


class RNNStep(Op):
    """``h' = act(xg + h @ W_hh.T)``, act being tanh or relu (``b_hh`` is folded into ``xg``)."""

    def forward(ctx, xg, h, w, relu=False):
        pre = xg + h @ w.T
        out = np.maximum(pre, 0) if relu else np.tanh(pre)
        ctx.relu = relu
        ctx.save_for_backward(h, w, out)
        return out

    def backward(ctx, g):
        h, w, out = ctx.saved_tensors
        gpre = g * (out > 0) if ctx.relu else g * (1 - out * out)
        need = ctx.needs_input_grad
        return gpre, (gpre @ w if need[1] else None), (gpre.T @ h if need[2] else None)

    def name(self):
        return "ReluBackward0" if self.relu else "TanhBackward0"


def _lstm(xg, h, c, w, wr):
    """One LSTM step: the new (h, c) and the activations backward needs."""
    gates = xg + h @ w.T
    n = c.shape[-1]
    i_f = logistic(gates[:, :2 * n])
    g = np.tanh(gates[:, 2 * n:3 * n])
    o = logistic(gates[:, 3 * n:])
    c2 = i_f[:, n:] * c + i_f[:, :n] * g
    tc = np.tanh(c2)
    m = o * tc
    return (m if wr is None else m @ wr.T), c2, (i_f, g, o, tc, m)


class LSTMStep(Op):
    """``(h', c')`` from ``xg``, ``(h, c)``, ``W_hh`` and the optional projection ``W_hr``."""

    backward_name = "MulBackward0"  # the last op of PyTorch's LSTM cell: h = o * tanh(c)

    def forward(ctx, xg, h, c, w, wr):
        h2, c2, acts = _lstm(xg, h, c, w, wr)
        ctx.save_for_backward(xg, h, c, w, wr, *acts)
        return h2, c2

    def backward(ctx, gh, gc):
        xg, h, c, w, wr, i_f, g, o, tc, m = ctx.saved_tensors
        if ctx.create_graph:  # rebuild the activations from the inputs so higher derivatives reach them
            i_f, g, o, tc, m = _lstm(xg, h, c, w, wr)[2]
        need = ctx.needs_input_grad
        n = c.shape[-1]
        i, f = i_f[:, :n], i_f[:, n:]
        gwr = None
        if wr is not None:
            gwr = gh.T @ m if need[4] else None
            gh = gh @ wr
        gc = gc + gh * o * (1 - tc * tc)
        go = gh * tc * o * (1 - o)
        gi_f = _cat(ctx, gc * g, gc * c) * i_f * (1 - i_f)
        ggates = _cat(ctx, gi_f, gc * i * (1 - g * g), go)
        return (ggates, (ggates @ w if need[1] else None), (gc * f if need[2] else None),
                (ggates.T @ h if need[3] else None), gwr)


def _gru(xg, h, w, b):
    """One GRU step: the new h and the values backward needs."""
    hg = h @ w.T
    if b is not None:
        hg = hg + b
    n = h.shape[-1]
    rz = logistic(xg[:, :2 * n] + hg[:, :2 * n])
    r, z = rz[:, :n], rz[:, n:]
    hn = hg[:, 2 * n:]
    cand = np.tanh(xg[:, 2 * n:] + r * hn)
    return cand + z * (h - cand), (rz, hn, cand)


class GRUStep(Op):
    """``h'`` from ``xg``, ``h``, ``W_hh`` and ``b_hh`` (kept apart: ``b_hn`` sits inside ``r * (...)``)."""

    backward_name = "AddBackward0"  # the last op of PyTorch's GRU cell

    def forward(ctx, xg, h, w, b):
        out, values = _gru(xg, h, w, b)
        ctx.save_for_backward(xg, h, w, b, *values)
        return out

    def backward(ctx, g):
        xg, h, w, b, rz, hn, cand = ctx.saved_tensors
        if ctx.create_graph:
            rz, hn, cand = _gru(xg, h, w, b)[1]
        need = ctx.needs_input_grad
        n = h.shape[-1]
        r, z = rz[:, :n], rz[:, n:]
        gcand = g * (1 - z) * (1 - cand * cand)
        grz = _cat(ctx, gcand * hn, g * (h - cand)) * rz * (1 - rz)
        ghg = _cat(ctx, grz, gcand * r)  # the gradient of h @ W_hh.T + b_hh
        gh = g * z + ghg @ w if need[1] else None
        return (_cat(ctx, grz, gcand) if need[0] else None), gh, (ghg.T @ h if need[2] else None), ghg
