"""The v1 transform classes: random ones equal their functional form with the parameters get_params draws
from the same seed, and draw those parameters from the documented distributions; deterministic ones,
reprs, constructor checks and AutoAugment's policy tables against torchvision."""
import math

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F
from ember.vision.transforms.transforms import _rand

from reference import run_reference

Image = pytest.importorskip("PIL.Image", reason="the PIL cases need Pillow")


def image(dtype=np.uint8, shape=(3, 20, 24), seed=0):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, shape, dtype=np.uint8) if dtype == np.uint8 else rng.random(shape, dtype=np.float32)
    return ember.tensor(data)


def same(a, b):
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        return all(same(x, y) for x, y in zip(a, b))
    a = np.asarray(a) if isinstance(a, Image.Image) else a.numpy()
    b = np.asarray(b) if isinstance(b, Image.Image) else b.numpy()
    np.testing.assert_array_equal(a, b)
    return True


# name: (transform, input, what forward does, written out with get_params and the functional form)
RANDOM = {
    "RandomResizedCrop": (T.RandomResizedCrop((7, 9), scale=(0.2, 0.9)), image(),
                          lambda t, x: F.resized_crop(x, *t.get_params(x, t.scale, t.ratio), t.size)),
    "ColorJitter": (T.ColorJitter(0.5, 0.4, 0.3, 0.2), image(),
                    lambda t, x: _jitter(x, *t.get_params(t.brightness, t.contrast, t.saturation, t.hue))),
    "RandomAffine": (T.RandomAffine(25, (0.1, 0.2), (0.7, 1.3), (-5, 5, -8, 8), fill=7), image(),
                     lambda t, x: F.affine(x, *t.get_params(t.degrees, t.translate, t.scale, t.shear, [24, 20]),
                                           fill=7)),
    "RandomPerspective": (T.RandomPerspective(0.6, p=1.0), image(np.float32),
                          lambda t, x: _rand() < 1 and F.perspective(x, *t.get_params(24, 20, 0.6), fill=0)),
    "GaussianBlur": (T.GaussianBlur(5, (0.5, 3.0)), image(),
                     lambda t, x: F.gaussian_blur(x, [5, 5], [t.get_params(0.5, 3.0)] * 2)),
    "RandomErasing": (T.RandomErasing(p=1.0, value="random"), image(np.float32),
                      lambda t, x: _rand() < 2 and F.erase(x, *t.get_params(x, t.scale, t.ratio, None))),
    "ElasticTransform": (T.ElasticTransform(30.0, 4.0), image(),
                         lambda t, x: F.elastic_transform(x, t.get_params(t.alpha, t.sigma, [20, 24]), fill=0)),
    "RandomRotation": (T.RandomRotation((-40, 10)), Image.fromarray(image().numpy().transpose(1, 2, 0)),
                       lambda t, x: F.rotate(x, t.get_params(t.degrees), fill=0)),
    "RandomAffinePIL": (T.RandomAffine(25, scale=(0.7, 1.3)), Image.fromarray(image().numpy().transpose(1, 2, 0)),
                        lambda t, x: F.affine(x, *t.get_params(t.degrees, None, t.scale, None, [24, 20]), fill=0)),
}


def _jitter(x, order, b, c, s, h):
    ops = [(F.adjust_brightness, b), (F.adjust_contrast, c), (F.adjust_saturation, s), (F.adjust_hue, h)]
    for i in order:
        x = ops[i][0](x, ops[i][1])
    return x


@pytest.mark.parametrize("name", list(RANDOM))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_transform_is_its_functional_form(name, seed):
    transform, x, by_hand = RANDOM[name]
    ember.manual_seed(seed)
    out = transform(x)
    ember.manual_seed(seed)
    same(out, by_hand(transform, x))


