"""Shared CLI plumbing: input selection (file or embedded default), JSON/table output, provenance lines."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.results import to_jsonable
from ti10cu2_lib.data.kinds import FORMS, KINDS

if TYPE_CHECKING:
    from ti10cu2_lib.data.kinds import Dataset


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
