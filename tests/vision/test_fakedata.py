"""FakeData: torchvision's constructor and sample types; the same image for the same index every time;
the pixel statistics torchvision's images have (the generators differ: Ember's is PCG64, not PyTorch's)."""
import numpy as np
import pytest

import ember
from ember.vision import datasets as D
from ember.vision import transforms as T

from reference import run_reference

pytest.importorskip("PIL", reason="FakeData hands out PIL images")

REFERENCE = """
import torchvision
ds = torchvision.datasets.FakeData(size=spec["size"], image_size=spec["image_size"], num_classes=spec["classes"])
samples = [ds[i] for i in range(len(ds))]
outputs["images"] = np.stack([np.asarray(image) for image, _ in samples])
outputs["targets"] = np.array([t for _, t in samples])
outputs["mode"] = np.array(samples[0][0].mode)
outputs["target_type"] = np.array(type(samples[0][1]).__name__)
"""


def test_same_index_same_sample_and_global_rng_untouched():
    ds = D.FakeData(size=6, image_size=(3, 10, 8), num_classes=4)
    ember.manual_seed(5)
    before = ember.rand(3)
    ember.manual_seed(5)
    first = [ds[i] for i in range(len(ds))]
    after = ember.rand(3)
    assert ember.equal(before, after)  # reading samples leaves the global generator where it was
    again = D.FakeData(size=6, image_size=(3, 10, 8), num_classes=4)
    for (a, ta), (b, tb) in zip(first, [again[i] for i in reversed(range(6))][::-1]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert ta == tb
    assert not np.array_equal(np.asarray(first[0][0]), np.asarray(first[1][0]))
    shifted = D.FakeData(size=6, image_size=(3, 10, 8), num_classes=4, random_offset=1)
    np.testing.assert_array_equal(np.asarray(shifted[0][0]), np.asarray(first[1][0]))


def test_index_out_of_range_and_transforms():
    ds = D.FakeData(size=2, image_size=(1, 4, 5), num_classes=3, transform=T.ToTensor(),
                    target_transform=lambda t: -t)
    image, target = ds[1]
    assert image.shape == (1, 4, 5) and image.dtype == ember.float32 and target in (0, -1, -2)
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[2]


def test_like_torchvision_fakedata():
    """Same sample types, mode, shapes and value distribution as torchvision's FakeData."""
    spec = {"size": 40, "image_size": [3, 16, 12], "classes": 7}
    ref = run_reference(REFERENCE, spec=spec)
    ds = D.FakeData(size=spec["size"], image_size=tuple(spec["image_size"]), num_classes=spec["classes"])
    samples = [ds[i] for i in range(len(ds))]
    images = np.stack([np.asarray(image) for image, _ in samples])
    targets = np.array([t for _, t in samples])
    assert images.shape == ref["images"].shape and images.dtype == ref["images"].dtype
    assert samples[0][0].mode == str(ref["mode"]) and type(samples[0][1]).__name__ == str(ref["target_type"])
    # standard normal values times 255, wrapped into uint8: both histograms over 16 bins within 3% of a pixel
    ours = np.bincount(images.ravel() // 16, minlength=16) / images.size
    theirs = np.bincount(ref["images"].ravel() // 16, minlength=16) / images.size
    np.testing.assert_allclose(ours, theirs, atol=0.03)
    assert set(targets) <= set(range(spec["classes"])) and len(set(targets)) >= 4
