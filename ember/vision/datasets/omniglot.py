"""Omniglot: 1,623 handwritten characters from 50 alphabets, 20 drawings each, as PNG files.

Layout: ``root/omniglot-py/images_{background,evaluation}/<alphabet>/<character>/<drawing>.png``, beside
the zip each set was unpacked from.
"""
import os

from ..transforms.functional import pil_image_module
from .utils import NOT_FOUND, check_integrity, download_and_extract_archive, list_dir, list_files
from .vision import VisionDataset


class Omniglot(VisionDataset):
    """``dataset[i]`` is ``(grayscale image, character index)``; characters are numbered alphabet by
    alphabet in sorted order."""

    folder = "omniglot-py"
    download_url_prefix = "https://raw.githubusercontent.com/brendenlake/omniglot/master/python"
    zips_md5 = {"images_background": "68d2efa1b9178cc56df9314c21c6e718",
                "images_evaluation": "6b91aef0f799c5bb55b94e3f2daec811"}

    def __init__(self, root, background=True, transform=None, target_transform=None, download=False,
                 loader=None):
        super().__init__(os.path.join(root, self.folder), transform=transform, target_transform=target_transform)
        self.background = background
        self.loader = loader
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        self.target_folder = os.path.join(self.root, self._get_target_folder())
        self._alphabets = list_dir(self.target_folder)
        self._characters = [os.path.join(a, c) for a in self._alphabets
                            for c in list_dir(os.path.join(self.target_folder, a))]
        self._character_images = [[(image, idx) for image in list_files(os.path.join(self.target_folder, c), ".png")]
                                  for idx, c in enumerate(self._characters)]
        self._flat_character_images = [pair for images in self._character_images for pair in images]

    def _get_target_folder(self):
        return "images_background" if self.background else "images_evaluation"

    def _check_integrity(self):
        """The downloaded zip stays beside its contents and is checked against its MD5, as in torchvision."""
        name = self._get_target_folder()
        return check_integrity(os.path.join(self.root, name + ".zip"), self.zips_md5[name])

    def download(self):
        if self._check_integrity():
            return
        name = self._get_target_folder()
        download_and_extract_archive(f"{self.download_url_prefix}/{name}.zip", self.root, filename=name + ".zip",
                                     md5=self.zips_md5[name])

    def __len__(self):
        return len(self._flat_character_images)

    def __getitem__(self, index):
        name, character = self._flat_character_images[index]
        path = os.path.join(self.target_folder, self._characters[character], name)
        if self.loader is None:
            with pil_image_module().open(path) as image:
                image = image.convert("L")
        else:
            image = self.loader(path)
        return self._transformed(image, character)
