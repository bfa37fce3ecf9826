"""TensorBoard logging (torch.utils.tensorboard): ``SummaryWriter`` with PyTorch's API.

Event files are written by tensorboardX, a maintained writer of TensorBoard's
format; Ember's part is PyTorch's signatures and turning Ember tensors into
arrays. Install it with ``pip install 'ember[tensorboard]'``.
"""
try:
    from .writer import SummaryWriter
except ModuleNotFoundError as e:
    if e.name != "tensorboardX":
        raise
    raise ImportError("ember.utils.tensorboard needs tensorboardX: pip install 'ember[tensorboard]'") from None

__all__ = ["SummaryWriter"]
