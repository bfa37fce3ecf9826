"""The op library, grouped by family. Importing it attaches each family's
functions to ``Tensor`` as methods and operators, and collects the
module-level functions that ``ember`` exports."""
from .._tensor import Tensor
from . import (comparison, conv, conversion, creation, elementwise, embedding, fill, fused, indexing, join, linalg,
               nn_ops, normalization, order, pointwise, pooling, random, reduction, scatter, shape, triangular)
from . import (broadcast, copies, counting, diagonal, gradient, index_extra, index_grids, memory_format,
               pointwise_extra, products, random_distributions, reduction_extra, shape_extra, special,
               special_binary, tensor_extra, view_inplace)

FAMILIES = [elementwise, pointwise, comparison, fill, fused, reduction, order, linalg, shape, join, indexing, scatter,
            creation, random, conversion, nn_ops, conv, pooling, normalization, embedding, triangular]
FAMILIES += [special, special_binary, random_distributions, broadcast, index_grids, diagonal, pointwise_extra,
             reduction_extra, shape_extra, counting, index_extra, products,
             memory_format, tensor_extra, view_inplace, copies, gradient]
FUNCTIONS = {}
for _family in FAMILIES:
    for _name, _fn in _family.TENSOR_METHODS.items():
        setattr(Tensor, _name, _fn)
    FUNCTIONS.update(_family.FUNCTIONS)
