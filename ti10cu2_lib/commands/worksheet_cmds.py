"""``ti10cu2 worksheet [--answers]``: the classroom worksheet's questions, and the answer key computed from the data."""

from __future__ import annotations

import argparse


def _worksheet(args: argparse.Namespace) -> int:
    from ti10cu2_lib.commands.common import emit
    from ti10cu2_lib.report.worksheet import QUESTIONS, worksheet_answers

    answers = {a.id: a for a in worksheet_answers()} if args.answers else {}
    if args.json:
        return emit(args, {"questions": [vars(q) for q in QUESTIONS],
                           "answers": [vars(a) for a in answers.values()]})
    for i, q in enumerate(QUESTIONS, start=1):
        print(f"{i}. {q.text}\n   where: {q.where}; hint: {q.hint}")
        if q.id in answers:
            print(f"   ANSWER (computed from the data in use): {answers[q.id].text}")
        print()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from ti10cu2_lib.commands.common import add_json_flag

    p = subparsers.add_parser("worksheet")
    p.add_argument("--answers", action="store_true", help="also print the answer key (computed from the data in use)")
    add_json_flag(p)
    p.set_defaults(func=_worksheet)
