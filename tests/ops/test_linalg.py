import numpy as np
import pytest
from diff import check, gradcheck64, rand
from hypothesis import given, settings
from hypothesis import strategies as st

import ember

# (shape a, shape b, PyTorch's grad_fn name)
MATMUL_CASES = [
    ((3,), (3,), "DotBackward0"),
    ((2, 3), (3,), "MvBackward0"),
    ((3,), (3, 2), "SqueezeBackward4"),
    ((2, 3), (3, 4), "MmBackward0"),
    ((8, 784), (784, 10), "MmBackward0"),
    ((5, 2, 3), (3, 4), "UnsafeViewBackward0"),
    ((5, 2, 3), (3,), "UnsafeViewBackward0"),
    ((3,), (5, 3, 2), "UnsafeViewBackward0"),
    ((2, 3), (5, 3, 4), "CloneBackward0"),
    ((5, 2, 3), (5, 3, 4), "UnsafeViewBackward0"),
    ((2, 1, 3, 4), (5, 4, 2), "UnsafeViewBackward0"),
    ((2, 5, 2, 3), (2, 5, 3, 4), "UnsafeViewBackward0"),
    ((1, 2, 3), (4, 1, 3, 2), "UnsafeViewBackward0"),
    ((0, 3), (3, 4), "MmBackward0"),
    ((2, 0), (0, 4), "MmBackward0"),
    ((0,), (0,), "DotBackward0"),
    ((3, 2, 0), (0, 4), "UnsafeViewBackward0"),
]


@pytest.mark.parametrize("sa,sb,name", MATMUL_CASES)
def test_matmul(sa, sb, name):
    out = check(lambda m, a, b: a @ b, [sa, sb], rtol=1e-4, atol=1e-4)
    assert out.grad_fn.name() == name
    check(lambda m, a, b: m.matmul(a, b), [sa, sb], rtol=1e-4, atol=1e-4)
    check(lambda m, a, b: a.matmul(b), [sa, sb], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("sa,sb", [((2, 3), (3,)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((3,), (3,))])
def test_matmul_one_side_requires_grad(sa, sb):
    check(lambda m, a, b: a @ b.detach(), [sa, sb])
    check(lambda m, a, b: a.detach() @ b, [sa, sb])
    no_grad_a = ember.ones(sa) @ ember.ones(sb, requires_grad=True)
    expected = {(1, 1): "DotBackward0", (2, 1): "MvBackward0"}.get((len(sa), len(sb)), "UnsafeViewBackward0")
    assert no_grad_a.grad_fn.name() == expected


def test_matmul_non_contiguous():
    check(lambda m, a, b: a.transpose(0, 1) @ b, [(3, 2), (3, 4)])
    check(lambda m, a, b: a @ b.transpose(-1, -2), [(5, 2, 3), (5, 4, 3)])
    check(lambda m, a, b: a.transpose(0, 1) @ b.transpose(0, 1), [(4, 3), (2, 4)])


@pytest.mark.parametrize("dtype", ["float64", "int64", "int32", "float16"])
def test_matmul_dtypes(dtype):
    check(lambda m, a, b: a @ b, [rand((2, 3), dtype), rand((3, 4), dtype)], rtol=1e-2, atol=1e-2)
    check(lambda m, a, b: a @ b, [rand((3,), dtype), rand((3,), dtype)], rtol=1e-2, atol=1e-2)
    check(lambda m, a, b: a @ b, [rand((2, 2, 3), dtype), rand((3,), dtype)], rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 2)), ((2, 2, 3), (2, 3, 2)),
                                   ((2, 2, 3), (3,)), ((3,), (2, 3, 2)), ((3, 2), (2, 2, 2)), ((2, 2, 3), (3, 2))])
def test_matmul_dtype_mismatch(sa, sb):
    check(lambda m, a, b: a @ b, [rand(sa), rand(sb, "float64")])
    check(lambda m, a, b: a @ b, [rand(sa), rand(sb, "int64")])
    check(lambda m, a, b: a @ b, [rand(sa, "bool"), rand(sb, "bool")])


def test_matmul_dtype_messages():
    f, d = ember.ones(2, 3), ember.ones(3, 2, dtype=ember.float64)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: float != double"):
        f @ d
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: float != long int"):
        ember.mm(f, ember.ones(3, 2, dtype=ember.int64))
    with pytest.raises(RuntimeError, match="dot : expected both vectors to have same dtype, but found Float and "
                                           "Double"):
        ember.dot(ember.ones(3), ember.ones(3, dtype=ember.float64))
    with pytest.raises(NotImplementedError, match="\"addmm_impl_cpu_\" not implemented for 'Bool'"):
        ember.ones(2, 2, dtype=ember.bool) @ ember.ones(2, 2, dtype=ember.bool)


