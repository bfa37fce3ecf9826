"""torch.gradient against PyTorch: uniform and uneven spacing, edge orders, dims, gradients."""
import numpy as np
import pytest

from tests.diff import check

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient(edge_order):
    coords = np.array([0.0, 0.5, 1.5, 3.0, 3.25], dtype="float32")
    check(lambda m, a: m.gradient(a, edge_order=edge_order), [(4, 5)])
    check(lambda m, a: (m.gradient(a, spacing=2.0, dim=1, edge_order=edge_order),
                        m.gradient(a, spacing=[0.5, 3.0], edge_order=edge_order),
                        m.gradient(a, dim=(0,), edge_order=edge_order)), [(4, 5)])
    check(lambda m, a, x: m.gradient(a, spacing=(x,), dim=1, edge_order=edge_order), [(3, 5), coords])
    check(lambda m, a: m.gradient(a, edge_order=edge_order), [np.array([1, 4, 9, 16, 25])])


def test_gradient_errors():
    check(lambda m, a: m.gradient(a, edge_order=3), [(4,)])
    check(lambda m, a: m.gradient(a, edge_order=2), [(2,)])
