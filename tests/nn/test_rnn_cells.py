"""RNNCell, LSTMCell and GRUCell against torch.nn; finite-difference checks of the fused step ops;
a small sequence classifier that learns."""
import numpy as np
import pytest
from diff import rand, torch

import ember
from ember._ops.rnn import GRUStep, LSTMStep, RNNStep

IN, HID, N = 5, 4, 3

CELLS = {
    "rnn_tanh": lambda m, **kw: m.nn.RNNCell(IN, HID, **kw),
    "rnn_relu": lambda m, **kw: m.nn.RNNCell(IN, HID, nonlinearity="relu", **kw),
    "lstm": lambda m, **kw: m.nn.LSTMCell(IN, HID, **kw),
    "gru": lambda m, **kw: m.nn.GRUCell(IN, HID, **kw),
}


def twin(make):
    t, e = make(torch), make(ember)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given_state", [True, False])
def test_cell_matches_torch(cell, bias, batched, given_state):
    e, t = twin(lambda m: CELLS[cell](m, bias=bias))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    lead = (N,) if batched else ()
    arrays = [rand(lead + (IN,))] + ([rand(lead + (HID,)) for _ in range(1 + (cell == "lstm"))] if given_state else [])
    results = []
    for m, mod in ((ember, e), (torch, t)):
        xs = [m.tensor(a, requires_grad=True) for a in arrays]
        state = None if len(xs) == 1 else tuple(xs[1:]) if cell == "lstm" else xs[1]
        out = mod(xs[0], state)
        outs = list(out) if cell == "lstm" else [out]
        results.append((xs, outs))
    (e_in, e_out), (t_in, t_out) = results
    assert [o.grad_fn.name() for o in e_out][:1] == [o.grad_fn.name() for o in t_out][:1]
    e_loss = t_loss = 0
    for eo, to in zip(e_out, t_out):
        assert tuple(eo.shape) == tuple(to.shape)
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), 1e-5, 1e-6)
        w = rand(tuple(to.shape))
        e_loss = e_loss + (eo * ember.tensor(w)).sum()
        t_loss = t_loss + (to * torch.tensor(w)).sum()
    e_loss.backward()
    t_loss.backward()
    for ei, ti in zip(e_in, t_in):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), 1e-4, 1e-6)
    t_params = dict(t.named_parameters())
    for name, p in e.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), 1e-4, 1e-6, err_msg=name)


def test_cell_unrolled_equals_layer():
    """An LSTMCell stepped by hand gives what a one-layer LSTM with the same weights gives."""
    cell, lstm = ember.nn.LSTMCell(IN, HID), ember.nn.LSTM(IN, HID)
    lstm.load_state_dict({k + "_l0": v for k, v in cell.state_dict().items()})
    x = ember.tensor(rand((6, N, IN)))
    h = c = ember.zeros(N, HID)
    outs = []
    for t in range(6):
        h, c = cell(x[t], (h, c))
        outs.append(h)
    out, (_, c_n) = lstm(x)
    np.testing.assert_allclose(ember.stack(outs).detach().numpy(), out.detach().numpy(), 1e-6, 1e-6)
    np.testing.assert_allclose(c.detach().numpy(), c_n[0].detach().numpy(), 1e-6, 1e-6)


# ----------------------------------------------------------------- the fused steps in float64


def rand64(*shape):
    return ember.tensor(rand(shape, "float64"), requires_grad=True)


STEPS = {
    "rnn_tanh": (lambda xg, h, w: RNNStep.apply(xg, h, w), (1,)),
    "rnn_relu": (lambda xg, h, w: RNNStep.apply(xg, h, w, relu=True), (1,)),
    "lstm": (lambda xg, h, c, w: LSTMStep.apply(xg, h, c, w, None), (4, "c")),
    "lstm_proj": (lambda xg, h, c, w, wr: LSTMStep.apply(xg, h, c, w, wr), (4, "c", "proj")),
    "gru": (lambda xg, h, w, b: GRUStep.apply(xg, h, w, b), (3, "b")),
}


def step_inputs(spec):
    gates, extra = spec[0], spec[1:]
    h_size = 2 if "proj" in extra else HID
    xs = [rand64(2, gates * HID), rand64(2, h_size)]
    if "c" in extra:
        xs.append(rand64(2, HID))
    xs.append(rand64(gates * HID, h_size))
    if "proj" in extra:
        xs.append(rand64(2, HID))
    if "b" in extra:
        xs.append(rand64(gates * HID))
    return xs


@pytest.mark.parametrize("step", STEPS)
def test_step_gradcheck(step):
    fn, spec = STEPS[step]
    assert ember.autograd.gradcheck(fn, step_inputs(spec), eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("step", ["rnn_tanh", "lstm_proj", "gru"])
def test_step_gradgradcheck(step):
    fn, spec = STEPS[step]
    assert ember.autograd.gradgradcheck(fn, step_inputs(spec), eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
def test_cell_module_gradcheck(cell):
    """The whole cell (projection and step) in float64, with respect to its input and state."""
    mod = CELLS[cell](ember).double()
    n_states = 2 if cell == "lstm" else 1

    def fn(x, *state):
        return mod(x, state if cell == "lstm" else state[0])

    assert ember.autograd.gradcheck(fn, [rand64(2, IN)] + [rand64(2, HID) for _ in range(n_states)], eps=1e-6,
                                    atol=1e-5, rtol=1e-3)


def test_layer_gradcheck():
    gru = ember.nn.GRU(3, 2, num_layers=2, bidirectional=True).double()
    assert ember.autograd.gradcheck(lambda x, h: gru(x, h), [rand64(4, 2, 3), rand64(4, 2, 2)], eps=1e-6,
                                    atol=1e-5, rtol=1e-3)


# ----------------------------------------------------------------- learning


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_sequence_classifier_learns(kind):
    """Which of 3 marker tokens appears in a noisy sequence: the loss must fall well below chance."""
    ember.manual_seed(0)
    rng = np.random.default_rng(0)

    def batch(n=32, length=8):
        x = rng.normal(0, 0.3, (n, length, 4)).astype(np.float32)
        y = rng.integers(0, 3, n)
        x[np.arange(n), rng.integers(0, length, n), y] += 2.0
        return ember.tensor(x), ember.tensor(y)

    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(ember.nn, kind)(4, 16, batch_first=True)
            self.head = ember.nn.Linear(16, 3)

        def forward(self, x):
            return self.head(self.rnn(x)[1][-1] if kind == "GRU" else self.rnn(x)[1][0][-1])

    net = Net()
    opt = ember.optim.Adam(net.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        x, y = batch()
        loss = ember.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[:5]) > 1.0 and np.mean(losses[-10:]) < 0.3


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_layer_gradcheck_and_gradgradcheck(bidirectional):
    # first and second derivatives through whole layers, both directions
    lstm = ember.nn.LSTM(3, 2, bidirectional=bidirectional).double()
    inputs = [rand64(4, 2, 3), rand64(2 if bidirectional else 1, 2, 2), rand64(2 if bidirectional else 1, 2, 2)]

    def fn(x, h, c):
        out, (hn, cn) = lstm(x, (h, c))
        return out, hn, cn

    assert ember.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)
    assert ember.autograd.gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)
