"""The Optimizer base class: construction errors, groups, repr, state dicts, zero_grad, closures, hooks."""
import copy
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"]


def param(values=(1.0, -2.0, 3.0)):
    return ember.tensor(list(values), requires_grad=True)


def both_raise(fn, exc):
    """``fn(lib)`` raises ``exc`` with the same message for ember and torch."""
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc) as ours:
        fn(ember)
    assert str(ours.value) == str(theirs.value)


# ---------------------------------------------------------------- construction errors
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_empty_parameter_list(name):
    both_raise(lambda m: getattr(m.optim, name)([]), ValueError)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_parameters_in_a_set(name):
    both_raise(lambda m: getattr(m.optim, name)([{"params": {m.zeros(2, requires_grad=True)}}]), TypeError)


def test_a_set_given_directly_is_accepted_as_pytorch_does():
    p = param()
    assert ember.optim.SGD({p}, lr=0.1).param_groups[0]["params"][0] is p


def test_single_tensor_instead_of_iterable():
    both_raise(lambda m: m.optim.SGD(m.zeros(2, requires_grad=True), lr=0.1), TypeError)


def test_non_tensor_parameter():
    both_raise(lambda m: m.optim.SGD([1.0], lr=0.1), TypeError)
    both_raise(lambda m: m.optim.SGD([np.zeros(2)], lr=0.1), TypeError)


def test_non_leaf_parameter():
    p = param()
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        ember.optim.SGD([p * 2], lr=0.1)


def test_param_in_two_groups():
    def make(m):
        p = m.zeros(2, requires_grad=True)
        return m.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)

    both_raise(make, ValueError)


def test_duplicate_parameter_warns():
    p = param()
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([p, p], lr=0.1)


def test_param_group_must_be_a_dict():
    opt = ember.optim.SGD([param()], lr=0.1)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([param()])


def test_required_option_missing():
    class Custom(ember.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": ember.optim.optimizer.required})

    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter lr"):
        Custom([param()])
    assert Custom([{"params": [param()], "lr": 0.3}]).param_groups[0]["lr"] == 0.3


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(lr=-0.1)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1e-4)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=-1.0)), ("Adam", dict(eps=-1e-8)), ("Adam", dict(betas=(1.0, 0.999))),
    ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-0.1)), ("AdamW", dict(betas=(0.9, 1.5))),
    ("RMSprop", dict(lr=-0.1)), ("RMSprop", dict(alpha=-0.9)), ("RMSprop", dict(momentum=-1)),
    ("RMSprop", dict(eps=-1.0)), ("RMSprop", dict(weight_decay=-1.0)),
    ("Adagrad", dict(lr_decay=-1.0)), ("Adagrad", dict(initial_accumulator_value=-1.0)), ("Adagrad", dict(eps=-1)),
    ("Adagrad", dict(weight_decay=-1.0)),
    ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(lr=-1.0)), ("Adadelta", dict(eps=-1.0)),
    ("Adadelta", dict(weight_decay=-1.0)),
])
def test_invalid_hyperparameters(name, kwargs):
    both_raise(lambda m: getattr(m.optim, name)([m.zeros(2, requires_grad=True)], **kwargs), ValueError)


def test_differentiable_steps_are_refused():
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        ember.optim.Adam([param()], differentiable=True)


def test_invalid_learning_rate_message():
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -0.1$"):
        ember.optim.SGD([param()], lr=-0.1)


# ---------------------------------------------------------------- groups, defaults, repr
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_defaults_and_repr_match_torch(name):
    ours = getattr(ember.optim, name)([param()])
    theirs = getattr(torch.optim, name)([torch.zeros(3, requires_grad=True)])
    assert ours.defaults == theirs.defaults
    assert repr(ours) == repr(theirs)


