"""Backward hooks (full, pre, the deprecated non-full kind), forward hooks with kwargs and state-dict hooks,
each run side by side with PyTorch: what the hooks see, in which order, and what their results change."""
import warnings

import numpy as np
import pytest
from diff import rand, torch

import ember


class Net:
    """A two-layer model built the same way in both frameworks."""

    @staticmethod
    def make(m):
        torch.manual_seed(0)
        t = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
        if m is torch:
            return t
        e = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.Tanh(), ember.nn.Linear(3, 2))
        e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
        return e


def _shapes(grads):
    return [None if g is None else tuple(g.shape) for g in grads]


def _values(grads):
    return [None if g is None else g.detach().numpy().copy() for g in grads]


def run_hooks(m, register, input_grad=True, scale=None):
    net = Net.make(m)
    seen = []
    register(net, seen, m)
    x = m.tensor(np.linspace(-1, 1, 20, dtype="float32").reshape(5, 4), requires_grad=input_grad)
    net(x).pow(2).sum().backward()
    return seen, (x.grad.numpy() if input_grad else None), net[0].weight.grad.numpy()


def compare(register, input_grad=True):
    with warnings.catch_warnings(record=True) as we:
        warnings.simplefilter("always")
        e = run_hooks(ember, register, input_grad)
    with warnings.catch_warnings(record=True) as wt:
        warnings.simplefilter("always")
        t = run_hooks(torch, register, input_grad)
    assert len(e[0]) == len(t[0])
    for (en, ev), (tn, tv) in zip(e[0], t[0]):
        assert en == tn
        assert len(ev) == len(tv)
        for a, b in zip(ev, tv):
            assert (a is None) == (b is None), en
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=en)
    for a, b in zip(e[1:], t[1:]):
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert sorted({type(w.message).__name__ + str(w.message) for w in we if "Hook" in str(w.message) or "hook" in
                   str(w.message)}) == sorted({type(w.message).__name__ + str(w.message) for w in wt if "Hook" in
                                               str(w.message) or "hook" in str(w.message)})


def test_full_backward_hooks_see_and_replace_gradients():
    def register(net, seen, m):
        def hook(name):
            def fn(mod, grad_input, grad_output):
                seen.append((name + " in", _values(grad_input)))
                seen.append((name + " out", _values(grad_output)))
                if name == "first":
                    return tuple(None if g is None else g * 3 for g in grad_input)
            return fn
        net[0].register_full_backward_hook(hook("first"))
        net[2].register_full_backward_hook(hook("last"))
        net.register_full_backward_hook(hook("whole"))
    compare(register)


def test_full_backward_pre_hooks_replace_output_gradients():
    def register(net, seen, m):
        def pre(mod, grad_output):
            seen.append(("pre", _values(grad_output)))
            return (grad_output[0] * 0.5,)
        net[2].register_full_backward_pre_hook(pre)
        net[1].register_full_backward_pre_hook(lambda mod, go: seen.append(("tanh pre", _values(go))))
        net[0].register_full_backward_hook(lambda mod, gi, go: seen.append(("first", _values(gi + go))))
    compare(register)


def test_full_backward_hook_without_input_gradients_warns():
    def register(net, seen, m):
        net[0].register_full_backward_hook(lambda mod, gi, go: seen.append(("first", _values(gi + go))))
    compare(register, input_grad=False)


def test_non_full_backward_hook_is_deprecated():
    def register(net, seen, m):
        net[1].register_backward_hook(lambda mod, gi, go: seen.append(("tanh", _values(gi + go))))
    compare(register)
    net = ember.nn.Linear(2, 2)
    net.register_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
        net.register_full_backward_hook(lambda *a: None)


def test_forward_hooks_with_kwargs_and_always_call():
    for m in (ember, torch):
        lin = m.nn.Linear(2, 2)
        calls = []
        lin.register_forward_pre_hook(lambda mod, args, kwargs: calls.append(sorted(kwargs)) or (args, kwargs),
                                      with_kwargs=True)
        lin.register_forward_hook(lambda mod, args, kwargs, out: out * 0, with_kwargs=True, always_call=True)
        out = lin(input=m.ones(1, 2))
        assert calls == [["input"]] and float(out.abs().sum()) == 0


def test_state_dict_hooks():
    results = []
    for m in (ember, torch):
        net = Net.make(m)
        log = []
        net[0].register_state_dict_pre_hook(lambda mod, prefix, keep_vars: log.append(("pre", prefix, keep_vars)))

        def post(mod, sd, prefix, meta):
            log.append(("post", prefix, sorted(sd)))
            sd[prefix + "extra"] = m.zeros(1)
        net.register_state_dict_post_hook(post)
        sd = net.state_dict()
        net[2].register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, meta, strict, missing, unexpected, errors: log.append(("load pre", prefix)))

        def load_post(mod, keys):
            log.append(("load post", sorted(keys.unexpected_keys)))
            keys.unexpected_keys.clear()
        net.register_load_state_dict_post_hook(load_post)
        result = net.load_state_dict(sd)
        results.append((log, list(sd), repr(result)))
    assert results[0] == results[1]


def test_backward_hook_handles_remove():
    net = ember.nn.Linear(3, 1)
    seen = []
    h = net.register_full_backward_hook(lambda *a: seen.append(1))
    net(ember.randn(2, 3, requires_grad=True)).sum().backward()
    h.remove()
    net(ember.randn(2, 3, requires_grad=True)).sum().backward()
    assert seen == [1]
    x = ember.tensor(rand((2, 3)), requires_grad=True)
    with ember.no_grad():
        assert net(x).grad_fn is None
