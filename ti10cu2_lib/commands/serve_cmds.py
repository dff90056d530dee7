"""``ti10cu2 serve``: serve the dashboard (the same as ``make serve`` once installed)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import REPO_DIR
from ti10cu2_lib.survey.embedded import SURVEY_ENV

DASHBOARD = REPO_DIR / "dashboard" / "app.py"


def _serve(args: argparse.Namespace) -> int:
    if not DASHBOARD.exists():
        raise InputError("dashboard/app.py not found next to the package", path=DASHBOARD,
                         fix="run from a checkout of the ti10cu2 repository (pip install -e .)")
    origins = [f"--allow-websocket-origin={host}:{args.port}" for host in ("localhost", "127.0.0.1", args.address)]
    command = [sys.executable, "-m", "panel", "serve", str(DASHBOARD), "--port", str(args.port),
               "--address", args.address, *dict.fromkeys(origins),
               "--unused-session-lifetime", "60000",  # a slow page load must not outlive its session (15 s default)
               "--warm"]  # run the app once at start-up: the shared analyses are cached before the first visitor
    if args.survey is not None:
        if not args.survey.exists():
            raise InputError("no survey table here", path=args.survey,
                             fix="give the --out of a 'ti10cu2 survey' run (a directory) or a Parquet file")
        os.environ[SURVEY_ENV] = str(args.survey.resolve())  # the Survey tab reads it (inherited by panel serve)
    if args.num_procs > 1:
        command += ["--num-procs", str(args.num_procs)]
    os.execv(sys.executable, command)  # replaces this process; returns only on failure
    return 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve")
    p.add_argument("--port", type=int, default=5006)
    p.add_argument("--address", default="127.0.0.1", help="interface to listen on (default: this machine only)")
    p.add_argument("--num-procs", type=int, default=1, help="worker processes (sessions are not shared across them)")
    p.add_argument("--survey", type=Path, default=None, metavar="FILE",
                   help="survey table for the Survey tab ('ti10cu2 survey' output; default: the embedded one; "
                        f"the same as setting ${SURVEY_ENV})")
    p.set_defaults(func=_serve)
