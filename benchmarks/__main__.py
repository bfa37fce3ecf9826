"""Ember vs PyTorch on the workloads people learn on, side by side.

    python -m benchmarks [--repeat 3] [--only W1b,infer] [--torch-python PATH] [--json out.json]

Each workload runs in a fresh process per framework, the two frameworks
alternating, ``--repeat`` times. The table gives min and median per framework
and the ratio of medians (Ember / PyTorch: below 1.0 means Ember is faster).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from .common import load_average, table
from .footprint import import_times

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# metric key in a workload's result -> (row label, goal as text, "lower"/"higher" is better)
METRICS = {
    "W1": [("epoch_s", "W1 tutorial: s/epoch", "ratio <= 0.25"), ("accuracy", "W1 test accuracy %", ">= 89.0"),
           ("peak_rss_mib", "W1 peak RSS MiB", "ember <= 200")],
    "W1b": [("step_us", "W1b step us", "ratio <= 0.5"), ("step_us_tracking", "W1b step+tracking us", "ratio <= 0.5")],
    "W2": [("epoch_s", "W2 MLP s/epoch", "ratio <= 1.0"), ("accuracy", "W2 test accuracy %", "")],
    "W3": [("step_ms", "W3 CNN ms/step", "ratio <= 1.0"), ("accuracy", "W3 accuracy % (200 steps)", "")],
    "W4": [("step_ms", "W4 CIFAR-style CNN + BatchNorm ms/step", "ratio <= 1.0")],
    "W5": [("step_ms", "W5 LSTM language model ms/step", "ratio <= 1.0")],
    "W6": [("step_ms", "W6 GPT-style stack ms/step", "ratio <= 1.0")],
    "infer": [("call_us", "batch-1 MLP inference us", "ratio <= 0.5")],
}


# The other workloads are per-op overhead on tiny tensors: one thread each, as extra threads only
# add synchronisation (and OpenMP spin-waiting starves on 2 shared cores).
MATRIX_BOUND = ("W2", "W3", "W4", "W5", "W6")


def run_workload(python, name, fw, threads):
    cmd = [python, "-m", "benchmarks.workloads", name, fw, str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def wait_for_quiet(max_wait, threshold=0.7):
    """Wait (up to max_wait seconds) for the 1-minute load average to fall below threshold."""
    deadline = time.time() + max_wait
    while load_average() > threshold and time.time() < deadline:
        time.sleep(5)
    return load_average()


def summarise(values):
    values = values if isinstance(values, list) else [values]
    return min(values), statistics.median(values)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--only", default="W1,W1b,W2,W3,W4,W5,W6,infer,import,numpy,ddp")
    p.add_argument("--threads", type=int, default=2, help="threads for the matrix-bound workloads W2 to W6")
    p.add_argument("--torch-python", default=sys.executable,
                   help="the interpreter with torch (and torchvision for W1) installed")
    p.add_argument("--max-wait", type=float, default=120, help="seconds to wait for a quiet machine")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    only = args.only.split(",")
    load_before = wait_for_quiet(args.max_wait)
    print(f"load average before: {load_before:.2f} (2 shared cores: above ~0.5 numbers are noisy)", flush=True)

    collected = {}  # (workload, metric) -> {fw: [values]}
    for name in [w for w in METRICS if w in only]:
        for rep in range(args.repeat):
            for fw in (("ember", "torch") if rep % 2 == 0 else ("torch", "ember")):
                python = sys.executable if fw == "ember" else args.torch_python
                res = run_workload(python, name, fw, args.threads if name in MATRIX_BOUND else 1)
                print(f"  {name} {fw} run {rep + 1}: " + json.dumps(res)[:160], flush=True)
                for key, _, _ in METRICS[name]:
                    if key in res:
                        collected.setdefault((name, key), {}).setdefault(fw, []).extend(
                            res[key] if isinstance(res[key], list) else [res[key]])
    if "import" in only:
        collected[("import", "s")] = {"ember": import_times(sys.executable, "import ember", 7),
                                      "torch": import_times(args.torch_python, "import torch", 7)}
    if "numpy" in only and "W1b" in only:
        import numpy as np

        from .numpy_floor import step_times
        from ember.vision.datasets import MNIST
        from .workloads import mnist_root

        ds = MNIST(mnist_root(), train=True)
        x = (ds.data.numpy().reshape(-1, 784) / np.float32(255)).astype(np.float32)
        y = ds.targets.numpy()
        collected[("numpy", "step_us")] = {"numpy": step_times(x, y)}
        collected[("numpy", "step_us_tracking")] = {"numpy": step_times(x, y, track=True)}
    if "numpy" in only and "infer" in only:
        from .numpy_floor import infer_times

        # beside PyTorch's times, so that its ratio is the best any framework on NumPy could reach
        floor = {"numpy": infer_times()}
        if "torch" in collected.get(("infer", "call_us"), {}):
            floor["torch"] = collected[("infer", "call_us")]["torch"]
        collected[("numpy", "call_us")] = floor

    ddp_report = None
    if "ddp" in only:  # several processes per run: its own launches and tables (benchmarks/ddp.py)
        from . import ddp

        ddp_report = ddp.run(repeat=args.repeat, torch_python=args.torch_python)

    rows, report = [], {}
    labels = {(w, k): (label, goal) for w, ms in METRICS.items() for k, label, goal in ms}
    labels[("import", "s")] = ("import time s", "ember <= 0.15")
    labels[("numpy", "step_us")] = ("W1b step us, hand-written NumPy", "ember <= 2x this")
    labels[("numpy", "step_us_tracking")] = ("W1b step+tracking us, NumPy", "ember <= 2x this")
    labels[("numpy", "call_us")] = ("batch-1 inference us, hand-written NumPy", "its ratio: the best on NumPy")
    for key, per_fw in collected.items():
        label, goal = labels[key]
        e = summarise(per_fw["ember"]) if "ember" in per_fw else None
        t = summarise(per_fw["torch"]) if "torch" in per_fw else None
        n = summarise(per_fw["numpy"]) if "numpy" in per_fw else None
        ratio = (e or n)[1] / t[1] if (e or n) and t and t[1] else None
        fmt = lambda v: "-" if v is None else f"{v[0]:.4g} / {v[1]:.4g}"  # noqa: E731
        rows.append((label, fmt(e or n), fmt(t), "-" if ratio is None else f"{ratio:.2f}", goal))
        report[f"{key[0]}.{key[1]}"] = {"ember": e, "torch": t, "numpy": n, "ratio": ratio, "goal": goal}
    load_after = load_average()
    print(table(rows, ("metric", "ember min / median", "torch min / median", "ratio", "goal")))
    print(f"load average after: {load_after:.2f}")
    report["load_average"] = [load_before, load_after]
    if ddp_report is not None:
        report["ddp"] = ddp_report
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
