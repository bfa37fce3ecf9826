"""``ember.nn.functional``: the stateless side of ``ember.nn`` (PyTorch's ``torch.nn.functional``).

The ops themselves live in ``ember._ops.nn_*``; this module gathers them under
PyTorch's names and adds the few functions that are compositions of other ops.
"""
import warnings

import numpy as np

from .. import _arraylib as B
from .._ops.nn_activation import (celu, celu_, elu, elu_, gelu, hardtanh, hardtanh_, leaky_relu, leaky_relu_,
                                  logsigmoid, relu, relu6, relu_, selu, selu_, silu, softplus)
from .._ops.nn_loss import cross_entropy, nll_loss
from .._ops.nn_loss_elementwise import (binary_cross_entropy, binary_cross_entropy_with_logits, huber_loss, kl_div,
                                        l1_loss, mse_loss, smooth_l1_loss)
from .._ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .._ops.embedding import embedding
from .._ops.nn_ops import bilinear, dropout, linear, log_softmax, pad, softmax
from .._ops.normalization import batch_norm, group_norm, layer_norm
from .._ops.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
                            avg_pool1d, avg_pool2d, max_pool1d, max_pool2d)
from .._ops.interpolate import interpolate
from ._attention import multi_head_attention_forward, scaled_dot_product_attention
from ._functional_3d import *  # noqa: F401,F403
from ._functional_3d import __all__ as _3d_all
from ._functional_activation import *  # noqa: F401,F403
from ._functional_activation import __all__ as _activation_all
from ._functional_embedding_bag import embedding_bag
from ._functional_layers import *  # noqa: F401,F403
from ._functional_layers import __all__ as _layers_all
from ._functional_loss import *  # noqa: F401,F403
from ._functional_fractional import *  # noqa: F401,F403
from ._functional_fractional import __all__ as _fractional_all
from ._functional_sampling import *  # noqa: F401,F403
from ._functional_sampling import __all__ as _sampling_all
from ._functional_loss import __all__ as _loss_all
from .._tensor import Tensor

__all__ = [
    "linear", "bilinear", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_",
    "celu", "celu_", "gelu", "sigmoid", "tanh", "hardtanh", "hardtanh_", "softplus", "silu", "logsigmoid", "softmax",
    "softmin", "log_softmax", "dropout", "dropout1d", "dropout2d", "dropout3d", "cross_entropy", "nll_loss",
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "one_hot", "normalize", "pad",
]
__all__ += [
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d",
    "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "batch_norm", "layer_norm", "group_norm", "embedding", "interpolate", "upsample", "upsample_nearest",
    "upsample_bilinear",
]
__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward", "embedding_bag"] + _fractional_all
__all__ += _activation_all + _layers_all + _loss_all + _sampling_all + _3d_all


def sigmoid(input):
    """Logistic sigmoid of ``input``, elementwise (the same as :func:`ember.sigmoid`)."""
    return input.sigmoid()


def tanh(input):
    """Hyperbolic tangent of ``input``, elementwise (the same as :func:`ember.tanh`)."""
    return input.tanh()


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """Softmax of ``-input`` along ``dim``: the smallest entries get the largest weights."""
    return softmax(-input, dim, _stacklevel + 1, dtype)


def _channel_note(name, spatial):
    return (f"Note that {name} exists to provide channel-wise dropout on inputs with {spatial} spatial "
            f"dimension{'s' if spatial > 1 else ''}, a channel dimension, and an optional batch dimension (i.e. "
            f"{spatial + 1}D or {spatial + 2}D inputs).")


def _deprecated_rank(name, input, spatial):
    """PyTorch's feature dropouts accept other ranks with a warning, dropping along the first two dims."""
    warnings.warn(f"{name}: Received a {input.ndim}-D input to {name}, which is deprecated and will result in an "
                  "error in a future release. To retain the behavior and silence this warning, please use dropout "
                  f"instead. {_channel_note(name, spatial)}", stacklevel=3)
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) inputs."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. "
                           f"{_channel_note('dropout1d', 1)}")
    return dropout(input, p, training, inplace, feature_dims=1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) inputs; 3-D inputs are taken as (N, C, L), as PyTorch does."""
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
        return dropout(input, p, training, inplace, feature_dims=1)
    if input.ndim != 4:
        _deprecated_rank("dropout2d", input, 2)
    return dropout(input, p, training, inplace, feature_dims=input.ndim - 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs."""
    if input.ndim not in (4, 5):
        _deprecated_rank("dropout3d", input, 3)
    if input.ndim == 5:
        return dropout(input, p, training, inplace, feature_dims=3)
    # unbatched: the first dim is the channel, every later one is dropped with it
    return dropout(input, p, training, inplace, feature_dims=input.ndim - 1)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot rows for class indices; ``num_classes=-1`` takes max + 1."""
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size:
        if t.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if t.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = np.arange(num_classes) if type(t) is np.ndarray else B.xp_for(tensor.device).arange(num_classes)
    return Tensor._wrap((t[..., None] == classes).astype(np.int64))


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p along dim, eps)``."""
    result = input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is not None:
        out.copy_(result)
        return out
    return result


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated name of :func:`ember.nn.functional.interpolate` (warns, then calls it)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: nearest-neighbour :func:`ember.nn.functional.interpolate` (warns, then calls it)."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: bilinear :func:`ember.nn.functional.interpolate` with ``align_corners=True`` (warns, then
    calls it)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
