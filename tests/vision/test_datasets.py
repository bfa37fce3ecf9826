"""Datasets read from small files in their real on-disk formats, sample for sample against torchvision
reading the same files; transforms, lengths, classes and splits; missing and corrupt files refused."""
import json
import os

import numpy as np
import pytest

import ember
from ember.vision import datasets as D
from ember.vision import transforms as T

import formats
from reference import run_reference

PIL_IMAGE = pytest.importorskip("PIL.Image", reason="the datasets hand out PIL images").Image
pytest.importorskip("scipy", reason="SVHN's .mat files are read with SciPy")

# key: (class name, constructor arguments other than root, builder, builder arguments)
CASES = {
    "cifar10-train": ("CIFAR10", {"train": True}, formats.cifar, {}),
    "cifar10-test": ("CIFAR10", {"train": False}, formats.cifar, {}),
    "cifar100-train": ("CIFAR100", {"train": True}, formats.cifar, {"hundred": True}),
    "cifar100-test": ("CIFAR100", {"train": False}, formats.cifar, {"hundred": True}),
    "svhn-train": ("SVHN", {"split": "train"}, formats.svhn, {}),
    "svhn-test": ("SVHN", {"split": "test"}, formats.svhn, {"split": "test"}),
    "stl10-train": ("STL10", {"split": "train"}, formats.stl10, {}),
    "stl10-test": ("STL10", {"split": "test"}, formats.stl10, {}),
    "stl10-unlabeled": ("STL10", {"split": "unlabeled"}, formats.stl10, {}),
    "stl10-train+unlabeled": ("STL10", {"split": "train+unlabeled"}, formats.stl10, {}),
    "stl10-fold3": ("STL10", {"split": "train", "folds": 3}, formats.stl10, {}),
    "emnist-letters-train": ("EMNIST", {"split": "letters", "train": True}, formats.emnist, {}),
    "emnist-letters-test": ("EMNIST", {"split": "letters", "train": False}, formats.emnist, {}),
    "qmnist-train": ("QMNIST", {"what": "train"}, formats.qmnist, {}),
    "qmnist-test": ("QMNIST", {"train": False}, formats.qmnist, {}),
    "qmnist-test10k-full": ("QMNIST", {"what": "test10k", "compat": False}, formats.qmnist, {}),
    "omniglot-background": ("Omniglot", {}, formats.omniglot, {}),
    "usps-train": ("USPS", {"train": True}, formats.usps, {}),
    "usps-test": ("USPS", {"train": False}, formats.usps, {}),
    "semeion": ("SEMEION", {"download": False}, formats.semeion, {}),
    "fer2013-train": ("FER2013", {"split": "train"}, formats.fer2013, {}),
    "fer2013-test": ("FER2013", {"split": "test"}, formats.fer2013, {}),
    "eurosat": ("EuroSAT", {}, formats.eurosat, {}),
    "country211-valid": ("Country211", {"split": "valid"}, formats.country211, {}),
    "rendered-sst2-val": ("RenderedSST2", {"split": "val"}, formats.rendered_sst2, {}),
    "food101-test": ("Food101", {"split": "test"}, formats.food101, {}),
    "dtd-val2": ("DTD", {"split": "val", "partition": 2}, formats.dtd, {}),
    "gtsrb-train": ("GTSRB", {"split": "train"}, formats.gtsrb, {}),
    "gtsrb-test": ("GTSRB", {"split": "test"}, formats.gtsrb, {}),
    "flowers102-val": ("Flowers102", {"split": "val"}, formats.flowers102, {}),
    "caltech101": ("Caltech101", {}, formats.caltech101, {}),
    "caltech256": ("Caltech256", {}, formats.caltech256, {}),
    "imagenette-val": ("Imagenette", {"split": "val", "size": "160px"}, formats.imagenette, {}),
    "sun397": ("SUN397", {}, formats.sun397, {}),
    "fgvc-aircraft": ("FGVCAircraft", {}, formats.fgvc_aircraft, {}),
    "oxford-pet": ("OxfordIIITPet", {}, formats.oxford_pet, {}),
    "oxford-pet-binary": ("OxfordIIITPet", {"split": "test", "target_types": "binary-category"}, formats.oxford_pet,
                          {}),
    "clevr-val": ("CLEVRClassification", {"split": "val"}, formats.clevr, {}),
    "clevr-test": ("CLEVRClassification", {"split": "test"}, formats.clevr, {}),
    "lfw-people-10fold": ("LFWPeople", {}, formats.lfw, {}),
    "lfw-people-train": ("LFWPeople", {"split": "train"}, formats.lfw, {}),
    "stanford-cars-test": ("StanfordCars", {"split": "test"}, formats.stanford_cars, {}),
    "places365-train": ("Places365", {"small": True}, formats.places365, {}),
    "places365-val": ("Places365", {"split": "val", "small": True}, formats.places365, {}),
    "celeba-all-attr": ("CelebA", {"split": "all"}, formats.celeba, {}),
    "celeba-train-bbox": ("CelebA", {"split": "train", "target_type": "bbox"}, formats.celeba, {}),
}

