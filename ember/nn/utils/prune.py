"""``torch.nn.utils.prune`` basics: masks that zero parts of a parameter, applied before each forward.

Pruning ``name`` keeps the trained values in ``name_orig``, the mask in the buffer ``name_mask``, and
recomputes ``name = name_orig * name_mask`` in a forward pre-hook. Pruning again only chooses among the
entries still unpruned, and the masks multiply.
"""
import numbers

import numpy as np

from ..._ops.creation import ones_like
from ...autograd import no_grad
from ..parameter import Parameter

__all__ = ["identity", "random_unstructured", "l1_unstructured", "random_structured", "ln_structured",
           "global_unstructured", "custom_from_mask", "remove", "is_pruned"]


def _count(amount, size):
    if isinstance(amount, numbers.Integral):
        if amount < 0:
            raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative "
                             "integer")
        if amount > size:
            raise ValueError(f"amount={amount} should be smaller than the number of parameters to prune={size}")
        return int(amount)
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")
    return int(round(amount * size))


class _PruneHook:
    def __init__(self, name):
        self.name = name

    def __call__(self, module, inputs):
        setattr(module, self.name, getattr(module, self.name + "_orig") * getattr(module, self.name + "_mask"))


def _hook_of(module, name):
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, _PruneHook) and hook.name == name:
            return key
    return None


def _apply_mask(module, name, new_mask_of):
    """Combine the mask ``new_mask_of(values, current_mask)`` chooses with the current one."""
    if _hook_of(module, name) is None:
        orig = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_orig", orig)
        module.register_buffer(name + "_mask", ones_like(orig))
        module.register_forward_pre_hook(_PruneHook(name))
    orig, mask = getattr(module, name + "_orig"), getattr(module, name + "_mask")
    with no_grad():
        mask.mul_(new_mask_of(orig.detach(), mask))
    setattr(module, name, orig * mask)
    return module


def _unstructured(scores_of):
    def chooser(amount):
        def new_mask(values, mask):
            alive = mask._data.reshape(-1) != 0
            k = _count(amount, int(alive.sum()))
            keep = np.ones(values._data.size, values._data.dtype)
            if k:
                scores = scores_of(values._data.reshape(-1))[alive]
                keep[np.nonzero(alive)[0][np.argsort(scores, kind="stable")[:k]]] = 0
            return mask.new_tensor(keep.reshape(values.shape))
        return new_mask
    return chooser


_l1 = _unstructured(np.abs)


def identity(module, name):
    """Applies a mask of ones to ``module.name``: pruning's bookkeeping without removing any entry."""
    return _apply_mask(module, name, lambda values, mask: ones_like(values))


def random_unstructured(module, name, amount):
    """Zero ``amount`` of the unpruned entries chosen at random."""
    return _apply_mask(module, name, _unstructured(lambda v: np.random.default_rng().random(v.size))(amount))


def l1_unstructured(module, name, amount, importance_scores=None):
    """Zero ``amount`` of the unpruned entries with the smallest absolute value."""
    return _apply_mask(module, name, _l1(amount))


def _structured(module, name, amount, dim, scores_of):
    def new_mask(values, mask):
        if values.dim() < 2:
            raise ValueError(f"Structured pruning can only be applied to multidimensional tensors. Found tensor of "
                             f"shape {values.shape} with {values.dim()} dims")
        other = tuple(d for d in range(values.dim()) if d != dim % values.dim())
        scores = scores_of(values._data, other)
        k = _count(amount, values.shape[dim])
        keep = np.ones(values.shape[dim], values._data.dtype)
        keep[np.argsort(scores, kind="stable")[:k]] = 0
        shape = [1] * values.dim()
        shape[dim] = -1
        return mask.new_tensor(np.broadcast_to(keep.reshape(shape), values.shape).copy())
    return _apply_mask(module, name, new_mask)


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Zero the ``amount`` slices along ``dim`` with the smallest ``n``-norm."""
    return _structured(module, name, amount, dim,
                       lambda v, other: np.linalg.norm(v.reshape(v.shape[dim], -1) if dim in (0, -v.ndim) else
                                                       np.moveaxis(v, dim, 0).reshape(v.shape[dim], -1),
                                                       ord=n if n != "fro" else 2, axis=1))


def random_structured(module, name, amount, dim):
    """Zero ``amount`` of the slices along ``dim``, chosen at random."""
    return _structured(module, name, amount, dim, lambda v, other: np.random.default_rng().random(v.shape[dim]))


def custom_from_mask(module, name, mask):
    """Prune ``module.name`` with the given ``mask`` (zeros mark the entries to drop), combined with any
    earlier mask."""
    return _apply_mask(module, name, lambda values, current: mask.to(values.dtype))


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune ``amount`` of the entries of all ``(module, name)`` pairs together, by the smallest absolute value."""
    parameters = list(parameters)
    values = np.concatenate([getattr(m, n).detach()._data.reshape(-1) for m, n in parameters])
    masks = np.concatenate([getattr(m, n + "_mask")._data.reshape(-1) if _hook_of(m, n) is not None else
                            np.ones(getattr(m, n).numel()) for m, n in parameters])
    alive = masks != 0
    k = _count(kwargs.get("amount", 0), int(alive.sum()))
    keep = np.ones(values.size)
    if k:
        keep[np.nonzero(alive)[0][np.argsort(np.abs(values[alive]), kind="stable")[:k]]] = 0
    offset = 0
    for m, n in parameters:
        size = getattr(m, n).numel()
        piece = keep[offset:offset + size].reshape(tuple(getattr(m, n).shape))
        offset += size
        _apply_mask(m, n, lambda v, mask, piece=piece: mask.new_tensor(piece.astype(v._data.dtype)))


def remove(module, name):
    """Make the pruning permanent: ``name`` becomes a parameter holding ``orig * mask``."""
    key = _hook_of(module, name)
    if key is None:
        raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")
    with no_grad():
        weight = getattr(module, name + "_orig") * getattr(module, name + "_mask")
    del module._forward_pre_hooks[key]
    del module._parameters[name + "_orig"]
    del module._buffers[name + "_mask"]
    if name in module.__dict__:
        del module.__dict__[name]
    module.register_parameter(name, Parameter(weight))
    return module


def is_pruned(module):
    """Whether ``module`` or any of its submodules carries a pruning hook."""
    return any(isinstance(h, _PruneHook) for m in module.modules() for h in m._forward_pre_hooks.values())
