"""The autograd graph and the engine that walks it.

Every differentiable op result points (``grad_fn``) at a ``Node``. A node knows
the nodes of its inputs (``next_functions``: pairs ``(node, output_index)``) and
how to turn the gradients of its outputs into gradients of its inputs
(``backward``). A leaf that requires grad ends in its ``AccumulateGrad`` node,
which adds into ``tensor.grad``.

The engine is iterative: it counts the edges into each node, then runs a node
once its count has dropped to zero, that is once every gradient for it has been
summed. Graphs of any depth work, and each node runs once.
"""
import weakref

import numpy as np

from .._arraylib import from_np, get_array_module
from .._tensor import Tensor
from . import grad_mode

_VERSION_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
                 "torch.autograd.set_detect_anomaly(True, check_nan=False).")


class Node:
    """A recorded operation. Subclasses define ``backward(self, *grad_outputs)``
    returning one gradient (or None) per entry of ``next_functions``."""

    next_functions = ()
    n_outputs = 1
    _saved = None  # what forward saved; None once released or never saved
    _released = False
    _versions = ()  # (version counter, version at save, source, array) per saved tensor; see saved_tensors
    _meta = None  # (shape, dtype) per input, which the engine makes each gradient match
    _hooks = None  # a _Hooks once a hook is registered on this node or on a tensor it produced
    # True while backward runs with create_graph=True: gradients and saved_tensors are then Tensors, and
    # a formula computes with Ember ops (or NumPy functions on Tensors) so that it records a graph
    create_graph = False
    _materialize = True  # gradients of unused outputs arrive as zeros rather than None
    fresh_grads = False  # True where backward always returns new arrays, one per input, that nothing else holds

    def name(self):
        """The node's name as PyTorch spells it, e.g. ``MulBackward0``."""
        return getattr(type(self), "backward_name", None) or type(self).__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def needs_input_grad(self):
        """One bool per input: whether a gradient flows back to it."""
        return tuple(e is not None for e in self.next_functions)

    # -- values saved for backward ---------------------------------------------------
    def save_for_backward(self, *values):
        """Keep ``values`` for this node's backward."""
        self._saved = values

    @property
    def saved_tensors(self):
        """What forward saved, after checking it was neither freed nor changed in place since
        (Tensors under ``create_graph``)."""
        saved = self._check_saved()
        return tuple(map(self._tensor_of, saved)) if self.create_graph else saved

    def _check_saved(self):
        """What forward saved, after checking it is still there and unmodified."""
        saved = self._saved
        if saved is None:
            if self._released:
                raise RuntimeError(
                    "Trying to backward through the graph a second time (or directly access saved tensors "
                    "after they have already been freed). Saved intermediate values of the graph are freed "
                    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                    "backward through the graph a second time or if you need to access saved tensors after "
                    "calling backward.")
            return ()
        for counter, expected, source, array in self._versions:
            if counter[0] != expected:
                raise RuntimeError(self._modified_message(counter[0], expected, source, array))
        return saved

    def _tensor_of(self, value):
        """With create_graph=True a saved array is handed back as the Tensor it came from,
        so that the backward formula records a graph through it. A saved output is rebuilt
        around this node, as holding the output itself would be a reference cycle."""
        for _, _, source, array in self._versions:
            if array is value:
                if type(source) is int:
                    t = _new_tensor(value)
                    t.grad_fn, t._out_idx, t.requires_grad = self, source, True
                    return t
                return source
        return value

    def _modified_message(self, version, expected, source, array):
        """PyTorch's message: the tensor, the node that produced it, its versions."""
        if type(source) is int:
            producer, idx = self, source
        else:
            producer, idx = source.grad_fn, source._out_idx
        what = "" if producer is None else f", which is output {idx} of {_strip(producer.name())},"
        return ("one of the variables needed for gradient computation has been modified by an inplace operation: "
                f"[{_new_tensor(array).type()} {list(array.shape)}]{what} is at version {version}; expected "
                f"version {expected} instead. {_VERSION_HINT}")

    def release(self):
        """Free what forward saved (after a backward without retain_graph)."""
        if self._saved is not None:
            self._saved = None
            self._released = True
            self._versions = ()

    # -- hooks -----------------------------------------------------------------------
    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; it may return replacement grad_outputs."""
        return _Handle(_hooks(self).pre, fn)

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; it may return replacement grad_inputs."""
        return _Handle(_hooks(self).post, fn)