@pytest.mark.parametrize("cls", [T.RandomInvert, T.RandomAutocontrast, T.RandomEqualize, T.RandomGrayscale,
                                 lambda p: T.RandomPosterize(3, p), lambda p: T.RandomSolarize(90, p),
                                 lambda p: T.RandomAdjustSharpness(2.0, p),
                                 lambda p: T.RandomApply([T.Grayscale(3), T.RandomInvert(1.0)], p)])
def test_probability_p(cls):
    x = ember.tensor(image().numpy() // 2 + 10)  # not spanning 0..255, so that autocontrast changes it
    assert same(cls(0.0)(x), x)
    applied = sum(not np.array_equal(cls(0.3)(x).numpy(), x.numpy()) for _ in range(400))
    assert abs(applied / 400 - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 400)


def test_random_resized_crop_params():
    x = image(shape=(3, 60, 80))
    params = np.array([T.RandomResizedCrop.get_params(x, (0.1, 0.6), (0.5, 2.0)) for _ in range(3000)])
    top, left, h, w = params.T
    assert (top >= 0).all() and (left >= 0).all() and (top + h <= 60).all() and (left + w <= 80).all()
    area = h * w / (60 * 80)
    assert area.min() > 0.08 and area.max() < 0.63  # the scale range, give or take rounding of h and w
    log_aspect = np.log(w / h)
    assert log_aspect.min() > math.log(0.5) - 0.1 and log_aspect.max() < math.log(2.0) + 0.1
    assert abs(area.mean() - 0.35) < 0.02  # uniform area fraction (a few draws fall back)
    # no box fits: the centre crop of the nearest allowed aspect
    assert T.RandomResizedCrop.get_params(image(shape=(3, 10, 100)), (1.0, 1.0), (0.5, 2.0)) == (0, 40, 10, 20)


def test_color_jitter_params():
    t = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.4), saturation=0, hue=0.25)
    assert t.brightness == (0.5, 1.5) and t.contrast == (0.2, 0.4) and t.saturation is None and t.hue == (-0.25, 0.25)
    draws = [t.get_params(t.brightness, t.contrast, t.saturation, t.hue) for _ in range(4000)]
    assert all(sorted(d[0]) == [0, 1, 2, 3] and d[3] is None for d in draws)
    b, c, h = (np.array([d[i] for d in draws]) for i in (1, 2, 4))
    for values, (low, high) in ((b, (0.5, 1.5)), (c, (0.2, 0.4)), (h, (-0.25, 0.25))):
        assert values.min() >= low and values.max() <= high
        assert abs(values.mean() - (low + high) / 2) < 4 * (high - low) / math.sqrt(12 * 4000)
    first = np.array([d[0][0] for d in draws])
    assert np.all(np.abs(np.bincount(first, minlength=4) / 4000 - 0.25) < 0.04)


def test_affine_perspective_erasing_blur_elastic_params():
    draws = [T.RandomAffine.get_params([-10, 30], [0.1, 0.3], [0.5, 2.0], [-4, 4, 1, 2], [50, 40]) for _ in range(2000)]
    angle = np.array([d[0] for d in draws])
    tx, ty = np.array([d[1] for d in draws]).T
    scale = np.array([d[2] for d in draws])
    sx, sy = np.array([d[3] for d in draws]).T
    assert angle.min() >= -10 and angle.max() <= 30 and abs(angle.mean() - 10) < 1
    assert np.abs(tx).max() <= 5 and np.abs(ty).max() <= 12 and tx.dtype.kind == "i"
    assert scale.min() >= 0.5 and scale.max() <= 2.0
    assert sx.min() >= -4 and sx.max() <= 4 and sy.min() >= 1 and sy.max() <= 2
    for _ in range(200):
        start, end = T.RandomPerspective.get_params(40, 30, 0.5)
        assert start == [[0, 0], [39, 0], [39, 29], [0, 29]]
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = end
        assert 0 <= x0 <= 10 and 0 <= y0 <= 7 and 29 <= x1 <= 39 and 0 <= y1 <= 7
        assert 29 <= x2 <= 39 and 22 <= y2 <= 29 and 0 <= x3 <= 10 and 22 <= y3 <= 29
    x = image(np.float32, (3, 30, 40))
    for _ in range(200):
        i, j, h, w, v = T.RandomErasing.get_params(x, (0.02, 0.33), (0.3, 3.3), [0.5])
        assert 0 <= i <= 30 - h and 0 <= j <= 40 - w and 0.02 * 1200 - 40 < h * w < 0.33 * 1200 + 40
        assert v.shape == (1, 1, 1) and float(v.flatten()[0]) == 0.5
    sigmas = np.array([T.GaussianBlur.get_params(0.1, 2.0) for _ in range(2000)])
    assert sigmas.min() >= 0.1 and sigmas.max() <= 2.0 and abs(sigmas.mean() - 1.05) < 0.05
    d = T.ElasticTransform.get_params([50.0, 50.0], [0.0, 0.0], [20, 25]).numpy()
    assert d.shape == (1, 20, 25, 2) and np.abs(d[..., 0]).max() <= 50 / 20 and np.abs(d[..., 1]).max() <= 50 / 25


