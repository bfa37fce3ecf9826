"""Datasets of image files with a class per file, listed by folders or by split files: EuroSAT,
Country211, RenderedSST2, Food101, DTD, GTSRB, Flowers102, Caltech101 and Caltech256. Images load as
RGB PIL images (or through ``loader``)."""
import csv
import json
import os
import shutil

from .folder import ImageFolder, default_loader, make_dataset
from ..transforms.functional import pil_image_module
from .svhn import _loadmat
from .utils import (NOT_FOUND, check_integrity, download_and_extract_archive, download_url, extract_archive,
                    verify_str_arg)
from .vision import VisionDataset

_NO_DATA = "Dataset not found. You can use download=True to download it"


class _ImageList(VisionDataset):
    """``_image_files[i]`` loaded by ``loader`` with target ``_labels[i]``."""

    def __len__(self):
        return len(self._image_files)

    def __getitem__(self, idx):
        image, label = self.loader(self._image_files[idx]), self._labels[idx]
        return self._transformed(image, label)

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
        folder = {"train": "train", "val": "valid", "test": "test"}[split]
        self._folder = os.path.join(self.root, "rendered-sst2", folder)
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


class GTSRB(_ImageList):
    """German traffic signs in 43 classes: ``root/gtsrb/GTSRB/Training/<class>/*.ppm`` for training;
    ``GTSRB/Final_Test/Images`` with the classes in ``GT-final_test.csv`` for testing."""

    _BASE_URL = "https://sid.erda.dk/public/archives/daaeac0d7ce1152aea9b61d9f1e19370/"
    _ARCHIVES = {"train": [("GTSRB-Training_fixed.zip", "513f3c79a4c5141765e10e952eaa2478")],
                 "test": [("GTSRB_Final_Test_Images.zip", "c7e4e6327067d32654124b0fe9e82185"),
                          ("GTSRB_Final_Test_GT.zip", "fe31e9c9270bbcd7b84b7f21a9d9d9e5")]}

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = os.path.join(os.path.expanduser(root), "gtsrb")
        self._target_folder = os.path.join(self._base_folder, "GTSRB",
                                           "Training" if split == "train" else os.path.join("Final_Test", "Images"))
        if download and not os.path.isdir(self._target_folder):
            for name, md5 in self._ARCHIVES[split]:
                download_and_extract_archive(self._BASE_URL + name, download_root=self._base_folder, md5=md5)
        if not os.path.isdir(self._target_folder):
            raise RuntimeError(_NO_DATA)
        if split == "train":
            samples = make_dataset(self._target_folder, extensions=(".ppm",))
        else:
            with open(os.path.join(self._base_folder, "GT-final_test.csv")) as f:
                rows = csv.DictReader(f, delimiter=";", skipinitialspace=True)
                samples = [(os.path.join(self._target_folder, row["Filename"]), int(row["ClassId"])) for row in rows]
        self._image_files, self._labels = [p for p, _ in samples], [t for _, t in samples]
        self.loader = lambda path: pil_image_module().open(path).convert("RGB")


class Flowers102(_ImageList):
    """102 flower species: ``root/flowers-102/jpg/image_<id>.jpg`` with labels and splits in two MATLAB
    files (read with SciPy)."""

    _download_url_prefix = "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/"
    _file_dict = {"image": ("102flowers.tgz", "52808999861908f626f3c1f4e79d11fa"),
                  "label": ("imagelabels.mat", "e0620be6f572b9609742df49c70aed4d"),
                  "setid": ("setid.mat", "a5357ecc9cb78c4bef273ce3793fc85c")}
    _splits_map = {"train": "trnid", "val": "valid", "test": "tstid"}
    classes = ['pink primrose', 'hard-leaved pocket orchid', 'canterbury bells', 'sweet pea', 'english marigold',
               'tiger lily', 'moon orchid', 'bird of paradise', 'monkshood', 'globe thistle', 'snapdragon',
               "colt's foot", 'king protea', 'spear thistle', 'yellow iris', 'globe-flower', 'purple coneflower',
               'peruvian lily', 'balloon flower', 'giant white arum lily', 'fire lily', 'pincushion flower',
               'fritillary', 'red ginger', 'grape hyacinth', 'corn poppy', 'prince of wales feathers',
               'stemless gentian', 'artichoke', 'sweet william', 'carnation', 'garden phlox', 'love in the mist',
               'mexican aster', 'alpine sea holly', 'ruby-lipped cattleya', 'cape flower', 'great masterwort',
               'siam tulip', 'lenten rose', 'barbeton daisy', 'daffodil', 'sword lily', 'poinsettia',
               'bolero deep blue', 'wallflower', 'marigold', 'buttercup', 'oxeye daisy', 'common dandelion',
               'petunia', 'wild pansy', 'primula', 'sunflower', 'pelargonium', 'bishop of llandaff', 'gaura',
               'geranium', 'orange dahlia', 'pink-yellow dahlia?', 'cautleya spicata', 'japanese anemone',
               'black-eyed susan', 'silverbush', 'californian poppy', 'osteospermum', 'spring crocus',
               'bearded iris', 'windflower', 'tree poppy', 'gazania', 'azalea', 'water lily', 'rose', 'thorn apple',
               'morning glory', 'passion flower', 'lotus', 'toad lily', 'anthurium', 'frangipani', 'clematis',
               'hibiscus', 'columbine', 'desert-rose', 'tree mallow', 'magnolia', 'cyclamen', 'watercress',
               'canna lily', 'hippeastrum', 'bee balm', 'ball moss', 'foxglove', 'bougainvillea', 'camellia',
               'mallow', 'mexican petunia', 'bromelia', 'blanket flower', 'trumpet creeper', 'blackberry lily']

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        self._base_folder = os.path.join(self.root, "flowers-102")
        self._images_folder = os.path.join(self._base_folder, "jpg")
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        ids = _loadmat(os.path.join(self._base_folder, self._file_dict["setid"][0]))[self._splits_map[split]]
        labels = _loadmat(os.path.join(self._base_folder, self._file_dict["label"][0]))["labels"]
        label_of = dict(enumerate((labels.reshape(-1) - 1).tolist(), 1))
        ids = ids.reshape(-1).tolist()
        self._labels = [label_of[i] for i in ids]
        self._image_files = [os.path.join(self._images_folder, f"image_{i:05d}.jpg") for i in ids]
        self.loader = loader

    def _check_integrity(self):
        return os.path.isdir(self._images_folder) and all(
            check_integrity(os.path.join(self._base_folder, name), md5)
            for name, md5 in (self._file_dict["label"], self._file_dict["setid"]))

    def download(self):
        if self._check_integrity():
            return
        name, md5 = self._file_dict["image"]
        download_and_extract_archive(self._download_url_prefix + name, self._base_folder, md5=md5)
        for key in ("label", "setid"):
            name, md5 = self._file_dict[key]
            download_url(self._download_url_prefix + name, self._base_folder, md5=md5)


