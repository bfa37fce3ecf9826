"""Indexing: __getitem__, __setitem__, gather, scatter, index_select, masked ops."""

TENSOR_METHODS = {}
FUNCTIONS = {}
