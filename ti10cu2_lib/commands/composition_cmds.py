"""``ti10cu2 composition [sp|cs]``: sum formula, molar mass, mass %, charge balance and oxide residue."""

from __future__ import annotations

import argparse

from ti10cu2_lib.analysis.composition import composition_of
from ti10cu2_lib.commands.common import add_json_flag, emit
from ti10cu2_lib.data.kinds import FORMS
from ti10cu2_lib.data.registry import DERIVED_FROM_REPORTED, default_registry


def _composition(args: argparse.Namespace) -> int:
    registry = default_registry()
    forms = [args.form] if args.form else list(FORMS)
    results = {form: composition_of(form, registry) for form in forms}
    rows = [{"form": form, "sum_formula": r.sum_formula, "M_g_per_mol": f"{r.molar_mass_g_per_mol:.1f}",
             **{f"{element}_percent": f"{value:.2f}" for element, value in r.mass_percent.items()},
             "charge": r.charge_balance.total_charge, "residue_percent": f"{r.tga_residue_percent:.2f}",
             "provenance": DERIVED_FROM_REPORTED}
            for form, r in results.items()]
    payload = results[args.form] if args.form else results
    return emit(args, payload, rows)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("composition",
        description="Composition of the formula the article prints for each form (sal = C7H4O3, salicylate "
                    "dianion; IUPAC/CIAAW 2021 abridged atomic weights). The article prints none of these numbers: "
                    "they are derived from its printed formulas. Both forms when FORM is omitted "
                    "(JSON keyed by form); one form gives the flat result.")
    p.add_argument("form", nargs="?", choices=FORMS, default=None, metavar="FORM", help="sp or cs")
    add_json_flag(p)
    p.set_defaults(func=_composition)