def test_repr_lists_every_group():
    a, b = param(), param()
    ours = ember.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    ta, tb = torch.zeros(3, requires_grad=True), torch.zeros(3, requires_grad=True)
    theirs = torch.optim.SGD([{"params": [ta]}, {"params": [tb], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert repr(ours) == repr(theirs)
    assert repr(ours).startswith("SGD (\nParameter Group 0\n    dampening: 0\n")


def test_add_param_group_fills_defaults():
    opt = ember.optim.Adam([param()], lr=0.01)
    q = param()
    opt.add_param_group({"params": q, "lr": 0.1})  # a lone tensor becomes a list
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is q
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [q]})


def test_named_parameters():
    a, b = param(), param()
    opt = ember.optim.SGD([("w", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.param_groups[0]["params"][0] is a
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]
    with pytest.raises(ValueError, match="with/without names"):
        ember.optim.SGD([("w", param()), param()], lr=0.1)


def test_generator_of_parameters():
    ps = [param(), param()]
    opt = ember.optim.SGD((p for p in ps), lr=0.1)
    assert len(opt.param_groups[0]["params"]) == 2


# ---------------------------------------------------------------- zero_grad
def test_zero_grad_sets_to_none_by_default():
    p = param()
    p.grad = ember.tensor([1.0, 1.0, 1.0])
    ember.optim.SGD([p], lr=0.1).zero_grad()
    assert p.grad is None


def test_zero_grad_in_place():
    p = param()
    g = ember.tensor([1.0, 2.0, 3.0])
    p.grad = g
    version = g._version_counter
    ember.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is g
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0, 0.0])
    assert g._version_counter == version + 1
    assert not g.requires_grad and g.grad_fn is None


def test_zero_grad_in_place_on_a_read_only_gradient():
    p = param()
    p.grad = ember.Tensor._wrap(np.broadcast_to(np.float32(1), (3,)))
    ember.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.numpy(), [0.0, 0.0, 0.0])


def test_zero_grad_skips_missing_gradients():
    p, q = param(), param()
    q.grad = ember.tensor([1.0, 1.0, 1.0])
    ember.optim.SGD([p, q], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is None
    np.testing.assert_array_equal(q.grad.numpy(), [0.0, 0.0, 0.0])


# ---------------------------------------------------------------- step and closure
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_step_without_gradients_changes_nothing(name):
    p = param()
    opt = getattr(ember.optim, name)([p])
    assert opt.step() is None
    np.testing.assert_array_equal(p.detach().numpy(), [1.0, -2.0, 3.0])
    assert p._version_counter == 0


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_closure_is_evaluated_with_grad_enabled_and_its_loss_returned(name):
    p = param()
    opt = getattr(ember.optim, name)([p], lr=0.1)
    seen = []

    def closure():
        seen.append(ember.is_grad_enabled())
        p.grad = ember.tensor([1.0, 1.0, 1.0])
        return 42.0

    with ember.no_grad():
        assert opt.step(closure) == 42.0
    assert seen == [True]
    assert not np.array_equal(p.detach().numpy(), [1.0, -2.0, 3.0])


def test_closure_loop_matches_torch():
    # The classic pattern (L-BFGS style, usable with every optimizer): closure computes the gradient.
    init = np.array([0.5, -1.5, 2.0], "float32")
    results = []
    for m in (ember, torch):
        p = m.tensor(init, requires_grad=True)
        opt = m.optim.Adam([p], lr=0.1)

        def closure():
            opt.zero_grad()
            w = p.detach().numpy()
            p.grad = m.tensor(2 * (w - 1.0))
            return float(((w - 1.0) ** 2).sum())

        losses = [opt.step(closure) for _ in range(20)]
        results.append((losses, p.detach().numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)


# ---------------------------------------------------------------- state dicts
def train(opt, params, grads):
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = ember.tensor(g)
        opt.step()


def random_grads(n, seed, shapes=((3,), (2, 2))):
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(n)]


@pytest.mark.parametrize("name,opts", [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)), ("RMSprop", dict(centered=True, momentum=0.5)), ("Adagrad", dict(lr_decay=0.1)),
    ("Adadelta", dict()),
])
def test_state_dict_round_trip_resumes_exactly(name, opts):
    init = [np.array([1.0, -2.0, 0.5], "float32"), np.array([[0.1, 0.2], [0.3, 0.4]], "float32")]
    grads = random_grads(30, seed=4)
    straight = [ember.tensor(a, requires_grad=True) for a in init]
    opt = getattr(ember.optim, name)(straight, **opts)
    train(opt, straight, grads)

    first = [ember.tensor(a, requires_grad=True) for a in init]
    opt1 = getattr(ember.optim, name)(first, **opts)
    train(opt1, first, grads[:12])
    saved = copy.deepcopy(opt1.state_dict())
    resumed = [ember.tensor(p.detach().numpy().copy(), requires_grad=True) for p in first]
    opt2 = getattr(ember.optim, name)(resumed, **opts)
    opt2.load_state_dict(saved)
    before = copy.deepcopy(saved)
    train(opt2, resumed, grads[12:])
    for a, b in zip(straight, resumed):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    # Loading copied the state: training on did not write into the saved dict.
    for key, st in saved["state"].items():
        for k, v in st.items():
            np.testing.assert_array_equal(np.asarray(v._data), np.asarray(before["state"][key][k]._data))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_state_dict_layout_matches_torch(name):
    opts = {"momentum": 0.9} if name == "SGD" else {}
    ps = [param(), param()]
    ts = [torch.tensor([1.0, -2.0, 3.0], requires_grad=True) for _ in range(2)]
    ours = getattr(ember.optim, name)([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}], **opts)
    theirs = getattr(torch.optim, name)([{"params": ts[:1]}, {"params": ts[1:], "lr": 0.5}], **opts)
    for p, t in zip(ps, ts):
        p.grad, t.grad = ember.tensor([0.1, 0.2, 0.3]), torch.tensor([0.1, 0.2, 0.3])
    ours.step()
    theirs.step()
    sd_e, sd_t = ours.state_dict(), theirs.state_dict()
    assert sd_e["param_groups"] == sd_t["param_groups"]
    assert {k: v for k, v in sd_t["state"].items() if v} .keys() == sd_e["state"].keys()
    for i, st in sd_e["state"].items():
        assert st.keys() == sd_t["state"][i].keys()
        for k, v in st.items():
            assert str(v.dtype) == str(sd_t["state"][i][k].dtype)
            np.testing.assert_allclose(v.numpy(), sd_t["state"][i][k].numpy(), rtol=1e-6)


