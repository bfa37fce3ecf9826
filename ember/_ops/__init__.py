"""The op library, grouped by family. Importing it attaches each family's
functions to ``Tensor`` as methods and operators, and collects the
module-level functions that ``ember`` exports."""
from .._tensor import Tensor
from . import (comparison, conv, conversion, creation, elementwise, embedding, fill, fused, indexing, join, linalg,
               nn_ops, normalization, order, pointwise, pooling, random, reduction, scatter, shape, triangular)
from . import nn_activation_extra

FAMILIES = [elementwise, pointwise, comparison, fill, fused, reduction, order, linalg, shape, join, indexing, scatter,
            creation, random, conversion, nn_ops, conv, pooling, normalization, embedding, triangular,
            nn_activation_extra]
FUNCTIONS = {}
for _family in FAMILIES:
    for _name, _fn in _family.TENSOR_METHODS.items():
        setattr(Tensor, _name, _fn)
    FUNCTIONS.update(_family.FUNCTIONS)
