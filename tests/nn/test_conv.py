"""Convolutions against torch: values and gradients of input, weight and bias over many geometries; errors; layers."""
import math

import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember
import ember.nn.functional as F


def F_(m):
    return m.nn.functional


CONV2D = [  # (input shape, weight shape, keyword arguments)
    ((2, 3, 7, 7), (4, 3, 3, 3), {}),
    ((1, 1, 5, 6), (2, 1, 2, 3), {}),  # batch 1, non-square kernel, odd sizes
    ((2, 3, 9, 8), (4, 3, 3, 3), dict(stride=2)),
    ((2, 3, 9, 8), (4, 3, 3, 2), dict(stride=(2, 3), padding=(1, 2))),
    ((2, 3, 10, 9), (4, 3, 3, 3), dict(dilation=2, padding=1)),
    ((2, 3, 10, 9), (4, 3, 3, 3), dict(dilation=(1, 3), stride=(2, 1))),
    ((2, 4, 6, 6), (6, 2, 3, 3), dict(groups=2)),
    ((2, 4, 6, 6), (4, 1, 3, 3), dict(groups=4, padding=1)),  # depthwise
    ((2, 4, 6, 6), (8, 1, 3, 3), dict(groups=4, stride=2)),  # depthwise multiplier 2
    ((2, 3, 6, 5), (4, 3, 3, 3), dict(padding="same")),
    ((2, 3, 6, 5), (4, 3, 2, 4), dict(padding="same", dilation=(1, 2))),  # asymmetric 'same'
    ((2, 3, 6, 5), (4, 3, 3, 3), dict(padding="valid")),
    ((2, 3, 3, 3), (4, 3, 3, 3), {}),  # output 1x1
    ((2, 3, 1, 1), (4, 3, 3, 3), dict(padding=1)),
    ((2, 3, 5, 5), (4, 3, 1, 1), {}),
    ((3, 5, 5), (4, 3, 3, 3), dict(padding=1)),  # unbatched
    ((0, 3, 5, 5), (4, 3, 3, 3), {}),  # empty batch
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV2D)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d(x_shape, w_shape, kw, bias):
    inputs = [x_shape, w_shape] + ([(w_shape[0],)] if bias else [])
    check(lambda m, x, w, *b: F_(m).conv2d(x, w, *b, **kw), inputs, rtol=1e-4, atol=1e-5)


CONV1D = [
    ((2, 3, 9), (4, 3, 3), {}),
    ((1, 2, 7), (3, 2, 2), dict(stride=2, padding=1)),
    ((2, 4, 11), (4, 2, 3), dict(groups=2, dilation=2)),
    ((2, 3, 8), (4, 3, 4), dict(padding="same")),
    ((3, 9), (4, 3, 3), dict(padding="valid")),
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV1D)
def test_conv1d(x_shape, w_shape, kw):
    check(lambda m, x, w, b: F_(m).conv1d(x, w, b, **kw), [x_shape, w_shape, (w_shape[0],)], rtol=1e-4, atol=1e-5)


TRANSPOSED = [
    ((2, 3, 5, 5), (3, 4, 3, 3), {}),
    ((2, 3, 5, 4), (3, 2, 3, 2), dict(stride=2, padding=1, output_padding=1)),
    ((1, 4, 4, 4), (4, 3, 3, 3), dict(stride=(2, 3), padding=(0, 1), output_padding=(1, 2))),
    ((2, 4, 5, 5), (4, 1, 3, 3), dict(groups=2, dilation=2)),
    ((2, 3, 4, 4), (3, 2, 4, 4), dict(stride=2, padding=1)),  # the DCGAN upsampling block
    ((3, 4, 4), (3, 2, 3, 3), dict(stride=2)),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw", TRANSPOSED)
def test_conv_transpose2d(x_shape, w_shape, kw):
    out_channels = w_shape[1] * kw.get("groups", 1)
    check(lambda m, x, w, b: F_(m).conv_transpose2d(x, w, b, **kw), [x_shape, w_shape, (out_channels,)],
          rtol=1e-4, atol=1e-5)


def test_conv_transpose1d():
    check(lambda m, x, w, b: F_(m).conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=2),
          [(2, 3, 5), (3, 2, 4), (2,)], rtol=1e-4, atol=1e-5)


