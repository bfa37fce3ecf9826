"""Argument and sample validation (PyTorch's ValueErrors and messages), constraints,
transforms and the KL registry."""
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
D = ember.distributions


def both(fn):
    """Run ``fn(module)`` with ember and torch; both must raise the same type with the same message,
    or return equal reprs."""
    try:
        expected = repr(fn(torch))
    except Exception as exc:
        with pytest.raises(type(exc)) as info:
            fn(ember)
        assert str(info.value).split("\n")[0] == str(exc).split("\n")[0]
        return
    assert repr(fn(ember)) == expected


@pytest.mark.parametrize("make", [
    lambda m: m.distributions.Normal(m.tensor([0.0, 1.0]), m.tensor([1.0, -1.0])),
    lambda m: m.distributions.Normal(m.tensor([0.0, math.nan]), m.tensor([1.0, 1.0])),
    lambda m: m.distributions.Bernoulli(),
    lambda m: m.distributions.Bernoulli(probs=m.tensor([0.5]), logits=m.tensor([0.0])),
    lambda m: m.distributions.Bernoulli(probs=m.tensor([1.5])),
    lambda m: m.distributions.Gamma(m.tensor([1.0]), m.tensor([0.0])),
    lambda m: m.distributions.Categorical(probs=m.tensor([0.5, -0.1])),
    lambda m: m.distributions.Dirichlet(m.tensor(1.0)),
    lambda m: m.distributions.Poisson(m.tensor([-1.0])),
    lambda m: m.distributions.Uniform(m.tensor([1.0]), m.tensor([0.0])),
    lambda m: m.distributions.MultivariateNormal(m.zeros(2)),
    lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]])),
    lambda m: m.distributions.Independent(m.distributions.Normal(m.zeros(2), 1.0), 2),
    lambda m: m.distributions.Normal(m.zeros(2), m.ones(2)),
    lambda m: m.distributions.Categorical(logits=m.zeros(3)),
])
def test_invalid_parameters_raise_pytorchs_errors(make):
    both(make)


@pytest.mark.parametrize("call", [
    lambda m: m.distributions.Normal(m.zeros(2), m.ones(2)).log_prob(m.tensor([math.nan, 0.0])),
    lambda m: m.distributions.Normal(m.zeros(2), m.ones(2)).log_prob(m.zeros(3)),
    lambda m: m.distributions.Bernoulli(probs=m.tensor([0.5])).log_prob(m.tensor([0.5])),
    lambda m: m.distributions.Poisson(m.tensor([1.0])).log_prob(m.tensor([-1.0])),
    lambda m: m.distributions.Categorical(logits=m.zeros(3)).log_prob(m.tensor([3])),
    lambda m: m.distributions.Dirichlet(m.ones(3)).log_prob(m.tensor([0.5, 0.2, 0.2])),
    lambda m: m.distributions.Exponential(m.ones(2)).log_prob(m.tensor([-1.0, 1.0])),
    lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.eye(2)).log_prob(m.zeros(3)),
])
def test_invalid_values_raise_pytorchs_errors(call):
    both(call)


def test_validate_args_false_and_the_default_switch():
    d = D.Normal(ember.zeros(1), ember.tensor([-1.0]), validate_args=False)
    assert d.scale.item() == -1.0
    assert math.isnan(D.Bernoulli(probs=ember.tensor([0.5]), validate_args=False).log_prob(
        ember.tensor([0.5])).item()) is False
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(ember.zeros(1), ember.tensor([-1.0]))
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(ember.zeros(1), ember.tensor([-1.0]))


def test_constraints_check_and_repr():
    C, TC = D.constraints, torch.distributions.constraints
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, math.nan])
    for name in ["real", "positive", "nonnegative", "unit_interval", "boolean", "nonnegative_integer",
                 "positive_integer"]:
        e, t = getattr(C, name), getattr(TC, name)
        assert repr(e) == repr(t)
        np.testing.assert_array_equal(e.check(ember.tensor(x)).numpy(), t.check(torch.tensor(x)).numpy())
    for name, args in [("interval", (0.0, 1.0)), ("half_open_interval", (0.0, 1.0)), ("greater_than", (0.5,)),
                       ("greater_than_eq", (0.5,)), ("less_than", (0.5,)), ("integer_interval", (0, 1))]:
        e, t = getattr(C, name)(*args), getattr(TC, name)(*args)
        assert repr(e) == repr(t)
        np.testing.assert_array_equal(e.check(ember.tensor(x)).numpy(), t.check(torch.tensor(x)).numpy())
    m = np.array([[[1.0, 0.0], [0.5, 2.0]], [[1.0, 0.3], [0.5, 2.0]], [[-1.0, 0.0], [0.5, 2.0]]])
    for name in ["lower_cholesky", "lower_triangular", "positive_definite", "symmetric", "square", "simplex",
                 "real_vector"]:
        e, t = getattr(C, name), getattr(TC, name)
        assert repr(e) == repr(t) and e.event_dim == t.event_dim
        np.testing.assert_array_equal(e.check(ember.tensor(m)).numpy(), t.check(torch.tensor(m)).numpy())
    assert C.is_dependent(D.Binomial(3, probs=ember.tensor(0.5)).arg_constraints["total_count"]) is False
    assert C.is_dependent(C.dependent) and repr(C.independent(C.real, 1)) == repr(TC.independent(TC.real, 1))


