"""nn.init: distributions checked with statistical bounds, gains and fans against torch.nn.init."""
import math

import numpy as np
import pytest
from diff import torch

import ember
import ember.nn as nn
from ember.nn import init


def filled(fn, shape=(300, 200), **kw):
    t = ember.empty(*shape, requires_grad=True)
    out = fn(t, **kw)
    assert out is t and t.is_leaf and t.grad_fn is None and t.requires_grad
    return t.detach().numpy()


def assert_uniform(values, low, high):
    assert values.min() >= low and values.max() <= high
    width = high - low
    assert abs(values.mean() - (low + high) / 2) < 0.01 * width
    assert abs(values.std() - width / math.sqrt(12)) < 0.01 * width


def assert_normal(values, mean, std):
    assert abs(values.mean() - mean) < 0.02 * std
    assert abs(values.std() - std) < 0.02 * std


def test_uniform_normal_constant():
    ember.manual_seed(0)
    assert_uniform(filled(init.uniform_, a=-2.0, b=3.0), -2, 3)
    assert_normal(filled(init.normal_, mean=1.0, std=0.5), 1.0, 0.5)
    assert (filled(init.constant_, val=0.25) == 0.25).all()
    assert (filled(init.zeros_) == 0).all() and (filled(init.ones_) == 1).all()
    np.testing.assert_array_equal(filled(init.eye_, shape=(3, 4)), np.eye(3, 4))
    values = filled(init.trunc_normal_, std=2.0, a=-1.0, b=3.0)
    assert values.min() >= -1 and values.max() <= 3 and values.dtype == np.float32


@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
def test_xavier_and_kaiming(shape):
    ember.manual_seed(1)
    fan_in = shape[1] * int(np.prod(shape[2:]))
    fan_out = shape[0] * int(np.prod(shape[2:]))
    bound = math.sqrt(6 / (fan_in + fan_out))
    assert_uniform(filled(init.xavier_uniform_, shape, gain=2.0), -2 * bound, 2 * bound)
    assert_normal(filled(init.xavier_normal_, shape), 0, math.sqrt(2 / (fan_in + fan_out)))
    std = math.sqrt(2) / math.sqrt(fan_in)
    assert_uniform(filled(init.kaiming_uniform_, shape, nonlinearity="relu"), -std * math.sqrt(3), std * math.sqrt(3))
    assert_normal(filled(init.kaiming_normal_, shape, mode="fan_out", nonlinearity="relu"), 0,
                  math.sqrt(2) / math.sqrt(fan_out))
    bound = 1 / math.sqrt(fan_in)  # a=sqrt(5): Linear's and Conv's default
    assert_uniform(filled(init.kaiming_uniform_, shape, a=math.sqrt(5)), -bound, bound)


def test_orthogonal_and_dirac():
    for shape in ((6, 4), (4, 6)):
        q = filled(init.orthogonal_, shape, gain=2.0).astype(np.float64)
        small = min(shape)
        gram = q.T @ q if shape[0] > shape[1] else q @ q.T
        np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-5)
    w = ember.empty(4, 2, 3, 3)
    init.dirac_(w)
    assert w.numpy().sum() == 2 and w.numpy()[1, 1, 1, 1] == 1


@pytest.mark.parametrize("nonlinearity,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                                ("tanh", None), ("relu", None), ("leaky_relu", None),
                                                ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param))


def test_errors_and_warnings():
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2 "
                                         "dimensions"):
        init.xavier_uniform_(ember.empty(5))
    with pytest.raises(ValueError, match="Mode fan_up not supported, please use one of fan_in, fan_out"):
        init.kaiming_uniform_(ember.empty(3, 3), mode="fan_up")
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.empty(0, 3))
    with pytest.warns(FutureWarning, match="nn.init.uniform is now deprecated in favor of nn.init.uniform_"):
        init.uniform(ember.empty(2))


def test_init_respects_dtype_and_generator():
    t = ember.empty(50, 50, dtype=ember.float64)
    init.normal_(t)
    assert t.dtype == ember.float64
    a, b = ember.empty(10), ember.empty(10)
    init.uniform_(a, generator=ember.Generator().manual_seed(7))
    init.uniform_(b, generator=ember.Generator().manual_seed(7))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    layer = nn.Linear(3, 3)
    version = layer.weight._version_counter
    init.zeros_(layer.weight)
    assert layer.weight._version_counter > version
