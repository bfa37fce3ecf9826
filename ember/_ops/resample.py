"""Separable linear resampling, the machinery under ``interpolate`` and adaptive average pooling.

Both are linear and separable: the output is the input multiplied by a small
(out, in) matrix along each spatial dim. Building that matrix per dim (which
input elements feed each output element, with what weight) is all that differs
between modes; one op applies the matrices (one matrix product per dim) and its
gradient applies their transposes.
"""
import numpy as np

from .._arraylib import get_array_module
from .op import Op


def window_matrix(starts, ends, n):
    """Rows averaging input elements [start, end): adaptive average pooling."""
    i = np.arange(n)
    inside = (i >= starts[:, None]) & (i < ends[:, None])
    return inside / (ends - starts)[:, None]


def index_matrix(index, n):
    """Rows that each pick the input element at ``index``: nearest-neighbour resampling."""
    m = np.zeros((len(index), n))
    m[np.arange(len(index)), index] = 1
    return m


def linear_matrix(src, n):
    """Rows mixing the two input elements around each (fractional) source position."""
    lo = np.minimum(np.floor(src).astype(np.int64), n - 1)
    hi = np.minimum(lo + 1, n - 1)
    frac = src - lo
    m = np.zeros((len(src), n))
    rows = np.arange(len(src))
    m[rows, lo] += 1 - frac
    m[rows, hi] += frac
    return m


def _along(a, m, axis):
    """Multiply dim ``axis`` of ``a`` by the matrix ``m`` (out, in): one matrix product."""
    return np.moveaxis(np.tensordot(a, m, axes=([axis], [1])), -1, axis)


class Resample(Op):
    """Apply one matrix per trailing dim (None: leave that dim alone)."""

    def forward(ctx, a, matrices, name):
        xp = get_array_module(a)  # the matrices are built on the host from the shapes
        ctx.matrices, ctx.backward_name = tuple(None if m is None else xp.asarray(m) for m in matrices), name
        matrices = ctx.matrices
        for k, m in enumerate(matrices):
            if m is not None:
                a = _along(a, xp.asarray(m, a.dtype), k - len(matrices))
        return a

    def backward(ctx, g):
        if ctx.create_graph:  # create_graph: the map is linear, its adjoint is the same op with transposed matrices
            return Resample.apply(g, matrices=tuple(None if m is None else m.T for m in ctx.matrices),
                                  name=ctx.backward_name)
        for k, m in enumerate(ctx.matrices):
            if m is not None:
                g = _along(g, m.T.astype(g.dtype, copy=False), k - len(ctx.matrices))
        return g

    def name(self):
        return self.backward_name


def resample(input, mh, mw, name):
    """``input`` with its last two dimensions multiplied by the matrices ``mh`` and ``mw`` (None leaves one
    alone), recorded under the backward name ``name``."""
    return Resample.apply(input, matrices=(mh, mw), name=name)
