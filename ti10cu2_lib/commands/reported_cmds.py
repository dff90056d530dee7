"""``ti10cu2 reported``: every number of the article, with its place in the article and whether it is printed there."""

from __future__ import annotations

import argparse

from ti10cu2_lib.commands.common import add_json_flag, emit
from ti10cu2_lib.data.kinds import FORMS
from ti10cu2_lib.data.registry import DERIVED_FROM_REPORTED, default_registry


def _reported(args: argparse.Namespace) -> int:
    registry = default_registry()
    values = [v.to_dict() for v in registry.values]
    if args.form:
        values = [v for v in values if v["form"] in (args.form, "both")]
    payload = {"values": values, "claims": [vars(c) for c in registry.claims],
               "provenance": {"provenance": "reported",
                              "source": "Meng et al., Inorg. Chem. Front. 2023, 10, 5694 (each value names its place); "
                                        f"values with reported_basis 'derived' are not printed there: we derived "
                                        f"them from printed values (provenance '{DERIVED_FROM_REPORTED}')"}}
    rows = [{"id": v["id"], "form": v["form"], "value": v["value"], "unit": v["unit"], "provenance": v["provenance"],
             "source": v["source"][:50]} for v in values]
    return emit(args, payload, rows)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("reported")
    p.add_argument("--form", choices=FORMS, default=None)
    add_json_flag(p)
    p.set_defaults(func=_reported)
