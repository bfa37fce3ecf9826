"""The arithmetic shared by both forms of weight and spectral normalisation (hooks and parametrizations)."""
from ...autograd import no_grad
from ..functional import normalize


def norm_except_dim(v, dim):
    """The 2-norm of ``v`` over every dim but ``dim`` (over all of it when dim is -1), keeping dims."""
    if dim == -1:
        return v.norm()
    dims = [d for d in range(v.dim()) if d != dim % v.dim()]
    return v.norm(2, dims, keepdim=True)


def weight_from_norm(g, v, dim):
    return v * (g / norm_except_dim(v, dim))


def as_matrix(weight, dim):
    """``weight`` with ``dim`` first, flattened to (size of dim, everything else)."""
    if dim != 0:
        weight = weight.permute(dim, *[d for d in range(weight.dim()) if d != dim])
    return weight.reshape(weight.shape[0], -1)


@no_grad()
def power_iteration(matrix, u, v, n, eps):
    """``n`` steps of the power method on ``matrix``, updating the singular vector estimates in place."""
    for _ in range(n):
        v.copy_(normalize(matrix.t() @ u, dim=0, eps=eps))
        u.copy_(normalize(matrix @ v, dim=0, eps=eps))


def sigma(matrix, u, v):
    """The spectral norm estimate ``u . (matrix v)``."""
    return u.dot(matrix @ v)