def test_conv_float64_noncontiguous_and_grad_fn():
    x = rand((2, 7, 7, 3)).transpose(0, 3, 1, 2)
    out = check(lambda m, x, w: F_(m).conv2d(x, w, stride=2), [x, rand((4, 3, 3, 3))])
    assert out.grad_fn.name() == "ConvolutionBackward0"
    check(lambda m, x, w, b: F_(m).conv2d(x, w, b, padding=1), [(2, 3, 5, 5), (4, 3, 3, 3), (4,)], dtype="float64")
    out = F.conv1d(ember.randn(2, 3, 5), ember.randn(4, 3, 3, requires_grad=True))
    assert out.dtype == ember.float32 and out.grad_fn.name() == "ConvolutionBackward0"


def test_conv_integer_input():
    x, w = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5), np.arange(4 * 3 * 3 * 3).reshape(4, 3, 3, 3) % 5
    check(lambda m, x, w: F_(m).conv2d(x, w, padding=1), [x, w], grad=False)


def test_conv_grads_only_where_needed():
    x = ember.randn(2, 3, 5, 5)
    w = ember.randn(4, 3, 3, 3, requires_grad=True)
    F.conv2d(x, w).sum().backward()
    assert x.grad is None and w.grad.shape == (4, 3, 3, 3)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, x, w, b: F_(m).conv2d(x, w, b, stride=2, padding=1, dilation=(1, 2)),
     [(2, 2, 5, 6), (3, 2, 2, 2), (3,)]),
    (lambda m, x, w: F_(m).conv2d(x, w, groups=2, padding="same"), [(1, 4, 4, 4), (4, 2, 2, 3)]),
    (lambda m, x, w, b: F_(m).conv1d(x, w, b, stride=2), [(2, 2, 7), (3, 2, 3), (3,)]),
    (lambda m, x, w, b: F_(m).conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
     [(1, 2, 3, 3), (2, 3, 3, 3), (3,)]),
    (lambda m, x, w: F_(m).conv_transpose1d(x, w, groups=2, dilation=2), [(2, 4, 4), (4, 1, 3)]),
])
def test_conv_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)


@pytest.mark.parametrize("call,message", [
    (lambda m: F_(m).conv2d(m.randn(1, 3, 2, 2), m.randn(4, 3, 3, 3)),
     r"Calculated padded input size per channel: \(2 x 2\). Kernel size: \(3 x 3\). Kernel size can't be greater "
     r"than actual input size"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), dilation=3),
     r"Calculated padded input size per channel: \(5 x 5\). Kernel size: \(7 x 7\)"),
    (lambda m: F_(m).conv1d(m.randn(2, 3, 2), m.randn(4, 3, 3)),
     r"Calculated padded input size per channel: \(2\). Kernel size: \(3\)"),
    (lambda m: F_(m).conv2d(m.randn(64, 3, 28, 28), m.randn(32, 1, 3, 3)),
     r"Given groups=1, weight of size \[32, 1, 3, 3\], expected input\[64, 3, 28, 28\] to have 1 channels, but got "
     r"3 channels instead"),
    (lambda m: F_(m).conv2d(m.randn(2, 3), m.randn(4, 3, 3, 3)),
     r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[2, 3\]"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), stride=0), "non-positive stride"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), padding=-1), "negative padding"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), dilation=0), "non-positive dilation"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), stride=2, padding="same"),
     "padding='same' is not supported for strided convolutions"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), padding="foo"), "Invalid padding string: 'foo'"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), m.randn(3)),
     r"Given weight of size \[4, 3, 3, 3\], expected bias to be 1-dimensional with 4 elements, but got bias of size "
     r"\[3\] instead"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3).double()),
     r"Input type \(torch.FloatTensor\) and weight type \(torch.DoubleTensor\) should be the same"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), m.randn(4).double()),
     r"Input type \(float\) and bias type \(double\) should be the same"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 1, 3, 3), groups=3),
     r"Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size \[\[4, 1, 3, 3\]\]"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 1, 3, 3), groups=0), "non-positive groups"),
    (lambda m: F_(m).conv2d(m.randn(2, 3, 5, 5), m.randn(4, 3, 3, 3), stride=(1, 2, 3)),
     r"expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but "
     r"got stride=\[1, 2, 3\]"),
    (lambda m: F_(m).conv_transpose2d(m.randn(2, 3, 5, 5), m.randn(3, 4, 3, 3), output_padding=1),
     "output padding must be smaller than either stride or dilation, but got output_padding_height: 1 "
     "output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1"),
    (lambda m: F_(m).conv_transpose2d(m.randn(2, 3, 5, 5), m.randn(4, 4, 3, 3)),
     r"Given transposed=1, weight of size \[4, 4, 3, 3\], expected input\[2, 3, 5, 5\] to have 4 channels, but got 3 "
     r"channels instead"),
])
def test_conv_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call(torch)
    with pytest.raises(RuntimeError, match=message):
        call(ember)


