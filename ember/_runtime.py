"""Process-wide settings of PyTorch's, as a NumPy engine honours them.

``set_num_threads``/``get_num_threads``: the threads for intra-op parallelism.
NumPy's BLAS uses them for matrix products, and Ember's own pool
(``ember/_parallel.py``) for large copies and elementwise loops (convolutions,
pooling, activations), as PyTorch's pool does. The first kernel that pool
splits limits BLAS to one thread for good, as BLAS threads would slow the pool,
and the pool splits large products from then on; that limit holds for NumPy code
of the program's own as well. Both need threadpoolctl (``pip install
ember[threads]``). Without it the setting is only recorded, the pool does not
run, and BLAS keeps the threads it started with (set ``OMP_NUM_THREADS`` before
starting Python to choose).

Memory: glibc's malloc gives each freed block of more than a few megabytes back
to the kernel, so a training loop would fault its activations and gradients in
page by page, anew at every step (on the CNN benchmark's step: ~4,500 page
faults, a quarter of its time). On import Ember raises glibc's mmap and trim
thresholds so that freed blocks up to 64 MiB stay in the heap for the next
step, as a caching allocator would; a process then keeps up to 256 MiB of freed
memory for reuse. ``EMBER_MALLOC_TUNING=0`` in the environment leaves malloc as
it is; ``ember.backends.cpu.malloc_tuned()`` tells a program which it got. Elsewhere
(macOS, Windows, musl) nothing changes.

``use_deterministic_algorithms``, ``set_float32_matmul_precision`` and
``compile`` are accepted and recorded: Ember's kernels are deterministic,
its float32 matmul is always full precision, and it runs eagerly, so
``compile`` hands back the model itself (PyTorch's wrapper would prefix
the keys of its state_dict with ``_orig_mod.``; Ember's model does not).
"""
import operator
import os
import sys
import warnings

_threadpoolctl = ...  # imported on first use: it is optional, and loading it would slow ``import ember``

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
_MMAP_THRESHOLD = 64 << 20
_TRIM_THRESHOLD = 256 << 20
malloc_tuned = False  # whether the thresholds above were applied to this process

_requested = []
_default_threads = []
blas_limited = False  # whether blas_single_threaded has limited NumPy's BLAS to one thread
_blas_tried = False
_deterministic = {"mode": False, "warn_only": False}
_matmul_precision = ["highest"]
_COMPILE_MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")


def _pools():
    """threadpoolctl, or None where it is not installed (the setting is then recorded only)."""
    global _threadpoolctl
    if _threadpoolctl is ...:
        try:
            import threadpoolctl
        except ImportError:
            threadpoolctl = None
        _threadpoolctl = threadpoolctl
    return _threadpoolctl


def set_num_threads(n):
    """Use ``n`` threads for intra-op parallelism, as ``torch.set_num_threads`` does."""
    if isinstance(n, bool) or not hasattr(type(n), "__index__"):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    n = operator.index(n)
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _requested[:] = [n]
    pools = _pools()
    if pools is not None and not blas_limited:  # else Ember's pool splits products itself
        pools.threadpool_limits(limits=n)


def get_num_threads():
    """The threads used for intra-op parallelism."""
    return intra_op_threads()


def intra_op_threads():
    """What set_num_threads asked for, else as PyTorch defaults: ``OMP_NUM_THREADS`` or the cores this
    process may run on. Cheap enough to ask on every large op: it queries no thread pool."""
    if _requested:
        return _requested[0]
    if not _default_threads:
        env = os.environ.get("OMP_NUM_THREADS", "")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        _default_threads.append(int(env) if env.isdigit() and int(env) > 0 else cores)
    return _default_threads[0]


def blas_single_threaded():
    """Limit NumPy's BLAS to one thread, once, for Ember's pool (see ``ember/_parallel.py``); False
    where that cannot be done: no threadpoolctl, or no BLAS it can control."""
    global blas_limited, _blas_tried
    if not _blas_tried:
        _blas_tried = True
        pools = _pools()
        if pools is not None and any(p["user_api"] == "blas" for p in pools.threadpool_info()):
            pools.threadpool_limits(limits=1, user_api="blas")
            blas_limited = True
    return blas_limited


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Ask for deterministic algorithms: Ember's always are, so this is recorded only."""
    if type(mode) is not bool:
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _deterministic.update(mode=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    """Whether :func:`ember.use_deterministic_algorithms` turned deterministic mode on."""
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether deterministic mode only warns (``warn_only=True``) instead of raising."""
    return _deterministic["warn_only"]


def set_float32_matmul_precision(precision):
    """Allow faster, less precise float32 matmul ("high", "medium"); Ember's is always "highest" in fact."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _matmul_precision[0] = precision


def get_float32_matmul_precision():
    """The precision last set by :func:`ember.set_float32_matmul_precision` (``"highest"`` by default)."""
    return _matmul_precision[0]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False, **kwargs):
    """PyTorch's graph compiler; Ember runs eagerly, so the model (or function) comes back as it is.

    Like PyTorch, ``compile(**options)`` without a model returns a decorator."""
    if mode is not None and mode not in _COMPILE_MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_COMPILE_MODES)}")
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                  options=options, disable=disable, **kwargs)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


def _tune_malloc():
    """Apply the malloc thresholds described at the top (glibc only); True when they were set."""
    global malloc_tuned
    if os.environ.get("EMBER_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    import ctypes  # NumPy has imported it already: no cost at start-up

    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc's own: musl has a mallopt too, which ignores its arguments
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    malloc_tuned = bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    return malloc_tuned


_tune_malloc()
