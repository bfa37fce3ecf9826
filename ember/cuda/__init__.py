"""``ember.cuda``: GPUs through CuPy, where a CUDA device and CuPy are installed.

Without a device the helpers behave as PyTorch's do on a machine without CUDA: the memory
counters read 0, ``empty_cache`` and ``seed`` do nothing, and what needs a device
(``synchronize``, ``current_device``, ``get_device_name``, ...) raises AssertionError.
"""
import contextlib

from .. import _arraylib as B
from .._legacy import CUDA_TYPES as _T
from . import amp  # noqa: F401  (torch.cuda.amp)


def is_available():
    return B.cuda_module() is not None


def device_count():
    cp = B.cuda_module()
    return 0 if cp is None else cp.cuda.runtime.getDeviceCount()


def manual_seed(seed):
    """Seeds the CUDA generator (Ember draws GPU randoms from the device's own stream)."""
    B.manual_seed(seed)


manual_seed_all = manual_seed

FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _T[d] for d in (B.float32, B.float64, B.float16, B.int64, B.int32, B.int16, B.int8, B.uint8, B.bool))


def _cupy():
    cp = B.cuda_module()
    if cp is None:
        raise AssertionError("Torch not compiled with CUDA enabled (Ember found no CUDA device; install cupy "
                             "and run on a machine with a GPU)")
    return cp


def is_initialized():
    return B.cuda_module() is not None


def init():
    _cupy()


def synchronize(device=None):
    _cupy().cuda.Device().synchronize()


def current_device():
    return _cupy().cuda.Device().id


def set_device(device):
    index = device if isinstance(device, int) else B.device(device).index or 0
    _cupy().cuda.Device(index).use()


def get_device_properties(device=None):
    cp = _cupy()
    return cp.cuda.runtime.getDeviceProperties(_index(device))


def get_device_name(device=None):
    return get_device_properties(device)["name"].decode()


def get_device_capability(device=None):
    props = get_device_properties(device)
    return props["major"], props["minor"]


def mem_get_info(device=None):
    return _cupy().cuda.runtime.memGetInfo()


def _index(device):
    if device is None:
        return current_device()
    return device if isinstance(device, int) else (B.device(device).index or 0)


def _pool():
    cp = B.cuda_module()
    return None if cp is None else cp.get_default_memory_pool()


_peak = [0]


def memory_allocated(device=None):
    pool = _pool()
    used = 0 if pool is None else pool.used_bytes()
    _peak[0] = max(_peak[0], used)
    return used


def max_memory_allocated(device=None):
    return max(_peak[0], memory_allocated(device))


def memory_reserved(device=None):
    pool = _pool()
    return 0 if pool is None else pool.total_bytes()


def max_memory_reserved(device=None):
    return memory_reserved(device)


def reset_peak_memory_stats(device=None):
    _peak[0] = 0


reset_max_memory_allocated = reset_peak_memory_stats


def memory_stats(device=None):
    if _pool() is None:
        return {}
    return {"allocated_bytes.all.current": memory_allocated(), "allocated_bytes.all.peak": max_memory_allocated(),
            "reserved_bytes.all.current": memory_reserved()}


def empty_cache():
    pool = _pool()
    if pool is not None:
        pool.free_all_blocks()


def is_bf16_supported(including_emulation=True):
    return False  # NumPy and CuPy have no bfloat16


def get_arch_list():
    return []


def seed():
    if B.cuda_module() is not None:
        B.seed()


seed_all = seed


def get_rng_state_all():
    return [] if B.cuda_module() is None else [B.get_rng_state()]


def set_rng_state_all(new_states):
    for state in new_states:
        B.set_rng_state(state)


@contextlib.contextmanager
def device(device):
    """``with torch.cuda.device(i):`` makes device i current inside the block."""
    if B.cuda_module() is None:
        yield
        return
    with _cupy().cuda.Device(_index(device)):
        yield
