"""Lazy modules: layers whose input size is read from the first input they see.

A lazy layer holds ``UninitializedParameter``s until its first call; a forward pre-hook then
materialises them from the input's shape, initialises them as the ordinary layer would, and turns
the module into that layer (``cls_to_become``), as PyTorch's LazyModuleMixin does.
"""
from ..._tensor import tensor
from ..parameter import UninitializedBuffer, UninitializedParameter
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .linear import Linear


class LazyModuleMixin:
    cls_to_become = None

    def _lazy_setup(self):
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters)

    def has_uninitialized_params(self):
        tensors = list(self._parameters.values()) + list(self._buffers.values())
        return any(isinstance(t, (UninitializedParameter, UninitializedBuffer)) for t in tensors)

    @staticmethod
    def _infer_parameters(module, args):
        module.initialize_parameters(*args)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _materialize(self, names, shape, device_dtype_of):
        for name in names:
            t = getattr(self, name)
            if isinstance(t, (UninitializedParameter, UninitializedBuffer)):
                t.materialize(shape, dtype=device_dtype_of.dtype)


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose ``in_features`` is the last dim of its first input."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Linear.__init__(self, 0, 0, False)
        self.out_features = out_features
        self.weight = UninitializedParameter()
        if bias:
            self.bias = UninitializedParameter()
        self._lazy_setup()

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            Linear.reset_parameters(self)

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            self._materialize(["weight"], (self.out_features, self.in_features), input)
            self._materialize(["bias"], (self.out_features,), input)
            self.reset_parameters()


def _lazy_conv(base):
    class LazyConv(LazyModuleMixin, base):
        cls_to_become = base

        def _lazy_init(self, out_channels, groups, bias, **conv_args):
            # a stand-in of one input channel per group, replaced by the first input's channels
            base.__init__(self, groups, groups * out_channels if base._transposed else out_channels, groups=groups,
                          bias=False, **conv_args)
            self.in_channels, self.out_channels = 0, out_channels
            self.weight = UninitializedParameter()
            if bias:
                self.bias = UninitializedParameter()
            self._lazy_setup()

        def reset_parameters(self):
            if not self.has_uninitialized_params() and self.in_channels != 0:
                base.reset_parameters(self)

        def initialize_parameters(self, input, *args):
            if self.has_uninitialized_params():
                self.in_channels = input.shape[1 if input.dim() == self._dims + 2 else 0]
                if self.in_channels % self.groups:
                    raise ValueError("in_channels must be divisible by groups")
                shape = ((self.in_channels, self.out_channels // self.groups) if self.transposed
                         else (self.out_channels, self.in_channels // self.groups))
                self._materialize(["weight"], shape + tuple(self.kernel_size), input)
                self._materialize(["bias"], (self.out_channels,), input)
                self.reset_parameters()

    if base._transposed:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                     dilation=1, padding_mode="zeros", device=None, dtype=None):
            self._lazy_init(out_channels, groups, bias, kernel_size=kernel_size, stride=stride, padding=padding,
                            output_padding=output_padding, dilation=dilation, padding_mode=padding_mode,
                            dtype=dtype)
    else:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            self._lazy_init(out_channels, groups, bias, kernel_size=kernel_size, stride=stride, padding=padding,
                            dilation=dilation, padding_mode=padding_mode, dtype=dtype)
    LazyConv.__init__ = __init__
    LazyConv.__name__ = LazyConv.__qualname__ = "Lazy" + base.__name__
    LazyConv.__doc__ = (f"A :class:`ember.nn.{base.__name__}` whose ``in_channels`` is read from its first input, "
                        f"after which it becomes a plain {base.__name__}.")
    return LazyConv


LazyConv1d = _lazy_conv(Conv1d)
LazyConv2d = _lazy_conv(Conv2d)
LazyConv3d = _lazy_conv(Conv3d)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d)


def _lazy_norm(base):
    class LazyNorm(LazyModuleMixin, base):
        cls_to_become = base

        def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None):
            base.__init__(self, 0, eps, momentum, False, False)
            self.affine, self.track_running_stats = affine, track_running_stats
            if affine:
                self.weight, self.bias = UninitializedParameter(), UninitializedParameter()
            if track_running_stats:
                self.running_mean, self.running_var = UninitializedBuffer(), UninitializedBuffer()
                self.num_batches_tracked = tensor(0)
            self._lazy_setup()

        def reset_parameters(self):
            if not self.has_uninitialized_params() and self.num_features != 0:
                base.reset_parameters(self)

        def initialize_parameters(self, input):
            if self.has_uninitialized_params():
                self.num_features = input.shape[1]  # as PyTorch reads it, unbatched instance-norm input too
                self._materialize(["weight", "bias", "running_mean", "running_var"], (self.num_features,), input)
                self.reset_parameters()

    LazyNorm.__name__ = LazyNorm.__qualname__ = "Lazy" + base.__name__
    LazyNorm.__doc__ = (f"A :class:`ember.nn.{base.__name__}` whose ``num_features`` is read from its first input "
                        f"(dim 1), after which it becomes a plain {base.__name__}.")
    return LazyNorm


LazyBatchNorm1d = _lazy_norm(BatchNorm1d)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d)
