"""CIFAR-10 and CIFAR-100 from the official python-pickle batches, read by ``safe_pickle``.

Layout as torchvision's: ``root/cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}`` and
``root/cifar-100-python/{train,test,meta}``. Every file is checked against its MD5 before it is read,
and read without running anything from it.
"""
import os

import numpy as np

from . import safe_pickle
from .array_images import ArrayImageDataset
from .utils import NOT_FOUND, ArchiveDataset, check_integrity


class CIFAR10(ArchiveDataset, ArrayImageDataset):
    """32 x 32 colour images in 10 classes: 50,000 for training, 10,000 for testing.

    ``data`` is the N x 32 x 32 x 3 uint8 array, ``targets`` the list of class indices."""

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [["data_batch_1", "c99cafc152244af753f735de768cd75f"],
                  ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
                  ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
                  ["data_batch_4", "634d18415352ddfa80567beed471001a"],
                  ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"]]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}
    labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        batches = [self._read_batch(name) for name, _ in (self.train_list if train else self.test_list)]
        self.data = np.concatenate([images for images, _ in batches]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self.targets = [label for _, labels in batches for label in labels]
        self._load_meta()

    def _path(self, name):
        return os.path.join(self.root, self.base_folder, name)

    def _read(self, name):
        path = self._path(name)
        try:
            entry = safe_pickle.load(path)
        except safe_pickle.RefusedPickleError as e:
            raise RuntimeError(f"{path} is not a CIFAR batch: {e}") from None
        except Exception as e:  # a truncated or garbled pickle fails in many ways
            raise RuntimeError(f"{path} is corrupted: {type(e).__name__}: {e}") from None
        if not isinstance(entry, dict):
            raise RuntimeError(f"{path} is corrupted: it holds a {type(entry).__name__}, not a dict")
        return path, entry

    def _read_batch(self, name):
        path, entry = self._read(name)
        images, labels = entry.get("data"), entry.get(self.labels_key)
        if not (isinstance(images, np.ndarray) and images.dtype == np.uint8 and images.ndim == 2
                and images.shape[1] == 3 * 32 * 32):
            raise RuntimeError(f"{path} is corrupted: its 'data' is not an N x 3072 uint8 array")
        if not (isinstance(labels, list) and len(labels) == len(images)
                and all(isinstance(t, int) for t in labels)):
            raise RuntimeError(f"{path} is corrupted: its '{self.labels_key}' is not a list of {len(images)} ints")
        return images, labels

    def _load_meta(self):
        if not check_integrity(self._path(self.meta["filename"]), self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to "
                               "download it")
        path, entry = self._read(self.meta["filename"])
        classes = entry.get(self.meta["key"])
        if not (isinstance(classes, list) and all(isinstance(c, str) for c in classes)):
            raise RuntimeError(f"{path} is corrupted: its '{self.meta['key']}' is not a list of strings")
        self.classes = classes
        self.class_to_idx = {c: i for i, c in enumerate(classes)}

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR's 100-class version; ``targets`` are the fine labels."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
    labels_key = "fine_labels"
