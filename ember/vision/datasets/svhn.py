"""SVHN: Street View House Numbers, cropped 32 x 32 digits, from the official MATLAB (.mat v5) files.

Reading .mat files needs SciPy (``pip install scipy``), as in torchvision. Layout: ``root/{train,test,
extra}_32x32.mat``. The digit 0, labelled 10 in the files, is class 0 here.
"""
import os

import numpy as np

from .array_images import ArrayImageDataset
from .utils import NOT_FOUND, check_integrity, download_url, verify_str_arg


def _loadmat(path, **kwargs):
    try:
        import scipy.io
    except ImportError:
        raise ImportError("reading .mat files needs SciPy: pip install scipy (or ember[vision-mat])") from None
    try:
        return scipy.io.loadmat(path, **kwargs)
    except Exception as e:  # SciPy raises several types for a damaged file
        raise RuntimeError(f"{path} is not a readable .mat file: {type(e).__name__}: {e}") from None


class SVHN(ArrayImageDataset):
    """``data`` is N x 3 x 32 x 32 uint8, ``labels`` the int64 class of each image (0 to 9)."""

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"]}
    channels_first = True
    labels_attribute = "labels"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        path = os.path.join(self.root, self.filename)
        mat = _loadmat(path)
        images, labels = mat.get("X"), mat.get("y")
        if not (isinstance(images, np.ndarray) and images.dtype == np.uint8 and images.ndim == 4
                and images.shape[2] == 3 and isinstance(labels, np.ndarray) and labels.size == images.shape[3]):
            raise RuntimeError(f"{path} is corrupted: expected X, a 32 x 32 x 3 x N uint8 array, and y, N labels")
        self.data = images.transpose(3, 2, 0, 1)  # H x W x C x N -> N x C x H x W
        self.labels = labels.astype(np.int64).reshape(-1)
        self.labels[self.labels == 10] = 0

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.split_list[self.split][2])

    def download(self):
        download_url(self.url, self.root, self.filename, self.split_list[self.split][2])

    def extra_repr(self):
        return f"Split: {self.split}"
