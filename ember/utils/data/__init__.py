"""Datasets, samplers and the DataLoader (torch.utils.data)."""
