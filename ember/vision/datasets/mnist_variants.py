"""EMNIST and QMNIST: MNIST's IDX format with more classes (EMNIST) or more metadata per digit (QMNIST)."""
import os
import string

import numpy as np

from ..._tensor import Tensor
from ..transforms.functional import pil_image_module
from .array_images import as_array
from .mnist import MNIST, read_idx_array
from .utils import download_and_extract_archive, extract_archive, verify_str_arg


class EMNIST(MNIST):
    """Handwritten letters and digits from NIST Special Database 19 in MNIST's format, in one of six
    ``split``s. Files: ``root/EMNIST/raw/emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte``."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits)}

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    def _split_files(self):
        prefix = f"emnist-{self.split}-{'train' if self.train else 'test'}"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def download(self):
        """Fetch NIST's zip (checked against ``md5``) and unpack every split into the raw folder."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for name in sorted(os.listdir(gzip_folder)):
            if name.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, name), self.raw_folder)


class QMNIST(MNIST):
    """MNIST reconstructed from NIST with the full test set and eight numbers per digit (class, NIST
    writer, ...). ``what`` is 'train', 'test' (60k), 'test10k' (MNIST's test set), 'test50k' or 'nist'.
    With ``compat`` the target is the class; otherwise the row of eight int64 numbers."""

    subsets = {"train": "train", "test": "test", "test10k": "test", "test50k": "test", "nist": "nist"}
    _base = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"
    resources = {
        "train": [(_base + "qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
                  (_base + "qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4")],
        "test": [(_base + "qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
                 (_base + "qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa")],
        "nist": [(_base + "xnist-images-idx3-ubyte.xz", "7f124b3b8ab81486c9d8c2749c17f834"),
                 (_base + "xnist-labels-idx2-int.xz", "5ed0e788978e45d4a8bd4b7caec3d79d")]}
    classes = MNIST.classes

    def __init__(self, root, what=None, compat=True, train=True, **kwargs):
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets))
        self.compat = compat
        super().__init__(root, train, **kwargs)

    def _split_files(self):
        return tuple(os.path.splitext(os.path.basename(url))[0] for url, _ in self.resources[self.subsets[self.what]])

    def _load_data(self):
        image_path, label_path = (self._find(name) for name in self._split_files())
        data, targets = read_idx_array(image_path), read_idx_array(label_path)
        if data.dtype != np.uint8:
            raise TypeError(f"data should be of dtype torch.uint8 instead of {Tensor._wrap(data[:0]).dtype}")
        if data.ndim != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.ndim}")
        if targets.ndim != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {targets.ndim}")
        if len(data) != len(targets):
            raise RuntimeError(f"{image_path} holds {len(data)} images but {label_path} holds {len(targets)} rows")
        rows = {"test10k": slice(0, 10000), "test50k": slice(10000, None)}.get(self.what, slice(None))
        return Tensor._wrap(data[rows].copy()), Tensor._wrap(targets[rows].astype(np.int64))

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for url, md5 in self.resources[self.subsets[self.what]]:
            download_and_extract_archive(url, self.raw_folder, md5=md5)

    def _labels(self):
        return as_array(self.targets)[:, 0]

    def __getitem__(self, index):
        if self.compat:
            return super().__getitem__(index)
        image = pil_image_module().fromarray(as_array(self.data)[index])
        return self._transformed(image, Tensor._wrap(as_array(self.targets)[index].copy()))

    def __getitems__(self, indices):
        return super().__getitems__(indices) if self.compat else [self[i] for i in indices]

    def extra_repr(self):
        return f"Split: {self.what}"
