"""Recurrent layers: RNN, LSTM, GRU and their one-step cells, with PyTorch's parameters, shapes and errors.

A layer runs each direction as: one matmul projecting the whole input sequence
(with the biases that can be added up front), then one fused op per time step
(``ember._ops.rnn``). Layers stack, with dropout between them in training.
"""
import math
import numbers
import warnings

import numpy as np

from ..._ops.creation import empty
from ..._ops.join import cat, stack
from ..._ops.nn_ops import dropout, linear
from ..._ops.rnn import GRUStep, LSTMStep, RNNStep
from ..._ops.rnn_layer import LSTMLayer
from ..._tensor import Tensor
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_wrap = Tensor._wrap


def _project(x, mode, w_ih, w_hh, b_ih, b_hh):
    """``x @ W_ih.T`` plus the biases that do not depend on the step: GRU keeps ``b_hh`` for the cell,
    as its ``b_hn`` is scaled by the reset gate."""
    if b_ih is None:
        return linear(x, w_ih)
    return linear(x, w_ih, b_ih if mode == "GRU" else b_ih + b_hh)


def _project_sequence(x, mode, w_ih, w_hh, b_ih, b_hh):
    """The projection of x (L, N, H_in) as one 2-D matmul (NumPy's stacked 3-D matmul is several times
    slower), split into the L steps."""
    length, batch, size = x.shape
    xg = _project(x.reshape(length * batch, size), mode, w_ih, w_hh, b_ih, b_hh)
    return xg.reshape(length, batch, xg.shape[-1]).unbind(0)


def _step(mode, xg, state, w_hh, b_hh, w_hr):
    """One time step: the step's output and the new state (h, or (h, c) for LSTM)."""
    if mode == "LSTM":
        state = LSTMStep.apply(xg, state[0], state[1], w_hh, w_hr)
        return state[0], state
    if mode == "GRU":
        h = GRUStep.apply(xg, state, w_hh, b_hh)
    else:
        h = RNNStep.apply(xg, state, w_hh, relu=mode == "RNN_RELU")
    return h, h


def _rows(state, start, stop):
    return tuple(s[start:stop] for s in state) if type(state) is tuple else state[start:stop]


def _join(parts):
    return tuple(cat(list(p)) for p in zip(*parts)) if type(parts[0]) is tuple else cat(parts)


