"""make_grid and save_image: torchvision's layout, normalisation and pixel rounding."""
import numpy as np
import pytest

import ember
from ember.vision.utils import make_grid, save_image


def constant_images(n, c=3, h=2, w=3):
    return ember.tensor(np.stack([np.full((c, h, w), k + 1, np.float32) for k in range(n)]))


def test_grid_layout():
    grid = make_grid(constant_images(5), nrow=2, padding=1, pad_value=-1.0).numpy()
    # 2 columns, 3 rows of 2x3 cells, each with 1 pixel of padding before it, plus one at the end
    assert grid.shape == (3, 3 * 3 + 1, 2 * 4 + 1)
    for k in range(5):
        top, left = (k // 2) * 3 + 1, (k % 2) * 4 + 1
        assert (grid[:, top:top + 2, left:left + 3] == k + 1).all()
    assert (grid[:, 7:9, 5:8] == -1).all()  # the sixth cell is empty
    assert (grid[:, 0] == -1).all() and (grid[:, :, 0] == -1).all()


def test_defaults_and_shapes():
    assert tuple(make_grid(constant_images(10, h=4, w=4)).shape) == (3, 2 * 6 + 2, 8 * 6 + 2)
    assert tuple(make_grid(constant_images(3, c=1)).shape) == (3, 6, 3 * 5 + 2)  # one channel becomes three
    single = make_grid(constant_images(1, c=1))
    assert tuple(single.shape) == (3, 2, 3)  # one image: no padding, batch dimension dropped
    assert tuple(make_grid(ember.tensor(np.zeros((4, 5), np.float32))).shape) == (3, 4, 5)
    listed = make_grid([ember.tensor(np.zeros((1, 2, 2), np.float32))] * 2, padding=0)
    assert tuple(listed.shape) == (3, 2, 4)


def test_normalize():
    x = ember.tensor(np.array([[[[-1.0, 1.0]]], [[[0.0, 3.0]]]], np.float32))
    g = make_grid(x, normalize=True, padding=0).numpy()[0]
    np.testing.assert_allclose(g, [[0.0, 0.5, 0.25, 1.0]])
    g = make_grid(x, normalize=True, padding=0, scale_each=True).numpy()[0]
    np.testing.assert_allclose(g, [[0.0, 1.0, 0.0, 1.0]])
    g = make_grid(x, normalize=True, padding=0, value_range=(0.0, 2.0)).numpy()[0]
    np.testing.assert_allclose(g, [[0.0, 0.5, 0.0, 1.0]])
    assert x.numpy()[0, 0, 0, 0] == -1.0  # the input is not changed
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(x, normalize=True, value_range=[0, 1])


def test_errors():
    with pytest.raises(TypeError, match="tensor or list of tensors expected, got <class 'numpy.ndarray'>"):
        make_grid(np.zeros((2, 3, 4, 4)))
    with pytest.raises(TypeError, match="got a list containing <class 'int'>"):
        make_grid([1, 2])


def test_save_image(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    x = ember.tensor(np.array([[[[0.0, 0.2], [0.5, 1.5]]], [[[-1.0, 0.999], [0.5, 0.1]]]], np.float32))
    path = str(tmp_path / "grid.png")
    save_image(x, path, padding=1, pad_value=1.0)
    saved = np.array(Image.open(path))
    expected = make_grid(x, padding=1, pad_value=1.0).numpy()
    expected = np.clip(expected * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    assert saved.shape == (4, 7, 3) and np.array_equal(saved, expected)
    assert saved[1, 1].tolist() == [0, 0, 0] and saved[2, 2].tolist() == [255, 255, 255]
    assert saved[1, 2, 0] == 51 and saved[1, 5, 0] == 255
