"""``ember info``: versions, devices and where datasets are looked for.

Versions come from the installed packages' metadata (importlib.metadata), so nothing is imported
to read them: the command stays fast however heavy the optional packages are."""
import importlib.metadata
import platform

from .data import search_roots

DESCRIPTION = """\
Print the versions of Ember, Python, NumPy and the optional packages Ember uses (read
from the packages' metadata, without importing them), the devices Ember can run on,
its thread count, and where `ember train` looks for datasets."""

# The optional packages Ember uses, by the module name code imports (a distribution's name can differ:
# Pillow provides PIL, cupy-cuda12x provides cupy).
OPTIONAL = ("PIL", "matplotlib", "tqdm", "threadpoolctl", "cupy", "mpi4py")


def add_parser(sub, formatter):
    """Add ``ember info`` to the ``ember`` command's subparsers."""
    p = sub.add_parser("info", help="print versions, devices and dataset locations", formatter_class=formatter,
                       description=DESCRIPTION)
    p.set_defaults(func=run)


def versions(modules):
    """{module: "distribution version"} read from package metadata, or "not installed"."""
    providers = importlib.metadata.packages_distributions()
    found = {}
    for module in modules:
        dists = providers.get(module, [])
        found[module] = ", ".join(f"{d} {importlib.metadata.version(d)}" if d.lower() != module.lower() else
                                  importlib.metadata.version(d) for d in dict.fromkeys(dists)) or "not installed"
    return found


def run(args):
    """Print the report; returns the exit status."""
    import ember

    print(f"{'ember':<14} {ember.__version__} (PyTorch API {ember.version.pytorch_api})")
    print(f"{'python':<14} {platform.python_version()} ({platform.machine()})")
    for name, version in versions(("numpy",) + OPTIONAL).items():
        print(f"{name:<14} {version}")
    print("devices        cpu" + (f", cuda x{ember.cuda.device_count()}" if ember.cuda.is_available() else
                                  " (no CUDA device usable: cupy missing or no GPU)"))
    print(f"{'threads':<14} {ember.get_num_threads()}")
    print("datasets are looked for in, in order:")
    for label, path in search_roots(None):
        print(f"  {label:<12} {path}")
    return 0
