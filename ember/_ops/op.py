"""``Op``: how one operation is written, forward and backward side by side.

An op is a class. ``forward(ctx, *arrays, **params)`` computes the result from
arrays; ``backward(ctx, *grads)`` turns output gradients into one gradient per
input. The instance is both the context that forward saves into and the graph
node that backward runs on, so recording an op costs one object.

Backward formulas work on arrays, or, when ``ctx.create_graph`` is True (the
engine runs with ``create_graph=True``), on Tensors, which answer the NumPy
functions the formulas call: the same formula gives first and higher
derivatives. ``ctx.run(OtherOp, ...)`` applies another op inside backward,
recorded only under ``create_graph``. Arrays a formula allocates come from the
array module of its inputs (``get_array_module``), never from NumPy directly. Gradients need not be
reduced over broadcast dimensions or cast: the engine makes each one match its
input's shape and dtype.
"""
import numpy as np

from .._arraylib import get_array_module
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import AccumulateGrad, Node, connect, edge, retain_grad, volatile

_state = grad_mode.state
_wrap = Tensor._wrap
_generic = np.generic
_new = object.__new__


class Op(Node):
    differentiable = True  # False for ops whose result never carries a gradient (comparisons, argmax)
    is_view = False  # True when the output shares the first input's memory (view, transpose, slicing)

    @classmethod
    def apply(cls, *inputs, **params):
        """Run the op on Tensors (constants and None allowed) and record it when grad is needed.

        This is the hot path of every op: one pass over the inputs, nothing allocated but the
        node and the result, so the per-op cost stays below PyTorch's dispatch."""
        arrays = []
        record = False
        for t in inputs:
            if isinstance(t, Tensor):
                arrays.append(t._data)
                if t.requires_grad:
                    record = True
            else:
                arrays.append(t)
        ctx = _new(cls)
        out = ctx.forward(*arrays, **params)
        if volatile.used and volatile.among(inputs):
            return _volatile_results(out)
        if type(out) is tuple:
            return ctx._wrap_many(out, inputs, record and _state.enabled and cls.differentiable)
        if isinstance(out, _generic):
            out = np.asarray(out)
        result = _wrap(out)
        if cls.is_view:
            base = inputs[0]
            result._version = base._version
            result._base = base if base._base is None else base._base
        if record and _state.enabled and cls.differentiable:
            connect(ctx, inputs)
            result.grad_fn = ctx
            result.requires_grad = True
            if ctx._saved is not None:
                ctx._track_output(result, 0)
        return result

    def _track_output(self, result, k):
        data = result._data
        for s in self._saved:
            if s is data:
                self._versions.append((result._version, result._version[0], k, data))
                return

    def _wrap_many(self, outs, inputs, record):
        results = tuple([_wrap(np.asarray(o) if isinstance(o, _generic) else o) for o in outs])
        if record:
            self.n_outputs = len(outs)
            self._out_meta = tuple([(r._data.shape, r._data.dtype) for r in results])
            connect(self, inputs)
            for k, r in enumerate(results):
                if r._data.dtype.kind in "fc":  # integer outputs (indices) never carry a gradient
                    r.grad_fn, r._out_idx, r.requires_grad = self, k, True
                    if self._saved is not None:
                        self._track_output(r, k)
        return results

    def _written_into(self, target, before, out):
        """This op's result ``out`` is about to overwrite ``target`` (an in-place op): a copy of
        target's old value replaces it among the saved inputs, and a saved result becomes
        target's array, whose later changes the version check then sees."""
        td, replace, versions = target._data, {}, []
        for counter, expected, source, array in self._versions:
            if source is target:
                old = _wrap(array.copy())
                old.grad_fn, old._out_idx, old.requires_grad = before
                replace[id(array)] = old._data
                versions.append((old._version, 0, old, old._data))
            elif array is out:
                replace[id(array)] = td
                versions.append((target._version, target._version[0] + 1, source, td))
            else:
                versions.append((counter, expected, source, array))
        self._saved = tuple(replace.get(id(s), s) for s in self._saved)
        self._versions = versions

    def backward(self, *grads):
        raise RuntimeError(f"the derivative for '{type(self).__name__}' is not implemented")

    def run(self, op, *inputs, **params):
        """Apply ``op`` inside this node's backward: recorded when backward builds a graph
        (``create_graph``), a plain array computation otherwise."""
        if self.create_graph:
            return op.apply(*inputs, **params)
        return op.forward(_new(op), *inputs, **params)


def array_of(x):
    """The array of a Tensor, or ``x`` itself: what a backward formula computes a constant from (a
    mask, an index) whether it was handed arrays or, under ``create_graph``, Tensors."""
    return getattr(x, "_data", x)


def _volatile_results(out):
    outs = volatile.mark([_wrap(np.asarray(o) if isinstance(o, _generic) else o)
                          for o in (out if type(out) is tuple else (out,))])
    return tuple(outs) if type(out) is tuple else outs[0]


