"""The op registry: what an op adds to Ember's API, declared once, above the op's class.

    @declare("exp", floating_function, ufunc="exp")
    class Exp(Op):
        def forward(ctx, a): ...
        def backward(ctx, g): ...

gives ``ember.exp`` and ``Tensor.exp`` (the function ``floating_function(Exp)`` makes),
``ember.exp_`` and ``Tensor.exp_`` (the in-place form it makes beside it), the names in
``aliases`` for both, and NumPy's ufunc ``exp`` mapped to ``ember.exp`` so that backward
formulas written with ``np.exp`` record a graph under ``create_graph``. ``grad_fn`` names
the node when PyTorch's name is not ``<Class>Backward0``. The op class's docstring, saying what
it computes, becomes the function's (the in-place form's is derived from it in ``_ops/__init__``).

``_ops/__init__`` attaches TENSOR_METHODS to Tensor and exports FUNCTIONS from ``ember``,
together with the TENSOR_METHODS/FUNCTIONS dicts of op families written before the registry.
"""
import inspect

FUNCTIONS = {}  # name -> function exported from ``ember``
TENSOR_METHODS = {}  # name -> Tensor method
UFUNCS = {}  # NumPy ufunc name -> name of the Ember function that differentiates it


def register(name, function, aliases=(), method=True, module=True):
    """Publish ``function`` as ``name`` (and ``aliases``): a Tensor method, an ``ember`` function, or both."""
    function.__name__ = function.__qualname__ = name
    for n in (name, *aliases):
        if method:
            TENSOR_METHODS[n] = function
        if module:
            FUNCTIONS[n] = function


def declare(name, make, *, aliases=(), inplace=True, ufunc=None, grad_fn=None, method=True, operators=()):
    """Class decorator declaring an op's API: ``make(op, name)`` returns its function and in-place form;
    ``operators`` are Tensor methods only (``__neg__``)."""

    def decorate(op):
        if grad_fn is not None:
            op.backward_name = grad_fn
        function, function_ = make(op, name)
        function.__doc__ = function.__doc__ or op.__doc__
        register(name, function, aliases, method=method)
        for dunder in operators:
            TENSOR_METHODS[dunder] = function
        if inplace:  # in-place forms are module functions in PyTorch too (torch.exp_)
            register(name + "_", function_, [a + "_" for a in aliases])
        if ufunc is not None:
            UFUNCS[ufunc] = name
        return op

    return decorate


def _acts_on_input(function):
    """Whether ``function`` is a function whose first argument is the tensor it works on, so that a
    method or in-place form taking that tensor first mirrors it."""
    if not inspect.isfunction(function):
        return False
    return next(iter(inspect.signature(function).parameters), None) == "input"


def derive_docstrings(functions, methods, namespace="ember"):
    """Point each in-place form in ``functions``/``methods`` (``exp_``) and each Tensor method in ``methods``
    that mirrors the function of its name in ``functions`` at that function, where they have no docstring."""
    for name, fn in [*functions.items(), *methods.items()]:
        if not inspect.isfunction(fn) or name.startswith("__") or (fn.__doc__ or "").strip():
            continue
        twin = functions.get(name)
        if twin is not None and twin is not fn and _acts_on_input(twin):
            fn.__doc__ = f"Method form of :func:`{namespace}.{name}`, with the tensor itself as ``input``."
        elif name.endswith("_") and _acts_on_input(functions.get(name[:-1])):
            fn.__doc__ = f"In-place form of :func:`{namespace}.{name[:-1]}`: modifies ``input`` and returns it."
