"""affine_grid and grid_sample against PyTorch: values and gradients of input, grid and theta, each mode and
padding mode, both align_corners; the *_with_indices spellings of max pooling."""
import numpy as np
import pytest
from diff import check, rand, torch

import ember


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 1, 1, 3)])
def test_affine_grid(align_corners, size):
    check(lambda m, theta: m.nn.functional.affine_grid(theta, size, align_corners=align_corners),
          [rand((size[0], 2, 3))])


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners):
    grid = rand((2, 3, 4, 2), low=-1.3, high=1.3)
    if mode == "nearest":  # keep off the midpoints between pixels, where rounding may go either way
        grid = grid + 0.013
    check(lambda m, x, g: m.nn.functional.grid_sample(x, g, mode=mode, padding_mode=padding_mode,
                                                      align_corners=align_corners),
          [rand((2, 3, 5, 6)), grid], grad=mode == "bilinear", rtol=1e-4, atol=1e-5)


def test_spatial_transformer_round_trip_and_warning():
    """affine_grid feeding grid_sample, as in the spatial transformer tutorial; gradients reach theta."""
    x = rand((2, 1, 6, 6))
    theta = np.array([[[0.9, 0.1, 0.05], [-0.1, 0.8, 0.0]]] * 2, "float32")
    outs = []
    for m in (ember, torch):
        t = m.tensor(theta, requires_grad=True)
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            grid = m.nn.functional.affine_grid(t, (2, 1, 6, 6))
        y = m.nn.functional.grid_sample(m.tensor(x), grid, align_corners=False)
        y.pow(2).sum().backward()
        outs.append((y.detach().numpy(), t.grad.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_with_indices():
    check(lambda m, x: m.nn.functional.max_pool2d_with_indices(x, 2), [rand((1, 2, 4, 4))])
    check(lambda m, x: m.nn.functional.adaptive_max_pool1d_with_indices(x, 3), [rand((1, 2, 7))])


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_3d(align_corners):
    check(lambda m, theta: m.nn.functional.affine_grid(theta, (2, 3, 3, 4, 5), align_corners=align_corners),
          [rand((2, 3, 4))])


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_5d(mode, padding_mode, align_corners):
    grid = rand((2, 2, 3, 4, 3), low=-1.3, high=1.3) + (0.013 if mode == "nearest" else 0)
    check(lambda m, x, g: m.nn.functional.grid_sample(x, g, mode=mode, padding_mode=padding_mode,
                                                      align_corners=align_corners),
          [rand((2, 3, 4, 5, 6)), grid], grad=mode == "bilinear", rtol=1e-4, atol=1e-5)
