"""Diagonals over two dimensions: ``diagonal`` (a view, last axis the diagonal) and its
adjoint ``diag_embed`` (vectors placed on the diagonals of new matrices); and ``select``."""
import numpy as np

from .op import Op


def _dim(dim, ndim):
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def _diagonal_view(a, offset, dim1, dim2):
    """The diagonal as a writable strided view (NumPy's own ``diagonal`` is read-only)."""
    rows, cols = a.shape[dim1], a.shape[dim2]
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start = [slice(None)] * a.ndim
    if n:
        start[dim2 if offset >= 0 else dim1] = slice(abs(offset), None)
    keep = [d for d in range(a.ndim) if d not in (dim1, dim2)]
    shape = tuple(a.shape[d] for d in keep) + (n,)
    strides = tuple(a.strides[d] for d in keep) + (a.strides[dim1] + a.strides[dim2],)
    return np.lib.stride_tricks.as_strided(a[tuple(start)], shape, strides)


class Diagonal(Op):
    is_view = True

    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        ctx.params = offset, dim1, dim2
        ctx.shape = a.shape
        return _diagonal_view(a, offset, dim1, dim2)

    def backward(ctx, g):
        out = np.zeros(ctx.shape, g.dtype)
        _diagonal_view(out, *ctx.params)[...] = g
        return out


class DiagEmbed(Op):
    def forward(ctx, a, offset=0, dim1=-2, dim2=-1):
        n = a.shape[-1] + abs(offset)
        ndim = a.ndim + 1
        d1, d2 = dim1 % ndim, dim2 % ndim
        batch = list(a.shape[:-1])
        shape = batch.copy()
        for d in sorted((d1, d2)):
            shape.insert(d, n)
        out = np.zeros(shape, a.dtype)
        _diagonal_view(out, offset, d1, d2)[...] = a
        ctx.params = offset, d1, d2
        return out

    def backward(ctx, g):
        return _diagonal_view(g, *ctx.params).copy()


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal at ``offset`` between dimensions ``dim1`` and ``dim2``, as a view whose last dimension
    runs along it."""
    d1, d2 = _dim(dim1, input.ndim), _dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonal at ``offset`` between ``dim1`` and ``dim2`` (new dimensions) holds the
    last dimension of ``input``, zeros elsewhere."""
    ndim = input.ndim + 1
    d1, d2 = _dim(dim1, ndim), _dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagEmbed.apply(input, offset=offset, dim1=d1, dim2=d2)


def select(input, dim, index):
    """The slice at ``index`` along ``dim``, with that dimension removed (a view)."""
    d = _dim(dim, input.ndim)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {dim}")
    return input[(slice(None),) * d + (index,)]


FUNCTIONS = dict(diagonal=diagonal, diag_embed=diag_embed, select=select)
TENSOR_METHODS = FUNCTIONS
