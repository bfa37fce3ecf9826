"""The autograd graph and the engine that walks it.

Every differentiable op result points (``grad_fn``) at a ``Node``. A node knows
the nodes of its inputs (``next_functions``: pairs ``(node, output_index)``) and
how to turn the gradient of its outputs into gradients of its inputs
(``backward``). Leaves that require grad end in an ``AccumulateGrad`` node that
adds into ``tensor.grad``.

The engine is iterative: it counts how many edges lead into each node, then
runs nodes whose count has dropped to zero, so graphs of any depth work and a
node runs once, after all its gradient contributions have been summed.
"""
import weakref

from .._backend import from_np
from . import grad_mode


class Node:
    """A recorded operation. Subclasses define ``backward(self, *grad_outputs)``
    returning one gradient (or None) per input."""

    next_functions = ()
    n_outputs = 1
    _saved = None  # arrays saved by forward; None once released or never saved
    _released = False

    def name(self):
        return getattr(type(self), "backward_name", None) or type(self).__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def needs_input_grad(self):
        return tuple(e is not None for e in self.next_functions)

    # -- saving values for backward ------------------------------------------------
    def save_for_backward(self, *values):
        self._saved = values

    @property
    def saved_tensors(self):
        if self._saved is None:
            if self._released:
                raise RuntimeError(
                    "Trying to backward through the graph a second time (or directly access saved tensors "
                    "after they have already been freed). Saved intermediate values of the graph are freed "
                    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                    "backward through the graph a second time or if you need to access saved tensors after "
                    "calling backward.")
            return ()
        if getattr(self, "_as_tensors", False):
            return tuple(self._tensor_of(v) for v in self._saved)
        return self._saved

    def _tensor_of(self, value):
        """In create_graph mode a saved array is handed back as the Tensor it came from,
        so that backward formulas record a graph through it."""
        for t in getattr(self, "_inputs", ()):
            if getattr(t, "_data", None) is value:
                return t
        out = getattr(self, "_out_ref", None)
        out = out() if out is not None else None
        if out is not None and out._data is value:
            return out
        return value

    def _check_versions(self):
        """Raise if a saved value was modified in place since forward (see ``Op``)."""

    def release(self):
        if self._saved is not None:
            self._saved = None
            self._released = True

    # -- hooks ---------------------------------------------------------------------
    def register_hook(self, fn):
        hooks = self.__dict__.setdefault("_post_hooks", [])
        hooks.append(fn)
        return _Handle(hooks, fn)

    def register_prehook(self, fn):
        hooks = self.__dict__.setdefault("_pre_hooks", [])
        hooks.append(fn)
        return _Handle(hooks, fn)


