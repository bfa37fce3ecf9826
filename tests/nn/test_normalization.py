"""Batch, layer and group norm against torch: values, gradients, running statistics, modes, errors, layers."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember


def F_(m):
    return m.nn.functional


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (4, 3, 5, 6), (2, 3, 1, 1)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_functional(shape, training, affine):
    c = shape[1]
    stats = [rand((c,)), rand((c,), positive=True)]

    def fn(m, x, *wb):
        rm, rv = m.tensor(stats[0].copy()), m.tensor(stats[1].copy())
        out = F_(m).batch_norm(x, rm, rv, *wb, training=training, momentum=0.3, eps=1e-3)
        return out, rm, rv  # the running statistics, updated in place in training

    out = check(fn, [shape] + ([(c,), (c,)] if affine else []), rtol=1e-4, atol=1e-5)
    assert out[0].grad_fn.name() == "NativeBatchNormBackward0"


def test_batch_norm_without_running_stats_and_float64():
    check(lambda m, x, w, b: F_(m).batch_norm(x, None, None, w, b, training=True), [(5, 3, 4), (3,), (3,)],
          rtol=1e-4, atol=1e-5)
    check(lambda m, x: F_(m).batch_norm(x, None, None, training=True), [(6, 2, 3, 3)], dtype="float64")
    check(lambda m, x: F_(m).batch_norm(x, None, None, training=True), [rand((3, 5, 5, 4)).transpose(0, 3, 1, 2)],
          rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("call,error,message", [
    (lambda m: F_(m).batch_norm(m.randn(1, 3), None, None, training=True), ValueError,
     r"Expected more than 1 value per channel when training, got input size torch.Size\(\[1, 3\]\)"),
    (lambda m: F_(m).batch_norm(m.randn(4, 3, 5), None, None), RuntimeError,
     "running_mean must be defined in evaluation mode"),
    (lambda m: F_(m).batch_norm(m.randn(4, 3, 5), m.zeros(4), m.ones(3), training=True), RuntimeError,
     "running_mean should contain 3 elements not 4"),
    (lambda m: F_(m).batch_norm(m.randn(4, 3, 5), None, None, m.randn(4), training=True), RuntimeError,
     "weight should contain 3 elements not 4"),
    (lambda m: m.nn.BatchNorm2d(3)(m.randn(2, 3, 4)), ValueError, r"expected 4D input \(got 3D input\)"),
    (lambda m: m.nn.BatchNorm1d(3)(m.randn(2, 3, 4, 4)), ValueError, r"expected 2D or 3D input \(got 4D input\)"),
])
def test_batch_norm_errors(call, error, message):
    for m in (torch, ember):
        with pytest.raises(error, match=message):
            call(m)


@pytest.mark.parametrize("kind,shape", [("BatchNorm1d", (6, 4)), ("BatchNorm1d", (6, 4, 5)),
                                        ("BatchNorm2d", (5, 4, 3, 3))])
@pytest.mark.parametrize("kwargs", [{}, dict(momentum=None), dict(momentum=0.5, eps=1e-3), dict(affine=False),
                                    dict(track_running_stats=False), dict(bias=False)])
def test_batch_norm_layer_steps(kind, shape, kwargs):
    """Several training steps then eval: outputs, gradients, running statistics and the batch count as torch."""
    e_layer, t_layer = getattr(ember.nn, kind)(shape[1], **kwargs), getattr(torch.nn, kind)(shape[1], **kwargs)
    assert repr(e_layer) == repr(t_layer)
    assert list(e_layer.state_dict()) == list(t_layer.state_dict())
    if e_layer.weight is not None:
        w = rand((shape[1],))
        e_layer.weight.data = ember.tensor(w)
        t_layer.weight.data = torch.tensor(w)
    for step in range(3):
        x = rand(shape) * (step + 1) + step
        check(lambda m, x: (e_layer if m is ember else t_layer)(x), [x], rtol=1e-4, atol=1e-5)
    for (k, ev), tv in zip(e_layer.state_dict().items(), t_layer.state_dict().values()):
        np.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
        assert str(ev.dtype) == str(tv.dtype), k
    e_layer.eval()
    t_layer.eval()
    check(lambda m, x: (e_layer if m is ember else t_layer)(x), [shape], rtol=1e-4, atol=1e-5)


def test_batch_norm_load_and_reset():
    layer = ember.nn.BatchNorm2d(3)
    layer(ember.randn(4, 3, 2, 2))
    assert layer.num_batches_tracked.item() == 1 and layer.num_batches_tracked.dtype == ember.int64
    state = torch.nn.BatchNorm2d(3).state_dict()
    del state["num_batches_tracked"]
    state._metadata[""]["version"] = 1  # a checkpoint from before the batch count was kept
    layer.load_state_dict({k: ember.tensor(v.numpy()) for k, v in state.items()})
    layer.reset_running_stats()
    assert layer.running_var.tolist() == [1, 1, 1] and layer.num_batches_tracked.item() == 0


@pytest.mark.parametrize("shape,normalized", [((4, 5), [5]), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((3,), (3,))])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm(shape, normalized, affine):
    norm = tuple(normalized)
    params = {"both": [norm, norm], "weight": [norm], "none": []}[affine]
    out = check(lambda m, x, *wb: F_(m).layer_norm(x, normalized, *wb, eps=1e-4), [shape] + params, rtol=1e-4,
                atol=1e-5)
    assert out.grad_fn.name() == "NativeLayerNormBackward0"


def test_layer_norm_errors_and_layer():
    for m in (torch, ember):
        with pytest.raises(TypeError, match="must be tuple of ints, not int"):
            F_(m).layer_norm(m.randn(4, 3, 5), 5)
        with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], "
                                               r"but got input of size\[4, 3, 5\]"):
            F_(m).layer_norm(m.randn(4, 3, 5), (4,))
        with pytest.raises(RuntimeError, match=r"Expected weight to be of same shape as normalized_shape, but got "
                                               r"weight of shape \[4\] and normalized_shape = \[5\]"):
            F_(m).layer_norm(m.randn(4, 3, 5), (5,), m.randn(4))
    for kwargs in ({}, dict(elementwise_affine=False), dict(bias=False), dict(eps=1e-3)):
        e_layer, t_layer = ember.nn.LayerNorm((3, 4), **kwargs), torch.nn.LayerNorm((3, 4), **kwargs)
        assert repr(e_layer) == repr(t_layer)
        assert list(e_layer.state_dict()) == list(t_layer.state_dict())
        layers = {ember: e_layer, torch: t_layer}
        check(lambda m, x: layers[m](x), [(2, 3, 4)], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape,groups", [((2, 6, 4, 4), 3), ((3, 4, 5), 2), ((2, 4), 2), ((2, 6, 3, 3), 1)])
def test_group_norm(shape, groups):
    out = check(lambda m, x, w, b: F_(m).group_norm(x, groups, w, b), [shape, (shape[1],), (shape[1],)], rtol=1e-4,
                atol=1e-5)
    assert out.grad_fn.name() == "NativeGroupNormBackward0"
    e_layer, t_layer = ember.nn.GroupNorm(groups, shape[1]), torch.nn.GroupNorm(groups, shape[1])
    assert repr(e_layer) == repr(t_layer) and list(e_layer.state_dict()) == list(t_layer.state_dict())
    for m in (torch, ember):
        with pytest.raises(RuntimeError, match=r"Expected number of channels in input to be divisible by num_groups, "
                                               r"but got input of shape \[4, 3, 5, 5\] and num_groups=2"):
            F_(m).group_norm(m.randn(4, 3, 5, 5), 2)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, x, w, b: F_(m).batch_norm(x, None, None, w, b, training=True), [(4, 3, 2), (3,), (3,)]),
    (lambda m, x, w: F_(m).batch_norm(x, m.tensor([0.5, -1.0], dtype=m.float64),
                                      m.tensor([0.7, 2.0], dtype=m.float64), w, None), [(3, 2, 2, 2), (2,)]),
    (lambda m, x, w, b: F_(m).layer_norm(x, (3, 2), w, b), [(2, 3, 2), (3, 2), (3, 2)]),
    (lambda m, x, w, b: F_(m).group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
])
def test_norm_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)


# ----------------------------------------------------------------- create_graph: gradients of gradients
# The statistics depend on every input: second derivatives must see that (they did not, silently, before).

NORMS = {
    "batch_norm": lambda m, x, w: m.nn.functional.batch_norm(x, None, None, w, None, training=True),
    "batch_norm eval": lambda m, x, w: m.nn.functional.batch_norm(
        x, m.tensor([0.0, 1.0, 2.0]), m.tensor([1.0, 2.0, 3.0]), w, None, training=False),
    "layer_norm": lambda m, x, w: m.nn.functional.layer_norm(x, x.shape[-1:], w.repeat(2)[:x.shape[-1]]),
    "group_norm": lambda m, x, w: m.nn.functional.group_norm(x, 3, w),
}


@pytest.mark.parametrize("name", sorted(NORMS))
def test_norm_gradient_penalty_matches_torch(name):
    def fn(m, x, w):
        y = NORMS[name](m, x * x, w)
        gx, = m.autograd.grad((y ** 3).sum(), x, create_graph=True)
        return (gx ** 2).sum()

    check(fn, [(4, 3, 5), (3,)], rtol=1e-4, grad_rtol=1e-3, grad_atol=1e-4)


@pytest.mark.parametrize("name", ["batch_norm", "layer_norm", "group_norm"])
def test_norm_gradgradcheck(name):
    x, w = (ember.tensor(rand(s, "float64"), requires_grad=True) for s in ((4, 3, 2), (3,)))
    assert ember.autograd.gradgradcheck(lambda x, w: NORMS[name](ember, x, w), [x, w], eps=1e-6, atol=1e-5,
                                        rtol=1e-3)
