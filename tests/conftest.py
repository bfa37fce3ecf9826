import os
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # tests import the shared helper as ``diff``

from paths import mnist_root  # noqa: E402


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

    diff._rng = np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
