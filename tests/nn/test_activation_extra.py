"""The activations added beyond the basic set, against PyTorch: values, gradients, gradcheck and double
backward in float64, modules and their reprs, errors."""
import numpy as np
import pytest
from diff import check, rand, torch

import ember

F_E = ember.nn.functional

ELEMENTWISE = {
    "hardswish": lambda F, x: F.hardswish(x), "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "mish": lambda F, x: F.mish(x), "hardshrink": lambda F, x: F.hardshrink(x, 0.7),
    "softshrink": lambda F, x: F.softshrink(x, 0.4), "softsign": lambda F, x: F.softsign(x),
    "tanhshrink": lambda F, x: F.tanhshrink(x), "threshold": lambda F, x: F.threshold(x, 0.3, -2.0),
    "glu": lambda F, x: F.glu(x, 1), "rrelu_eval": lambda F, x: F.rrelu(x, 0.1, 0.3),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
@pytest.mark.parametrize("shape", [(4, 6), (2, 4, 3, 3)])
def test_functional_matches_torch(name, shape):
    fn = ELEMENTWISE[name]
    check(lambda m, x: fn(m.nn.functional, x), [rand(shape, low=-5, high=5)])


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_gradcheck_and_double_backward(name):
    fn = ELEMENTWISE[name]
    x = rand((3, 4), "float64", low=-5, high=5)
    x[np.abs(np.abs(x) - 3) < 0.05] += 0.2  # keep off the kinks, where finite differences disagree
    t = ember.tensor(x, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: fn(F_E, a), (t,))
    if name not in ("hardshrink", "softshrink", "threshold", "hardsigmoid", "rrelu_eval"):  # piecewise linear
        assert ember.autograd.gradgradcheck(lambda a: fn(F_E, a), (t,))


@pytest.mark.parametrize("shape, channels", [((4, 3), 3), ((2, 3, 5), 3), ((2, 3, 4, 4), 3), ((5,), 1),
                                             ((2, 3, 4, 4), 1)])
def test_prelu(shape, channels):
    w = rand((channels,), low=0, high=1)
    check(lambda m, x, w: m.nn.functional.prelu(x, w), [rand(shape), w])
    t = ember.tensor(rand(shape, "float64"), requires_grad=True)
    tw = ember.tensor(w.astype("float64"), requires_grad=True)
    assert ember.autograd.gradcheck(F_E.prelu, (t, tw))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        F_E.prelu(ember.randn(2, 4, 3), ember.ones(3))


def test_inplace_and_gumbel():
    for name in ("hardswish", "hardsigmoid", "mish"):
        x = rand((3, 4))
        e, t = ember.tensor(x), torch.tensor(x)
        getattr(F_E, name)(e, inplace=True)
        getattr(torch.nn.functional, name)(t, inplace=True)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)
    logits = ember.randn(1000, 5, requires_grad=True)
    soft = F_E.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1, rtol=1e-5)
    hard = F_E.gumbel_softmax(logits, hard=True)
    assert set(np.unique(hard.detach().numpy())) <= {0.0, 1.0} and (hard.sum(-1) == 1).all()
    (hard * ember.arange(5.0)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0
    # the hard sample picks category k with probability softmax(logits)[k]
    ember.manual_seed(0)
    probs = ember.tensor([0.1, 0.2, 0.7])
    picks = F_E.gumbel_softmax(probs.log().expand(4000, 3), hard=True).mean(0)
    np.testing.assert_allclose(picks.numpy(), probs.numpy(), atol=0.03)


def test_rrelu_training():
    x = ember.tensor(rand((2000,)), requires_grad=True)
    y = F_E.rrelu(x, 0.1, 0.3, training=True)
    ratio = (y / x).detach().numpy()
    neg = x.detach().numpy() < 0
    assert np.all(ratio[~neg] == 1) and 0.1 <= ratio[neg].min() and ratio[neg].max() <= 0.3
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), ratio, rtol=1e-6)


MODULES = [lambda m: m.nn.Hardswish(), lambda m: m.nn.Hardsigmoid(inplace=True), lambda m: m.nn.Mish(),
           lambda m: m.nn.Hardshrink(0.3), lambda m: m.nn.Softshrink(), lambda m: m.nn.Softsign(),
           lambda m: m.nn.Tanhshrink(), lambda m: m.nn.Threshold(0.1, 20, inplace=True), lambda m: m.nn.GLU(0),
           lambda m: m.nn.PReLU(3, 0.1), lambda m: m.nn.RReLU(0.2, 0.4), lambda m: m.nn.Softmax2d()]


@pytest.mark.parametrize("make", MODULES)
def test_modules(make):
    e, t = make(ember), make(torch)
    assert repr(e) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    e.eval(), t.eval()
    x = rand((4, 3, 2, 2))
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    from ember.nn.modules.activation import PReLU, Softmax2d  # torch's module path
    assert PReLU is ember.nn.PReLU and Softmax2d is ember.nn.Softmax2d
