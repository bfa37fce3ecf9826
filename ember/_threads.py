"""``set_num_threads``/``get_num_threads``: the threads NumPy's BLAS uses for matmul and convolution.

With threadpoolctl installed (``pip install ember[threads]``) the limit is
applied to the BLAS and OpenMP pools already loaded into the process, as
PyTorch's intra-op limit is. Without it the value is only recorded: a BLAS
library reads its thread count once at start-up, so set ``OMP_NUM_THREADS``
before starting Python instead.
"""
import operator
import os

try:
    import threadpoolctl as _threadpoolctl
except ImportError:  # optional: without it the setting is recorded only
    _threadpoolctl = None

_requested = []


def set_num_threads(n):
    """Limit the threads used for intra-op parallelism (BLAS) to ``n``."""
    if isinstance(n, bool) or not hasattr(type(n), "__index__"):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    n = operator.index(n)
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _requested[:] = [n]
    if _threadpoolctl is not None:
        _threadpoolctl.threadpool_limits(limits=n)


def get_num_threads():
    """The threads used for intra-op parallelism: the BLAS pool's size where it can be read."""
    if _threadpoolctl is not None:
        counts = [pool["num_threads"] for pool in _threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
        if counts:
            return max(counts)
    if _requested:
        return _requested[0]
    return int(os.environ.get("OMP_NUM_THREADS", 0)) or os.cpu_count() or 1
