"""Vision datasets (torchvision.datasets)."""
from .mnist import KMNIST, MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset
