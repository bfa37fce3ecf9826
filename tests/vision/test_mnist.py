"""MNIST-format datasets: torchvision's interface, strict IDX reading, and batched fetching that is
bit for bit the per-image PIL route."""
import gzip
import hashlib
import os
import sys

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, Subset, default_collate, random_split
from ember.utils.data.collate import CollatedList
from ember.vision import transforms as T
from ember.vision.datasets import KMNIST, MNIST, FashionMNIST

from conftest import idx_bytes, write

Image = pytest.importorskip("PIL.Image")
torch = pytest.importorskip("torch")

NORM = T.Normalize((0.1307,), (0.3081,))


def test_attributes(fake_mnist):
    root, (images, labels), (test_images, test_labels) = fake_mnist()
    ds = MNIST(root)
    assert isinstance(ds.data, ember.Tensor) and ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (20, 28, 28)
    assert ds.targets.dtype == ember.int64 and ds.targets.tolist() == labels.tolist()
    np.testing.assert_array_equal(ds.data.numpy(), images)
    assert len(ds) == 20 and len(MNIST(root, train=False)) == 10
    np.testing.assert_array_equal(MNIST(root, train=False).data.numpy(), test_images)
    assert ds.classes[0] == "0 - zero" and ds.classes[9] == "9 - nine" and ds.class_to_idx["3 - three"] == 3
    assert ds.raw_folder == os.path.join(root, "MNIST", "raw")


def test_plain_files_read_like_gzipped_ones(fake_mnist):
    root, (images, labels), _ = fake_mnist(gz=False)
    ds = MNIST(root)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    assert ds.targets.tolist() == labels.tolist()


def test_repr_like_torchvision(fake_mnist):
    root, _, _ = fake_mnist()
    assert repr(MNIST(root, train=False)) == (
        f"Dataset MNIST\n    Number of datapoints: 10\n    Root location: {root}\n    Split: Test")
    ds = MNIST(root, transform=T.Compose([T.ToTensor(), NORM]), target_transform=int)
    assert repr(ds) == (
        f"Dataset MNIST\n    Number of datapoints: 20\n    Root location: {root}\n    Split: Train\n"
        "    StandardTransform\nTransform: Compose(\n               ToTensor()\n"
        "               Normalize(mean=(0.1307,), std=(0.3081,))\n           )\n"
        "Target transform: <class 'int'>")


def test_legacy_names_warn(fake_mnist):
    root, _, _ = fake_mnist()
    ds = MNIST(root)
    for name, target in [("train_data", "data"), ("test_data", "data"), ("train_labels", "targets"),
                         ("test_labels", "targets")]:
        with pytest.warns(UserWarning, match=f"{name} has been renamed {target}"):
            assert getattr(ds, name) is getattr(ds, target)


def test_getitem_gives_pil_image_and_int(fake_mnist):
    root, (images, labels), _ = fake_mnist()
    img, target = MNIST(root)[3]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    np.testing.assert_array_equal(np.array(img), images[3])
    assert type(target) is int and target == labels[3]
    seen = []
    ds = MNIST(root, transform=lambda im: seen.append(im) or "x", target_transform=lambda t: t + 100)
    assert ds[-1] == ("x", int(labels[-1]) + 100) and isinstance(seen[0], Image.Image)


def torch_reference(image, mean=None, std=None):
    """torchvision's ToTensor (+ Normalize) computed with torch: float(x).div(255), then sub/div."""
    t = torch.from_numpy(image.copy()).unsqueeze(0).to(torch.float32).div(255)
    if mean is not None:
        t = t.sub(torch.tensor(mean).view(-1, 1, 1)).div(torch.tensor(std).view(-1, 1, 1))
    return t.numpy()


def test_to_tensor_and_normalize_match_torch_bit_for_bit(fake_mnist):
    root, (images, _), _ = fake_mnist()
    ds = MNIST(root, transform=T.Compose([T.ToTensor(), NORM]))
    x, _ = ds[5]
    assert x.dtype == ember.float32 and tuple(x.shape) == (1, 28, 28)
    np.testing.assert_array_equal(x.numpy(), torch_reference(images[5], [0.1307], [0.3081]))
    plain = MNIST(root, transform=T.ToTensor())[5][0]
    np.testing.assert_array_equal(plain.numpy(), torch_reference(images[5]))


BATCHABLE = {
    "ToTensor": T.ToTensor(),
    "ToTensor+Normalize": T.Compose([T.ToTensor(), NORM]),
    "nested Compose": T.Compose([T.Compose([T.ToTensor()]), T.Normalize([0.5], [0.25])]),
    "PILToTensor": T.PILToTensor(),
    "PILToTensor+ConvertImageDtype": T.Compose([T.PILToTensor(), T.ConvertImageDtype(ember.float32)]),
    "ToTensor+ConvertImageDtype(float64)+Normalize": T.Compose([T.ToTensor(), T.ConvertImageDtype(ember.float64),
                                                                NORM]),
}