def _strip(name):
    """'AddBackward0' -> 'Add', as PyTorch names a producer in its in-place error."""
    return name[:name.rindex("Backward")] if "Backward" in name else name


class _Hooks:
    """The hooks of one node, in the order the engine runs them."""

    def __init__(self):
        self.tensor = []  # (output index, fn) from Tensor.register_hook
        self.retain = {}  # output index -> weak reference to a tensor with retain_grad()
        self.pre = []
        self.post = []


def _hooks(node):
    if node._hooks is None:
        node._hooks = _Hooks()
    return node._hooks


class _Handle:
    def __init__(self, hooks, fn):
        hooks.append(fn)
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


class AccumulateGrad(Node):
    """The end of the graph for a leaf tensor: adds the gradient into ``variable.grad``.

    A leaf has one such node for its lifetime. The node refers to its leaf weakly: a
    leaf nobody holds any more has no ``.grad`` anyone could read."""

    _owned = False  # whether the gradient waiting for this node is a new array the engine may hand over

    def __init__(self, variable):
        self._ref = weakref.ref(variable)

    @property
    def variable(self):
        """The leaf tensor this node accumulates into (None once nothing holds it)."""
        return self._ref()

    def name(self):
        """The node's name, ``torch::autograd::AccumulateGrad``."""
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def backward(self, grad):
        """Add ``grad`` into the leaf's ``.grad``."""
        var = self._ref()
        if var is not None:
            accumulate_into(var, grad)
        return ()


def accumulate_into(t, grad, owned=False):
    """``t.grad += grad``, creating ``t.grad`` on first use. An ``owned`` gradient is a new array
    nothing else refers to: it becomes ``t.grad`` as it is, where others are copied (the engine
    may hand one array to several consumers)."""
    if _is_tensor(grad):  # create_graph: the sum keeps grad's graph
        t.grad = grad if t.grad is None else t.grad + grad
    elif t.grad is None:
        t.grad = _new_tensor(grad if owned and grad.flags.c_contiguous else grad.copy())
    else:
        g = t.grad
        g._data += grad
        g._version[0] += 1


def _is_tensor(x):
    return hasattr(x, "grad_fn")


def _as_tensor(x):
    return x if x is None or _is_tensor(x) else _new_tensor(x)


def _new_tensor(array):
    """Wrap a gradient array; NumPy gives 0-dim results as scalars, which become 0-dim arrays."""
    return Tensor._wrap(np.asarray(array) if isinstance(array, np.generic) else array)


def accumulator(t):
    """The leaf's AccumulateGrad node, made on first use and kept by the tensor."""
    acc = t._accumulator
    if acc is None:
        acc = t._accumulator = AccumulateGrad(t)
    return acc


def edge(t):
    """The (node, output index) a gradient for tensor ``t`` flows into, or None."""
    if t.grad_fn is not None:
        return t.grad_fn, t._out_idx
    if t.requires_grad:
        return accumulator(t), 0
    return None


def connect(node, inputs):
    """Link ``node`` to the nodes of its inputs (Tensors; None or constants for the others); note their
    shapes and dtypes, and the versions of the ones forward saved as arrays (to detect in-place changes
    before backward). One loop: it runs for every op that records."""
    saved = node._saved
    edges, meta, versions = [], [], []
    for t in inputs:
        if not isinstance(t, Tensor):
            edges.append(None)
            meta.append(None)
            continue
        data = t._data
        fn = t.grad_fn
        edges.append((fn, t._out_idx) if fn is not None else (accumulator(t), 0) if t.requires_grad else None)
        meta.append((data.shape, data.dtype))
        if saved is not None:
            for s in saved:
                if s is data:
                    versions.append((t._version, t._version[0], t, data))
                    break
    node.next_functions = tuple(edges)
    node._meta = tuple(meta)
    if saved is not None:
        node._versions = versions


