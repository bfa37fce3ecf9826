"""WIDER FACE: faces in crowds, with boxes and attributes per face.

Layout: ``root/widerface/{WIDER_train,WIDER_val,WIDER_test}/images/<event>/<image>.jpg`` and
``wider_face_split/`` (the box files). The image archives are on Google Drive (``download=True`` needs
gdown, as in torchvision).
"""
import os

import numpy as np

from ..._tensor import Tensor
from ..transforms.functional import pil_image_module
from .utils import download_and_extract_archive, download_file_from_google_drive, extract_archive, verify_str_arg
from .vision import VisionDataset

_COLUMNS = ("blur", "expression", "illumination", "occlusion", "pose", "invalid")


class WIDERFace(VisionDataset):
    """Targets are {'bbox': N x 4, 'blur', 'expression', 'illumination', 'occlusion', 'pose', 'invalid': N}
    int64 tensors (None in the test split)."""

    BASE_FOLDER = "widerface"
    FILE_LIST = [("15hGDLhsx8bLgLcIRD5DhYt5iBxnjNF1M", "3fedf70df600953d25982bcd13d91ba2", "WIDER_train.zip"),
                 ("1GUCogbp16PMGa39thoMMeWxp7Rp5oM8Q", "dfa7d7e790efa35df3788964cf0bbaea", "WIDER_val.zip"),
                 ("1HIfDbVEWKmsYKJZm4lchTBDLW5N7dY5T", "e5d8f4248ed24c334bbd12f49c29dd40", "WIDER_test.zip")]
    ANNOTATIONS_FILE = ("http://shuoyang1213.me/WIDERFACE/support/bbx_annotation/wider_face_split.zip",
                        "0e3767bcf0e326556d407bf5bff5d27c", "wider_face_split.zip")

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root=os.path.join(root, self.BASE_FOLDER), transform=transform,
                         target_transform=target_transform)
        self.split = verify_str_arg(split, "split", ("train", "val", "test"))
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download and prepare it")
        if split == "test":
            self.img_info = [{"img_path": self._image_path(line.rstrip())} for line in self._lines(
                "wider_face_test_filelist.txt")]
        else:
            self.img_info = self._parse_boxes(f"wider_face_{split}_bbx_gt.txt")

    def _image_path(self, name):
        return os.path.abspath(os.path.join(self.root, f"WIDER_{self.split}", "images", name))

    def _lines(self, filename):
        with open(os.path.join(self.root, "wider_face_split", filename)) as f:
            return [line.rstrip() for line in f]

    def _parse_boxes(self, filename):
        """Blocks of: image name, box count n, then max(n, 1) lines of ten ints (an image without faces has
        one all-zero line, kept as a box as torchvision does)."""
        lines, info, at = self._lines(filename), [], 0
        try:
            while at < len(lines):
                name, count = lines[at], int(lines[at + 1])
                rows = np.array([[int(v) for v in line.split(" ")] for line in lines[at + 2:at + 2 + max(count, 1)]],
                                np.int64)
                at += 2 + max(count, 1)
                target = {"bbox": Tensor._wrap(rows[:, :4].copy())}
                target.update({key: Tensor._wrap(rows[:, 4 + i].copy()) for i, key in enumerate(_COLUMNS)})
                info.append({"img_path": self._image_path(name), "annotations": target})
        except (ValueError, IndexError):
            raise RuntimeError(f"Error parsing annotation file {os.path.join(self.root, 'wider_face_split', filename)}"
                               ) from None
        return info

    def __getitem__(self, index):
        image = pil_image_module().open(self.img_info[index]["img_path"])
        target = None if self.split == "test" else self.img_info[index]["annotations"]
        return self._transformed(image, target)

    def __len__(self):
        return len(self.img_info)

    def extra_repr(self):
        return f"Split: {self.split}"

    def _check_integrity(self):
        names = [filename for _, _, filename in self.FILE_LIST] + [self.ANNOTATIONS_FILE[2]]
        return all(os.path.exists(os.path.join(self.root, os.path.splitext(n)[0])) for n in names)

    def download(self):
        if self._check_integrity():
            return
        for file_id, md5, filename in self.FILE_LIST:
            download_file_from_google_drive(file_id, self.root, filename, md5)
            extract_archive(os.path.join(self.root, filename))
        url, md5, _ = self.ANNOTATIONS_FILE
        download_and_extract_archive(url=url, download_root=self.root, md5=md5)
