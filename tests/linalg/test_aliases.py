"""The top-level names PyTorch keeps for linear algebra (and the ones it removed, which raise), the
namespaces themselves, and ``import torch.linalg`` / ``torch.fft`` under ``ember run``."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from diff import check

import ember

torch = pytest.importorskip("torch")


def well(m, a):
    return a + a.shape[-1] * m.eye(a.shape[-1], dtype=a.dtype)


def test_geqrf_orgqr_ormqr():
    check(lambda m, a: m.geqrf(a), [(5, 3)], grad=False, atol=1e-5)
    check(lambda m, a: a.geqrf(), [(2, 4, 4)], grad=False, atol=1e-5)
    check(lambda m, a, t: m.orgqr(a, t), [(5, 3), (3,)], atol=1e-5, grad_atol=1e-3, grad_rtol=1e-3)
    for left in (True, False):
        for transpose in (True, False):
            c = (5, 2) if left else (2, 5)
            check(lambda m, a, t, c: m.ormqr(a, t, c, left, transpose), [(5, 3), (3,), c], atol=1e-5,
                  grad_atol=1e-3, grad_rtol=1e-3)
    check(lambda m, a, t, c: m.ormqr(a, t, c), [(5, 3), (2,), (5, 2)], grad=False)
    check(lambda m, a, t, c: m.ormqr(a, t, c), [(5, 3), (3,), (4, 2)], grad=False)


@pytest.mark.parametrize("upper,transpose,unit", [(True, False, False), (False, True, False), (True, True, True)])
def test_triangular_solve(upper, transpose, unit):
    check(lambda m, b, a: m.triangular_solve(b, well(m, a), upper, transpose, unit), [(2, 3, 2), (2, 3, 3)],
          atol=1e-5)


def test_chain_matmul_cross_norms_vdot():
    check(lambda m, a, b, c: m.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)], atol=1e-5)
    check(lambda m, a, b: m.cross(a, b), [(4, 3, 2), (4, 3, 2)])
    check(lambda m, a, b: m.cross(a, b, dim=-1), [(2, 3), (2, 3)])
    check(lambda m, a, b: a.cross(b, dim=0), [(3, 2), (3, 2)])
    check(lambda m, a: m.frobenius_norm(a, dim=(0, 1)), [(3, 4)])
    check(lambda m, a: m.nuclear_norm(a), [(3, 4)], atol=1e-5)
    check(lambda m, a: m.nuclear_norm(a, keepdim=True), [(3, 4)], atol=1e-5)
    check(lambda m, a, b: m.vdot(a, b), [(4,), (4,)])
    check(lambda m, a, b: m.vdot(a, b), [(2, 4), (2, 4)], grad=False)


@pytest.mark.parametrize("name", ["symeig", "eig", "lstsq", "matrix_rank"])
def test_removed_functions_raise(name):
    check(lambda m, a: getattr(m, name)(a, a), [(3, 3)], grad=False)


def test_namespaces():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    assert ember.linalg.matmul is ember.matmul
    for mod, ref in ((ember.linalg, torch.linalg), (ember.fft, torch.fft)):
        for name in mod.__all__:
            assert hasattr(ref, name), name
            assert callable(getattr(mod, name)) or isinstance(getattr(mod, name), type)


def test_ember_run_resolves_torch_linalg_and_fft(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        import torch
        import torch.linalg
        import torch.fft
        from torch.linalg import solve
        A = torch.eye(3) * 2
        x = torch.linalg.solve(A, torch.ones(3))
        spectrum = torch.fft.rfft(torch.ones(8))
        try:
            torch.linalg.inv(torch.zeros(2, 2))
        except torch.linalg.LinAlgError as e:
            caught = type(e).__name__
        print(solve is torch.linalg.solve, x.tolist(), spectrum.dtype, caught)
    """))
    proc = subprocess.run([sys.executable, "-m", "ember", "run", str(script)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "[0.5,", "0.5,", "0.5]", "torch.complex64", "LinAlgError"]


def test_coverage_leaves_nothing_unexplained():
    from linalg_fft_coverage import report

    lines, unexplained = report()
    assert not unexplained, unexplained
    assert lines[0].startswith("torch.linalg:") and lines[0].endswith("(100%)")


@pytest.mark.parametrize("fn", [
    lambda m, x: m.linalg.inv(x), lambda m, x: m.linalg.det(x), lambda m, x: m.linalg.slogdet(x),
    lambda m, x: m.linalg.cholesky(x), lambda m, x: m.linalg.eigh(x), lambda m, x: m.linalg.eig(x),
    lambda m, x: m.linalg.svd(x), lambda m, x: m.linalg.qr(x), lambda m, x: m.linalg.pinv(x),
    lambda m, x: m.linalg.matrix_rank(x), lambda m, x: m.linalg.lu_factor(x), lambda m, x: m.linalg.cond(x),
    lambda m, x: m.linalg.solve(x, x), lambda m, x: m.linalg.solve_triangular(x, x, upper=True),
    lambda m, x: m.linalg.lstsq(x, x), lambda m, x: m.logdet(x), lambda m, x: m.svd(x), lambda m, x: m.geqrf(x),
    lambda m, x: m.linalg.matrix_norm(x, "nuc"), lambda m, x: m.linalg.matrix_norm(x),
    lambda m, x: m.linalg.vector_norm(x),
])
def test_half_precision_inputs(fn):
    """float16: PyTorch refuses most LAPACK functions (each with its own error) and takes the norms."""
    check(fn, [np.eye(3, dtype=np.float16) * 2], grad=False, atol=1e-2, rtol=1e-2)
