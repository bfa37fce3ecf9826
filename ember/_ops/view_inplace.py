"""The in-place view methods (``t_``, ``transpose_``, ``swapaxes_``, ``swapdims_``, ``squeeze_``,
``unsqueeze_``, ``as_strided_``): the tensor itself takes the view's shape and strides over
the same memory, and its history becomes the view's."""
from ..autograd import grad_mode


def _in_place_view(method):
    def function(self, *args, **kwargs):
        if grad_mode.state.enabled and self.requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        view = getattr(self, method)(*args, **kwargs)
        self._data = view._data
        if view.grad_fn is not None:
            self.grad_fn, self._out_idx = view.grad_fn, 0
        self._version[0] += 1
        return self

    function.__name__ = function.__qualname__ = method + "_"
    function.__doc__ = (f"In-place form of :meth:`ember.Tensor.{method}`: the tensor itself takes the view's shape "
                        "and strides over its memory, and returns itself.")
    return function


TENSOR_METHODS = {name + "_": _in_place_view(name)
                  for name in ("t", "transpose", "swapaxes", "swapdims", "squeeze", "unsqueeze", "as_strided")}
FUNCTIONS = {"as_strided_": TENSOR_METHODS["as_strided_"]}
