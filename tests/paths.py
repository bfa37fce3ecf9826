"""Where the shared data lives, for tests that read real files (a module of its own: several test
folders have a conftest.py, so ``from conftest import ...`` would be ambiguous)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.abspath(os.path.join(HERE, "..", "..", "shared"))


def mnist_root():
    """Where real MNIST is: $EMBER_MNIST_ROOT, else ../shared/datasets beside the checkout."""
    return os.environ.get("EMBER_MNIST_ROOT", os.path.join(SHARED, "datasets"))