class _Handle:
    def __init__(self, hooks, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


class AccumulateGrad(Node):
    """The end of the graph for a leaf tensor: adds the gradient into ``variable.grad``."""

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def backward(self, grad):
        var = self.variable
        for hook in var._hooks or ():
            new = hook(_as_tensor(grad))
            if new is not None:
                grad = new if _is_tensor(grad) else new._data
        if _is_tensor(grad):  # create_graph: keep the graph of the gradient
            var.grad = grad if var.grad is None else var.grad + grad
        elif var.grad is None:
            var.grad = _new_tensor(grad.copy())  # the engine may hand one array to several leaves
        else:
            g = var.grad
            g._data += grad.astype(g._data.dtype, copy=False)
            g._version[0] += 1
        return ()


def _is_tensor(x):
    return hasattr(x, "grad_fn")


def _as_tensor(x):
    return x if _is_tensor(x) else _new_tensor(x)


def _new_tensor(array):
    from .._tensor import Tensor

    return Tensor._wrap(array)


def edge(t):
    """The (node, output index) a gradient for tensor ``t`` flows into, or None."""
    if t.grad_fn is not None:
        return t.grad_fn, t._out_idx
    if t.requires_grad:
        return AccumulateGrad(t), 0
    return None


def sum_to(g, shape):
    """Reduce a broadcast gradient back to ``shape``: the one place broadcasting is undone."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None, allow_unused=False):
    """Propagate ``grads`` from ``roots`` (tensors) through the graph.

    With ``inputs`` given (``autograd.grad``) the gradients reaching those tensors
    are returned instead of being accumulated into any ``.grad``."""
    start = []  # (edge, grad)
    for t, g in zip(roots, grads):
        e = edge(t)
        if e is None:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        start.append((e, g))

    capture = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            if t.grad_fn is None and not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture[(id(t.grad_fn), t._out_idx) if t.grad_fn is not None else id(t)] = i
        results = [None] * len(inputs)

    # 1. count the edges into every reachable node
    deps = {}
    stack = [e[0] for e, _ in start]
    seen = set(map(id, stack))
    while stack:
        node = stack.pop()
        for nxt in node.next_functions:
            if nxt is None:
                continue
            n = nxt[0]
            deps[n] = deps.get(n, 0) + 1
            if id(n) not in seen:
                seen.add(id(n))
                stack.append(n)

    # 2. run nodes as their inputs complete
    buffers = {}
    for (node, idx), g in start:
        _accumulate(buffers, node, idx, g)
    ready = [node for node in {id(n): n for (n, _), _ in start}.values() if deps.get(node, 0) == 0]
    prev_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            outs = buffers.pop(node)
            if capture is not None:
                if type(node) is AccumulateGrad:
                    i = capture.get(id(node.variable))
                    if i is not None:
                        results[i] = outs[0] if results[i] is None else results[i] + outs[0]
                    continue
                for k, g in enumerate(outs):
                    i = capture.get((id(node), k))
                    if i is not None:
                        results[i] = g
            in_grads = _call(node, outs, create_graph)
            if not retain_graph:
                node.release()
            for nxt, g in zip(node.next_functions, in_grads):
                if nxt is None:
                    continue
                n, idx = nxt
                if g is not None:
                    _accumulate(buffers, n, idx, g)
                deps[n] -= 1
                if deps[n] == 0:
                    if n in buffers:
                        ready.append(n)
                    else:  # no gradient arrived: release what it holds, skip it
                        _skip(n, deps, buffers, ready, retain_graph)
    finally:
        grad_mode.state.enabled = prev_mode

    if capture is None:
        return None
    for i, r in enumerate(results):
        if r is None and not allow_unused:
            raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                               "Set allow_unused=True if this is the desired behavior.")
    return results


def _skip(node, deps, buffers, ready, retain_graph):
    """A node no gradient reached still releases its inputs' dependency counts."""
    stack = [node]
    while stack:
        node = stack.pop()
        if not retain_graph:
            node.release()
        for nxt in node.next_functions:
            if nxt is None:
                continue
            n = nxt[0]
            deps[n] -= 1
            if deps[n] == 0:
                (ready.append(n) if n in buffers else stack.append(n))


def _accumulate(buffers, node, idx, g):
    slot = buffers.get(node)
    if slot is None:
        slot = buffers[node] = [None] * node.n_outputs
    slot[idx] = g if slot[idx] is None else slot[idx] + g


def _call(node, outs, create_graph):
    """Run one node's backward: hooks, saved-value checks, None -> zeros, shape/dtype fix-up."""
    pre = node.__dict__.get("_pre_hooks") if hasattr(node, "__dict__") else None
    if pre:
        for hook in pre:
            new = hook(*[_as_tensor(g) if g is not None else None for g in outs])
            if new is not None:
                outs = [n if create_graph else n._data for n in (new if isinstance(new, (tuple, list)) else (new,))]
    if node.n_outputs > 1 and None in outs:
        outs = [node._zeros_like_output(k) if g is None else g for k, g in enumerate(outs)]
    node._check_versions()
    if create_graph:
        node._as_tensors = True
        outs = [_as_tensor(g) for g in outs]
    grads = node.backward(*outs)
    if create_graph:
        node._as_tensors = False
    if type(grads) is not tuple:
        grads = (grads,)
    meta = getattr(node, "_meta", None)
    if meta is not None:
        grads = tuple(_conform(g, m) for g, m in zip(grads, meta))
    post = node.__dict__.get("_post_hooks") if hasattr(node, "__dict__") else None
    if post:
        for hook in post:
            hook(grads, outs)
    return grads


def _conform(g, meta):
    """Gradients take the shape and dtype of the input they belong to."""
    if g is None or meta is None:
        return g
    shape, dt = meta
    if g.shape != shape:
        g = sum_to(g, shape)
    if _is_tensor(g):
        if g._data.dtype != dt:
            g = g.to(from_np(dt))
    elif g.dtype != dt:
        g = g.astype(dt)
    return g


def output_ref(node, tensor):
    """Remember the node's output weakly (a strong reference would be a cycle)."""
    node._out_ref = weakref.ref(tensor)
