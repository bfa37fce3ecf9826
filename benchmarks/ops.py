"""Per-op overhead on small tensors, Ember vs PyTorch in one process.

    python -m benchmarks.ops [--json]

Each case is timed for both frameworks (min and median of 7 runs); the ratio
is Ember's median over PyTorch's (below 1.0: Ember is faster)."""
import json
import sys

import numpy as np

from .common import load_average, per_call, table, us


def cases(m):
    rng = np.random.default_rng(0)
    a = m.tensor(rng.standard_normal((8, 10), dtype=np.float32))
    b = m.tensor(rng.standard_normal((8, 10), dtype=np.float32))
    x = m.tensor(rng.standard_normal((8, 784), dtype=np.float32))
    w = m.tensor(rng.standard_normal((784, 10), dtype=np.float32) * 0.01, requires_grad=True)
    bias = m.tensor(np.zeros(10, np.float32), requires_grad=True)
    wt = m.tensor(rng.standard_normal((10, 784), dtype=np.float32) * 0.01, requires_grad=True)
    y = m.tensor(rng.integers(0, 10, 8))
    F = m.nn.functional if hasattr(m, "nn") and hasattr(m.nn, "functional") else None

    def linear_fwd_bwd():
        out = (x @ w + bias).sum()
        out.backward()
        w.grad = bias.grad = None

    def fused_step():
        loss = F.cross_entropy(F.linear(x, wt, bias), y)
        loss.backward()
        wt.grad = bias.grad = None

    out = {"a + b (8x10)": lambda: a + b,
           "a * b + a (8x10)": lambda: a * b + a,
           "x @ w (8x784 @ 784x10)": lambda: x @ w.detach(),
           "(x @ w + b).sum() fwd+bwd": linear_fwd_bwd}
    if F is not None and hasattr(F, "cross_entropy") and hasattr(F, "linear"):
        out["cross_entropy(linear(x)) fwd+bwd"] = fused_step
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    import torch

    import ember

    torch.set_num_threads(1)
    if hasattr(ember, "set_num_threads"):
        ember.set_num_threads(1)
    ember_cases, torch_cases = cases(ember), cases(torch)
    rows, results = [], {}
    load = load_average()
    for name, fn in ember_cases.items():
        if name not in torch_cases:
            continue
        e_min, e_med = per_call(fn)
        t_min, t_med = per_call(torch_cases[name])
        ratio = e_med / t_med
        results[name] = {"ember_us": [e_min * 1e6, e_med * 1e6], "torch_us": [t_min * 1e6, t_med * 1e6],
                         "ratio": ratio}
        rows.append((name, us(e_min), us(e_med), us(t_min), us(t_med), f"{ratio:.2f}"))
    print(f"torch {torch.__version__}, ember {ember.__version__}, 1 thread each, load average {load:.2f}")
    print(table(rows, ("case", "ember min us", "ember med us", "torch min us", "torch med us", "ratio")))
    if "--json" in argv:
        print(json.dumps({"load_average": load, "cases": results}, indent=2))


if __name__ == "__main__":
    main()