NONE = -999  # stands for a None target in the arrays the reference returns

REFERENCE = f"""
NONE = {NONE}
import torchvision.datasets as D
for key, case in spec.items():
    base = getattr(D, case["name"])
    try:
        ds = type(base.__name__, (base,), case["patch"])(case["root"], **case["kwargs"])
    except ModuleNotFoundError as e:  # SciPy, for the .mat files, may be missing beside torchvision
        outputs[key + "/missing"] = np.array(e.name)
        continue
    samples = [ds[i] for i in range(len(ds))]
    outputs[key + "/images"] = np.stack([np.asarray(image) for image, _ in samples])
    outputs[key + "/targets"] = np.stack([np.asarray(NONE if target is None else target) for _, target in samples])
    outputs[key + "/classes"] = np.array(json.dumps(getattr(ds, "classes", None)))
    outputs[key + "/categories"] = np.array(json.dumps(getattr(ds, "categories", None)))
    outputs[key + "/characters"] = np.array(json.dumps(getattr(ds, "_characters", None)))
"""


def make(case, patch, **kwargs):
    """Ember's dataset class of ``case`` with ``patch`` (the test files' MD5s) applied."""
    name, args = case["name"], dict(case["kwargs"], **kwargs)
    base = getattr(D, name)
    return type(base.__name__, (base,), patch)(case["root"], **args)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    rng = np.random.default_rng(0)
    spec = {}
    for key, (name, kwargs, builder, builder_args) in CASES.items():
        root = str(tmp_path_factory.mktemp(key))
        patch = builder(root, rng, **builder_args)
        spec[key] = {"name": name, "kwargs": kwargs, "root": root, "patch": patch}
    return spec


@pytest.fixture(scope="module")
def reference(built):
    return run_reference(REFERENCE, spec=built)


@pytest.mark.parametrize("key", list(CASES))
def test_samples_match_torchvision(built, reference, key):
    case = built[key]
    if key + "/missing" in reference:
        pytest.skip(f"the torchvision reference lacks {reference[key + '/missing']}")
    ds = make(case, case["patch"])
    images, targets = reference[key + "/images"], reference[key + "/targets"]
    assert len(ds) == len(images)
    if key.startswith("omniglot"):
        return check_same_drawings(ds._characters, ds, images, targets,
                                   json.loads(str(reference[key + "/characters"])))
    if key.startswith("sun397"):
        return check_same_drawings(ds.classes, ds, images, targets, json.loads(str(reference[key + "/classes"])))
    for i in range(len(ds)):
        image, target = ds[i]
        np.testing.assert_array_equal(np.asarray(image), images[i])
        assert isinstance(image, PIL_IMAGE) and image.mode == ("L" if images.ndim == 3 else "RGB")
        if targets.ndim == 1 and targets[i] == NONE:
            assert target is None
        elif targets.ndim == 1:
            assert type(target) is int and target == targets[i]
        else:  # QMNIST with compat=False: the row of eight numbers
            assert target.dtype == ember.int64
            np.testing.assert_array_equal(target.numpy(), targets[i])
    assert str(reference[key + "/classes"]) == json.dumps(getattr(ds, "classes", None))
    assert json.loads(str(reference[key + "/categories"])) == getattr(ds, "categories", None)


