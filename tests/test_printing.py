"""Printing: ``repr`` of Ember tensors equals PyTorch's, character for character."""
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_rng = np.random.default_rng(7)


def _arrays():
    r = _rng
    yield "normal", r.standard_normal((5,)).astype(np.float32)
    yield "normal2d", r.standard_normal((4, 6)).astype(np.float32)
    yield "normal3d", r.standard_normal((2, 3, 4)).astype(np.float32)
    yield "normal4d", r.standard_normal((2, 2, 3, 2)).astype(np.float32)
    yield "wide_row", r.standard_normal((30,)).astype(np.float32)
    yield "wide_2d", r.standard_normal((3, 17)).astype(np.float32)
    yield "positive", r.uniform(0, 1, (7,)).astype(np.float32)
    yield "whole", np.array([1.0, 2.0, -3.0, 0.0], np.float32)
    yield "whole_big", np.array([1.0, 123456.0, -7.0], np.float32)
    yield "whole_ratio", np.array([1.0, 5000.0], np.float32)
    yield "whole_huge", np.array([2.0e9, 3.0], np.float32)
    yield "huge", np.array([1e10, 1e-5], np.float32)
    yield "tiny", np.array([1e-5, 2e-5, 3.5e-6], np.float32)
    yield "mixed_mag", np.array([0.001, 12.5, 3000.25], np.float32)
    yield "just_wide", np.array([0.5, 499.0], np.float32)
    yield "big_fixed", np.array([12345.678, 0.5, -99999.5], np.float32)
    yield "nan_inf", np.array([np.nan, np.inf, -np.inf, 1.5], np.float32)
    yield "nan_whole", np.array([np.nan, 2.0, -np.inf], np.float32)
    yield "only_nan", np.array([np.nan, np.inf], np.float32)
    yield "zeros", np.zeros((2, 3), np.float32)
    yield "neg_zero", np.array([-0.0, 1.0], np.float32)
    yield "scalar", np.array(3.5, np.float32)
    yield "scalar_whole", np.array(-2.0, np.float32)
    yield "scalar_small", np.array(1.5e-7, np.float32)
    yield "scalar_nan", np.array(np.nan, np.float32)
    yield "f64", r.standard_normal((3, 3))
    yield "f64_scalar", np.array(0.25)
    yield "f16", r.standard_normal((4,)).astype(np.float16)
    yield "int64", r.integers(-1000, 1000, (3, 5))
    yield "int64_scalar", np.array(42)
    yield "int32", r.integers(-5, 5, (6,)).astype(np.int32)
    yield "int16", r.integers(-5, 5, (2, 2)).astype(np.int16)
    yield "int8", r.integers(-5, 5, (4,)).astype(np.int8)
    yield "uint8", r.integers(0, 255, (2, 8)).astype(np.uint8)
    yield "int_long_row", r.integers(-10**12, 10**12, (12,))
    yield "bool", np.array([True, False, True])
    yield "bool2d", r.random((3, 4)) > 0.5
    yield "bool_scalar", np.array(False)
    yield "empty", np.zeros((0,), np.float32)
    yield "empty2d", np.zeros((0, 3), np.float32)
    yield "empty3d", np.zeros((2, 0, 1), np.float32)
    yield "empty_int", np.zeros((0,), np.int64)
    yield "empty_f64", np.zeros((3, 0))
    yield "big1d", r.standard_normal((1001,)).astype(np.float32)
    yield "big2d", r.standard_normal((40, 50)).astype(np.float32)
    yield "big3d", r.standard_normal((11, 12, 13)).astype(np.float32)
    yield "big_int", np.arange(5000).reshape(50, 100)
    yield "big_bool", r.random((2000,)) > 0.5
    yield "big_mixed", np.concatenate([np.full(600, 1e-6), np.full(600, 1.0)]).astype(np.float32)
    yield "one_row_big", r.standard_normal((1, 2000)).astype(np.float32) * 1e5
    yield "long_column", r.standard_normal((6, 1)).astype(np.float32)
    yield "deep", r.standard_normal((1, 1, 1, 1, 3)).astype(np.float32)


CASES = list(_arrays())


@pytest.mark.parametrize("name,array", CASES, ids=[c[0] for c in CASES])
def test_repr_matches_torch(name, array):
    e, t = ember.tensor(array), torch.tensor(array)
    assert repr(e) == repr(t)
    assert str(e) == str(t)


