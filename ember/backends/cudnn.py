"""``ember.backends.cudnn``: cuDNN's flags.

Ember's GPU path runs on CuPy, not cuDNN, so the flags are kept for scripts to
set and read (``cudnn.benchmark = True``, ``cudnn.deterministic = True``) and
change nothing: Ember's kernels are deterministic and need no autotuning.
"""
import contextlib

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """Always False: Ember's GPU path runs on CuPy, not cuDNN."""
    return False


def version():
    """Always None: there is no cuDNN library behind Ember."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, deterministic=False, allow_tf32=True):
    """Set the flags for the duration of a ``with`` block."""
    module = globals()
    saved = {k: module[k] for k in ("enabled", "benchmark", "deterministic", "allow_tf32")}
    module.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        module.update(saved)
