"""``torch.gradient``: derivatives of sampled values by finite differences, second-order
central differences inside and first- or second-order one-sided ones at the edges, on
uniform spacings or given coordinates. Built from narrow and arithmetic, so it is
differentiable."""
from numbers import Number

from .._tensor import Tensor
from .join import cat


def _edges(f, d, h_first, h_last, edge_order):
    n = f.shape[d]
    at = lambda i, length=1: f.narrow(d, i % n, length)  # noqa: E731 - a local shorthand
    if edge_order == 1:
        return (at(1) - at(0)) / h_first, (at(-1) - at(-2)) / h_last
    first = (-3 * at(0) + 4 * at(1) - at(2)) / (2 * h_first)
    last = (3 * at(-1) - 4 * at(-2) + at(-3)) / (2 * h_last)
    return first, last


def _along(f, d, spacing, edge_order):
    n = f.shape[d]
    if n < edge_order + 1:
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    lo, mid, hi = f.narrow(d, 0, n - 2), f.narrow(d, 1, n - 2), f.narrow(d, 2, n - 2)
    if isinstance(spacing, Number):
        inner = (hi - lo) / (2 * spacing)
        first, last = _edges(f, d, spacing, spacing, edge_order)
    else:  # coordinates: the second-order formula for uneven steps
        shape = [1] * f.ndim
        shape[d] = -1
        steps = (spacing[1:] - spacing[:-1]).reshape(shape)
        hl, hr = steps.narrow(d, 0, n - 2), steps.narrow(d, 1, n - 2)
        inner = (hl * hl * hi - hr * hr * lo + (hr * hr - hl * hl) * mid) / (hl * hr * (hl + hr))
        if edge_order == 1:
            first, last = _edges(f, d, steps.narrow(d, 0, 1), steps.narrow(d, n - 2, 1), 1)
        else:
            first, last = _uneven_edges(f, d, steps, n)
    return cat([first, inner, last], d)


def _uneven_edges(f, d, steps, n):
    h1, h2 = steps.narrow(d, 0, 1), steps.narrow(d, 1, 1)
    a, b, c = f.narrow(d, 0, 1), f.narrow(d, 1, 1), f.narrow(d, 2, 1)
    first = (-(2 * h1 + h2) / (h1 * (h1 + h2)) * a + (h1 + h2) / (h1 * h2) * b - h1 / (h2 * (h1 + h2)) * c)
    g1, g2 = steps.narrow(d, n - 2, 1), steps.narrow(d, n - 3, 1)
    x, y, z = f.narrow(d, n - 1, 1), f.narrow(d, n - 2, 1), f.narrow(d, n - 3, 1)
    last = ((2 * g1 + g2) / (g1 * (g1 + g2)) * x - (g1 + g2) / (g1 * g2) * y + g1 / (g2 * (g1 + g2)) * z)
    return first, last


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Estimates of the derivative of ``input`` along each dimension in ``dim`` (all by default) by
    central differences inside and one-sided ones of order ``edge_order`` at the edges, one tensor per
    dimension. ``spacing`` is a number, one per dimension, or coordinate tensors."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(input.ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    dims = [d % input.ndim for d in dims]
    if isinstance(spacing, (Number, Tensor)):
        spacings = [spacing.item() if isinstance(spacing, Tensor) and spacing.ndim == 0 else spacing] * len(dims)
    else:
        spacings = list(spacing)
        if len(spacings) == 1 and len(dims) > 1:
            spacings = spacings * len(dims)
        if len(spacings) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or a list of length "
                               f"equal to 'self.dim() = {input.ndim}', since dim argument was not given, but got a "
                               f"list of length {len(spacings)}")
    f = input if input._data.dtype.kind == "f" else input.float()
    return tuple(_along(f, d, s, edge_order) for d, s in zip(dims, spacings))


FUNCTIONS = dict(gradient=gradient)
TENSOR_METHODS = {}
