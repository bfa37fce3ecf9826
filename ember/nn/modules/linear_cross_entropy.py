"""``nn.LinearCrossEntropyLoss``: a final linear layer and cross-entropy as one loss module.

PyTorch computes it in chunks to save memory (``LinearCrossEntropyOptions``); Ember accepts the options
and computes the logits whole, through the fused linear and cross-entropy ops."""
import dataclasses
import math

from .. import functional as F
from .linear import Linear
from .module import Module


@dataclasses.dataclass
class LinearCrossEntropyOptions:
    allow_retain_graph: bool = False
    batch_chunk_size: int = None
    chunking_method: str = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None


class LinearCrossEntropyLoss(Module):
    """Cross-entropy of ``linear(input)`` viewed as ``(N, num_classes, *out_features)`` logits."""

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction="mean", weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        super().__init__()
        self.linear = Linear(in_features, num_classes * math.prod(out_features), bias=bias, device=device,
                             dtype=dtype)
        self.register_buffer("weight", weight)
        self.reduction, self.num_classes, self.out_features = reduction, num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options

    @property
    def in_features(self):
        return self.linear.in_features

    def forward(self, input, target):
        logits = self.linear(input)
        logits = logits.reshape(*input.shape[:-1], self.num_classes, *self.out_features)
        return F.cross_entropy(logits, target, self.weight, reduction=self.reduction,
                               ignore_index=-100 if self.ignore_index is None else self.ignore_index,
                               label_smoothing=self.label_smoothing)

    def extra_repr(self):
        return (f"in_features={self.in_features}, num_classes={self.num_classes}, out_features={self.out_features}, "
                f"bias={self.linear.bias is not None}, reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
