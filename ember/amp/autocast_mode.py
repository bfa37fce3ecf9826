"""``autocast``: regions where PyTorch runs chosen ops in a lower precision.

Ember accepts every autocast region PyTorch accepts and reports its state the same way
(``is_autocast_enabled``, ``get_autocast_dtype``), but computes in the tensors' own dtypes:
NumPy has no bfloat16, and float16 matrix products on a CPU are slower than float32 ones.
So ``autocast(device_type="cpu", dtype=torch.bfloat16)`` runs in float32, giving the
results PyTorch would give with autocast off.
"""
import functools
import warnings

import numpy as np

from .. import _arraylib as B

# the name for torch.bfloat16: tensors converted to it hold float32, which NumPy computes in
bfloat16 = B.dtype("bfloat16", np.float32, 2)

_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_DEFAULT_DTYPE = {"cpu": bfloat16, "cuda": B.float16}
_state = {"cpu": [False, bfloat16], "cuda": [False, B.float16]}  # device type: [enabled, dtype]


def is_autocast_available(device_type):
    """Whether ``device_type`` has autocast state in Ember (``"cpu"`` and ``"cuda"``)."""
    return device_type in ("cpu", "cuda")


def is_autocast_enabled(device_type="cuda"):
    """Whether an autocast region is active for ``device_type`` (Ember records it but casts nothing)."""
    return _state.get(device_type, [False])[0]


def get_autocast_dtype(device_type):
    """The lower-precision dtype autocast names for ``device_type``."""
    return _state[device_type][1]


def set_autocast_enabled(device_type, enabled):
    """Turns the recorded autocast state of ``device_type`` on or off."""
    _state[device_type][0] = enabled


def set_autocast_dtype(device_type, dtype):
    """Sets the dtype autocast names for ``device_type``."""
    _state[device_type][1] = dtype


class autocast:
    """Context manager and decorator: ``with torch.autocast("cpu", dtype=torch.bfloat16): ...``."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                               f"{device_type}")
        self.device = device_type
        self.fast_dtype = _DEFAULT_DTYPE.get(device_type, B.float16) if dtype is None else dtype
        self._enabled = enabled
        if device_type == "cuda" and enabled and B.cuda_module() is None:
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.")
            self._enabled = False
        if device_type not in _state:
            warnings.warn(f"In device-agnostic autocast, Ember runs {device_type} regions without casting.")
            _state[device_type] = [False, self.fast_dtype]

    def __enter__(self):
        self._previous = list(_state[self.device])
        _state[self.device][:] = [self._enabled, self.fast_dtype]
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        _state[self.device][:] = self._previous
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled):
                return fn(*args, **kwargs)

        return wrapped


def custom_fwd(fwd=None, *, device_type="cuda", cast_inputs=None):
    """Decorator for a custom Function's forward under autocast: Ember runs it unchanged."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd=None, *, device_type="cuda"):
    """Decorator for a custom Function's backward under autocast: Ember runs it unchanged."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
