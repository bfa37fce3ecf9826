"""Indexing: ``t[key]`` and ``t[key] = v``, and the two op shapes every indexing op is built from.

*Reading* ops (``t[key]`` here; gather, index_select, take, masked_select in scatter.py) are
``a[key]`` for some array key; their gradient puts the output gradient back at ``key`` into
zeros (``Unindex``). *Writing* ops (``t[key] = v`` here; scatter, index_add, masked_fill in
scatter.py) are ``Put``: ``a`` with ``v`` written or added at ``key``; their gradient is the
output gradient with ``key`` blanked for ``a`` and read at ``key`` for ``v``. The ops differ
only in how they build the key, and in their names. Index arrays given as lists or NumPy arrays
move to the indexed tensor's array module.
"""
import warnings

import numpy as np

from .._arraylib import get_array_module
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.variable import warn_once
from .op import Op, check_writable, rebase
from .promotion import expand_error

_state = grad_mode.state


# ----------------------------------------------------------------- the ops


class Index(Op):
    """``a[key]`` with an advanced key (a copy)."""

    accumulate = True  # an advanced key may repeat a position: its gradients add up

    def forward(ctx, a, key):
        ctx.shape, ctx.key = a.shape, key
        return a[key]

    def backward(ctx, g):
        return ctx.run(Unindex, g, shape=ctx.shape, key=ctx.key, accumulate=ctx.accumulate)


class Slice(Index):
    """``a[key]`` with a basic key: ints, slices, None, Ellipsis (a view)."""

    is_view = True
    accumulate = False

    def forward(ctx, a, key):
        ctx.shape, ctx.key = a.shape, key
        out = a[key]
        if isinstance(out, np.generic):  # NumPy gives a scalar for a single element; a 0-dim view it must be
            out = a[(*key, ...) if type(key) is tuple else (key, ...)]
        return out


class Unindex(Op):
    """The gradient of reading at ``key``: ``g`` placed into zeros of the input's shape."""

    def forward(ctx, g, shape, key, accumulate):
        ctx.key = key
        out = get_array_module(g).zeros(shape, g.dtype)
        if accumulate:
            np.add.at(out, key, g)
        else:
            out[key] = g
        return out

    def backward(ctx, gg):
        return ctx.run(Index, gg, key=ctx.key)


class Put(Op):
    """``a`` with ``v`` written (or added, with ``accumulate``) at ``key``; a copy unless ``in_place``."""

    def forward(ctx, a, v, key, accumulate=False, in_place=False):
        ctx.key, ctx.accumulate = key, accumulate
        ctx.vshape = getattr(v, "shape", None)  # None for a Python number
        out = a if in_place else a.copy()
        if accumulate:
            np.add.at(out, key, v)
        else:
            out[key] = v
        return out

    def backward(ctx, g):
        ga = gv = None
        if ctx.needs_input_grad[0]:
            ga = g if ctx.accumulate else ctx.run(Blank, g, key=ctx.key)
        if ctx.needs_input_grad[1]:
            gv = ctx.run(Index, g, key=ctx.key)
            if gv.ndim < len(ctx.vshape):  # v had leading 1s that the write dropped
                gv = gv.reshape(ctx.vshape)
        return ga, gv


class Blank(Op):
    """``g`` with the positions at ``key`` zeroed: the gradient of values that were overwritten."""

    def forward(ctx, g, key):
        ctx.key = key
        out = get_array_module(g).array(g)  # a copy, and an array even when NumPy handed a 0-dim gradient as a scalar
        out[key] = 0
        return out

    def backward(ctx, gg):
        return ctx.run(Blank, gg, key=ctx.key)


class BasicIndex(Slice):
    def name(self):
        # Named as PyTorch names it: for the last of the select/slice/unsqueeze steps that the key
        # takes (full slices are no step), or an alias when no step changes anything.
        key = self.key
        if type(key) is slice:
            return "SliceBackward0"
        key = key if type(key) is tuple else (key,)
        last, d, ndim = "AliasBackward0", 0, len(self.shape)
        for k in key:
            if k is None:
                last = "UnsqueezeBackward0"
            elif k is Ellipsis:
                d += ndim - sum(1 for x in key if x is not None and x is not Ellipsis)
            else:
                if type(k) is not slice:
                    last = "SelectBackward0"
                elif k.indices(self.shape[d]) != (0, self.shape[d], 1):
                    last = "SliceBackward0"
                d += 1
        return last


class BasicPut(Put):
    """``t[key] = v`` with a basic key, recorded: PyTorch names its node CopySlices."""

    backward_name = "torch::autograd::CopySlices"


class IndexPut(Put):
    backward_name = "IndexPutBackward0"


# ----------------------------------------------------------------- keys


def _seq_as_tuple(seq):
    """PyTorch (like old NumPy) reads ``t[[0, slice(None)]]`` as ``t[0, :]``: a list holding
    slices, None, Ellipsis, tensors or sequences is a tuple of indices."""
    return len(seq) < 32 and any(isinstance(x, (slice, list, tuple, Tensor, np.ndarray)) or x is None or
                                 x is Ellipsis for x in seq)


