"""The op library, grouped by family. Importing it attaches each op's functions to ``Tensor`` as
methods and operators, and collects the module-level functions that ``ember`` exports.

Ops declare what they add to the API beside their class, through ``registry.declare`` (see
registry.py). A family module may instead export two dicts, ``TENSOR_METHODS`` (name -> Tensor
method) and ``FUNCTIONS`` (name -> ``ember`` function): listed in FAMILIES, it is absorbed into
the registry as it is. Converting one means moving each entry to a ``@declare`` above its op.

An in-place form (``exp_``) and a Tensor method that mirrors the ``ember`` function of its name
get a docstring derived from that function's name here, unless they carry one of their own.
"""
import inspect

from .._tensor import Tensor
from . import (arithmetic, comparison, conv, conversion, creation, embedding, fill, fused_arithmetic, indexing, join,
               linalg, math_functions, nn_ops, normalization, numpy_protocol, order, pooling, random, reduction,
               registry, scatter, shape, triangular)
from . import (broadcast, copies, counting, diagonal, gradient, index_extra, index_grids, memory_format,
               pointwise_extra, products, random_distributions, reduction_extra, shape_extra, special,
               special_binary, tensor_extra, view_inplace)
from . import complex_ops, linalg_aliases, stft
from . import nn_activation_extra

FAMILIES = [arithmetic, math_functions, comparison, fill, fused_arithmetic, reduction, order, linalg, shape, join,
            indexing, scatter, creation, random, conversion, nn_ops, conv, pooling, normalization, embedding,
            triangular, numpy_protocol]
FAMILIES += [special, special_binary, random_distributions, broadcast, index_grids, diagonal, pointwise_extra,
             reduction_extra, shape_extra, counting, index_extra, products,
             memory_format, tensor_extra, view_inplace, copies, gradient]
FAMILIES += [linalg_aliases, complex_ops, stft]
FAMILIES += [nn_activation_extra]
for _family in FAMILIES:
    registry.TENSOR_METHODS.update(getattr(_family, "TENSOR_METHODS", {}))
    registry.FUNCTIONS.update(getattr(_family, "FUNCTIONS", {}))


def _acts_on_input(function):
    """Whether ``function`` is an ``ember`` function whose first argument is the tensor it works on, so
    that a method or in-place form taking that tensor first mirrors it."""
    if not inspect.isfunction(function):
        return False
    first = next(iter(inspect.signature(function).parameters), None)
    return first == "input"


def _derive_docstrings(functions, methods):
    """Point each undocumented in-place form and mirroring Tensor method at the function it follows."""
    for name, fn in [*functions.items(), *methods.items()]:
        if not inspect.isfunction(fn) or name.startswith("__") or (fn.__doc__ or "").strip():
            continue
        twin = functions.get(name)
        if twin is not None and twin is not fn and _acts_on_input(twin):
            fn.__doc__ = f"Method form of :func:`ember.{name}`, with the tensor itself as ``input``."
        elif name.endswith("_") and _acts_on_input(functions.get(name[:-1])):
            fn.__doc__ = f"In-place form of :func:`ember.{name[:-1]}`: writes the result into ``input`` and returns it."


_derive_docstrings(registry.FUNCTIONS, registry.TENSOR_METHODS)
for _name, _fn in registry.TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
FUNCTIONS = registry.FUNCTIONS
