"""Running one model on several processes (torch.nn.parallel)."""
from .distributed import DistributedDataParallel  # noqa: F401