def _views_leaf(node):
    """Whether ``node`` is a chain of view ops ending at a leaf that requires grad."""
    while getattr(node, "is_view", False):
        nxt = node.next_functions[0]
        if nxt is None:
            return False
        node = nxt[0]
        if type(node) is AccumulateGrad:
            return True
    return False


def check_writable(target, through_view=False):
    """PyTorch refuses in-place writes into a leaf that requires grad, and into views of one
    (``through_view``: the write goes through a view of ``target``, as ``t[0] = v`` does)."""
    if target.grad_fn is None:
        if target.requires_grad:
            raise RuntimeError(f"a {'view of a ' if through_view else ''}leaf Variable that requires grad is being "
                               "used in an in-place operation.")
    elif _views_leaf(target.grad_fn):
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def inplace(op, target, *others, **params):
    """Run ``op`` and write its result into ``target`` (``x.add_(y)``), as PyTorch's in-place ops do:
    the result is cast to target's dtype, target's version advances, and its grad_fn becomes this op."""
    if _state.enabled and target.requires_grad:
        check_writable(target)
    before = (target.grad_fn, target._out_idx, target.requires_grad)
    result = op.apply(target, *others, **params)
    rd, td = result._data, target._data
    if rd.dtype != td.dtype and rd.dtype.kind == "f" and td.dtype.kind in "biu":
        raise RuntimeError(f"result type {Tensor._wrap(rd).dtype_short()} can't be cast to the desired output "
                           f"type {target.dtype_short()}")
    if rd.shape != td.shape:
        raise RuntimeError(f"output with shape {list(td.shape)} doesn't match the broadcast shape {list(rd.shape)}")
    node = result.grad_fn
    if node is not None and node._saved is not None:
        node._written_into(target, before, rd)
    td[...] = rd
    target._version[0] += 1
    if node is not None:
        target.grad_fn, target._out_idx, target.requires_grad = node, 0, True
        if target._retains:
            retain_grad(target)  # the retained gradient is now the one flowing into this op
        rebase(target, node)
    return target


class ViewWrite(Node):
    """The base of a view after an in-place op wrote into the view (PyTorch's CopySlices).

    The base's new value is its old value with the view's region replaced by the op's result.
    Its gradient therefore goes to the old base with that region zeroed, and the region itself
    goes to the op (``next_functions``: the old base's edge, then the op's node)."""

    def __init__(self, base, view, node):
        b, v = base._data, view._data
        self.layout = b.shape, b.dtype, b.strides
        self.region = v.shape, v.strides, _address(v) - _address(b)
        self.next_functions = (edge(base), (node, 0))
        self._meta = ((b.shape, b.dtype), (v.shape, v.dtype))

    def name(self):
        return "torch::autograd::CopySlices"

    def backward(self, g):
        if self.create_graph:
            raise RuntimeError("Ember does not support double backward through an in-place write into a view")
        shape, dtype, strides = self.layout
        xp = get_array_module(g)
        as_strided = xp.lib.stride_tricks.as_strided
        memory = xp.empty(int(np.prod(shape)), dtype)
        whole = as_strided(memory, shape, strides)  # laid out as the base is
        whole[...] = g
        view_shape, view_strides, offset = self.region
        window = as_strided(memory[offset // memory.itemsize:], view_shape, view_strides)
        to_op = window.copy()
        window[...] = 0
        return whole, to_op


def _address(a):
    data = a.data
    return data.ptr if hasattr(data, "ptr") else a.__array_interface__["data"][0]  # CuPy's memory, or NumPy's


def rebase(view, node):
    """After ``node`` wrote into ``view`` in place, give the view's base (if it has one) the history
    of that write, so that gradients through the base see it."""
    base = view._base
    if base is None:
        return
    b = base._data
    if get_array_module(b).empty_like(b).strides != b.strides:  # memory the gradient cannot be laid out like
        raise RuntimeError("Ember cannot follow an in-place write into a view of this tensor for autograd: "
                           "write into the tensor itself (t[index] = value) or compute the view out of place")
    base.grad_fn, base._out_idx, base.requires_grad = ViewWrite(base, view, node), 0, True


def write_out(result, out):
    """``out=``: resize ``out`` to the result and copy into it (PyTorch's contract for out arguments)."""
    if _state.enabled and (result.requires_grad or out.requires_grad):
        raise RuntimeError("functions with out=... arguments don't support automatic differentiation, but one "
                           "of the arguments requires grad.")
    rd = result._data
    if rd.dtype.kind == "f" and out._data.dtype.kind in "biu":
        raise RuntimeError(f"result type {result.dtype_short()} can't be cast to the desired output type "
                           f"{out.dtype_short()}")
    if out._data.shape != rd.shape:
        out._data = np.empty_like(rd, dtype=out._data.dtype) if type(rd) is np.ndarray else rd.astype(
            out._data.dtype)
    out._data[...] = rd
    out._version[0] += 1
    return out
