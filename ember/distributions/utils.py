"""Helpers the distributions share: broadcasting parameters, probabilities and logits, and
properties computed once on first use."""
import functools
import numbers

import ember

euler_constant = 0.57721566490153286060


def broadcast_all(*values):
    """Tensors and numbers broadcast to one shape; numbers become tensors of the tensors' dtype
    (the default dtype when there are none)."""
    if not all(isinstance(v, (ember.Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    tensors = [v for v in values if isinstance(v, ember.Tensor)]
    dtype = tensors[0].dtype if tensors else ember.get_default_dtype()
    values = [v if isinstance(v, ember.Tensor) else ember.tensor(float(v), dtype=dtype) for v in values]
    return ember.broadcast_tensors(*values)


def _sum_rightmost(value, dim):
    """Sum out the ``dim`` rightmost dimensions."""
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1) if dim > 0 else value


def clamp_probs(probs):
    """``probs`` clamped into ``[eps, 1 - eps]`` (the dtype's machine epsilon), away from 0 and 1."""
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid when ``is_binary``, else softmax over the last dimension."""
    return ember.sigmoid(logits) if is_binary else ember.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (clamped first): log-odds when ``is_binary``, else their logarithms."""
    ps = clamp_probs(probs)
    return ember.log(ps) - ember.log1p(-ps) if is_binary else ember.log(ps)


class lazy_property(functools.cached_property):
    """A property computed on first access and then stored on the instance, so that a
    distribution given ``logits`` computes ``probs`` only when asked (and the other way round).

    It is a ``functools.cached_property`` so that documentation tools list it as a property; its own
    ``__get__`` computes the value with gradients enabled."""

    def __init__(self, wrapped):
        super().__init__(wrapped)
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def tril_matrix_to_vec(mat, diag=0):
    """The entries of ``mat`` on and below diagonal ``diag``, row by row, as a vector per matrix."""
    n = mat.shape[-1]
    rows, cols = ember.tril_indices(n, n, offset=diag)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of :func:`tril_matrix_to_vec`: a lower-triangular matrix (zeros elsewhere) from a vector."""
    n = int(round((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1]) ** 0.5) / 2))
    mat = vec.new_zeros(vec.shape[:-1] + (n, n))
    rows, cols = ember.tril_indices(n, n, offset=diag)
    mat[..., rows, cols] = vec
    return mat
