"""How far each heavy layer of W3-W6 is from the machine's limit: GFLOP/s of its forward and backward
products, Ember beside PyTorch, against a large NumPy float32 matrix product on the same threads.

    python -m benchmarks.layers [--torch-python PATH] [--threads 2] [--repeat 7]

Each layer runs forward and backward on fixed inputs (the gradients set to None between calls, as
``zero_grad`` does), in a fresh process per framework. Its FLOP count is that of its matrix products
only (2 per multiply-add; forward, input gradient unless the input is the data, weight gradient), so the
GFLOP/s column says what share of the practical peak the whole layer, copies and all, reaches.
"""
import argparse
import json
import os
import subprocess
import sys

from .common import load_average, per_call, table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _conv(m, name, x_shape, out_channels, padding, input_grad):
    n, c, h, w = x_shape
    ho, wo = h + 2 * padding - 2, w + 2 * padding - 2
    layer = m.nn.Conv2d(c, out_channels, 3, padding=padding)
    x = m.randn(*x_shape, requires_grad=input_grad)
    products = 3 if input_grad else 2
    return name, products * 2 * n * out_channels * c * 9 * ho * wo, layer, (x,)


def _linear(m, name, x_shape, out_features):
    layer = m.nn.Linear(x_shape[-1], out_features)
    rows = 1
    for d in x_shape[:-1]:
        rows *= d
    return name, 3 * 2 * rows * x_shape[-1] * out_features, layer, (m.randn(*x_shape, requires_grad=True),)


def _lstm(m, name, batch, seq, inputs, hidden, layers):
    flops, size = 0, inputs
    for _ in range(layers):  # per step: the four gates of the input and the hidden state
        flops += 3 * 2 * batch * seq * 4 * hidden * (size + hidden)
        size = hidden
    layer = m.nn.LSTM(inputs, hidden, layers, batch_first=True)
    return name, flops, layer, (m.randn(batch, seq, inputs, requires_grad=True),)


class _Scores:
    """Attention's two stacked products (q @ k^T, then the weights @ v), as minGPT computes them."""

    def __init__(self, m):
        self.m = m

    def parameters(self):
        return []

    def __call__(self, q, k, v):
        return self.m.softmax(q @ k.transpose(-2, -1), dim=-1) @ v


def layers(m):
    """(name, FLOPs, module, inputs) for each heavy layer of W3 to W6."""
    b, t, heads, d = 32, 64, 4, 128
    qkv = [m.randn(b, heads, t, d // heads, requires_grad=True) for _ in range(3)]
    return [
        _conv(m, "W3 conv1 1->32 on 28x28", (64, 1, 28, 28), 32, 0, False),
        _conv(m, "W3 conv2 32->64 on 26x26", (64, 32, 26, 26), 64, 0, True),
        _linear(m, "W3 fc1 9216->128", (64, 9216), 128),
        _conv(m, "W4 conv1 3->32 on 32x32", (64, 3, 32, 32), 32, 1, False),
        _conv(m, "W4 conv2 32->64 on 16x16", (64, 32, 16, 16), 64, 1, True),
        _conv(m, "W4 conv3 64->128 on 8x8", (64, 64, 8, 8), 128, 1, True),
        _lstm(m, "W5 LSTM 2x256 on 32x64", 32, 64, 128, 256, 2),
        _linear(m, "W5 decoder 256->512", (32, 64, 256), 512),
        _linear(m, "W6 qkv 128->384", (32, 64, 128), 384),
        _linear(m, "W6 mlp 128->512", (32, 64, 128), 512),
        _linear(m, "W6 mlp 512->128", (32, 64, 512), 128),
        ("W6 attention products", 2 * 3 * 2 * b * heads * t * t * (d // heads), _Scores(m), qkv),
    ]


def _step(layer, inputs):
    def step():
        for p in list(layer.parameters()) + [x for x in inputs if x.requires_grad]:
            p.grad = None
        out = layer(*inputs)
        (out[0] if isinstance(out, tuple) else out).sum().backward()
    return step


def worker(fw, threads, repeat):
    """Seconds per layer step (min, median) under one framework, and the NumPy peak on the same threads."""
    if fw == "numpy":
        import numpy as np
        from threadpoolctl import threadpool_limits

        a, b = (np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32) for _ in range(2))
        with threadpool_limits(threads):
            return {"peak": per_call(lambda: a @ b, repeat=repeat), "flops": 2 * 2048 ** 3}
    if fw == "ember":
        import ember as m
    else:
        import torch as m
    m.set_num_threads(threads)
    m.manual_seed(0)
    return {name: [flops, per_call(_step(layer, inputs), repeat=repeat)] for name, flops, layer, inputs in layers(m)}


def _run(python, fw, threads, repeat):
    cmd = [python, "-m", "benchmarks.layers", "--worker", fw, "--threads", str(threads), "--repeat", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if proc.returncode:
        raise SystemExit(f"{fw} worker failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.layers", description=__doc__.split("\n\n")[0])
    p.add_argument("--torch-python", default=sys.executable)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.threads, args.repeat)))
        return
    print(f"load average before: {load_average():.2f}", flush=True)
    peak = _run(sys.executable, "numpy", args.threads, args.repeat)
    peak_gflops = peak["flops"] / peak["peak"][1] / 1e9
    ember, torch = _run(sys.executable, "ember", args.threads, args.repeat), _run(args.torch_python, "torch",
                                                                                  args.threads, args.repeat)
    rows = []
    for name, (flops, (e_min, e_med)) in ember.items():
        t_min, t_med = torch[name][1]
        e_rate, t_rate = flops / e_med / 1e9, flops / t_med / 1e9
        rows.append((name, f"{flops / 1e9:.3f}", f"{e_min * 1e3:.2f} / {e_med * 1e3:.2f}", f"{e_rate:.1f}",
                     f"{100 * e_rate / peak_gflops:.0f}%", f"{t_min * 1e3:.2f} / {t_med * 1e3:.2f}", f"{t_rate:.1f}",
                     f"{100 * t_rate / peak_gflops:.0f}%", f"{e_med / t_med:.2f}"))
    print(f"practical peak: NumPy float32 2048x2048 product on {args.threads} threads, "
          f"{peak_gflops:.1f} GFLOP/s (median of {args.repeat})")
    print(table(rows, ("layer (forward + backward)", "GFLOP", "ember ms min / med", "ember GFLOP/s", "of peak",
                       "torch ms min / med", "torch GFLOP/s", "of peak", "ratio")))
    print(f"load average after: {load_average():.2f}")


if __name__ == "__main__":
    main()