def register_tensor_hook(t, fn):
    """``Tensor.register_hook``: ``fn(grad)`` runs when the gradient of ``t`` is computed."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node, idx = edge(t)
    return _Handle(_hooks(node).tensor, (idx, fn))


def retain_grad(t):
    """``Tensor.retain_grad``: keep the gradient of a non-leaf in its ``.grad``."""
    if t.grad_fn is None:
        if not t.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        return  # a leaf keeps its gradient anyway
    _hooks(t.grad_fn).retain[t._out_idx] = weakref.ref(t)
    t._retains = True


class _Volatile:
    """Legacy ``Variable(x, volatile=True)``: an op with a volatile input records no graph and
    gives volatile results. ``used`` stays False until the first volatile tensor is made, so
    programs that never make one pay a single attribute read per op."""

    used = False

    def among(self, inputs):
        return any(getattr(t, "_volatile", False) for t in inputs)

    def mark(self, tensors):
        for t in tensors:
            t._volatile = True
        return tensors


volatile = _Volatile()


def sum_to(g, shape):
    """Reduce a broadcast gradient back to ``shape``: the one place broadcasting is undone."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


# ------------------------------------------------------------------------ the engine


class _Anomaly:
    enabled = False  # process-wide, as in PyTorch


anomaly = _Anomaly()


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None):
    """Propagate ``grads`` from the ``roots`` tensors through the graph into the leaves' ``.grad``.

    With ``inputs`` (tensors) only the part of the graph leading to them runs, nothing
    is accumulated, and the gradients reaching them are returned (None where none did)."""
    start = [(edge(t), g) for t, g in zip(roots, grads)]
    deps = _count_deps([node for (node, _), _ in start])
    targets = run = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            targets.setdefault(edge(t), []).append(i)
        run = _leading_to({node for node, _ in targets}, [node for (node, _), _ in start], deps)
        results = [None] * len(inputs)

    buffers = {}
    for (node, idx), g in start:
        _add(buffers, node, idx, g)
        node._owned = False
    ready = [node for node in {id(n): n for (n, _), _ in start}.values() if node not in deps]
    check_nan = anomaly.enabled
    # the plain case (no hooks, no anomaly mode, no create_graph, no inputs=) skips the general
    # bookkeeping node by node: it is what every training step runs
    plain = not (check_nan or create_graph or targets is not None)
    prev_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            outs = buffers.pop(node, None)
            if plain and node._hooks is None and outs is not None:
                if type(node) is AccumulateGrad:
                    var = node._ref()
                    if var is not None:
                        accumulate_into(var, outs[0], node._owned)
                    node._owned = False
                    continue
                in_grads = _call_plain(node, outs)
                fresh = node.fresh_grads
                if not retain_graph:
                    node.release()
            else:
                in_grads, fresh = None, False
                if outs is not None:  # else no gradient reached it: it only passes the dependency counts on
                    if node._hooks is not None:
                        outs = _tensor_hooks(node, outs, create_graph)
                    if targets is not None:
                        for k, g in enumerate(outs):
                            for i in targets.get((node, k), ()):
                                results[i] = g
                    if run is None or node in run:
                        in_grads = _call(node, outs, create_graph, check_nan)
                        if not retain_graph:
                            node.release()
            for k, nxt in enumerate(node.next_functions):
                if nxt is None:
                    continue
                n = nxt[0]
                if in_grads is not None and in_grads[k] is not None:
                    # a gradient that is a sum, or a new array from a fresh_grads node, can be handed over
                    n._owned = _add(buffers, n, nxt[1], in_grads[k]) or fresh
                left = deps[n] - 1
                deps[n] = left
                if left == 0:
                    ready.append(n)
    finally:
        grad_mode.state.enabled = prev_mode
    return results if inputs is not None else None


def _count_deps(roots):
    """How many edges lead into each node reachable from ``roots``."""
    deps = {}
    stack = list(roots)
    while stack:
        for nxt in stack.pop().next_functions:
            if nxt is None:
                continue
            n = nxt[0]
            if n in deps:
                deps[n] += 1
            else:
                deps[n] = 1
                stack.append(n)
    return deps


