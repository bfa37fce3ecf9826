"""ember.backends: the flags and queries that PyTorch scripts use, with PyTorch's CPU-build values."""
import importlib

import pytest
from diff import torch

import ember


def test_mps_is_absent_as_in_a_cpu_build():
    for m in (ember, torch):
        assert m.backends.mps.is_available() is False
        assert m.backends.mps.is_built() is False


def test_cudnn_flags_are_settable_and_match_pytorch_defaults():
    cudnn = ember.backends.cudnn
    for flag in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(cudnn, flag) == getattr(torch.backends.cudnn, flag), flag
    assert cudnn.is_available() is False and cudnn.version() is None
    saved = cudnn.benchmark, cudnn.deterministic
    try:
        cudnn.benchmark, cudnn.deterministic = True, True
        import ember.backends.cudnn as again
        assert again.benchmark is True and again.deterministic is True
    finally:
        cudnn.benchmark, cudnn.deterministic = saved


def test_cudnn_flags_context_restores():
    cudnn = ember.backends.cudnn
    with cudnn.flags(enabled=False, deterministic=True):
        assert cudnn.enabled is False and cudnn.deterministic is True
    assert cudnn.enabled is True and cudnn.deterministic is False


def test_cuda_backend():
    cuda = ember.backends.cuda
    assert cuda.is_built() == ember.cuda.is_available()
    assert cuda.matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32
    cuda.matmul.allow_tf32 = True
    cuda.matmul.allow_tf32 = False


@pytest.mark.parametrize("name", ["cudnn", "mps", "cuda"])
def test_submodules_import_by_name(name):
    assert importlib.import_module("ember.backends." + name) is getattr(ember.backends, name)


def test_the_malloc_setting_is_visible_and_can_be_turned_off():
    import os
    import subprocess
    import sys

    probe = "import ember; print(ember.backends.cpu.malloc_tuned())"
    on = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    off = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={**os.environ, ember.backends.cpu.MALLOC_TUNING_VARIABLE: "0"})
    assert off.stdout.strip() == "False"
    assert on == str(ember._runtime.malloc_tuned)  # True on glibc, False elsewhere
    assert ember.backends.cpu.malloc_tuned() is ember._runtime.malloc_tuned
