import os
import re
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # tests import the shared helper as ``diff``

import strict_backend  # noqa: E402
from paths import mnist_root  # noqa: E402

strict_backend.install()
BACKENDS = ("cpu", "strict")  # NumPy, and the CPU backend that refuses host arrays (see strict_backend.py)


def _names(code):
    """The global names a function's code (nested functions and lambdas included) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


def _uses_differential_helper(metafunc):
    """Whether the test calls tests/diff.py's ``check``, directly or through a function of its module."""
    diff = sys.modules.get("diff")
    if diff is None:
        return False
    module = vars(metafunc.module)
    helpers = {n for n, v in module.items() if v is diff or v is diff.check}
    helpers |= {n for n, v in module.items() if hasattr(v, "__code__") and _names(v.__code__) & helpers}
    return bool(_names(metafunc.function.__code__) & helpers)


# Tests expected to fail on the strict backend: their layer, module or tensors are made on the CPU
# before ``check`` runs (a device mix that PyTorch refuses as well), they reach code that still
# allocates on the host, or they test NumPy-only machinery. strict=True: a test that starts passing
# there is reported, so that it leaves this list.
NOT_ON_STRICT = {
    "test_large_kernels_match_torch_on_the_pool": "the intra-op thread pool splits NumPy arrays only",
    "test_gelu_on_the_pool_matches_torch": "the intra-op thread pool splits NumPy arrays only",
    "test_conv_layer_matches_torch": "the layer is built on the CPU outside check",
    "test_layer_matches_torch[strict-linear": "the layer is built on the CPU outside check",
    "test_layer_matches_torch[strict-mlp": "the layer is built on the CPU outside check",
    "test_bilinear_layer": "the layer is built on the CPU outside check",
    "test_inplace_relu_layer": "the layer is built on the CPU outside check",
    "test_loss_layers_compute_like_functional": "the loss weights are made on the CPU outside check",
    "test_batch_norm_layer_steps": "the layer is built on the CPU outside check",
    "test_layer_norm_errors_and_layer": "the layer is built on the CPU outside check",
    "test_pack_and_pad_round_trip": "ember/nn/utils/rnn.py builds its index arrays with NumPy on the host",
    "test_stft[strict-shape0-kw3": "ember/_ops/stft.py builds its frame index arrays with NumPy on the host",
    "test_stft[strict-shape1-kw3": "ember/_ops/stft.py builds its frame index arrays with NumPy on the host",
    "test_istft": "ember/_ops/stft.py builds its frame index arrays with NumPy on the host",
    "test_pack_sequence": "ember/nn/utils/rnn.py builds its index arrays with NumPy on the host",
}


def pytest_generate_tests(metafunc):
    """Every test that compares Ember with PyTorch through tests/diff.py runs once per array backend."""
    if "array_backend" in metafunc.fixturenames and _uses_differential_helper(metafunc):
        metafunc.parametrize("array_backend", BACKENDS, indirect=True)


def pytest_collection_modifyitems(items):
    for item in items:
        if "[strict" in item.name:
            reason = next((why for name, why in NOT_ON_STRICT.items() if item.name.startswith(name)), None)
            if reason:
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(autouse=True)
def array_backend(request):
    """The device tests/diff.py runs Ember on for this test."""
    import diff

    diff.DEVICE = getattr(request, "param", "cpu")
    yield diff.DEVICE
    diff.DEVICE = "cpu"


@pytest.fixture
def mnist_dir():
    root = mnist_root()
    if not os.path.isdir(os.path.join(root, "MNIST", "raw")):
        pytest.skip(f"real MNIST not found under {root}/MNIST/raw (set EMBER_MNIST_ROOT)")
    return root


@pytest.fixture(autouse=True)
def _inputs_per_test(request):
    """Each test draws its random inputs from its own seed, so a result never depends on test order."""
    import diff

    nodeid = re.sub(r"\[(cpu|strict)\]$", "", re.sub(r"\[(cpu|strict)-", "[", request.node.nodeid))
    diff._rng = np.random.default_rng(zlib.crc32(nodeid.encode()))  # the same inputs on every backend
