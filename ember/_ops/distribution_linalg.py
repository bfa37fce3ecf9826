"""The two factorisations the multivariate normal distributions stand on: the Cholesky factor
of a batch of symmetric positive-definite matrices, and solving with a lower-triangular
factor, each with its gradient.

Private (``ember.distributions`` calls them); ``torch.linalg`` proper is a library of its own.
"""
import numpy as np

from .._tensor import Tensor
from .op import Op


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _lower_inverse(lower):
    eye = np.broadcast_to(np.eye(lower.shape[-1], dtype=lower.dtype), lower.shape)
    return np.linalg.solve(lower, eye)


class Cholesky(Op):
    backward_name = "LinalgCholeskyExBackward0"

    def forward(ctx, a):
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise ValueError("cholesky: The factorization could not be completed because the input is not "
                             "positive-definite.") from None
        ctx.save_for_backward(lower)
        return lower

    def backward(ctx, g):
        # A = L L^T: the gradient is L^-T Phi(L^T g) L^-1, made symmetric, where Phi keeps the
        # lower triangle and halves the diagonal
        (lower,) = ctx.saved_tensors
        phi = np.tril(_mT(lower) @ g)
        phi -= 0.5 * np.tril(np.triu(phi))
        inv = _lower_inverse(lower)
        grad = _mT(inv) @ phi @ inv
        return 0.5 * (grad + _mT(grad))


class SolveLower(Op):
    """X = L^-1 B for a lower-triangular L."""
    backward_name = "LinalgSolveTriangularBackward0"

    def forward(ctx, lower, b):
        x = np.linalg.solve(lower, b)
        ctx.save_for_backward(lower, x)
        return x

    def backward(ctx, g):
        lower, x = ctx.saved_tensors
        gb = np.linalg.solve(_mT(lower), g)
        return -np.tril(gb @ _mT(x)), gb


def cholesky(a):
    """The lower Cholesky factor of each matrix of the batch, differentiable."""
    return Cholesky.apply(a)


def solve_lower(lower, b):
    """``torch.linalg.solve_triangular(lower, b, upper=False)`` with the batch dimensions broadcast."""
    batch = np.broadcast_shapes(lower.shape[:-2], b.shape[:-2])
    lower = lower.expand(*batch, *lower.shape[-2:])
    b = b.expand(*batch, *b.shape[-2:])
    return SolveLower.apply(lower, b)


def eigenvalues_positive(a, strict=True):
    """Whether each symmetric matrix of the batch has only positive (or, not ``strict``, non-negative)
    eigenvalues: a bool tensor of the batch shape."""
    values = np.linalg.eigvalsh(a._data)
    return Tensor._wrap(((values > 0) if strict else (values >= 0)).all(-1))


FUNCTIONS = {}
TENSOR_METHODS = {}
