"""Tensor creation: zeros, ones, rand, arange, from_numpy and friends."""

TENSOR_METHODS = {}
FUNCTIONS = {}
