"""Neural-network building blocks (torch.nn)."""
