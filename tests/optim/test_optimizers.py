"""Each optimizer against PyTorch's: the same start, the same gradients, the same trajectory."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

STEPS = 50
SHAPES = [(3, 4), (4,), ()]

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.05)),
    ("SGD", dict(lr=0.02, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("Adam", dict(lr=0.02, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.02, betas=(0.5, 0.9), eps=1e-6, amsgrad=True, weight_decay=0.05, maximize=True)),
    ("Adam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.03, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, betas=(0.8, 0.99), maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.005, maximize=True, eps=1e-4)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.1, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.05, eps=1e-5, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.95)),
    ("Adadelta", dict(weight_decay=0.01, maximize=True, eps=1e-5)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.02, momentum_decay=0.01, weight_decay=0.05)),
    ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.05)),
    ("RAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-4, weight_decay=0.05)),
    ("Adamax", dict(lr=0.02, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.01)),
    ("ASGD", dict(lr=0.02, t0=0, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(lr=0.02, maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-6, 1e-2), d=2.0, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.02, maximize=True)),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in opts.items()) or 'defaults'}" for name, opts in CASES]


def make_pair(name, opts, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.uniform(-1, 1, s).astype(dtype) for s in SHAPES]
    ours = [ember.tensor(a, requires_grad=True) for a in init]
    theirs = [torch.tensor(a, requires_grad=True) for a in init]
    return ours, theirs, getattr(ember.optim, name)(ours, **opts), getattr(torch.optim, name)(theirs, **opts)


def least_squares_grads(params):
    """Gradients of sum((w - target) ** 2 * scale) for each parameter array."""
    out = []
    for i, w in enumerate(params):
        target = np.linspace(-0.5, 0.5, w.size).reshape(w.shape).astype(w.dtype)
        scale = np.asarray(1.0 + i, w.dtype)
        out.append(2 * scale * (w - target))
    return out


def feed(params, grads, lib):
    for p, g in zip(params, grads):
        p.grad = None if g is None else lib.tensor(g)


def assert_params_equal(ours, theirs, step):
    for i, (e, t) in enumerate(zip(ours, theirs)):
        assert e.dtype == getattr(ember, str(t.dtype).split(".")[1]), f"param {i} changed dtype to {e.dtype}"
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=f"param {i} after step {step}")


@pytest.mark.parametrize("name,opts", CASES, ids=IDS)
def test_random_gradients_match_torch(name, opts):
    ours, theirs, opt_e, opt_t = make_pair(name, opts)
    rng = np.random.default_rng(1)
    for step in range(STEPS):
        grads = [rng.normal(size=s).astype("float32") for s in SHAPES]
        if step % 7 == 3:
            grads[1] = None  # a parameter without a gradient is skipped, its state untouched
        feed(ours, grads, ember)
        feed(theirs, grads, torch)
        opt_e.step()
        opt_t.step()
        assert_params_equal(ours, theirs, step)
    for e, t in zip(ours, theirs):
        state_e, state_t = opt_e.state[e], opt_t.state[t]
        assert sorted(state_e) == sorted(state_t)
        for key in state_t:
            np.testing.assert_allclose(state_e[key].numpy(), state_t[key].numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=key)
            assert str(state_e[key].dtype) == str(state_t[key].dtype), key


@pytest.mark.parametrize("name,opts", CASES[::2], ids=IDS[::2])
def test_least_squares_descent_matches_torch(name, opts):
    # Each side takes its gradient from its own current weights, as in training.
    ours, theirs, opt_e, opt_t = make_pair(name, opts)
    for step in range(STEPS):
        feed(ours, least_squares_grads([p.detach().numpy() for p in ours]), ember)
        feed(theirs, least_squares_grads([p.detach().numpy() for p in theirs]), torch)
        opt_e.step()
        opt_t.step()
        assert_params_equal(ours, theirs, step)


@pytest.mark.parametrize("name,opts", [CASES[1], CASES[8], CASES[14], CASES[20], CASES[24], CASES[27]],
                         ids=["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"])
def test_float64_params_stay_float64(name, opts):
    ours, theirs, opt_e, opt_t = make_pair(name, opts, dtype="float64")
    rng = np.random.default_rng(2)
    for step in range(10):
        grads = [rng.normal(size=s) for s in SHAPES]
        feed(ours, grads, ember)
        feed(theirs, grads, torch)
        opt_e.step()
        opt_t.step()
    for e, t in zip(ours, theirs):
        assert e.dtype == ember.float64
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,opts", CASES[::3], ids=IDS[::3])
def test_updates_in_place_and_bump_version(name, opts):
    ours, _, opt, _ = make_pair(name, opts)
    arrays = [p._data for p in ours]
    versions = [p._version_counter for p in ours]
    feed(ours, [np.ones(s, "float32") for s in SHAPES[:2]] + [None], ember)
    opt.step()
    assert all(p._data is a for p, a in zip(ours, arrays))
    assert [p._version_counter for p in ours] == [versions[0] + 1, versions[1] + 1, versions[2]]
    assert not np.array_equal(ours[0].detach().numpy(), ours[0].detach().numpy() * 0)


def test_param_groups_with_own_options_match_torch():
    rng = np.random.default_rng(3)
    init = [rng.normal(size=(5,)).astype("float32") for _ in range(3)]
    ours = [ember.tensor(a, requires_grad=True) for a in init]
    theirs = [torch.tensor(a, requires_grad=True) for a in init]

    def groups(ps):
        return [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.5, "momentum": 0.0, "nesterov": False}]

    opt_e = ember.optim.SGD(groups(ours), lr=0.1, momentum=0.9, nesterov=True)
    opt_t = torch.optim.SGD(groups(theirs), lr=0.1, momentum=0.9, nesterov=True)
    assert opt_e.param_groups[1]["lr"] == 0.5 and opt_e.param_groups[0]["lr"] == 0.1
    for step in range(20):
        grads = [rng.normal(size=(5,)).astype("float32") for _ in range(3)]
        feed(ours, grads, ember)
        feed(theirs, grads, torch)
        opt_e.step()
        opt_t.step()
        assert_params_equal(ours, theirs, step)


def test_tensor_learning_rate():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.Adam([p], lr=ember.tensor(0.1))
    q = torch.tensor([1.0, 2.0], requires_grad=True)
    ref = torch.optim.Adam([q], lr=torch.tensor(0.1))
    for _ in range(3):
        p.grad, q.grad = ember.tensor([0.5, -1.0]), torch.tensor([0.5, -1.0])
        opt.step()
        ref.step()
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)


def test_learning_rate_changed_between_steps_is_used():
    p = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    p.grad = ember.tensor([1.0])
    opt.step()
    opt.param_groups[0]["lr"] = 0.5
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.4], rtol=1e-6)


def test_adagrad_state_exists_before_the_first_step():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.Adagrad([p], initial_accumulator_value=0.5)
    assert float(opt.state[p]["step"]) == 0.0
    np.testing.assert_array_equal(opt.state[p]["sum"].numpy(), [0.5, 0.5])
    q = ember.tensor([3.0], requires_grad=True)
    opt.add_param_group({"params": [q], "initial_accumulator_value": 1.0})
    q.grad = ember.tensor([2.0])
    opt.step()
    np.testing.assert_allclose(opt.state[q]["sum"].numpy(), [5.0])