def check_same_drawings(names, ds, images, targets, their_names):
    """Omniglot and SUN397: torchvision lists files in the file system's order, Ember in sorted order (the
    same on every machine); the same images must carry the same class names either way."""
    ours = sorted((names[t], np.asarray(image).tobytes()) for image, t in (ds[i] for i in range(len(ds))))
    theirs = sorted((their_names[int(t)], image.tobytes()) for image, t in zip(images, targets))
    assert ours == theirs
    assert sorted(names) == sorted(their_names)


@pytest.mark.parametrize("key", ["cifar10-train", "svhn-train", "stl10-test", "qmnist-train", "emnist-letters-test",
                                 "usps-test", "semeion"])
def test_transforms_and_batches(built, reference, key):
    """transform/target_transform are applied; a batched fetch gives the samples one by one would."""
    case = built[key]
    if key + "/missing" in reference:
        pytest.skip(f"the torchvision reference lacks {reference[key + '/missing']}")
    ds = make(case, case["patch"], transform=T.ToTensor(), target_transform=lambda t: t + 100)
    images, targets = reference[key + "/images"], reference[key + "/targets"]
    image, target = ds[1]
    expected = images[1][None] if images.ndim == 3 else images[1].transpose(2, 0, 1)
    np.testing.assert_array_equal(image.numpy(), expected.astype(np.float32) / np.float32(255))
    assert target == int(targets[1]) + 100
    batch = ds.__getitems__([1, 0])
    np.testing.assert_array_equal(batch[0][0].numpy(), image.numpy())
    assert [t for _, t in batch] == [int(targets[1]) + 100, int(targets[0]) + 100]


def test_lengths_and_layouts(built):
    cifar = make(built["cifar10-train"], built["cifar10-train"]["patch"])
    assert cifar.data.shape[1:] == (32, 32, 3) and cifar.data.dtype == np.uint8 and isinstance(cifar.targets, list)
    assert cifar.class_to_idx["class3"] == 3
    svhn = make(built["svhn-train"], built["svhn-train"]["patch"])
    assert svhn.data.shape[1:] == (3, 32, 32) and svhn.labels.dtype == np.int64 and svhn.labels[0] == 0
    stl = make(built["stl10-train+unlabeled"], built["stl10-train+unlabeled"]["patch"])
    assert stl.data.shape == (6, 3, 96, 96) and list(stl.labels[-2:]) == [-1, -1]
    assert "Split: train+unlabeled" in repr(stl)


def corrupt(path):
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))


NOT_FOUND = "Dataset not found or corrupted. You can use download=True to download it"


@pytest.mark.parametrize("name, builder, kwargs, damaged", [
    ("CIFAR10", formats.cifar, {}, "cifar-10-batches-py/data_batch_3"),
    ("CIFAR100", formats.cifar, {"hundred": True}, "cifar-100-python/test"),
    ("SVHN", formats.svhn, {}, "train_32x32.mat"),
    ("STL10", formats.stl10, {}, "stl10_binary/unlabeled_X.bin"),
])
def test_corrupt_or_missing_files_are_refused(tmp_path, name, builder, kwargs, damaged):
    patch = builder(str(tmp_path), np.random.default_rng(1), **kwargs)
    case = {"name": name, "kwargs": {}, "root": str(tmp_path)}
    make(case, patch)  # intact: reads
    corrupt(os.path.join(tmp_path, damaged))
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        make(case, patch)
    os.remove(os.path.join(tmp_path, damaged))
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        make(case, patch)
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        make(dict(case, root=str(tmp_path / "empty")), patch)


def test_missing_mnist_variants_and_omniglot(tmp_path):
    for cls, args in ((D.EMNIST, ("letters",)), (D.QMNIST, ()), (D.Omniglot, ())):
        with pytest.raises(RuntimeError, match="Dataset not found"):
            cls(str(tmp_path), *args)


