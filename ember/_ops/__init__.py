"""The op library, grouped by family. Importing it attaches each op's functions to ``Tensor`` as
methods and operators, and collects the module-level functions that ``ember`` exports.

Ops declare what they add to the API beside their class, through ``registry.declare`` (see
registry.py). A family module may instead export two dicts, ``TENSOR_METHODS`` (name -> Tensor
method) and ``FUNCTIONS`` (name -> ``ember`` function): listed in FAMILIES, it is absorbed into
the registry as it is. Converting one means moving each entry to a ``@declare`` above its op.

An in-place form (``exp_``) and a Tensor method that mirrors the ``ember`` function of its name
get a docstring pointing at that function here (``registry.derive_docstrings``), unless they
carry one of their own.
"""
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
registry.derive_docstrings(registry.FUNCTIONS, registry.TENSOR_METHODS)
for _name, _fn in registry.TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
FUNCTIONS = registry.FUNCTIONS
