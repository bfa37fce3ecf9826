"""Running real torchvision as the reference, in a subprocess.

torchvision must match the torch it is built for, which the test environment's torch may not be;
so the reference runs in its own interpreter: $EMBER_TORCHVISION_PYTHON, else /tmp/tvenv/bin/python,
else this interpreter when it has torchvision. Inputs and outputs travel as .npz files; each test
module batches its cases into one run, since starting torch takes seconds.
"""
import functools
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest


_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the reference must not see this checkout


def _imports_torchvision(python):
    """Whether torchvision imports there: a torchvision wheel beside a torch build it was not made for
    installs but fails on import."""
    try:
        return subprocess.run([python, "-c", "import torchvision"], capture_output=True, timeout=120,
                              env=_ENV).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@functools.lru_cache(maxsize=None)
def reference_python():
    candidates = [os.environ.get("EMBER_TORCHVISION_PYTHON"), "/tmp/tvenv/bin/python"]
    if importlib.util.find_spec("torchvision") is not None:
        candidates.append(sys.executable)
    for python in filter(None, candidates):
        if os.access(python, os.X_OK) and _imports_torchvision(python):
            return python
    return None


def run_reference(script, arrays=None, spec=None, timeout=600):
    """Run ``script`` under the reference Python with ``inputs`` (the npz of ``arrays``), ``spec`` (a JSON
    value) and ``outputs`` (a dict the script fills with arrays); return the outputs, or skip when no
    interpreter with torchvision is available."""
    python = reference_python()
    if python is None:
        pytest.skip("no torchvision to compare with: set EMBER_TORCHVISION_PYTHON or install torchvision")
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = os.path.join(tmp, "in.npz"), os.path.join(tmp, "out.npz")
        np.savez(inputs, **(arrays or {}))
        prologue = ("import json, sys, numpy as np\n"
                    "inputs = dict(np.load(sys.argv[1]))\n"
                    "spec = json.loads(sys.argv[3])\n"
                    "outputs = {}\n")
        epilogue = "\nnp.savez(sys.argv[2], **outputs)\n"
        result = subprocess.run([python, "-c", prologue + script + epilogue, inputs, outputs, json.dumps(spec)],
                                capture_output=True, text=True, timeout=timeout, env=_ENV)
        if result.returncode != 0:
            raise AssertionError(f"the torchvision reference failed:\n{result.stderr[-4000:]}")
        return dict(np.load(outputs))