@pytest.mark.parametrize("sa,sb", [((2, 3), (2, 3)), ((3,), (4,)), ((2, 3), (4,)), ((4,), (2, 3)),
                                   ((5, 2, 3), (4, 3, 4)), ((2, 3, 3), (5, 3, 4)), ((5, 2, 3), (5, 4, 4)),
                                   ((5, 2, 3), (4, 4)), ((5, 2, 3), (4,)), ((4,), (5, 2, 3)), ((2, 3), (5, 4, 4)),
                                   ((), (3,)), ((3,), ())])
def test_matmul_shape_errors(sa, sb):
    check(lambda m, a, b: a @ b, [sa, sb])
    import torch

    with pytest.raises(RuntimeError) as want:
        torch.ones(sa) @ torch.ones(sb)
    with pytest.raises(RuntimeError) as got:
        ember.ones(sa) @ ember.ones(sb)
    assert str(got.value) == str(want.value)


def test_matmul_out():
    check(lambda m, a, b: m.matmul(a.detach(), b.detach(), out=m.empty(0)), [(2, 3), (3, 4)])


# ----------------------------------------------------------------- mm, bmm, mv, dot, outer


def test_mm():
    out = check(lambda m, a, b: m.mm(a, b), [(2, 3), (3, 4)])
    assert out.grad_fn.name() == "MmBackward0"
    check(lambda m, a, b: a.mm(b), [(0, 3), (3, 2)])
    check(lambda m, a, b: m.mm(a, b), [(3,), (3, 2)])
    check(lambda m, a, b: m.mm(a, b), [(2, 3), (3,)])
    check(lambda m, a, b: m.mm(a, b), [(2, 3), (2, 3)])
    with pytest.raises(RuntimeError, match="self must be a matrix"):
        ember.mm(ember.ones(3), ember.ones(3, 2))
    with pytest.raises(RuntimeError, match="mat2 must be a matrix"):
        ember.mm(ember.ones(2, 3), ember.ones(3))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x2\)"):
        ember.mm(ember.ones(2, 3), ember.ones(4, 2))


def test_bmm():
    out = check(lambda m, a, b: m.bmm(a, b), [(5, 2, 3), (5, 3, 4)])
    assert out.grad_fn.name() == "BmmBackward0"
    check(lambda m, a, b: a.bmm(b.transpose(1, 2)), [(2, 2, 3), (2, 4, 3)])
    check(lambda m, a, b: m.bmm(a, b), [(1, 2, 3), (5, 3, 4)])  # no broadcasting
    check(lambda m, a, b: m.bmm(a, b), [(2, 3), (3, 2)])
    check(lambda m, a, b: m.bmm(a, b), [rand((2, 2, 3)), rand((2, 3, 2), "float64")])
    with pytest.raises(RuntimeError, match="batch1 must be a 3D tensor"):
        ember.bmm(ember.ones(2, 3), ember.ones(2, 3, 2))
    with pytest.raises(RuntimeError, match=r"Expected size for first two dimensions of batch2 tensor to be: \[2, 3\] "
                                           r"but got: \[3, 3\]."):
        ember.bmm(ember.ones(2, 2, 3), ember.ones(3, 3, 2))


def test_mv_dot():
    out = check(lambda m, a, b: m.mv(a, b), [(2, 3), (3,)])
    assert out.grad_fn.name() == "MvBackward0"
    check(lambda m, a, b: a.mv(b), [(2, 3), (4,)])
    check(lambda m, a, b: m.mv(a, b), [(3,), (3,)])
    check(lambda m, a, b: m.mv(a, b), [(2, 3), (3, 1)])
    out = check(lambda m, a, b: m.dot(a, b), [(3,), (3,)])
    assert out.grad_fn.name() == "DotBackward0"
    check(lambda m, a, b: a.dot(b), [rand((4,), "int64"), rand((4,), "int64")])
    check(lambda m, a, b: m.dot(a, b), [(3,), (4,)])
    check(lambda m, a, b: m.dot(a, b), [rand((3,)), rand((3,), "int64")])
    with pytest.raises(RuntimeError, match="1D tensors expected, but got 2D and 2D tensors"):
        ember.dot(ember.ones(2, 3), ember.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"):
        ember.mv(ember.ones(2, 3), ember.ones(4))


def test_outer():
    out = check(lambda m, a, b: m.outer(a, b), [(3,), (4,)])
    assert out.grad_fn.name() == "MulBackward0"
    check(lambda m, a, b: a.ger(b), [(3,), (2,)])
    check(lambda m, a, b: m.outer(a, b), [rand((3,)), rand((2,), "int64")])  # promotes, unlike mm
    check(lambda m, a, b: m.outer(a, b), [(3,), (2, 1)])
    check(lambda m, a, b: m.outer(a, b), [(2, 3), (3,)])


# ----------------------------------------------------------------- addmm, addmv, baddbmm


@pytest.mark.parametrize("shape_in", [(2, 4), (4,), (1, 4), (2, 1), ()])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1), (2, 0)])
def test_addmm(shape_in, beta, alpha):
    out = check(lambda m, c, a, b: m.addmm(c, a, b, beta=beta, alpha=alpha), [shape_in, (2, 3), (3, 4)])
    assert out.grad_fn.name() == "AddmmBackward0"
    check(lambda m, c, a, b: c.addmm(a, b, beta=beta, alpha=alpha), [shape_in, (2, 3), (3, 4)])


