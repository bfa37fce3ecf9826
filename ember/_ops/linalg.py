"""Matrix products: matmul and its special cases (dot, mv, mm, bmm), outer, addmm and friends, einsum.

PyTorch runs ``matmul`` on one of four kernels (dot, mv, mm, bmm), folding batch
dims into matrix rows where it can; the kernel decides the node's name and the
wording of errors, so Ember works it out the same way (only when naming or failing).
"""
import math

import numpy as np

from .._arraylib import get_array_module
from .._parallel import matmul_batches, matmul_rows
from .._tensor import Tensor
from .arithmetic import mul
from .conjugate import conj, is_complex
from .op import Op, array_of, write_out
from .promotion import broadcast_error, not_implemented

_wrap = Tensor._wrap


# ----------------------------------------------------------------- gradients


def _mT(x):
    return np.swapaxes(x, -1, -2)


def matmul_grads(g, a, b, need_a=True, need_b=True):
    """Gradients of ``a @ b`` for every matmul case; broadcast batch dims are left for the engine to sum."""
    ga = gb = None
    if is_complex(g):
        a, b = conj(a), conj(b)
    if a.ndim == 1 and b.ndim == 1:
        return (g * b if need_a else None), (g * a if need_b else None)
    if a.ndim == 1:  # a row vector: (k,) @ (..., k, n) -> (..., n)
        g_row = np.expand_dims(g, -2)
        if need_a:
            ga = g_row @ _mT(b)
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if need_b:
            gb = np.expand_dims(a, -1) @ g_row
        return ga, gb
    if b.ndim == 1:  # a column vector: (..., m, k) @ (k,) -> (..., m)
        g_col = np.expand_dims(g, -1)
        if need_a:
            ga = g_col @ np.expand_dims(b, -2)
        if need_b:
            gb = _mT(a) @ g_col
            gb = gb.reshape(gb.shape[:-1])
        return ga, gb
    if need_a:
        ga = matmul_rows(g, _mT(b)) if b.ndim == 2 and g.ndim > 2 else matmul_batches(g, _mT(b))
    if need_b:
        if b.ndim == 2 and a.ndim > 2:  # one (k, n) result instead of a batch of them summed afterwards
            rows = math.prod(a.shape[:-1])
            gb = _mT(a.reshape(rows, a.shape[-1])) @ g.reshape(rows, g.shape[-1])
        else:
            gb = matmul_batches(_mT(a), g)
    return ga, gb


_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


class MatMul(Op):
    backward_name = None  # named after the kernel PyTorch dispatches to; see name()

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return matmul_rows(a, b) if b.ndim == 2 and a.ndim > 2 else matmul_batches(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return matmul_grads(g, a, b, *ctx.needs_input_grad)

    def name(self):
        if self.backward_name:
            return self.backward_name
        na, nb = (len(m[0]) for m in self._meta)
        if (na, nb) in _NAMES:
            return _NAMES[na, nb]
        # a matrix that requires grad times a batch is computed transposed and copied back; the rest is viewed
        return "CloneBackward0" if na == 2 and self.next_functions[0] is not None else "UnsafeViewBackward0"


class Bmm(MatMul):
    backward_name = "BmmBackward0"


# ----------------------------------------------------------------- PyTorch's errors


def _kernel(a, b):
    """The kernel PyTorch's matmul runs for these operands, and whether it swaps them. A vector or matrix
    times a batch is folded into one product of the transposed batch only when the small side requires grad."""
    na, nb = a._data.ndim, b._data.ndim
    if na == 1 and nb == 1:
        return "dot", False
    if nb == 1:
        return "mv", False
    if nb == 2:
        return "mm", False
    if na <= 2 and a.requires_grad:
        return ("mv" if na == 1 else "mm"), True
    return "bmm", False


def _folded(shape, swapped):
    """The matrix a batch is folded into (rows, cols): rows of all batches, or of the transposed batches."""
    rows = 1
    for s in shape[:-1] if not swapped else shape[:-2]:
        rows *= s
    return (rows * shape[-1], shape[-2]) if swapped else (rows, shape[-1])


def _dtype_error(kernel, a, b, swapped):
    if swapped:
        a, b = b, a
    if kernel == "dot":
        return RuntimeError(f"dot : expected both vectors to have same dtype, but found {a.dtype_short()} and "
                            f"{b.dtype_short()}")
    if kernel == "mv":
        return RuntimeError(f"addmv input tensors must have the same dtype, but got {b.dtype_short()}, "
                            f"{a.dtype_short()}, and {b.dtype_short()}")
    if kernel == "mm":
        return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype_short(True)} != "
                            f"{b.dtype_short(True)}")
    return RuntimeError(f"expected scalar type {a.dtype_short()} but found {b.dtype_short()}")


