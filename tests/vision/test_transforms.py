"""Transforms against torchvision's definitions, computed here with torch and Pillow as references."""
import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")
torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def pil(mode, h=5, w=7):
    if mode == "1":
        return Image.fromarray(rng.integers(0, 2, (h, w)).astype(bool))
    if mode == "F":
        return Image.fromarray(rng.standard_normal((h, w)).astype(np.float32))
    if mode == "I":
        return Image.fromarray(rng.integers(-1000, 1000, (h, w)).astype(np.int32))
    shape = (h, w) if mode == "L" else (h, w, len(mode))
    return Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode=None).convert(mode)


def torch_to_tensor(pic):
    """torchvision's to_tensor for PIL images, written out with torch."""
    dtypes = {"I": np.int32, "F": np.float32}
    t = torch.from_numpy(np.array(pic, dtypes.get(pic.mode, np.uint8), copy=True))
    if pic.mode == "1":
        t = 255 * t
    t = t.view(pic.size[1], pic.size[0], len(pic.getbands())).permute(2, 0, 1).contiguous()
    return t.to(torch.float32).div(255) if t.dtype == torch.uint8 else t


def same(e, t):
    assert isinstance(e, ember.Tensor)
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "1", "I", "F"])
def test_to_tensor_pil_matches_torch(mode):
    pic = pil(mode)
    same(T.ToTensor()(pic), torch_to_tensor(pic))


def test_to_tensor_arrays():
    hwc = rng.integers(0, 256, (4, 3, 3), dtype=np.uint8)
    same(F.to_tensor(hwc), torch.from_numpy(hwc).permute(2, 0, 1).to(torch.float32).div(255))
    gray = rng.integers(0, 256, (4, 3), dtype=np.uint8)
    same(F.to_tensor(gray), torch.from_numpy(gray)[None].to(torch.float32).div(255))
    floats = rng.standard_normal((2, 3, 2))
    same(F.to_tensor(floats), torch.from_numpy(floats).permute(2, 0, 1).contiguous())  # no scaling, dtype kept
    assert F.to_tensor(hwc).is_contiguous()


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray. Got <class 'list'>"):
        T.ToTensor()([1, 2])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        T.ToTensor()(np.zeros((1, 1, 1, 1), np.uint8))


@pytest.mark.parametrize("mode", ["L", "RGB", "1"])
def test_pil_to_tensor(mode):
    pic = pil(mode)
    expected = torch.from_numpy(np.array(pic)).view(pic.size[1], pic.size[0], len(pic.getbands())).permute(2, 0, 1)
    same(T.PILToTensor()(pic), expected)


@pytest.mark.parametrize("src,dst", [("uint8", "float32"), ("uint8", "float64"), ("float32", "uint8"),
                                     ("float64", "int32"), ("int32", "uint8"), ("uint8", "int64"),
                                     ("float32", "float64"), ("int16", "int16")])
def test_convert_image_dtype(src, dst):
    if np.dtype(src).kind == "f":
        a = rng.random((2, 3, 3)).astype(src)
    else:
        info = np.iinfo(src)
        a = rng.integers(0, info.max, (2, 3, 3), endpoint=True).astype(src)
    t, tdst = torch.from_numpy(a), getattr(torch, dst)
    if a.dtype.kind == "f" and np.dtype(dst).kind == "f":
        expected = t.to(tdst)
    elif a.dtype.kind == "f":
        expected = t.mul(float(np.iinfo(dst).max) + 1.0 - 1e-3).to(tdst)
    elif np.dtype(dst).kind == "f":
        expected = t.to(tdst).div(int(np.iinfo(src).max))
    elif np.iinfo(src).max > np.iinfo(dst).max:
        expected = torch.div(t, (int(np.iinfo(src).max) + 1) // (int(np.iinfo(dst).max) + 1),
                             rounding_mode="floor").to(tdst)
    else:
        expected = t.to(tdst) * ((int(np.iinfo(dst).max) + 1) // (int(np.iinfo(src).max) + 1))
    same(T.ConvertImageDtype(getattr(ember, dst))(ember.tensor(a)), expected)


def test_convert_image_dtype_unsafe_cast():
    with pytest.raises(RuntimeError, match="The cast from torch.float32 to torch.int64 cannot be performed safely."):
        F.convert_image_dtype(ember.zeros(1, 2, 2), ember.int64)


@pytest.mark.parametrize("mean,std", [((0.1307,), (0.3081,)), ([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]), (0.5, 0.5)])
def test_normalize_matches_torch(mean, std):
    x = rng.random((3, 4, 5)).astype(np.float32)
    m = torch.as_tensor(mean, dtype=torch.float32)
    s = torch.as_tensor(std, dtype=torch.float32)
    m, s = (m.view(-1, 1, 1), s.view(-1, 1, 1)) if m.ndim == 1 else (m, s)
    expected = torch.from_numpy(x).sub(m).div(s)
    src = ember.tensor(x)
    same(T.Normalize(mean, std)(src), expected)
    np.testing.assert_array_equal(src.numpy(), x)  # not in place by default
    out = T.Normalize(mean, std, inplace=True)(src)
    assert out is src
    same(src, expected)


def test_normalize_batch_and_grad():
    x = ember.tensor(rng.random((2, 3, 2, 2)).astype(np.float32), requires_grad=True)
    y = F.normalize(x, [0.5, 0.5, 0.5], [2.0, 2.0, 2.0])
    assert tuple(y.shape) == (2, 3, 2, 2) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3, 2, 2), 0.5, np.float32))