def test_addmm_ignores_input_when_beta_is_zero():
    nan = np.full((2, 4), np.nan, np.float32)
    check(lambda m, c, a, b: m.addmm(c, a, b, beta=0), [nan, (2, 3), (3, 4)])


def test_addmm_errors():
    for shapes in ([(3,), (2, 3), (4, 3)], [(4,), (2, 3), (3, 3)], [(3,), (3,), (3, 3)], [(3,), (2, 3), (3,)],
                   [(1, 2, 3), (2, 3), (3, 3)]):
        check(lambda m, c, a, b: m.addmm(c, a, b), shapes)
    for dtypes in (("float32", "float32", "float64"), ("float64", "float64", "float32"),
                   ("float32", "float64", "float32")):
        check(lambda m, c, a, b: m.addmm(c, a, b), [rand((2, 2), dtypes[0]), rand((2, 3), dtypes[1]),
                                                     rand((3, 2), dtypes[2])])
    with pytest.raises(RuntimeError, match="self and mat2 must have the same dtype, but got Float and Double"):
        ember.addmm(ember.ones(3), ember.ones(2, 3), ember.ones(3, 3, dtype=ember.float64))
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(3\) must match the existing size "
                                           r"\(4\) at non-singleton dimension 1.  Target sizes: \[2, 3\].  Tensor "
                                           r"sizes: \[4\]"):
        ember.addmm(ember.ones(4), ember.ones(2, 3), ember.ones(3, 3))


def test_addmv_baddbmm():
    out = check(lambda m, c, a, b: m.addmv(c, a, b, beta=0.5, alpha=2), [(2,), (2, 3), (3,)])
    assert out.grad_fn.name() == "AddmvBackward0"
    check(lambda m, c, a, b: c.addmv(a, b), [(), (2, 3), (3,)])
    check(lambda m, c, a, b: m.addmv(c, a, b), [(2,), (2, 3), (4,)])
    check(lambda m, c, a, b: m.addmv(c, a, b), [(2, 2), (2, 3), (3,)])
    out = check(lambda m, c, a, b: m.baddbmm(c, a, b, beta=2, alpha=0.5), [(2, 3), (5, 2, 4), (5, 4, 3)])
    assert out.grad_fn.name() == "BaddbmmBackward0"
    check(lambda m, c, a, b: c.baddbmm(a, b), [(5, 2, 3), (5, 2, 4), (5, 4, 3)])
    check(lambda m, c, a, b: m.baddbmm(c, a, b), [(2, 2), (5, 2, 3), (4, 3, 2)])
    check(lambda m, c, a, b: m.baddbmm(c, a, b), [(3, 2), (5, 2, 3), (5, 3, 2)])


