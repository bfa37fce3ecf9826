"""Labeled Faces in the Wild: LFWPeople (identity per image) and LFWPairs (same person or not), from
``root/lfw-py/<images folder>/<name>/<name>_<n>.jpg`` and the release's text lists, each MD5-checked.
LFW's site no longer serves the files, so ``download=True`` raises, as in torchvision."""
import os

from .folder import default_loader
from .utils import NOT_FOUND, check_integrity, verify_str_arg
from .vision import VisionDataset


class _LFW(VisionDataset):
    base_folder = "lfw-py"
    download_url_prefix = "http://vis-www.cs.umass.edu/lfw/"
    file_dict = {"original": ("lfw", "lfw.tgz", "a17d05bd522c52d84eca14327a23d494"),
                 "funneled": ("lfw_funneled", "lfw-funneled.tgz", "1b42dfed7d15c9b2dd63d5e5840c86ad"),
                 "deepfunneled": ("lfw-deepfunneled", "lfw-deepfunneled.tgz", "68331da3eb755a505a502b5aacb3c201")}
    checksums = {"pairs.txt": "9f1ba174e4e1c508ff7cdf10ac338a7d",
                 "pairsDevTest.txt": "5132f7440eb68cf58910c8a45a2ac10b",
                 "pairsDevTrain.txt": "4f27cbf15b2da4a85c1907eb4181ad21",
                 "people.txt": "450f0863dd89e85e73936a6d71a3474b",
                 "peopleDevTest.txt": "e4bf5be0a43b5dcd9dc5ccfcb8fb19c5",
                 "peopleDevTrain.txt": "54eaac34beb6d042ed3a7d883e247a21",
                 "lfw-names.txt": "a6d0a479bd074669f656265a6e693f6d"}
    annot_file = {"10fold": "", "train": "DevTrain", "test": "DevTest"}
    names = "lfw-names.txt"

    def __init__(self, root, split, image_set, view, transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(os.path.join(root, self.base_folder), transform=transform, target_transform=target_transform)
        self.image_set = verify_str_arg(image_set.lower(), "image_set", self.file_dict.keys())
        images_dir, self.filename, self.md5 = self.file_dict[self.image_set]
        self.view = verify_str_arg(view.lower(), "view", ["people", "pairs"])
        self.split = verify_str_arg(split.lower(), "split", ["10fold", "train", "test"])
        self.labels_file = f"{self.view}{self.annot_file[self.split]}.txt"
        self.data = []
        if download:
            raise ValueError("LFW dataset is no longer available for automatic download.Please download the dataset "
                             "manually and place it in the specified directory.A commonly used mirror is available "
                             "at: https://www.kaggle.com/datasets/jessicali9530/lfw-dataset")
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        self.images_dir = os.path.join(self.root, images_dir)
        self._loader = loader

    def _check_integrity(self):
        needed = [(self.filename, self.md5), (self.labels_file, self.checksums[self.labels_file])]
        if self.view == "people":
            needed.append((self.names, self.checksums[self.names]))
        return all(check_integrity(os.path.join(self.root, name), md5) for name, md5 in needed)

    def _get_path(self, identity, no):
        return os.path.join(self.images_dir, identity, f"{identity}_{int(no):04d}.jpg")

    def _lines(self):
        with open(os.path.join(self.root, self.labels_file)) as f:
            return f.readlines()

    def extra_repr(self):
        return f"Alignment: {self.image_set}\nSplit: {self.split}"

    def __len__(self):
        return len(self.data)


class LFWPeople(_LFW):
    """Labeled Faces in the Wild: ``dataset[i]`` is ``(image, person index)``. The files must already be under
    ``root``: LFW is no longer downloadable, so ``download=True`` raises ``ValueError``."""
    def __init__(self, root, split="10fold", image_set="funneled", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, split, image_set, "people", transform, target_transform, download, loader=loader)
        with open(os.path.join(self.root, self.names)) as f:
            self.class_to_idx = {line.strip().split()[0]: i for i, line in enumerate(f)}
        self.data, self.targets = [], []
        lines = self._lines()
        folds, at = (int(lines[0]), 1) if self.split == "10fold" else (1, 0)
        for _ in range(folds):  # each fold: a count, then 'name<TAB>number of images' lines
            count = int(lines[at])
            for line in lines[at + 1:at + count + 1]:
                identity, n_images = line.strip().split("\t")
                for n in range(1, int(n_images) + 1):
                    self.data.append(self._get_path(identity, n))
                    self.targets.append(self.class_to_idx[identity])
            at += count + 1

    def __getitem__(self, index):
        image, target = self._loader(self.data[index]), self.targets[index]
        return self._transformed(image, target)

    def extra_repr(self):
        return super().extra_repr() + f"\nClasses (identities): {len(self.class_to_idx)}"


class LFWPairs(_LFW):
    """``dataset[i]`` is ``(image1, image2, 1 if the same person else 0)``."""

    def __init__(self, root, split="10fold", image_set="funneled", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, split, image_set, "pairs", transform, target_transform, download, loader=loader)
        self.pair_names, self.data, self.targets = [], [], []
        lines = self._lines()
        if self.split == "10fold":
            folds, pairs = (int(v) for v in lines[0].split("\t"))
        else:
            folds, pairs = 1, int(lines[0])
        at = 1
        for _ in range(folds):  # each fold: matched 'name a b' lines, then unmatched 'name1 a name2 b' lines
            for line in lines[at:at + pairs]:
                name, a, b = line.strip().split("\t")
                self._add((name, a), (name, b), 1)
            for line in lines[at + pairs:at + 2 * pairs]:
                name1, a, name2, b = line.strip().split("\t")
                self._add((name1, a), (name2, b), 0)
            at += 2 * pairs

    def _add(self, first, second, same):
        self.pair_names.append((first[0], second[0]))
        self.data.append((self._get_path(*first), self._get_path(*second)))
        self.targets.append(same)

    def __getitem__(self, index):
        first, second = (self._loader(path) for path in self.data[index])
        target = self.targets[index]
        if self.transform is not None:
            first, second = self.transform(first), self.transform(second)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return first, second, target