def _array_index(arr):
    kind = arr.dtype.kind
    if kind == "b" or kind == "i":
        return arr
    if arr.dtype == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                      UserWarning, stacklevel=4)
        return arr.astype(bool)
    if kind == "u":
        return arr
    if arr.size == 0 and kind == "f":  # an empty list indexes nothing
        return arr.astype(np.int64)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _item(k, xp):
    """One element of a key as the array module ``xp`` takes it; the flag says whether it is an advanced
    index. Index arrays given as NumPy arrays or lists move to ``xp``."""
    if k is None or k is Ellipsis or type(k) is int:
        return k, False
    if type(k) is slice:
        if k.step is not None:
            step = k.step.__index__()
            if step == 0:
                raise ValueError("slice step cannot be zero")
            if step < 0:
                raise ValueError("step must be greater than zero")
        return k, False
    if type(k) is bool:
        return k, True
    if isinstance(k, Tensor):
        arr = k._data
        if arr.ndim == 0 and arr.dtype.kind in "iu" and arr.dtype != np.uint8:
            return int(arr), False  # a 0-dim integer tensor selects, as an int does
        return _array_index(arr), True
    if isinstance(k, np.ndarray):
        return _array_index(xp.asarray(k)), True
    if isinstance(k, (list, tuple, range)):  # a range indexes as the list of its values
        return _array_index(xp.asarray([x._data if isinstance(x, Tensor) else x for x in k])), True
    if isinstance(k, (np.integer, np.bool_)):
        return k, isinstance(k, np.bool_)
    if isinstance(k, float):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                         "indices (got float)")
    if hasattr(k, "__index__"):
        return k.__index__(), False
    raise TypeError(f"new(): invalid data type '{type(k).__name__}'")


def parse_key(key, array):
    """A PyTorch index as a key into ``array``, and whether it holds advanced indices (so reads copy)."""
    xp = get_array_module(array)
    if type(key) is list and _seq_as_tuple(key):
        key = tuple(key)
    if type(key) is not tuple:
        return _item(key, xp)
    items = [_item(k, xp) for k in key]
    return tuple(k for k, _ in items), any(adv for _, adv in items)


def _index_error(err, a, key):
    """NumPy's indexing errors in PyTorch's words."""
    msg = str(err)
    if a.ndim == 0 and "too many indices" in msg:
        if any(type(k) is slice for k in (key if type(key) is tuple else (key,))):
            return IndexError("slice() cannot be applied to a 0-dim tensor.")
        return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                          "in C++ to convert a 0-dim tensor to a number")
    if "too many indices" in msg:
        return IndexError(f"too many indices for tensor of dimension {a.ndim}")
    if "out of bounds" in msg:
        return IndexError(msg.replace("axis", "dimension"))
    if "shape mismatch" in msg:
        shapes = ", ".join(str(list(np.shape(k))) for k in key if isinstance(k, np.ndarray))
        return IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}")
    if "boolean index" in msg:
        d = 0
        for k in key if type(key) is tuple else (key,):
            if isinstance(k, np.ndarray) and k.dtype == np.bool_ and k.shape != a.shape[d:d + k.ndim]:
                return IndexError(f"The shape of the mask {list(k.shape)} at index 0 does not match the shape of "
                                  f"the indexed tensor {list(a.shape)} at index {d}")
            d += getattr(k, "ndim", 1) if k is not None else 0
    return err


# ----------------------------------------------------------------- t[key] and t[key] = v


def getitem(self, key):
    """``t[key]``: basic indexing gives a view, advanced indexing (tensors, lists, masks) a copy."""
    t = type(key)
    if t is int or t is slice and key.step is None:  # the common keys go to NumPy as they are
        advanced = False
    else:
        key, advanced = parse_key(key, self._data)
    try:
        return (Index if advanced else BasicIndex).apply(self, key=key)
    except IndexError as e:
        if self._data.ndim == 0 and key == 0 and self.__dict__.get("_legacy_item"):
            warn_once("data[0]", "indexing a 0-dim tensor (`loss.data[0]`) is deprecated; use `loss.item()` to "
                                 "get the Python number")
            return self.item()
        raise _index_error(e, self._data, key) from None


def setitem(self, key, value):
    """``t[key] = value``: write a number or a tensor (broadcast) into the indexed elements, recorded for
    autograd when either side requires grad."""
    key, advanced = parse_key(key, self._data)
    if isinstance(value, Tensor):
        v = value._data
    elif isinstance(value, (int, float, bool, np.generic)):
        v = value
    else:
        t = type(value)
        name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
        raise TypeError(f"can't assign a {name} to a {self.type()}")
    a = self._data
    grad = _state.enabled and (self.requires_grad or isinstance(value, Tensor) and value.requires_grad)
    try:
        if grad:
            check_writable(self, through_view=not advanced)
            out = (IndexPut if advanced else BasicPut).apply(self, value, key=key, in_place=True)
            self.grad_fn, self._out_idx, self.requires_grad = out.grad_fn, 0, True
            rebase(self, out.grad_fn)
        else:
            a[key] = v
    except IndexError as e:
        raise _index_error(e, a, key) from None
    except ValueError:
        target = a[key].shape
        if advanced:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to "
                               f"indexing result of shape {list(target)}") from None
        raise expand_error(np.shape(v), target) from None
    self._version[0] += 1


TENSOR_METHODS = dict(__getitem__=getitem, __setitem__=setitem)
FUNCTIONS = {}
