"""interpolate and Upsample against torch (nearest, nearest-exact, linear, bilinear, area); padding layers."""
import numpy as np
import pytest
from diff import check, gradcheck64, torch

import ember


def F_(m):
    return m.nn.functional


CASES = [
    ("nearest", (2, 3, 4, 5), dict(scale_factor=2)),
    ("nearest", (2, 3, 4, 5), dict(size=(7, 3))),
    ("nearest", (1, 2, 5, 5), dict(scale_factor=1.7)),
    ("nearest", (1, 2, 5, 5), dict(scale_factor=(0.5, 1.5), recompute_scale_factor=True)),
    ("nearest", (2, 3, 7), dict(scale_factor=2.5)),
    ("nearest-exact", (1, 2, 5, 4), dict(size=(8, 3))),
    ("bilinear", (2, 3, 4, 5), dict(scale_factor=2)),
    ("bilinear", (2, 3, 4, 5), dict(scale_factor=2, align_corners=True)),
    ("bilinear", (1, 2, 5, 6), dict(size=(3, 9), align_corners=False)),
    ("bilinear", (1, 2, 5, 6), dict(size=(1, 4), align_corners=True)),
    ("bilinear", (1, 2, 5, 6), dict(scale_factor=(0.6, 1.3))),
    ("linear", (2, 3, 6), dict(size=11)),
    ("linear", (2, 3, 6), dict(scale_factor=0.5, align_corners=True)),
    ("area", (2, 3, 7, 6), dict(size=(3, 4))),
    ("area", (2, 3, 8), dict(scale_factor=0.5)),
]


@pytest.mark.parametrize("mode,shape,kw", CASES)
def test_interpolate(mode, shape, kw):
    out = check(lambda m, x: F_(m).interpolate(x, mode=mode, **kw), [shape])
    t_out = torch.nn.functional.interpolate(torch.zeros(shape, requires_grad=True), mode=mode, **kw)
    assert out.grad_fn.name() == t_out.grad_fn.name()


@pytest.mark.parametrize("call,error,message", [
    (lambda m, x: F_(m).interpolate(x, size=3, mode="nearest", align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes"),
    (lambda m, x: F_(m).interpolate(x), ValueError, "either size or scale_factor should be defined"),
    (lambda m, x: F_(m).interpolate(x, size=3, scale_factor=2), ValueError,
     "only one of size or scale_factor should be defined"),
    (lambda m, x: F_(m).interpolate(x, scale_factor=2, mode="linear"), NotImplementedError,
     "Got 4D input, but linear mode needs 3D input"),
    (lambda m, x: F_(m).interpolate(x, size=(2, 2, 2)), ValueError,
     "Input and output must have the same number of spatial dimensions"),
])
def test_interpolate_errors(call, error, message):
    for m in (torch, ember):
        with pytest.raises(error, match=message):
            call(m, m.randn(1, 1, 4, 4))


LAYERS = ["Upsample(scale_factor=2)", "Upsample(size=(5, 7), mode='bilinear', align_corners=True)",
          "Upsample(scale_factor=(2, 3), mode='bilinear')", "UpsamplingNearest2d(scale_factor=2)",
          "UpsamplingBilinear2d(size=6)"]


@pytest.mark.parametrize("expr", LAYERS)
def test_upsample_layers(expr):
    e_layer, t_layer = eval(expr, {**vars(ember.nn)}), eval(expr, {**vars(torch.nn)})
    assert repr(e_layer) == repr(t_layer)
    check(lambda m, x: (e_layer if m is ember else t_layer)(x), [(2, 3, 4, 5)])


def test_deprecated_upsample_functions():
    for name in ("upsample", "upsample_nearest", "upsample_bilinear"):
        with pytest.warns(UserWarning, match=f"nn.functional.{name}` is deprecated"):
            out = getattr(ember.nn.functional, name)(ember.randn(1, 1, 3, 3), scale_factor=2)
        assert out.shape == (1, 1, 6, 6)


@pytest.mark.parametrize("mode,kw", [("bilinear", dict(size=(3, 5))), ("bilinear", dict(scale_factor=1.5,
                                     align_corners=True)), ("nearest", dict(scale_factor=2)), ("area", dict(size=2))])
def test_interpolate_gradcheck(mode, kw):
    gradcheck64(lambda m, x: F_(m).interpolate(x, mode=mode, **kw), [(1, 2, 4, 3)])


PADS = ["ZeroPad2d(2)", "ZeroPad2d((1, 2, 0, 3))", "ZeroPad1d((2, 1))", "ConstantPad2d((1, 0, 2, 1), 3.5)",
        "ConstantPad1d(2, -1.0)", "ReflectionPad2d((2, 1, 1, 2))", "ReflectionPad1d(2)", "ReplicationPad2d(2)",
        "ReplicationPad1d((1, 3))"]


@pytest.mark.parametrize("expr", PADS)
def test_padding_layers(expr):
    e_layer, t_layer = eval(expr, {**vars(ember.nn)}), eval(expr, {**vars(torch.nn)})
    assert repr(e_layer) == repr(t_layer)
    shape = (2, 3, 5) if "1d" in expr else (2, 3, 4, 5)
    check(lambda m, x: (e_layer if m is ember else t_layer)(x), [np.arange(np.prod(shape), dtype=np.float32)
                                                                 .reshape(shape)])


@pytest.mark.parametrize("kwargs", [dict(mode="bilinear", align_corners=False), dict(mode="bilinear",
                                    align_corners=True), dict(mode="area", size=(3, 2))], ids=str)
def test_interpolate_gradient_penalty_matches_torch(kwargs):
    kwargs = dict(kwargs)
    size = kwargs.pop("size", None)

    def fn(m, x):
        y = m.nn.functional.interpolate(x * x, size=size, scale_factor=None if size else 2, **kwargs)
        gx, = m.autograd.grad((y ** 3).sum(), x, create_graph=True)
        return (gx ** 2).sum()

    check(fn, [(2, 3, 6, 5)], rtol=1e-4, grad_rtol=1e-3, grad_atol=1e-4)