# ----------------------------------------------------------------- einsum


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]), ("i,i->", [(3,), (3,)]), ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("...ij,...jk", [(5, 2, 3), (3, 4)]), ("i,j->ij", [(3,), (4,)]), ("ij->ji", [(2, 3)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]), ("...i,...i->...", [(2, 1, 3), (4, 3)]), ("ijk,jil->kl", [(2, 3, 4), (3, 2, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("i j , j k -> i k", [(2, 3), (3, 4)]), ("iJ,Jk", [(2, 3), (3, 4)]),
    ("ba", [(2, 3)]), ("...", [(2, 3)]), ("i...->...", [(2, 3)]), ("iij,k->jk", [(3, 3, 2), (4,)]),
    ("ij,k->i", [(2, 3), (4,)]), ("iii->", [(2, 2, 2)]), ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
def test_einsum(eq, shapes):
    check(lambda m, *ts: m.einsum(eq, *ts), shapes, rtol=1e-4)


def test_einsum_names_and_list_operands():
    a, b = ember.ones(2, 3, requires_grad=True), ember.ones(3, 4, requires_grad=True)
    assert ember.einsum("ij,jk->ik", [a, b]).grad_fn.name() == "ViewBackward0"
    assert ember.einsum("i,j->ij", a[0], b[0]).grad_fn.name() == "MulBackward0"
    assert ember.einsum("ij->j", a).grad_fn.name() == "SumBackward1"
    assert ember.einsum("ij->ji", a).grad_fn.name() == "PermuteBackward0"
    check(lambda m, a, b: m.einsum("ij,jk", [a, b]), [(2, 3), (3, 4)])


def test_einsum_errors_and_dtypes():
    for eq, shapes in [("ij,jk", [(2, 3), (4, 4)]), ("ij,jk->ik", [(2, 3)]), ("ij,jk->ik", [(2, 3), (3, 4), (2,)]),
                       ("ijk,jk", [(2, 3), (3, 4)]), ("ij,jk->iz", [(2, 3), (3, 4)])]:
        check(lambda m, *ts: m.einsum(eq, *ts), shapes)
    check(lambda m, a, b: m.einsum("ij,jk", a, b), [rand((2, 3)), rand((3, 4), "float64")])
    check(lambda m, a, b: m.einsum("ij,jk", a, b), [rand((2, 3), "int64"), rand((3, 4), "int64")])
    check(lambda m, a, b: m.einsum("ij,jk", a, b), [rand((2, 3), "bool"), rand((3, 4), "bool")])
    with pytest.raises(RuntimeError, match="einsum\\(\\): subscript j has size 4 for operand 1 which does not "
                                           "broadcast with previously seen size 3"):
        ember.einsum("ij,jk", ember.ones(2, 3), ember.ones(4, 4))


def test_einsum_double_backward():
    import torch

    for m in (ember, torch):
        a = m.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        b = m.tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True)
        (ga,) = m.autograd.grad((m.einsum("ij,jk->ik", a, b) ** 2).sum(), [a], create_graph=True)
        ga.sum().backward()
        if m is ember:
            e_b = b.grad.numpy()
        else:
            np.testing.assert_allclose(e_b, b.grad.numpy(), rtol=1e-6)


# ----------------------------------------------------------------- finite differences (float64)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a, b: a @ b, [(3,), (3,)]), (lambda m, a, b: a @ b, [(2, 3), (3,)]),
    (lambda m, a, b: a @ b, [(3,), (3, 2)]), (lambda m, a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)]),
    (lambda m, a, b: a @ b, [(2, 3), (5, 3, 4)]), (lambda m, a, b: m.bmm(a, b), [(2, 2, 3), (2, 3, 2)]),
    (lambda m, a, b: m.outer(a, b), [(3,), (2,)]),
    (lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2), [(4,), (2, 3), (3, 4)]),
    (lambda m, c, a, b: m.addmv(c, a, b), [(2,), (2, 3), (3,)]),
    (lambda m, c, a, b: m.baddbmm(c, a, b, alpha=3), [(2, 1), (3, 2, 4), (3, 4, 3)]),
    (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
    (lambda m, a, b: m.einsum("iij,k->jk", a, b), [(3, 3, 2), (4,)]),
    (lambda m, a, b: m.einsum("...i,...i->...", a, b), [(2, 1, 3), (4, 3)]),
])
def test_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a, b: a @ b, [(2, 3), (3, 4)]), (lambda m, a, b: a @ b, [(2, 3), (3,)]),
    (lambda m, a, b: a @ b, [(3,), (5, 3, 2)]), (lambda m, a, b: a @ b, [(5, 2, 3), (3, 4)]),
    (lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2), [(4,), (2, 3), (3, 4)]),
    (lambda m, a, b: m.einsum("iij,k->jk", a, b), [(3, 3, 2), (4,)]),
])
def test_gradgradcheck(fn, shapes):
    ts = [ember.tensor(rand(s, "float64"), requires_grad=True) for s in shapes]
    assert ember.autograd.gradgradcheck(lambda *xs: fn(ember, *xs) ** 2, ts)


# ----------------------------------------------------------------- random shapes

_dim = st.integers(1, 3)


@st.composite
def _matmul_shapes(draw):
    """Operand shapes for matmul: 1 to 4 dims, batch dims that broadcast (some set to 1 on either side)."""
    m, k, n = draw(_dim), draw(_dim), draw(_dim)
    batch = draw(st.lists(_dim, max_size=2))
    sa = [b if draw(st.booleans()) else 1 for b in batch]
    sb = [b if draw(st.booleans()) else 1 for b in batch][draw(st.integers(0, len(batch))):]
    sa = tuple(sa) + ((m, k) if draw(st.booleans()) or batch else (k,))
    sb = tuple(sb) + ((k, n) if draw(st.booleans()) or len(sb) else (k,))
    return sa, sb


@settings(max_examples=25, deadline=None)
@given(_matmul_shapes())
def test_matmul_random_broadcast(shapes):
    check(lambda m, a, b: a @ b, list(shapes), rtol=1e-4, atol=1e-5)