class _Caltech(VisionDataset):
    """Images ``<root>/<folder>/<category>/<name>`` numbered from 1 within each sorted category."""

    def _index_categories(self, counts):
        self.index, self.y = [], []
        for i, n in enumerate(counts):
            self.index.extend(range(1, n + 1))
            self.y.extend([i] * n)

    def _check_integrity(self):
        return os.path.exists(os.path.join(self.root, self._folder))

    def __len__(self):
        return len(self.index)


class Caltech101(_Caltech):
    """101 object categories: ``root/caltech101/101_ObjectCategories/<category>/image_<n>.jpg``; targets
    are the category and/or the object's contour from ``Annotations`` (read with SciPy)."""

    _folder = "101_ObjectCategories"
    _names = {"Faces": "Faces_2", "Faces_easy": "Faces_3", "Motorbikes": "Motorbikes_16",
              "airplanes": "Airplanes_Side_2"}

    def __init__(self, root, target_type="category", transform=None, target_transform=None, download=False):
        super().__init__(os.path.join(root, "caltech101"), transform=transform, target_transform=target_transform)
        os.makedirs(self.root, exist_ok=True)
        target_type = [target_type] if isinstance(target_type, str) else target_type
        self.target_type = [verify_str_arg(t, "target_type", ("category", "annotation")) for t in target_type]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        folder = os.path.join(self.root, self._folder)
        self.categories = sorted(c for c in os.listdir(folder) if c != "BACKGROUND_Google")
        self.annotation_categories = [self._names.get(c, c) for c in self.categories]
        self._index_categories([len(os.listdir(os.path.join(folder, c))) for c in self.categories])

    def __getitem__(self, index):
        category, n = self.y[index], self.index[index]
        image = pil_image_module().open(os.path.join(self.root, self._folder, self.categories[category],
                                                     f"image_{n:04d}.jpg"))
        target = []
        for t in self.target_type:
            if t == "category":
                target.append(category)
            else:
                target.append(_loadmat(os.path.join(self.root, "Annotations", self.annotation_categories[category],
                                                    f"annotation_{n:04d}.mat"))["obj_contour"])
        target = tuple(target) if len(target) > 1 else target[0]
        return self._transformed(image, target)

    def download(self):
        if self._check_integrity():
            return
        download_and_extract_archive("https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip",
                                     download_root=self.root, filename="caltech-101.zip",
                                     md5="3138e1922a9193bfa496528edbbc45d0")
        inner = os.path.join(self.root, "caltech-101")
        for name in os.listdir(inner):
            if name.endswith(".gz"):
                extract_archive(os.path.join(inner, name), self.root)
        shutil.rmtree(inner)
        os.remove(os.path.join(self.root, "caltech-101.zip"))

    def extra_repr(self):
        return f"Target type: {self.target_type}"


class Caltech256(_Caltech):
    """256 object categories: ``root/caltech256/256_ObjectCategories/<NNN.name>/<NNN>_<n>.jpg``."""

    _folder = "256_ObjectCategories"

    def __init__(self, root, transform=None, target_transform=None, download=False):
        super().__init__(os.path.join(root, "caltech256"), transform=transform, target_transform=target_transform)
        os.makedirs(self.root, exist_ok=True)
        if download and not self._check_integrity():
            download_and_extract_archive("https://data.caltech.edu/records/nyy15-4j048/files/256_ObjectCategories.tar",
                                         self.root, filename="256_ObjectCategories.tar",
                                         md5="67b4f42ca05d46448c6bb8ecd2220f6d")
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        folder = os.path.join(self.root, self._folder)
        self.categories = sorted(os.listdir(folder))
        self._index_categories([sum(name.endswith(".jpg") for name in os.listdir(os.path.join(folder, c)))
                                for c in self.categories])

    def __getitem__(self, index):
        category, n = self.y[index], self.index[index]
        image = pil_image_module().open(os.path.join(self.root, self._folder, self.categories[category],
                                                     f"{category + 1:03d}_{n:04d}.jpg"))
        target = category
        return self._transformed(image, target)