def test_normalize_errors():
    with pytest.raises(TypeError, match="img should be Tensor Image. Got <class 'numpy.ndarray'>"):
        F.normalize(np.zeros((1, 2, 2)), [0.5], [0.5])
    with pytest.raises(TypeError, match=r"Input tensor should be a float tensor. Got torch.uint8."):
        F.normalize(ember.zeros(1, 2, 2, dtype=ember.uint8), [0.5], [0.5])
    with pytest.raises(ValueError, match=r"Expected tensor to be a tensor image of size \(..., C, H, W\). Got "
                                         r"tensor.size\(\) = torch.Size\(\[2, 2\]\)"):
        F.normalize(ember.zeros(2, 2), [0.5], [0.5])
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to torch.float32, leading to "
                                         "division by zero."):
        F.normalize(ember.zeros(1, 2, 2), [0.5], [0.0])


def test_reprs_like_torchvision():
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])) == \
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), std=(0.3081,))\n)"
    assert repr(T.Resize(32)) == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.CenterCrop(10)) == "CenterCrop(size=(10, 10))"
    assert repr(T.RandomCrop(28, padding=4)) == "RandomCrop(size=(28, 28), padding=4)"
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.RandomRotation(10)) == \
        "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)"
    assert repr(T.PILToTensor()) == "PILToTensor()" and repr(T.Lambda(abs)) == "Lambda()"


def test_compose_and_lambda():
    t = T.Compose([T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 10)])
    assert t(1) == 20
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)


@pytest.mark.parametrize("size,expected_hw", [(4, (4, 5)), ([4], (4, 5)), ((3, 9), (3, 9)), (20, (20, 28))])
def test_resize_pil_sizes_and_pixels(size, expected_hw):
    pic = pil("RGB", 10, 14)
    out = T.Resize(size)(pic)
    assert out.size == (expected_hw[1], expected_hw[0])
    assert np.array_equal(np.array(out), np.array(pic.resize(out.size, Image.Resampling.BILINEAR)))


def test_resize_max_size_and_tensor():
    pic = pil("L", 10, 40)
    assert T.Resize(8, max_size=16)(pic).size == (16, 4)
    t = ember.tensor(rng.random((2, 10, 14)).astype(np.float32))
    out = T.Resize(5)(t)
    assert tuple(out.shape) == (2, 5, 7) and out.dtype == ember.float32
    plane = Image.fromarray(t.numpy()[1]).resize((7, 5), Image.Resampling.BILINEAR)
    np.testing.assert_array_equal(out.numpy()[1], np.asarray(plane))


@pytest.mark.parametrize("h,w,size", [(10, 14, 4), (10, 14, (3, 6)), (7, 7, 3), (4, 5, (6, 9))])
def test_center_crop(h, w, size):
    a = rng.integers(1, 256, (h, w), dtype=np.uint8)
    out = np.array(T.CenterCrop(size)(Image.fromarray(a)))
    th, tw = (size, size) if isinstance(size, int) else size
    top, left = int(round((h - th) / 2.0)), int(round((w - tw) / 2.0))
    padded = np.zeros((h + 2 * th, w + 2 * tw), np.uint8)  # outside the image is black
    padded[th:th + h, tw:tw + w] = a
    np.testing.assert_array_equal(out, padded[th + top:th + top + th, tw + left:tw + left + tw])
    t_out = T.CenterCrop(size)(ember.tensor(a[None]))
    np.testing.assert_array_equal(t_out.numpy()[0], out)


