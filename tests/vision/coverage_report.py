"""Coverage by name of torchvision's datasets and transforms (v1, v2 and their functional modules) in
ember.vision, with what is left out on purpose and why.

    python tests/vision/coverage_report.py [path/to/python/with/torchvision]

torchvision's names are listed by the given interpreter (default: the one tests/vision/reference.py
finds); Ember's are looked up in this checkout.
"""
import json
import os
import subprocess
import sys

NAMESPACES = {  # Ember module: torchvision module
    "ember.vision.datasets": "torchvision.datasets",
    "ember.vision.transforms": "torchvision.transforms",
    "ember.vision.transforms.functional": "torchvision.transforms.functional",
    "ember.vision.transforms.v2": "torchvision.transforms.v2",
    "ember.vision.transforms.v2.functional": "torchvision.transforms.v2.functional",
}

_VIDEO = "videos: Ember has no video decoding"
_BOXES = "bounding boxes, masks and keypoints: Ember's v2 handles images only (no tv_tensors)"
_STEREO = "optical flow and stereo pairs: large multi-file formats, not yet"
_OPTIONAL_LIB = "needs a library Ember does not depend on"
_DOWNLOAD_ONLY = "no public download with checksums to test against (manual or gated download)"
_NOT_YET = "not yet: a folder-of-images or annotation-file reader like the others, left for later"
LEFT_OUT = {
    "torchvision.datasets": {
        **{n: _STEREO for n in ("CREStereo", "CarlaStereo", "ETH3DStereo", "FallingThingsStereo", "FlyingChairs",
                                "FlyingThings3D", "HD1K", "InStereo2k", "Kitti2012Stereo", "Kitti2015Stereo",
                                "KittiFlow", "Middlebury2014Stereo", "SceneFlowStereo", "Sintel", "SintelStereo")},
        **{n: _VIDEO for n in ("HMDB51", "Kinetics", "UCF101")},
        "CocoCaptions": _OPTIONAL_LIB + " (pycocotools)", "CocoDetection": _OPTIONAL_LIB + " (pycocotools)",
        "LSUN": _OPTIONAL_LIB + " (lmdb)", "LSUNClass": _OPTIONAL_LIB + " (lmdb)", "PCAM": _OPTIONAL_LIB + " (h5py)",
        "ImageNet": _DOWNLOAD_ONLY, "Cityscapes": _DOWNLOAD_ONLY,
        "wrap_dataset_for_transforms_v2": _BOXES,
        **{n: _NOT_YET for n in ("INaturalist", "PhotoTour", "SBDataset")},
    },
    "torchvision.transforms.v2": {
        **{n: _BOXES for n in ("ClampBoundingBoxes", "ClampKeyPoints", "ConvertBoundingBoxFormat", "RandomIoUCrop",
                               "SanitizeBoundingBoxes", "SanitizeKeyPoints", "SetClampingMode", "get_bounding_boxes",
                               "get_keypoints", "check_type", "has_all", "has_any")},
        "UniformTemporalSubsample": _VIDEO,
    },
}


def _v2_functional_left_out(name):
    for marker, why in (("bounding_box", _BOXES), ("keypoint", _BOXES), ("_mask", _BOXES), ("video", _VIDEO),
                        ("num_frames", _VIDEO), ("temporal", _VIDEO)):
        if marker in name:
            return why
    return None


LISTER = """
import importlib, json, sys
out = {}
for module in sys.argv[1:]:
    m = importlib.import_module(module)
    names = getattr(m, "__all__", None) or [n for n in dir(m) if not n.startswith("_")]
    out[module] = sorted(n for n in names if not (isinstance(getattr(m, n, None), type(sys)) and n != "functional"))
print(json.dumps(out))
"""
# Names torchvision's modules import for their own use, not API.
_NOT_API = {"Any", "Enum", "F_pil", "F_t", "Image", "Optional", "PILImage", "Tensor", "Union", "accimage", "math",
            "np", "numbers", "sys", "torch", "warnings", "pil_modes_mapping", "functional", "register_kernel"}


def torchvision_names(python):
    out = subprocess.run([python, "-c", LISTER, *NAMESPACES.values()], capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    return {module: [n for n in names if n not in _NOT_API] for module, names in json.loads(out.stdout).items()}


def why_left_out(module, name):
    reason = LEFT_OUT.get(module, {}).get(name)
    if reason is None and module == "torchvision.transforms.v2.functional":
        reason = _v2_functional_left_out(name)
    return reason


def report(python):
    import importlib

    theirs = torchvision_names(python)
    rows, missing = [], {}
    for ours_name, their_name in NAMESPACES.items():
        ours = importlib.import_module(ours_name)
        names = theirs[their_name]
        have = [n for n in names if hasattr(ours, n)]
        lacking = [n for n in names if not hasattr(ours, n)]
        missing[their_name] = {n: why_left_out(their_name, n) for n in lacking}
        rows.append((their_name, len(have), len(names)))
    return rows, missing


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from reference import reference_python

    python = sys.argv[1] if len(sys.argv) > 1 else reference_python()
    version = subprocess.run([python, "-c", "import torchvision; print(torchvision.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    rows, missing = report(python)
    print(f"ember.vision against torchvision {version}\n")
    print(f"{'namespace':40s} {'Ember has':>10s} {'of':>5s} {'share':>7s}")
    for name, have, total in rows:
        print(f"{name:40s} {have:10d} {total:5d} {have / total:7.0%}")
    for name, lacking in missing.items():
        if not lacking:
            continue
        print(f"\n{name}: left out")
        by_reason = {}
        for n, why in lacking.items():
            by_reason.setdefault(why or "NOT LISTED: missing without a reason", []).append(n)
        for why, names in sorted(by_reason.items()):
            print(f"  {why}:\n    {', '.join(names)}")


if __name__ == "__main__":
    main()
