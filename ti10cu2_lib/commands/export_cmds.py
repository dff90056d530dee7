"""``ti10cu2 export OUTDIR``: a self-contained offline site (the dashboard with both forms embedded + notebooks)."""

from __future__ import annotations

import argparse
import sys

from ti10cu2_lib.commands.common import add_json_flag, emit
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import REPO_DIR


def _dashboard_export():
    """The dashboard's static exporter (``dashboard/export.py``; the dashboard sits beside the installed library)."""
    if not (REPO_DIR / "dashboard" / "export.py").is_file():
        raise InputError("the dashboard sources (dashboard/export.py) are not next to the library",
                         path=REPO_DIR / "dashboard",
                         fix="run from a checkout of the ti10cu2 repository (pip install -e .)")
    if str(REPO_DIR) not in sys.path:
        sys.path.insert(0, str(REPO_DIR))
    from dashboard.export import export_site

    return export_site


def _export(args: argparse.Namespace) -> int:
    export_site = _dashboard_export()
    report = export_site(args.outdir, notebooks=not args.no_notebooks, execute=not args.no_execute,
                         timeout=args.timeout, book=not args.no_book)
    payload = {
        "outdir": str(report.outdir), "index": str(report.index), "files": [str(f) for f in report.files],
        "removed_external_tags": report.removed_external,
        "notebooks": [{"name": n.name, "status": n.status, "html": n.html, "seconds": round(n.seconds, 1),
                       "message": n.message} for n in report.notebooks],
        "notes": report.notes,
        "book": None if report.book is None else {k: report.book.get(k) for k in (
            "out", "seconds", "site_bytes", "max_site_bytes", "external_references", "returncode")},
    }
    for line in report.notes:
        print(f"ti10cu2 export: note: {line}", file=sys.stderr)
    if args.json:
        return emit(args, payload)
    print(f"wrote {len(report.files)} files to {report.outdir}")
    print(f"open {report.index} in a browser (works offline: no server, no network)")
    if report.book is not None:
        print(f"the notebooks as a book: {report.outdir / 'book' / 'index.html'}")
    for n in report.notebooks:
        print(f"  notebook {n.name}: {n.status} ({n.seconds:.0f} s){' — ' + n.message if n.message else ''}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export",
        description="Writes OUTDIR/index.html (the dashboard with both forms' precomputed results; the sp/cs toggle "
                    "works in the browser with no server and no network), results.json, tables/*.csv and, when "
                    "notebooks/ has notebooks and nbconvert is installed, the notebooks executed from a clean "
                    "kernel — as an offline book in OUTDIR/book/ (Sphinx + myst-nb, when the `book` extra is "
                    "installed; else one page per notebook in OUTDIR/notebooks/). Existing files of those names in "
                    "OUTDIR are overwritten.")
    p.add_argument("outdir", metavar="OUTDIR", help="directory to write (created if needed)")
    p.add_argument("--no-notebooks", action="store_true", help="export only the dashboard")
    p.add_argument("--no-execute", action="store_true", help="convert the notebooks without executing them")
    p.add_argument("--no-book", action="store_true",
                   help="one nbconvert page per notebook instead of the book (book/build.py)")
    p.add_argument("--timeout", type=int, default=600, metavar="S", help="per-cell execution timeout (600 s)")
    add_json_flag(p)
    p.set_defaults(func=_export)
