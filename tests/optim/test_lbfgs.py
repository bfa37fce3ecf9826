"""LBFGS against PyTorch's over 50 steps: the Rosenbrock function and a small regression, with a fixed
step and with the strong-Wolfe line search; the closure counts and the errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def rosenbrock(m, xy):
    x, y = xy[0], xy[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def run(m, problem, steps, opts, dtype):
    rng = np.random.default_rng(0)
    if problem == "rosenbrock":
        params = [m.tensor(np.array([-1.5, 2.0], dtype), requires_grad=True)]
        data = None
    else:
        X = rng.standard_normal((40, 5)).astype(dtype)
        y = (X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(40)).astype(dtype)
        torch.manual_seed(0)
        lin = torch.nn.Linear(5, 1).to(getattr(torch, dtype))
        w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
        params = [m.tensor(w.copy(), requires_grad=True), m.tensor(b.copy(), requires_grad=True)]
        data = m.tensor(X), m.tensor(y)
    opt = m.optim.LBFGS(params, **opts)
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        if data is None:
            loss = rosenbrock(m, params[0])
        else:
            pred = (data[0] @ params[0].t() + params[1]).squeeze(1)
            loss = ((pred - data[1]) ** 2).mean()
        loss.backward()
        return loss

    trace = []
    for _ in range(steps):
        loss = opt.step(closure)
        trace.append([float(loss)] + [p.detach().numpy().copy() for p in params])
    return trace, calls[0], opt.state[params[0]]["n_iter"], opt.state[params[0]]["func_evals"]


OPTIONS = [dict(), dict(line_search_fn="strong_wolfe"), dict(lr=0.5, max_iter=5),
           dict(history_size=3, max_iter=4, line_search_fn="strong_wolfe"),
           dict(lr=0.1, tolerance_change=1e-5, history_size=5)]
# Rosenbrock's valley makes L-BFGS chaotic: a last-bit difference between two dot products (NumPy's BLAS
# and PyTorch's round differently) grows to 1e-7 within a few dozen iterations in float64, to 1e-5 in
# float32. The trajectory is compared where it stays well-conditioned; elsewhere both must reach (1, 1).
CASES = ([("regression", o, d) for o in OPTIONS for d in ("float32", "float64")]
         + [("rosenbrock", o, "float64") for o in OPTIONS[1:4]])


@pytest.mark.parametrize("problem, opts, dtype", CASES, ids=str)
def test_lbfgs_matches_torch(problem, opts, dtype):
    ours, calls_e, iters_e, evals_e = run(ember, problem, 50, opts, dtype)
    theirs, calls_t, iters_t, evals_t = run(torch, problem, 50, opts, dtype)
    assert (calls_e, iters_e, evals_e) == (calls_t, iters_t, evals_t)
    for step, (e, t) in enumerate(zip(ours, theirs)):
        assert e[0] == pytest.approx(t[0], rel=1e-5, abs=1e-6), f"loss at step {step}"
        for a, b in zip(e[1:], t[1:]):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"step {step}")


@pytest.mark.parametrize("opts", [OPTIONS[0], OPTIONS[1], OPTIONS[4]], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lbfgs_reaches_rosenbrock_minimum_as_torch(opts, dtype):
    for m in (ember, torch):
        trace = run(m, "rosenbrock", 50, opts, dtype)[0]
        np.testing.assert_allclose(trace[-1][1], [1.0, 1.0], atol=1e-2, err_msg=m.__name__)


def test_lbfgs_errors():
    p = ember.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        ember.optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="per-parameter options"):
        ember.optim.LBFGS([{"params": [p]}, {"params": [ember.zeros(1, requires_grad=True)]}])
    opt = ember.optim.LBFGS([p], line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    assert ember.optim.LBFGS([p]).defaults["max_eval"] == 25
