"""nn.Module against torch.nn.Module: registration, traversal, state_dict, load errors, printing,
hooks, modes and dtype/device moves."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from diff import torch

import ember
import ember.nn as nn


def build(m):
    """The same small architecture in Ember or torch, with a buffer and a nested container."""
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = m.nn.Linear(4, 3)
            self.act = m.nn.ReLU()
            self.blocks = m.nn.ModuleList([m.nn.Linear(3, 3), m.nn.Linear(3, 3, bias=False)])
            self.head = m.nn.Sequential(OrderedDict(drop=m.nn.Dropout(0.1), out=m.nn.Linear(3, 2)))
            self.register_buffer("steps", m.zeros(1))
            self.register_buffer("scratch", m.zeros(2), persistent=False)
            self.scale = m.nn.Parameter(m.ones(1))

        def forward(self, x):
            x = self.act(self.fc1(x))
            for b in self.blocks:
                x = b(x)
            return self.head(x) * self.scale

    return Net()


def copy_weights(src, dst):
    """Copy a torch module's state into an Ember module through NumPy."""
    dst.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def test_names_match_torch():
    e, t = build(ember), build(torch)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in e.named_parameters(prefix="net", recurse=False)] == [
        n for n, _ in t.named_parameters(prefix="net", recurse=False)]
    assert repr(e) == repr(t)
    assert e.state_dict()._metadata == t.state_dict()._metadata


def test_forward_matches_torch_with_copied_weights():
    e, t = build(ember), build(torch)
    copy_weights(t, e)
    e.eval(), t.eval()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eo, to = e(ex), t(tx)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    eo.sum().backward(), to.sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (n, ep), (_, tp) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=n)


def test_registration_and_attribute_errors():
    lin = nn.Linear(3, 3)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad and lin.weight.is_leaf
    cases = [
        (lambda: setattr(lin, "weight", ember.ones(3)), TypeError,
         "cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)"),
        (lambda: lin.register_parameter("x", ember.ones(3)), TypeError,
         "cannot assign 'torch.FloatTensor' object to parameter 'x' (torch.nn.Parameter or None required)"),
        (lambda: lin.register_buffer("x", 3), TypeError,
         "cannot assign 'int' object to buffer 'x' (torch Tensor or None required)"),
        (lambda: lin.register_buffer("weight", ember.ones(1)), KeyError, "attribute 'weight' already exists"),
        (lambda: lin.register_buffer("a.b", ember.ones(1)), KeyError, 'buffer name can\'t contain "."'),
        (lambda: lin.register_buffer("", ember.ones(1)), KeyError, 'buffer name can\'t be empty string ""'),
        (lambda: lin.add_module("a.b", nn.ReLU()), KeyError, 'module name can\'t contain ".", got: a.b'),
        (lambda: lin.add_module("c", 3), TypeError, "int is not a Module subclass"),
        (lambda: lin.nope, AttributeError, "'Linear' object has no attribute 'nope'"),
        (lambda: nn.Module()(3), NotImplementedError, 'Module [Module] is missing the required "forward" function'),
        (lambda: nn.Module().train(1), ValueError, "training mode is expected to be boolean"),
        (lambda: nn.Linear(3, 3).to(ember.int64), TypeError,
         "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64"),
    ]
    for fn, exc, msg in cases:
        with pytest.raises(exc) as info:
            fn()
        text = info.value.args[0]
        assert text == msg, text


def test_setattr_moves_between_kinds_and_delattr():
    m = nn.Module()
    m.x = nn.Parameter(ember.ones(2))
    m.register_buffer("b", ember.zeros(2))
    m.b = ember.ones(2)  # reassigning a buffer keeps it a buffer
    assert "b" in m._buffers and m.b.numpy().sum() == 2
    m.x = None
    assert m._parameters["x"] is None and list(m.parameters()) == []
    m.sub = nn.Linear(2, 2)
    m.sub = None
    assert list(m.children()) == []
    m.y = nn.Parameter(ember.ones(1))
    del m.y
    assert "y" not in m._parameters
    with pytest.raises(AttributeError):
        m.y
    m.z = nn.Buffer(ember.ones(3), persistent=False)
    assert "z" in m._buffers and "z" not in m.state_dict() and type(m.z) is ember.Tensor


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(seq.modules())) == 3


def test_state_dict_shares_storage_and_keep_vars():
    lin = nn.Linear(3, 2)
    sd = lin.state_dict()
    assert type(sd) is OrderedDict and not sd["weight"].requires_grad and type(sd["weight"]) is ember.Tensor
    sd["weight"][0, 0] = 42.0
    assert lin.weight[0, 0].item() == 42.0
    assert lin.state_dict(keep_vars=True)["weight"] is lin.weight