def _shape_error(kernel, a, b, swapped):
    sa, sb = tuple(a.shape), tuple(b.shape)
    if kernel == "dot":
        return RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same "
                            f"number of elements, but got {sa[0]} and {sb[0]} elements respectively")
    if kernel == "mv":
        (rows, k), n = _folded(sb, True) if swapped else _folded(sa, False), (sa if swapped else sb)[0]
        return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({n})")
    if kernel == "mm":
        m1 = _folded(sb, True) if swapped else _folded(sa, False)
        m2 = sa[::-1] if swapped else sb
        return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m1[0]}x{m1[1]} and {m2[0]}x{m2[1]})")
    try:
        batch = np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        return broadcast_error(_wrap(np.empty(sa[:-2])), _wrap(np.empty(sb[:-2])))
    n = int(np.prod(batch))
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {sa[-1]}] but got: "
                        f"[{n}, {sb[-2]}].")


def _multiply(op, a, b, kernel=None):
    """Apply a product op, raising PyTorch's error for mismatched dtypes, bools, or shapes."""
    da, db = a._data.dtype, b._data.dtype
    if da != db or da == np.bool_:
        k, swapped = _kernel(a, b)
        k = kernel or k
        if da != db:
            raise _dtype_error(k, a, b, swapped)
        raise not_implemented({"dot": "dot", "mv": "addmv_impl_cpu", "mm": "addmm_impl_cpu_", "bmm": "bmm"}[k], a)
    try:
        return op.apply(a, b)
    except ValueError:
        k, swapped = _kernel(a, b)
        raise _shape_error(kernel or k, a, b, swapped) from None


# ----------------------------------------------------------------- matmul and its special cases


def matmul(input, other, *, out=None):
    """The matrix product, following the rules of the ``@`` operator: dot for two vectors, matrix-vector,
    matrix-matrix, and broadcast batches of matrices."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input._data.ndim}D "
                           f"and {other._data.ndim}D")
    r = _multiply(MatMul, input, other)
    return r if out is None else write_out(r, out)


def mm(input, mat2, *, out=None):
    """The product of two matrices (no broadcasting)."""
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    r = _multiply(MatMul, input, mat2)
    return r if out is None else write_out(r, out)


def bmm(input, mat2, *, out=None):
    """The products of two batches of matrices, batch by batch (no broadcasting)."""
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_batches(input._data.shape, mat2._data.shape)
    r = _multiply(Bmm, input, mat2, "bmm")
    return r if out is None else write_out(r, out)


def mv(input, vec, *, out=None):
    """The product of a matrix and a vector."""
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    r = _multiply(MatMul, input, vec)
    return r if out is None else write_out(r, out)


def dot(input, other, *, out=None):
    """The dot product of two 1-D tensors of the same dtype."""
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    r = _multiply(MatMul, input, other)
    return r if out is None else write_out(r, out)


def outer(input, vec2, *, out=None):
    """The outer product of two 1-D tensors (``ger`` is the same function)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return mul(input.reshape(-1, 1), vec2, out=out)


# ----------------------------------------------------------------- beta * input + alpha * (a @ b)


