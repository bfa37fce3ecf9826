"""Small MNIST-format datasets written on the fly, as plain or gzipped IDX files."""
import gzip
import os

import numpy as np
import pytest

FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def idx_bytes(array):
    """An array in IDX format: magic (0, 0, type code, ndim), big-endian sizes, big-endian data."""
    codes = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}
    code = codes[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, payload, gz):
    if gz:
        with gzip.open(path + ".gz", "wb") as f:
            f.write(payload)
    else:
        with open(path, "wb") as f:
            f.write(payload)


def make_split(raw, split, n, rng, gz=True):
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    image_file, label_file = FILES[split]
    write(os.path.join(raw, image_file), idx_bytes(images), gz)
    write(os.path.join(raw, label_file), idx_bytes(labels), gz)
    return images, labels


@pytest.fixture
def fake_mnist(tmp_path):
    """A root holding MNIST/raw with 20 training and 10 test images (gzipped), and the arrays written."""
    def build(name="MNIST", gz=True, n_train=20, n_test=10):
        raw = tmp_path / name / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        train = make_split(str(raw), "train", n_train, rng, gz)
        test = make_split(str(raw), "test", n_test, rng, gz)
        return str(tmp_path), train, test

    return build
