"""Index tensors built from sizes (tril_indices, triu_indices) and grids of values
(meshgrid, cartesian_prod, combinations)."""
import itertools

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .join import stack

_wrap = Tensor._wrap


def _triangle(row, col, offset, dtype, lower):
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return _wrap(np.stack([rows, cols]).astype(B.to_dtype(dtype or B.int64).np))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The coordinates of the lower triangle (on and below diagonal ``offset``) of a ``row`` by
    ``col`` matrix, as a ``(2, N)`` tensor: rows, then columns."""
    return _triangle(row, col, offset, dtype, True)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The coordinates of the upper triangle (on and above diagonal ``offset``) of a ``row`` by
    ``col`` matrix, as a ``(2, N)`` tensor: rows, then columns."""
    return _triangle(row, col, offset, dtype, False)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors: one tensor per input, each of the shape of all the inputs' sizes
    (``indexing="ij"``, the default) or with the first two swapped (``"xy"``)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"  # PyTorch's default (it warns that a future release will require the argument)
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    flat = [t.reshape(-1) for t in tensors]
    shape = tuple(t.shape[0] for t in flat)
    grids = [t.reshape((1,) * i + (-1,) + (1,) * (len(flat) - i - 1)).expand(shape) for i, t in enumerate(flat)]
    if indexing == "xy" and len(flat) >= 2:  # cartesian indexing: the first two axes swap places
        grids = [g.transpose(0, 1) for g in grids]
    return tuple(grids)


def cartesian_prod(*tensors):
    """The Cartesian product of 1-D tensors, one combination per row."""
    if len(tensors) == 1:
        return tensors[0]
    return _stack_columns(meshgrid(*tensors, indexing="ij"))


def _stack_columns(columns):
    return stack([c.reshape(-1) for c in columns], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-``r`` combinations of the elements of a 1-D tensor (with repeats when
    ``with_replacement``), one per row."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if r == 0 or index.shape[0] == 0:
        return _wrap(np.empty((0,) if r == 0 else (0, r), input._data.dtype))
    columns = [input[_wrap(index[:, k].copy())] for k in range(r)]
    return columns[0] if r == 1 else _stack_columns(columns)


FUNCTIONS = dict(tril_indices=tril_indices, triu_indices=triu_indices, meshgrid=meshgrid,
                 cartesian_prod=cartesian_prod, combinations=combinations)
TENSOR_METHODS = {}
