"""Neural-network building blocks (torch.nn): Parameter, Module, layers, losses, ``functional``, ``init``."""
from . import functional, init
from .modules import *  # noqa: F401,F403 - the layers, as torch.nn exports them
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["Parameter", "Buffer", "functional", "init"] + _modules_all
from .parallel.sync_batchnorm import SyncBatchNorm  # noqa: E402 - needs the layers above

__all__.append("SyncBatchNorm")
