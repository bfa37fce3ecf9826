"""Every distribution against PyTorch on the same random parameters (float64): shapes,
log_prob and its gradients, entropy, moments, cdf/icdf, expand, and KL divergences."""
import numpy as np
import pytest

import ember
from tests.distributions import cases
from tests.distributions.cases import CASES, KL_PAIRS

torch = pytest.importorskip("torch")


FLOAT32_ONLY = {"GeneralizedPareto"}


def build(name, seed=0):
    make_params, construct = CASES[name]
    cases.rng = np.random.default_rng(seed)  # the same parameters whichever tests ran before
    raw = make_params()
    if name in FLOAT32_ONLY:
        raw = {k: v.astype("float32") for k, v in raw.items()}
    ep = {k: ember.tensor(v, requires_grad=True) for k, v in raw.items()}
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in raw.items()}
    return construct(ember.distributions, ep), construct(torch.distributions, tp), ep, tp


def draw(ed, td, shape):
    """Values to evaluate at: PyTorch's samples."""
    return td.sample(shape)


def close(e, t, rtol=1e-9, atol=1e-10, what=""):
    assert isinstance(e, ember.Tensor), what
    assert tuple(e.shape) == tuple(t.shape), f"{what}: {tuple(e.shape)} vs {tuple(t.shape)}"
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=what)


def grads_close(e_out, t_out, ep, tp, rtol=1e-8, what="", atol=1e-9):
    w = np.random.default_rng(1).normal(size=tuple(t_out.shape))
    te = [v for v in tp.values()]
    ee = [v for v in ep.values()]
    tg = torch.autograd.grad((t_out * torch.tensor(w)).sum(), te, allow_unused=True)
    eg = ember.autograd.grad((e_out * ember.tensor(w)).sum(), ee, allow_unused=True)
    for k, a, b in zip(tp, eg, tg):
        if b is None or not b.abs().sum():
            assert a is None or not a.abs().sum().item(), f"{what}: gradient for {k} where torch has none"
            continue
        close(a, b, rtol, atol, f"{what}: gradient for {k}")


# PyTorch's VonMises takes log I0 and log I1 from polynomial fits good to about 1e-7 (their
# derivatives to about 1e-5)
# PyTorch's GeneralizedPareto works in float32 only: compared there, to float32's precision
CASE_RTOL = {"VonMises": 1e-6, "GeneralizedPareto": 2e-5}
GRAD_TOL = {"VonMises": dict(rtol=1e-4, atol=1e-5), "GeneralizedPareto": dict(rtol=1e-4, atol=1e-5)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_shapes_and_log_prob_with_gradients(name):
    ed, td, ep, tp = build(name)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape)
    assert tuple(ed.event_shape) == tuple(td.event_shape)
    assert ed.has_rsample == td.has_rsample
    torch.manual_seed(0)
    value = draw(ed, td, (5,))
    e_lp, t_lp = ed.log_prob(ember.tensor(value.numpy())), td.log_prob(value)
    rtol = CASE_RTOL.get(name, 1e-9)
    close(e_lp, t_lp, rtol=rtol, what="log_prob")
    grads_close(e_lp, t_lp, ep, tp, what="log_prob", **GRAD_TOL.get(name, dict(rtol=max(rtol, 1e-8))))


STATISTICS = ["entropy", "mean", "variance", "stddev", "mode"]
# PyTorch's Multinomial entropy takes log(n!) of an integer tensor, so in float32
LOOSE = {("Multinomial", "entropy"): 1e-7}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("statistic", STATISTICS)
def test_entropy_and_moments(name, statistic):
    ed, td, ep, tp = build(name)
    if (name, statistic) == ("Kumaraswamy", "mode"):
        # PyTorch's Kumaraswamy.mode is NaN for valid parameters (it takes log1p(-concentration0));
        # Ember's is checked as the maximum of the density instead
        mode = ed.mode.detach()
        for step in (-1e-3, 1e-3):
            assert bool((ed.log_prob(mode) >= ed.log_prob(mode + step)).all())
        return
    try:
        t = getattr(td, statistic)
        t = t() if callable(t) else t
    except NotImplementedError:
        return  # PyTorch has none either
    e = getattr(ed, statistic)
    e = e() if callable(e) else e
    rtol = LOOSE.get((name, statistic), CASE_RTOL.get(name, 1e-9))
    close(e, t, rtol=rtol, what=statistic)
    if t.requires_grad and statistic != "mode":
        grads_close(e, t, ep, tp, what=statistic, **GRAD_TOL.get(name, dict(rtol=max(rtol, 1e-8))))


