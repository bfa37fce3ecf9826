"""FakeData: random images, the same ones for the same index on every call."""
from ... import _arraylib as B
from ..._tensor import Tensor
from ..transforms.functional import to_pil_image
from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` (C, H, W) as PIL images, with random targets below
    ``num_classes``.

    Image ``i`` is drawn from a generator seeded with ``i + random_offset`` (the global random state
    is left alone), so it is the same on every access and in every process, as in torchvision. Its
    pixels differ from torchvision's: Ember's generator is not PyTorch's Mersenne Twister stream."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng = B.Generator().manual_seed(index + self.random_offset)
        pixels = B.rng(rng).standard_normal(tuple(self.image_size), dtype="float32")
        target = int(B.rng(rng).integers(0, self.num_classes))
        image = to_pil_image(Tensor._wrap(pixels))
        return self._transformed(image, target)

    def __len__(self):
        return self.size