# ----------------------------------------------------------------- layers

LAYERS = [
    "Conv2d(1, 32, 3, 1)", "Conv2d(4, 8, (3, 5), stride=2, padding=1, dilation=2, groups=2, bias=False)",
    "Conv2d(4, 8, 3, padding='same', padding_mode='reflect')", "Conv2d(4, 8, 3, padding=1, padding_mode='circular')",
    "Conv2d(4, 8, 3, padding=(2, 1), padding_mode='replicate')", "Conv1d(4, 8, 3, padding='valid')",
    "Conv1d(4, 8, 3, padding=2, padding_mode='reflect')", "ConvTranspose2d(4, 8, 3, stride=2, output_padding=1)",
    "ConvTranspose1d(4, 8, 3, groups=2, bias=False)",
]


@pytest.mark.parametrize("expr", LAYERS)
def test_conv_layer_matches_torch(expr):
    e_layer, t_layer = eval(expr, {**vars(ember.nn)}), eval(expr, {**vars(torch.nn)})
    assert repr(e_layer) == repr(t_layer)
    assert list(e_layer.state_dict()) == list(t_layer.state_dict())
    assert [tuple(p.shape) for p in e_layer.parameters()] == [tuple(p.shape) for p in t_layer.parameters()]
    e_layer.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_layer.state_dict().items()})
    spatial = (9, 10) if "2d" in expr else (11,)
    x = rand((2, e_layer.in_channels) + spatial)
    check(lambda m, x: (e_layer if m is ember else t_layer)(x), [x], rtol=1e-4, atol=1e-5)
    for (name, ep), tp in zip(e_layer.named_parameters(), t_layer.parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=name)


def test_conv_default_init_bounds():
    layer = ember.nn.Conv2d(8, 16, (3, 5), groups=2)
    fan_in = 4 * 3 * 5
    assert np.abs(layer.weight.detach().numpy()).max() <= 1 / math.sqrt(fan_in)  # kaiming_uniform(a=sqrt(5))
    assert np.abs(layer.bias.detach().numpy()).max() <= 1 / math.sqrt(fan_in)
    assert layer.weight.detach().numpy().std() > 0.5 / math.sqrt(3 * fan_in)
    t = ember.nn.ConvTranspose2d(4, 6, 3)
    assert t.weight.shape == (4, 6, 3, 3) and np.abs(t.bias.detach().numpy()).max() <= 1 / math.sqrt(6 * 9)


def test_conv_transpose_output_size():
    e = ember.nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1)
    t = torch.nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1)
    assert e(ember.randn(1, 4, 5, 5), output_size=[10, 10]).shape == (1, 8, 10, 10)
    assert t(torch.randn(1, 4, 5, 5), output_size=[10, 10]).shape == (1, 8, 10, 10)
    with pytest.raises(ValueError, match=r"requested an output size of \[12, 12\], but valid sizes range from "
                                         r"\[9, 9\] to \[10, 10\]"):
        e(ember.randn(1, 4, 5, 5), output_size=[12, 12])


