"""PASCAL VOC 2007-2012: segmentation masks (VOCSegmentation) and object annotations (VOCDetection).

Layout: ``root/VOCdevkit/VOC<year>/{JPEGImages,ImageSets,SegmentationClass,Annotations}``. Annotation XML
is parsed by the standard library's expat (which bounds entity expansion) or defusedxml when installed.
"""
import collections
import os

from ..transforms.functional import pil_image_module
from .utils import NOT_FOUND, download_and_extract_archive, verify_str_arg
from .vision import VisionDataset

try:
    from defusedxml.ElementTree import parse as _parse_xml
except ImportError:
    from xml.etree.ElementTree import parse as _parse_xml

_TRAINVAL = "https://thor.robots.ox.ac.uk/pascal/VOC/voc{0}/VOCtrainval_{1}.tar"
DATASET_YEAR_DICT = {
    year: {"url": _TRAINVAL.format(year, date), "filename": f"VOCtrainval_{date}.tar", "md5": md5,
           "base_dir": os.path.join(*(("TrainVal",) if year == "2011" else ()), "VOCdevkit", f"VOC{year}")}
    for year, date, md5 in (("2012", "11-May-2012", "6cd6e144f989b92b3379bac3b3de84fd"),
                            ("2011", "25-May-2011", "6c3384ef61512963050cb5d687e5bf1e"),
                            ("2010", "03-May-2010", "da459979d0c395079b5c75ee67908abb"),
                            ("2009", "11-May-2009", "a3e00b113cfcfebf17e343f59da3caa1"),
                            ("2008", "14-Jul-2008", "2629fa636546599198acfcfbfcf1904a"),
                            ("2007", "06-Nov-2007", "c52e279531787c972589f7e41ab4ae64"))}
DATASET_YEAR_DICT["2008"]["filename"] = "VOCtrainval_11-May-2012.tar"  # as torchvision names it
DATASET_YEAR_DICT["2007-test"] = {
    "url": "https://thor.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtest_06-Nov-2007.tar",
    "filename": "VOCtest_06-Nov-2007.tar", "md5": "b6e924de25625d8de591ea690078ad9f",
    "base_dir": os.path.join("VOCdevkit", "VOC2007")}


class _VOCBase(VisionDataset):
    def __init__(self, root, year="2012", image_set="train", download=False, transform=None,
                 target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.year = verify_str_arg(year, "year", valid_values=[str(y) for y in range(2007, 2013)])
        valid_sets = ["train", "trainval", "val"] + (["test"] if year == "2007" else [])
        self.image_set = verify_str_arg(image_set, "image_set", valid_sets)
        entry = DATASET_YEAR_DICT["2007-test" if year == "2007" and image_set == "test" else year]
        self.url, self.filename, self.md5 = entry["url"], entry["filename"], entry["md5"]
        voc_root = os.path.join(self.root, entry["base_dir"])
        if download:
            download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.md5)
        if not os.path.isdir(voc_root):
            raise RuntimeError(NOT_FOUND)
        with open(os.path.join(voc_root, "ImageSets", self._SPLITS_DIR, image_set + ".txt")) as f:
            names = [line.strip() for line in f]
        self.images = [os.path.join(voc_root, "JPEGImages", n + ".jpg") for n in names]
        self.targets = [os.path.join(voc_root, self._TARGET_DIR, n + self._TARGET_FILE_EXT) for n in names]

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        image = pil_image_module().open(self.images[index]).convert("RGB")
        target = self._load_target(self.targets[index])
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target


class VOCSegmentation(_VOCBase):
    """Targets are the class masks (palette PNG images)."""

    _SPLITS_DIR, _TARGET_DIR, _TARGET_FILE_EXT = "Segmentation", "SegmentationClass", ".png"

    @property
    def masks(self):
        return self.targets

    def _load_target(self, path):
        return pil_image_module().open(path)


class VOCDetection(_VOCBase):
    """Targets are the annotation XML as nested dicts ({'annotation': {'object': [...], ...}})."""

    _SPLITS_DIR, _TARGET_DIR, _TARGET_FILE_EXT = "Main", "Annotations", ".xml"

    @property
    def annotations(self):
        return self.targets

    def _load_target(self, path):
        return self.parse_voc_xml(_parse_xml(path).getroot())

    @staticmethod
    def parse_voc_xml(node):
        """An element as {tag: text} or {tag: {child tag: value or list of values}}; 'object' is always a list
        under 'annotation'."""
        children = list(node)
        if not children:
            return {node.tag: node.text.strip()} if node.text else {}
        grouped = collections.defaultdict(list)
        for child in map(VOCDetection.parse_voc_xml, children):
            for tag, value in child.items():
                grouped[tag].append(value)
        if node.tag == "annotation":
            grouped["object"] = [grouped["object"]]
        return {node.tag: {tag: v[0] if len(v) == 1 else v for tag, v in grouped.items()}}
