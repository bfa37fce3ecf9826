"""Neural-network building blocks (torch.nn): Parameter, Module, layers, losses, ``functional``, ``init``."""
from . import functional, init, parallel, utils
from .modules import *  # noqa: F401,F403 - the layers, as torch.nn exports them
from .modules import __all__ as _modules_all
from .parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "functional", "init", "parallel",
           "utils", "DataParallel"] + _modules_all
from .parallel.sync_batchnorm import SyncBatchNorm  # noqa: E402 - needs the layers above

__all__.append("SyncBatchNorm")
