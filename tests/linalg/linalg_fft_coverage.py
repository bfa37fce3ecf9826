"""Coverage by name of torch.linalg, torch.fft and the top-level linear-algebra and complex-number
names against the installed PyTorch: what Ember has, and what it leaves out on purpose and why.

    python tests/linalg/linalg_fft_coverage.py
"""
import torch

import ember

# torch's namespaces also hold documentation helpers and re-exported modules that are no API
NOT_API = {"common_notes", "common_args", "factory_common_args", "Tensor", "torch"}

TOP_LEVEL = [
    "inverse", "det", "logdet", "slogdet", "svd", "cholesky", "cholesky_solve", "cholesky_inverse", "qr", "lu",
    "lu_solve", "lu_unpack", "pinverse", "matrix_power", "matrix_exp", "geqrf", "orgqr", "ormqr", "triangular_solve",
    "chain_matmul", "cross", "frobenius_norm", "nuclear_norm", "vdot", "symeig", "eig", "lstsq", "matrix_rank",
    "complex64", "complex128", "cfloat", "cdouble", "complex32", "chalf", "real", "imag", "angle", "conj",
    "conj_physical", "resolve_conj", "is_conj", "is_complex", "view_as_real", "view_as_complex", "complex", "polar",
    "adjoint", "stft", "istft",
]
TENSOR_METHODS = [
    "inverse", "det", "logdet", "slogdet", "svd", "qr", "cholesky", "cholesky_solve", "cholesky_inverse", "lu",
    "lu_solve", "pinverse", "matrix_power", "matrix_exp", "geqrf", "orgqr", "ormqr", "triangular_solve", "cross",
    "vdot", "real", "imag", "angle", "conj", "conj_physical", "resolve_conj", "is_conj", "is_complex", "mH", "H",
    "adjoint", "stft", "istft",
]
LEFT_OUT = {
    "complex32": "NumPy has no complex32 (half-precision complex) dtype",
    "chalf": "NumPy has no complex32 (half-precision complex) dtype",
}


def public(module):
    return sorted(n for n in dir(module) if not n.startswith("_") and n not in NOT_API)


def report():
    """Lines of the report, and the names torch has that Ember neither has nor lists in LEFT_OUT."""
    lines, unexplained = [], []
    sections = [("torch.linalg", public(torch.linalg), ember.linalg),
                ("torch.fft", public(torch.fft), ember.fft),
                ("torch (linear algebra and complex numbers)", [n for n in TOP_LEVEL if hasattr(torch, n)], ember),
                ("torch.Tensor (the same)", [n for n in TENSOR_METHODS if hasattr(torch.Tensor, n)], ember.Tensor)]
    for title, names, where in sections:
        have = [n for n in names if hasattr(where, n)]
        missing = [n for n in names if n not in have]
        lines.append(f"{title}: {len(have)}/{len(names)} ({100 * len(have) // max(len(names), 1)}%)")
        for n in missing:
            reason = LEFT_OUT.get(n)
            lines.append(f"  left out: {n}: {reason}" if reason else f"  MISSING: {n}")
            if reason is None:
                unexplained.append(f"{title}.{n}")
    return lines, unexplained


if __name__ == "__main__":
    print(f"against torch {torch.__version__}")
    print("\n".join(report()[0]))
