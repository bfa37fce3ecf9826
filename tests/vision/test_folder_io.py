"""ImageFolder and torchvision.io's read_image/write_png."""
import os

import numpy as np
import pytest

import ember
from ember.vision import io
from ember.vision import transforms as T
from ember.vision.datasets import DatasetFolder, ImageFolder

Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def tree(tmp_path):
    rng = np.random.default_rng(0)
    for cls, names in {"dog": ["b.png", "a.PNG", "notes.txt"], "cat": ["x.bmp"], "bird": ["deep/y.png"]}.items():
        for name in names:
            path = tmp_path / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith("txt"):
                path.write_text("not an image")
            else:
                Image.fromarray(rng.integers(0, 256, (4, 6, 3), dtype=np.uint8)).save(path)
    return tmp_path


def test_image_folder(tree):
    ds = ImageFolder(str(tree), transform=T.ToTensor())
    assert ds.classes == ["bird", "cat", "dog"] and ds.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    assert [os.path.relpath(p, tree) for p, _ in ds.samples] == ["bird/deep/y.png", "cat/x.bmp", "dog/a.PNG",
                                                                 "dog/b.png"]
    assert ds.targets == [0, 1, 2, 2] and ds.imgs is ds.samples and len(ds) == 4
    x, y = ds[2]
    assert tuple(x.shape) == (3, 4, 6) and x.dtype == ember.float32 and y == 2
    raw, _ = ImageFolder(str(tree))[0]
    assert isinstance(raw, Image.Image) and raw.mode == "RGB"


def test_dataset_folder_validation(tree):
    texts = DatasetFolder(str(tree), loader=lambda p: open(p).read(), extensions=".txt", allow_empty=True)
    assert [s for s, _ in texts] == ["not an image"]
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes bird, cat. Supported extensions "
                                                "are: .txt"):
        DatasetFolder(str(tree), loader=open, extensions=".txt")
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        DatasetFolder(str(tree), loader=open)
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        ImageFolder(str(tree / "dog"))


def test_read_and_write_png(tmp_path):
    rgb = ember.tensor(np.random.default_rng(1).integers(0, 256, (3, 5, 4), dtype=np.uint8))
    path = str(tmp_path / "a.png")
    io.write_png(rgb, path)
    back = io.read_image(path)
    assert back.dtype == ember.uint8 and np.array_equal(back.numpy(), rgb.numpy())
    gray = io.read_image(path, io.ImageReadMode.GRAY)
    assert tuple(gray.shape) == (1, 5, 4)
    with pytest.raises(RuntimeError, match="write_png expects a uint8 tensor"):
        io.write_png(rgb.float(), path)
