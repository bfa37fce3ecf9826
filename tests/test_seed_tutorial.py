"""The founding tutorial's script, unchanged: its tensor/autograd part prints what PyTorch prints,
and its training reaches the tutorial's accuracy on real MNIST."""
import contextlib
import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from paths import SHARED

SEED = os.path.join(SHARED, "seed", "seed_tutorial.py")
pytestmark = pytest.mark.skipif(not os.path.exists(SEED), reason=f"the tutorial script is not at {SEED}")

TORCH_IMPORTS = {
    "import ember as torch": "import torch",
    "from ember.autograd import Variable": "from torch.autograd import Variable",
    "import ember.nn.functional as F": "import torch.nn.functional as F",
    "import ember.nn as nn": "import torch.nn as nn",
    "import ember.vision as tv": "",
    "import ember.vision.datasets as dsets": "",
    "import ember.vision.transforms as transforms": "",
}


def _tensor_part():
    with open(SEED) as f:
        source = f.read()
    return source.split("# ---- Dataset")[0]


def _run(code, module, monkeypatch):
    """Execute ``code`` with rand/randn of ``module`` drawing the same numbers in both frameworks."""
    rng = np.random.default_rng(0)
    monkeypatch.setattr(module, "rand", lambda *s: module.tensor(rng.random(s).astype(np.float32)))
    monkeypatch.setattr(module, "randn", lambda *s: module.tensor(rng.standard_normal(s).astype(np.float32)))
    np.random.seed(0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, SEED, "exec"), {"__name__": "__tutorial__"})
    return out.getvalue()


def _without_uninitialised(text):
    """``torch.Tensor(5, 3)`` prints whatever memory held: drop that block before comparing."""
    return re.sub(r"torch\.Tensor\(5, 3\):\n.*?(?=torch\.rand\(5, 3\):)", "", text, flags=re.S)


def _normalise(text):
    return re.sub(r" at 0x[0-9a-f]+", " at 0x", text)


def test_tensor_and_autograd_part_prints_what_pytorch_prints(monkeypatch):
    torch = pytest.importorskip("torch")
    import ember

    code = _tensor_part()
    torch_code = code
    for ours, theirs in TORCH_IMPORTS.items():
        torch_code = torch_code.replace(ours, theirs)
    expected = _run(torch_code, torch, monkeypatch)
    got = _run(code, ember, monkeypatch)
    assert "After backprop" in got
    assert _normalise(_without_uninitialised(got)) == _normalise(_without_uninitialised(expected))


def test_seed_tutorial_trains_to_the_tutorial_accuracy(mnist_dir):
    env = dict(os.environ, MNIST_ROOT=mnist_dir, PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, SEED], env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    match = re.search(r"Test set: Accuracy: ([0-9.]+)%", proc.stdout)
    assert match, proc.stdout[-2000:]
    assert float(match.group(1)) >= 89.0, proc.stdout[-2000:]
    assert "Training Data Size:  torch.Size([60000, 28, 28]) - torch.Size([60000])" in proc.stdout
