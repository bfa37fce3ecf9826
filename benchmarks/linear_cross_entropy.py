"""Forward+backward of F.cross_entropy(F.linear(x, w, b), y): batch 8, 784 -> 10, Ember vs PyTorch.

    python -m benchmarks.linear_cross_entropy

The fused pair (linear's matmul+bias, cross_entropy's log_softmax+nll) that the tutorial's step
spends its time in, timed in one process, the frameworks interleaved; minimum of 5 x 2000 calls.
"""
import timeit

import numpy as np
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F

rng = np.random.default_rng(0)
x = rng.standard_normal((8, 784)).astype(np.float32)
y = rng.integers(0, 10, 8)
w = (rng.standard_normal((10, 784)) * 0.03).astype(np.float32)
b = np.zeros(10, np.float32)


def steps(m, Fm):
    xt, yt = m.tensor(x), m.tensor(y)
    wt, bt = m.tensor(w, requires_grad=True), m.tensor(b, requires_grad=True)

    def fwd():
        return Fm.cross_entropy(Fm.linear(xt, wt, bt), yt)

    def step():
        wt.grad = bt.grad = None
        Fm.cross_entropy(Fm.linear(xt, wt, bt), yt).backward()

    return fwd, step


def main():
    res = {}
    for _ in range(3):  # interleave to share any drift in machine load
        for name, m, Fm in (("ember", ember, F), ("torch", torch, TF)):
            fwd, step = steps(m, Fm)
            for label, f in (("forward", fwd), ("forward+backward", step)):
                t = min(timeit.repeat(f, number=2000, repeat=5)) / 2000
                res[(name, label)] = min(res.get((name, label), 1), t)
    for (name, label), t in sorted(res.items()):
        print(f"{name:6s} {label:17s} {t * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
