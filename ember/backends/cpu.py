"""``ember.backends.cpu``: the CPU backend (NumPy), and the memory setting Ember makes for it.

On Linux with glibc, importing Ember raises malloc's mmap and trim thresholds (to 64 MiB and
256 MiB), so that the activation and gradient buffers a training step frees stay in the heap
for the next step instead of being returned to the kernel and faulted in again page by page
(a quarter of a small CNN's step time). The cost is that a process keeps up to 256 MiB of freed
memory for reuse, as a caching allocator does. ``EMBER_MALLOC_TUNING=0`` in the environment,
before Ember is imported, leaves malloc as it is; ``malloc_tuned()`` says which happened.
"""
from .. import _runtime

MALLOC_TUNING_VARIABLE = "EMBER_MALLOC_TUNING"


def malloc_tuned():
    """Whether Ember raised glibc's malloc thresholds in this process (see the module's docstring)."""
    return _runtime.malloc_tuned
