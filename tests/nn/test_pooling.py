"""Pooling against torch: max/avg/adaptive pooling in 1-D and 2-D with every option; indices, errors, layers."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember


def F_(m):
    return m.nn.functional


MAX_POOL = [
    ((2, 3, 8, 8), dict(kernel_size=2)),
    ((2, 3, 7, 9), dict(kernel_size=3, stride=2)),
    ((1, 2, 7, 6), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1))),
    ((2, 2, 9, 9), dict(kernel_size=3, stride=2, padding=1, dilation=2)),
    ((2, 2, 7, 7), dict(kernel_size=2, ceil_mode=True)),
    ((2, 2, 6, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((3, 5, 5), dict(kernel_size=2, stride=1)),  # unbatched
    ((0, 2, 4, 4), dict(kernel_size=2)),
]


@pytest.mark.parametrize("shape,kw", MAX_POOL)
@pytest.mark.parametrize("indices", [False, True])
def test_max_pool2d(shape, kw, indices):
    out = check(lambda m, x: F_(m).max_pool2d(x, return_indices=indices, **kw), [shape])
    if not indices and out.numel():
        assert out.grad_fn.name() == "MaxPool2DWithIndicesBackward0"


def test_max_pool_ties_nan_inf_and_integers():
    x = np.zeros((1, 1, 4, 4), np.float32)
    x[0, 0, 1, 1] = x[0, 0, 0, 1] = 5  # a tie: the first maximum takes the gradient
    x[0, 0, 2, 2] = np.nan
    x[0, 0, 0, 3] = -np.inf
    x[0, 0, 3, 0] = np.inf
    check(lambda m, x: F_(m).max_pool2d(x, 2, return_indices=True), [x])
    check(lambda m, x: F_(m).max_pool2d(x, 3, stride=1, padding=1), [x])
    check(lambda m, x: F_(m).max_pool2d(x, 2, return_indices=True), [np.arange(32).reshape(2, 1, 4, 4)], grad=False)
    check(lambda m, x: F_(m).max_pool2d(x, 2), [(2, 3, 4, 4)], dtype="float64")


def test_max_pool_noncontiguous():
    check(lambda m, x: F_(m).max_pool2d(x, 2), [rand((2, 6, 6, 3)).transpose(0, 3, 1, 2)])


AVG_POOL = [
    ((2, 3, 8, 8), dict(kernel_size=2)),
    ((2, 3, 7, 9), dict(kernel_size=3, stride=2)),
    ((1, 2, 7, 6), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1))),
    ((2, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ((2, 2, 7, 7), dict(kernel_size=2, ceil_mode=True)),
    ((2, 2, 6, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((2, 2, 6, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ((2, 2, 6, 6), dict(kernel_size=3, stride=2, padding=1, divisor_override=2)),
    ((3, 5, 5), dict(kernel_size=2, stride=1)),
]


@pytest.mark.parametrize("shape,kw", AVG_POOL)
def test_avg_pool2d(shape, kw):
    out = check(lambda m, x: F_(m).avg_pool2d(x, **kw), [shape])
    assert out.grad_fn.name() == "AvgPool2DBackward0"


def test_avg_pool_integers():
    check(lambda m, x: F_(m).avg_pool2d(x, 2), [np.arange(-16, 16).reshape(2, 1, 4, 4) * 3], grad=False)


@pytest.mark.parametrize("fn", [
    lambda m, x: F_(m).max_pool1d(x, 3, stride=2, padding=1),
    lambda m, x: F_(m).max_pool1d(x, 2, return_indices=True, ceil_mode=True),
    lambda m, x: F_(m).max_pool1d(x, 2, dilation=2),
    lambda m, x: F_(m).avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False),
    lambda m, x: F_(m).avg_pool1d(x, 2, ceil_mode=True),
    lambda m, x: F_(m).adaptive_avg_pool1d(x, 3),
    lambda m, x: F_(m).adaptive_max_pool1d(x, 3, return_indices=True),
])
@pytest.mark.parametrize("shape", [(2, 3, 9), (3, 8)])
def test_pool1d(fn, shape):
    check(fn, [shape])


@pytest.mark.parametrize("size", [1, (1, 1), 2, (2, 3), (3, 5), (5, 7), (2, None), (7, 4)])
@pytest.mark.parametrize("shape", [(2, 3, 7, 5), (3, 6, 4)])
def test_adaptive_avg_pool2d(size, shape):
    out = check(lambda m, x: F_(m).adaptive_avg_pool2d(x, size), [shape])
    t_out = torch.nn.functional.adaptive_avg_pool2d(torch.zeros(shape, requires_grad=True), size)
    assert out.grad_fn.name() == t_out.grad_fn.name()


@pytest.mark.parametrize("size", [1, 2, (2, 3), (5, 7), (3, None)])
def test_adaptive_max_pool2d(size):
    check(lambda m, x: F_(m).adaptive_max_pool2d(x, size, return_indices=True), [(2, 3, 7, 5)])
    check(lambda m, x: F_(m).adaptive_max_pool2d(x, size), [(3, 6, 5)])


@pytest.mark.parametrize("fn,shape", [
    (lambda m, x: F_(m).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), (1, 2, 6, 5)),
    (lambda m, x: F_(m).max_pool2d(x, 2, dilation=2), (1, 2, 5, 5)),
    (lambda m, x: F_(m).avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False, ceil_mode=True), (1, 2, 6, 5)),
    (lambda m, x: F_(m).adaptive_avg_pool2d(x, (2, 3)), (1, 2, 5, 4)),
    (lambda m, x: F_(m).adaptive_max_pool2d(x, (2, 3)), (1, 2, 5, 4)),
    (lambda m, x: F_(m).avg_pool1d(x, 2), (2, 2, 5)),
])
def test_pool_gradcheck(fn, shape):
    gradcheck64(fn, [shape])


@pytest.mark.parametrize("call,message", [
    (lambda m: F_(m).max_pool2d(m.randn(64, 1, 1), 2),
     r"Given input size: \(64x1x1\). Calculated output size: \(64x0x0\). Output size is too small"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 64, 1, 1), 2),
     r"Given input size: \(64x1x1\). Calculated output size: \(64x0x0\). Output size is too small"),
    (lambda m: F_(m).avg_pool2d(m.randn(2, 3, 1, 1), 2),
     r"Given input size: \(3x1x1\). Calculated output size: \(3x0x0\). Output size is too small"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 3, 5, 5), 3, padding=2),
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"),
    (lambda m: F_(m).avg_pool2d(m.randn(2, 3, 5, 5), 3, padding=2), "pad should be at most half"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 3, 5, 5), 2, stride=0), "stride should not be zero"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 3, 5, 5), 2, dilation=0),
     "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 3), 2), r"non-empty 3D or 4D \(batch mode\) tensor expected for input"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 0, 4, 4), 2),
     r"Expected 3D or 4D \(batch mode\) tensor with optional 0 dim"),
    (lambda m: F_(m).max_pool2d(m.randn(2, 3, 4, 4), (2, 2, 2)),
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda m: F_(m).adaptive_avg_pool2d(m.randn(2, 3, 0, 4), 2),
     r"adaptive_avg_pool2d\(\): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
     r"\[2, 3, 0, 4\] with dimension 2 being empty"),
])
def test_pool_errors(call, message):
    for m in (torch, ember):
        with pytest.raises(RuntimeError, match=message):
            call(m)


LAYERS = [
    "MaxPool2d(2)", "MaxPool2d((2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)",
    "MaxPool2d(3, 2, return_indices=True)", "AvgPool2d(2)", "AvgPool2d(3, 2, 1, True, False, 2)",
    "MaxPool1d(2)", "AvgPool1d(3, 2, 1)", "AdaptiveAvgPool2d(1)", "AdaptiveAvgPool2d((2, None))",
    "AdaptiveMaxPool2d(2)", "AdaptiveMaxPool2d((3, 2), return_indices=True)", "AdaptiveAvgPool1d(2)",
    "AdaptiveMaxPool1d(3)",
]


@pytest.mark.parametrize("expr", LAYERS)
def test_pool_layers(expr):
    e_layer, t_layer = eval(expr, {**vars(ember.nn)}), eval(expr, {**vars(torch.nn)})
    assert repr(e_layer) == repr(t_layer)
    assert list(e_layer.state_dict()) == []
    shape = (2, 3, 9) if "1d" in expr else (2, 3, 9, 8)
    check(lambda m, x: (e_layer if m is ember else t_layer)(x), [shape])


# ----------------------------------------------------------------- create_graph: gradients of gradients

@pytest.mark.parametrize("name,kwargs", [
    ("max_pool2d", dict(kernel_size=2)),
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d", dict(kernel_size=2)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
], ids=str)
def test_pooling_gradient_penalty_matches_torch(name, kwargs):
    def fn(m, x):
        y = getattr(m.nn.functional, name)(x * x, **kwargs)
        gx, = m.autograd.grad((y ** 3).sum(), x, create_graph=True)
        return (gx ** 2).sum()

    check(fn, [(2, 3, 8, 7)], rtol=1e-4, grad_rtol=1e-3, grad_atol=1e-4)


def test_avg_pool2d_gradgradcheck():
    x = ember.tensor(rand((1, 2, 5, 4), "float64"), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: ember.nn.functional.avg_pool2d(x, 2, stride=1), [x], eps=1e-6,
                                        atol=1e-5, rtol=1e-3)
