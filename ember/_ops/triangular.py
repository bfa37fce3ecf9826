"""Triangles and diagonals of matrices: tril/triu (causal attention masks), diag, trace."""
import numpy as np

from .._arraylib import get_array_module
from .op import Op, inplace


def _matrix(name, input):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


class Tril(Op):
    def forward(ctx, a, diagonal):
        ctx.diagonal = diagonal
        return np.tril(a, diagonal)

    def backward(ctx, g):
        return ctx.run(Tril, g, diagonal=ctx.diagonal)


class Triu(Op):
    def forward(ctx, a, diagonal):
        ctx.diagonal = diagonal
        return np.triu(a, diagonal)

    def backward(ctx, g):
        return ctx.run(Triu, g, diagonal=ctx.diagonal)


def tril(input, diagonal=0):
    """The lower triangle of the last two dims: entries on and below diagonal ``diagonal``, zeros above."""
    _matrix("tril", input)
    return Tril.apply(input, diagonal=int(diagonal))


def triu(input, diagonal=0):
    """The upper triangle of the last two dims: entries on and above diagonal ``diagonal``, zeros below."""
    _matrix("triu", input)
    return Triu.apply(input, diagonal=int(diagonal))


def tril_(self, diagonal=0):
    """In-place form of :func:`ember.tril`: zeros above diagonal ``diagonal``."""
    _matrix("tril", self)
    return inplace(Tril, self, diagonal=int(diagonal))


def triu_(self, diagonal=0):
    """In-place form of :func:`ember.triu`: zeros below diagonal ``diagonal``."""
    _matrix("triu", self)
    return inplace(Triu, self, diagonal=int(diagonal))


def _diagonal_index(shape, k, xp):
    """Row and column indices (arrays of ``xp``) of diagonal ``k`` of a matrix of ``shape``."""
    rows, cols = shape
    length = max(0, min(rows + min(k, 0), cols - max(k, 0)))
    i = xp.arange(length)
    return i - min(k, 0), i + max(k, 0)


class Diagonal(Op):
    """A copy of diagonal ``k`` of a matrix (``diag`` of a 2-d input)."""

    backward_name = "DiagonalBackward0_copy"

    def forward(ctx, a, k):
        ctx.shape, ctx.k = a.shape, k
        return a.diagonal(k).copy()

    def backward(ctx, g):
        return ctx.run(DiagEmbed, g, k=ctx.k, shape=ctx.shape)


class DiagEmbed(Op):
    """A matrix of ``shape`` (square by default) with ``v`` on diagonal ``k`` and zeros elsewhere."""

    def forward(ctx, v, k, shape=None):
        n = v.shape[0] + abs(k)
        ctx.k, shape = k, shape or (n, n)
        out = np.zeros_like(v, shape=shape)
        out[_diagonal_index(shape, k, get_array_module(out))] = v
        return out

    def backward(ctx, g):
        return ctx.run(Diagonal, g, k=ctx.k)


def diag(input, diagonal=0):
    """A 1-d input becomes a square matrix with it on diagonal ``diagonal``; a 2-d input gives that diagonal."""
    ndim = input._data.ndim
    if ndim == 1:
        return DiagEmbed.apply(input, k=int(diagonal))
    if ndim == 2:
        return Diagonal.apply(input, k=int(diagonal))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


class Trace(Op):
    def forward(ctx, a):
        ctx.shape = a.shape
        return get_array_module(a).asarray(a.trace())  # integers sum to int64, as in PyTorch

    def backward(ctx, g):
        return ctx.run(DiagEmbed, np.broadcast_to(g, (min(ctx.shape),)), k=0, shape=ctx.shape)


def trace(input):
    """The sum of the main diagonal of a matrix."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    return Trace.apply(input)


FUNCTIONS = dict(tril=tril, triu=triu, diag=diag, trace=trace)
TENSOR_METHODS = dict(FUNCTIONS, tril_=tril_, triu_=triu_)