class Addmm(Op):
    def forward(ctx, input, a, b, beta=1, alpha=1):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(a, b)
        out = a @ b
        if alpha != 1:
            out *= alpha
        if beta != 0:  # beta == 0 ignores input entirely, nan and inf included
            out += input if beta == 1 else beta * input
        return out

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_input, need_a, need_b = ctx.needs_input_grad
        g_input = (g if ctx.beta == 1 else g * ctx.beta) if need_input else None
        ga, gb = matmul_grads(g if ctx.alpha == 1 else g * ctx.alpha, a, b, need_a, need_b)
        return g_input, ga, gb


class Addmv(Addmm):
    pass


class Baddbmm(Addmm):
    pass


def _check_batches(sa, sb):
    if sb[:2] != (sa[0], sa[2]):  # bmm does not broadcast
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] but "
                           f"got: [{sb[0]}, {sb[1]}].")


def _add_product(op, input, a, b, beta, alpha, out, kernel):
    da, db = a._data.dtype, b._data.dtype
    if input._data.dtype != db:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {input.dtype_short()} and "
                           f"{b.dtype_short()}")
    if da != db:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {a.dtype_short()} and {b.dtype_short()}")
    if da == np.bool_:
        raise not_implemented({"mv": "addmv_impl_cpu", "mm": "addmm_impl_cpu_", "bmm": "baddbmm_cpu"}[kernel], a)
    sa, sb = a._data.shape, b._data.shape
    if sa[-1] != sb[-2 if kernel != "mv" else 0]:
        raise _shape_error(kernel, a, b, False)
    try:
        r = op.apply(input, a, b, beta=beta, alpha=alpha)
    except ValueError:  # input does not broadcast to the product's shape
        target, have = sa[:-1] + sb[2 if kernel == "bmm" else 1:], input._data.shape
        i = next(i for i in range(1, len(have) + 1) if i > len(target) or have[-i] not in (1, target[-i]))
        raise RuntimeError(f"The expanded size of the tensor ({target[-i] if i <= len(target) else 1}) must match the "
                           f"existing size ({have[-i]}) at non-singleton dimension {len(target) - i}.  Target sizes: "
                           f"{list(target)}.  Tensor sizes: {list(have)}") from None
    return r if out is None else write_out(r, out)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``, with ``input`` broadcast to the product's shape."""
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t._data.ndim}-D tensor")
    return _add_product(Addmm, input, mat1, mat2, beta, alpha, out, "mm")


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``, with ``input`` broadcast to the product's shape."""
    if mat._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {mat._data.ndim}, "
                           f"{vec._data.ndim}")
    return _add_product(Addmv, input, mat, vec, beta, alpha, out, "mv")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (batch1 @ batch2)`` batch by batch, with ``input`` broadcast."""
    for name, t in (("batch1", batch1), ("batch2", batch2)):
        if t._data.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    _check_batches(batch1._data.shape, batch2._data.shape)
    return _add_product(Baddbmm, input, batch1, batch2, beta, alpha, out, "bmm")


# ----------------------------------------------------------------- einsum


def _parse(equation, shapes):
    """Split an einsum equation into one subscript string per operand and the output's, with every
    ellipsis spelled out in letters of its own (right-aligned broadcast dims), so that gradients can
    be written as einsums too."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError(f"einsum(): {'fewer' if len(shapes) < len(terms) else 'more'} operands were provided "
                           "than specified in the equation")
    for i, (t, s) in enumerate(zip(terms, shapes)):
        if "..." not in t and len(t) != len(s):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not match the "
                               f"number of dimensions ({len(s)}) for operand {i} and no ellipsis was given")
    free = sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") - set(eq))
    n_ell = max([len(s) - len(t) + 3 for t, s in zip(terms, shapes) if "..." in t], default=0)
    ell = "".join(free[:n_ell])
    terms = [t.replace("...", ell[len(ell) - (len(s) - len(t) + 3):]) for t, s in zip(terms, shapes)]
    if arrow:
        out = rhs.replace("...", ell)
    else:  # implicit output: broadcast dims, then the letters used once, in alphabetical order
        letters = "".join(terms)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    for c in out:
        if c not in "".join(terms):
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
    return terms, out, free[n_ell:]


