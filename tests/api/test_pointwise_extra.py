"""The extra elementwise functions against PyTorch: values, dtypes, gradients, errors."""
import numpy as np
import pytest

from tests.diff import check, gradcheck64

torch = pytest.importorskip("torch")
rng = np.random.default_rng(5)


@pytest.mark.parametrize("name,low,high", [("acosh", 1.1, 4), ("asinh", -3, 3), ("atanh", -0.9, 0.9),
                                           ("arccosh", 1.1, 4), ("arcsinh", -3, 3), ("arctanh", -0.9, 0.9)])
def test_inverse_hyperbolics(name, low, high):
    x = rng.uniform(low, high, (3, 4)).astype("float32")
    check(lambda m, a: (getattr(m, name)(a), getattr(a, name)()), [x])
    check(lambda m, a: getattr(a.clone(), name + "_")(), [x], grad=False)
    check(lambda m, a: getattr(m, name)(a), [np.array([1, 2])])
    gradcheck64(lambda m, a: getattr(m, name)(a.clamp(low, high)), [(5,)])


def test_logaddexp_copysign_nan_to_num():
    check(lambda m, a, b: (m.logaddexp(a, b), m.logaddexp2(a, b), a.logaddexp(b)), [(3, 1), (4,)])
    check(lambda m, a, b: (m.copysign(a, b), m.copysign(a, -1.0), a.copysign(b), (a * 1).copysign_(b)),
          [(3, 4), (4,)])
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0], dtype="float32")
    check(lambda m, a: (m.nan_to_num(a), a.nan_to_num(nan=1.0, posinf=5.0), m.nan_to_num(a, neginf=-3.0),
                        (a * 1).nan_to_num_()), [x])
    check(lambda m, a: m.nan_to_num(a), [np.array([1, 2])])


def test_ldexp_frexp_float_power():
    # values only: PyTorch's gradient of ldexp takes 2 ** exponent in the exponent's integer dtype (0 for
    # negative exponents); Ember's is 2 ** exponent, checked by finite differences
    check(lambda m, a, e: (m.ldexp(a, e), a.ldexp(e)), [(3,), np.array([1, -2, 3])], grad=False)
    gradcheck64(lambda m, a: m.ldexp(a, m.tensor([1, -2, 3, 0])), [(4,)])
    check(lambda m, a: tuple(m.frexp(a)), [np.array([0.0, 1.5, -3.0, 1e-30], dtype="float32")], grad=False)
    check(lambda m, a: m.frexp(a), [np.array([1, 2])])
    check(lambda m, a, b: (m.float_power(a, b), m.float_power(a, 2), a.float_power(b)), [(3,), (3,)],
          positive=True)
    check(lambda m, a: m.float_power(a, 2).dtype == m.float64, [np.array([1, 2])])


def test_degrees_heaviside_gcd_lcm_nextafter_signbit():
    check(lambda m, a: (m.deg2rad(a), m.rad2deg(a), (a * 1).deg2rad_()), [(2, 3)])
    check(lambda m, a: m.deg2rad(a), [np.array([90, 180])])
    check(lambda m, a, v: m.heaviside(a, v), [np.array([-1.0, 0.0, 2.0]), np.array([0.5, 0.25, 0.5])], grad=False)
    check(lambda m, a, b: (m.gcd(a, b), m.lcm(a, b), a.gcd(b)), [np.array([4, 6, -9]), np.array([6, 9, 6])])
    check(lambda m, a, b: m.gcd(a, b), [np.array([4.0]), np.array([6.0])])
    check(lambda m, a, b: (m.nextafter(a, b), a.nextafter(b)), [(4,), (4,)], grad=False, rtol=0, atol=0)
    check(lambda m, a: m.signbit(a), [np.array([-0.0, 0.0, -1.0, 2.0])])


def test_bit_shifts_and_operators():
    a, b = np.array([1, 2, 3, -8]), np.array([1, 2, 0, 1])
    check(lambda m, x, y: (m.bitwise_left_shift(x, y), m.bitwise_right_shift(x, y), x << y, x >> y, x << 2,
                           x >> 1, x.bitwise_left_shift(y)), [a, b])
    check(lambda m, x: m.bitwise_left_shift(x, 1), [np.array([1.0])])

    def in_place(m, x, y):
        x = x.clone()
        x <<= y
        x >>= 1
        return x
    check(in_place, [a, b])
