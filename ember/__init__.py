"""Ember: PyTorch's API on NumPy.

``import ember`` loads only what tensors need: dtypes, Tensor with all its
methods, autograd and the op functions. The library on top (``nn``, ``optim``,
``utils``, ``vision``, ``save``/``load``, ...) loads on first use through the
module's ``__getattr__``, so a script pays only for the parts it touches.
"""
import importlib as _importlib
import warnings as _warnings

# NumPy reports IEEE events (log(0) = -inf, 1/0 = inf, overflow in exp) as RuntimeWarnings where
# PyTorch computes the same values silently. Ember's own modules are silenced; a user's NumPy code
# keeps its warnings.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\.")

from . import _arraylib
from ._arraylib import (Generator, bool, device, double, dtype, float, float16, float32, float64, get_default_dtype,
                        get_rng_state, half, initial_seed, int, int8, int16, int32, int64, long, manual_seed,
                        promote_types, seed, set_default_dtype, set_rng_state, short, uint8)
from ._arraylib import can_cast, default_generator, finfo, get_default_device, iinfo, result_type, set_default_device
from ._arraylib import cdouble, cfloat, complex64, complex128
from ._tensor import Size, Tensor, is_tensor, numel, tensor
from ._tensor_str import set_printoptions
from .autograd import (enable_grad, inference_mode, is_anomaly_enabled, is_grad_enabled, is_inference_mode_enabled,
                       no_grad, set_detect_anomaly, set_grad_enabled)
from . import autograd
from . import _ops

globals().update(_ops.FUNCTIONS)
from ._legacy import CPU_TYPES as _CPU_TYPES  # noqa: E402

FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _CPU_TYPES[d] for d in (float32, float64, float16, int64, int32, int16, int8, uint8, bool))

from ._runtime import (are_deterministic_algorithms_enabled, compile, get_float32_matmul_precision,  # noqa: E402
                       get_num_threads, is_deterministic_algorithms_warn_only_enabled, set_float32_matmul_precision,
                       set_num_threads, use_deterministic_algorithms)
from .version import __version__  # noqa: E402

# Loaded on first use: subpackages by name, and functions by the module that holds them.
_SUBMODULES = frozenset({"accelerator", "amp", "backends", "compat", "cuda", "distributed", "distributions", "fft",
                         "hub", "linalg", "multiprocessing", "nn", "onnx", "optim", "serialization", "special",
                         "utils", "vision"})
_FUNCTIONS = {"load": "serialization", "save": "serialization", "autocast": "amp", "bfloat16": "amp",
              "is_autocast_enabled": "amp", "get_autocast_dtype": "amp", "set_autocast_enabled": "amp",
              "set_autocast_dtype": "amp", "is_autocast_available": "amp",
              # torch's top-level forms of nn functions whose signatures match torch.nn.functional's
              "layer_norm": "nn.functional", "group_norm": "nn.functional", "bilinear": "nn.functional"}


def __getattr__(name):
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")  # the import binds it here too
    if name in _FUNCTIONS:
        value = getattr(_importlib.import_module(f"{__name__}.{_FUNCTIONS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_FUNCTIONS))


# ``from ember import *`` gives the names above and save/load, as ``from torch import *`` does;
# the subpackages are imported by name.
__all__ = [name for name in globals() if not name.startswith("_")] + sorted(_FUNCTIONS)
