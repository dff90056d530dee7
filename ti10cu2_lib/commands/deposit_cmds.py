"""``ti10cu2 import-cif`` and ``ti10cu2 fetch-structures``: bring in the authors' deposited CIFs."""

from __future__ import annotations

import argparse
import dataclasses

from ti10cu2_lib.commands.common import add_json_flag, emit
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.structure.cif import load_cif_blocks
from ti10cu2_lib.structure.deposit import import_cif
from ti10cu2_lib.structure.fetch import CCDC_NUMBERS, HOW_TO, fetch_cif
from ti10cu2_lib.structure.recognition import expected_form


def _import(args: argparse.Namespace) -> int:
    imported = import_cif(args.file, form=args.form, block=args.block, force=args.force)
    payload = {"imported": [dataclasses.asdict(i) for i in imported],
               "provenance": {"provenance": "deposited", "source": f"CIF {args.file} imported by the user"}}
    rows = [{"form": i.form, "block": i.block, "matched_by": i.matched_by or "forced",
             "notes": "; ".join(i.notes + i.warnings)[:90]} for i in imported]
    return emit(args, payload, rows)


def _validate(path) -> str:
    recognised = [f"{b.name} → {expected_form(b).form}" for b in load_cif_blocks(path)]
    return "blocks: " + ", ".join(recognised)


def _fetch(args: argparse.Namespace) -> int:
    results = []
    for ccdc in CCDC_NUMBERS:
        path, attempts = fetch_cif(ccdc, _validate)
        imported = []
        if path is not None:
            try:
                imported = [dataclasses.asdict(i) for i in import_cif(path)]
            finally:
                path.unlink(missing_ok=True)
        results.append({"ccdc": ccdc, "imported": imported,
                        "attempts": [dataclasses.asdict(a) for a in attempts]})
    if not any(r["imported"] for r in results):
        tried = "; ".join(f"{a['url']}: {a['detail']}" for r in results for a in r["attempts"])
        raise InputError(f"could not download the deposited CIFs ({tried})", fix=HOW_TO)
    return emit(args, {"results": results,
                       "provenance": {"provenance": "deposited", "source": "downloaded deposited CIFs"}},
                [{"ccdc": r["ccdc"], "imported": ", ".join(i["form"] for i in r["imported"]) or "no"}
                 for r in results])


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import-cif")
    p.add_argument("file", help="the deposited CIF (CCDC 2277134 / 2277142), single- or multi-block")
    p.add_argument("--form", choices=("sp", "cs"), default=None, help="which form the block is (default: recognise)")
    p.add_argument("--block", default=None, help="import only this data block")
    p.add_argument("--force", action="store_true", help="with --form: import even if composition/symmetry differ")
    add_json_flag(p)
    p.set_defaults(func=_import)

    p = subparsers.add_parser("fetch-structures")
    add_json_flag(p)
    p.set_defaults(func=_fetch)