def test_random_crop_is_a_window_of_the_padded_image_and_seeded():
    a = rng.integers(1, 256, (8, 8), dtype=np.uint8)
    crop = T.RandomCrop(8, padding=2)
    padded = np.pad(a, 2)
    windows = {tuple(padded[i:i + 8, j:j + 8].ravel()) for i in range(5) for j in range(5)}
    ember.manual_seed(0)
    outs = [np.array(crop(Image.fromarray(a))) for _ in range(20)]
    assert all(tuple(o.ravel()) in windows for o in outs) and len({o.tobytes() for o in outs}) > 1
    ember.manual_seed(0)
    assert all(np.array_equal(o, np.array(crop(Image.fromarray(a)))) for o in outs)
    assert np.array(T.RandomCrop(10, pad_if_needed=True)(Image.fromarray(a))).shape == (10, 10)
    with pytest.raises(ValueError, match=r"Required crop size \(9, 9\) is larger than input image size \(8, 8\)"):
        T.RandomCrop(9)(Image.fromarray(a))


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric"])
def test_pad_modes(mode):
    a = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    out = F.pad(Image.fromarray(a), [1, 2, 3, 1], padding_mode=mode)
    np.testing.assert_array_equal(np.array(out), np.pad(a, ((2, 1), (1, 3), (0, 0)), mode=mode))
    rgb_fill = np.array(F.pad(Image.fromarray(a), 1, fill=(1, 2, 3)))
    assert rgb_fill[0, 0].tolist() == [1, 2, 3]


def test_flips():
    pic = pil("RGB")
    assert np.array_equal(np.array(T.RandomHorizontalFlip(p=1.0)(pic)), np.array(pic)[:, ::-1])
    assert T.RandomHorizontalFlip(p=0.0)(pic) is pic
    t = ember.tensor(rng.random((3, 2, 4)).astype(np.float32))
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(t).numpy(), t.numpy()[..., ::-1])
    np.testing.assert_array_equal(F.vflip(t).numpy(), t.numpy()[:, ::-1])


def test_random_rotation():
    pic = pil("L", 6, 6)
    np.testing.assert_array_equal(np.array(T.RandomRotation((90, 90))(pic)), np.rot90(np.array(pic)))
    assert T.RandomRotation(30)(pil("RGB")).size == (7, 5)
    t = ember.tensor(np.array(pic)[None].astype(np.float32))
    np.testing.assert_array_equal(T.RandomRotation((90, 90))(t).numpy()[0], np.rot90(np.array(pic)))
    with pytest.raises(ValueError, match="If degrees is a single number, it must be positive."):
        T.RandomRotation(-1)


def test_to_pil_image_round_trip():
    pic = pil("RGB")
    back = F.to_pil_image(F.pil_to_tensor(pic))
    assert back.mode == "RGB" and np.array_equal(np.array(back), np.array(pic))
    gray = F.to_pil_image(ember.tensor(np.full((1, 2, 2), 0.5, np.float32)))
    assert gray.mode == "L" and np.array(gray).tolist() == [[127, 127], [127, 127]]


def test_batch_transform_only_for_deterministic_known_chains():
    assert T.batch_transform(T.Compose([T.ToTensor(), T.Normalize([0.5], [0.5])])) is not None
    assert T.batch_transform(T.Normalize([0.5], [0.5])) is None  # expects a tensor, gets an image
    assert T.batch_transform(T.Compose([T.ToTensor(), T.ToTensor()])) is None
    assert T.batch_transform(T.Compose([T.RandomHorizontalFlip(), T.ToTensor()])) is None
    assert T.batch_transform(None) is None and T.batch_transform(T.Compose([])) is None
    images = rng.integers(0, 256, (3, 4, 5, 3), dtype=np.uint8)  # RGB batch
    run = T.batch_transform(T.Compose([T.ToTensor(), T.Normalize([0.1, 0.2, 0.3], [0.3, 0.2, 0.1])]))
    out = run(images.copy())
    for img, o in zip(images, out):
        expected = T.Normalize([0.1, 0.2, 0.3], [0.3, 0.2, 0.1])(T.ToTensor()(Image.fromarray(img)))
        np.testing.assert_array_equal(o, expected.numpy())