@pytest.mark.parametrize("name", list(BATCHABLE))
@pytest.mark.parametrize("target_transform", [None, lambda t: t * 2])
def test_getitems_is_the_pil_route_bit_for_bit(fake_mnist, name, target_transform):
    root, (images, labels), _ = fake_mnist()
    transform = BATCHABLE[name]
    ds = MNIST(root, transform=transform, target_transform=target_transform)
    indices = [7, 0, 19, 7, -1]
    samples = ds.__getitems__(indices)
    assert isinstance(samples, CollatedList) and len(samples) == 5
    tt = target_transform or (lambda t: t)
    for i, (x, y) in zip(indices, samples):
        reference = transform(Image.fromarray(images[i]))  # what torchvision does for one sample
        assert x.dtype == reference.dtype and tuple(x.shape) == tuple(reference.shape)
        np.testing.assert_array_equal(x.numpy(), reference.numpy())
        item = ds[i][0]
        np.testing.assert_array_equal(item.numpy(), reference.numpy())
        assert y == tt(int(labels[i])) and type(y) is int
    xb, yb = default_collate(samples)
    expected_x, expected_y = default_collate([ds[i] for i in indices])
    assert xb.dtype == expected_x.dtype and np.array_equal(xb.numpy(), expected_x.numpy())
    assert yb.dtype == ember.int64 and yb.tolist() == expected_y.tolist()
    xb._data[...] = 0  # the batch owns its memory: the dataset is untouched
    assert ds.data.numpy().tolist() == images.tolist()


@pytest.mark.parametrize("transform", [None, T.Lambda(lambda im: T.functional.to_tensor(im)),
                                       T.Compose([T.RandomCrop(20), T.ToTensor()]), T.Compose([T.ToTensor(),
                                                                                              T.Lambda(abs)])],
                         ids=["none", "lambda", "random crop", "lambda after"])
def test_getitems_falls_back_to_one_by_one(fake_mnist, transform):
    root, _, _ = fake_mnist()
    ds = MNIST(root, transform=transform)
    out = ds.__getitems__([1, 2])
    assert type(out) is list and len(out) == 2


def test_subclassed_transforms_are_not_batched(fake_mnist):
    class Doubling(T.ToTensor):
        def __call__(self, pic):
            return super().__call__(pic) * 2

    root, (images, _), _ = fake_mnist()
    ds = MNIST(root, transform=Doubling())
    assert type(ds.__getitems__([0])) is list
    np.testing.assert_array_equal(ds[0][0].numpy(), torch_reference(images[0]) * 2)


def test_replaced_data_and_targets_are_used(fake_mnist):
    root, (images, labels), _ = fake_mnist()
    ds = MNIST(root, transform=T.ToTensor())
    keep = labels < 5
    ds.data, ds.targets = ds.data.numpy()[keep], ds.targets.numpy()[keep]  # a common way to filter classes
    assert len(ds) == int(keep.sum())
    x, y = default_collate(ds.__getitems__([0, 1]))
    np.testing.assert_array_equal(x.numpy()[:, 0], images[keep][:2] / np.float32(255))
    assert y.tolist() == labels[keep][:2].tolist()


def test_dataloader_over_mnist(fake_mnist):
    root, (images, labels), _ = fake_mnist()
    ds = MNIST(root, transform=T.Compose([T.ToTensor(), NORM]))
    ember.manual_seed(0)
    batches = list(DataLoader(ds, batch_size=8, shuffle=True))
    assert [len(y) for _, y in batches] == [8, 8, 4]
    x, y = batches[0]
    assert tuple(x.shape) == (8, 1, 28, 28) and x.dtype == ember.float32 and y.dtype == ember.int64
    seen = sorted(int(v) for _, y in batches for v in y)
    assert seen == sorted(labels.tolist())
    for xi, yi in zip(x, y):  # every sample equals its per-item fetch
        j = next(k for k in range(20) if np.array_equal(torch_reference(images[k], [0.1307], [0.3081]),
                                                        xi.numpy()))
        assert labels[j] == int(yi)
    with_workers = list(DataLoader(ds, batch_size=8, num_workers=2))
    in_process = list(DataLoader(ds, batch_size=8))
    for (a, b), (c, d) in zip(with_workers, in_process):
        assert np.array_equal(a.numpy(), c.numpy()) and b.tolist() == d.tolist()


def test_random_split_keeps_the_batched_fetch(fake_mnist):
    root, _, _ = fake_mnist()
    train, _ = random_split(MNIST(root, transform=T.ToTensor()), [15, 5])
    assert isinstance(train, Subset) and isinstance(train.__getitems__([0, 1]), CollatedList)


