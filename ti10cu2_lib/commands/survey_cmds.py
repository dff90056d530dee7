"""``ti10cu2 survey``: packing descriptors of every CIF under some folders, on Dask, into a Parquet dataset.

``--json`` prints the summary ``{n_files, n_skipped, n_blocks, n_ok, n_error, n_timeout, wall_s, workers, out}``
(counts over the whole dataset, wall time in s). The rows themselves are in ``OUT`` (read them with pandas
``read_parquet(OUT)`` or :func:`ti10cu2_lib.survey.run.read_survey`); every value is ``computed`` from the CIF it
names.
"""

from __future__ import annotations

import argparse
import sys

from ti10cu2_lib.commands.common import add_json_flag, emit, number_in
from ti10cu2_lib.survey.run import DEFAULT_FILES_PER_TASK, DEFAULT_TIMEOUT_S, run_survey


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``survey`` subcommand."""
    p = subparsers.add_parser(
        "survey", description="Every CIF under PATH (recursively; each data block with atom sites a row): formula, "
                              "space group, Z, bond-network dimensionality, components, centroid coordination number "
                              "and distances, packing coefficient, stacking, chain axis, metal coordination, BFDH "
                              "habit; a row with status 'error' or 'timeout' and a one-line message for a block "
                              "that cannot be analysed. Runs on Dask: a local cluster, or --scheduler ADDRESS.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="CIF files or folders holding them")
    p.add_argument("--out", required=True, metavar="FILE.parquet",
                   help="output dataset: a directory of Parquet parts, one per batch of files")
    p.add_argument("--workers", type=number_in(1, 256, integer=True), default=2, metavar="N",
                   help="single-threaded worker processes of the local cluster (default 2)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="use a running Dask scheduler, e.g. tcp://10.0.0.5:8786, instead of a local cluster")
    p.add_argument("--resume", action="store_true", help="continue a survey in OUT: skip the files already done")
    p.add_argument("--timeout-s", type=number_in(0, None, low_open=True), default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"time limit per file in seconds (default {DEFAULT_TIMEOUT_S:g}); over it the worker is "
                        "restarted and the file gets a 'timeout' row")
    p.add_argument("--files-per-task", type=number_in(1, 1000, integer=True), default=DEFAULT_FILES_PER_TASK,
                   metavar="K", help=f"files per Dask task (default {DEFAULT_FILES_PER_TASK})")
    add_json_flag(p)
    p.set_defaults(func=cmd_survey)


def cmd_survey(args: argparse.Namespace) -> int:
    summary = run_survey(args.paths, args.out, workers=int(args.workers), scheduler=args.scheduler,
                         resume=args.resume, timeout_s=args.timeout_s, files_per_task=int(args.files_per_task),
                         progress=sys.stderr.isatty() and not args.json)
    data = summary.to_dict()
    rows = [{"quantity": k, "value": round(v, 1) if k == "wall_s" else v} for k, v in data.items()]
    return emit(args, data, rows)
