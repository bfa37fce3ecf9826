"""3-D convolution and pooling against PyTorch: values and gradients through the functional forms and the
modules, with strides, padding, dilation, groups, ceil mode, indices; gradcheck of conv3d in float64."""
import numpy as np
import pytest
from diff import check, rand, torch

import ember


@pytest.mark.parametrize("kw, wshape", [({}, (3, 2, 2, 2, 2)), ({"stride": 2, "padding": 1}, (3, 2, 3, 3, 3)),
                                        ({"groups": 2, "dilation": (1, 2, 1)}, (4, 1, 2, 2, 2)),
                                        ({"padding": "same"}, (3, 2, 3, 1, 3))])
def test_conv3d(kw, wshape):
    check(lambda m, x, w, b: m.nn.functional.conv3d(x, w, b, **kw), [(2, 2, 5, 6, 5), wshape, (wshape[0],)],
          rtol=1e-4, atol=1e-5)


def test_conv3d_gradcheck_and_unbatched():
    x = ember.tensor(rand((1, 2, 3, 4, 3), "float64"), requires_grad=True)
    w = ember.tensor(rand((2, 2, 2, 2, 2), "float64"), requires_grad=True)
    assert ember.autograd.gradcheck(lambda a, b: ember.nn.functional.conv3d(a, b, stride=(1, 2, 1), padding=1),
                                    (x, w))
    check(lambda m, x, w: m.nn.functional.conv3d(x, w), [(2, 4, 4, 4), (3, 2, 2, 2, 2)])


@pytest.mark.parametrize("kw", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
                                {"kernel_size": (2, 3, 2), "stride": 2, "ceil_mode": True},
                                {"kernel_size": 2, "dilation": 2}])
def test_max_pool3d(kw):
    check(lambda m, x: m.nn.functional.max_pool3d(x, return_indices=True, **kw), [(2, 3, 5, 6, 7)])


@pytest.mark.parametrize("kw", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
                                {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
                                {"kernel_size": 2, "divisor_override": 3}])
def test_avg_pool3d(kw):
    check(lambda m, x: m.nn.functional.avg_pool3d(x, **kw), [(2, 3, 5, 6, 7)])


@pytest.mark.parametrize("size", [(2, 3, 4), 1, (None, 2, 5)])
def test_adaptive_pool3d(size):
    check(lambda m, x: m.nn.functional.adaptive_avg_pool3d(x, size), [(2, 3, 5, 6, 7)])
    check(lambda m, x: m.nn.functional.adaptive_max_pool3d(x, size, return_indices=True), [(2, 3, 5, 6, 7)])
    check(lambda m, x: m.nn.functional.adaptive_max_pool3d(x, size), [(3, 4, 5, 2)])


MODULES = [lambda m: m.nn.Conv3d(2, 4, 3, padding=1, bias=False), lambda m: m.nn.MaxPool3d(2),
           lambda m: m.nn.AvgPool3d(3, 1, 1), lambda m: m.nn.AdaptiveAvgPool3d((1, 2, 2)),
           lambda m: m.nn.AdaptiveMaxPool3d(2), lambda m: m.nn.LPPool3d(2, 2)]


@pytest.mark.parametrize("make", MODULES)
def test_modules(make):
    e, t = make(ember), make(torch)
    assert repr(e) == repr(t)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = rand((2, 2, 4, 4, 4), positive=True)
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kw, wshape", [({}, (4, 3, 2, 2, 2)),
                                        ({"stride": 2, "padding": 1, "output_padding": 1}, (4, 3, 3, 3, 3)),
                                        ({"groups": 2, "dilation": (1, 2, 1), "stride": (1, 2, 2)}, (4, 2, 2, 2, 3))])
def test_conv_transpose3d(kw, wshape):
    out_channels = wshape[1] * kw.get("groups", 1)
    check(lambda m, x, w, b: m.nn.functional.conv_transpose3d(x, w, b, **kw), [(2, 4, 3, 4, 3), wshape,
                                                                                (out_channels,)],
          rtol=1e-4, atol=1e-5)


def test_conv_transpose3d_module_and_lazy():
    for make in (lambda m: m.nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1),
                 lambda m: m.nn.LazyConvTranspose3d(3, 2)):
        e, t = make(ember), make(torch)
        x = rand((1, 2, 3, 3, 3))
        t(torch.tensor(x))
        e(ember.tensor(x))
        assert repr(e) == repr(t)
        e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
        np.testing.assert_allclose(e(ember.tensor(x), output_size=None).detach().numpy(),
                                   t(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kw", [{"kernel_size": 2, "stride": 2, "ceil_mode": True},
                                {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
                                {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                 "count_include_pad": False}])
def test_avg_pool3d_ceil_mode(kw):
    check(lambda m, x: m.nn.functional.avg_pool3d(x, **kw), [(2, 3, 5, 6, 7)])
