"""Utilities of ``ember.nn`` (torch.nn.utils): ``rnn`` for padded and packed sequences."""
from . import rnn

__all__ = ["rnn"]
