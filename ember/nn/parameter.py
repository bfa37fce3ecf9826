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


class UninitializedParameter(Parameter):
    """A parameter whose shape a lazy module learns from its first input; ``materialize`` gives it memory."""

    cls_to_become = Parameter

    def materialize(self, shape, device=None, dtype=None):
        from .._ops.creation import empty
        self._data = empty(shape, device=device, dtype=dtype)._data
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return "<UninitializedParameter>"


class UninitializedBuffer(Tensor):
    """A buffer whose shape a lazy module learns from its first input."""

    cls_to_become = Tensor

    def __init__(self, requires_grad=False):
        Tensor._init(self, np.empty(0, np.float32))

    def materialize(self, shape, device=None, dtype=None):
        from .._ops.creation import empty
        self._data = empty(shape, device=device, dtype=dtype)._data
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return "<UninitializedBuffer>"
