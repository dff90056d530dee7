"""Shared CLI plumbing: input selection (file or embedded default), option types, JSON/table output, provenance.

Numeric options use the argparse ``type=`` helpers here (:func:`finite_float`, :func:`positive_float`,
:func:`non_negative_float`, :func:`positive_int`, :func:`fraction`, or :func:`number_in` for other ranges): NaN,
inf and out-of-range values are refused by argparse (``error: argument --x: …``, exit status 2) before any work.
Lists and ranges given as one comma-separated option (:func:`parse_numbers`, :func:`parse_range`) are checked
when the command runs and refused as a one-line :class:`~ti10cu2_lib.core.errors.InputError`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.results import to_jsonable
from ti10cu2_lib.data.kinds import FORMS, KINDS
from ti10cu2_lib.data.tables import clip

if TYPE_CHECKING:
    from ti10cu2_lib.data.kinds import Dataset


# ---------------------------------------------------------------------------------------------------
# option values


def number_in(low: float | None = None, high: float | None = None, *, low_open: bool = False,
              high_open: bool = False, integer: bool = False) -> Callable[[str], float]:
    """An argparse ``type=``: a finite number (a whole one with ``integer``) in the range low…high.

    ``None`` leaves a side unbounded; ``low_open``/``high_open`` exclude the bound itself. A bad value raises
    :class:`argparse.ArgumentTypeError` saying what is wanted, e.g. ``'-5' is not a whole number ≥ 1``.
    """
    parts = [f"{'>' if low_open else '≥'} {low:g}" if low is not None else "",
             f"{'<' if high_open else '≤'} {high:g}" if high is not None else ""]
    wanted = ("a whole number" if integer else "a finite number") + (
        " " + " and ".join(p for p in parts if p) if any(parts) else "")

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        ok = math.isfinite(value) and (not integer or value == int(value))
        ok = ok and (low is None or (value > low if low_open else value >= low))
        ok = ok and (high is None or (value < high if high_open else value <= high))
        if not ok:
            raise argparse.ArgumentTypeError(f"'{clip(text, 30)}' is not {wanted}")
        return int(value) if integer else value

    convert.__name__ = wanted
    return convert


finite_float = number_in()
positive_float = number_in(0, low_open=True)
non_negative_float = number_in(0)
positive_int = number_in(1, integer=True)
fraction = number_in(0, 1, low_open=True)


def parse_numbers(text: str | None, option: str, example: str) -> list[float] | None:
    """``'20,60,100'`` → ``[20.0, 60.0, 100.0]`` (``None`` stays ``None``); every item a finite number."""
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        values = [math.nan]
    if not values or not all(math.isfinite(v) for v in values):
        raise InputError(f"{option} '{clip(text)}' is not a comma-separated list of finite numbers",
                         fix=f"write e.g. {option} {example}")
    return values


def parse_range(text: str | None, option: str, example: str, *, positive: bool = False
                ) -> tuple[float, float] | None:
    """``'LO,HI'`` → ``(lo, hi)`` with finite lo < hi (and 0 < lo with ``positive``); ``None`` stays ``None``."""
    if text is None:
        return None
    try:
        lo, hi = (float(p) for p in text.split(","))
    except ValueError:
        raise InputError(f"{option} '{clip(text)}' is not two numbers LO,HI", fix=f"write e.g. {option} {example}"
                         ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and (lo > 0 or not positive)):
        raise InputError(f"{option} '{clip(text)}' needs {'0 < ' if positive else ''}LO < HI (finite numbers)",
                         fix=f"write e.g. {option} {example}")
    return lo, hi


# ---------------------------------------------------------------------------------------------------
# inputs and output


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """``--json``: machine-readable output instead of the human table."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def parse_units(pairs: Sequence[str] | None) -> dict[str, str]:
    """``["x=eV", "potential=mV"]`` → ``{"x": "eV", "potential": "mV"}``."""
    out: dict[str, str] = {}
    for pair in pairs or ():
        for item in pair.split(","):
            if "=" not in item:
                raise InputError(f"--units '{item}' is not QUANTITY=UNIT", fix="write e.g. --units potential=mV")
            key, value = item.split("=", 1)
            out[key.strip().lower()] = value.strip()
    return out


def add_input_args(parser: argparse.ArgumentParser, kind: str, *, x_unit: bool = False,
                   y_kinds: Sequence[str] | None = None) -> None:
    """FILE (optional: without it the dataset registered for --form is used) plus --form and unit flags."""
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help=f"{KINDS[kind].description}; columns {KINDS[kind].columns}. "
                             "Omit to use the dataset registered for --form (user > deposited > reconstructed)")
    parser.add_argument("--form", choices=FORMS, default=None,
                        help="which form: the default dataset to use without FILE, or the label of FILE")
    parser.add_argument("--units", action="append", metavar="QUANTITY=UNIT",
                        help="units the header does not state, e.g. potential=mV, current=nA")
    if x_unit:
        parser.add_argument("--x-unit", choices=("nm", "eV"), default=None, help="unit of a bare x column")
    if y_kinds:
        parser.add_argument("--y-kind", choices=tuple(y_kinds), default=None, help="what the y column holds")
    parser.set_defaults(data_kind=kind)


def input_dataset(args: argparse.Namespace, metadata: Mapping[str, Any] | None = None) -> Dataset:
    """The dataset a command works on: FILE (provenance user) or the registered dataset for --form (sp)."""

    from ti10cu2_lib.data import datasets
    from ti10cu2_lib.data.readers import read_dataset

    kind = args.data_kind
    if args.file:
        units = parse_units(getattr(args, "units", None))
        if getattr(args, "x_unit", None):
            units.setdefault("x", args.x_unit)
        return read_dataset(args.file, kind, form=args.form, units=units, y_kind=getattr(args, "y_kind", None),
                            metadata=metadata)
    dataset = datasets.load(args.form or "sp", kind)
    if metadata:
        dataset = dataclasses.replace(dataset, metadata={**dataset.metadata, **metadata})
    return dataset


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple) and all(isinstance(v, int | float) for v in value):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    return str(value)


def format_table(rows: Iterable[Mapping[str, Any]]) -> str:
    """Plain aligned text table of dict rows (same keys)."""
    rows = list(rows)
    if not rows:
        return "(no rows)"
    keys = list(rows[0])
    cells = [[_format(r.get(k, "")) for k in keys] for r in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    lines = ["  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def provenance_lines(payload: Any) -> list[str]:
    """Human lines for every ``provenance`` found in a payload (top level first)."""
    found: list[dict] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            prov = node.get("provenance")
            if isinstance(prov, Mapping) and prov not in found:
                found.append(dict(prov))
            for key, value in node.items():
                if key != "provenance":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    lines = []
    for prov in found[:6]:
        data = f" (data: {', '.join(prov['data_provenance'])})" if prov.get("data_provenance") else ""
        lines.append(f"provenance: {prov['provenance']}{data} — {prov['source']}")
    if len(found) > 6:
        lines.append(f"provenance: … and {len(found) - 6} more (see --json)")
    return lines


def emit(args: argparse.Namespace, payload: Any, table: str | Iterable[Mapping[str, Any]] | None = None) -> int:
    """Print ``payload`` as JSON (``--json``) or ``table`` plus provenance lines; returns exit code 0."""
    data = to_jsonable(payload)
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, indent=1, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    if table is None:
        table = [{"quantity": k, "value": v} for k, v in data.items()
                 if k != "provenance" and not isinstance(v, dict | list)] if isinstance(data, dict) else []
    print(table if isinstance(table, str) else format_table(table))
    for line in provenance_lines(data):
        print(line)
    return 0
