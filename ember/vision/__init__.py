"""Datasets, transforms and image utilities (torchvision)."""
