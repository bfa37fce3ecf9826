"""Layers against torch.nn: same weights and inputs give the same outputs and gradients; same printing."""
from collections import OrderedDict

import numpy as np
import pytest
from diff import check, torch

import ember
import ember.nn as nn


def twin(make):
    """The same layer built in torch and Ember, Ember's weights copied from torch's."""
    t, e = make(torch), make(ember)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


LAYERS = {
    "linear": (lambda m: m.nn.Linear(5, 3), (4, 5)),
    "linear_nobias": (lambda m: m.nn.Linear(5, 3, bias=False), (2, 6, 5)),
    "identity": (lambda m: m.nn.Identity(7, foo=1), (4, 5)),
    "relu": (lambda m: m.nn.ReLU(), (4, 5)),
    "relu6": (lambda m: m.nn.ReLU6(), (4, 5)),
    "leaky": (lambda m: m.nn.LeakyReLU(0.2), (4, 5)),
    "elu": (lambda m: m.nn.ELU(alpha=0.5), (4, 5)),
    "selu": (lambda m: m.nn.SELU(), (4, 5)),
    "celu": (lambda m: m.nn.CELU(), (4, 5)),
    "gelu": (lambda m: m.nn.GELU(), (4, 5)),
    "gelu_tanh": (lambda m: m.nn.GELU(approximate="tanh"), (4, 5)),
    "sigmoid": (lambda m: m.nn.Sigmoid(), (4, 5)),
    "tanh": (lambda m: m.nn.Tanh(), (4, 5)),
    "logsigmoid": (lambda m: m.nn.LogSigmoid(), (4, 5)),
    "softmax": (lambda m: m.nn.Softmax(dim=1), (4, 5)),
    "log_softmax": (lambda m: m.nn.LogSoftmax(dim=-1), (4, 5)),
    "softmin": (lambda m: m.nn.Softmin(0), (4, 5)),
    "softplus": (lambda m: m.nn.Softplus(beta=2, threshold=3), (4, 5)),
    "silu": (lambda m: m.nn.SiLU(), (4, 5)),
    "hardtanh": (lambda m: m.nn.Hardtanh(-0.5, 0.5), (4, 5)),
    "flatten": (lambda m: m.nn.Flatten(), (2, 3, 4)),
    "flatten_range": (lambda m: m.nn.Flatten(0, 1), (2, 3, 4)),
    "unflatten": (lambda m: m.nn.Unflatten(1, (2, 3)), (4, 6)),
    "dropout_eval": (lambda m: m.nn.Dropout(0.5).eval(), (4, 5)),
    "mlp": (lambda m: m.nn.Sequential(m.nn.Flatten(), m.nn.Linear(12, 8), m.nn.ReLU(), m.nn.Dropout(0.3),
                                      m.nn.Linear(8, 3)).eval(), (2, 3, 4)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_torch(name):
    make, shape = LAYERS[name]
    e, t = twin(make)
    assert repr(e) == repr(t)
    check(lambda m, x: (e if m is ember else t)(x), [shape])


def test_bilinear_layer():
    e, t = twin(lambda m: m.nn.Bilinear(3, 4, 2))
    assert repr(e) == repr(t)
    check(lambda m, a, b: (e if m is ember else t)(a, b), [(5, 3), (5, 4)], rtol=1e-4, atol=1e-5)
    assert list(e.state_dict()) == list(t.state_dict())


def test_linear_parameter_grads_match_torch():
    e, t = twin(lambda m: m.nn.Linear(784, 10))
    x = np.random.default_rng(0).standard_normal((8, 784)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, 8)
    ember.nn.functional.cross_entropy(e(ember.tensor(x)), ember.tensor(y)).backward()
    torch.nn.functional.cross_entropy(t(torch.tensor(x)), torch.tensor(y)).backward()
    np.testing.assert_allclose(e.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(e.bias.grad.numpy(), t.bias.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_linear_default_init_bounds():
    ember.manual_seed(0)
    lin = nn.Linear(400, 300)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    bound = 1 / np.sqrt(400)
    assert w.dtype == np.float32 and np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound and abs(w.mean()) < 0.01 * bound
    assert np.abs(b).max() <= bound
    assert nn.Linear(3, 2, dtype=ember.float64).weight.dtype == ember.float64
    ember.manual_seed(5)
    a = nn.Linear(4, 4).weight.detach().numpy().copy()
    ember.manual_seed(5)
    np.testing.assert_array_equal(a, nn.Linear(4, 4).weight.detach().numpy())


def test_dropout_layer_modes():
    drop = nn.Dropout(0.5)
    x = ember.ones(100, 100)
    assert (drop(x).numpy() == 0).any()
    drop.eval()
    assert drop(x) is x
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    for cls in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d"):
        assert repr(getattr(nn, cls)(0.2, inplace=True)) == repr(getattr(torch.nn, cls)(0.2, inplace=True))


def test_inplace_relu_layer():
    e, t = twin(lambda m: m.nn.Sequential(m.nn.Linear(3, 3), m.nn.ReLU(inplace=True)))
    assert repr(e) == repr(t)
    check(lambda m, x: (e if m is ember else t)(x), [(4, 3)])


@pytest.mark.parametrize("make", [
    lambda m: m.nn.CrossEntropyLoss(weight=m.ones(3), label_smoothing=0.1, ignore_index=2),
    lambda m: m.nn.NLLLoss(), lambda m: m.nn.BCEWithLogitsLoss(pos_weight=m.ones(2)),
    lambda m: m.nn.SmoothL1Loss(beta=0.5), lambda m: m.nn.HuberLoss(delta=2), lambda m: m.nn.KLDivLoss(),
    lambda m: m.nn.L1Loss(reduction="sum"), lambda m: m.nn.BCELoss(), lambda m: m.nn.MSELoss(),
])
def test_loss_layers_repr_and_state(make):
    e, t = make(ember), make(torch)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_loss_layers_compute_like_functional():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 4)).astype(np.float32), rng.integers(0, 4, 6)
    p = rng.random((6, 4)).astype(np.float32)
    for make, target in ((lambda m: m.nn.CrossEntropyLoss(label_smoothing=0.1), y),
                         (lambda m: m.nn.CrossEntropyLoss(reduction="none", weight=m.tensor([1.0, 2, 3, 4])), y),
                         (lambda m: m.nn.MSELoss(reduction="sum"), p), (lambda m: m.nn.L1Loss(), p),
                         (lambda m: m.nn.BCEWithLogitsLoss(), p), (lambda m: m.nn.SmoothL1Loss(), p),
                         (lambda m: m.nn.HuberLoss(), p), (lambda m: m.nn.KLDivLoss(reduction="batchmean"), p)):
        e, t = make(ember), make(torch)
        check(lambda m, x, y: (e if m is ember else t)(x, y), [x, target])
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        assert nn.MSELoss(size_average=False).reduction == "sum"


def test_sequential():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    ref = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh(), torch.nn.Sigmoid())
    assert len(seq) == 3 and isinstance(seq[-1], nn.Sigmoid) and [type(m).__name__ for m in seq] == [
        "ReLU", "Tanh", "Sigmoid"]
    assert repr(seq[1:]) == repr(ref[1:]) and isinstance(seq[1:], nn.Sequential)
    for fn in (lambda s, m: s.__delitem__(1), lambda s, m: s.insert(1, m.nn.ELU()),
               lambda s, m: s.append(m.nn.ReLU()), lambda s, m: s.pop(0), lambda s, m: s.__setitem__(0, m.nn.SiLU()),
               lambda s, m: s.extend([m.nn.Tanh()])):
        fn(seq, ember), fn(ref, torch)
        assert repr(seq) == repr(ref)
    assert repr(seq + nn.Sequential(nn.ReLU())) == repr(ref + torch.nn.Sequential(torch.nn.ReLU()))
    named = nn.Sequential(OrderedDict(first=nn.Linear(2, 3), second=nn.ReLU()))
    assert list(named.state_dict()) == ["first.weight", "first.bias"] and named.first is named[0]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        seq[5]
    with pytest.raises(IndexError, match="Index out of range: 10"):
        seq.insert(10, nn.ReLU())
    assert repr(nn.Sequential()) == "Sequential()"


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)])
    tl = torch.nn.ModuleList([torch.nn.Linear(2, 2), torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 2)])
    assert repr(ml) == repr(tl) and repr(ml[1:3]) == repr(tl[1:3]) and repr(nn.ModuleList()) == "ModuleList()"
    assert len(list(ml.parameters())) == 6
    del ml[0], tl[0]
    assert repr(ml) == repr(tl)
    ml += [nn.Tanh()]
    assert isinstance(ml[-1], nn.Tanh) and len(ml) == 4
    md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(1, 1)})
    td = torch.nn.ModuleDict({"b": torch.nn.ReLU(), "a": torch.nn.Linear(1, 1)})
    assert repr(md) == repr(td) and list(md.keys()) == ["b", "a"] and "a" in md
    assert list(md.state_dict()) == list(td.state_dict())
    assert isinstance(md.pop("b"), nn.ReLU) and len(md) == 1


def test_parameter_list_and_dict():
    pl = nn.ParameterList([nn.Parameter(ember.ones(2)), ember.ones(2, 3, dtype=ember.float64)])
    tl = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.ones(2, 3, dtype=torch.float64)])
    assert repr(pl) == repr(tl) and isinstance(pl[1], nn.Parameter) and len(pl) == 2
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pd = nn.ParameterDict({"a": ember.ones(2)})
    td = torch.nn.ParameterDict({"a": torch.ones(2)})
    assert repr(pd) == repr(td) and isinstance(pd["a"], nn.Parameter) and list(pd.keys()) == ["a"]
    outer = nn.Module()
    outer.params = pd
    assert list(outer.state_dict()) == ["params.a"]
