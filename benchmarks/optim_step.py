"""Time one optimizer step on a few MB of parameters (an MLP-sized set and many small tensors).

    python -m benchmarks.optim_step
prints the fastest of 50 steps in microseconds per optimizer and parameter set (the minimum: the
machine's other load only ever adds time)."""
import time

import numpy as np

import ember

SETS = {"mlp_4MB": [(784, 1024), (1024,), (1024, 256), (256,), (256, 10), (10,)],
        "small_x200": [(32, 16), (32,)] * 100}
OPTIMIZERS = {"Adadelta": lambda p: ember.optim.Adadelta(p), "Adam": lambda p: ember.optim.Adam(p),
              "RMSprop": lambda p: ember.optim.RMSprop(p), "Adagrad": lambda p: ember.optim.Adagrad(p)}


def time_step(make, shapes, repeats=50):
    rng = np.random.default_rng(0)
    params = [ember.nn.Parameter(ember.tensor(rng.standard_normal(s).astype("float32"))) for s in shapes]
    for p in params:
        p.grad = ember.tensor(rng.standard_normal(p.shape).astype("float32"))
    opt = make(params)
    opt.step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        opt.step()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e6


def main():
    for name, make in OPTIMIZERS.items():
        for set_name, shapes in SETS.items():
            print(f"{name:9s} {set_name:11s} {time_step(make, shapes):9.0f} us")


if __name__ == "__main__":
    main()
