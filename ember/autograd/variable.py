"""``Variable``: the 2017 API, kept so old tutorials run. It returns a plain Tensor."""
import warnings

from .._tensor import Tensor
from . import graph

_warned = set()


def warn_once(key, message):
    """Warn with ``message`` the first time ``key`` is seen in this process."""
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(t, requires_grad=False, volatile=False)`` returns ``t`` itself (or a tensor that
    requires grad). ``volatile=True`` gives a tensor on which no op records a graph, and whose
    results are volatile in turn: ``torch.no_grad()`` scoped to one tensor."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            data = Tensor()
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warn_once("volatile", "volatile was removed from PyTorch: use `with torch.no_grad():` instead (Ember "
                                  "still records no graph from a volatile tensor).")
            graph.volatile.used = True
            data = data.detach()
            data._volatile = True
            return data
        if requires_grad:
            if data.grad_fn is not None:
                data = data.detach()
            data.requires_grad_(True)
        return data

