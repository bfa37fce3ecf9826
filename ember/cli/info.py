"""``ember info``: versions, devices and where datasets are looked for."""
import importlib
import platform

from .data import search_roots


def add_parser(sub):
    p = sub.add_parser("info", help="print versions, devices and dataset locations")
    p.set_defaults(func=run)


def _version(name):
    try:
        return getattr(importlib.import_module(name), "__version__", "installed")
    except ImportError:
        return "not installed"


def run(args):
    import ember

    print(f"ember        {ember.__version__}")
    print(f"python       {platform.python_version()} ({platform.machine()})")
    for name in ("numpy", "PIL", "matplotlib", "tqdm", "sklearn", "cupy", "mpi4py"):
        print(f"{name:<12} {_version(name)}")
    print(f"devices      cpu" + (f", cuda x{ember.cuda.device_count()}" if ember.cuda.is_available() else
                                 " (no CUDA device usable: cupy missing or no GPU)"))
    print(f"threads      {ember.get_num_threads() if hasattr(ember, 'get_num_threads') else 'default'}")
    print("datasets are looked for in, in order:")
    for label, path in search_roots(None):
        print(f"  {label:<12} {path}")
    return 0