def test_relatives_use_their_own_folder_and_classes(fake_mnist):
    root, _, _ = fake_mnist(name="FashionMNIST")
    ds = FashionMNIST(root)
    assert ds.classes[0] == "T-shirt/top" and ds.classes[9] == "Ankle boot" and len(ds) == 20
    root, _, _ = fake_mnist(name="KMNIST")
    assert KMNIST(root).classes == ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        MNIST(root)  # there is no MNIST folder under this root


def test_missing_file(fake_mnist):
    root, _, _ = fake_mnist()
    os.remove(os.path.join(root, "MNIST", "raw", "t10k-labels-idx1-ubyte.gz"))
    assert len(MNIST(root)) == 20  # the training split is complete
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        MNIST(root, train=False)


def overwrite(root, name, payload):
    path = os.path.join(root, "MNIST", "raw", name)
    if os.path.exists(path + ".gz"):
        os.remove(path + ".gz")
    write(path, payload, gz=False)
    return path


def test_wrong_magic_number(fake_mnist):
    root, _, _ = fake_mnist()
    path = overwrite(root, "train-images-idx3-ubyte", b"\x1f\x8b\x08\x03" + bytes(100))
    with pytest.raises(RuntimeError, match=f"{path} is not an IDX file: its magic number is 0x1f8b0803"):
        MNIST(root)


def test_truncated_file(fake_mnist):
    root, _, _ = fake_mnist()
    full = idx_bytes(np.zeros((20, 28, 28), np.uint8))
    path = overwrite(root, "train-images-idx3-ubyte", full[:-10])
    with pytest.raises(RuntimeError, match=f"{path} is truncated: its header promises shape \\(20, 28, 28\\)"):
        MNIST(root)
    path = overwrite(root, "train-images-idx3-ubyte", full[:8])
    with pytest.raises(RuntimeError, match=f"{path} is truncated"):
        MNIST(root)


def test_corrupt_gzip(fake_mnist):
    root, _, _ = fake_mnist()
    path = os.path.join(root, "MNIST", "raw", "train-labels-idx1-ubyte.gz")
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(RuntimeError, match=f"Could not read {path}"):
        MNIST(root)


def test_count_mismatch(fake_mnist):
    root, _, _ = fake_mnist()
    labels = overwrite(root, "train-labels-idx1-ubyte", idx_bytes(np.zeros(19, np.uint8)))
    images = os.path.join(root, "MNIST", "raw", "train-images-idx3-ubyte.gz")
    with pytest.raises(RuntimeError, match=f"{images} holds 20 images but {labels} holds 19 labels"):
        MNIST(root)


def test_wrong_kind_of_array(fake_mnist):
    root, _, _ = fake_mnist()
    path = overwrite(root, "train-labels-idx1-ubyte", idx_bytes(np.zeros((20, 2), np.uint8)))
    with pytest.raises(RuntimeError, match=f"{path} should hold a 1-D uint8 array"):
        MNIST(root)


def test_without_pillow(fake_mnist, monkeypatch):
    root, (images, _), _ = fake_mnist()
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL now fails, as where Pillow is not installed
    batched = MNIST(root, transform=T.Compose([T.ToTensor(), NORM]))
    np.testing.assert_array_equal(batched[0][0].numpy(), torch_reference(images[0], [0.1307], [0.3081]))
    with pytest.raises(ImportError, match="pip install Pillow"):
        MNIST(root)[0]


RAW_MD5 = {"train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
           "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
           "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
           "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637"}


def test_real_mnist(mnist_dir):
    raw = os.path.join(mnist_dir, "MNIST", "raw")
    for name, md5 in RAW_MD5.items():
        path = os.path.join(raw, name)
        data = open(path, "rb").read() if os.path.exists(path) else gzip.open(path + ".gz").read()
        assert hashlib.md5(data).hexdigest() == md5, name
    train, test = MNIST(mnist_dir, transform=T.Compose([T.ToTensor(), NORM])), MNIST(mnist_dir, train=False)
    assert len(train) == 60000 and len(test) == 10000
    assert train.targets[:5].tolist() == [5, 0, 4, 1, 9] and test.targets[:3].tolist() == [7, 2, 1]
    assert np.bincount(train.targets.numpy()).tolist()[:2] == [5923, 6742]
    indices = np.random.default_rng(0).choice(60000, 16, replace=False).tolist()
    xb, _ = default_collate(train.__getitems__(indices))
    for x, i in zip(xb, indices):
        np.testing.assert_array_equal(x.numpy(), torch_reference(train.data.numpy()[i], [0.1307], [0.3081]))
