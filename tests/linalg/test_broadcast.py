"""Random batch shapes (hypothesis) for the solvers and products that broadcast their batch dims:
values and the gradients PyTorch sums back over broadcast dims."""
import pytest
from diff import check
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("torch")

_size = st.integers(1, 3)


@st.composite
def _batches(draw):
    """Two batch shapes that broadcast: up to two dims, some set to 1 or dropped on one side."""
    batch = draw(st.lists(_size, max_size=2))
    a = [b if draw(st.booleans()) else 1 for b in batch]
    b = [s if draw(st.booleans()) else 1 for s in batch][draw(st.integers(0, len(batch))):]
    return tuple(a), tuple(b)


def _well(m, a):
    return a + a.shape[-1] * m.eye(a.shape[-1], dtype=a.dtype)


@settings(max_examples=20, deadline=None)
@given(_batches(), _size, _size)
def test_solvers_broadcast(batches, n, k):
    ba, bb = batches
    check(lambda m, a, b: m.linalg.solve(_well(m, a), b), [ba + (n, n), bb + (n, k)], atol=1e-5)
    check(lambda m, a, b: m.linalg.solve_triangular(_well(m, a), b, upper=False), [ba + (n, n), bb + (n, k)],
          atol=1e-5)
    check(lambda m, a, b: m.cholesky_solve(b, m.linalg.cholesky(_well(m, a @ a.mT))), [ba + (n, n), bb + (n, k)],
          atol=1e-4, grad_atol=1e-4)
    check(lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(_well(m, a)), b), [ba + (n, n), bb + (n, k)],
          atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(_batches(), _size)
def test_products_broadcast(batches, n):
    ba, bb = batches
    check(lambda m, a, b: m.linalg.vecdot(a, b), [ba + (n,), bb + (n,)])
    check(lambda m, a, b: m.linalg.cross(a, b), [ba + (3,), bb + (3,)])
