"""Embedding lookup: rows of a weight matrix picked by integer indices."""
import numpy as np

from .._arraylib import get_array_module
from .op import Op


class Embedding(Op):
    def forward(ctx, w, indices, padding_idx, scale_grad_by_freq):
        ctx.indices, ctx.shape, ctx.padding_idx, ctx.scale = indices, w.shape, padding_idx, scale_grad_by_freq
        return w[indices]

    def backward(ctx, g):
        flat = ctx.indices.reshape(-1)
        g = g.reshape(flat.size, ctx.shape[1])
        if ctx.scale:  # each row's gradient divided by how often it was looked up
            g = g / np.bincount(flat, minlength=ctx.shape[0])[flat].astype(g.dtype).reshape(-1, 1)
        gw = get_array_module(g).zeros(ctx.shape, g.dtype)
        np.add.at(gw, flat, g)
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return gw


def _renorm(weight, indices, max_norm, norm_type):
    """Rescale in place the looked-up rows whose norm exceeds ``max_norm`` (as PyTorch does, outside autograd)."""
    rows = np.unique(indices)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    w[rows[big]] *= (max_norm / (norms[big] + 1e-7)).astype(w.dtype).reshape(-1, 1)
    weight._version[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """``weight[input]``; the gradient skips the row ``padding_idx``."""
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    rows = weight._data.shape[0]
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= rows
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return Embedding.apply(weight, indices=idx, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


TENSOR_METHODS = {}
FUNCTIONS = {}
