"""The extra reductions and scans against PyTorch: values, index choices, dtypes, gradients."""
import numpy as np
import pytest

from tests.diff import check, gradcheck64

torch = pytest.importorskip("torch")
rng = np.random.default_rng(9)
nan = np.nan


def with_nans(shape, dtype="float32"):
    a = rng.normal(size=shape).astype(dtype)
    a[rng.random(shape) < 0.3] = nan
    return a


def test_nansum_nanmean():
    x = with_nans((3, 4))
    check(lambda m, a: (m.nansum(a), a.nansum(1), m.nansum(a, 0, keepdim=True), m.nanmean(a), a.nanmean(1)), [x])
    check(lambda m, a: (m.nansum(a), m.nansum(a, dtype=m.float64)), [np.array([1, 2, 3])])
    check(lambda m, a: m.nanmean(a), [np.array([1, 2, 3])])


def test_nanmedian():
    x = with_nans((4, 5))
    x[0] = nan
    check(lambda m, a: (m.nanmedian(a), a.nanmedian(1).values, a.nanmedian(0, keepdim=True).values), [x])
    y = with_nans((4, 6))
    check(lambda m, a: tuple(m.nanmedian(a, 1)), [y])


def test_std_var_mean_and_aminmax():
    check(lambda m, a: (m.std_mean(a), m.var_mean(a, 1), m.var_mean(a, 0, keepdim=True, correction=0),
                        m.std_mean(a, unbiased=False), tuple(m.aminmax(a)), tuple(a.aminmax(dim=1, keepdim=True))),
          [(3, 4)])


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_and_nanquantile(interpolation):
    x = rng.normal(size=(4, 7)).astype("float32")
    q = np.array([0.0, 0.25, 0.5, 0.9, 1.0], dtype="float32")
    check(lambda m, a, qs: (m.quantile(a, qs, interpolation=interpolation),
                            m.quantile(a, 0.3, dim=1, interpolation=interpolation),
                            a.quantile(qs, dim=0, keepdim=True, interpolation=interpolation)), [x, q])
    y = with_nans((4, 7))
    y[:, 0] = 1.0  # no row all NaN: every result is a number with a gradient
    check(lambda m, a, qs: (m.nanquantile(a, qs, dim=1, interpolation=interpolation), m.nanquantile(a, 0.5)),
          [y, q])
    y[1] = nan  # NaN results: values only (where the gradient of a NaN result goes is PyTorch's kernel detail)
    check(lambda m, a, qs: (m.nanquantile(a, qs, dim=1, interpolation=interpolation), m.quantile(a, 0.5, dim=1)),
          [y, q], grad=False)


def test_quantile_errors():
    check(lambda m, a: m.quantile(a, 1.5), [(3,)])
    check(lambda m, a: m.quantile(a, 0.5), [np.array([1, 2])])


def test_mode_cummax_cummin():
    x = rng.integers(0, 3, (4, 7)).astype("float32")
    check(lambda m, a: (tuple(m.mode(a)), tuple(a.mode(0, keepdim=True))), [x])
    y = np.array([[1.0, 3.0, 3.0, 2.0, 3.0, nan, 5.0], [4.0, 1.0, 1.0, 0.0, 0.0, 2.0, -1.0]], dtype="float32")
    check(lambda m, a: (tuple(m.cummax(a, 1)), tuple(m.cummin(a, 1)), tuple(a.cummax(0))), [y])
    check(lambda m, a: (tuple(m.cummax(a, 1)), tuple(m.cummin(a, 0))), [(3, 5)])


def test_logcumsumexp():
    x = rng.normal(size=(3, 5)).astype("float32") * 3
    x[0, 0] = -1000  # no underflow of the early terms
    check(lambda m, a: (m.logcumsumexp(a, 1), a.logcumsumexp(0)), [x])
    gradcheck64(lambda m, a: m.logcumsumexp(a, 1), [(3, 4)])


def test_diff_trapezoid():
    check(lambda m, a: (m.diff(a), a.diff(n=2, dim=0), m.diff(a, prepend=a[:, :1], append=a[:, -1:])), [(4, 5)])
    check(lambda m, a: m.diff(a), [np.array([True, False, False, True])])
    check(lambda m, y, x: (m.trapezoid(y), m.trapezoid(y, dx=0.5), m.trapezoid(y, x), m.trapz(y, x, dim=-1),
                           m.trapezoid(y, dim=0), m.cumulative_trapezoid(y), m.cumulative_trapezoid(y, x)),
          [(3, 5), np.sort(rng.normal(size=5)).astype("float32")])


def test_cov_corrcoef():
    check(lambda m, a: (m.cov(a), m.cov(a, correction=0), m.corrcoef(a), a.cov(), m.cov(a[0])), [(3, 6)])
    fw = np.array([1, 2, 1, 3, 1, 1])
    aw = rng.uniform(0.5, 2, 6).astype("float32")
    check(lambda m, a, f, w: (m.cov(a, fweights=f), m.cov(a, aweights=w), m.cov(a, fweights=f, aweights=w)),
          [(3, 6), fw, aw])