@pytest.mark.parametrize("name", sorted(CASES))
def test_cdf_and_icdf(name):
    ed, td, ep, tp = build(name)
    torch.manual_seed(1)
    value = draw(ed, td, (4,))
    try:
        t_cdf = td.cdf(value)
    except NotImplementedError:
        t_cdf = None
    if t_cdf is not None:
        e_cdf = ed.cdf(ember.tensor(value.numpy()))
        close(e_cdf, t_cdf, rtol=max(1e-8, CASE_RTOL.get(name, 0)), what="cdf")
        if name in ("Gamma", "Chi2", "InverseGamma"):  # the gamma CDF has no derivative in the shape, in either
            for m, out, params in ((torch, t_cdf, tp), (ember, e_cdf, ep)):
                with pytest.raises(NotImplementedError, match="igamma: input"):
                    m.autograd.grad(out.sum(), list(params.values()))
        else:
            grads_close(e_cdf, t_cdf, ep, tp, what="cdf", **GRAD_TOL.get(name, dict(rtol=1e-6)))
    q = torch.rand((4,) + tuple(td.batch_shape), dtype=torch.float64)
    try:
        t_icdf = td.icdf(q)
    except NotImplementedError:
        return
    close(ed.icdf(ember.tensor(q.numpy())), t_icdf, rtol=max(1e-8, CASE_RTOL.get(name, 0)), what="icdf")


@pytest.mark.parametrize("name", sorted(CASES))
def test_expand(name):
    ed, td, _, _ = build(name)
    shape = (4,) + tuple(td.batch_shape)
    ee, te = ed.expand(shape), td.expand(shape)
    assert tuple(ee.batch_shape) == tuple(te.batch_shape) and tuple(ee.event_shape) == tuple(te.event_shape)
    torch.manual_seed(2)
    value = draw(ee, te, ())
    close(ee.log_prob(ember.tensor(value.numpy())), te.log_prob(value), rtol=CASE_RTOL.get(name, 1e-9),
          what="expanded log_prob")
    assert tuple(ee.sample((2,)).shape) == tuple(draw(ee, te, (2,)).shape)


@pytest.mark.parametrize("name", sorted(CASES))
def test_sample_shapes_and_support(name):
    ed, td, _, _ = build(name)
    ember.manual_seed(0)
    for shape in [(), (5,), (2, 3)]:
        s = ed.sample(shape)
        assert tuple(s.shape) == tuple(draw(ed, td, shape).shape)
        assert not s.requires_grad
        support = ed.support
        if not ember.distributions.constraints.is_dependent(support):
            assert bool(support.check(s).all())
    with pytest.warns(FutureWarning, match="sample_n"):
        assert tuple(ed.sample_n(3).shape) == (3,) + tuple(td.batch_shape + td.event_shape)


@pytest.mark.parametrize("p_name,q_name", KL_PAIRS)
def test_kl_divergence(p_name, q_name):
    ep_d, tp_d, ep, tp = build(p_name, seed=0)
    eq_d, tq_d, eq, tq = build(q_name, seed=1)
    t = torch.distributions.kl_divergence(tp_d, tq_d)
    e = ember.distributions.kl_divergence(ep_d, eq_d)
    close(e, t, rtol=1e-8, what="kl")
    grads_close(e, t, {**{"p" + k: v for k, v in ep.items()}, **{"q" + k: v for k, v in eq.items()}},
                {**{"p" + k: v for k, v in tp.items()}, **{"q" + k: v for k, v in tq.items()}}, rtol=1e-7, what="kl")
