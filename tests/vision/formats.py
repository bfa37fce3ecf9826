"""Small datasets written in their real on-disk formats, and the class-attribute patches (MD5s) that make
torchvision's and Ember's classes accept them."""
import gzip
import hashlib
import os
import pickle

import numpy as np

from conftest import idx_bytes


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def write_pickle(path, obj):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)  # the official batches are protocol-2 pickles


def cifar(root, rng, hundred=False):
    """CIFAR-10 (five training batches, one test batch, batches.meta) or CIFAR-100 (train, test, meta)."""
    folder = os.path.join(root, "cifar-100-python" if hundred else "cifar-10-batches-py")
    os.makedirs(folder)
    names = (["train"], ["test"]) if hundred else ([f"data_batch_{i}" for i in range(1, 6)], ["test_batch"])
    n_classes = 100 if hundred else 10
    for name in names[0] + names[1]:
        n = int(rng.integers(2, 5))
        batch = {"batch_label": f"{name} of 1", "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 "filenames": [f"img_{i}.png" for i in range(n)]}
        labels = rng.integers(0, n_classes, n).tolist()
        if hundred:
            batch.update(fine_labels=labels, coarse_labels=[t // 5 for t in labels])
        else:
            batch["labels"] = labels
        write_pickle(os.path.join(folder, name), batch)
    if hundred:
        meta_name, meta = "meta", {"fine_label_names": [f"fine{i}" for i in range(100)],
                                   "coarse_label_names": [f"coarse{i}" for i in range(20)]}
    else:
        meta_name, meta = "batches.meta", {"label_names": [f"class{i}" for i in range(10)], "num_cases_per_batch": 4}
    write_pickle(os.path.join(folder, meta_name), meta)
    sums = {name: md5(os.path.join(folder, name)) for name in names[0] + names[1]}
    key = "fine_label_names" if hundred else "label_names"
    return {"train_list": [[n, sums[n]] for n in names[0]], "test_list": [[n, sums[n]] for n in names[1]],
            "meta": {"filename": meta_name, "key": key, "md5": md5(os.path.join(folder, meta_name))}}


def svhn(root, rng, split="train", n=5):
    """A .mat (v5) file as SVHN's: X is 32 x 32 x 3 x N uint8, y is N x 1 with 10 for the digit 0."""
    import scipy.io

    os.makedirs(root, exist_ok=True)
    filename = f"{split}_32x32.mat"
    labels = rng.integers(1, 11, (n, 1)).astype(np.uint8)
    labels[0] = 10
    scipy.io.savemat(os.path.join(root, filename), {"X": rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8),
                                                   "y": labels})
    return {"split_list": {split: [f"http://invalid/{filename}", filename, md5(os.path.join(root, filename))]}}


def stl10(root, rng, n_train=4, n_test=3, n_unlabeled=2):
    """The binary release: X files of column-major 3 x 96 x 96 images, y files of 1-based labels."""
    folder = os.path.join(root, "stl10_binary")
    os.makedirs(folder)
    files = {"train_X.bin": rng.integers(0, 256, n_train * 3 * 96 * 96, dtype=np.uint8),
             "train_y.bin": rng.integers(1, 11, n_train).astype(np.uint8),
             "unlabeled_X.bin": rng.integers(0, 256, n_unlabeled * 3 * 96 * 96, dtype=np.uint8),
             "test_X.bin": rng.integers(0, 256, n_test * 3 * 96 * 96, dtype=np.uint8),
             "test_y.bin": rng.integers(1, 11, n_test).astype(np.uint8)}
    for name, array in files.items():
        array.tofile(os.path.join(folder, name))
    with open(os.path.join(folder, "class_names.txt"), "w") as f:
        f.write("\n".join(f"class{i}" for i in range(10)) + "\n")
    with open(os.path.join(folder, "fold_indices.txt"), "w") as f:
        f.write("".join(" ".join(str(i) for i in rng.permutation(n_train)[:2]) + " \n" for _ in range(10)))
    sums = {name: md5(os.path.join(folder, name)) for name in files}
    return {"train_list": [[n, sums[n]] for n in ("train_X.bin", "train_y.bin", "unlabeled_X.bin")],
            "test_list": [[n, sums[n]] for n in ("test_X.bin", "test_y.bin")]}


def emnist(root, rng, split="letters", n=6):
    raw = os.path.join(root, "EMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for part in ("train", "test"):
        prefix = os.path.join(raw, f"emnist-{split}-{part}")
        with open(prefix + "-images-idx3-ubyte", "wb") as f:
            f.write(idx_bytes(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)))
        with gzip.open(prefix + "-labels-idx1-ubyte.gz", "wb") as f:  # torchvision reads only the plain file
            f.write(idx_bytes(rng.integers(1, 27, n).astype(np.uint8)))
        with open(prefix + "-labels-idx1-ubyte", "wb") as f:
            f.write(idx_bytes(rng.integers(1, 27, n).astype(np.uint8)))
    return {}


def qmnist(root, rng, n_train=5, n_test=12):
    """QMNIST's files: uint8 images (idx3) and N x 8 int32 label rows (idx2)."""
    raw = os.path.join(root, "QMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for part, n in (("train", n_train), ("test", n_test)):
        with open(os.path.join(raw, f"qmnist-{part}-images-idx3-ubyte"), "wb") as f:
            f.write(idx_bytes(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)))
        with open(os.path.join(raw, f"qmnist-{part}-labels-idx2-int"), "wb") as f:
            f.write(idx_bytes(rng.integers(0, 10000, (n, 8)).astype(np.int32)))
    return {}


def omniglot(root, rng, background=True):
    """omniglot-py/images_background/<alphabet>/<character>/<drawing>.png, 1-bit PNGs as the originals."""
    import shutil

    from PIL import Image

    name = "images_background" if background else "images_evaluation"
    base = os.path.join(root, "omniglot-py", name)
    for alphabet in ("Latin", "Greek"):
        for c in range(2):
            folder = os.path.join(base, alphabet, f"character{c + 1:02d}")
            os.makedirs(folder)
            for k in range(int(rng.integers(1, 4))):
                pixels = rng.integers(0, 2, (12, 10), dtype=np.uint8).astype(bool)
                Image.fromarray(pixels).save(os.path.join(folder, f"{c:04d}_{k + 1:02d}.png"))
    archive = shutil.make_archive(base, "zip", os.path.dirname(base), name)
    return {"zips_md5": {name: md5(archive)}}


def usps(root, rng, n=5):
    """libsvm lines: 'label index:value ...' with 256 values in [-1, 1], bzip2-compressed."""
    import bz2

    os.makedirs(root, exist_ok=True)
    for name in ("usps.bz2", "usps.t.bz2"):
        pixels = rng.uniform(-1, 1, (n, 256)).round(6)
        lines = [f"{rng.integers(1, 11)} " + " ".join(f"{i + 1}:{v}" for i, v in enumerate(row)) for row in pixels]
        with bz2.open(os.path.join(root, name), "wt") as f:
            f.write("\n".join(lines) + "\n")
    return {}


def semeion(root, rng, n=6):
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, "semeion.data")
    table = np.concatenate([rng.integers(0, 2, (n, 256)).astype(float), np.eye(10)[rng.integers(0, 10, n)]], 1)
    np.savetxt(path, table, fmt="%.4f")
    return {"md5_checksum": md5(path)}


def fer2013(root, rng, n=4):
    import csv

    folder = os.path.join(root, "fer2013")
    os.makedirs(folder, exist_ok=True)
    resources = {}
    for split, columns in (("train", ["emotion", "pixels"]), ("test", ["pixels"])):
        path = os.path.join(folder, f"{split}.csv")
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for _ in range(n):
                pixels = " ".join(str(v) for v in rng.integers(0, 256, 48 * 48))
                writer.writerow([int(rng.integers(0, 7)), pixels] if split == "train" else [pixels])
        resources[split] = [f"{split}.csv", md5(path)]
    absent = "0" * 32  # the full-dataset files are not written: their names are looked for first
    return {"_RESOURCES": dict(resources, fer=["fer2013.csv", absent], icml=["icml_face_data.csv", absent])}


def moving_mnist(root, rng):
    folder = os.path.join(root, "MovingMNIST")
    os.makedirs(folder)
    np.save(os.path.join(folder, "mnist_test_seq.npy"), rng.integers(0, 256, (20, 3, 64, 64), dtype=np.uint8))
    return {}


def _png(path, rng, size=(6, 5)):
    from PIL import Image

    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(rng.integers(0, 256, size + (3,), dtype=np.uint8)).save(path)


def class_folders(folder, rng, classes, per_class=2, ext=".png"):
    """folder/<class>/<k><ext> images."""
    for c in classes:
        for k in range(per_class):
            _png(os.path.join(folder, c, f"{k}{ext}"), rng)


def eurosat(root, rng):
    class_folders(os.path.join(root, "eurosat", "2750"), rng, ["Forest", "Highway", "River"], ext=".jpg")
    return {}


def country211(root, rng):
    for split in ("train", "valid", "test"):
        class_folders(os.path.join(root, "country211", split), rng, ["AD", "FR", "JP"], ext=".jpg")
    return {}


def rendered_sst2(root, rng):
    for folder in ("train", "valid", "test"):
        class_folders(os.path.join(root, "rendered-sst2", folder), rng, ["negative", "positive"])
    return {}


def food101(root, rng):
    import json

    base = os.path.join(root, "food-101")
    meta = {split: {c: [f"{c}/{split}{k}" for k in range(2)] for c in ("pizza", "apple_pie", "sushi")}
            for split in ("train", "test")}
    os.makedirs(os.path.join(base, "meta"))
    for split, classes in meta.items():
        with open(os.path.join(base, "meta", f"{split}.json"), "w") as f:
            json.dump(classes, f)
        for paths in classes.values():
            for p in paths:
                _png(os.path.join(base, "images", p + ".jpg"), rng)
    return {}


def dtd(root, rng):
    data = os.path.join(root, "dtd", "dtd")
    class_folders(os.path.join(data, "images"), rng, ["banded", "zigzagged", "dotted"], per_class=3, ext=".jpg")
    os.makedirs(os.path.join(data, "labels"))
    for split in ("train", "val", "test"):
        for partition in (1, 2):
            names = [f"{c}/{k}.jpg" for c in ("zigzagged", "banded", "dotted") for k in range(3)]
            picked = rng.permutation(names)[:4]
            with open(os.path.join(data, "labels", f"{split}{partition}.txt"), "w") as f:
                f.write("\n".join(picked) + "\n")
    return {}


def celeba(root, rng, n=7):
    """img_align_celeba/*.jpg and the five space-separated annotation files, as in the release."""
    folder = os.path.join(root, "celeba")
    names = [f"{i + 1:06d}.jpg" for i in range(n)]
    for name in names:
        _png(os.path.join(folder, "img_align_celeba", name), rng, (9, 7))
    attr_names = ["5_o_Clock_Shadow", "Arched_Eyebrows", "Smiling"]
    tables = {
        "list_eval_partition.txt": (None, [[i % 3] for i in range(n)]),  # torchvision fails on 1-image splits
        "identity_CelebA.txt": (None, [[int(rng.integers(1, 100))] for _ in names]),
        "list_bbox_celeba.txt": (["image_id", "x_1", "y_1", "width", "height"],
                                 [rng.integers(0, 200, 4).tolist() for _ in names]),
        "list_landmarks_align_celeba.txt": (["lefteye_x", "lefteye_y", "righteye_x", "righteye_y"],
                                            [rng.integers(0, 200, 4).tolist() for _ in names]),
        "list_attr_celeba.txt": (attr_names, [rng.choice([-1, 1], 3).tolist() for _ in names]),
    }
    sums = {}
    for filename, (header, rows) in tables.items():
        path = os.path.join(folder, filename)
        with open(path, "w") as f:
            if header is not None:
                f.write(f"{n}\n" + " ".join(header) + "\n")
            for name, row in zip(names, rows):
                f.write(name + " " + " ".join(f"{v:2d}" if header else str(v) for v in row) + "\n")
        sums[filename] = md5(path)
    return {"file_list": [("id", sums.get(name, "0" * 32), name)
                          for name in ["img_align_celeba.zip"] + list(tables)]}


def gtsrb(root, rng):
    base = os.path.join(root, "gtsrb")
    for c in ("00000", "00002"):
        for k in range(2):
            _png(os.path.join(base, "GTSRB", "Training", c, f"{k:05d}_00000.ppm"), rng)
    test = os.path.join(base, "GTSRB", "Final_Test", "Images")
    rows = []
    for k in range(3):
        name = f"{k:05d}.ppm"
        _png(os.path.join(test, name), rng)
        rows.append(f"{name};6;5;0;0;5;4;{int(rng.integers(0, 43))}")
    with open(os.path.join(base, "GT-final_test.csv"), "w") as f:
        f.write("Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n" + "\n".join(rows) + "\n")
    return {}


def flowers102(root, rng, n=6):
    import scipy.io

    base = os.path.join(root, "flowers-102")
    for i in range(1, n + 1):
        _png(os.path.join(base, "jpg", f"image_{i:05d}.jpg"), rng)
    scipy.io.savemat(os.path.join(base, "imagelabels.mat"), {"labels": rng.integers(1, 103, (1, n))})
    ids = rng.permutation(np.arange(1, n + 1))
    scipy.io.savemat(os.path.join(base, "setid.mat"), {"trnid": ids[None, :2], "valid": ids[None, 2:4],
                                                       "tstid": ids[None, 4:]})
    sums = {name: md5(os.path.join(base, name)) for name in ("imagelabels.mat", "setid.mat")}
    return {"_file_dict": {"image": ["102flowers.tgz", "0" * 32], "label": ["imagelabels.mat", sums["imagelabels.mat"]],
                           "setid": ["setid.mat", sums["setid.mat"]]}}


def caltech101(root, rng):
    import scipy.io

    base = os.path.join(root, "caltech101")
    for category, annotations, n in (("Faces", "Faces_2", 2), ("BACKGROUND_Google", None, 1), ("accordion",
                                                                                              "accordion", 3)):
        for k in range(1, n + 1):
            _png(os.path.join(base, "101_ObjectCategories", category, f"image_{k:04d}.jpg"), rng)
            if annotations:
                folder = os.path.join(base, "Annotations", annotations)
                os.makedirs(folder, exist_ok=True)
                scipy.io.savemat(os.path.join(folder, f"annotation_{k:04d}.mat"),
                                 {"obj_contour": rng.uniform(0, 50, (2, 5))})
    return {}


def caltech256(root, rng):
    base = os.path.join(root, "caltech256", "256_ObjectCategories")
    for c, name in enumerate(("001.ak47", "002.american-flag")):
        for k in range(1, 3 + c):
            _png(os.path.join(base, name, f"{c + 1:03d}_{k:04d}.jpg"), rng)
    return {}


def imagenette(root, rng):
    for split in ("train", "val"):
        class_folders(os.path.join(root, "imagenette2-160", split), rng, ["n01440764", "n03888257"], ext=".JPEG")
    return {}


def sun397(root, rng):
    base = os.path.join(root, "SUN397")
    categories = ["/a/abbey", "/b/bakery/shop", "/b/beach"]
    os.makedirs(base)
    with open(os.path.join(base, "ClassName.txt"), "w") as f:
        f.write("\n".join(categories) + "\n")
    for c in categories:
        for k in range(2):
            _png(os.path.join(base, *c.strip("/").split("/"), f"sun_{rng.integers(10 ** 6)}{k}.jpg"), rng)
    return {}


def fgvc_aircraft(root, rng):
    data = os.path.join(root, "fgvc-aircraft-2013b", "data")
    variants = ["707-320", "Boeing 717", "A300B4"]
    os.makedirs(data)
    with open(os.path.join(data, "variants.txt"), "w") as f:
        f.write("\n".join(variants) + "\n")
    lines = []
    for k in range(5):
        name = f"{1000000 + k:07d}"
        _png(os.path.join(data, "images", name + ".jpg"), rng)
        lines.append(f"{name} {variants[int(rng.integers(0, 3))]}")
    with open(os.path.join(data, "images_variant_trainval.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return {}


def oxford_pet(root, rng):
    base = os.path.join(root, "oxford-iiit-pet")
    from PIL import Image

    lines = []
    for breed, label, species in (("Abyssinian", 1, 1), ("american_bulldog", 2, 2), ("Bengal", 3, 1)):
        for k in range(1, 3):
            image_id = f"{breed}_{k}"
            _png(os.path.join(base, "images", image_id + ".jpg"), rng)
            os.makedirs(os.path.join(base, "annotations", "trimaps"), exist_ok=True)
            Image.fromarray(rng.integers(1, 4, (6, 5), dtype=np.uint8)).save(
                os.path.join(base, "annotations", "trimaps", image_id + ".png"))
            lines.append(f"{image_id} {label} {species} {k}")
    for split in ("trainval", "test"):
        with open(os.path.join(base, "annotations", f"{split}.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    return {}


def clevr(root, rng):
    import json

    data = os.path.join(root, "clevr", "CLEVR_v1.0")
    for split in ("train", "val", "test"):
        names = [f"CLEVR_{split}_{k:06d}.png" for k in range(3)]
        for name in names:
            _png(os.path.join(data, "images", split, name), rng)
        if split != "test":
            os.makedirs(os.path.join(data, "scenes"), exist_ok=True)
            scenes = [{"image_filename": n, "objects": [{}] * int(rng.integers(3, 10))} for n in names]
            with open(os.path.join(data, "scenes", f"CLEVR_{split}_scenes.json"), "w") as f:
                json.dump({"scenes": scenes}, f)
    return {}


VOC_XML = """<annotation>
  <folder>VOC2012</folder><filename>{name}.jpg</filename>
  <size><width>7</width><height>6</height><depth>3</depth></size>
  <segmented>1</segmented>
{objects}</annotation>
"""
VOC_OBJECT = """  <object><name>{cls}</name><pose>Left</pose><truncated>0</truncated><difficult>0</difficult>
    <bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox></object>
"""


def voc(root, rng, year="2012"):
    from PIL import Image

    base = os.path.join(root, "VOCdevkit", f"VOC{year}")
    names = [f"{year}_{k:06d}" for k in range(4)]
    for name in names:
        _png(os.path.join(base, "JPEGImages", name + ".jpg"), rng, (6, 7))
        mask = Image.fromarray(rng.integers(0, 21, (6, 7), dtype=np.uint8), mode="P")
        mask.putpalette([v for i in range(256) for v in (i, 255 - i, (7 * i) % 256)])
        os.makedirs(os.path.join(base, "SegmentationClass"), exist_ok=True)
        mask.save(os.path.join(base, "SegmentationClass", name + ".png"))
        objects = "".join(VOC_OBJECT.format(cls=["dog", "cat", "person"][int(rng.integers(0, 3))],
                                            x0=int(rng.integers(0, 3)), y0=int(rng.integers(0, 3)),
                                            x1=int(rng.integers(4, 7)), y1=int(rng.integers(3, 6)))
                          for _ in range(int(rng.integers(1, 4))))
        os.makedirs(os.path.join(base, "Annotations"), exist_ok=True)
        with open(os.path.join(base, "Annotations", name + ".xml"), "w") as f:
            f.write(VOC_XML.format(name=name, objects=objects))
    for kind in ("Segmentation", "Main"):
        os.makedirs(os.path.join(base, "ImageSets", kind))
        for split, picked in (("train", names[:3]), ("val", names[3:]), ("trainval", names)):
            with open(os.path.join(base, "ImageSets", kind, split + ".txt"), "w") as f:
                f.write("\n".join(picked) + "\n")
    return {}


def flickr(root, rng):
    """Flickr8k: images '<id>_<secret>.jpg' and an HTML table of links and caption lists; Flickr30k:
    'name.jpg#k<TAB>caption' lines."""
    images = os.path.join(root, "images")
    ids = ["1000268201", "101654506", "1019077836"]
    rows = []
    for image_id in ids:
        _png(os.path.join(images, f"{image_id}_{rng.integers(10 ** 6)}.jpg"), rng)
        captions = "".join(f"<li>caption {k} of {image_id} </li>" for k in range(int(rng.integers(1, 4))))
        rows.append(f'<tr><td><a href="http://www.flickr.com/photos/x/{image_id}/">'
                    f'http://www.flickr.com/photos/x/{image_id}/</a></td><td><ul>{captions}</ul></td></tr>')
    rows.append("<tr><td>Image Not Found</td><td><ul><li>lost</li></ul></td></tr>")
    with open(os.path.join(root, "flickr8k.html"), "w") as f:
        f.write("<html><body><table>" + "".join(rows) + "</table></body></html>")
    with open(os.path.join(root, "results_20130124.token"), "w") as f:
        for image_id in ids:
            name = f"{image_id}.jpg"
            _png(os.path.join(images, name), rng)
            for k in range(int(rng.integers(1, 5))):
                f.write(f"{name}#{k}\tA caption {k}\n")
    return {}


def lfw(root, rng):
    """lfw-py/: the funneled images, the (stand-in) archive they came from, people/pairs lists, names."""
    base = os.path.join(root, "lfw-py")
    people = {"Aaron_Peirsol": 3, "Abel_Pacheco": 2, "Zico": 2, "Zoe_Ball": 1}
    for name, count in people.items():
        for n in range(1, count + 1):
            _png(os.path.join(base, "lfw_funneled", name, f"{name}_{n:04d}.jpg"), rng)
    texts = {
        "lfw-funneled.tgz": "stand-in for the image archive\n",
        "lfw-names.txt": "".join(f"{name}\t{count}\n" for name, count in people.items()),
        "people.txt": "2\n2\nAaron_Peirsol\t3\nZico\t2\n2\nAbel_Pacheco\t2\nZoe_Ball\t1\n",
        "peopleDevTrain.txt": "2\nZoe_Ball\t1\nAaron_Peirsol\t3\n",
        "pairs.txt": "2\t1\nAaron_Peirsol\t1\t3\nZico\t1\tZoe_Ball\t1\nAbel_Pacheco\t1\t2\nAaron_Peirsol\t2\tZico\t2\n",
        "pairsDevTest.txt": ("2\nAaron_Peirsol\t1\t2\nZico\t1\t2\nZoe_Ball\t1\tZico\t2\n"
                             "Abel_Pacheco\t2\tAaron_Peirsol\t3\n"),
    }
    sums = {}
    for name, text in texts.items():
        with open(os.path.join(base, name), "w") as f:
            f.write(text)
        sums[name] = md5(os.path.join(base, name))
    checksums = {"pairs.txt": sums["pairs.txt"], "pairsDevTest.txt": sums["pairsDevTest.txt"],
                 "pairsDevTrain.txt": "0" * 32, "people.txt": sums["people.txt"], "peopleDevTest.txt": "0" * 32,
                 "peopleDevTrain.txt": sums["peopleDevTrain.txt"], "lfw-names.txt": sums["lfw-names.txt"]}
    file_dict = {"original": ["lfw", "lfw.tgz", "0" * 32],
                 "funneled": ["lfw_funneled", "lfw-funneled.tgz", sums["lfw-funneled.tgz"]],
                 "deepfunneled": ["lfw-deepfunneled", "lfw-deepfunneled.tgz", "0" * 32]}
    return {"checksums": checksums, "file_dict": file_dict}


def stanford_cars(root, rng):
    """The devkit's MATLAB struct arrays: annotations (bbox, class, fname) and class names."""
    import scipy.io

    base = os.path.join(root, "stanford_cars")
    names = np.array(["AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Audi R8 Coupe 2012"], dtype=object)
    os.makedirs(os.path.join(base, "devkit"))
    scipy.io.savemat(os.path.join(base, "devkit", "cars_meta.mat"), {"class_names": names[None]})
    fields = [("bbox_x1", "O"), ("bbox_y1", "O"), ("bbox_x2", "O"), ("bbox_y2", "O"), ("class", "O"), ("fname", "O")]
    for split, path in (("train", os.path.join(base, "devkit", "cars_train_annos.mat")),
                        ("test", os.path.join(base, "cars_test_annos_withlabels.mat"))):
        records = np.zeros((1, 4), dtype=fields)
        for k in range(4):
            fname = f"{k + 1:05d}.jpg"
            _png(os.path.join(base, f"cars_{split}", fname), rng)
            records[0, k] = (1, 2, 5, 4, np.uint8(rng.integers(1, 4)), fname)
        scipy.io.savemat(path, {"annotations": records})
    return {}


def places365(root, rng):
    categories = ["/a/airfield", "/a/apartment_building/outdoor", "/b/bakery/shop"]
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "categories_places365.txt"), "w") as f:
        f.write("".join(f"{c} {i}\n" for i, c in enumerate(categories)))
    train, val = [], []
    for i, c in enumerate(categories):
        for k in range(2):
            name = f"{c}/{k:08d}.jpg"
            _png(os.path.join(root, "data_256_standard", *name.strip("/").split("/")), rng)
            train.append(f"{name} {i}")
    for k in range(3):
        name = f"Places365_val_{k + 1:08d}.jpg"
        _png(os.path.join(root, "val_256", name), rng)
        val.append(f"{name} {int(rng.integers(0, 3))}")
    for filename, lines in (("places365_train_standard.txt", train), ("places365_val.txt", val)):
        with open(os.path.join(root, filename), "w") as f:
            f.write("\n".join(lines) + "\n")
    absent = "0" * 32
    return {"_CATEGORIES_META": ["categories_places365.txt", md5(os.path.join(root, "categories_places365.txt"))],
            "_FILE_LIST_META": {"train-standard": ["places365_train_standard.txt",
                                                   md5(os.path.join(root, "places365_train_standard.txt"))],
                                "train-challenge": ["places365_train_challenge.txt", absent],
                                "val": ["places365_val.txt", md5(os.path.join(root, "places365_val.txt"))],
                                "test": ["places365_test.txt", absent]}}


def sbu(root, rng):
    """dataset/ with the URL and caption lists and the photos that could be fetched (one is missing)."""
    folder = os.path.join(root, "dataset")
    urls, captions = [], []
    for k in range(4):
        photo = f"{rng.integers(10 ** 9)}_{k}.jpg"
        urls.append(f"http://static.flickr.com/{k}/{photo}")
        captions.append(f"a caption number {k}")
        if k != 2:
            _png(os.path.join(folder, photo), rng)
    with open(os.path.join(folder, "SBU_captioned_photo_dataset_urls.txt"), "w") as f:
        f.write("\n".join(urls) + "\n")
    with open(os.path.join(folder, "SBU_captioned_photo_dataset_captions.txt"), "w") as f:
        f.write("\n".join(captions) + "\n")
    archive = os.path.join(root, "SBUCaptionedPhotoDataset.tar.gz")
    with open(archive, "wb") as f:
        f.write(b"stand-in for the archive the lists came from")
    return {"md5_checksum": md5(archive)}


def kitti(root, rng):
    raw = os.path.join(root, "Kitti", "raw")
    for location in ("training", "testing"):
        for k in range(3):
            _png(os.path.join(raw, location, "image_2", f"{k:06d}.png"), rng)
            if location == "training":
                os.makedirs(os.path.join(raw, location, "label_2"), exist_ok=True)
                rows = [" ".join([["Car", "Pedestrian", "Cyclist"][int(rng.integers(0, 3))], "0.00", "1",
                                  f"{rng.uniform(-3, 3):.2f}"] + [f"{v:.2f}" for v in rng.uniform(0, 100, 10)] +
                                 [f"{rng.uniform(-3, 3):.2f}"]) for _ in range(int(rng.integers(1, 4)))]
                with open(os.path.join(raw, location, "label_2", f"{k:06d}.txt"), "w") as f:
                    f.write("\n".join(rows) + "\n")
    return {}


def widerface(root, rng):
    """widerface/WIDER_{train,val,test}/images/<event>/*.jpg and the box files; one image has no face."""
    base = os.path.join(root, "widerface")
    for name in ("WIDER_train", "WIDER_val", "WIDER_test", "wider_face_split"):
        os.makedirs(os.path.join(base, name), exist_ok=True)
    for split in ("train", "val", "test"):
        lines = []
        for k in range(3):
            name = f"0--Parade/0_Parade_marchingband_1_{k}.jpg"
            _png(os.path.join(base, f"WIDER_{split}", "images", *name.split("/")), rng)
            count = 0 if k == 1 else int(rng.integers(1, 4))
            lines += [name, str(count)] + [" ".join(str(v) for v in rng.integers(0, 9, 10))
                                           for _ in range(count)] + (["0 0 0 0 0 0 0 0 0 0"] if count == 0 else [])
        filename = "wider_face_test_filelist.txt" if split == "test" else f"wider_face_{split}_bbx_gt.txt"
        if split == "test":  # the test list names the images only
            lines = [line for line in lines if line.endswith(".jpg")]
        with open(os.path.join(base, "wider_face_split", filename), "w") as f:
            f.write("\n".join(lines) + "\n")
    return {}
