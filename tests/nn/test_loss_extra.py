"""The losses beyond the classic ones against PyTorch: values and gradients for every reduction,
class weights and options, gradcheck in float64, CTC on padded and concatenated targets."""
import numpy as np
import pytest
from diff import check, rand, torch

import ember

rng = np.random.default_rng(11)
N, C = 5, 4


def signs(shape):
    return np.where(rng.random(shape) > 0.5, 1.0, -1.0).astype("float32")


def labels(n, c):
    return rng.integers(0, c, n).astype("int64")


def multilabel_targets():
    t = np.full((N, C), -1, np.int64)
    for i in range(N):
        k = rng.integers(0, C)
        t[i, :k] = rng.permutation(C)[:k]
    return t


REDUCTIONS = ["mean", "sum", "none"]
CASES = {
    "margin_ranking": (lambda F, a, b, y, r: F.margin_ranking_loss(a, b, y, margin=0.3, reduction=r),
                       lambda: [rand((N,)), rand((N,)), signs((N,))]),
    "hinge_embedding": (lambda F, a, y, r: F.hinge_embedding_loss(a, y, margin=1.5, reduction=r),
                        lambda: [rand((N, C)), signs((N, C))]),
    "soft_margin": (lambda F, a, y, r: F.soft_margin_loss(a, y, reduction=r), lambda: [rand((N, C)), signs((N, C))]),
    "multilabel_soft_margin": (lambda F, a, y, r: F.multilabel_soft_margin_loss(a, y, reduction=r),
                               lambda: [rand((N, C)), (rng.random((N, C)) > 0.5).astype("float32")]),
    "multilabel_soft_margin_weight": (
        lambda F, a, y, w, r: F.multilabel_soft_margin_loss(a, y, weight=w, reduction=r),
        lambda: [rand((N, C)), (rng.random((N, C)) > 0.5).astype("float32"), rand((C,), positive=True)]),
    "cosine_embedding": (lambda F, a, b, y, r: F.cosine_embedding_loss(a, b, y, margin=0.2, reduction=r),
                         lambda: [rand((N, C)), rand((N, C)), signs((N,))]),
    "multi_margin": (lambda F, a, y, r: F.multi_margin_loss(a, y, reduction=r), lambda: [rand((N, C)), labels(N, C)]),
    "multi_margin_p2_weight": (lambda F, a, y, w, r: F.multi_margin_loss(a, y, p=2, margin=0.7, weight=w,
                                                                          reduction=r),
                               lambda: [rand((N, C)), labels(N, C), rand((C,), positive=True)]),
    "multilabel_margin": (lambda F, a, y, r: F.multilabel_margin_loss(a, y, reduction=r),
                          lambda: [rand((N, C)), multilabel_targets()]),
    "triplet_margin": (lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, margin=0.5, reduction=r),
                       lambda: [rand((N, C)), rand((N, C)), rand((N, C))]),
    "triplet_margin_p1_swap": (lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, p=1, swap=True, reduction=r),
                               lambda: [rand((N, C)), rand((N, C)), rand((N, C))]),
    "triplet_with_distance": (
        lambda F, a, p, n, r: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda x, y: 1 - F.cosine_similarity(x, y), swap=True, reduction=r),
        lambda: [rand((N, C)), rand((N, C)), rand((N, C))]),
    "poisson_nll": (lambda F, a, y, r: F.poisson_nll_loss(a, y, reduction=r),
                    lambda: [rand((N, C)), rand((N, C), positive=True)]),
    "poisson_nll_full": (lambda F, a, y, r: F.poisson_nll_loss(a, y, log_input=False, full=True, reduction=r),
                         lambda: [rand((N, C), positive=True), rand((N, C), positive=True) * 2]),
    "gaussian_nll": (lambda F, a, y, v, r: F.gaussian_nll_loss(a, y, v, reduction=r),
                     lambda: [rand((N, C)), rand((N, C)), rand((N, C), positive=True)]),
    "gaussian_nll_full_shared": (lambda F, a, y, v, r: F.gaussian_nll_loss(a, y, v, full=True, eps=0.6,
                                                                           reduction=r),
                                 lambda: [rand((N, C)), rand((N, C)), rand((N,), positive=True)]),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_matches_torch(name, reduction):
    fn, make = CASES[name]
    check(lambda m, *args: fn(m.nn.functional, *args, reduction), make())


@pytest.mark.parametrize("name", list(CASES))
def test_loss_gradcheck(name):
    fn, make = CASES[name]
    arrays = make()
    ts = [ember.tensor(a.astype("float64") if a.dtype.kind == "f" else a, requires_grad=a.dtype.kind == "f"
                       and i == 0) for i, a in enumerate(arrays)]
    rest = ts[1:]
    assert ember.autograd.gradcheck(lambda x: fn(ember.nn.functional, x, *rest, "sum"), (ts[0],))


def test_loss_errors():
    F = ember.nn.functional
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        F.multi_margin_loss(ember.randn(3, 4), ember.tensor([0, 1, 2]), p=3)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(ember.randn(3, 4), ember.randn(3, 4), ember.ones(2))
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(ember.randn(3, 4), ember.randn(3, 4), -ember.ones(3, 4))
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(ember.randn(3), ember.randn(3, 1), ember.ones(3))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.soft_margin_loss(ember.randn(3), ember.ones(3), reduction="avg")


