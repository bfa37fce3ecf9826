"""``out=`` of the indexing, product and quantile functions: the result is written into ``out`` (resized to
it), as PyTorch does, and ``out`` is what the call returns."""
import numpy as np
import pytest

import ember

from tests.diff import check, rand


def _into(call, out):
    """Call ``call(out)`` and return both its result and ``out``, so that both are compared."""
    return call(out), out


def _empty(m, dtype):
    return m.tensor(np.zeros(0, dtype))


@pytest.mark.parametrize("name, call, shapes, dtype", [
    ("gather", lambda m, a, o: m.gather(a, 1, m.tensor([[0, 2], [1, 0], [2, 2]]), out=o), [(3, 4)], "float32"),
    ("index_select", lambda m, a, o: m.index_select(a, 0, m.tensor([2, 0]), out=o), [(3, 4)], "float32"),
    ("masked_select", lambda m, a, o: m.masked_select(a, a > 0, out=o), [(3, 4)], "float32"),
    ("nonzero", lambda m, a, o: m.nonzero(a > 0, out=o), [(3, 4)], "int64"),
    ("kron", lambda m, a, b, o: m.kron(a, b, out=o), [(2, 3), (2, 2)], "float32"),
    ("tensordot", lambda m, a, b, o: m.tensordot(a, b, dims=1, out=o), [(2, 3), (3, 4)], "float32"),
    ("quantile", lambda m, a, o: m.quantile(a, 0.3, dim=1, out=o), [(3, 4)], "float32"),
    ("nanquantile", lambda m, a, o: m.nanquantile(a, 0.7, out=o), [(3, 4)], "float32"),
])
def test_out_receives_the_result(name, call, shapes, dtype):
    inputs = [rand(s) for s in shapes]
    check(lambda m, *args: _into(lambda o: call(m, *args, o), _empty(m, dtype)), inputs, grad=False)
    out = _empty(ember, dtype)
    assert call(ember, *[ember.tensor(x) for x in inputs], out) is out
