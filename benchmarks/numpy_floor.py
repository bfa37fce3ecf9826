"""The W1b step and the batch-1 inference written by hand in NumPy: the floors a NumPy framework
can approach."""
import contextlib
import time

import numpy as np


def step_times(x, y, steps=3000, track=False):
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(784)
    w = rng.uniform(-bound, bound, (10, 784)).astype(np.float32)
    b = rng.uniform(-bound, bound, 10).astype(np.float32)
    lr = np.float32(1e-3)
    runs, losses, accs = [], [], []
    for rep in range(6):
        t0 = time.perf_counter()
        for i in range(steps):
            j = (i * 8) % 59992
            xb, yb = x[j:j + 8], y[j:j + 8]
            z = xb @ w.T + b
            z = z - z.max(1, keepdims=True)
            e = np.exp(z)
            s = e.sum(1, keepdims=True)
            p = e / s
            loss = np.log(s[:, 0]).mean() - z[np.arange(8), yb].mean()
            p[np.arange(8), yb] -= 1
            p /= 8
            w -= lr * (p.T @ xb)
            b -= lr * p.sum(0)
            if track:
                losses.append(float(loss))
                accs.append((z.argmax(1) == yb).sum() / 8 * 100)
        if rep:
            runs.append((time.perf_counter() - t0) / steps * 1e6)
    return runs


def infer_times(calls=3000):
    """The W2 MLP's batch-1 forward (784-512-512-10, ReLU) as three matrix-vector products on one
    BLAS thread, as the inference workload runs: no framework can do it on NumPy in less."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # without it BLAS keeps its threads, which do not split these products anyway
        threadpool_limits = None
    rng = np.random.default_rng(0)
    sizes = [(512, 784), (512, 512), (10, 512)]
    ws = [rng.uniform(-0.03, 0.03, s).astype(np.float32) for s in sizes]
    bs = [rng.uniform(-0.03, 0.03, s[0]).astype(np.float32) for s in sizes]
    x = rng.random((1, 784), dtype=np.float32)

    def forward():
        h = np.maximum(x @ ws[0].T + bs[0], 0)
        h = np.maximum(h @ ws[1].T + bs[1], 0)
        return h @ ws[2].T + bs[2]

    runs = []
    with threadpool_limits(1) if threadpool_limits else contextlib.nullcontext():
        for rep in range(6):
            t0 = time.perf_counter()
            for _ in range(calls):
                forward()
            if rep:
                runs.append((time.perf_counter() - t0) / calls * 1e6)
    return runs
