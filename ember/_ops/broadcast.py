"""Shapes brought together: broadcast_shapes, broadcast_tensors and the atleast_Nd family,
all views through ``expand``/``reshape``."""
from .._tensor import Size, Tensor
from .promotion import broadcast_error


def broadcast_shapes(*shapes):
    """The shape all ``shapes`` broadcast to (ints count as 1-d shapes), without making tensors."""
    result = []
    for k, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for i in range(1, len(shape) + 1):
            if i > len(result):
                result.insert(0, shape[-i])
            elif result[-i] == 1:
                result[-i] = shape[-i]
            elif shape[-i] not in (1, result[-i]):
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[-i]} at {-i}! Mismatching "
                                   f"argument at index {k} had {shape}; but expected shape should be broadcastable "
                                   f"to {result}")
    return Size(result)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape, as views (a list or several
    arguments)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    try:
        shape = broadcast_shapes(*[t.shape for t in tensors])
    except RuntimeError:
        for i, a in enumerate(tensors):
            for b in tensors[i + 1:]:
                try:
                    broadcast_shapes(a.shape, b.shape)
                except RuntimeError:
                    raise broadcast_error(a, b) from None
        raise
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def _atleast(n, tensors):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = []
    for t in items:
        if t.ndim == 0:
            t = t.reshape((1,) * n)
        elif t.ndim == 1 and n >= 2:
            t = t.unsqueeze(0) if n == 2 else t.reshape(1, -1, 1)
        elif t.ndim == 2 and n == 3:
            t = t.unsqueeze(-1)
        out.append(t)
    return out[0] if single else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with 0-d ones made 1-D (one tensor, or a tuple for several or a list)."""
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """Each tensor made at least 2-D by adding leading dimensions (one tensor, or a tuple for several or
    a list)."""
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """Each tensor made at least 3-D: 0-d to ``(1, 1, 1)``, 1-D ``(n,)`` to ``(1, n, 1)``, 2-D
    ``(m, n)`` to ``(m, n, 1)``."""
    return _atleast(3, tensors)


FUNCTIONS = dict(broadcast_shapes=broadcast_shapes, broadcast_tensors=broadcast_tensors, atleast_1d=atleast_1d,
                 atleast_2d=atleast_2d, atleast_3d=atleast_3d)
TENSOR_METHODS = {}
