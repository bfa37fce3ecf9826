"""``ember.special``: PyTorch's ``torch.special`` namespace.

The functions live in the op library (``ember._ops.special``, ``special_binary``); this
module gathers them under torch.special's names, with the aliases PyTorch keeps there
(``expit`` for sigmoid, ``gammaln`` for lgamma, ``psi`` for digamma, ...).
"""
from .. import _ops
from .._ops import special as _unary, special_binary as _binary, special_polynomials as _polynomials

_F = _ops.FUNCTIONS
erf, erfc, erfinv, exp2, expm1, log1p, sinc, digamma, polygamma, i0, xlogy, logit, logsumexp = (
    _F[n] for n in ("erf", "erfc", "erfinv", "exp2", "expm1", "log1p", "sinc", "digamma", "polygamma", "i0",
                    "xlogy", "logit", "logsumexp"))
expit = _F["sigmoid"]
globals().update(_unary.SPECIAL, **_binary.SPECIAL, **_polynomials.SPECIAL)


def round(input, decimals=0, *, out=None):
    """Each element rounded to ``decimals`` decimal places (halves to even); :func:`ember.round` with a positional
    ``decimals``."""
    return _F["round"](input, decimals=decimals, out=out)


def softmax(input, dim, *, dtype=None):
    """Softmax of ``input`` along ``dim``: :func:`ember.softmax` with ``dim`` required."""
    return _F["softmax"](input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """Logarithm of the softmax along ``dim``: :func:`ember.log_softmax` with ``dim`` required."""
    return _F["log_softmax"](input, dim, dtype=dtype)


__all__ = sorted(n for n in globals() if not n.startswith("_"))
