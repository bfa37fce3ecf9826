"""nn.utils.rnn (pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence) and recurrent
layers on packed input, against torch with the same weights."""
import numpy as np
import pytest
from diff import check, rand, torch

import ember

LENGTHS = [3, 5, 1, 5]


def seqs(m, arrays):
    return [m.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    check(lambda m, *xs: m.nn.utils.rnn.pad_sequence(list(xs), batch_first, -1.5, side),
          [(n, 2, 3) for n in LENGTHS])


def test_pad_sequence_bad_side():
    with pytest.raises(ValueError, match="padding_side"):
        ember.nn.utils.rnn.pad_sequence([ember.ones(2)], padding_side="middle")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_pack_and_pad_round_trip(batch_first, enforce_sorted):
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    shape = (len(lengths), 5, 3) if batch_first else (5, len(lengths), 3)

    def fn(m, x):
        R = m.nn.utils.rnn
        packed = R.pack_padded_sequence(x, m.tensor(lengths), batch_first, enforce_sorted)
        padded, lens = R.pad_packed_sequence(packed, batch_first, padding_value=7.0, total_length=6)
        return packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, padded, lens

    check(fn, [shape])


def test_pack_sequence():
    check(lambda m, *xs: tuple(m.nn.utils.rnn.pack_sequence(list(xs), enforce_sorted=False)),
          [(n, 2) for n in LENGTHS])


def test_packing_errors():
    R = ember.nn.utils.rnn
    x = ember.zeros(5, 4, 2)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        R.pack_padded_sequence(x, LENGTHS)
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(x, [5, 3, 0, 0])
    with pytest.raises(ValueError, match="total_length=2 and max sequence length being 5"):
        R.pad_packed_sequence(R.pack_padded_sequence(x, [5, 3, 2, 1]), total_length=2)


MODES = {
    "rnn": lambda m, **kw: m.nn.RNN(3, 4, **kw),
    "lstm": lambda m, **kw: m.nn.LSTM(3, 4, **kw),
    "lstm_proj": lambda m, **kw: m.nn.LSTM(3, 4, proj_size=2, **kw),
    "gru": lambda m, **kw: m.nn.GRU(3, 4, **kw),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("given_state", [False, True])
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_layer_on_packed_input(mode, bidirectional, given_state, enforce_sorted):
    t_mod = MODES[mode](torch, num_layers=2, bidirectional=bidirectional, batch_first=True)
    e_mod = MODES[mode](ember, num_layers=2, bidirectional=bidirectional, batch_first=True)
    e_mod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t_mod.state_dict().items()})
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    n_states = 2 * (1 + bidirectional)
    h_size = 2 if mode == "lstm_proj" else 4
    arrays = [rand((len(lengths), 5, 3))]
    if given_state:
        arrays.append(rand((n_states, len(lengths), h_size)))
        if mode.startswith("lstm"):
            arrays.append(rand((n_states, len(lengths), 4)))

    results = []
    for m, mod in ((ember, e_mod), (torch, t_mod)):
        xs = seqs(m, arrays)
        packed = m.nn.utils.rnn.pack_padded_sequence(xs[0], lengths, batch_first=True,
                                                     enforce_sorted=enforce_sorted)
        state = None if len(xs) == 1 else (tuple(xs[1:]) if len(xs) == 3 else xs[1])
        out, hidden = mod(packed, state)
        assert isinstance(out, m.nn.utils.rnn.PackedSequence)
        padded = m.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)[0]
        results.append((xs, [padded, *(hidden if isinstance(hidden, tuple) else (hidden,))]))
    (e_in, e_out), (t_in, t_out) = results
    e_loss = t_loss = 0
    for i, (eo, to) in enumerate(zip(e_out, t_out)):
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), 1e-4, 1e-5, err_msg=f"output {i}")
        w = rand(tuple(to.shape))
        e_loss = e_loss + (eo * ember.tensor(w)).sum()
        t_loss = t_loss + (to * torch.tensor(w)).sum()
    e_loss.backward()
    t_loss.backward()
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), 1e-4, 1e-5, err_msg=f"grad of input {i}")
    t_params = dict(t_mod.named_parameters())
    for name, p in e_mod.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), 1e-4, 1e-5, err_msg=name)
