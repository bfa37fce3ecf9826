"""Pointwise math: unary functions, comparisons, clamps, where."""

TENSOR_METHODS = {}
FUNCTIONS = {}
