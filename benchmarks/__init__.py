"""Benchmarks that run Ember and PyTorch side by side and print the ratio."""
