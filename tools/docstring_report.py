"""Which public names of Ember's API have no docstring: a count per module, and the names with --list.

    python tools/docstring_report.py [--list]

A module's public names are its ``__all__`` (else its names without a leading underscore), less
submodules, constants and other libraries' objects passed on unchanged; Tensor's are its methods and properties without a leading underscore. A name
counts as documented when the object itself carries a docstring (an inherited one does not count).
"""
import argparse
import importlib
import inspect
import os
import sys
import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

MODULES = ["ember", "ember.autograd", "ember.nn", "ember.nn.functional", "ember.nn.init", "ember.nn.utils",
           "ember.nn.utils.rnn", "ember.nn.utils.parametrize", "ember.nn.utils.parametrizations",
           "ember.nn.utils.prune", "ember.nn.parallel", "ember.optim", "ember.optim.lr_scheduler", "ember.linalg",
           "ember.fft", "ember.special", "ember.distributions", "ember.distributed", "ember.multiprocessing",
           "ember.amp", "ember.cuda", "ember.utils.data", "ember.utils.checkpoint", "ember.utils.tensorboard",
           "ember.onnx", "ember.hub", "ember.serialization", "ember.vision.models", "ember.vision.datasets",
           "ember.vision.transforms", "ember.vision.transforms.functional", "ember.vision.utils", "ember.vision.io",
           "ember.compat"]


def _own_doc(obj):
    if isinstance(obj, types.MemberDescriptorType):  # a slot: its text is the value in ``__slots__``
        doc = inspect.getdoc(obj)
    else:
        doc = vars(obj).get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return bool(doc and doc.strip())


def _embers(obj):
    """Whether ``obj`` is Ember's own (not, say, the standard library's ``multiprocessing.Process``, which
    ``ember.multiprocessing`` passes on as ``torch.multiprocessing`` does, documented where it comes from)."""
    module = getattr(obj, "__module__", None) or getattr(getattr(obj, "__self__", None), "__module__", None)
    return module is None or module.split(".")[0] == "ember"


def module_names(name):
    module = importlib.import_module(name)
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for n in names:
        obj = getattr(module, n)
        if callable(obj) and not inspect.ismodule(obj) and _embers(obj):
            yield n, obj


def tensor_names():
    from ember import Tensor

    for klass in reversed(Tensor.__mro__[:-1]):  # Tensor and its bases, not object
        for n, obj in vars(klass).items():
            if not n.startswith("_"):
                yield n, getattr(obj, "fget", obj)


def report():
    """[(label, public names, names without a docstring)], the modules first, then Tensor."""
    rows = []
    for name in MODULES:
        public = dict(module_names(name))
        rows.append((name, len(public), sorted(n for n, obj in public.items() if not _own_doc(obj))))
    public = dict(tensor_names())
    rows.append(("ember.Tensor (methods)", len(public), sorted(n for n, obj in public.items() if not _own_doc(obj))))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="also list the names without a docstring")
    args = parser.parse_args()
    total = missing_total = 0
    print(f"{'module':<28} {'public':>7} {'documented':>11} {'missing':>8}")
    for label, public, missing in report():
        total, missing_total = total + public, missing_total + len(missing)
        print(f"{label:<28} {public:>7} {public - len(missing):>11} {len(missing):>8}")
        if args.list and missing:
            print("    " + ", ".join(missing))
    print(f"{'total':<28} {total:>7} {total - missing_total:>11} {missing_total:>8}")


if __name__ == "__main__":
    main()
