"""``ember.accelerator``: PyTorch's device-agnostic ``torch.accelerator``.

The accelerator is CUDA through CuPy when a GPU is usable; otherwise there is none, and,
as in PyTorch, ``is_available()`` is False, ``current_accelerator()`` None,
``device_count()`` 0, and the rest raise RuntimeError.
"""
import contextlib

from . import _arraylib as B


def is_available():
    return B.cuda_module() is not None


def current_accelerator(check_available=False):
    return B.device("cuda") if is_available() else None


def device_count():
    return _cuda().device_count() if is_available() else 0


def _cuda():
    if not is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    from . import cuda
    return cuda


def current_device_index():
    return _cuda().current_device()


current_device_idx = current_device_index


def set_device_index(device):
    _cuda().set_device(device)


set_device_idx = set_device_index


@contextlib.contextmanager
def device_index(device):
    with _cuda().device(device):
        yield


def synchronize(device=None):
    _cuda().synchronize(device)


def empty_cache():
    _cuda().empty_cache()


def memory_allocated(device_index=None):
    return _cuda().memory_allocated(device_index)


def max_memory_allocated(device_index=None):
    return _cuda().max_memory_allocated(device_index)


def memory_reserved(device_index=None):
    return _cuda().memory_reserved(device_index)


def max_memory_reserved(device_index=None):
    return _cuda().max_memory_reserved(device_index)


def reset_peak_memory_stats(device_index=None):
    _cuda().reset_peak_memory_stats(device_index)


def memory_stats(device_index=None):
    return _cuda().memory_stats(device_index)


def get_memory_info(device_index=None):
    return _cuda().mem_get_info(device_index)


def get_device_capability(device=None):
    return _cuda().get_device_capability(device)
