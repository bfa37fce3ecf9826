"""How a v2 transform finds the images in what it is called with.

A v2 transform accepts one image or any nest of tuples, lists and dicts (``(image, label)``,
``{"image": ..., "label": ...}``); it transforms the images in it and passes everything else through.
The images are the PIL images and, when there is none, the first tensor, as torchvision decides for
plain tensors (Ember has no tv_tensors subclasses: masks, boxes and videos are not told apart).
"""
from ...._tensor import Tensor
from ..functional import _is_pil_image


def flatten(sample):
    """(leaves, rebuild) where ``rebuild(new_leaves)`` puts new leaves back in the same structure."""
    if isinstance(sample, (list, tuple)):
        parts = [flatten(s) for s in sample]
        kind = type(sample)

        def rebuild(leaves):
            out, at = [], 0
            for part_leaves, part_rebuild in parts:
                out.append(part_rebuild(leaves[at:at + len(part_leaves)]))
                at += len(part_leaves)
            return kind(out) if kind in (list, tuple) else kind(*out)

        return [leaf for part_leaves, _ in parts for leaf in part_leaves], rebuild
    if isinstance(sample, dict):
        keys = list(sample)
        leaves, rebuild_values = flatten([sample[k] for k in keys])
        return leaves, lambda new: type(sample)(zip(keys, rebuild_values(new)))
    return [sample], lambda leaves: leaves[0]


def image_positions(leaves):
    """Indices of the leaves a v2 transform changes."""
    pil = [i for i, leaf in enumerate(leaves) if _is_pil_image(leaf)]
    if pil:
        return pil
    return [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor)][:1]
