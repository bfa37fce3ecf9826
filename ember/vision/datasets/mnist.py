"""MNIST and its drop-in relatives (FashionMNIST, KMNIST), read from IDX files.

Layout as torchvision's: ``root/<ClassName>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``,
each file plain or gzipped. The images stay one uint8 array
(``ArrayImageDataset``).
"""
import gzip
import math
import os
import warnings
import zlib

import numpy as np

from ..._tensor import Tensor
from .array_images import ArrayImageDataset
from .download import download_from_mirrors

# IDX type codes -> big-endian dtypes as stored in the file.
_IDX_DTYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
               0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def _read_bytes(path):
    """The file's bytes (decompressed from .gz) in one writable buffer grown in place: the array read
    from it is a view of it, so a 47 MB image file is never held twice, nor as bytes plus a copy."""
    data = bytearray()
    try:
        with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
            while chunk := f.read(1 << 20):
                data += chunk
    except (OSError, EOFError, zlib.error) as e:
        raise RuntimeError(f"Could not read {path}: {e}") from None
    return data


def read_idx_array(path):
    """An IDX file (plain or .gz) as a NumPy array in native byte order, checked against its header."""
    data = _read_bytes(path)
    if len(data) < 4 or data[0] or data[1] or data[2] not in _IDX_DTYPES or not 1 <= data[3] <= 4:
        raise RuntimeError(f"{path} is not an IDX file: its magic number is 0x{data[:4].hex() or 'empty'} "
                           f"(expected 0x0000, a type code in 08..0E and 1 to 4 dimensions)")
    dtype, ndim = _IDX_DTYPES[data[2]], data[3]
    header = 4 * (ndim + 1)
    if len(data) < header:
        raise RuntimeError(f"{path} is truncated: {len(data)} bytes, less than its {header}-byte header")
    shape = tuple(int.from_bytes(data[4 * (i + 1):4 * (i + 2)], "big") for i in range(ndim))
    expected = header + math.prod(shape) * dtype.itemsize  # exact: a lying header cannot overflow it
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "longer than its header says"
        raise RuntimeError(f"{path} is {what}: its header promises shape {shape} ({expected} bytes in all) "
                           f"but the file holds {len(data)} bytes")
    try:
        array = np.frombuffer(data, dtype, offset=header).reshape(shape)
    except ValueError:  # an empty array whose other dims overflow NumPy's size limit
        raise RuntimeError(f"{path} has an impossible header: shape {shape} is too large") from None
    return array.astype(dtype.newbyteorder("="), copy=False)  # writable; copied only to swap bytes


def _check(path, array, ndim):
    if array.dtype != np.uint8 or array.ndim != ndim:
        raise RuntimeError(f"{path} should hold a {ndim}-D uint8 array, but holds {array.dtype} of shape "
                           f"{array.shape}")


def read_sn3_pascalvincent_tensor(path, strict=True):
    """torchvision's name for reading an IDX file; the size is always checked here."""
    return Tensor._wrap(read_idx_array(path))


def read_image_file(path):
    """The images of an IDX file (MNIST's format) as a tensor ``(N, H, W)`` of the file's dtype."""
    array = read_idx_array(path)
    _check(path, array, 3)
    return Tensor._wrap(array)


def read_label_file(path):
    """The labels of an IDX file as an int64 tensor."""
    array = read_idx_array(path)
    _check(path, array, 1)
    return Tensor._wrap(array.astype(np.int64))


class MNIST(ArrayImageDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images of 28 x 28 pixels.

    ``dataset[i]`` is ``(image, target)``: the image is a PIL image passed through
    ``transform``, the target an int passed through ``target_transform``."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    # ------------------------------------------------------------ files
    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    def _split_files(self):
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _find(self, name):
        """The path of raw file ``name``, plain or gzipped, or None."""
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(name) for name in self._split_files())

    def _load_data(self):
        image_path, label_path = (self._find(name) for name in self._split_files())
        data, targets = read_image_file(image_path), read_label_file(label_path)
        if len(data) != len(targets):
            raise RuntimeError(f"{image_path} holds {len(data)} images but {label_path} holds {len(targets)} "
                               f"labels")
        return data, targets

    def download(self):
        """Fetch the missing raw files from ``mirrors``, checking each against ``resources``' MD5."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if self._find(os.path.splitext(filename)[0]) is None:
                download_from_mirrors(filename, self.mirrors, self.raw_folder, md5)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    # ------------------------------------------------------------ legacy names
    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data


class FashionMNIST(MNIST):
    """Zalando's article images in MNIST's format: ten classes of clothing."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: ten classes of cursive Japanese characters in MNIST's format."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
