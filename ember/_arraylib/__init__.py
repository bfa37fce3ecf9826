"""The one seam between Ember and an array library (the bottom layer; ``ember.backends`` is
something else: PyTorch's backend switches). Everything above imports it as one module.

- dtypes: Ember objects wrapping the array library's dtypes, with PyTorch's promotion rules.
- devices and array modules: a device type maps to an ``ArrayBackend`` (``numpy`` for ``cpu``,
  ``cupy`` for ``cuda`` where it is installed, others registered with ``register_backend``).
  ``get_array_module(a)`` is the array module holding ``a`` (Chainer's ``xp`` idiom): code above
  allocates beside an array with ``xp.zeros(...)``, never on the host with ``np.zeros``, and
  moves data between devices only through ``to_device``/``to_numpy``. ``with ember.device(d):``
  makes ``d`` the default device of new tensors.
- random streams: one seeded ``Generator`` per process, drawn on the host so that a seed gives the
  same numbers on every device.
"""
from .devices import (CPU, ArrayBackend, cuda_module, default_device, device, device_of, get_array_module,
                      get_default_device, register_backend, set_default_device, to_device, to_numpy, xp_for)
from .dtypes import _ALL  # noqa: F401 - every dtype, for the legacy tensor types
from .dtypes import (bool, can_cast, cdouble, cfloat, complex64, complex128, complex_of, double, dtype, finfo, float, float16, float32, float64, from_np,
                     get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long, promote_types, result_type,
                     set_default_dtype, short, to_dtype, uint8)
from .generators import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, rng, seed,
                         set_rng_state)

__all__ = ["ArrayBackend", "CPU", "Generator", "bool", "can_cast", "cdouble", "cfloat", "complex64", "complex128",
           "complex_of", "cuda_module", "default_device",
           "default_generator", "device", "device_of", "double", "dtype", "finfo", "float", "float16", "float32",
           "float64", "from_np", "get_array_module", "get_default_device", "get_default_dtype", "get_rng_state",
           "half", "iinfo", "initial_seed", "int", "int8", "int16", "int32", "int64", "long", "manual_seed",
           "promote_types", "register_backend", "result_type", "rng", "seed", "set_default_device",
           "set_default_dtype", "set_rng_state", "short", "to_device", "to_dtype", "to_numpy", "uint8", "xp_for"]
