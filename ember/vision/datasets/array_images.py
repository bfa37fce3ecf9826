"""The base of datasets that hold every image in one uint8 array (MNIST, CIFAR, SVHN, STL10).

``dataset[i]`` is ``(PIL image through transform, int target through target_transform)``, as in
torchvision. ``__getitems__`` transforms a whole batch with a few array operations when the
transform allows it (``batch_transform``), with the same values as the per-image route.
"""
import numpy as np

from ..._tensor import Tensor
from ...utils.data.collate import CollatedList, default_collate, unstack
from ..transforms.functional import pil_image_module
from ..transforms.transforms import batch_transform
from .vision import VisionDataset


def as_array(x):
    """The NumPy array behind a tensor, or ``x`` as an array."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


class ArrayImageDataset(VisionDataset):
    """Subclasses set ``data`` (N x H x W, N x H x W x C, or N x C x H x W when ``channels_first``) and the
    targets ``labels_attribute`` names."""

    channels_first = False
    labels_attribute = "targets"

    def _images(self):
        """The images as N x H x W (x C), a view of ``data``."""
        data = as_array(self.data)
        return data.transpose(0, 2, 3, 1) if self.channels_first else data

    def _labels(self):
        return as_array(getattr(self, self.labels_attribute))

    def __getitem__(self, index):
        image = self._images()[index]
        target = int(self._labels()[index])
        batched = batch_transform(self.transform) if image.dtype == np.uint8 else None
        if batched is not None:  # same values as the PIL route, without building an image
            image = Tensor._wrap(batched(image[None].copy())[0])
        else:
            image = pil_image_module().fromarray(np.ascontiguousarray(image))
            if self.transform is not None:
                image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __getitems__(self, indices):
        """The samples at ``indices``, transformed as one batch when the transform allows it."""
        data = self._images()
        batched = batch_transform(self.transform) if data.dtype == np.uint8 and data.ndim in (3, 4) else None
        if batched is None:
            return [self[i] for i in indices]
        idx = np.asarray(indices, dtype=np.intp)
        images = batched(data[idx])
        targets = self._labels()[idx].astype(np.int64, copy=False)
        labels = targets.tolist()
        if self.target_transform is None:
            collated_targets = Tensor._wrap(targets)
        else:
            labels = [self.target_transform(t) for t in labels]
            collated_targets = default_collate(labels)
        return CollatedList(zip(unstack(images), labels), [Tensor._wrap(images), collated_targets])

    def __len__(self):
        return len(self.data)