def test_load_state_dict_validates_groups():
    opt = ember.optim.SGD([param(), param()], lr=0.1)
    other = ember.optim.SGD([{"params": [param()]}, {"params": [param()]}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(other.state_dict())
    smaller = ember.optim.SGD([param()], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(smaller.state_dict())


def test_load_state_dict_restores_options_and_casts_to_param_dtype():
    src = ember.optim.Adam([param()], lr=0.05, betas=(0.8, 0.9))
    p = src.param_groups[0]["params"][0]
    p.grad = ember.tensor([1.0, 1.0, 1.0])
    src.step()
    dst_param = ember.tensor([1.0, -2.0, 3.0], dtype=ember.float64, requires_grad=True)
    dst = ember.optim.Adam([dst_param])
    dst.load_state_dict(src.state_dict())
    assert dst.param_groups[0]["lr"] == 0.05 and dst.param_groups[0]["betas"] == (0.8, 0.9)
    assert dst.param_groups[0]["params"][0] is dst_param
    assert dst.state[dst_param]["exp_avg"].dtype == ember.float64
    assert dst.state[dst_param]["step"].dtype == ember.float32
    assert dst.state[dst_param]["exp_avg"]._data is not src.state[p]["exp_avg"]._data


def test_state_is_keyed_by_parameter():
    p = param()
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = ember.tensor([1.0, 2.0, 3.0])
    opt.step()
    buf = opt.state[p]["momentum_buffer"]
    assert isinstance(buf, ember.Tensor)
    np.testing.assert_array_equal(buf.numpy(), [1.0, 2.0, 3.0])
    assert buf._data is not p.grad._data  # the first buffer is a copy of the gradient


# ---------------------------------------------------------------- hooks and subclassing
def test_step_hooks_run_around_step():
    p = param()
    opt = ember.optim.SGD([p], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    h2 = opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    h3 = ember.optim.optimizer.register_optimizer_step_post_hook(lambda o, a, k: calls.append("global post"))
    opt.step()
    assert calls == ["pre", "post", "global post"]
    for h in (h1, h2, h3):
        h.remove()
    opt.step()
    assert calls == ["pre", "post", "global post"]


def test_state_dict_hooks():
    opt = ember.optim.SGD([param()], lr=0.1)
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1
    seen = []
    opt.register_load_state_dict_post_hook(lambda o: seen.append(o))
    opt.load_state_dict(opt.state_dict())
    assert seen == [opt]


def test_custom_optimizer_subclass():
    # The tutorial pattern: a hand-written optimizer on top of the base class.
    class PlainSGD(ember.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p._data -= group["lr"] * p.grad._data
                        self.state[p]["count"] = self.state[p].get("count", 0) + 1

    p = param()
    opt = PlainSGD([p])
    p.grad = ember.tensor([1.0, 1.0, 1.0])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.9, -2.1, 2.9], rtol=1e-6)
    assert opt.state_dict()["state"] == {0: {"count": 1}}
    assert repr(opt) == "PlainSGD (\nParameter Group 0\n    lr: 0.1\n)"


def test_optimizer_deepcopies_and_pickles():
    import pickle

    p = param()
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = ember.tensor([1.0, 1.0, 1.0])
    opt.step()
    for clone in (copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))):
        q = clone.param_groups[0]["params"][0]
        np.testing.assert_array_equal(clone.state[q]["momentum_buffer"].numpy(), [1.0, 1.0, 1.0])
        q.grad = ember.tensor([1.0, 1.0, 1.0])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            clone.step()
