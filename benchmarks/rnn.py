"""Recurrent layers, Ember vs PyTorch in one process: forward + backward of a training-sized batch.

    python -m benchmarks.rnn

Each case builds the same layer in both frameworks (Ember's weights copied from
PyTorch's) and times ``layer(x)`` followed by a backward through the output
and the final state. The ratio is Ember's median over PyTorch's (below 1.0:
Ember is faster). With OPENBLAS_NUM_THREADS set (NumPy's BLAS), PyTorch is given the
same number of threads, for a like-for-like comparison on a busy machine."""
import os
import sys

import numpy as np

from .common import load_average, per_call, table, us

# (name, layer class, keyword arguments, sequence length, batch, input size)
CASES = [
    ("LSTM 1 layer, hidden 128, seq 28, batch 64", "LSTM", {"hidden_size": 128}, 28, 64, 28),
    ("GRU 1 layer, hidden 128, seq 28, batch 64", "GRU", {"hidden_size": 128}, 28, 64, 28),
    ("LSTM 2 layers bidirectional, hidden 64, seq 28, batch 64", "LSTM",
     {"hidden_size": 64, "num_layers": 2, "bidirectional": True}, 28, 64, 28),
    ("RNN tanh, hidden 32, seq 10, batch 8 (small: overhead)", "RNN", {"hidden_size": 32}, 10, 8, 16),
]


def step(m, layer, x):
    def run():
        out, hidden = layer(x)
        h = hidden[0] if isinstance(hidden, tuple) else hidden
        (out.sum() + h.sum()).backward()
        for p in layer.parameters():
            p.grad = None
    return run


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    import torch

    import ember

    if os.environ.get("OPENBLAS_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))
    rows = []
    for name, kind, kwargs, length, batch, size in CASES:
        t_layer = getattr(torch.nn, kind)(size, batch_first=True, **kwargs)
        e_layer = getattr(ember.nn, kind)(size, batch_first=True, **kwargs)
        e_layer.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t_layer.state_dict().items()})
        x = np.random.default_rng(0).standard_normal((batch, length, size), dtype=np.float32)
        t_min, t_med = per_call(step(torch, t_layer, torch.tensor(x)), repeat=5)
        e_min, e_med = per_call(step(ember, e_layer, ember.tensor(x)), repeat=5)
        rows.append((name, us(e_min), us(e_med), us(t_min), us(t_med), f"{e_med / t_med:.2f}"))
    print(table(rows, ("case", "ember min us", "ember med us", "torch min us", "torch med us", "ratio")))
    print(f"load average {load_average():.2f}, torch threads {torch.get_num_threads()}")


if __name__ == "__main__":
    main()
