"""Finite-difference checks of gradients: ``gradcheck`` and ``gradgradcheck``.

The numerical Jacobian comes from central differences, one input element at a
time; the analytical one from one backward pass per output element. Both are
compared with ``allclose``; inputs should be float64 for this to be meaningful.
"""
import warnings

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .entry import grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when gradients disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def _numerical(func, inputs, wrt, eps):
    """jac[o][j]: (numel of input j, numel of output o) by central differences. ``func`` runs
    with grad enabled, as gradgradcheck's function needs a graph of its own."""
    n_out = [o._data.size for o in _float_outputs(func, inputs)]
    jac = [[np.zeros((t._data.size, n)) for t in wrt] for n in n_out]
    for j, t in enumerate(wrt):
        data = t._data
        for k, idx in enumerate(np.ndindex(data.shape)):
            orig = data[idx].item()
            data[idx] = orig + eps
            plus = _values(func, inputs)
            data[idx] = orig - eps
            minus = _values(func, inputs)
            data[idx] = orig
            for o, (p, m) in enumerate(zip(plus, minus)):
                jac[o][j][k] = (p - m) / (2 * eps)
    return jac


def _values(func, inputs):
    return [B.to_numpy(o._data).astype(np.float64).ravel() for o in _float_outputs(func, inputs)]


def _analytical(outputs, wrt):
    """jac[o][j] as in _numerical, from one backward pass per output element."""
    jac = []
    for out in outputs:
        rows = [np.zeros((t._data.size, out._data.size)) for t in wrt]
        if out.requires_grad:
            for k in range(out._data.size):
                onehot = np.zeros(out._data.size, out._data.dtype)
                onehot[k] = 1
                grads = grad(out, wrt, Tensor._wrap(onehot.reshape(out._data.shape)), retain_graph=True,
                             allow_unused=True)
                for j, g in enumerate(grads):
                    if g is not None:
                        rows[j][:, k] = B.to_numpy(g._data).ravel()
        jac.append(rows)
    return jac


def _fail(message, raise_exception):
    if raise_exception:
        raise GradcheckError(message)
    return False


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """Check ``func``'s gradients with respect to the inputs that require grad against finite
    differences. Returns True, or raises GradcheckError (returns False with raise_exception=False)."""
    inputs = _as_tuple(inputs)
    wrt = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad and t._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", UserWarning, stacklevel=2)
    outputs = _float_outputs(func, inputs)
    numerical = _numerical(func, inputs, wrt, eps)
    analytical = _analytical(outputs, wrt)
    for o, out in enumerate(outputs):
        for j in range(len(wrt)):
            num, ana = numerical[o][j], analytical[o][j]
            if not out.requires_grad:
                if np.any(num != 0):
                    return _fail("Numerical gradient for function expected to be zero", raise_exception)
                continue
            if not np.allclose(ana, num, rtol=rtol, atol=atol):
                return _fail(f"Jacobian mismatch for output {o} with respect to input {j},\n"
                             f"numerical:{Tensor._wrap(num)}\nanalytical:{Tensor._wrap(ana)}\n", raise_exception)
    again = _analytical(outputs, wrt)
    for o in range(len(outputs)):
        for j in range(len(wrt)):
            if np.abs(again[o][j] - analytical[o][j]).max(initial=0) > nondet_tol:
                return _fail("Backward is not reentrant, i.e., running backward with same input and grad_output "
                             "multiple times gives different values, although analytical gradient matches "
                             f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}.",
                             raise_exception)
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """gradcheck of the gradient: second derivatives of ``func`` through create_graph=True."""
    inputs = _as_tuple(inputs)
    wrt = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    outputs = [o for o in _float_outputs(func, inputs) if o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [Tensor._wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype)).requires_grad_()
                        for o in outputs]
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        outs = [o for o in _float_outputs(func, args[:n]) if o.requires_grad]
        ins = [t for t in args[:n] if isinstance(t, Tensor) and t.requires_grad]
        grads = grad(outs, ins, args[n:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol)
