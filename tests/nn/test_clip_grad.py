"""nn.utils gradient clipping against torch.nn.utils: returned norm, clipped gradients, errors."""
import warnings

import numpy as np
import pytest
from diff import check, rand, torch

import ember


def _clip(m, norm_type, max_norm, *arrays, **kwargs):
    """Parameters with the given gradients, clipped; returns the total norm and the new gradients."""
    params = [m.nn.Parameter(m.zeros(a.shape, dtype=a.dtype)) for a in arrays]
    for p, a in zip(params, arrays):
        p.grad = a.detach().clone()
    total = m.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type, **kwargs)
    return [total] + [p.grad for p in params]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm(norm_type, max_norm):
    check(lambda m, a, b, c: _clip(m, norm_type, max_norm, a, b, c), [(3, 4), (5,), ()], grad=False)


def test_clip_grad_norm_float64_and_empty_grads():
    check(lambda m, a, b: _clip(m, 2.0, 0.1, a, b), [(2, 2), (0,)], grad=False, dtype="float64")


def test_clip_grad_norm_single_tensor_and_missing_grads():
    for m in (ember, torch):
        with_grad = m.nn.Parameter(m.ones(4))
        with_grad.grad = m.full((4,), 3.0)
        total = m.nn.utils.clip_grad_norm_(with_grad, 3.0)
        assert total.item() == pytest.approx(6.0)
        np.testing.assert_allclose(with_grad.grad.numpy(), np.full(4, 1.5), rtol=1e-5)
        assert m.nn.utils.clip_grad_norm_([m.nn.Parameter(m.ones(2))], 1.0).item() == 0.0


def test_clip_grad_norm_nonfinite():
    nan = np.array([np.nan, 1.0], dtype="float32")
    check(lambda m, a: _clip(m, 2.0, 1.0, a), [nan], grad=False)
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is "
                                               "non-finite, so it cannot be clipped"):
            _clip(m, 2.0, 1.0, m.tensor(nan), error_if_nonfinite=True)


def test_clip_grad_norm_leaves_no_graph():
    p = ember.nn.Parameter(ember.ones(3))
    p.grad = ember.ones(3)
    total = ember.nn.utils.clip_grad_norm_([p], 1.0)
    assert not total.requires_grad and p.grad.grad_fn is None


def test_clip_grad_norm_deprecated_spelling_warns():
    p = ember.nn.Parameter(ember.ones(3))
    p.grad = ember.ones(3)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ember.nn.utils.clip_grad_norm([p], 1.0)
    assert [w.category for w in record] == [FutureWarning]


@pytest.mark.parametrize("clip_value", [0.5, 3])
def test_clip_grad_value(clip_value):
    def clip(m, a, b):
        params = [m.nn.Parameter(m.zeros(a.shape)), m.nn.Parameter(m.zeros(b.shape))]
        params[0].grad, params[1].grad = a.clone(), b.clone()
        assert m.nn.utils.clip_grad_value_(params, clip_value) is None
        return [p.grad for p in params]

    check(clip, [rand((4, 3)), rand((2,))], grad=False)