@pytest.mark.parametrize("name,array", [c for c in CASES if c[1].dtype.kind == "f" and c[1].size],
                         ids=[c[0] for c in CASES if c[1].dtype.kind == "f" and c[1].size])
def test_requires_grad_and_grad_fn(name, array):
    e = ember.tensor(array, requires_grad=True)
    t = torch.tensor(array, requires_grad=True)
    assert repr(e) == repr(t)
    assert repr(e + 1) == repr(t + 1)  # grad_fn=<AddBackward0>


def test_suffix_wraps_past_linewidth():
    a = _rng.standard_normal((2, 7)).astype(np.float64)
    assert repr(ember.tensor(a, requires_grad=True)) == repr(torch.tensor(a, requires_grad=True))


@pytest.mark.parametrize("opts", [
    dict(precision=2), dict(precision=8), dict(threshold=10), dict(edgeitems=1, threshold=5), dict(linewidth=40),
    dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
    dict(profile="short", precision=6), dict(edgeitems=0, threshold=3),
])
def test_printoptions(opts):
    arrays = [CASES[i][1] for i in range(len(CASES)) if CASES[i][0] in
              ("normal2d", "huge", "tiny", "whole", "int64", "big1d", "big2d", "wide_row", "bool", "big3d")]
    try:
        ember.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        for a in arrays:
            assert repr(ember.tensor(a)) == repr(torch.tensor(a))
    finally:
        ember.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


def test_profile_full_prints_everything():
    a = np.arange(1200.0, dtype=np.float32)
    try:
        ember.set_printoptions(profile="full")
        assert "..." not in repr(ember.tensor(a))
        assert ember._tensor_str.get_printoptions()["threshold"] == math.inf
    finally:
        ember.set_printoptions(profile="default")
    assert "..." in repr(ember.tensor(a))


def test_printoptions_context_restores():
    with ember._tensor_str.printoptions(precision=1):
        assert repr(ember.tensor([0.25])) == "tensor([0.2])"
    assert repr(ember.tensor([0.25])) == "tensor([0.2500])"


def test_default_dtype_changes_what_is_shown():
    try:
        ember.set_default_dtype(ember.float64)
        torch.set_default_dtype(torch.float64)
        for a in (np.array([1.5, 2.0]), np.array([1.5], np.float32), np.zeros((0,)), np.zeros((0,), np.float32)):
            assert repr(ember.tensor(a)) == repr(torch.tensor(a))
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_size_and_dtype_reprs():
    assert repr(ember.zeros(10, 5).size()) == "torch.Size([10, 5])"
    assert str(ember.zeros(()).shape) == "torch.Size([])"
    assert repr(ember.float64) == "torch.float64"
    assert repr(ember.device("cpu")) == repr(torch.device("cpu"))
    assert repr(ember.device("cuda", 1)) == repr(torch.device("cuda", 1))
    assert str(ember.device("cuda:0")) == "cuda:0"


def test_format_of_scalars():
    e, t = ember.tensor(3.14159), torch.tensor(3.14159)
    assert "{:.2f}".format(e) == "{:.2f}".format(t) == "3.14"
    assert f"{e:>8.3f}" == f"{t:>8.3f}"
    assert "%.4f" % e == "%.4f" % t
    assert f"{e}" == f"{t}" and "{}".format(ember.tensor([1, 2])) == "{}".format(torch.tensor([1, 2]))
    with pytest.raises(TypeError):
        format(ember.tensor([1.0]), ".2f")
    assert "%d" % ember.tensor(7) == "7"


def _random_case(seed):
    r = np.random.default_rng(seed)
    shape = tuple(r.integers(1, 6, size=r.integers(1, 4)))
    a = r.standard_normal(shape) * 10.0 ** r.uniform(-7, 11)
    if r.random() < 0.3:
        a = np.round(a)
    if r.random() < 0.2:
        a.flat[r.integers(a.size)] = r.choice([np.nan, np.inf, -np.inf, 0.0])
    return a.astype(r.choice([np.float32, np.float64]))


@pytest.mark.parametrize("seed", range(60))
def test_random_magnitudes(seed):
    a = _random_case(seed)
    assert repr(ember.tensor(a)) == repr(torch.tensor(a))