def _ctc_inputs(T, n, c, s_max, concatenated):
    logits = rand((T, n, c))
    target_lengths = rng.integers(0, s_max + 1, n)
    target_lengths[0] = s_max
    input_lengths = rng.integers(max(2 * s_max + 1, 1), T + 1, n)
    input_lengths[0] = T
    targets = rng.integers(1, c, (n, s_max))
    if s_max > 1:
        targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between
    if concatenated:
        targets = np.concatenate([targets[i, :target_lengths[i]] for i in range(n)])
    return logits, targets.astype(np.int64), input_lengths.astype(np.int64), target_lengths.astype(np.int64)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("concatenated", [False, True])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_matches_torch(reduction, concatenated, zero_infinity):
    logits, targets, il, tl = _ctc_inputs(12, 4, 5, 3, concatenated)
    if zero_infinity:
        il[1] = 2  # too short for its target: infinite loss
        tl[1] = 3 if not concatenated else tl[1]
    outs = []
    for m in (ember, torch):
        x = m.tensor(logits, requires_grad=True)
        lp = x.log_softmax(2)
        loss = m.nn.functional.ctc_loss(lp, m.tensor(targets), m.tensor(il), m.tensor(tl), reduction=reduction,
                                        zero_infinity=zero_infinity)
        w = m.tensor(np.linspace(0.5, 1.5, loss.numel()).reshape(tuple(loss.shape)).astype("float32"))
        (loss * w).sum().backward()
        outs.append((loss.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-4, atol=1e-5)


def test_ctc_gradcheck_unbatched_and_module():
    logits, targets, il, tl = _ctc_inputs(8, 2, 4, 2, False)
    x = ember.tensor(logits.astype("float64"), requires_grad=True)
    loss = lambda a: ember.nn.functional.ctc_loss(a.log_softmax(2), ember.tensor(targets), il.tolist(),  # noqa
                                                  tl.tolist(), reduction="sum")
    assert ember.autograd.gradcheck(loss, (x,))
    e = ember.nn.CTCLoss(blank=0, reduction="none")(ember.tensor(logits[:, 0]).log_softmax(1),
                                                    ember.tensor(targets[0]), il[:1], tl[:1])
    t = torch.nn.CTCLoss(blank=0, reduction="none")(torch.tensor(logits[:, 0]).log_softmax(1),
                                                    torch.tensor(targets[0]), il[:1].tolist(), tl[:1].tolist())
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5)


LOSS_MODULES = {
    "MarginRankingLoss": dict(margin=0.1), "HingeEmbeddingLoss": dict(margin=2.0), "SoftMarginLoss": {},
    "MultiLabelSoftMarginLoss": {}, "CosineEmbeddingLoss": dict(margin=0.1), "MultiMarginLoss": dict(p=2),
    "MultiLabelMarginLoss": {}, "TripletMarginLoss": dict(margin=0.5, swap=True),
    "TripletMarginWithDistanceLoss": dict(margin=0.5), "PoissonNLLLoss": dict(full=True),
    "GaussianNLLLoss": dict(eps=1e-3), "CTCLoss": dict(blank=1, zero_infinity=True),
}


@pytest.mark.parametrize("name", list(LOSS_MODULES))
def test_loss_modules(name):
    kw = LOSS_MODULES[name]
    e, t = getattr(ember.nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(e) == repr(t)
    assert e.reduction == t.reduction
    for k in kw:
        assert getattr(e, k) == getattr(t, k)


@pytest.mark.parametrize("kw, shape, target", [
    ({}, (5, 8), (5,)), ({"out_features": (2,), "bias": True, "label_smoothing": 0.1, "reduction": "sum"}, (5, 8),
                         (5, 2)),
    ({"reduction": "none", "ignore_index": 1}, (5, 8), (5,)), ({}, (8,), ())])
def test_linear_cross_entropy_loss(kw, shape, target):
    t = torch.nn.LinearCrossEntropyLoss(8, 3, **kw)
    e = ember.nn.LinearCrossEntropyLoss(8, 3, **kw)
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    y = rng.integers(0, 3, target)
    check(lambda m, x: (e if m is ember else t)(x, m.tensor(y)), [rand(shape)])
    w = rand((3, 8))
    check(lambda m, x, w: m.nn.functional.linear_cross_entropy(x, w, m.tensor(y[..., 0] if y.ndim == 2 else y)),
          [rand(shape), w])


def test_linear_cross_entropy_options_accepted():
    e = ember.nn.LinearCrossEntropyLoss(8, 3, options=ember.nn.LinearCrossEntropyOptions(batch_chunk_size=2))
    t = torch.nn.LinearCrossEntropyLoss(8, 3, options=torch.nn.LinearCrossEntropyOptions(batch_chunk_size=2))
    assert repr(e) == repr(t)
    with pytest.raises(RuntimeError, match="dimensionality 1 or 2"):
        ember.nn.functional.linear_cross_entropy(ember.randn(2, 3, 8), ember.randn(3, 8), ember.zeros(2, 3).long())
