"""More activation layers (PReLU, RReLU, Mish, Hardswish, ..., Softmax2d); ``activation.py`` re-exports them
under torch.nn.modules.activation's names."""
from ..._ops.creation import empty
from .. import functional as F
from ..parameter import Parameter
from .module import Module


class _InplaceFlag(Module):
    """An activation with an ``inplace`` flag that PyTorch leaves out of its repr."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class Hardswish(_InplaceFlag):
    """Piecewise-linear swish, ``x * relu6(x + 3) / 6``; ``inplace`` overwrites the input."""
    def forward(self, input):
        return F.hardswish(input, self.inplace)


class Hardsigmoid(_InplaceFlag):
    """Piecewise-linear sigmoid, ``relu6(x + 3) / 6``; ``inplace`` overwrites the input."""
    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Mish(_InplaceFlag):
    """Mish, ``x * tanh(softplus(x))``, elementwise; ``inplace`` overwrites the input."""
    def forward(self, input):
        return F.mish(input, self.inplace)


class _Lambd(Module):
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def extra_repr(self):
        return f"{self.lambd}"


class Hardshrink(_Lambd):
    """Keeps entries with ``abs(x) > lambd`` (default 0.5) and zeroes the rest."""
    def forward(self, input):
        return F.hardshrink(input, self.lambd)


class Softshrink(_Lambd):
    """Moves entries toward zero by ``lambd`` (default 0.5), zeroing those within ``lambd`` of it."""
    def forward(self, input):
        return F.softshrink(input, self.lambd)


class Softsign(Module):
    """``x / (1 + abs(x))``, elementwise."""
    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """``x - tanh(x)``, elementwise."""
    def forward(self, input):
        return F.tanhshrink(input)


class Threshold(Module):
    """Replaces every entry not greater than ``threshold`` with ``value``; ``inplace`` overwrites the input."""
    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """Gated linear unit: splits the input in two halves ``a, b`` along ``dim`` and returns ``a * sigmoid(b)``."""
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class PReLU(Module):
    """Leaky ReLU with a learned slope, one for all channels or one per channel (dim 1)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters, self.init = num_parameters, init
        super().__init__()
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        self.weight.data.fill_(self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomised leaky ReLU: in training each negative entry gets a slope drawn uniformly from
    ``[lower, upper]``; in eval the slope is their mean."""
    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class Softmax2d(Module):
    """Softmax over the channels of (N, C, H, W) or (C, H, W) inputs."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