def test_choice_and_order():
    add = [T.Lambda(lambda x, k=k: x * 10 + k) for k in range(3)]
    outs = [int(T.RandomChoice(add, p=[0.2, 0.0, 0.8])(ember.tensor(0))) for _ in range(500)]
    assert set(outs) == {0, 2} and abs(outs.count(2) / 500 - 0.8) < 0.07
    orders = {int(T.RandomOrder(add)(ember.tensor(0))) for _ in range(300)}
    assert orders == {12, 21, 102, 120, 201, 210}


def test_linear_transformation():
    rng = np.random.default_rng(3)
    matrix = ember.tensor(rng.standard_normal((12, 12)).astype(np.float32))
    mean = ember.tensor(rng.standard_normal(12).astype(np.float32))
    x = ember.tensor(rng.standard_normal((3, 2, 2)).astype(np.float32))
    out = T.LinearTransformation(matrix, mean)(x)
    expected = ((x.numpy().reshape(1, 12) - mean.numpy()) @ matrix.numpy()).reshape(3, 2, 2)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="square"):
        T.LinearTransformation(ember.zeros(3, 4), ember.zeros(3))


REFERENCE = """
import torch
import torchvision.transforms as T
from PIL import Image
x = torch.from_numpy(inputs["x"])
pil = Image.fromarray(inputs["x"].transpose(1, 2, 0))
for k, code in enumerate(spec["deterministic"]):
    for kind, img in (("t", x), ("p", pil)):
        out = eval(code)(img)
        out = out if isinstance(out, (tuple, list)) else [out]
        outputs[f"{kind}{k}"] = np.stack([np.asarray(o) if isinstance(o, Image.Image) else o.numpy() for o in out])
for k, code in enumerate(spec["reprs"]):
    outputs[f"r{k}"] = np.array(repr(eval(code)))
for policy in T.AutoAugmentPolicy:
    outputs["policy-" + policy.value] = np.array(repr(T.AutoAugment(policy).policies))
ra = T.RandAugment()._augmentation_space(31, (20, 24))
ta = T.TrivialAugmentWide()._augmentation_space(31)
for name, space in (("rand", ra), ("trivial", ta)):
    for op, (m, signed) in space.items():
        outputs[f"{name}-{op}"] = m.numpy()
        outputs[f"{name}-{op}-signed"] = np.array(signed)
"""

DETERMINISTIC = ["T.Grayscale(3)", "T.Grayscale()", "T.Pad([1, 2, 3, 4], fill=9)", "T.Pad(3, padding_mode='reflect')",
                 "T.FiveCrop((6, 5))", "T.TenCrop(7, vertical_flip=True)", "T.RandomInvert(1.0)",
                 "T.RandomPosterize(2, 1.0)", "T.RandomSolarize(77, 1.0)", "T.RandomAdjustSharpness(3.0, 1.0)",
                 "T.RandomAutocontrast(1.0)", "T.RandomEqualize(1.0)", "T.RandomGrayscale(1.0)"]
