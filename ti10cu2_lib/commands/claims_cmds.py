"""``ti10cu2 claims``: every reported number and worded claim, with status, basis and data provenance."""

from __future__ import annotations

import argparse
from collections import Counter

from ti10cu2_lib.commands.common import add_json_flag, emit, format_table
from ti10cu2_lib.report.claims import STATUS_MEANINGS, Status, check_claims


def _claims(args: argparse.Namespace) -> int:
    checks = check_claims()
    if args.status:
        checks = [c for c in checks if c.status == args.status]
    payload = {"claims": [c.to_dict() for c in checks],
               "status_counts": dict(Counter(str(c.status) for c in checks)),
               "statuses": {s.value: s.name for s in Status},
               "status_meanings": {s.value: meaning for s, meaning in STATUS_MEANINGS.items()},
               "reported_basis_meanings": {"printed": "the article prints this value",
                                           "derived": "the article does not print it: we derived it from printed "
                                                      "values (the note says how)"}}
    if args.json:
        return emit(args, payload)
    rows = [{"id": c.id, "form": c.form, "reported": c.reported, "article": c.reported_basis, "unit": c.unit,
             "computed": "" if c.computed is None else c.computed, "status": c.status, "data": c.data_provenance}
            for c in checks]
    print(format_table(rows))
    print("\nNotes and caveats:")
    for c in checks:
        if c.note:
            print(f"- {c.id} ({c.form}) — {c.status}: {c.note}")
    print("\n" + ", ".join(f"{n} {s}" for s, n in payload["status_counts"].items()))
    print("\nStatuses:")
    for status, meaning in payload["status_meanings"].items():
        print(f"- {status}: {meaning}")
    print("Column 'article': printed = the article prints the reported value; derived = it does not, we derived it "
          "from printed values (badge 'derived from reported', never 'reported').")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("claims")
    p.add_argument("--status", choices=[s.value for s in Status], default=None, help="show only this status")
    add_json_flag(p)
    p.set_defaults(func=_claims)
