"""The ``ti10cu2`` command line: one entry point, one subcommand per analysis.

Every module in :mod:`ti10cu2_lib.commands` registers its subcommands. User errors
(:class:`~ti10cu2_lib.core.errors.InputError`) print one line to stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from ti10cu2_lib import commands
from ti10cu2_lib.core.errors import InputError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="ti10cu2",
        description="Analyses of the two {Ti10Cu2} crystal forms (Meng et al., Inorg. Chem. Front. 2023, 10, 5694). "
                    "Every number is printed with its provenance.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name == "common":
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"ti10cu2 {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":
    sys.exit(main())
