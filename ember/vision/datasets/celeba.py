"""CelebA: 202,599 aligned celebrity faces with 40 binary attributes, identities, boxes and landmarks.

Layout: ``root/celeba/img_align_celeba/<id>.jpg`` beside the annotation files (space-separated text),
each checked against its MD5. The files are on Google Drive; ``download=True`` fetches them with gdown
when it is installed (``pip install gdown``), as torchvision does.
"""
import csv
import os

import numpy as np

from ..._tensor import Tensor
from ..transforms.functional import pil_image_module
from .utils import NOT_FOUND, check_integrity, download_file_from_google_drive, extract_archive, verify_str_arg
from .vision import VisionDataset


class CelebA(VisionDataset):
    """``target_type`` is 'attr' (40 values in {0, 1}), 'identity', 'bbox', 'landmarks' or a list of them
    (the target is then a tuple); ``split`` is 'train', 'valid', 'test' or 'all'."""

    base_folder = "celeba"
    file_list = [
        ("0B7EVK8r0v71pZjFTYXZWM3FlRnM", "00d2c5bc6d35e252742224ab0c1e8fcb", "img_align_celeba.zip"),
        ("0B7EVK8r0v71pblRyaVFSWGxPY0U", "75e246fa4810816ffd6ee81facbd244c", "list_attr_celeba.txt"),
        ("1_ee_0u7vcNLOfNLegJRHmolfH5ICW-XS", "32bd1bd63d3c78cd57e08160ec5ed1e2", "identity_CelebA.txt"),
        ("0B7EVK8r0v71pbThiMVRxWXZ4dU0", "00566efa6fedff7a56946cd1c10f1c16", "list_bbox_celeba.txt"),
        ("0B7EVK8r0v71pd0FJY3Blby1HUTQ", "cc24ecafdb5b50baae59b03474781f8c", "list_landmarks_align_celeba.txt"),
        ("0B7EVK8r0v71pY0NSMzRuSXJEVkk", "d32c9cbf5e040fd4025c592c306e6668", "list_eval_partition.txt"),
    ]

    def __init__(self, root, split="train", target_type="attr", transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = split
        self.target_type = list(target_type) if isinstance(target_type, list) else [target_type]
        if not self.target_type and self.target_transform is not None:
            raise RuntimeError("target_transform is specified but target_type is empty")
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        which = {"train": 0, "valid": 1, "test": 2, "all": None}[
            verify_str_arg(split.lower() if isinstance(split, str) else split, "split", ("train", "valid", "test",
                                                                                         "all"))]
        names, partition = self._load("list_eval_partition.txt")[1:]
        keep = np.ones(len(names), bool) if which is None else partition[:, 0] == which
        self.filename = [name for name, k in zip(names, keep) if k]
        self.identity = Tensor._wrap(self._load("identity_CelebA.txt")[2][keep])
        self.bbox = Tensor._wrap(self._load("list_bbox_celeba.txt", header=1)[2][keep])
        self.landmarks_align = Tensor._wrap(self._load("list_landmarks_align_celeba.txt", header=1)[2][keep])
        self.attr_names, _, attr = self._load("list_attr_celeba.txt", header=1)
        self.attr = Tensor._wrap((attr[keep] + 1) // 2)  # -1/1 in the file, 0/1 here

    def _load(self, filename, header=None):
        """(column names, first column, the other columns as int64) of a space-separated table; ``header``
        is the row holding the column names (the rows before it are skipped)."""
        path = os.path.join(self.root, self.base_folder, filename)
        with open(path) as f:
            rows = list(csv.reader(f, delimiter=" ", skipinitialspace=True))
        names = []
        if header is not None:
            names, rows = rows[header], rows[header + 1:]
        try:
            values = np.array([[int(v) for v in row[1:]] for row in rows], np.int64).reshape(len(rows), -1)
        except ValueError as e:
            raise RuntimeError(f"{path} is corrupted: {e}") from None
        return names, [row[0] for row in rows], values

    def _check_integrity(self):
        folder = os.path.join(self.root, self.base_folder)
        for _, md5, filename in self.file_list:
            if not filename.endswith((".zip", ".7z")) and not check_integrity(os.path.join(folder, filename), md5):
                return False
        return os.path.isdir(os.path.join(folder, "img_align_celeba"))

    def download(self):
        if self._check_integrity():
            return
        folder = os.path.join(self.root, self.base_folder)
        for file_id, md5, filename in self.file_list:
            download_file_from_google_drive(file_id, folder, filename, md5)
        extract_archive(os.path.join(folder, "img_align_celeba.zip"))

    def __getitem__(self, index):
        path = os.path.join(self.root, self.base_folder, "img_align_celeba", self.filename[index])
        image = pil_image_module().open(path)
        columns = {"attr": self.attr, "identity": self.identity, "bbox": self.bbox, "landmarks": self.landmarks_align}
        target = []
        for t in self.target_type:
            if t not in columns:
                raise ValueError(f'Target type "{t}" is not recognized.')
            target.append(columns[t][index, 0] if t == "identity" else columns[t][index, :])
        if self.transform is not None:
            image = self.transform(image)
        if not target:
            return image, None
        target = tuple(target) if len(target) > 1 else target[0]
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __len__(self):
        return len(self.attr)

    def extra_repr(self):
        return f"Target type: {self.target_type}\nSplit: {self.split}"