def test_bad_arguments_raise_like_torchvision(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown value 'valid' for argument split. Valid values are "
                                         r"\{'train', 'test', 'extra'\}."):
        D.SVHN(str(tmp_path), split="valid")
    with pytest.raises(ValueError, match="Unknown value 'x' for argument split"):
        D.EMNIST(str(tmp_path), split="x")
    with pytest.raises(ValueError, match="Unknown value 'val' for argument what"):
        D.QMNIST(str(tmp_path), what="val")
    with pytest.raises(ValueError, match=r"folds should be in the range \[0, 10\), but got 10"):
        D.STL10(str(tmp_path), folds=10)


MOVING_REFERENCE = """
import torchvision.datasets as D
for split in ("train", "test", None):
    ds = D.MovingMNIST(spec, split=split, split_ratio=7)
    outputs[str(split)] = np.stack([ds[i].numpy() for i in range(len(ds))])
"""


def test_moving_mnist_like_torchvision(tmp_path):
    formats.moving_mnist(str(tmp_path), np.random.default_rng(6))
    ref = run_reference(MOVING_REFERENCE, spec=str(tmp_path))
    for split in ("train", "test", None):
        ds = D.MovingMNIST(str(tmp_path), split=split, split_ratio=7)
        got = np.stack([ds[i].numpy() for i in range(len(ds))])
        assert got.dtype == ref[str(split)].dtype
        np.testing.assert_array_equal(got, ref[str(split)])
    assert D.MovingMNIST(str(tmp_path), transform=lambda x: x[:2])[0].shape == (2, 1, 64, 64)
    with pytest.raises(ValueError, match="split_ratio` should be `1 <= split_ratio <= 19`"):
        D.MovingMNIST(str(tmp_path), split_ratio=20)


