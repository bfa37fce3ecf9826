"""Loss functions against torch.nn.functional: every reduction, weights, ignore_index, label smoothing,
probability targets, bad input errors, gradients (and finite differences in float64)."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember
import ember.nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]
_rng = np.random.default_rng(1)


def targets(shape, n_classes):
    return _rng.integers(0, n_classes, size=shape).astype(np.int64)


def F_(m):
    return m.nn.functional


def grad_fn_name(out):
    return out.grad_fn.name() if out.grad_fn is not None else None


# ----------------------------------------------------------------- cross_entropy / nll_loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("x_shape,t_shape", [((8, 5), (8,)), ((4, 5, 3), (4, 3)), ((2, 5, 3, 2), (2, 3, 2)),
                                             ((5,), ()), ((0, 5), (0,))])
def test_cross_entropy_class_indices(reduction, x_shape, t_shape):
    t = targets(t_shape, 5)
    out = check(lambda m, x, t: F_(m).cross_entropy(x, t, reduction=reduction), [x_shape, t])
    tx = torch.zeros(x_shape, requires_grad=True)
    assert grad_fn_name(out) == grad_fn_name(torch.nn.functional.cross_entropy(tx, torch.tensor(t),
                                                                               reduction=reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [dict(weight=True), dict(ignore_index=2), dict(label_smoothing=0.2),
                                     dict(weight=True, ignore_index=0, label_smoothing=0.1),
                                     dict(ignore_index=-1)])
def test_cross_entropy_options(reduction, options):
    w = rand((5,), positive=True)
    t = targets((12,), 5)
    t[:3] = options.get("ignore_index", 0)

    def fn(m, x, t):
        kw = dict(options)
        if kw.pop("weight", False):
            kw["weight"] = m.tensor(w)
        return F_(m).cross_entropy(x, t, reduction=reduction, **kw)

    check(fn, [(12, 5), t])
    check(fn, [(3, 5, 4), t.reshape(3, 4)])


def test_cross_entropy_everything_ignored_is_nan():
    check(lambda m, x, t: F_(m).cross_entropy(x, t), [(3, 5), np.full(3, -100)])
    check(lambda m, x, t: F_(m).cross_entropy(x, t, reduction="sum"), [(3, 5), np.full(3, -100)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(label_smoothing=0.3), dict(weight=True)])
@pytest.mark.parametrize("shape", [(6, 4), (2, 4, 3), (4,)])
def test_cross_entropy_probabilities(reduction, options, shape):
    w = rand((4,), positive=True)
    p = _rng.dirichlet(np.ones(4), size=int(np.prod(shape)) // 4).astype(np.float32)
    p = np.moveaxis(p.reshape((shape[0],) + shape[2:] + (4,)), -1, 1) if len(shape) > 1 else p.reshape(shape)

    def fn(m, x, t):
        kw = dict(options)
        if kw.pop("weight", False):
            kw["weight"] = m.tensor(w)
        return F_(m).cross_entropy(x, t, reduction=reduction, **kw)

    out = check(fn, [shape, p])
    assert grad_fn_name(out) == grad_fn_name(fn(torch, torch.zeros(shape, requires_grad=True), torch.tensor(p)))


def test_cross_entropy_mixed_precision_probabilities():
    check(lambda m, x, t: F_(m).cross_entropy(x, t), [rand((3, 4)), rand((3, 4), "float64", positive=True)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(weight=True), dict(ignore_index=1), dict(weight=True, ignore_index=3)])
def test_nll_loss(reduction, options):
    w = rand((5,), positive=True)

    def fn(m, x, t):
        kw = dict(options)
        if kw.pop("weight", False):
            kw["weight"] = m.tensor(w)
        return F_(m).nll_loss(F_(m).log_softmax(x, 1), t, reduction=reduction, **kw)

    check(fn, [(10, 5), targets((10,), 5)])
    check(fn, [(2, 5, 3), targets((2, 3), 5)])
    out = check(lambda m, x, t: F_(m).nll_loss(x, t, reduction=reduction), [(5,), np.array(3)])
    assert grad_fn_name(out) == "NllLossBackward0"


def test_cross_entropy_gradcheck():
    t = ember.tensor(targets((6,), 4))
    w = ember.tensor(rand((4,), "float64", positive=True))
    for kw in ({}, dict(weight=w, label_smoothing=0.2, ignore_index=1), dict(reduction="none")):
        gradcheck64(lambda m, x: F_(m).cross_entropy(x, t, **kw), [(6, 4)])
    t2 = ember.tensor(targets((2, 3), 4))
    gradcheck64(lambda m, x: F_(m).cross_entropy(x, t2, reduction="sum"), [(2, 4, 3)])
    gradcheck64(lambda m, x, p: F_(m).cross_entropy(x, p.softmax(1), label_smoothing=0.1), [(3, 4), (3, 4)])
    gradcheck64(lambda m, x: F_(m).nll_loss(x, t, weight=w), [(6, 4)])


def test_cross_entropy_double_backward():
    t = targets((5,), 4)
    for kw in ({}, dict(label_smoothing=0.1), dict(reduction="none")):
        check(lambda m, x, t: m.autograd.grad(F_(m).cross_entropy(x, t, **kw).sum(), x, create_graph=True)[0],
              [(5, 4), t], rtol=1e-4, atol=1e-5)


def test_cross_entropy_float64_and_float16():
    check(lambda m, x, t: F_(m).cross_entropy(x, t), [(8, 5), targets((8,), 5)], dtype="float64", rtol=1e-12)
    check(lambda m, x, t: F_(m).cross_entropy(x, t), [(8, 5), targets((8,), 5)], dtype="float16", rtol=1e-3,
          atol=1e-3, grad=False)
    check(lambda m, x, t: F_(m).cross_entropy(x, t), [(8, 5), targets((8,), 5).astype(np.uint8)])


@pytest.mark.parametrize("x_shape,target,exc,msg", [
    ((8, 5), np.zeros(8, np.float32), RuntimeError, "expected target dtype to be Long or Byte, but got Float"),
    ((8, 5), np.zeros(8, np.int32), RuntimeError, "expected target dtype to be Long or Byte, but got Int"),
    ((8, 5), np.full(8, 12), IndexError, "Target 12 is out of bounds."),
    ((8, 5), np.full(8, -3), IndexError, "Target -3 is out of bounds."),
    ((8, 5), np.zeros(4, np.int64), ValueError, r"Expected input batch_size \(8\) to match target batch_size \(4\)."),
    ((8, 5), np.zeros((8, 2), np.int64), RuntimeError, "0D or 1D target tensor expected, multi-target not supported"),
    ((8, 5, 3), np.zeros((8, 4), np.int64), RuntimeError, r"Expected target size \[8, 3\], got \[8, 4\]"),
    ((8, 5), np.zeros((8, 4), np.float32), RuntimeError, "0D or 1D target tensor expected"),
    ((5,), np.array([1, 2]), ValueError, "For 1D input, 1D target must have size 1, but got target size: 2"),
])
def test_cross_entropy_errors(x_shape, target, exc, msg):
    x = ember.randn(*x_shape)
    with pytest.raises(exc, match=msg):
        F.cross_entropy(x, ember.tensor(target))
    with pytest.raises(exc):
        torch.nn.functional.cross_entropy(torch.randn(*x_shape), torch.tensor(target))
    if target.dtype.kind != "f":
        with pytest.raises(exc, match=msg):
            F.nll_loss(x, ember.tensor(target))


def test_cross_entropy_option_errors():
    x, t = ember.randn(8, 5), ember.tensor(targets((8,), 5))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.cross_entropy(x, t, reduction="foo")
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        F.cross_entropy(x, t, label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5 classes or no classes "
                                           r"but got weight tensor of shape: \[3\]"):
        F.cross_entropy(x, t, weight=ember.ones(3))
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point target"):
        F.cross_entropy(x, ember.rand(8, 5), ignore_index=1)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F.cross_entropy(x.long(), t)


def test_legacy_reduction_flags():
    x, t = ember.randn(8, 5), ember.tensor(targets((8,), 5))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use "
                                         "reduction='sum' instead."):
        out = F.cross_entropy(x, t, size_average=False)
    np.testing.assert_allclose(out.item(), F.cross_entropy(x, t, reduction="sum").item(), rtol=1e-6)


# ----------------------------------------------------------------- elementwise losses

ELEMENTWISE = {
    "mse": lambda m, x, t, r: F_(m).mse_loss(x, t, reduction=r),
    "l1": lambda m, x, t, r: F_(m).l1_loss(x, t, reduction=r),
    "smooth_l1": lambda m, x, t, r: F_(m).smooth_l1_loss(x, t, reduction=r),
    "smooth_l1_beta": lambda m, x, t, r: F_(m).smooth_l1_loss(x, t, reduction=r, beta=0.5),
    "smooth_l1_beta0": lambda m, x, t, r: F_(m).smooth_l1_loss(x, t, reduction=r, beta=0.0),
    "huber": lambda m, x, t, r: F_(m).huber_loss(x, t, reduction=r, delta=0.7),
    "bce": lambda m, x, t, r: F_(m).binary_cross_entropy(x.sigmoid(), t.sigmoid(), reduction=r),
    "bce_logits": lambda m, x, t, r: F_(m).binary_cross_entropy_with_logits(x * 4, t.sigmoid(), reduction=r),
    "kl_div": lambda m, x, t, r: F_(m).kl_div(F_(m).log_softmax(x, -1), t.softmax(-1),
                                              reduction="batchmean" if r == "mean" else r),
    "kl_div_log": lambda m, x, t, r: F_(m).kl_div(x, t, reduction="batchmean" if r == "mean" else r,
                                                  log_target=True),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_losses(name, reduction):
    out = check(lambda m, x, t: ELEMENTWISE[name](m, x, t, reduction), [(6, 5), (6, 5)])
    tx, tt = torch.zeros(6, 5, requires_grad=True), torch.zeros(6, 5, requires_grad=True)
    assert grad_fn_name(out) == grad_fn_name(ELEMENTWISE[name](torch, tx, tt, reduction)), name


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_losses_gradcheck(name):
    gradcheck64(lambda m, x, t: ELEMENTWISE[name](m, x, t, "mean"), [(3, 4), (3, 4)])


@pytest.mark.parametrize("name", ["mse", "l1", "smooth_l1", "huber"])
def test_regression_losses_broadcast_with_warning(name):
    with pytest.warns(UserWarning, match="Using a target size"):
        check(lambda m, x, t: ELEMENTWISE[name](m, x, t, "mean"), [(6, 5), (6, 1)])


def test_weighted_losses():
    w = rand((6, 5), positive=True)
    p = _rng.random((6, 5)).astype(np.float32)
    for r in REDUCTIONS:
        check(lambda m, x, t: F_(m).mse_loss(x, t, reduction=r, weight=m.tensor(w)), [(6, 5), (6, 5)])
        check(lambda m, x, t: F_(m).l1_loss(x, t, reduction=r, weight=m.tensor(w)), [(6, 5), (6, 5)])
        check(lambda m, x, t: F_(m).huber_loss(x, t, reduction=r, weight=m.tensor(w)), [(6, 5), (6, 5)])
        check(lambda m, x, t: F_(m).binary_cross_entropy(x.sigmoid(), t, weight=m.tensor(w), reduction=r),
              [(6, 5), p])
        check(lambda m, x, t: F_(m).binary_cross_entropy_with_logits(
            x, t, weight=m.tensor(w), pos_weight=m.tensor(w[0]), reduction=r), [(6, 5), p])


def test_bce_extremes_are_clamped():
    x = np.array([0.0, 1.0, 0.5, 1e-30], np.float32)
    t = np.array([1.0, 0.0, 1.0, 1.0], np.float32)
    check(lambda m, x, t: F_(m).binary_cross_entropy(x, t, reduction="none"), [x, t], grad=False)
    z = np.array([-200.0, 200.0, 0.0, 30.0], np.float32)
    check(lambda m, x, t: F_(m).binary_cross_entropy_with_logits(x, t, reduction="none"), [z, t])


def test_elementwise_loss_errors():
    x = ember.rand(8, 5)
    with pytest.raises(ValueError, match=r"Using a target size \(torch.Size\(\[8, 4\]\)\) that is different to the "
                                         r"input size \(torch.Size\(\[8, 5\]\)\) is deprecated."):
        F.binary_cross_entropy(x, ember.rand(8, 4))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(x * 3 - 1, ember.rand(8, 5))
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        F.binary_cross_entropy(x, ember.ones(8, 5).long())
    with pytest.raises(ValueError, match=r"Target size \(torch.Size\(\[4\]\)\) must be the same as input size"):
        F.binary_cross_entropy_with_logits(ember.rand(3), ember.rand(4))
    with pytest.raises(RuntimeError, match="The size of tensor a"):
        with pytest.warns(UserWarning):
            F.mse_loss(x, ember.rand(8, 4))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F.mse_loss(ember.tensor([1, 2]), ember.tensor([1, 2]))
    with pytest.raises(ValueError, match="Weights and input must have the same size."):
        F.mse_loss(x, x, weight=ember.ones(5))
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values for beta."):
        F.smooth_l1_loss(x, x, beta=-1)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values for delta."):
        F.huber_loss(x, x, delta=0)
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both"):
        F.kl_div(x.log(), x)


def test_mse_double_backward():
    check(lambda m, x, t: m.autograd.grad(F_(m).mse_loss(x, t), x, create_graph=True)[0], [(4, 3), (4, 3)])
