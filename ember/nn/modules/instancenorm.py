"""Instance normalisation: each sample's channels normalised over their own spatial extent."""
import warnings

from .. import functional as F
from .batchnorm import _NormBase


class _InstanceNorm(_NormBase):
    _spatial = 1

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)

    def forward(self, input):
        unbatched = self._spatial + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise ValueError(f"expected {unbatched}D or {unbatched + 1}D input (got {input.dim()}D input)")
        channel = 0 if input.dim() == unbatched else 1
        if input.shape[channel] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={channel} to match num_features "
                                 f"({self.num_features}), but got: {input.shape[channel]}.")
            warnings.warn(f"input's size at dim={channel} does not match num_features. You can silence this warning "
                          "by not passing in num_features, which is not used because affine=False", stacklevel=2)
        x = input.unsqueeze(0) if channel == 0 else input
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if channel == 0 else out


class InstanceNorm1d(_InstanceNorm):
    """Normalises each channel of each sample of ``(N, C, L)`` or ``(C, L)`` inputs over its length; ``affine``
    adds a learned scale and shift, ``track_running_stats`` keeps running averages for eval (both off by default)."""
    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Normalises each channel of each sample of ``(N, C, H, W)`` or ``(C, H, W)`` inputs over its plane;
    ``affine`` and ``track_running_stats`` as in InstanceNorm1d."""
    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Normalises each channel of each sample of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` inputs over its
    volume; ``affine`` and ``track_running_stats`` as in InstanceNorm1d."""
    _spatial = 3
