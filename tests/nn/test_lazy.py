"""Lazy modules: shapes inferred from the first input, the module turned into its ordinary class, the same
initialisation as the ordinary layer under the same seed, and the same output as PyTorch's."""
import numpy as np
import pytest
from diff import rand, torch

import ember

CASES = [
    ("LazyLinear", (5,), (3, 7)), ("LazyConv1d", (4, 3), (2, 3, 9)), ("LazyConv2d", (4, 3), (2, 3, 6, 6)),
    ("LazyConvTranspose1d", (4, 3), (2, 3, 5)), ("LazyConvTranspose2d", (4, 2), (2, 3, 5, 5)),
    ("LazyBatchNorm1d", (), (4, 6)), ("LazyBatchNorm2d", (), (2, 3, 4, 4)), ("LazyBatchNorm3d", (), (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), (2, 3, 5)), ("LazyInstanceNorm2d", (), (2, 3, 4, 4)),
]


@pytest.mark.parametrize("name, args, shape", CASES)
def test_lazy_module(name, args, shape):
    e, t = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert e.has_uninitialized_params() == t.has_uninitialized_params()
    assert repr(e._parameters.get("weight")) == repr(t._parameters.get("weight"))
    x = rand(shape)
    eo, to = e(ember.tensor(x)), t(torch.tensor(x))
    assert type(e).__name__ == type(t).__name__ and repr(e) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    assert tuple(eo.shape) == tuple(to.shape)


def test_lazy_linear_initialises_like_linear():
    ember.manual_seed(3)
    lazy = ember.nn.LazyLinear(4)
    lazy(ember.zeros(2, 6))
    ember.manual_seed(3)
    plain = ember.nn.Linear(6, 4)
    assert isinstance(lazy, ember.nn.Linear) and lazy.in_features == 6
    assert ember.equal(lazy.weight, plain.weight) and ember.equal(lazy.bias, plain.bias)
    assert isinstance(lazy.weight, ember.nn.Parameter) and lazy.weight.requires_grad
