"""RNN, LSTM and GRU against torch.nn with the same weights: outputs, final states, gradients of inputs,
initial states and every parameter, over layers, directions, batch_first, unbatched input and initial state."""
import itertools
import warnings

import numpy as np
import pytest
from diff import rand, torch

import ember

L, N, IN, HID = 4, 3, 5, 6


def twin(make):
    """The same module built in torch and Ember, Ember's weights copied from torch's by name."""
    t, e = make(torch), make(ember)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def leaves(m, arrays):
    return [m.tensor(a, requires_grad=True) for a in arrays]


def compare(e_mod, t_mod, x, hx=(), rtol=1e-4, atol=1e-5):
    """Run both modules on x (and initial states hx); compare outputs, then the gradients of the inputs,
    states and parameters for one random weighting of every output."""
    results = []
    for m, mod in ((ember, e_mod), (torch, t_mod)):
        xs = leaves(m, [x, *hx])
        state = None if not hx else (tuple(xs[1:]) if len(hx) == 2 else xs[1])
        out, final = mod(xs[0], state)
        outs = [out, *(final if isinstance(final, tuple) else (final,))]
        results.append((xs, outs))
    (e_in, e_out), (t_in, t_out) = results
    e_loss = t_loss = 0
    for i, (eo, to) in enumerate(zip(e_out, t_out)):
        assert tuple(eo.shape) == tuple(to.shape), f"output {i}: {tuple(eo.shape)} != {tuple(to.shape)}"
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol, atol, err_msg=f"output {i}")
        w = rand(tuple(to.shape), str(x.dtype))
        e_loss = e_loss + (eo * ember.tensor(w)).sum()
        t_loss = t_loss + (to * torch.tensor(w)).sum()
    e_loss.backward()
    t_loss.backward()
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), rtol, atol, err_msg=f"grad of input {i}")
    t_params = dict(t_mod.named_parameters())
    for name, p in e_mod.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), rtol, atol, err_msg=name)


MODES = {
    "rnn_tanh": lambda m, **kw: m.nn.RNN(IN, HID, **kw),
    "rnn_relu": lambda m, **kw: m.nn.RNN(IN, HID, nonlinearity="relu", **kw),
    "lstm": lambda m, **kw: m.nn.LSTM(IN, HID, **kw),
    "gru": lambda m, **kw: m.nn.GRU(IN, HID, **kw),
}


def state_shapes(mode, n_states, batched, proj=0):
    size = (n_states, N) if batched else (n_states,)
    h = size + (proj or HID,)
    return [h, size + (HID,)] if mode == "lstm" else [h]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layers,bidirectional,batch_first,batched,given_state",
                         [c for c in itertools.product((1, 2), (False, True), (False, True), (True, False),
                                                       (False, True))
                          if c[3] or not c[2]])  # batch_first means nothing to unbatched input
def test_matches_torch(mode, layers, bidirectional, batch_first, batched, given_state):
    e, t = twin(lambda m: MODES[mode](m, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first))
    shape = ((N, L) if batch_first else (L, N)) + (IN,) if batched else (L, IN)
    hx = [rand(s) for s in state_shapes(mode, layers * (1 + bidirectional), batched)] if given_state else ()
    compare(e, t, rand(shape), hx)


@pytest.mark.parametrize("mode", MODES)
def test_without_bias(mode):
    e, t = twin(lambda m: MODES[mode](m, num_layers=2, bias=False, bidirectional=True))
    compare(e, t, rand((L, N, IN)), [rand(s) for s in state_shapes(mode, 4, True)])


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("given_state", [False, True])
def test_lstm_projection(bidirectional, given_state):
    e, t = twin(lambda m: m.nn.LSTM(IN, HID, num_layers=2, proj_size=2, bidirectional=bidirectional,
                                    batch_first=True))
    hx = [rand(s) for s in state_shapes("lstm", 2 * (1 + bidirectional), True, proj=2)] if given_state else ()
    compare(e, t, rand((N, L, IN)), hx)