@pytest.mark.parametrize("kwargs,message", [
    (dict(groups=2, in_channels=3), "in_channels must be divisible by groups"),
    (dict(groups=2, out_channels=7), "out_channels must be divisible by groups"),
    (dict(groups=0), "groups must be a positive integer"),
    (dict(padding="foo"), "Invalid padding string 'foo', should be one of"),  # torch prints a set: any order
    (dict(padding="same", stride=2), "padding='same' is not supported for strided convolutions"),
    (dict(padding_mode="foo"), "padding_mode must be one of"),
])
def test_conv_layer_errors(kwargs, message):
    args = dict(in_channels=4, out_channels=8, kernel_size=3)
    args.update(kwargs)
    for m in (torch, ember):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("{", r"\{")):
            m.nn.Conv2d(**args)
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        ember.nn.ConvTranspose2d(4, 8, 3, padding_mode="reflect")


def test_mnist_cnn_trains_like_torch():
    """The MNIST example's convolutional stack: same weights, same batch, same loss and gradients as torch."""
    def net(m):
        nn = m.nn
        return nn.Sequential(nn.Conv2d(1, 8, 3, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(16 * 12 * 12, 10), nn.LogSoftmax(dim=1))
    e_net, t_net = net(ember), net(torch)
    e_net.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t_net.state_dict().items()})
    x, y = rand((4, 1, 28, 28)), np.array([3, 1, 4, 1])
    e_loss = ember.nn.functional.nll_loss(e_net(ember.tensor(x)), ember.tensor(y))
    t_loss = torch.nn.functional.nll_loss(t_net(torch.tensor(x)), torch.tensor(y))
    assert e_loss.item() == pytest.approx(t_loss.item(), rel=1e-5)
    e_loss.backward()
    t_loss.backward()
    for (name, ep), tp in zip(e_net.named_parameters(), t_net.parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-3, atol=1e-5, err_msg=name)


# ----------------------------------------------------------------- create_graph: gradients of gradients

GEOMETRIES = [dict(), dict(stride=2, padding=1), dict(dilation=2, padding=2, stride=(1, 2)), dict(padding="same")]


@pytest.mark.parametrize("kwargs", GEOMETRIES, ids=str)
def test_conv2d_gradient_penalty_matches_torch(kwargs):
    # WGAN-GP's penalty: the norm of d(output)/d(input), itself differentiated
    def fn(m, x, w, b):
        y = m.nn.functional.conv2d(x, w, b, **kwargs)
        gx, = m.autograd.grad((y.tanh() ** 2).sum(), x, create_graph=True)
        return (gx ** 2).sum()

    check(fn, [(2, 3, 7, 6), (4, 3, 3, 2), (4,)], rtol=1e-4, grad_rtol=1e-3, grad_atol=1e-4)


def test_conv1d_gradient_penalty_matches_torch():
    def fn(m, x, w):
        gx, = m.autograd.grad((m.nn.functional.conv1d(x, w, stride=2, padding=1) ** 3).sum(), x,
                              create_graph=True)
        return (gx ** 2).sum()

    check(fn, [(2, 3, 9), (4, 3, 3)], rtol=1e-4, grad_rtol=1e-3, grad_atol=1e-4)


@pytest.mark.parametrize("kwargs", GEOMETRIES[:3], ids=str)
def test_conv2d_gradgradcheck(kwargs):
    x, w, b = (ember.tensor(rand(s, "float64"), requires_grad=True) for s in ((1, 2, 5, 4), (3, 2, 2, 2), (3,)))
    assert ember.autograd.gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b], eps=1e-6,
                                        atol=1e-5, rtol=1e-3)


def test_create_graph_through_grouped_conv_says_it_is_unsupported():
    x = ember.randn(1, 4, 5, 5, requires_grad=True)
    y = F.conv2d(x, ember.randn(4, 2, 3, 3), groups=2)
    with pytest.raises(NotImplementedError, match="groups=1 only"):
        ember.autograd.grad(y.sum(), x, create_graph=True)
