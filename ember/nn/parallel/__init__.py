"""Running one model on several devices or processes (torch.nn.parallel)."""
from .data_parallel import DataParallel, data_parallel  # noqa: F401
from .distributed import DistributedDataParallel  # noqa: F401