@pytest.mark.parametrize("mode", MODES)
def test_float64_and_long_sequences(mode):
    e, t = twin(lambda m: MODES[mode](m, num_layers=2).double())
    compare(e, t, rand((30, 2, IN), "float64"), rtol=1e-10, atol=1e-12)


def test_zero_batch():
    out, h = ember.nn.GRU(IN, HID, bidirectional=True)(ember.zeros(L, 0, IN))
    assert tuple(out.shape) == (L, 0, 2 * HID) and tuple(h.shape) == (2, 0, HID)


def test_dropout_between_layers():
    e, t = twin(lambda m: m.nn.LSTM(IN, HID, num_layers=3, dropout=0.5))
    x = rand((L, N, IN))
    ember.manual_seed(0)
    a = e(ember.tensor(x))[0].detach().numpy()
    b = e(ember.tensor(x))[0].detach().numpy()
    assert not np.allclose(a, b)  # fresh masks each call in training
    e.eval()
    t.eval()
    compare(e, t, x)


def test_dropout_warns_with_one_layer():
    with pytest.warns(UserWarning, match="dropout=0.5 and num_layers=1"):
        ember.nn.GRU(IN, HID, dropout=0.5)


CONFIGS = [
    {}, {"num_layers": 2, "batch_first": True}, {"num_layers": 3, "bidirectional": True, "bias": False},
    {"dropout": 0.25, "num_layers": 2}, {"batch_first": True, "bidirectional": True, "dropout": 0.1, "num_layers": 2},
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("config", range(len(CONFIGS)))
def test_parameters_state_dict_and_repr(mode, config):
    e, t = (MODES[mode](m, **CONFIGS[config]) for m in (ember, torch))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    assert e._flat_weights_names == t._flat_weights_names
    assert e._all_weights == t._all_weights
    assert [[tuple(w.shape) for w in ws] for ws in e.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in t.all_weights]
    for name in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                 "bidirectional", "proj_size"):
        assert getattr(e, name) == getattr(t, name), name
    e.flatten_parameters()


def test_projection_parameters_and_repr():
    e, t = (m.nn.LSTM(10, 20, proj_size=5, bidirectional=True, num_layers=2) for m in (ember, torch))
    assert repr(e) == repr(t) == "LSTM(10, 20, proj_size=5, num_layers=2, bidirectional=True)"
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]


def test_init_bounds():
    ember.manual_seed(0)
    lstm = ember.nn.LSTM(8, 100, num_layers=2)
    for p in lstm.parameters():
        a = p.detach().numpy()
        assert a.dtype == np.float32 and np.abs(a).max() <= 0.1 and np.abs(a).max() > 0.09


