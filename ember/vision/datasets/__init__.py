"""Vision datasets (torchvision.datasets)."""
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset
