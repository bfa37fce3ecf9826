"""Photo datasets whose classes come from annotation files or folder names: Imagenette, SUN397,
FGVCAircraft, OxfordIIITPet, CLEVRClassification and StanfordCars. Images load as RGB PIL images (or
through ``loader``)."""
import json
import os

from ..transforms.functional import pil_image_module
from .folder import default_loader, find_classes, make_dataset
from .image_lists import _NO_DATA, _ImageList
from .svhn import _loadmat
from .utils import NOT_FOUND, download_and_extract_archive, verify_str_arg
from .vision import VisionDataset


class Imagenette(_ImageList):
    """Ten easy ImageNet classes: ``root/imagenette2[-320|-160]/{train,val}/<wnid>/*.JPEG``; ``classes`` holds
    each class's names."""

    _ARCHIVES = {
        "full": ("https://s3.amazonaws.com/fast-ai-imageclas/imagenette2.tgz", "fe2fc210e6bb7c5664d602c3cd71e612"),
        "320px": ("https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-320.tgz",
                  "3df6f0d01a2c9592104656642f5e78a3"),
        "160px": ("https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz",
                  "e793b78cc4c9e9a4ccc0c1155377a412")}
    _WNID_TO_CLASS = {
        "n01440764": ("tench", "Tinca tinca"), "n02102040": ("English springer", "English springer spaniel"),
        "n02979186": ("cassette player",), "n03000684": ("chain saw", "chainsaw"),
        "n03028079": ("church", "church building"), "n03394916": ("French horn", "horn"),
        "n03417042": ("garbage truck", "dustcart"),
        "n03425413": ("gas pump", "gasoline pump", "petrol pump", "island dispenser"),
        "n03445777": ("golf ball",), "n03888257": ("parachute", "chute")}

    def __init__(self, root, split="train", size="full", download=False, transform=None, target_transform=None,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ["train", "val"])
        self._size = verify_str_arg(size, "size", ["full", "320px", "160px"])
        self._url, self._md5 = self._ARCHIVES[size]
        self._size_root = os.path.join(self.root, os.path.basename(self._url)[:-len(".tgz")])
        self._image_root = os.path.join(self._size_root, split)
        if download and not os.path.exists(self._size_root):
            download_and_extract_archive(self._url, self.root, md5=self._md5)
        if not os.path.exists(self._size_root):
            raise RuntimeError(_NO_DATA + ".")
        self.wnids, self.wnid_to_idx = find_classes(self._image_root)
        self.classes = [self._WNID_TO_CLASS[w] for w in self.wnids]
        self.class_to_idx = {name: i for w, i in self.wnid_to_idx.items() for name in self._WNID_TO_CLASS[w]}
        samples = make_dataset(self._image_root, self.wnid_to_idx, extensions=".jpeg")
        self._image_files, self._labels = [p for p, _ in samples], [t for _, t in samples]
        self.loader = loader


