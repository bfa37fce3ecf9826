"""``torch.utils.data.distributed``, where PyTorch programs import DistributedSampler from."""
from .sampler import DistributedSampler

__all__ = ["DistributedSampler"]
