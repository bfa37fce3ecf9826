"""The op library, grouped by family. Importing it attaches each op's functions to ``Tensor`` as
methods and operators, and collects the module-level functions that ``ember`` exports.

Ops declare what they add to the API beside their class, through ``registry.declare`` (see
registry.py). A family module may instead export two dicts, ``TENSOR_METHODS`` (name -> Tensor
method) and ``FUNCTIONS`` (name -> ``ember`` function): listed in FAMILIES, it is absorbed into
the registry as it is. Converting one means moving each entry to a ``@declare`` above its op.
"""
from .._tensor import Tensor
from . import (arithmetic, comparison, conv, conversion, creation, embedding, fill, fused_arithmetic, indexing, join,
               linalg, math_functions, nn_ops, normalization, numpy_protocol, order, pooling, random, reduction,
               registry, scatter, shape, triangular)

FAMILIES = [arithmetic, math_functions, comparison, fill, fused_arithmetic, reduction, order, linalg, shape, join,
            indexing, scatter, creation, random, conversion, nn_ops, conv, pooling, normalization, embedding,
            triangular, numpy_protocol]
for _family in FAMILIES:
    registry.TENSOR_METHODS.update(getattr(_family, "TENSOR_METHODS", {}))
    registry.FUNCTIONS.update(getattr(_family, "FUNCTIONS", {}))
for _name, _fn in registry.TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
FUNCTIONS = registry.FUNCTIONS
