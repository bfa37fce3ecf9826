"""Utilities of ``ember.nn`` (torch.nn.utils): ``rnn`` for padded and packed sequences, gradient clipping."""
from . import rnn
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_

__all__ = ["rnn", "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]