class Einsum(Op):
    def forward(ctx, *operands, terms, out, free):
        ctx.terms, ctx.out, ctx.free = terms, out, free
        ctx.save_for_backward(*operands)
        return np.einsum(",".join(terms) + "->" + out, *operands, optimize=len(operands) > 2)

    def backward(ctx, g):
        ops = ctx.saved_tensors
        return tuple(_operand_grad(ctx, g, ops, i) if need else None for i, need in enumerate(ctx.needs_input_grad))

    def name(self):
        # PyTorch reaches einsum's result through different last ops; this follows its common cases
        letters = set("".join(self.terms))
        if len(self.terms) == 1:
            return "PermuteBackward0" if len(self.out) == len(letters) else "SumBackward1"
        return "MulBackward0" if letters <= set(self.out) else "ViewBackward0"


def _operand_grad(ctx, g, ops, i):
    """The gradient of operand ``i``: the output's gradient contracted with the other operands."""
    term, others = ctx.terms[i], [t for j, t in enumerate(ctx.terms) if j != i]
    unique = "".join(dict.fromkeys(term))
    present = set(ctx.out).union(*others)
    kept = "".join(c for c in unique if c in present)
    grad = np.einsum(",".join([ctx.out] + others) + "->" + kept, g, *(o for j, o in enumerate(ops) if j != i))
    if kept != unique:  # letters summed within this operand alone: the gradient is constant along them
        size = dict(zip(term, ops[i].shape))
        sizes = iter(grad.shape)
        grad = grad.reshape(tuple(next(sizes) if c in kept else 1 for c in unique))
        grad = np.broadcast_to(grad, tuple(s if c in kept else size[c] for c, s in zip(unique, grad.shape)))
    if unique != term:  # a repeated letter takes a diagonal: put the gradient back on it
        free, renamed, eyes = iter(ctx.free), "", []
        for k, c in enumerate(term):
            if c in term[:k]:
                fresh = next(free)
                dtype = getattr(grad.dtype, "np", grad.dtype)  # a Tensor's dtype (create_graph) names NumPy's
                eyes.append((c + fresh, get_array_module(array_of(ops[i])).eye(ops[i].shape[k], dtype=dtype)))
                c = fresh
            renamed += c
        grad = np.einsum(",".join([unique] + [e for e, _ in eyes]) + "->" + renamed, grad, *(m for _, m in eyes))
    return grad


def einsum(equation, *operands):
    """The sum of products of the operands' elements given by the subscripts in ``equation`` (Einstein
    summation, ``...`` for broadcast dimensions); operands may be passed as a list. All must share one dtype."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, out, free = _parse(equation, [o._data.shape for o in operands])
    d = operands[0]._data.dtype
    for o in operands[1:]:
        if o._data.dtype != d:
            raise RuntimeError(f"expected scalar type {operands[0].dtype_short()} but found {o.dtype_short()}")
    if d == np.bool_:
        raise not_implemented("bmm", operands[0])
    try:
        return Einsum.apply(*operands, terms=terms, out=out, free=free)
    except ValueError:
        seen = {}
        for k, (t, o) in enumerate(zip(terms, operands)):
            for c, s in zip(t, o._data.shape):
                prev = seen.get(c, 1)
                if s != prev and 1 not in (s, prev):
                    raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which does not "
                                       f"broadcast with previously seen size {prev}") from None
                seen[c] = max(prev, s)
        raise


FUNCTIONS = dict(matmul=matmul, mm=mm, bmm=bmm, mv=mv, dot=dot, outer=outer, ger=outer, addmm=addmm, addmv=addmv,
                 baddbmm=baddbmm, einsum=einsum)
TENSOR_METHODS = dict(FUNCTIONS, __matmul__=matmul)
del TENSOR_METHODS["einsum"]
