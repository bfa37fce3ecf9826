import pytest
from diff import check

BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((0, 3), (3,))]


@pytest.mark.parametrize("shapes", BROADCAST)
@pytest.mark.parametrize("fn", [lambda m, a, b: a + b, lambda m, a, b: m.sub(a, b, alpha=2),
                                lambda m, a, b: a * b, lambda m, a, b: a / b, lambda m, a, b: m.add(a, b, alpha=3)])
def test_binary_float(fn, shapes):
    check(fn, list(shapes), positive=True)


def test_pow_both_ways():
    check(lambda m, a, b: a ** b, [(3, 4), (3, 4)], positive=True)
    check(lambda m, a: a ** 3, [(3, 4)])
    check(lambda m, a: 2 ** a, [(3, 4)])


@pytest.mark.parametrize("dtypes", [("int64", "float32"), ("float16", "float64"), ("bool", "int64"),
                                    ("uint8", "int8"), ("int32", "float64")])
def test_promotion(dtypes):
    from diff import rand
    a, b = rand((2, 3), dtypes[0]), rand((2, 3), dtypes[1], positive=True)
    check(lambda m, x, y: x * y, [a, b], grad=False, rtol=1e-3)
    check(lambda m, x, y: x / y, [a, b], grad=False, rtol=1e-3)
    check(lambda m, x: x + 1.5, [a], grad=False, rtol=1e-3)
    check(lambda m, x: x + 2, [a], grad=False, rtol=1e-3)


def test_zero_dim_does_not_promote():
    import numpy as np
    check(lambda m, a, b: a + b, [np.ones((2, 2), np.float32), np.array(2.0, np.float64)])


def test_exp_log():
    check(lambda m, a: m.exp(a), [(3, 4)])
    check(lambda m, a: m.log(a), [(3, 4)], positive=True)
