"""KITTI 2D object detection: ``root/Kitti/raw/{training,testing}/image_2/*.png`` with one label file per
training image in ``label_2``. Images are listed in sorted order (torchvision: the file system's)."""
import csv
import os

from ..transforms.functional import pil_image_module
from .utils import download_and_extract_archive
from .vision import VisionDataset


class Kitti(VisionDataset):
    """Targets are lists of {'type', 'truncated', 'occluded', 'alpha', 'bbox', 'dimensions', 'location',
    'rotation_y'} per object (None for the test images)."""

    data_url = "https://s3.eu-central-1.amazonaws.com/avg-kitti/"
    resources = ["data_object_image_2.zip", "data_object_label_2.zip"]
    image_dir_name = "image_2"
    labels_dir_name = "label_2"

    def __init__(self, root, train=True, transform=None, target_transform=None, transforms=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform, transforms=transforms)
        self.train = train
        self._location = "training" if train else "testing"
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You may use download=True to download it.")
        image_dir = os.path.join(self._raw_folder, self._location, self.image_dir_name)
        labels_dir = os.path.join(self._raw_folder, self._location, self.labels_dir_name)
        names = sorted(os.listdir(image_dir))
        self.images = [os.path.join(image_dir, name) for name in names]
        self.targets = [os.path.join(labels_dir, name.split(".")[0] + ".txt") for name in names] if train else []

    def __getitem__(self, index):
        image = pil_image_module().open(self.images[index])
        target = self._parse_target(index) if self.train else None
        if self.transforms:
            image, target = self.transforms(image, target)
        return image, target

    def _parse_target(self, index):
        with open(self.targets[index]) as f:
            return [{"type": row[0], "truncated": float(row[1]), "occluded": int(row[2]), "alpha": float(row[3]),
                     "bbox": [float(v) for v in row[4:8]], "dimensions": [float(v) for v in row[8:11]],
                     "location": [float(v) for v in row[11:14]], "rotation_y": float(row[14])}
                    for row in csv.reader(f, delimiter=" ")]

    def __len__(self):
        return len(self.images)

    @property
    def _raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    def _check_exists(self):
        folders = [self.image_dir_name] + ([self.labels_dir_name] if self.train else [])
        return all(os.path.isdir(os.path.join(self._raw_folder, self._location, f)) for f in folders)

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self._raw_folder, exist_ok=True)
        for name in self.resources:
            download_and_extract_archive(url=self.data_url + name, download_root=self._raw_folder, filename=name)
