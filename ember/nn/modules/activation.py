"""Activation layers: thin Modules over ``nn.functional``."""
from .. import functional as F
from .activation_extra import (GLU, Hardshrink, Hardsigmoid, Hardswish, Mish, PReLU, RReLU,  # noqa: F401
                               Softmax2d, Softshrink, Softsign, Tanhshrink, Threshold)
from .attention import MultiheadAttention  # noqa: F401 - where torch.nn.modules.activation has it
from .module import Module


class _Inplace(Module):
    """An activation with an ``inplace`` flag, printed as PyTorch prints it."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_Inplace):
    """Rectified linear unit, ``max(x, 0)``, applied elementwise; ``inplace=True`` overwrites the input."""
    def forward(self, input):
        return F.relu(input, self.inplace)


class ReLU6(_Inplace):
    """ReLU capped at six, ``min(max(x, 0), 6)``, elementwise; ``inplace`` overwrites the input."""
    def forward(self, input):
        return F.relu6(input, self.inplace)


class SELU(_Inplace):
    """Scaled ELU with the fixed self-normalising constants (alpha about 1.6733, scale about 1.0507);
    ``inplace`` overwrites the input."""
    def forward(self, input):
        return F.selu(input, self.inplace)


class SiLU(_Inplace):
    """Sigmoid-weighted linear unit (swish), ``x * sigmoid(x)``; ``inplace`` overwrites the input."""
    def forward(self, input):
        return F.silu(input, self.inplace)


class LeakyReLU(Module):
    """``x`` where positive and ``negative_slope * x`` elsewhere (default slope 0.01); ``inplace`` overwrites
    the input."""
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere; ``inplace`` overwrites
    the input."""
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    """Continuously differentiable ELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``; takes ELU's
    ``alpha`` and ``inplace``."""
    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class GELU(Module):
    """Gaussian error linear unit, ``x * Phi(x)`` with ``Phi`` the standard normal CDF; ``approximate='tanh'``
    uses the tanh approximation instead of the exact erf form."""
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``, elementwise."""
    def forward(self, input):
        return input.sigmoid()


class Tanh(Module):
    """Hyperbolic tangent, elementwise."""
    def forward(self, input):
        return input.tanh()


class LogSigmoid(Module):
    """Logarithm of the sigmoid, ``-softplus(-x)``, computed without overflow."""
    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    """Smooth ReLU, ``log(1 + exp(beta * x)) / beta``; where ``beta * x`` exceeds ``threshold`` it returns ``x``."""
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """Clamps the input to ``[min_val, max_val]`` (default ``[-1, 1]``); ``inplace`` overwrites the input."""
    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if min_val > max_val:
            raise ValueError("min_val cannot be greater than max_val")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class _Softmax(Module):
    """Softmax, LogSoftmax and Softmin: a ``dim`` (None picks PyTorch's legacy implicit dim)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        self.__dict__.setdefault("dim", None)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_Softmax):
    """Softmax along ``dim``: exponentials normalised to sum to one over that dimension."""
    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_Softmax):
    """Logarithm of the softmax along ``dim``, computed stably (the input minus its log-sum-exp)."""
    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmin(_Softmax):
    """Softmax of the negated input along ``dim``: small values get the large weights."""
    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)