def test_load_state_dict():
    src, dst = nn.Linear(3, 3), nn.Linear(3, 3)
    weight = dst.weight
    result = dst.load_state_dict(src.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert dst.weight is weight
    np.testing.assert_array_equal(dst.weight.detach().numpy(), src.weight.detach().numpy())
    result = dst.load_state_dict({"weight": ember.ones(3, 3)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == []
    assert repr(result) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])"
    dst.load_state_dict({"weight": ember.ones(3, 3, dtype=ember.float64), "bias": ember.zeros(3)})
    assert dst.weight.dtype == ember.float32 and dst.weight.detach().numpy().sum() == 9


@pytest.mark.parametrize("state", [
    {"weight": (2, 3), "bias": (3,)},
    {"weight": (3, 3)},
    {"weight": (3, 3), "bias": (3,), "foo": (1,), "bar.x": (1,)},
    {"weight": (2, 3), "foo": (1,)},
    {"weight": 3, "bias": (3,)},
])
def test_load_state_dict_errors_match_torch(state):
    def message(m):
        lin = m.nn.Linear(3, 3)
        sd = {k: m.ones(*v) if isinstance(v, tuple) else v for k, v in state.items()}
        with pytest.raises(RuntimeError) as info:
            lin.load_state_dict(sd)
        return str(info.value)

    assert message(ember) == message(torch)


def test_load_state_dict_nested_and_assign():
    e, t = build(ember), build(torch)
    copy_weights(t, e)
    sd = e.state_dict()
    sd["head.out.extra"] = ember.ones(1)
    del sd["blocks.1.weight"]
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "blocks.1.weight". \n\tUnexpected '
                                           r'key\(s\) in state_dict: "head.out.extra". '):
        e.load_state_dict(sd)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'list'>."):
        e.load_state_dict([1])
    lin = nn.Linear(2, 2)
    new = ember.ones(2, 2)
    lin.load_state_dict({"weight": new, "bias": ember.zeros(2)}, assign=True)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad
    new[0, 0] = 5.0
    assert lin.weight[0, 0].item() == 5.0


def test_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
    out = lin(ember.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), np.broadcast_to(lin.bias.detach().numpy() + 1, (3, 2)))
    assert calls == [(3, 2)] and h1.id != h2.id
    h1.remove(), h2.remove()
    out = lin(ember.ones(3, 2))
    assert calls == [(3, 2)] and not lin._forward_hooks and not lin._forward_pre_hooks
    order = []
    lin.register_forward_hook(lambda *a: order.append("second"))
    lin.register_forward_hook(lambda *a: order.append("first"), prepend=True)
    lin.register_forward_pre_hook(lambda mod, args, kwargs: (args, kwargs), with_kwargs=True)
    with lin.register_forward_hook(lambda mod, args, kwargs, out: out * 0, with_kwargs=True):
        assert not lin(ember.ones(1, 2)).detach().numpy().any()
    assert lin(ember.ones(1, 2)).detach().numpy().any()
    assert order == ["first", "second", "first", "second"]


def test_train_eval_apply_zero_grad_requires_grad():
    net = build(ember)
    assert net.training and net.head.drop.training
    assert net.eval() is net and not net.head.drop.training
    net.train()
    assert net.head.drop.training
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net" and seen[0] == "Linear"
    net(ember.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_and_casts_keep_parameter_identity():
    net = build(ember)
    net(ember.randn(2, 4)).sum().backward()
    w = net.fc1.weight
    assert net.double() is net and net.fc1.weight is w
    assert w.dtype == ember.float64 and w.grad.dtype == ember.float64 and net.steps.dtype == ember.float64
    net.to(ember.float32)
    assert w.dtype == ember.float32
    net.half()
    assert w.dtype == ember.float16
    net.to("cpu", dtype=ember.float32).float()
    assert w.dtype == ember.float32 and net.cpu() is net
    out = net(ember.randn(2, 4))
    assert out.dtype == ember.float32
    net.type(ember.float64)
    assert w.dtype == ember.float64


def test_dir_get_submodule_get_parameter():
    net = build(ember)
    names = dir(net)
    assert {"fc1", "blocks", "steps", "scale", "forward", "training"} <= set(names)
    assert net.get_submodule("head.out") is net.head.out
    assert net.get_parameter("blocks.0.bias") is net.blocks[0].bias
    assert net.get_buffer("steps") is net.steps
    with pytest.raises(AttributeError, match="Sequential has no attribute `nope`"):
        net.get_submodule("head.nope")


def test_pickle_and_deepcopy():
    net = build(ember)
    net.register_forward_hook(lambda *a: None)
    clone = copy.deepcopy(net)
    assert clone.fc1.weight is not net.fc1.weight and isinstance(clone.fc1.weight, nn.Parameter)
    np.testing.assert_array_equal(clone.fc1.weight.detach().numpy(), net.fc1.weight.detach().numpy())
    restored = pickle.loads(pickle.dumps(nn.Sequential(nn.Linear(2, 2), nn.ReLU())))
    assert repr(restored) == repr(nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
    assert isinstance(restored[0].weight, nn.Parameter) and restored[0].weight.requires_grad


def test_parameter():
    p = nn.Parameter(ember.tensor([1.0, 2.0]))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(nn.Parameter(ember.ones(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.ones(2), requires_grad=False))
    t = ember.zeros(2)
    shared = nn.Parameter(t)
    t[0] = 3.0
    assert shared[0].item() == 3.0
    assert type(p * 2) is ember.Tensor and type(p.detach()) is ember.Tensor and type(p.data) is ember.Tensor
    assert nn.Parameter().shape == (0,)
    with pytest.raises(RuntimeError):
        nn.Parameter(ember.tensor([1, 2]))