def _leading_to(targets, roots, deps):
    """The nodes from which some target node can be reached: the ones worth running."""
    order, left = [], dict(deps)
    ready = [n for n in {id(n): n for n in roots}.values() if n not in left]
    while ready:  # a topological order, roots first
        node = ready.pop()
        order.append(node)
        for nxt in node.next_functions:
            if nxt is not None:
                left[nxt[0]] -= 1
                if left[nxt[0]] == 0:
                    ready.append(nxt[0])
    run = set()
    for node in reversed(order):
        if any(nxt is not None and (nxt[0] in run or nxt[0] in targets) for nxt in node.next_functions):
            run.add(node)
    return run


def _add(buffers, node, idx, g):
    """Put gradient ``g`` into ``node``'s slot ``idx``, summing with one already there; True if summed."""
    slot = buffers.get(node)
    if slot is None:
        slot = buffers[node] = [None] * node.n_outputs
    if slot[idx] is None:
        slot[idx] = g
        return False
    slot[idx] = slot[idx] + g
    return True


def _tensor_hooks(node, outs, create_graph):
    """Tensor hooks, then retained grads, as PyTorch orders them. They run whenever a gradient
    reaches the node, even one autograd.grad only captures. Hooks see Tensors; what they
    return replaces the gradient."""
    hooks = node._hooks
    outs = list(outs)
    for idx, fn in hooks.tensor:
        if outs[idx] is not None:
            new = fn(_as_tensor(outs[idx]))
            if new is not None:
                outs[idx] = new if create_graph else new._data
    for idx, ref in hooks.retain.items():
        t = ref()
        if t is not None and t.grad_fn is node and outs[idx] is not None:
            accumulate_into(t, outs[idx])
    return outs


def _call_plain(node, outs):
    """``_call`` for a node without hooks, outside anomaly mode and create_graph."""
    return _fitted(node, node.backward(*_materialized(node, outs)))


def _call(node, outs, create_graph, check_nan):
    """Run one node's backward (between its pre- and post-hooks) and fit each gradient to
    its input's shape and dtype."""
    hooks = node._hooks
    if hooks is not None:
        for fn in hooks.pre:
            new = fn(tuple(_as_tensor(g) for g in outs))
            if new is not None:
                outs = [n if create_graph or n is None else n._data for n in new]
    outs = _materialized(node, outs)
    if create_graph:
        node.create_graph = True
        try:
            grads = node.backward(*[_as_tensor(g) for g in outs])
        finally:
            node.create_graph = False
    else:
        grads = node.backward(*outs)
    grads = _fitted(node, grads)
    if hooks is not None and hooks.post:
        for fn in hooks.post:
            new = fn(tuple(_as_tensor(g) for g in grads), tuple(_as_tensor(g) for g in outs))
            if new is not None:
                grads = tuple(n if create_graph or n is None else n._data for n in new)
    if check_nan:
        _check_nan(node, grads)
    return grads


def _materialized(node, outs):
    """The gradients of a node's outputs, zeros standing in for outputs no gradient reached."""
    if node.n_outputs > 1 and node._materialize and any(g is None for g in outs):
        like = next((g for g in outs if g is not None), None)
        xp = get_array_module(getattr(like, "_data", like))
        return [g if g is not None else None if node._out_meta[k][0] is None else xp.zeros(*node._out_meta[k])
                for k, g in enumerate(outs)]
    return outs


def _fitted(node, grads):
    """What a node's backward returned, one gradient per input: none for inputs that need none, the
    others fit to their input's shape and dtype."""
    if type(grads) is not tuple:
        grads = (grads,)
    meta = node._meta
    if meta is None:
        return grads
    if len(grads) != len(meta):
        raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients (expected "
                           f"{len(meta)}, got {len(grads)})")
    return tuple([None if g is None or e is None else g if g.shape == m[0] and g.dtype == m[1] else
                  _conform(g, m) for g, m, e in zip(grads, meta, node.next_functions)])


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        data = getattr(g, "_data", g)
        if data is not None and data.dtype.kind == "f" and (data != data).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _conform(g, meta):
    """Gradients take the shape and dtype of the input they belong to."""
    shape, dt = meta
    if g.shape != shape:
        g = sum_to(g, shape)
    if _is_tensor(g):
        if g._data.dtype != dt:
            g = g.to(from_np(dt))
    elif g.dtype != dt:
        if g.dtype.kind == "c" and dt.kind != "c":  # a real input takes the real part of a complex gradient
            g = g.real
        g = g.astype(dt)
    return g
