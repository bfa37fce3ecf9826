"""Images with captions: Flickr8k (captions in the HTML page of the release), Flickr30k (a tab-separated
token file) and SBU. ``dataset[i]`` is ``(image, captions)``."""
import collections
import glob
import os
from html.parser import HTMLParser

from .folder import default_loader
from .utils import NOT_FOUND, check_integrity, download_and_extract_archive, download_url
from .vision import VisionDataset


class Flickr8kParser(HTMLParser):
    """Collects {image path: captions} from the table of Flickr8k's HTML: a link names the image (its
    folder part is the id), the list items after it are its captions."""

    def __init__(self, root):
        super().__init__()
        self.root = root
        self.annotations = {}
        self.in_table = False
        self.current_tag = None
        self.current_img = None

    def handle_starttag(self, tag, attrs):
        self.current_tag = tag
        self.in_table |= tag == "table"

    def handle_endtag(self, tag):
        self.current_tag = None
        if tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if not self.in_table:
            return
        if data == "Image Not Found":
            self.current_img = None
        elif self.current_tag == "a":
            image_id = data.split("/")[-2]
            self.current_img = glob.glob(os.path.join(self.root, image_id + "_*.jpg"))[0]
            self.annotations[self.current_img] = []
        elif self.current_tag == "li" and self.current_img:
            self.annotations[self.current_img].append(data.strip())


class _Captioned(VisionDataset):
    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        image_id = self.ids[index]
        return self._transformed(self.loader(self._path(image_id)), self.annotations[image_id])


class Flickr8k(_Captioned):
    """Flickr8k: ``dataset[i]`` is ``(image, captions)``, the captions read from the HTML page ``ann_file``."""
    def __init__(self, root, ann_file, transform=None, target_transform=None, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.ann_file = os.path.expanduser(ann_file)
        parser = Flickr8kParser(self.root)
        with open(self.ann_file) as f:
            parser.feed(f.read())
        self.annotations = parser.annotations
        self.ids = sorted(self.annotations)
        self.loader = loader

    def _path(self, image_id):
        return image_id


class Flickr30k(_Captioned):
    """Flickr30k: ``dataset[i]`` is ``(image, captions)``, the captions read from the tab-separated ``ann_file``."""
    def __init__(self, root, ann_file, transform=None, target_transform=None, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.ann_file = os.path.expanduser(ann_file)
        self.annotations = collections.defaultdict(list)
        with open(self.ann_file) as f:
            for line in f:
                image_id, caption = line.strip().split("\t")
                self.annotations[image_id[:-2]].append(caption)  # 'name.jpg#3' -> 'name.jpg'
        self.ids = sorted(self.annotations)
        self.loader = loader

    def _path(self, image_id):
        return os.path.join(self.root, image_id)


class SBU(_Captioned):
    """SBU captioned photos: ``root/dataset/`` holds the URL and caption lists and whichever photos could
    be fetched (Flickr has lost many); only photos present are listed. ``download=True`` fetches the
    lists (MD5-checked) and then every photo it can."""

    url = "https://www.cs.rice.edu/~vo9/sbucaptions/SBUCaptionedPhotoDataset.tar.gz"
    filename = "SBUCaptionedPhotoDataset.tar.gz"
    md5_checksum = "9aec147b3488753cf758b4d493422285"

    def __init__(self, root, transform=None, target_transform=None, download=True, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.loader = loader
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(NOT_FOUND)
        folder = os.path.join(self.root, "dataset")
        self.photos, self.captions = [], []
        with open(os.path.join(folder, "SBU_captioned_photo_dataset_urls.txt")) as urls, \
                open(os.path.join(folder, "SBU_captioned_photo_dataset_captions.txt")) as captions:
            for url, caption in zip(urls, captions):
                photo = os.path.basename(url.rstrip())
                if os.path.exists(os.path.join(folder, photo)):
                    self.photos.append(photo)
                    self.captions.append(caption.rstrip())
        self.ids = list(range(len(self.photos)))
        self.annotations = self.captions

    def _path(self, index):
        return os.path.join(self.root, "dataset", self.photos[index])

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.md5_checksum)

    def download(self):
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, self.root, self.filename, self.md5_checksum)
        with open(os.path.join(self.root, "dataset", "SBU_captioned_photo_dataset_urls.txt")) as f:
            for line in f:
                try:
                    download_url(line.rstrip(), os.path.join(self.root, "dataset"))
                except OSError:  # a photo gone from Flickr is left out
                    pass
