"""Variable-length sequences for recurrent layers: padding, and packing into ``PackedSequence``.

A packed sequence holds, time step after time step, only the rows of the
sequences still running (sorted longest first), and ``batch_sizes[t]`` says
how many there are at step t. Packing and unpacking are each one indexing op
on the flattened (time, batch) rows, so gradients flow through both.
"""
from collections import namedtuple

import numpy as np

from ..._ops.join import cat, stack
from ..._ops.nn_ops import pad
from ..._tensor import Tensor

__all__ = ["PackedSequence", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence", "pad_sequence"]

_wrap = Tensor._wrap


def _inverse(perm):
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    return inv


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """``data`` of shape ``(sum of lengths, *)``, ``batch_sizes`` (int64, one per step), and the permutation
    that sorted the batch by length (None when it came sorted)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _wrap(_inverse(sorted_indices.numpy()))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shape ``(L_i, *)`` into ``(L_max, B, *)``, or ``(B, L_max, *)`` with ``batch_first``."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = longest - s.shape[0]
        widths = [0, 0] * (s.dim() - 1) + ([extra, 0] if padding_side == "left" else [0, extra])
        padded.append(pad(s, widths, value=padding_value) if extra else s)
    return stack(padded, 0 if batch_first else 1)


def _batch_sizes(lengths):
    return (lengths[None, :] > np.arange(lengths.max())[:, None]).sum(1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch ``(T, B, *)`` (or ``(B, T, *)``) whose sequences have the given lengths."""
    lengths = np.asarray(lengths.tolist() if isinstance(lengths, Tensor) else lengths, dtype=np.int64)
    sorted_indices = None
    if enforce_sorted:
        if np.any(lengths[1:] > lengths[:-1]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths, sorted_indices = lengths[order], _wrap(order)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    batch_sizes = _batch_sizes(lengths)
    width = input.shape[1]
    rows = np.concatenate([t * width + np.arange(n) for t, n in enumerate(batch_sizes)])
    data = input.reshape((input.shape[0] * width,) + tuple(input.shape[2:]))[_wrap(rows)]
    return PackedSequence(data, _wrap(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: the padded batch, in the original order, and the lengths (int64)."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.numpy()
    steps, width = len(batch_sizes), int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    lengths = (batch_sizes[None, :] > np.arange(width)[:, None]).sum(1)
    column = np.arange(width)  # original batch position j sits at sorted position column[j]
    if sequence.unsorted_indices is not None:
        column = sequence.unsorted_indices.numpy()
        lengths = lengths[column]
    # the row of data holding step t of sequence j, or the padding row appended after data
    starts = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    t = np.arange(steps)[:, None]
    index = np.where(t < lengths, starts[np.minimum(t, len(batch_sizes) - 1)] + column, data.shape[0])
    filler = data.new_full((1,) + tuple(data.shape[1:]), padding_value)
    padded = cat([data, filler])[_wrap(index.T if batch_first else index)]
    return padded, _wrap(lengths)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences of shape ``(L_i, *)``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
