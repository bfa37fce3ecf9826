"""Datasets stored as text or plain arrays: USPS (libsvm text, bzip2), SEMEION (text), FER2013 (CSV) and
MovingMNIST (a NumPy .npy file, read without pickle)."""
import bz2
import csv
import os

import numpy as np

from ..._tensor import Tensor
from ..transforms.functional import pil_image_module
from .array_images import ArrayImageDataset
from .utils import NOT_FOUND, check_integrity, download_url, verify_str_arg
from .vision import VisionDataset


def _corrupted(path, error):
    return RuntimeError(f"{path} is corrupted: {type(error).__name__}: {error}")


class USPS(ArrayImageDataset):
    """16 x 16 handwritten digits from US postal envelopes, from the libsvm files ``root/usps.bz2`` and
    ``root/usps.t.bz2`` (features in [-1, 1], labels 1 to 10 stored; 0 to 9 here)."""

    split_list = {
        "train": ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/usps.bz2", "usps.bz2",
                  "ec16c51db3855ca6c91edd34d0e9b197"],
        "test": ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/usps.t.bz2", "usps.t.bz2",
                 "8ea070ee2aca1ac39742fdd1ef5ed118"]}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        url, filename, md5 = self.split_list["train" if train else "test"]
        path = os.path.join(self.root, filename)
        if download and not os.path.exists(path):
            download_url(url, self.root, filename, md5=md5)
        if not os.path.isfile(path):
            raise RuntimeError(NOT_FOUND)
        try:
            with bz2.open(path) as f:
                rows = [line.decode().split() for line in f]
            features = np.asarray([[v.split(":")[-1] for v in row[1:]] for row in rows], np.float32)
            self.data = ((features.reshape(-1, 16, 16) + 1) / 2 * 255).astype(np.uint8)
            self.targets = [int(row[0]) - 1 for row in rows]
        except (OSError, EOFError, ValueError, IndexError) as e:
            raise _corrupted(path, e) from None


class SEMEION(ArrayImageDataset):
    """1,593 handwritten digits as 16 x 16 binary images, from the text file ``root/semeion.data``."""

    url = "http://archive.ics.uci.edu/ml/machine-learning-databases/semeion/semeion.data"
    filename = "semeion.data"
    md5_checksum = "cb545d371d2ce14ec121470795a77432"
    labels_attribute = "labels"

    def __init__(self, root, transform=None, target_transform=None, download=True):
        super().__init__(root, transform=transform, target_transform=target_transform)
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        path = os.path.join(self.root, self.filename)
        try:
            table = np.loadtxt(path, ndmin=2)
        except ValueError as e:
            raise _corrupted(path, e) from None
        if table.shape[1] != 266:
            raise RuntimeError(f"{path} is corrupted: rows of {table.shape[1]} numbers, expected 256 pixels + 10")
        self.data = (table[:, :256] * 255).astype(np.uint8).reshape(-1, 16, 16)
        self.labels = np.nonzero(table[:, 256:])[1]

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.md5_checksum)

    def download(self):
        if not self._check_integrity():
            download_url(self.url, self.root, self.filename, self.md5_checksum)


class FER2013(VisionDataset):
    """48 x 48 faces in seven expressions, from Kaggle's CSV files under ``root/fer2013`` (train.csv and
    test.csv, or the full fer2013.csv / icml_face_data.csv, whose 'Usage' column picks the split).
    Test targets are None where the file has no labels."""

    _RESOURCES = {"train": ("train.csv", "3f0dfb3d3fd99c811a1299cb947e3131"),
                  "test": ("test.csv", "b02c2298636a634e8c2faabbf3ea9a23"),
                  "fer": ("fer2013.csv", "f8428a1edbd21e88f42c73edd2a14f95"),
                  "icml": ("icml_face_data.csv", "b114b9e04e6949e5fe8b6a98b3892b1d")}

    def __init__(self, root, split="train", transform=None, target_transform=None):
        self._split = verify_str_arg(split, "split", ("train", "test"))
        super().__init__(root, transform=transform, target_transform=target_transform)
        folder = os.path.join(self.root, "fer2013")
        full = os.path.exists(os.path.join(folder, self._RESOURCES["fer"][0]))
        icml = not full and os.path.exists(os.path.join(folder, self._RESOURCES["icml"][0]))
        name, md5 = self._RESOURCES["fer" if full else "icml" if icml else split]
        path = os.path.join(folder, name)
        if not check_integrity(path, md5):
            raise RuntimeError(f"{name} not found in {folder} or corrupted. You can download it from "
                               f"https://www.kaggle.com/c/challenges-in-representation-learning-facial-expression-"
                               f"recognition-challenge")
        pixels, usage = (" pixels", " Usage") if icml else ("pixels", "Usage")
        labelled = full or icml or split == "train"
        keep = ("Training",) if split == "train" else ("PublicTest", "PrivateTest")
        with open(path, newline="") as f:
            rows = [row for row in csv.DictReader(f) if not (full or icml) or row[usage] in keep]
        try:
            self._samples = [(np.array(row[pixels].split(), np.uint8).reshape(48, 48),
                              int(row["emotion"]) if labelled else None) for row in rows]
        except (KeyError, ValueError) as e:
            raise _corrupted(path, e) from None

    def __len__(self):
        return len(self._samples)

    def __getitem__(self, idx):
        pixels, target = self._samples[idx]
        image = pil_image_module().fromarray(pixels)
        return self._transformed(image, target)

    def extra_repr(self):
        return f"split={self._split}"


class MovingMNIST(VisionDataset):
    """10,000 sequences of 20 frames of two digits moving in 64 x 64, from ``root/MovingMNIST/
    mnist_test_seq.npy``; ``dataset[i]`` is a T x 1 x 64 x 64 uint8 tensor (``split`` keeps the first
    ``split_ratio`` frames for 'train' and the rest for 'test')."""

    _URL = "http://www.cs.toronto.edu/~nitish/unsupervised_video/mnist_test_seq.npy"

    def __init__(self, root, split=None, split_ratio=10, download=False, transform=None):
        super().__init__(root, transform=transform)
        self._base_folder = os.path.join(self.root, type(self).__name__)
        self._filename = self._URL.split("/")[-1]
        if split is not None:
            verify_str_arg(split, "split", ("train", "test"))
        self.split = split
        if not isinstance(split_ratio, int):
            raise TypeError(f"`split_ratio` should be an integer, but got {type(split_ratio)}")
        if not 1 <= split_ratio <= 19:
            raise ValueError(f"`split_ratio` should be `1 <= split_ratio <= 19`, but got {split_ratio} instead.")
        self.split_ratio = split_ratio
        if download:
            self.download()
        path = os.path.join(self._base_folder, self._filename)
        if not os.path.exists(path):
            raise RuntimeError("Dataset not found. You can use download=True to download it.")
        try:
            frames = np.load(path, allow_pickle=False)  # an .npy holding objects would need pickle: refused
        except ValueError as e:
            raise _corrupted(path, e) from None
        frames = {"train": frames[:split_ratio], "test": frames[split_ratio:]}.get(split, frames)
        self.data = Tensor._wrap(np.ascontiguousarray(frames.swapaxes(0, 1)[:, :, None]))

    def __getitem__(self, idx):
        data = self.data[idx]
        return self.transform(data) if self.transform is not None else data

    def __len__(self):
        return len(self.data)

    def download(self):
        path = os.path.join(self._base_folder, self._filename)
        if not os.path.exists(path):
            download_url(self._URL, self._base_folder, self._filename, md5="be083ec986bfe91a449d63653c411eb2")