@pytest.mark.parametrize("name,args", [
    ("ExpTransform", ()), ("SigmoidTransform", ()), ("TanhTransform", ()), ("SoftplusTransform", ()),
    ("AbsTransform", ()), ("AffineTransform", (0.5, -2.0)), ("PowerTransform", (2.0,)), ("SoftmaxTransform", ()),
])
def test_transforms_against_pytorch(name, args):
    x = np.random.default_rng(0).normal(size=(3, 4))
    if name == "PowerTransform":
        x = np.abs(x) + 0.1
    targs = [torch.tensor(a) if isinstance(a, float) and name == "PowerTransform" else a for a in args]
    et, tt = getattr(D, name)(*args), getattr(torch.distributions, name)(*targs)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ey, ty = et(ex), tt(tx)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    if name != "AbsTransform":
        np.testing.assert_allclose(et.inv(ey).detach().numpy(), tt.inv(ty).detach().numpy(), rtol=1e-9, atol=1e-12)
    if name not in ("SoftmaxTransform", "AbsTransform"):
        np.testing.assert_allclose(et.log_abs_det_jacobian(ex, ey).detach().numpy(),
                                   tt.log_abs_det_jacobian(tx, ty).detach().numpy(), rtol=1e-10)
        assert et.sign == tt.sign if name != "PowerTransform" else True
    assert repr(et.domain) == repr(tt.domain) and repr(et.codomain) == repr(tt.codomain)
    assert et.bijective == tt.bijective and et.inv.inv is et


def test_compose_transform_and_caching():
    t = D.ComposeTransform([D.AffineTransform(1.0, 2.0), D.ExpTransform()])
    x = ember.tensor([0.1, -0.3])
    y = t(x)
    np.testing.assert_allclose(t.inv(y).numpy(), x.numpy(), rtol=1e-6)
    tt = torch.distributions.ComposeTransform([torch.distributions.AffineTransform(1.0, 2.0),
                                              torch.distributions.ExpTransform()])
    np.testing.assert_allclose(t.log_abs_det_jacobian(x, y).numpy(),
                               tt.log_abs_det_jacobian(torch.tensor(x.numpy()), torch.tensor(y.numpy())).numpy(),
                               rtol=1e-6)
    cached = D.ExpTransform(cache_size=1)
    y = cached(x)
    assert cached.inv(y) is x
    with pytest.raises(ValueError):
        D.ExpTransform(cache_size=2)


def test_kl_registry():
    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(ember.zeros(2), ember.ones(2)), D.Normal(ember.ones(2), ember.ones(2))
    np.testing.assert_allclose(D.kl_divergence(p, q).numpy(), 0.5)  # falls back to (Normal, Normal)

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return ember.zeros(p.batch_shape)

    assert D.kl_divergence(p, q).sum().item() == 0
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Gamma(1.0, 1.0))
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Binomial(2, probs=ember.tensor(0.3)), D.Binomial(5, probs=ember.tensor(0.3)))


def test_enumerate_support_and_perplexity():
    for make in [lambda m: m.distributions.Bernoulli(probs=m.tensor([0.2, 0.7])),
                 lambda m: m.distributions.Categorical(probs=m.tensor([[0.2, 0.8], [0.5, 0.5]])),
                 lambda m: m.distributions.Binomial(3, probs=m.tensor([0.2, 0.7])),
                 lambda m: m.distributions.OneHotCategorical(probs=m.tensor([0.2, 0.8]))]:
        e, t = make(ember), make(torch)
        for expand in (True, False):
            np.testing.assert_array_equal(e.enumerate_support(expand).numpy(), t.enumerate_support(expand).numpy())
        np.testing.assert_allclose(e.perplexity().numpy(), t.perplexity().numpy(), rtol=1e-6)


