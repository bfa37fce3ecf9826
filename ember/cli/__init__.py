"""The ``ember`` command: ``ember train``, ``ember info`` and ``ember run``."""
import argparse
import sys


def main(argv=None):
    from . import info, train

    parser = argparse.ArgumentParser(prog="ember", description="Ember: PyTorch's API on NumPy.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    train.add_parser(sub)
    info.add_parser(sub)
    runner = _runner()
    if runner is not None:
        runner.add_parser(sub)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.func(args) or 0


def _runner():
    try:
        from .. import run
    except ImportError:
        return None
    return run if hasattr(run, "add_parser") else None
