"""Pooling layers: max and average pooling over windows, and adaptive pooling to a fixed output size."""
from .. import functional as F
from .module import Module
# torch.nn.modules.pooling also holds these
from .pooling_extra import LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d  # noqa: F401


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window of ``kernel_size`` along the last dimension of ``(N, C, L)`` or ``(C, L)``
    inputs; ``return_indices=True`` also returns where each maximum came from."""
    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """The maximum of each (kh, kw) window of (N, C, H, W) inputs."""

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


def _single(v):
    return (v,) if isinstance(v, int) else tuple(v)


class AvgPool1d(Module):
    """The mean of each window of ``kernel_size`` along the last dimension of ``(N, C, L)`` or ``(C, L)``
    inputs; ``count_include_pad`` decides whether zero padding counts in the divisor."""
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        # PyTorch stores the 1-D pool's sizes as 1-tuples
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AvgPool2d(Module):
    """The mean of each (kh, kw) window of (N, C, H, W) inputs."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _AdaptivePool(Module):
    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        if self._with_indices:
            self.return_indices = return_indices

    def extra_repr(self):
        return f"output_size={self.output_size}"

    def forward(self, input):
        if self._with_indices:
            return self._pool(input, self.output_size, self.return_indices)
        return self._pool(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average pooling of ``(N, C, L)`` inputs to ``output_size`` positions, whatever the input length."""
    _with_indices, _pool = False, staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average pooling to a fixed (H_out, W_out), whatever the input size (None keeps that dim)."""

    _with_indices, _pool = False, staticmethod(F.adaptive_avg_pool2d)


class AdaptiveMaxPool1d(_AdaptivePool):
    """Max pooling of ``(N, C, L)`` inputs to ``output_size`` positions, whatever the input length;
    ``return_indices=True`` also returns the positions of the maxima."""
    _with_indices, _pool = True, staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptivePool):
    """Max pooling to a fixed ``(H_out, W_out)``, whatever the input size (None keeps that dim);
    ``return_indices=True`` also returns the positions of the maxima."""
    _with_indices, _pool = True, staticmethod(F.adaptive_max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """The maximum of each ``(kd, kh, kw)`` window of ``(N, C, D, H, W)`` inputs; ``return_indices=True`` also
    returns where each maximum came from."""
    def forward(self, input):
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class AvgPool3d(AvgPool2d):
    """The mean of each ``(kd, kh, kw)`` window of ``(N, C, D, H, W)`` inputs, with AvgPool2d's options."""
    def forward(self, input):
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool3d(_AdaptivePool):
    """Average pooling to a fixed ``(D_out, H_out, W_out)``, whatever the input size (None keeps that dim)."""
    _with_indices, _pool = False, staticmethod(F.adaptive_avg_pool3d)


class AdaptiveMaxPool3d(_AdaptivePool):
    """Max pooling to a fixed ``(D_out, H_out, W_out)``, whatever the input size (None keeps that dim);
    ``return_indices=True`` also returns the positions of the maxima."""
    _with_indices, _pool = True, staticmethod(F.adaptive_max_pool3d)
