"""Process-wide settings: set_num_threads (a real BLAS limit with threadpoolctl), determinism, matmul precision,
compile and the version module, with PyTorch's argument checks."""
import os
import subprocess
import sys

import numpy as np
import pytest
from diff import torch

import ember


@pytest.fixture
def restore_threads():
    before = ember.get_num_threads()
    yield
    ember.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "2", True, None])
def test_rejects_what_pytorch_rejects(bad):
    with pytest.raises(RuntimeError) as expected:
        torch.set_num_threads(bad)
    with pytest.raises(RuntimeError) as got:
        ember.set_num_threads(bad)
    assert str(got.value) == str(expected.value)


def test_accepts_integer_likes(restore_threads):
    ember.set_num_threads(np.int64(1))
    assert ember.get_num_threads() == 1


def test_limits_blas_threads(restore_threads):
    threadpoolctl = pytest.importorskip("threadpoolctl", reason="the BLAS limit needs the optional threadpoolctl")
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        pytest.skip("NumPy's BLAS is not one threadpoolctl can control")
    ember.set_num_threads(1)
    assert all(p["num_threads"] == 1 for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas")
    assert ember.get_num_threads() == 1
    ember.set_num_threads(2)
    assert ember.get_num_threads() == 2


def test_without_threadpoolctl_the_value_is_recorded(monkeypatch, restore_threads):
    monkeypatch.setattr(ember._runtime, "_threadpoolctl", None)
    ember.set_num_threads(3)
    assert ember.get_num_threads() == 3


def test_deterministic_algorithms_flag():
    assert ember.are_deterministic_algorithms_enabled() is torch.are_deterministic_algorithms_enabled() is False
    try:
        ember.use_deterministic_algorithms(True, warn_only=True)
        assert ember.are_deterministic_algorithms_enabled() and ember.is_deterministic_algorithms_warn_only_enabled()
    finally:
        ember.use_deterministic_algorithms(False)
    for bad in ("yes", 1):
        with pytest.raises(TypeError):
            torch.use_deterministic_algorithms(bad)
        with pytest.raises(TypeError, match="must be bool"):
            ember.use_deterministic_algorithms(bad)


def test_float32_matmul_precision():
    assert ember.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    try:
        ember.set_float32_matmul_precision("high")
        assert ember.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="low is not one of 'highest', 'high', or 'medium'"):
            ember.set_float32_matmul_precision("low")
        assert ember.get_float32_matmul_precision() == "high"
    finally:
        ember.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError, match="set_float32_matmul_precision expects a str, but got int"):
        ember.set_float32_matmul_precision(3)


def test_compile_returns_the_model_and_decorates():
    model = ember.nn.Linear(2, 2)
    assert ember.compile(model) is model
    assert ember.compile(model, mode="max-autotune", fullgraph=True) is model

    @ember.compile(dynamic=True)
    def double(x):
        return 2 * x

    assert double(ember.ones(2)).tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="Unrecognized mode=bogus"):
        ember.compile(model, mode="bogus")
    with pytest.raises(AssertionError, match="A callable function is expected"):
        ember.compile(3)


def test_version_module():
    assert ember.version.cuda is None and ember.version.__version__ == ember.__version__
    assert ember.version.debug is torch.version.debug is False


_FAULTS = """
import resource
import numpy as np
import ember
def step():  # like a training step: several multi-megabyte activations alive at once, then all freed
    blocks = [np.ones(4 << 20, np.uint8) for _ in range(8)]
    del blocks
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print(ember._runtime.malloc_tuned, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the malloc thresholds are glibc's (Linux)")
def test_freed_blocks_are_reused_without_page_faults():
    """With the thresholds raised, a step's freed activations are reused by the next step; with
    EMBER_MALLOC_TUNING=0 glibc gives them back to the kernel and the next step faults them in again
    (8 blocks of 1024 pages each per step)."""
    def run(**env):
        out = subprocess.run([sys.executable, "-c", _FAULTS], capture_output=True, text=True, check=True,
                             env={**os.environ, **env}).stdout.split()
        return out[0] == "True", int(out[1])

    tuned, faults = run()
    if not tuned:
        pytest.skip("not glibc: malloc is left as it is")
    assert faults < 1000
    tuned, faults = run(EMBER_MALLOC_TUNING="0")
    assert not tuned and faults > 10 * 1000
