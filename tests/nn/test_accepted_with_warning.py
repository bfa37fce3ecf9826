"""Inputs PyTorch accepts (some with a deprecation warning) that Ember used to reject: feature dropout on
other ranks, and a Python range as an index."""
import warnings

import numpy as np
import pytest
from diff import torch

import ember


def _run(m, fn, shape, seed=0):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            out = fn(m, m.ones(*shape))
        except RuntimeError as e:
            return ("error", str(e)), [str(x.message) for x in w]
    return ("ok", tuple(out.shape)), [str(x.message) for x in w]


@pytest.mark.parametrize("name, shape", [("dropout2d", (3, 4)), ("dropout2d", (2, 2, 2, 2, 2)), ("dropout2d", (2,)),
                                         ("dropout3d", (2, 3)), ("dropout3d", (2, 3, 4)), ("dropout1d", (2,)),
                                         ("dropout1d", (2, 3, 4, 5))])
def test_feature_dropout_ranks(name, shape):
    fn = lambda m, x: getattr(m.nn.functional, name)(x, 0.5)  # noqa: E731
    e, t = _run(ember, fn, shape), _run(torch, fn, shape)
    assert e == t


def test_dropout2d_module_on_2d_input_drops_elements():
    x = ember.ones(200, 50)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        y = ember.nn.Dropout2d(0.5)(x)
    kept = (y != 0).float().mean().item()
    assert 0.4 < kept < 0.6 and set(np.unique(y.numpy())) == {0.0, 2.0}
    rows_all_kept_or_dropped = ((y == 0).all(1) | (y != 0).all(1)).float().mean().item()
    assert rows_all_kept_or_dropped < 0.5  # elements, not rows, are dropped


def test_dropout3d_unbatched_drops_channels():
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        y = ember.nn.functional.dropout3d(ember.ones(400, 5, 3), 0.5).numpy()
    assert np.all(y.reshape(400, -1).min(1) == y.reshape(400, -1).max(1))  # each channel kept or dropped whole
    assert 0.35 < (y[:, 0, 0] != 0).mean() < 0.65


def test_range_as_index():
    for m in (ember, torch):
        x = m.zeros(4, 3)
        y = m.tensor([0, 2, 1, 0])
        x[range(4), y] = 1
        assert x.sum().item() == 4 and x[range(4), y].tolist() == [1.0] * 4
        assert x[range(1, 3)].shape == (2, 3) and tuple(x[range(0)].shape) == (0, 3)
    e, t = ember.arange(12.0).reshape(3, 4), torch.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(e[range(0, 3, 2), range(1, 3)].numpy(), t[range(0, 3, 2), range(1, 3)].numpy())
