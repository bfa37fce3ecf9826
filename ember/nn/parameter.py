"""``nn.Parameter``: a tensor that a Module registers as one of its parameters."""
import numpy as np

from .._tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default. Assigned as a Module attribute, it is
    registered in the module's ``_parameters`` and shows up in ``parameters()``.

    ``Parameter(t)`` shares ``t``'s memory, as in PyTorch."""

    def __init__(self, data=None, requires_grad=True):
        arr = np.empty(0, np.float32) if data is None else data._data
        Tensor._init(self, arr)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """Marks a tensor assigned as a Module attribute to be registered as a buffer
    (``self.running_mean = nn.Buffer(t)``); the module stores a plain Tensor."""

    def __init__(self, data=None, *, persistent=True):
        Tensor._init(self, np.empty(0, np.float32) if data is None else data._data)
        self.persistent = persistent
