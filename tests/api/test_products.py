"""addbmm, addr, chain_matmul, inner, vdot, dist and the in-place add-products against PyTorch."""
import numpy as np
import pytest

from tests.diff import check

torch = pytest.importorskip("torch")


def test_addbmm_addr():
    check(lambda m, i, a, b: (m.addbmm(i, a, b), m.addbmm(i, a, b, beta=0.5, alpha=2), i.addbmm(a, b),
                              m.addbmm(i[0], a, b, beta=0)), [(3, 5), (2, 3, 4), (2, 4, 5)])
    check(lambda m, i, a, b: (m.addr(i, a, b), i.addr(a, b, beta=2, alpha=-1), m.addr(i[:1], a, b)),
          [(3, 4), (3,), (4,)])


def test_chain_matmul_inner_vdot_dist():
    check(lambda m, a, b, c: (m.chain_matmul(a, b, c), m.chain_matmul(a)), [(2, 3), (3, 4), (4, 2)])
    check(lambda m, a, b: (m.inner(a, b), a.inner(b[0]), m.inner(a[0, 0], b)), [(2, 3), (4, 3)])
    check(lambda m, a, b: m.inner(a, b), [(2, 3), (4, 2)])
    check(lambda m, a, b: (m.vdot(a, b), a.vdot(b)), [(5,), (5,)])
    for p in (0, 1, 2, 3.5, float("inf"), float("-inf")):  # PyTorch's backward fails for p = 0
        check(lambda m, a, b: (m.dist(a, b, p), a.dist(b, p)), [(3, 4), (4,)], grad=p != 0)


def test_in_place_add_products():
    check(lambda m, i, a, b: (i.clone().addmm_(a, b), i.clone().addmm_(a, b, beta=0.5, alpha=2)),
          [(2, 4), (2, 3), (3, 4)])
    check(lambda m, i, a, b: i.clone().addmv_(a, b), [(2,), (2, 3), (3,)])
    check(lambda m, i, a, b: (i.clone().baddbmm_(a, b), i[0].clone().addbmm_(a, b)),
          [(2, 3, 5), (2, 3, 4), (2, 4, 5)])
    check(lambda m, i, a, b: i.clone().addr_(a, b), [(3, 4), (3,), (4,)])