BAD_CALLS = [
    (lambda m: m.nn.LSTM(4, 3, num_layers=2), lambda m: (m.randn(5, 2, 6),)),
    (lambda m: m.nn.LSTM(4, 3), lambda m: (m.randn(5, 2, 2, 4),)),
    (lambda m: m.nn.RNN(4, 3), lambda m: (m.randn(4),)),
    (lambda m: m.nn.LSTM(4, 3, num_layers=2), lambda m: (m.randn(5, 2, 4), (m.randn(1, 2, 3), m.randn(2, 2, 3)))),
    (lambda m: m.nn.LSTM(4, 3, num_layers=2), lambda m: (m.randn(5, 2, 4), (m.randn(2, 2, 3), m.randn(2, 1, 3)))),
    (lambda m: m.nn.LSTM(4, 3), lambda m: (m.randn(5, 4), (m.randn(1, 2, 3), m.randn(1, 2, 3)))),
    (lambda m: m.nn.LSTM(4, 3), lambda m: (m.randn(5, 2, 4), (m.randn(1, 3), m.randn(1, 3)))),
    (lambda m: m.nn.GRU(4, 3), lambda m: (m.randn(5, 2, 4), m.randn(2, 2, 3))),
    (lambda m: m.nn.GRU(4, 3), lambda m: (m.randn(5, 2, 4), m.randn(2, 3))),
    (lambda m: m.nn.RNN(4, 3), lambda m: (m.randn(5, 4), m.randn(1, 1, 3))),
    (lambda m: m.nn.LSTM(4, 3), lambda m: (m.randn(0, 2, 4),)),
    (lambda m: m.nn.LSTM(4, 3), lambda m: (m.randn(5, 2, 4, dtype=m.float64),)),
    (lambda m: m.nn.LSTMCell(4, 3), lambda m: (m.randn(2, 5),)),
    (lambda m: m.nn.LSTMCell(4, 3), lambda m: (m.randn(2, 2, 4),)),
    (lambda m: m.nn.LSTMCell(4, 3), lambda m: (m.randn(2, 4), (m.randn(3, 3), m.randn(2, 3)))),
    (lambda m: m.nn.LSTMCell(4, 3), lambda m: (m.randn(2, 4), (m.randn(2, 3), m.randn(2, 4)))),
    (lambda m: m.nn.LSTMCell(4, 3), lambda m: (m.randn(2, 4), (m.randn(2, 2, 3), m.randn(2, 3)))),
    (lambda m: m.nn.GRUCell(4, 3), lambda m: (m.randn(2, 4), m.randn(3, 3))),
    (lambda m: m.nn.RNNCell(4, 3), lambda m: (m.randn(2, 4), m.randn(2, 5))),
    (lambda m: m.nn.RNNCell(4, 3), lambda m: (m.randn(4), m.randn(2, 3))),
    (lambda m: m.nn.RNNCell(4, 3, nonlinearity="sigmoid"), lambda m: (m.randn(2, 4),)),
]


@pytest.mark.parametrize("case", range(len(BAD_CALLS)))
def test_call_errors_match_torch(case):
    make, args = BAD_CALLS[case]
    with pytest.raises(Exception) as t_err:
        make(torch)(*args(torch))
    with pytest.raises(t_err.type) as e_err:
        make(ember)(*args(ember))
    assert str(e_err.value) == str(t_err.value)


BAD_MODULES = [
    lambda m: m.nn.RNN(4, 3, nonlinearity="sigmoid"), lambda m: m.nn.LSTM(4, 3, dropout=1.5),
    lambda m: m.nn.LSTM(4, 3, dropout=True), lambda m: m.nn.GRU(4, 3, proj_size=2),
    lambda m: m.nn.LSTM(4, 3, proj_size=3), lambda m: m.nn.LSTM(4, 3, proj_size=-1), lambda m: m.nn.LSTM(4, 0),
    lambda m: m.nn.LSTM(0, 3), lambda m: m.nn.LSTM(4, 3, num_layers=0), lambda m: m.nn.LSTM(4, 3.0),
    lambda m: m.nn.GRU(4, 3, bias=1), lambda m: m.nn.RNN(4, 3, batch_first=None),
]


@pytest.mark.parametrize("case", range(len(BAD_MODULES)))
def test_constructor_errors_match_torch(case):
    with pytest.raises(Exception) as t_err:
        BAD_MODULES[case](torch)
    with pytest.raises(t_err.type) as e_err, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        BAD_MODULES[case](ember)
    assert str(e_err.value) == str(t_err.value)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_layer_is_one_node_with_torchs_name(bidirectional):
    # a whole layer-direction is one node, named as PyTorch names its CPU LSTM layer; the values and
    # gradients of that path are compared with torch by the tests above
    e, t = twin(lambda m: m.nn.LSTM(IN, HID, num_layers=2, bidirectional=bidirectional))
    x = rand((L, N, IN))
    e_out, t_out = e(ember.tensor(x))[0], t(torch.tensor(x))[0]
    assert e_out.grad_fn.name() == type(t_out.grad_fn).__name__
    # a long sequence: one node per layer-direction, not one per step
    out = e(ember.randn(200, N, IN))[0]
    nodes, stack = set(), [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and id(node) not in nodes:
            nodes.add(id(node))
            stack.extend(nxt[0] for nxt in node.next_functions if nxt is not None)
    assert len(nodes) < 40
