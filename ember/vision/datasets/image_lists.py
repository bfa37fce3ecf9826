"""Datasets of image files with a class per file, listed by folders or by split files: EuroSAT,
Country211, RenderedSST2, Food101 and DTD. Images load as RGB PIL images (or through ``loader``)."""
import json
import os

from .folder import ImageFolder, default_loader, make_dataset
from .utils import download_and_extract_archive, verify_str_arg
from .vision import VisionDataset

_NO_DATA = "Dataset not found. You can use download=True to download it"


class _ImageList(VisionDataset):
    """``_image_files[i]`` loaded by ``loader`` with target ``_labels[i]``."""

    def __len__(self):
        return len(self._image_files)

    def __getitem__(self, idx):
        image, label = self.loader(self._image_files[idx]), self._labels[idx]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label

    def extra_repr(self):
        return f"split={self._split}"

    def _download_archive(self, root=None):
        if not self._check_exists():
            download_and_extract_archive(self._URL, download_root=root or self.root, md5=self._MD5)


class EuroSAT(ImageFolder):
    """Sentinel-2 satellite patches in 10 land-use classes: ``root/eurosat/2750/<class>/<image>``."""

    _URL = ("https://huggingface.co/datasets/torchgeo/eurosat/resolve/c877bcd43f099cd0196738f714544e355477f3fd/"
            "EuroSAT.zip")
    _MD5 = "c8fa014336c82ac7804f0398fcb19387"

    def __init__(self, root, transform=None, target_transform=None, download=False, loader=default_loader):
        self._base_folder = os.path.join(os.path.expanduser(root), "eurosat")
        self._data_folder = os.path.join(self._base_folder, "2750")
        if download and not os.path.exists(self._data_folder):
            os.makedirs(self._base_folder, exist_ok=True)
            download_and_extract_archive(self._URL, download_root=self._base_folder, md5=self._MD5)
        if not os.path.exists(self._data_folder):
            raise RuntimeError(_NO_DATA)
        super().__init__(self._data_folder, transform=transform, target_transform=target_transform, loader=loader)
        self.root = os.path.expanduser(root)


class Country211(ImageFolder):
    """Geolocated photos from 211 countries: ``root/country211/{train,valid,test}/<country code>/<image>``."""

    _URL = "https://openaipublic.azureedge.net/clip/data/country211.tgz"
    _MD5 = "84988d7644798601126c29e9877aab6a"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "valid", "test"))
        root = os.path.expanduser(root)
        self._base_folder = os.path.join(root, "country211")
        if download and not os.path.isdir(self._base_folder):
            download_and_extract_archive(self._URL, download_root=root, md5=self._MD5)
        if not os.path.isdir(self._base_folder):
            raise RuntimeError(_NO_DATA)
        super().__init__(os.path.join(self._base_folder, split), transform=transform,
                         target_transform=target_transform, loader=loader)
        self.root = root


class RenderedSST2(_ImageList):
    """Sentences of SST-2 rendered as images, 'negative' or 'positive':
    ``root/rendered-sst2/{train,valid,test}/<class>/<image>.png``."""

    _URL = "https://openaipublic.azureedge.net/clip/data/rendered-sst2.tgz"
    _MD5 = "2384d08e9dcfa4bd55b324e610496ee5"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        self._folder = os.path.join(self.root, "rendered-sst2", {"train": "train", "val": "valid", "test": "test"}[split])
        self.classes = ["negative", "positive"]
        self.class_to_idx = {"negative": 0, "positive": 1}
        if download:
            self._download_archive()
        if not self._check_exists():
            raise RuntimeError(_NO_DATA)
        samples = make_dataset(self._folder, self.class_to_idx, extensions=("png",))
        self._image_files, self._labels = [p for p, _ in samples], [t for _, t in samples]
        self.loader = loader

    def _check_exists(self):
        return all(os.path.isdir(os.path.join(self._folder, c)) for c in self.classes)


class Food101(_ImageList):
    """101 dishes, 1,000 photos each: ``root/food-101/images/<class>/<id>.jpg`` split by
    ``meta/{train,test}.json``."""

    _URL = "http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz"
    _MD5 = "85eeb15f3717b99a5da872d97d918f87"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        base = os.path.join(self.root, "food-101")
        self._meta_folder, self._images_folder = os.path.join(base, "meta"), os.path.join(base, "images")
        if download:
            self._download_archive()
        if not self._check_exists():
            raise RuntimeError(_NO_DATA)
        with open(os.path.join(self._meta_folder, f"{split}.json")) as f:
            metadata = json.load(f)
        self.classes = sorted(metadata)
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self._labels, self._image_files = [], []
        for label, paths in metadata.items():
            self._labels += [self.class_to_idx[label]] * len(paths)
            self._image_files += [os.path.join(self._images_folder, *f"{p}.jpg".split("/")) for p in paths]
        self.loader = loader

    def _check_exists(self):
        return os.path.isdir(self._meta_folder) and os.path.isdir(self._images_folder)


class DTD(_ImageList):
    """Describable Textures: 47 classes, ten train/val/test ``partition``s listed in
    ``root/dtd/dtd/labels/<split><partition>.txt``."""

    _URL = "https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz"
    _MD5 = "fff73e5086ae6bdbea199a49dfb8a4c1"

    def __init__(self, root, split="train", partition=1, transform=None, target_transform=None, download=False,
                 loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        if not isinstance(partition, int) or not 1 <= partition <= 10:
            raise ValueError(f"Parameter 'partition' should be an integer with `1 <= partition <= 10`, but got "
                             f"{partition} instead")
        self._partition = partition
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._base_folder = os.path.join(self.root, "dtd")
        self._data_folder = os.path.join(self._base_folder, "dtd")
        if download:
            self._download_archive(self._base_folder)
        if not self._check_exists():
            raise RuntimeError(_NO_DATA)
        with open(os.path.join(self._data_folder, "labels", f"{split}{partition}.txt")) as f:
            entries = [line.strip().split("/") for line in f if line.strip()]
        self._image_files = [os.path.join(self._data_folder, "images", c, name) for c, name in entries]
        self.classes = sorted({c for c, _ in entries})
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self._labels = [self.class_to_idx[c] for c, _ in entries]
        self.loader = loader

    def _check_exists(self):
        return os.path.isdir(self._data_folder)

    def extra_repr(self):
        return f"split={self._split}, partition={self._partition}"
