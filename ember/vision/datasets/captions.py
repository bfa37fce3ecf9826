"""Images with captions: Flickr8k (captions in the HTML page of the release) and Flickr30k (a
tab-separated token file). ``dataset[i]`` is ``(image, list of captions)``, images in sorted order."""
import collections
import glob
import os
from html.parser import HTMLParser

from .folder import default_loader
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
