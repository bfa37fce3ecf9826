"""Vision datasets (torchvision.datasets)."""
from .annotated_images import (SUN397, CLEVRClassification, FGVCAircraft, Imagenette, OxfordIIITPet,
                               StanfordCars)
from .captions import SBU, Flickr8k, Flickr30k
from .celeba import CelebA
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .image_lists import (DTD, GTSRB, Caltech101, Caltech256, Country211, EuroSAT, Flowers102, Food101,
                          RenderedSST2)
from .kitti import Kitti
from .lfw import LFWPairs, LFWPeople
from .mnist import KMNIST, MNIST, FashionMNIST
from .mnist_variants import EMNIST, QMNIST
from .omniglot import Omniglot
from .places365 import Places365
from .plain_files import FER2013, SEMEION, USPS, MovingMNIST
from .stl10 import STL10
from .svhn import SVHN
from .vision import StandardTransform, VisionDataset
from .voc import VOCDetection, VOCSegmentation
from .widerface import WIDERFace
