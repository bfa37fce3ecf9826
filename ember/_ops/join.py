"""Joining and splitting: cat, stack, hstack/vstack, split, chunk, unbind."""
import numpy as np

from .. import _arraylib as B
from .op import Op, write_out


def _skipped(a):
    """PyTorch's legacy rule: 1-D empty tensors join anything (cat leaves them out)."""
    return a.ndim == 1 and a.shape[0] == 0


def _part(axis, start, stop):
    return (slice(None),) * axis + (slice(start, stop),)


class Cat(Op):
    def forward(ctx, *arrays, axis, dtype=None):
        ctx.axis = axis
        try:
            return np.concatenate(arrays, axis=axis, dtype=dtype)
        except ValueError:
            kept = [a for a in arrays if not _skipped(a)]
            if len(kept) == len(arrays) or not kept:
                raise
            return np.concatenate(kept, axis=axis, dtype=dtype)

    def backward(ctx, g):
        grads, start, axis = [], 0, ctx.axis
        for shape, _ in ctx._meta:
            if len(shape) != g.ndim:  # a skipped 1-D empty input
                grads.append(g.reshape(-1)[:0])
            else:
                grads.append(g[_part(axis, start, start + shape[axis])])
                start += shape[axis]
        return tuple(grads)


class Stack(Op):
    def forward(ctx, *arrays, axis, dtype=None):
        ctx.axis = axis
        shape = arrays[0].shape
        if any(a.shape != shape for a in arrays):
            raise ValueError("stack: shapes differ")
        shape = shape[:axis] + (1,) + shape[axis:]
        return np.concatenate([a.reshape(shape) for a in arrays], axis=axis, dtype=dtype)

    def backward(ctx, g):
        return tuple(g[(slice(None),) * ctx.axis + (i, ...)] for i in range(g.shape[ctx.axis]))


class Split(Op):
    def forward(ctx, a, sizes, axis):
        ctx.axis = axis
        out, start = [], 0
        for size in sizes:
            out.append(a[_part(axis, start, start + size)])
            start += size
        return tuple(out)

    def backward(ctx, *grads):
        return ctx.run(Cat, *grads, axis=ctx.axis)


class SplitWithSizes(Split):
    pass


class Unbind(Op):
    def forward(ctx, a, axis):
        ctx.axis = axis
        return tuple(a[(slice(None),) * axis + (i, ...)] for i in range(a.shape[axis]))

    def backward(ctx, *grads):
        return ctx.run(Stack, *grads, axis=ctx.axis)


def _dtype(tensors):
    dt = tensors[0]._data.dtype
    if all(t._data.dtype == dt for t in tensors):
        return None
    return B.result_type(*tensors).np


def cat(tensors, dim=0, *, out=None, axis=None):
    """Join ``tensors`` along an existing dimension ``dim``, promoting to a common dtype (``concat`` and
    ``concatenate`` are the same function). As in PyTorch, 1-D empty tensors are left out."""
    if not len(tensors):
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = tensors[0]
    if _skipped(ref._data):
        ref = next((t for t in tensors if not _skipped(t._data)), ref)
    if any(t._data.ndim == 0 for t in tensors):  # PyTorch names a 0-dim tensor before it checks dim
        raise _cat_error(tensors, ref, 0)
    d = ref._dim(axis if axis is not None else dim)
    try:
        result = Cat.apply(*tensors, axis=d, dtype=_dtype(tensors))
    except ValueError:
        raise _cat_error(tensors, ref, d) from None
    return result if out is None else write_out(result, out)


def _cat_error(tensors, ref, d):
    shape = ref._data.shape
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            return RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    for i, t in enumerate(tensors):
        s = t._data.shape
        if _skipped(t._data):
            continue
        if len(s) != len(shape):
            return RuntimeError(f"Tensors must have same number of dimensions: got {len(shape)} and {len(s)}")
        for k in range(len(s)):
            if k != d and s[k] != shape[k]:
                return RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {shape[k]} "
                                    f"but got size {s[k]} for tensor number {i} in the list.")
    return RuntimeError("torch.cat(): inputs cannot be concatenated")


def stack(tensors, dim=0, *, out=None):
    """Join same-shaped ``tensors`` along a new dimension ``dim``, promoting to a common dtype."""
    if not len(tensors):
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]
    d = first._dim(dim, first._data.ndim + 1)
    try:
        result = Stack.apply(*tensors, axis=d, dtype=_dtype(tensors))
    except ValueError:
        i, t = next((i, t) for i, t in enumerate(tensors) if t._data.shape != first._data.shape)
        raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first._data.shape)} at "
                           f"entry 0 and {list(t._data.shape)} at entry {i}") from None
    return result if out is None else write_out(result, out)


def hstack(tensors, *, out=None):
    """Join ``tensors`` column-wise: along dimension 1, or 0 for 1-D tensors."""
    tensors = [t.reshape(1) if t._data.ndim == 0 else t for t in tensors]
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Join ``tensors`` row-wise along dimension 0, treating 0-d and 1-D tensors as rows (``row_stack`` is
    the same function)."""
    return cat([t.reshape(1, -1) if t._data.ndim < 2 else t for t in tensors], 0, out=out)


def _views(outs, base):
    """Split pieces are views of their input: they share its version counter."""
    for o in outs:
        o._version = base._version
    return outs


def split(tensor, split_size_or_sections, dim=0):
    """Split into views along ``dim``: pieces of ``split_size_or_sections`` elements (the last may be
    smaller), or of the sizes it lists."""
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = tensor._dim(dim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != size or any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={list(sizes)}")
        return _views(SplitWithSizes.apply(tensor, sizes=sizes, axis=d), tensor)
    step = int(split_size_or_sections)
    if step == 0 and size:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    sizes = (step,) * (size // step) + ((size % step,) if size % step else ()) if step else (0,)
    return _views(Split.apply(tensor, sizes=sizes or (0,), axis=d), tensor)


def chunk(input, chunks, dim=0):
    """Split into at most ``chunks`` views of equal size along ``dim`` (the last may be smaller)."""
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = input._data.shape[input._dim(dim)]
    if size == 0:
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple of views with that dimension removed."""
    return _views(Unbind.apply(input, axis=input._dim(dim)), input)


TENSOR_METHODS = dict(split=split, chunk=chunk, unbind=unbind)
FUNCTIONS = dict(cat=cat, concat=cat, concatenate=cat, stack=stack, hstack=hstack, vstack=vstack, split=split,
                 chunk=chunk, unbind=unbind)
