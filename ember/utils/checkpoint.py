"""``ember.utils.checkpoint``: activation checkpointing.

``checkpoint(fn, *args)`` runs ``fn`` without recording a graph, keeping only its inputs;
backward runs ``fn`` again (with the random-number state it first saw, so dropout masks
repeat) and backpropagates through that recomputation. Memory for the activations inside
``fn`` is traded for a second forward. Both of PyTorch's variants (``use_reentrant``
True or False) are accepted and computed this way; gradients reach the parameters ``fn``
uses as they would without checkpointing.
"""
import warnings

from .. import _arraylib as B
from ..autograd import Function, backward, enable_grad, no_grad
from .._tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]


class CheckpointFunction(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = B.get_rng_state() if preserve_rng_state else None
        ctx.inputs = args
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        saved = iter(ctx.saved_tensors)
        inputs = []
        for a in ctx.inputs:
            if isinstance(a, Tensor):
                t = next(saved).detach()
                t.requires_grad_(a.requires_grad)
                inputs.append(t)
            else:
                inputs.append(a)
        rng_now = B.get_rng_state()
        if ctx.rng_state is not None:
            B.set_rng_state(ctx.rng_state)
        try:
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            B.set_rng_state(rng_now)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if pairs:
            backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(t.grad if isinstance(t, Tensor) and t.requires_grad else None for t in inputs)


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default", debug=False,
               preserve_rng_state=True, **kwargs):
    """``function(*args)`` computed without keeping its activations; backward runs it again (with the random
    state it first saw when ``preserve_rng_state``). Both ``use_reentrant`` variants work this one way;
    ``context_fn``, ``determinism_check`` and ``debug`` are accepted and ignored."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", stacklevel=2)
    if kwargs and use_reentrant is not False:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if kwargs:
        def run(*inputs):
            return function(*inputs, **kwargs)
    else:
        run = function
    if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None")
    return CheckpointFunction.apply(run, preserve_rng_state, *args)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run ``functions`` (a Sequential or a list of modules) in ``segments`` checkpointed chunks; the last
    chunk runs normally, as in PyTorch."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. Starting in PyTorch 2.9, calling checkpoint_sequential without use_reentrant "
                      "will raise an exception. use_reentrant=False is recommended.", stacklevel=2)
        use_reentrant = True
    functions = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = len(functions) // segments
    end = -1

    def run_range(start, stop):
        def forward(x):
            for f in functions[start:stop + 1]:
                x = f(x)
            return x
        return forward

    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run_range(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run_range(end + 1, len(functions) - 1)(input)
