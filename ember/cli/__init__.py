"""The ``ember`` command: ``ember train``, ``ember info`` and ``ember run``."""
import argparse
import sys


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Help that ends each option with its default (unless the text already explains it) and keeps the
    description's own line breaks."""

    def _get_help_string(self, action):
        if action.default is None or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def main(argv=None):
    """Run the ``ember`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    from . import info, train

    parser = argparse.ArgumentParser(prog="ember", description="Ember: PyTorch's API on NumPy.",
                                     formatter_class=HelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    train.add_parser(sub, HelpFormatter)
    info.add_parser(sub, HelpFormatter)
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
