"""Turning a list of samples into a batch: ``default_collate`` and ``default_convert``."""
import collections.abc
import copy
import re

import numpy as np

from ..._arraylib import from_np, get_array_module
from ..._tensor import Tensor, tensor

_BAD_ELEM = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
_STRING_DTYPE = re.compile(r"[SaUO]")  # byte strings, unicode strings and objects cannot become tensors


class CollatedList(list):
    """A list of samples that also carries their collated form.

    A dataset's ``__getitems__`` returns one when it built the batch in one
    vectorised step; ``default_collate`` then hands back ``collated`` instead
    of stacking the samples again, while a custom ``collate_fn`` still sees an
    ordinary list of samples."""

    __slots__ = ("collated",)

    def __init__(self, samples, collated):
        list.__init__(self, samples)
        self.collated = collated


def unstack(array):
    """Tensors viewing each row of ``array`` (0-dim tensors for a 1-D array)."""
    wrap = Tensor._wrap
    if array.ndim > 1:
        return [wrap(row) for row in array]
    return [wrap(array[i, ...]) for i in range(array.shape[0])]


def _stack(tensors):
    first = tensors[0]._data
    xp = get_array_module(first)
    try:
        out = xp.stack([t._data for t in tensors])
    except ValueError:
        for i, t in enumerate(tensors):
            if t._data.shape != first.shape:
                raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first.shape)} at "
                                   f"entry 0 and {list(t._data.shape)} at entry {i}") from None
        raise
    from_np(out.dtype)  # NumPy arrays of dtypes that tensors cannot hold are refused here
    return Tensor._wrap(out)


def _is_string_array(a):
    return _STRING_DTYPE.search(a.dtype.str) is not None


def default_collate(batch):
    """Stack a list of samples into a batch, recursing into tuples, lists, dicts and namedtuples.

    Tensors are stacked along a new first dimension; NumPy arrays and scalars
    become tensors first; Python ints, floats and bools become int64, float64 and
    bool tensors; strings and bytes stay a sequence."""
    if type(batch) is CollatedList:
        return batch.collated
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    elem_type = type(elem)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "bytes_", "string_"):
        if isinstance(elem, np.ndarray):
            if _is_string_array(elem):
                raise TypeError(_BAD_ELEM.format(elem.dtype))
            return _stack([Tensor._wrap(np.asarray(b)) for b in batch])
        if elem.shape == ():  # a NumPy scalar keeps its dtype
            return _stack([Tensor._wrap(np.asarray(b)) for b in batch])
    if isinstance(elem, float):
        return tensor(batch, dtype="float64")
    if isinstance(elem, int):  # bool is an int: tensor() infers bool for a list of bools
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        return _same_mapping_type(elem, collated)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return transposed  # PyTorch returns a list for tuples
        try:
            return elem_type(transposed)
        except TypeError:  # a Sequence type that cannot be built from a list
            return transposed
    raise TypeError(_BAD_ELEM.format(elem_type))


def _same_mapping_type(template, values):
    """Build ``values`` into the mapping type of ``template`` where that type allows it, else a dict."""
    if isinstance(template, collections.abc.MutableMapping):
        try:
            out = copy.copy(template)
            out.update(values)
            return out
        except Exception:
            return values
    try:
        return type(template)(values)
    except TypeError:
        return values


def default_convert(data):
    """Turn NumPy arrays and scalars inside ``data`` into tensors, leaving everything else as is
    (the collate function used when automatic batching is off)."""
    if isinstance(data, Tensor):
        return data
    data_type = type(data)
    if data_type.__module__ == "numpy" and data_type.__name__ not in ("str_", "bytes_", "string_"):
        if isinstance(data, np.ndarray):
            return data if _is_string_array(data) else Tensor._wrap(data)
        if data.shape == ():
            return Tensor._wrap(np.asarray(data))
        return data
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping_type(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return data_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        converted = [default_convert(d) for d in data]
        try:
            return data_type(converted)
        except TypeError:
            return converted
    return data
