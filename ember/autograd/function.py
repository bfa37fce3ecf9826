"""``autograd.Function``: user-defined ops with their own forward and backward.

Each Function subclass gets a node class ``<Name>Backward``; one instance of it is
both the ``ctx`` that forward fills and the graph node that backward runs on, as
for Ember's own ops. Forward runs under ``no_grad``; backward receives and returns
Tensors and records a graph of its own when the engine runs with create_graph.
"""
import functools

from .._tensor import Tensor
from . import grad_mode
from .graph import Node, connect, sum_to


class FunctionCtx:
    """What ``forward`` (or ``setup_context``) may call on ``ctx``."""

    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (or None) for ``backward``, which reads them back as
        ``ctx.saved_tensors``."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument 0 is of type "
                                f"{type(t).__name__}")
        self._saved = tensors

    def mark_dirty(self, *tensors):
        """Declare inputs that forward modified in place."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that never carry a gradient (indices, masks)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """With False, backward gets None (not zeros) for outputs whose gradient is undefined."""
        self._materialize = bool(value)

    @property
    def saved_variables(self):
        """The older name of ``saved_tensors``."""
        return self.saved_tensors


class BackwardFunction(FunctionCtx, Node):
    """Base of the ``<Name>Backward`` node classes."""

    _forward_cls = None
    _dirty = ()
    _non_differentiable = ()
    needs_input_grad = ()  # one bool per forward argument, set by apply
    _tensor_args = ()  # positions of the forward arguments that are Tensors

    def name(self):
        """The node's name, ``<Function>Backward``."""
        return type(self).__name__

    @property
    def saved_tensors(self):
        """The tensors forward saved, checked for in-place changes since."""
        return self._check_saved()  # Tensors already, create_graph or not

    def backward(self, *grads):
        """Run the Function's ``backward`` on Tensors and check what it returns: one gradient
        (or None) per forward argument, each of its argument's shape."""
        if not self.create_graph:
            grads = tuple(None if g is None else Tensor._wrap(g) for g in grads)
        result = self._forward_cls.backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        n = len(self.needs_input_grad)
        if len(result) != n and not (len(result) > n and all(g is None for g in result[n:])):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected {n}, "
                               f"got {len(result)})")
        out = []
        for i, g in enumerate(result[:n]):
            if i not in self._tensor_args:
                if g is not None:
                    raise RuntimeError(f"function {self.name()} returned a gradient different than None at "
                                       f"position {i + 1}, but the corresponding forward input was not a Variable")
                continue
            if g is not None:
                if not isinstance(g, Tensor):
                    raise TypeError(f"function {self.name()} returned a gradient of type {type(g).__name__} at "
                                    f"position {i + 1}; expected a Tensor or None")
                self._check_shape(i, g)
                g = g if self.create_graph else g._data
            out.append(g)
        return tuple(out)

    def _check_shape(self, i, g):
        shape = self._meta[self._tensor_args.index(i)][0]
        if tuple(g.shape) != shape:
            try:
                sum_to(g._data, shape)
            except ValueError:
                raise RuntimeError(f"Function {self.name()} returned an invalid gradient at index {i} - got "
                                   f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``, then
    call ``MyFunction.apply(*args)``. ``forward(*args)`` with a separate
    ``setup_context(ctx, inputs, output)`` works too."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardFunction,), {"_forward_cls": cls})

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Compute the outputs from the arguments (run under ``no_grad``); override as a static
        method."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save what backward needs from ``inputs`` and ``output`` when ``forward`` does not
        take ``ctx``; override as a static method."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """The gradients with respect to forward's arguments (None for those without one), given those
        of its outputs; override as a static method."""
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the Function on ``args`` and, when any input tensor requires grad, record it in the graph."""
        ctx = cls._backward_cls()
        tensor_args = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        ctx._tensor_args = tensor_args
        record = grad_mode.state.enabled and any(args[i].requires_grad for i in tensor_args)
        ctx.needs_input_grad = tuple(record and isinstance(a, Tensor) and a.requires_grad for a in args)
        with grad_mode.no_grad():
            if cls.setup_context is Function.setup_context:
                output = cls.forward(ctx, *args, **kwargs)
            else:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
        outputs = output if isinstance(output, tuple) else (output,)
        if record:
            outputs = _connect(ctx, args, outputs)
        saved = ctx._saved
        if saved is not None:
            ctx._versions = [(t._version, t._version[0], t, t._data) for t in saved if t is not None]
        return outputs if isinstance(output, tuple) else outputs[0]


def _connect(ctx, args, outputs):
    """Record ``ctx`` as the grad_fn of the outputs."""
    tensors = [args[i] for i in ctx._tensor_args]
    for t in ctx._dirty:
        if t.grad_fn is None and t.requires_grad:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    connect(ctx, tensors)
    ctx.n_outputs = len(outputs)
    ctx._out_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else (None, None)
                          for o in outputs)
    dirty = {id(t) for t in ctx._dirty}
    non_diff = {id(t) for t in ctx._non_differentiable}
    inputs = {id(t) for t in tensors}
    result = []
    for k, o in enumerate(outputs):
        if isinstance(o, Tensor):
            if id(o) in inputs and id(o) not in dirty:
                # an input returned as it is: the output is a new tensor sharing its memory
                alias = Tensor._wrap(o._data)
                alias._version = o._version
                o = alias
            if id(o) not in non_diff and o._data.dtype.kind == "f":
                o.grad_fn, o._out_idx, o.requires_grad = ctx, k, True
            elif id(o) in non_diff:
                o.requires_grad = False
        result.append(o)
    return tuple(result)


def once_differentiable(fn):
    """Decorate a Function's backward that cannot itself be differentiated: it runs without
    recording, and differentiating its results (a second derivative) raises."""

    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            result = fn(ctx, *grads)
        if not grad_mode.state.enabled or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return result
        results = result if isinstance(result, tuple) else (result,)
        tied = _Twice.apply(len(results), *results, *grads)
        return tied if isinstance(result, tuple) else tied[0]

    return wrapper


class _Twice(Function):
    """Ties the results of a once_differentiable backward to its inputs; differentiating it raises."""

    @staticmethod
    def forward(ctx, n, *values):
        return values[:n]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")
