"""Random streams: one seeded ``Generator`` per process, drawn on the host so that a seed gives the
same numbers on every device."""
import os

import numpy as np

from .devices import device as _device, to_numpy
from .dtypes import _py_int


class Generator:
    """A seeded random stream (``ember.Generator().manual_seed(0)``), on NumPy's PCG64.

    Ember's numbers differ from PyTorch's; what holds is that one seed always gives
    one stream. ``get_state``/``set_state`` round-trip the stream as a uint8 tensor."""

    _DEFAULT_SEED = 67280421310721  # what a fresh torch.Generator starts from

    def __init__(self, device="cpu"):
        self.device = device if isinstance(device, _device) else _device(device)
        self.manual_seed(self._DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = _py_int(seed)
        if seed < 0:  # PyTorch reads a negative seed as its unsigned 64-bit pattern
            seed += 1 << 64
        self._seed = seed
        self.__dict__.pop("_rng", None)  # made on the first draw: see __getattr__
        return self

    def __getattr__(self, name):
        """Make the NumPy stream when it is first asked for (only then is ``_rng`` missing): importing
        ``numpy.random`` would otherwise be a large part of ``import ember``."""
        if name != "_rng" or "_seed" not in self.__dict__:
            raise AttributeError(f"'Generator' object has no attribute '{name}'")
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        return self._rng

    def seed(self):
        """Reseed from the operating system's entropy; return the new seed."""
        return self.manual_seed(_py_int.from_bytes(os.urandom(8), "little") >> 1)._seed

    def initial_seed(self):
        return self._seed

    def _state_bytes(self):
        """The stream's state as uint8 array (``get_state``, which ember._ops.random attaches, wraps it)."""
        import json  # here, not at the top: only checkpoints of the RNG need it

        return np.frombuffer(json.dumps(self._rng.bit_generator.state).encode(), np.uint8).copy()

    def set_state(self, new_state):
        data = getattr(new_state, "_data", None)
        if data is None or data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        import json

        self._rng.bit_generator.state = json.loads(to_numpy(data).tobytes().decode())
        return self

    def __repr__(self):
        return f"<torch.Generator object on {self.device}>"


default_generator = Generator()
default_generator.seed()  # like PyTorch, each process starts from a fresh seed


def rng(generator=None):
    """The NumPy Generator behind an Ember generator (the default one when None)."""
    return (generator or default_generator)._rng


def manual_seed(seed):
    """Seeds the default generator with ``seed`` and returns it. Ember's streams differ from PyTorch's: a seed
    gives the same numbers in Ember on every device, not PyTorch's numbers."""
    return default_generator.manual_seed(seed)


def seed():
    """Reseeds the default generator from the operating system's entropy and returns the new seed."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor (Ember's own encoding, not PyTorch's)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restores the default generator to a state from :func:`ember.get_rng_state`."""
    default_generator.set_state(new_state)
