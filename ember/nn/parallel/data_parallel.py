"""``nn.DataParallel`` and ``data_parallel`` as PyTorch behaves without a GPU: the module runs as it is, and
the functional form finds no device to split over."""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Wraps ``module`` (its state dict keys gain the ``module.`` prefix); with no CUDA devices, as on
    Ember's CPU, ``forward`` calls the module directly."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []
        self.dim = dim
        self.output_device = None
        self.src_device_obj = None

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """The functional DataParallel. PyTorch finds no device type to split over on a machine without GPUs and
    raises; Ember, running on the CPU, does the same."""
    raise RuntimeError("device type could not be determined")