def _scan(mode, x, state, weights, reverse, batch_sizes=None):
    """One layer in one direction over x (L, N, H_in): the outputs (L, N, H_out) and the final state.

    With ``batch_sizes``, x holds packed rows and step t runs the first batch_sizes[t] sequences: the
    state sheds the rows of sequences that end (forward) or takes in those that start (reverse)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    if mode == "LSTM" and batch_sizes is None and w_hr is None:  # the common case: the whole layer in one op
        length, batch, size = x.shape
        xg = _project(x.reshape(length * batch, size), mode, w_ih, w_hh, b_ih, b_hh)
        out, h, c = LSTMLayer.apply(xg.reshape(length, batch, xg.shape[-1]), state[0], state[1], w_hh,
                                    reverse=reverse)
        return out, (h, c)
    if batch_sizes is None:
        steps = _project_sequence(x, mode, w_ih, w_hh, b_ih, b_hh)
    else:
        steps = _project(x, mode, w_ih, w_hh, b_ih, b_hh).split(batch_sizes)
        initial, ended, rows = state, [], batch_sizes[0]
        if reverse:
            rows = batch_sizes[-1]
            state = _rows(initial, 0, rows)
    outs = [None] * len(steps)
    for t in reversed(range(len(steps))) if reverse else range(len(steps)):
        if batch_sizes is not None and batch_sizes[t] != rows:
            if batch_sizes[t] < rows:
                ended.append(_rows(state, batch_sizes[t], rows))
                state = _rows(state, 0, batch_sizes[t])
            else:
                state = _join([state, _rows(initial, rows, batch_sizes[t])])
            rows = batch_sizes[t]
        outs[t], state = _step(mode, steps[t], state, w_hh, b_hh, w_hr)
    if batch_sizes is None:
        return stack(outs), state
    return cat(outs), (_join([state] + ended[::-1]) if ended else state)


class RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters per layer and direction, checks, the layer loop."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=3)
        for name, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(value, int):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size

        out_size = proj_size or hidden_size
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._all_weights = []
        for layer in range(num_layers):
            for suffix in ("", "_reverse")[:directions]:
                shapes = {"weight_ih": (gate_size, input_size if layer == 0 else out_size * directions),
                          "weight_hh": (gate_size, out_size)}
                if bias:
                    shapes["bias_ih"] = shapes["bias_hh"] = (gate_size,)
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._all_weights.append(names)
        self._flat_weights_names = [name for names in self._all_weights for name in names]
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self):
        """Nothing to do: parameters are never packed into one buffer here."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_weights(self, k):
        """(W_ih, W_hh, b_ih, b_hh, W_hr) of layer-direction k, None where absent."""
        p = self._parameters
        layer, reverse = divmod(k, 2) if self.bidirectional else (k, 0)
        tag = f"_l{layer}_reverse" if reverse else f"_l{layer}"
        return (p["weight_ih" + tag], p["weight_hh" + tag], p.get("bias_ih" + tag), p.get("bias_hh" + tag),
                p.get("weight_hr" + tag))

    def _check_input(self, input):
        weight = self._parameters["weight_ih_l0"]
        if input._data.dtype != weight._data.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.shape[-1]}")

    def _initial_states(self, hx, batch):
        """hx checked against PyTorch's expected sizes, as one state per layer-direction; zeros without hx."""
        lstm = self.mode == "LSTM"
        n = self.num_layers * (2 if self.bidirectional else 1)
        out_size = self.proj_size or self.hidden_size
        if hx is None:
            weight = self._parameters["weight_ih_l0"]._data
            h = _wrap(np.zeros_like(weight, shape=(batch, out_size)))
            return [(h, _wrap(np.zeros_like(weight, shape=(batch, self.hidden_size)))) if lstm else h] * n
        hs = hx if lstm else (hx,)
        sizes = ((n, batch, out_size), (n, batch, self.hidden_size))
        for i, (h, size) in enumerate(zip(hs, sizes)):
            if tuple(h.shape) != size:
                what = f"hidden[{i}] size" if lstm else "hidden size"
                raise RuntimeError(f"Expected {what} {size}, got {list(h.shape)}")
        return list(zip(hx[0].unbind(0), hx[1].unbind(0))) if lstm else hx.unbind(0)

    def _check_hidden_dims(self, hx, batched):
        want = 3 if batched else 2
        lead = "For batched 3-D input" if batched else "For unbatched 2-D input"
        if self.mode == "LSTM":
            if hx[0].dim() != want or hx[1].dim() != want:
                raise RuntimeError(f"{lead}, hx and cx should also be {want}-D but got ({hx[0].dim()}-D, "
                                   f"{hx[1].dim()}-D) tensors")
        elif hx.dim() != want:
            raise RuntimeError(f"{lead}, hx should also be {want}-D but got {hx.dim()}-D tensor")

    _dim_word = ""  # PyTorch's RNN says "got 4D tensor instead", LSTM and GRU "got 4D instead"

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D"
                             f"{self._dim_word} instead")
        lstm = self.mode == "LSTM"
        batched = input.dim() == 3
        if hx is not None:
            self._check_hidden_dims(hx, batched)
        if not batched:
            input = input.unsqueeze(1)
            if hx is not None:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1)) if lstm else hx.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        self._check_input(input)
        if input.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x, hidden = self._layers(input, self._initial_states(hx, input.shape[1]))
        if not batched:
            return x.squeeze(1), ((hidden[0].squeeze(1), hidden[1].squeeze(1)) if lstm else hidden.squeeze(1))
        return (x.transpose(0, 1) if self.batch_first else x), hidden

    def _forward_packed(self, input, hx):
        lstm = self.mode == "LSTM"
        data, order, unorder = input.data, input.sorted_indices, input.unsorted_indices
        if data.dim() != 2:
            raise RuntimeError(f"input must have 2 dimensions, got {data.dim()}")
        self._check_input(data)
        if hx is not None and order is not None:  # the caller's batch order, sorted as the sequences were
            hx = (hx[0].index_select(1, order), hx[1].index_select(1, order)) if lstm else hx.index_select(1, order)
        sizes = input.batch_sizes.tolist()
        x, hidden = self._layers(data, self._initial_states(hx, sizes[0]), sizes)
        if unorder is not None:
            hidden = tuple(h.index_select(1, unorder) for h in hidden) if lstm else hidden.index_select(1, unorder)
        return PackedSequence(x, input.batch_sizes, order, unorder), hidden

    def _layers(self, x, states, batch_sizes=None):
        """The stacked layers over x: the last layer's outputs and the final states, stacked as h_n (c_n)."""
        directions = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(directions):
                k = layer * directions + d
                out, state = _scan(self.mode, x, states[k], self._layer_weights(k), d == 1, batch_sizes)
                outs.append(out)
                finals.append(state)
            x = outs[0] if directions == 1 else cat(outs, -1)
            if self.dropout and self.training and layer + 1 < self.num_layers:
                x = dropout(x, self.dropout)
        if self.mode == "LSTM":
            return x, (stack([s[0] for s in finals]), stack([s[1] for s in finals]))
        return x, stack(finals)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` with act tanh or relu."""

    _dim_word = " tensor"

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kwargs):
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(modes[nonlinearity], input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory, gates (i, f, g, o); ``proj_size`` > 0 projects h to that size."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit, gates (r, z, n): ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``."""

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)


# ----------------------------------------------------------------- cells


class RNNCellBase(Module):
    """One step of a recurrent layer: parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _run(self, mode, input, hx, n_states):
        """Checks as PyTorch's cells make them, then one projection and one step; hx is a tuple of states."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, h in enumerate(hx or ()):
            if h.dim() not in (1, 2):
                what = f"hx[{i}]" if n_states == 2 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = hx and tuple(h.unsqueeze(0) for h in hx)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected "
                               f"{self.input_size}")
        if hx is None:
            zeros = np.zeros_like(self.weight_hh._data, shape=(input.shape[0], self.hidden_size))
            hx = (zeros,) * n_states
        else:
            for i, h in enumerate(hx):
                if h.shape[0] != input.shape[0]:
                    raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                                       f"{h.shape[0]}")
                if h.shape[1] != self.hidden_size:
                    raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected "
                                       f"{self.hidden_size}")
        weights = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        xg = _project(input, mode, *weights)
        out = _step(mode, xg, hx if mode == "LSTM" else hx[0], self.weight_hh, self.bias_hh, None)[1]
        if batched:
            return out
        return tuple(o.squeeze(0) for o in out) if mode == "LSTM" else out.squeeze(0)


class RNNCell(RNNCellBase):
    """``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)`` with act tanh or relu."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._run(modes[self.nonlinearity], input, None if hx is None else (hx,), 1)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h', c')`` from ``x`` and ``(h, c)``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._run("LSTM", input, None if hx is None else tuple(hx), 2)


class GRUCell(RNNCellBase):
    """One GRU step: ``h'`` from ``x`` and ``h``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._run("GRU", input, None if hx is None else (hx,), 1)