def test_repr_and_public_names():
    assert repr(D.Normal(ember.zeros(2), ember.ones(2))) == repr(
        torch.distributions.Normal(torch.zeros(2), torch.ones(2)))
    assert repr(D.Normal(0.0, 1.0)) == repr(torch.distributions.Normal(0.0, 1.0))
    assert repr(D.Categorical(logits=ember.zeros(3))) == repr(torch.distributions.Categorical(logits=torch.zeros(3)))


@pytest.mark.parametrize("make", [
    lambda C: C.real, lambda C: C.positive, lambda C: C.greater_than(1.5), lambda C: C.less_than(-1.0),
    lambda C: C.interval(-2.0, 3.0), lambda C: C.unit_interval, lambda C: C.simplex, lambda C: C.real_vector,
    lambda C: C.lower_cholesky, lambda C: C.positive_definite, lambda C: C.independent(C.positive, 1),
])
def test_biject_to_and_transform_to(make):
    x = np.random.default_rng(0).normal(size=(2, 3, 3))
    for registry in ("biject_to", "transform_to"):
        try:
            t = getattr(torch.distributions, registry)(make(torch.distributions.constraints))
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                getattr(D, registry)(make(D.constraints))
            continue
        e = getattr(D, registry)(make(D.constraints))
        ex, tx = ember.tensor(x), torch.tensor(x)
        ey, ty = e(ex), t(tx)
        np.testing.assert_allclose(ey.numpy(), ty.numpy(), rtol=1e-10, atol=1e-12)
        assert bool(make(D.constraints).check(ey).all())
        if registry == "biject_to" or make(D.constraints) is not D.constraints.simplex:
            np.testing.assert_allclose(e.inv(ey).numpy(), t.inv(ty).numpy(), rtol=1e-7, atol=1e-9)
        try:
            expected = t.log_abs_det_jacobian(tx, ty)
        except NotImplementedError:  # no Jacobian (softmax, Cholesky maps): neither has one
            with pytest.raises(NotImplementedError):
                e.log_abs_det_jacobian(ex, ey)
            continue
        np.testing.assert_allclose(e.log_abs_det_jacobian(ex, ey).numpy(), expected.numpy(), rtol=1e-9, atol=1e-12)


def test_reshape_and_cdf_transforms():
    x = np.random.default_rng(1).normal(size=(2, 6))
    for m in (ember, torch):
        t = m.distributions.ReshapeTransform((6,), (2, 3))
        y = t(m.tensor(x))
        assert tuple(y.shape) == (2, 2, 3) and tuple(t.inv(y).shape) == (2, 6)
        assert tuple(t.log_abs_det_jacobian(m.tensor(x), y).shape) == (2,)
    e = D.CumulativeDistributionTransform(D.Normal(0.0, 1.0))
    t = torch.distributions.CumulativeDistributionTransform(torch.distributions.Normal(0.0, 1.0))
    np.testing.assert_allclose(e(ember.tensor(x)).numpy(), t(torch.tensor(x)).numpy(), rtol=1e-10)
    np.testing.assert_allclose(e.log_abs_det_jacobian(ember.tensor(x), None).numpy(),
                               t.log_abs_det_jacobian(torch.tensor(x), None).numpy(), rtol=1e-10)


def test_pytorch_module_paths_resolve():
    from ember.distributions.gamma import Gamma
    from ember.distributions.normal import Normal
    import ember.distributions.relaxed_categorical as rc
    assert Normal is D.Normal and Gamma is D.Gamma and rc.RelaxedOneHotCategorical is D.RelaxedOneHotCategorical
    assert D.one_hot_categorical.OneHotCategorical is D.OneHotCategorical and D.kl.kl_divergence is D.kl_divergence


def test_cat_and_stack_transforms():
    x = np.random.default_rng(2).normal(size=(3, 5))
    for dim in (0, -1):
        results = []
        for m in (ember, torch):
            T = m.distributions
            cat = T.CatTransform([T.ExpTransform(), T.AffineTransform(1.0, 2.0), T.SigmoidTransform()], dim,
                                 [1, 1, 1] if dim == 0 else [2, 2, 1])
            stack = T.StackTransform([T.ExpTransform(), T.TanhTransform(), T.AffineTransform(0.5, -1.0)], 0)
            xt = m.tensor(x)
            y, s = cat(xt), stack(xt)
            results.append([y, cat.inv(y), cat.log_abs_det_jacobian(xt, y), s, stack.inv(s),
                            stack.log_abs_det_jacobian(xt, s)])
            assert cat.bijective and repr(cat.domain).startswith(("_Cat", "Cat"))
        for e, t in zip(*results):
            np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)