class SUN397(_ImageList):
    """397 scene categories: ``root/SUN397/<letter>/<category path>/sun_*.jpg`` and ``ClassName.txt``.
    Images are listed in sorted order (torchvision takes the file system's)."""

    _DATASET_URL = "http://vision.princeton.edu/projects/2010/SUN/SUN397.tar.gz"
    _DATASET_MD5 = "8ca2778205c41d23104230ba66911c7a"

    def __init__(self, root, transform=None, target_transform=None, download=False, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._data_dir = os.path.join(self.root, "SUN397")
        if download and not os.path.isdir(self._data_dir):
            download_and_extract_archive(self._DATASET_URL, download_root=self.root, md5=self._DATASET_MD5)
        if not os.path.isdir(self._data_dir):
            raise RuntimeError(_NO_DATA)
        with open(os.path.join(self._data_dir, "ClassName.txt")) as f:
            self.classes = [line[3:].strip() for line in f]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self._image_files = sorted(os.path.join(base, name) for base, _, names in os.walk(self._data_dir)
                                   for name in names if name.startswith("sun_") and name.endswith(".jpg"))
        parts = [os.path.relpath(p, self._data_dir).split(os.sep) for p in self._image_files]
        self._labels = [self.class_to_idx["/".join(p[1:-1])] for p in parts]
        self.loader = loader

    def extra_repr(self):
        return ""


class FGVCAircraft(_ImageList):
    """100 aircraft variants (or 70 families, 30 manufacturers: ``annotation_level``), listed in
    ``root/fgvc-aircraft-2013b/data/images_<level>_<split>.txt``."""

    _URL = "https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/archives/fgvc-aircraft-2013b.tar.gz"

    def __init__(self, root, split="trainval", annotation_level="variant", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "trainval", "test"))
        self._annotation_level = verify_str_arg(annotation_level, "annotation_level",
                                                ("variant", "family", "manufacturer"))
        self._data_path = os.path.join(self.root, "fgvc-aircraft-2013b")
        if download and not os.path.isdir(self._data_path):
            download_and_extract_archive(self._URL, self.root)
        if not os.path.isdir(self._data_path):
            raise RuntimeError(_NO_DATA)
        data = os.path.join(self._data_path, "data")
        names = {"variant": "variants.txt", "family": "families.txt", "manufacturer": "manufacturers.txt"}
        with open(os.path.join(data, names[annotation_level])) as f:
            self.classes = [line.strip() for line in f]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self._image_files, self._labels = [], []
        with open(os.path.join(data, f"images_{annotation_level}_{split}.txt")) as f:
            for line in f:
                image, label = line.strip().split(" ", 1)
                self._image_files.append(os.path.join(data, "images", f"{image}.jpg"))
                self._labels.append(self.class_to_idx[label])
        self.loader = loader


class OxfordIIITPet(VisionDataset):
    """37 cat and dog breeds: ``root/oxford-iiit-pet/images/<id>.jpg`` listed in ``annotations/
    {trainval,test}.txt``; targets are the breed, cat/dog, and/or the trimap segmentation image."""

    _RESOURCES = (("https://www.robots.ox.ac.uk/~vgg/data/pets/data/images.tar.gz", "5c4f3ee8e5d25df40f4fd59a7f44e54c"),
                  ("https://www.robots.ox.ac.uk/~vgg/data/pets/data/annotations.tar.gz",
                   "95a8c909bbe2e81eed6a22bccdf3f68f"))
    _VALID_TARGET_TYPES = ("category", "binary-category", "segmentation")

    def __init__(self, root, split="trainval", target_types="category", transforms=None, transform=None,
                 target_transform=None, download=False):
        self._split = verify_str_arg(split, "split", ("trainval", "test"))
        target_types = [target_types] if isinstance(target_types, str) else target_types
        self._target_types = [verify_str_arg(t, "target_types", self._VALID_TARGET_TYPES) for t in target_types]
        super().__init__(root, transforms=transforms, transform=transform, target_transform=target_transform)
        base = os.path.join(self.root, "oxford-iiit-pet")
        self._images_folder, self._anns_folder = os.path.join(base, "images"), os.path.join(base, "annotations")
        if download and not self._check_exists():
            for url, md5 in self._RESOURCES:
                download_and_extract_archive(url, download_root=base, md5=md5)
        if not self._check_exists():
            raise RuntimeError(_NO_DATA)
        ids, self._labels, self._bin_labels = [], [], []
        with open(os.path.join(self._anns_folder, f"{split}.txt")) as f:
            for line in f:
                image_id, label, bin_label, _ = line.strip().split()
                ids.append(image_id)
                self._labels.append(int(label) - 1)
                self._bin_labels.append(int(bin_label) - 1)
        self.bin_classes = ["Cat", "Dog"]
        breeds = sorted({(i.rsplit("_", 1)[0], label) for i, label in zip(ids, self._labels)}, key=lambda b: b[1])
        self.classes = [" ".join(part.title() for part in raw.split("_")) for raw, _ in breeds]
        self.bin_class_to_idx = {c: i for i, c in enumerate(self.bin_classes)}
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self._images = [os.path.join(self._images_folder, f"{i}.jpg") for i in ids]
        self._segs = [os.path.join(self._anns_folder, "trimaps", f"{i}.png") for i in ids]

    def _check_exists(self):
        return os.path.isdir(self._images_folder) and os.path.isdir(self._anns_folder)

    def __len__(self):
        return len(self._images)

    def __getitem__(self, idx):
        Image = pil_image_module()
        image = Image.open(self._images[idx]).convert("RGB")
        by_type = {"category": lambda: self._labels[idx], "binary-category": lambda: self._bin_labels[idx],
                   "segmentation": lambda: Image.open(self._segs[idx])}
        target = [by_type[t]() for t in self._target_types]
        target = None if not target else target[0] if len(target) == 1 else tuple(target)
        if self.transforms:
            image, target = self.transforms(image, target)
        return image, target


