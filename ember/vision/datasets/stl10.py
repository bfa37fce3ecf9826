"""STL-10: 96 x 96 colour images in 10 classes, plus 100,000 unlabelled ones, from the binary release.

Layout: ``root/stl10_binary/{train,test}_{X,y}.bin, unlabeled_X.bin, class_names.txt,
fold_indices.txt``. The X files hold uint8 images stored column-major (C x W x H each); y files hold
1-based labels.
"""
import os

import numpy as np

from .array_images import ArrayImageDataset
from .utils import NOT_FOUND, ArchiveDataset, verify_str_arg


class STL10(ArchiveDataset, ArrayImageDataset):
    """``data`` is N x 3 x 96 x 96 uint8, ``labels`` the class of each image (-1 where unlabelled)."""

    base_folder = "stl10_binary"
    url = "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"
    filename = "stl10_binary.tar.gz"
    tgz_md5 = "91f7769df0f17e558f3565bffb0c7dfb"
    class_names_file = "class_names.txt"
    folds_list_file = "fold_indices.txt"
    train_list = [["train_X.bin", "918c2871b30a85fa023e0c44e0bee87f"],
                  ["train_y.bin", "5a34089d4802c674881badbb80307741"],
                  ["unlabeled_X.bin", "5242ba1fed5e4be9e1e742405eb56ca4"]]
    test_list = [["test_X.bin", "7f263ba9f9e0b06b93213547f721ac82"],
                 ["test_y.bin", "36f9794fa4beb8a2c72628de14fa638e"]]
    splits = ("train", "train+unlabeled", "unlabeled", "test")
    channels_first = True
    labels_attribute = "labels"

    def __init__(self, root, split="train", folds=None, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", self.splits)
        self.folds = self._verify_folds(folds)
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        if split == "test":
            self.data, self.labels = self._read("test_X.bin", "test_y.bin")
        elif split == "unlabeled":
            self.data, _ = self._read("unlabeled_X.bin")
            self.labels = np.full(len(self.data), -1, np.int64)
        else:
            self.data, self.labels = self._read("train_X.bin", "train_y.bin")
            self._keep_fold(folds)
            if split == "train+unlabeled":
                unlabeled, _ = self._read("unlabeled_X.bin")
                self.data = np.concatenate([self.data, unlabeled])
                self.labels = np.concatenate([self.labels, np.full(len(unlabeled), -1, np.int64)])
        class_file = os.path.join(self.root, self.base_folder, self.class_names_file)
        if os.path.isfile(class_file):
            with open(class_file) as f:
                self.classes = f.read().splitlines()

    @staticmethod
    def _verify_folds(folds):
        if folds is None:
            return folds
        if isinstance(folds, int):
            if folds in range(10):
                return folds
            raise ValueError(f"Value for argument folds should be in the range [0, 10), but got {folds}.")
        raise ValueError(f"Expected type None or int for argument folds, but got type {type(folds)}.")

    def _read(self, images_file, labels_file=None):
        folder = os.path.join(self.root, self.base_folder)
        images = np.fromfile(os.path.join(folder, images_file), np.uint8)
        if images.size % (3 * 96 * 96):
            raise RuntimeError(f"{images_file} is corrupted: {images.size} bytes is not a whole number of "
                               f"3 x 96 x 96 images")
        images = images.reshape(-1, 3, 96, 96).transpose(0, 1, 3, 2)  # stored column-major
        if labels_file is None:
            return images, None
        labels = np.fromfile(os.path.join(folder, labels_file), np.uint8).astype(np.int64) - 1
        if len(labels) != len(images):
            raise RuntimeError(f"{labels_file} holds {len(labels)} labels for {len(images)} images")
        return images, labels

    def _keep_fold(self, folds):
        if folds is None:
            return
        with open(os.path.join(self.root, self.base_folder, self.folds_list_file)) as f:
            indices = np.array(f.read().splitlines()[folds].split(), dtype=np.int64)
        self.data, self.labels = self.data[indices], self.labels[indices]

    def extra_repr(self):
        return f"Split: {self.split}"
