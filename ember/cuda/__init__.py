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
    """Whether Ember can use a GPU: a CUDA device and CuPy are both present."""
    return B.cuda_module() is not None


def device_count():
    """The number of CUDA devices CuPy sees (0 without CuPy)."""
    cp = B.cuda_module()
    return 0 if cp is None else cp.cuda.runtime.getDeviceCount()


def manual_seed(seed):
    """Seeds the default generator: Ember draws GPU randoms on the host from it, so unlike PyTorch this reseeds
    the CPU's stream as well."""
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
    """Whether CUDA is usable: Ember looks for a device on first use, so this matches :func:`is_available`."""
    return B.cuda_module() is not None


def init():
    """Checks that CUDA is usable; raises ``AssertionError`` otherwise."""
    _cupy()


def synchronize(device=None):
    """Waits for all work queued on the current device to finish."""
    _cupy().cuda.Device().synchronize()


def current_device():
    """The index of the current CUDA device."""
    return _cupy().cuda.Device().id


def set_device(device):
    """Makes ``device`` (an index, or a device with one) the current CUDA device."""
    index = device if isinstance(device, int) else B.device(device).index or 0
    _cupy().cuda.Device(index).use()


def get_device_properties(device=None):
    """CuPy's property dict of ``device`` (the current one when None), not PyTorch's object."""
    cp = _cupy()
    return cp.cuda.runtime.getDeviceProperties(_index(device))


def get_device_name(device=None):
    """The name of ``device`` (the current one when None)."""
    return get_device_properties(device)["name"].decode()


def get_device_capability(device=None):
    """The ``(major, minor)`` compute capability of ``device``."""
    props = get_device_properties(device)
    return props["major"], props["minor"]


def mem_get_info(device=None):
    """``(free, total)`` bytes of the current device's memory."""
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
    """Bytes that tensors hold in CuPy's memory pool (0 without CUDA); ``device`` is ignored."""
    pool = _pool()
    used = 0 if pool is None else pool.used_bytes()
    _peak[0] = max(_peak[0], used)
    return used


def max_memory_allocated(device=None):
    """The largest :func:`memory_allocated` seen by these counters since the last reset (Ember does not
    watch every allocation)."""
    return max(_peak[0], memory_allocated(device))


def memory_reserved(device=None):
    """Bytes CuPy's memory pool holds from the device, in use or cached (0 without CUDA)."""
    pool = _pool()
    return 0 if pool is None else pool.total_bytes()


def max_memory_reserved(device=None):
    """Same as :func:`memory_reserved`: Ember keeps no peak of it."""
    return memory_reserved(device)


def reset_peak_memory_stats(device=None):
    """Resets the peak that :func:`max_memory_allocated` reports."""
    _peak[0] = 0


reset_max_memory_allocated = reset_peak_memory_stats


def memory_stats(device=None):
    """A few of PyTorch's counters (current and peak allocated, reserved bytes); empty without CUDA."""
    if _pool() is None:
        return {}
    return {"allocated_bytes.all.current": memory_allocated(), "allocated_bytes.all.peak": max_memory_allocated(),
            "reserved_bytes.all.current": memory_reserved()}


def empty_cache():
    """Returns the unused blocks of CuPy's memory pool to the device."""
    pool = _pool()
    if pool is not None:
        pool.free_all_blocks()


def is_bf16_supported(including_emulation=True):
    """Always False: neither NumPy nor CuPy has bfloat16."""
    return False  # NumPy and CuPy have no bfloat16


def get_arch_list():
    """An empty list: Ember runs on CuPy's kernels, not a build for chosen architectures."""
    return []


def seed():
    """Reseeds the default generator from the system's entropy when CUDA is usable, else does nothing."""
    if B.cuda_module() is not None:
        B.seed()


seed_all = seed


def get_rng_state_all():
    """The default generator's state in a one-element list (empty without CUDA)."""
    return [] if B.cuda_module() is None else [B.get_rng_state()]


def set_rng_state_all(new_states):
    """Restores the default generator from each state in ``new_states`` in turn."""
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