class CLEVRClassification(_ImageList):
    """CLEVR's rendered scenes with the number of objects as the target (None in the test split):
    ``root/clevr/CLEVR_v1.0/images/<split>/*.png`` and ``scenes/CLEVR_<split>_scenes.json``."""

    _URL = "https://dl.fbaipublicfiles.com/clevr/CLEVR_v1.0.zip"
    _MD5 = "b11922020e72d0cd9154779b2d3d07d2"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.loader = loader
        self._base_folder = os.path.join(self.root, "clevr")
        self._data_folder = os.path.join(self._base_folder, "CLEVR_v1.0")
        if download and not os.path.isdir(self._data_folder):
            download_and_extract_archive(self._URL, self._base_folder, md5=self._MD5)
        if not os.path.isdir(self._data_folder):
            raise RuntimeError(NOT_FOUND)
        images = os.path.join(self._data_folder, "images", split)
        self._image_files = sorted(os.path.join(images, name) for name in os.listdir(images))
        if split == "test":
            self._labels = [None] * len(self._image_files)
        else:
            with open(os.path.join(self._data_folder, "scenes", f"CLEVR_{split}_scenes.json")) as f:
                scenes = json.load(f)["scenes"]
            count = {scene["image_filename"]: len(scene["objects"]) for scene in scenes}
            self._labels = [count[os.path.basename(path)] for path in self._image_files]


class StanfordCars(_ImageList):
    """196 car models: ``root/stanford_cars/{cars_train,cars_test}/*.jpg`` with annotations and class names
    in the devkit's MATLAB files (read with SciPy). Targets are Python ints. The original URL is gone, so
    ``download=True`` raises, as in torchvision."""

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = os.path.join(self.root, "stanford_cars")
        devkit = os.path.join(self._base_folder, "devkit")
        if split == "train":
            annotations = os.path.join(devkit, "cars_train_annos.mat")
            images = os.path.join(self._base_folder, "cars_train")
        else:
            annotations = os.path.join(self._base_folder, "cars_test_annos_withlabels.mat")
            images = os.path.join(self._base_folder, "cars_test")
        if download:
            raise ValueError("The original URL is broken so the StanfordCars dataset cannot be downloaded anymore.")
        if not (os.path.isdir(devkit) and os.path.exists(annotations) and os.path.isdir(images)):
            raise RuntimeError("Dataset not found.")
        records = _loadmat(annotations, squeeze_me=True)["annotations"]
        self._image_files = [os.path.join(images, str(r["fname"])) for r in records]
        self._labels = [int(r["class"]) - 1 for r in records]  # 1-based in the file
        self.classes = _loadmat(os.path.join(devkit, "cars_meta.mat"), squeeze_me=True)["class_names"].tolist()
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self.loader = loader
