"""unique, bincount, histograms, searchsorted/bucketize, isin and cdist against PyTorch."""
import numpy as np
import pytest

from tests.diff import check, gradcheck64

torch = pytest.importorskip("torch")
rng = np.random.default_rng(2)


def test_unique_and_unique_consecutive():
    x = rng.integers(0, 4, (3, 5))
    check(lambda m, a: (m.unique(a), a.unique(return_inverse=True), m.unique(a, return_counts=True),
                        m.unique(a, return_inverse=True, return_counts=True), m.unique(a, sorted=False)), [x])
    rows = np.array([[1, 2], [1, 2], [0, 5], [1, 2]])
    check(lambda m, a: (m.unique(a, dim=0, return_inverse=True, return_counts=True), m.unique(a, dim=1)), [rows])
    seq = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    check(lambda m, a: (m.unique_consecutive(a), a.unique_consecutive(return_inverse=True, return_counts=True)),
          [seq])
    check(lambda m, a: m.unique_consecutive(a, return_counts=True, dim=0), [rows])
    check(lambda m, a: m.unique(a), [np.array([1.5, np.nan, 1.5, -2.0])], grad=False)


def test_bincount():
    x = np.array([0, 1, 1, 3, 7])
    check(lambda m, a: (m.bincount(a), a.bincount(minlength=10)), [x])
    check(lambda m, a, w: (m.bincount(a, w), m.bincount(a, w.double()), m.bincount(a, a)), [x, (5,)], grad=False)
    check(lambda m, a: m.bincount(a), [np.array([-1, 2])])
    check(lambda m, a: m.bincount(a), [np.array([[1, 2]])])


def test_histc_and_histogram():
    x = rng.normal(size=50).astype("float32")
    check(lambda m, a: (m.histc(a), m.histc(a, bins=7, min=-1, max=1), a.histc(4)), [x], grad=False)
    check(lambda m, a: m.histc(a), [np.array([1, 2])])
    check(lambda m, a, w: (tuple(m.histogram(a, 5)), tuple(m.histogram(a, 4, range=(-1.0, 1.0), weight=w)),
                           tuple(m.histogram(a, m.tensor([-2.0, 0.0, 0.5, 3.0]))),
                           tuple(a.histogram(6, density=True))), [x, (50,)], grad=False, rtol=1e-5)


def test_searchsorted_and_bucketize():
    seq = np.sort(rng.integers(0, 10, 8)).astype("float32")
    values = rng.integers(-1, 11, (2, 3)).astype("float32")
    check(lambda m, s, v: (m.searchsorted(s, v), m.searchsorted(s, v, right=True), m.searchsorted(s, v, side="right"),
                           m.searchsorted(s, v, out_int32=True), m.bucketize(v, s), m.bucketize(v, s, right=True)),
          [seq, values], grad=False)
    rows = np.sort(rng.normal(size=(2, 5)), 1)
    check(lambda m, s, v: m.searchsorted(s, v), [rows, rng.normal(size=(2, 3))], grad=False)
    unsorted = rng.normal(size=6)
    check(lambda m, s, v: m.searchsorted(s, v, sorter=s.argsort()), [unsorted, rng.normal(size=4)], grad=False)
    check(lambda m, s, v: m.searchsorted(s, v, right=True, side="left"), [seq, values], grad=False)


def test_isin():
    check(lambda m, a, b: (m.isin(a, b), m.isin(a, b, invert=True), m.isin(a, 3)), [rng.integers(0, 6, (3, 4)),
                                                                                     np.array([1, 3, 5])])


@pytest.mark.parametrize("p", [0.0, 1.0, 2.0, 3.0, float("inf")])
def test_cdist(p):
    check(lambda m, a, b: m.cdist(a, b, p=p), [(2, 4, 3), (2, 5, 3)], rtol=1e-4)
    check(lambda m, a, b: m.cdist(a, b, p=p), [(4, 3), (1, 5, 3)], rtol=1e-4)
    if p not in (0.0, float("inf")):
        gradcheck64(lambda m, a, b: m.cdist(a, b, p=p), [(3, 2), (4, 2)])


def test_cdist_zero_distance_gradient_and_errors():
    check(lambda m, a: m.cdist(a, a * 1), [np.zeros((2, 3), "float32")])
    check(lambda m, a, b: m.cdist(a, b), [(3, 2), (3, 4)])
    check(lambda m, a, b: m.cdist(a, b), [(3,), (3, 4)])