REPRS = ["T.ColorJitter(0.5, (0.2, 0.4), 0, 0.1)", "T.Grayscale(3)", "T.RandomGrayscale()", "T.FiveCrop(4)",
         "T.GaussianBlur(3, (0.2, 1.0))", "T.RandomErasing()", "T.RandomInvert(0.3)", "T.RandomPosterize(4)",
         "T.AutoAugment(T.AutoAugmentPolicy.SVHN)", "T.RandAugment()", "T.TrivialAugmentWide()"]


@pytest.fixture(scope="module")
def reference():
    x = image().numpy()
    return x, run_reference(REFERENCE, {"x": x}, {"deterministic": DETERMINISTIC, "reprs": REPRS})


@pytest.mark.parametrize("k", range(len(DETERMINISTIC)), ids=DETERMINISTIC)
@pytest.mark.parametrize("kind", ["t", "p"])
def test_deterministic_like_torchvision(reference, k, kind):
    x, ref = reference
    img = ember.tensor(x) if kind == "t" else Image.fromarray(x.transpose(1, 2, 0))
    out = eval(DETERMINISTIC[k])(img)
    out = out if isinstance(out, (tuple, list)) else [out]
    got = np.stack([np.asarray(o) if isinstance(o, Image.Image) else o.numpy() for o in out])
    np.testing.assert_array_equal(got, ref[f"{kind}{k}"])


@pytest.mark.parametrize("k", range(len(REPRS)), ids=REPRS)
def test_reprs_like_torchvision(reference, k):
    assert repr(eval(REPRS[k])) == str(reference[1][f"r{k}"])


def test_policies_and_magnitude_bins_like_torchvision(reference):
    from ember.vision.transforms.autoaugment import _space

    ref = reference[1]
    for policy in T.AutoAugmentPolicy:
        assert repr(T.AutoAugment(policy).policies) == str(ref["policy-" + policy.value])
    for name, space in (("rand", _space(31, 20, 24)), ("trivial", _space(31, 0, 0, wide=True))):
        assert sorted(space) == sorted(k[len(name) + 1:] for k in ref if k.startswith(name) and
                                       not k.endswith("-signed"))
        for op, (magnitudes, signed) in space.items():
            expected = ref[f"{name}-{op}"]
            if magnitudes is None:
                assert expected.ndim == 0
            else:
                np.testing.assert_allclose(magnitudes, expected, rtol=1e-6)
            assert signed == bool(ref[f"{name}-{op}-signed"])


@pytest.mark.parametrize("make", [T.AutoAugment, T.RandAugment, T.TrivialAugmentWide, T.AugMix])
def test_augment_policies_keep_type_shape_and_dtype(make):
    for x in (image(), Image.fromarray(image().numpy().transpose(1, 2, 0))):
        for seed in range(5):
            ember.manual_seed(seed)
            out = make()(x)
            assert type(out) is type(x)
            if isinstance(x, Image.Image):
                assert out.size == x.size and out.mode == x.mode
            else:
                assert out.shape == x.shape and out.dtype == x.dtype


def test_constructor_errors_like_torchvision():
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non negative."):
        T.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match=r"hue values should be between \(-0.5, 0.5\)"):
        T.ColorJitter(hue=0.7)
    with pytest.raises(ValueError, match="Kernel size value should be an odd and positive number."):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match="Random erasing probability should be between 0 and 1"):
        T.RandomErasing(p=2)
    with pytest.raises(ValueError, match="If value is str, it should be 'random'"):
        T.RandomErasing(value="noise")
    with pytest.raises(TypeError, match="Scale should be a sequence"):
        T.RandomResizedCrop(5, scale=0.5)
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        T.Pad(1, padding_mode="wrap")