def test_npy_holding_objects_is_refused(tmp_path):
    folder = tmp_path / "MovingMNIST"
    folder.mkdir()
    np.save(folder / "mnist_test_seq.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(RuntimeError, match="is corrupted: ValueError: Object arrays cannot be loaded"):
        D.MovingMNIST(str(tmp_path))


def test_corrupt_text_files(tmp_path):
    formats.usps(str(tmp_path), np.random.default_rng(7))
    with open(tmp_path / "usps.bz2", "wb") as f:
        f.write(b"BZh9 not really")
    with pytest.raises(RuntimeError, match="usps.bz2 is corrupted"):
        D.USPS(str(tmp_path))
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        D.USPS(str(tmp_path / "nowhere"))
    with pytest.raises(RuntimeError, match="fer2013"):
        D.FER2013(str(tmp_path))


def test_celeba_target_types(built):
    case = built["celeba-all-attr"]
    ds = make(case, case["patch"], target_type=["identity", "attr", "landmarks"])
    image, (identity, attr, landmarks) = ds[3]
    assert identity.ndim == 0 and attr.shape == (3,) and landmarks.shape == (4,)
    assert set(ds.attr.flatten().tolist()) <= {0, 1} and ds.attr_names == ["5_o_Clock_Shadow", "Arched_Eyebrows",
                                                                          "Smiling"]
    assert make(case, case["patch"], target_type=[])[0][1] is None
    with pytest.raises(ValueError, match='Target type "age" is not recognized.'):
        make(case, case["patch"], target_type="age")[0]


def test_caltech101_annotation_targets(built):
    case = built["caltech101"]
    image, (category, contour) = make(case, {}, target_type=["category", "annotation"])[3]
    assert category == 1 and contour.shape == (2, 5)
    with pytest.raises(ValueError, match="Unknown value 'box' for argument target_type"):
        make(case, {}, target_type="box")


def test_oxford_pet_segmentation_and_joint_transforms(built):
    case = built["oxford-pet"]
    ds = make(case, {}, target_types=["category", "segmentation"],
              transforms=lambda image, target: (image.size, (target[0], target[1].mode)))
    assert ds[2] == ((5, 6), (1, "L")) and ds.classes == ["Abyssinian", "American Bulldog", "Bengal"]
    assert make(case, {}, target_types=[])[0][1] is None


VOC_REFERENCE = """
import torchvision.datasets as D
for image_set in ("train", "val"):
    seg = D.VOCSegmentation(spec, image_set=image_set)
    det = D.VOCDetection(spec, image_set=image_set)
    outputs[image_set + "/images"] = np.stack([np.asarray(seg[i][0]) for i in range(len(seg))])
    outputs[image_set + "/masks"] = np.stack([np.asarray(seg[i][1]) for i in range(len(seg))])
    outputs[image_set + "/modes"] = np.array(json.dumps([seg[i][1].mode for i in range(len(seg))]))
    outputs[image_set + "/annotations"] = np.array(json.dumps([det[i][1] for i in range(len(det))]))
"""


def test_voc_like_torchvision(tmp_path):
    formats.voc(str(tmp_path), np.random.default_rng(8))
    ref = run_reference(VOC_REFERENCE, spec=str(tmp_path))
    for image_set in ("train", "val"):
        seg = D.VOCSegmentation(str(tmp_path), image_set=image_set)
        det = D.VOCDetection(str(tmp_path), image_set=image_set)
        np.testing.assert_array_equal(np.stack([np.asarray(seg[i][0]) for i in range(len(seg))]),
                                      ref[image_set + "/images"])
        np.testing.assert_array_equal(np.stack([np.asarray(seg[i][1]) for i in range(len(seg))]),
                                      ref[image_set + "/masks"])
        assert json.dumps([seg[i][1].mode for i in range(len(seg))]) == str(ref[image_set + "/modes"])
        assert json.dumps([det[i][1] for i in range(len(det))]) == str(ref[image_set + "/annotations"])
    with pytest.raises(ValueError, match="Unknown value 'test' for argument image_set"):
        D.VOCDetection(str(tmp_path), image_set="test")
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        D.VOCSegmentation(str(tmp_path), year="2011")


FLICKR_REFERENCE = """
import os
import torchvision.datasets as D
images = os.path.join(spec, "images")
for name, ds in (("8k", D.Flickr8k(images, os.path.join(spec, "flickr8k.html"))),
                 ("30k", D.Flickr30k(images, os.path.join(spec, "results_20130124.token")))):
    outputs[name + "/images"] = np.stack([np.asarray(ds[i][0]) for i in range(len(ds))])
    outputs[name + "/captions"] = np.array(json.dumps([ds[i][1] for i in range(len(ds))]))
"""


def test_flickr_like_torchvision(tmp_path):
    formats.flickr(str(tmp_path), np.random.default_rng(9))
    ref = run_reference(FLICKR_REFERENCE, spec=str(tmp_path))
    images = str(tmp_path / "images")
    for name, ds in (("8k", D.Flickr8k(images, str(tmp_path / "flickr8k.html"))),
                     ("30k", D.Flickr30k(images, str(tmp_path / "results_20130124.token")))):
        np.testing.assert_array_equal(np.stack([np.asarray(ds[i][0]) for i in range(len(ds))]), ref[name + "/images"])
        assert json.dumps([ds[i][1] for i in range(len(ds))]) == str(ref[name + "/captions"])


LFW_PAIRS_REFERENCE = """
import torchvision.datasets as D
for split in ("10fold", "test"):
    ds = type("LFWPairs", (D.LFWPairs,), spec["patch"])(spec["root"], split=split)
    outputs[split + "/first"] = np.stack([np.asarray(ds[i][0]) for i in range(len(ds))])
    outputs[split + "/second"] = np.stack([np.asarray(ds[i][1]) for i in range(len(ds))])
    outputs[split + "/same"] = np.array([ds[i][2] for i in range(len(ds))])
    outputs[split + "/names"] = np.array(json.dumps(ds.pair_names))
"""


def test_lfw_pairs_like_torchvision(tmp_path):
    patch = formats.lfw(str(tmp_path), np.random.default_rng(10))
    ref = run_reference(LFW_PAIRS_REFERENCE, spec={"root": str(tmp_path), "patch": patch})
    for split in ("10fold", "test"):
        ds = type("LFWPairs", (D.LFWPairs,), patch)(str(tmp_path), split=split)
        np.testing.assert_array_equal(np.stack([np.asarray(ds[i][0]) for i in range(len(ds))]), ref[split + "/first"])
        np.testing.assert_array_equal(np.stack([np.asarray(ds[i][1]) for i in range(len(ds))]),
                                      ref[split + "/second"])
        assert [ds[i][2] for i in range(len(ds))] == ref[split + "/same"].tolist()
        assert json.dumps(ds.pair_names) == str(ref[split + "/names"])
    with pytest.raises(ValueError, match="no longer available for automatic download"):
        D.LFWPeople(str(tmp_path), download=True)
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        D.LFWPeople(str(tmp_path))  # the real MD5s do not match the stand-in files


def test_places365_missing_list(tmp_path):
    with pytest.raises(RuntimeError, match="categories_places365.txt does not exist or is corrupted. You can set "
                                           "download=True to download it."):
        D.Places365(str(tmp_path))


SBU_KITTI_REFERENCE = """
import os
import torchvision.datasets as D
sbu = type("SBU", (D.SBU,), spec["sbu_patch"])(spec["sbu"], download=False)
outputs["sbu/images"] = np.stack([np.asarray(sbu[i][0]) for i in range(len(sbu))])
outputs["sbu/captions"] = np.array(json.dumps([sbu[i][1] for i in range(len(sbu))]))
for train in (True, False):
    ds = D.Kitti(spec["kitti"], train=train)
    order = sorted(range(len(ds)), key=lambda i: ds.images[i])  # torchvision lists in file-system order
    outputs[f"kitti{train}/images"] = np.stack([np.asarray(ds[i][0]) for i in order])
    outputs[f"kitti{train}/targets"] = np.array(json.dumps([ds[i][1] for i in order]))
"""


def test_sbu_and_kitti_like_torchvision(tmp_path):
    sbu_patch = formats.sbu(str(tmp_path / "sbu"), np.random.default_rng(11))
    formats.kitti(str(tmp_path / "kitti"), np.random.default_rng(12))
    ref = run_reference(SBU_KITTI_REFERENCE, spec={"sbu": str(tmp_path / "sbu"), "sbu_patch": sbu_patch,
                                                   "kitti": str(tmp_path / "kitti")})
    sbu = type("SBU", (D.SBU,), sbu_patch)(str(tmp_path / "sbu"), download=False)
    assert len(sbu) == 3
    np.testing.assert_array_equal(np.stack([np.asarray(sbu[i][0]) for i in range(len(sbu))]), ref["sbu/images"])
    assert json.dumps([sbu[i][1] for i in range(len(sbu))]) == str(ref["sbu/captions"])
    for train in (True, False):
        ds = D.Kitti(str(tmp_path / "kitti"), train=train)
        np.testing.assert_array_equal(np.stack([np.asarray(ds[i][0]) for i in range(len(ds))]),
                                      ref[f"kitti{train}/images"])
        assert json.dumps([ds[i][1] for i in range(len(ds))]) == str(ref[f"kitti{train}/targets"])
    with pytest.raises(RuntimeError, match=NOT_FOUND):
        D.SBU(str(tmp_path / "sbu"), download=False)  # the real archive's MD5 is not the stand-in's


WIDER_REFERENCE = """
import torchvision.datasets as D
for split in ("train", "test"):
    ds = D.WIDERFace(spec, split=split)
    outputs[split + "/images"] = np.stack([np.asarray(ds[i][0]) for i in range(len(ds))])
    targets = [ds[i][1] for i in range(len(ds))]
    outputs[split + "/targets"] = np.array(json.dumps(
        [None if t is None else {k: v.tolist() for k, v in t.items()} for t in targets]))
"""


def test_widerface_like_torchvision(tmp_path):
    formats.widerface(str(tmp_path), np.random.default_rng(13))
    ref = run_reference(WIDER_REFERENCE, spec=str(tmp_path))
    for split in ("train", "test"):
        ds = D.WIDERFace(str(tmp_path), split=split)
        np.testing.assert_array_equal(np.stack([np.asarray(ds[i][0]) for i in range(len(ds))]), ref[split + "/images"])
        targets = [ds[i][1] for i in range(len(ds))]
        assert all(t is None or all(v.dtype == ember.int64 for v in t.values()) for t in targets)
        assert json.dumps([None if t is None else {k: v.tolist() for k, v in t.items()} for t in targets]) == \
            str(ref[split + "/targets"])
