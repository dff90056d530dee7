"""A self-contained offline site: the dashboard with both forms' results embedded, plus the executed notebooks.

:func:`export_site` writes ::

    OUTDIR/index.html            the dashboard (Bokeh/Panel JavaScript inline; the sp/cs/both toggle works in the
                                 browser with no server and no network; results precomputed, no Python in the page)
    OUTDIR/results.json          every result of both forms with its provenance (the dashboard's JSON bundle)
    OUTDIR/tables/*.csv          every table of the page, linked from it
    OUTDIR/book/                 the notebooks executed from clean kernels as an offline book (``book/build.py``:
                                 Sphinx + myst-nb; TOC, search, live widget views; shared JavaScript once), when the
                                 ``book`` extra is installed and the notebooks are executed
    OUTDIR/notebooks/*.html      otherwise: each notebook converted with nbconvert (executed when asked)
    OUTDIR/notebooks/index.html  list of the notebooks with their execution status (and links into the book)

The page is built by the dashboard's own layout code (``dashboard/``) with ``static=True``: the same tabs and
figures as the served app, the toggle switching visibility in JavaScript. What needs Python (uploads, the Tauc
window, the 3D viewer) is replaced by a note. Links to other hosts that Panel's page template adds (favicons) are
removed, so opening the page from disk makes no request at all.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import layout
from dashboard.state import DashboardState
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import REPO_DIR

BOOK_BUILDER = REPO_DIR / "book" / "build.py"

#: environment of the notebook kernels: Bokeh and Panel resources inline (no CDN) in the exported pages
INLINE_ENV = {"PANEL_INLINE": "true", "BOKEH_RESOURCES": "inline"}
NOTEBOOKS_DIR = REPO_DIR / "notebooks"

#: tags of the saved page that point at other hosts (Panel's template adds its favicons from a CDN)
_EXTERNAL_LINK = re.compile(r"""<link\b[^>]*\bhref=["']https?://[^"']*["'][^>]*>""", re.IGNORECASE)
_EXTERNAL_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["']https?://[^"']*["'][^>]*>\s*</script>""", re.IGNORECASE)


@dataclass
class NotebookResult:
    name: str
    status: str  # "executed", "failed", "not executed"
    html: str | None  # file name under notebooks/, when written
    seconds: float = 0.0
    message: str = ""
    title: str = ""  # the notebook's first heading


@dataclass
class ExportReport:
    outdir: Path
    index: Path
    files: list[Path] = field(default_factory=list)
    notebooks: list[NotebookResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    removed_external: int = 0
    book: dict | None = None  # book/build.py's report (book.json) when the book was built


def strip_external(text: str) -> tuple[str, int]:
    """Remove ``<link href="http…">`` and ``<script src="http…"></script>`` tags; returns (text, how many)."""
    text, n1 = _EXTERNAL_LINK.subn("", text)
    text, n2 = _EXTERNAL_SCRIPT.subn("", text)
    return text, n1 + n2


def localise_panel_assets(text: str, outdir: Path, folder: str = "_panel") -> tuple[str, list[Path]]:
    """Copy the Panel stylesheets (and the fonts they use) that the saved page references on Panel's CDN into
    ``outdir/folder`` and point the page at the copies; returns (text, files written).

    ``save(resources=INLINE)`` inlines the JavaScript but leaves the components' stylesheets as CDN URLs.
    """
    import shutil

    from panel.io.resources import CDN_DIST, DIST_DIR

    dist = Path(DIST_DIR)
    pattern = re.compile(re.escape(CDN_DIST) + r"([A-Za-z0-9@._/+-]+?)(\?v=[0-9A-Za-z.+-]*)?(?=[\"'\s)])")
    written: list[Path] = []

    def copy(rel: str) -> bool:
        source = (dist / rel).resolve()
        if not source.is_file() or dist.resolve() not in source.parents:
            return False
        target = outdir / folder / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
            if source.suffix == ".css":  # fonts and images the stylesheet loads, relative to it
                for ref in re.findall(r"url\(['\"]?([^'\")?#]+)", source.read_text(encoding="utf-8", errors="ignore")):
                    if not ref.startswith(("data:", "http:", "https:", "/")):
                        copy(str(Path(rel).parent / ref).replace("\\", "/"))
        return True

    def replace(match: re.Match) -> str:
        rel = match.group(1)
        return f"{folder}/{rel}" if copy(rel) else match.group(0)

    return pattern.sub(replace, text), written


def _safe_table_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def export_dashboard(outdir: Path, *, notebooks_link: bool = False) -> tuple[Path, list[Path], int]:
    """Write index.html, results.json and tables/ into ``outdir``; returns (index, files, external tags removed)."""
    import panel as pn
    from bokeh.resources import INLINE

    pn.extension(*layout.EXTENSIONS)
    state = DashboardState()
    links = [("results.json", "all results with provenance (JSON)")]
    if notebooks_link:
        links.append(("notebooks/index.html", "the executed notebooks"))
    page, state, ctx = layout.build_dashboard(state, static=True, links=links)
    outdir.mkdir(parents=True, exist_ok=True)
    index = outdir / "index.html"
    page.save(str(index), resources=INLINE, title=layout.TITLE)
    text, assets = localise_panel_assets(index.read_text(encoding="utf-8"), outdir)
    text, removed = strip_external(text)
    index.write_text(text, encoding="utf-8")
    files = [index, *assets]
    tables = outdir / "tables"
    tables.mkdir(exist_ok=True)
    for name, data in ctx.tables.items():
        path = tables / _safe_table_name(name)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        files.append(path)
    results = outdir / "results.json"
    results.write_text(json.dumps(state.results_bundle(), indent=1, ensure_ascii=False, allow_nan=False),
                       encoding="utf-8")
    files.append(results)
    return index, files, removed


def find_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The ``.ipynb`` notebooks of ``directory`` (sorted); empty when there are none."""
    return sorted(directory.glob("*.ipynb")) if directory.is_dir() else []


def export_notebooks(outdir: Path, notebooks: list[Path], *, execute: bool = True, timeout: int = 600
                     ) -> list[NotebookResult]:
    """Execute each notebook from a clean kernel (cwd = its folder) and write it as HTML into ``outdir``.

    Needs nbconvert (installed with the ``dev``/``notebooks`` extras); without it nothing is written and each
    notebook is reported "not executed". A failing notebook is written up to the failing cell, reported "failed".
    The kernels run with Bokeh/Panel resources inline (:data:`INLINE_ENV`), so the pages' plots work offline.
    """
    try:
        import nbformat
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor
    except ImportError:
        return [NotebookResult(nb.stem, "not executed", None,
                               message="nbconvert is not installed (pip install -e '.[dev]')") for nb in notebooks]
    outdir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    results = []
    with _inline_resources():
        for nb_path in notebooks:
            t0 = time.monotonic()
            nb = nbformat.read(nb_path, as_version=4)
            status, message = ("executed", "") if execute else ("not executed", "execution skipped (--no-execute)")
            if execute:
                runner = ExecutePreprocessor(timeout=timeout, kernel_name="python3")
                try:
                    runner.preprocess(nb, {"metadata": {"path": str(nb_path.parent)}})
                except CellExecutionError as exc:
                    lines = str(exc).strip().splitlines()
                    status, message = "failed", (lines[-1][:300] if lines else "error")
                except Exception as exc:  # kernel could not start, timeout …
                    status, message = "failed", f"{type(exc).__name__}: {exc}"[:300]
            body, _ = exporter.from_notebook_node(nb)
            body, _ = strip_external(body)
            target = outdir / f"{nb_path.stem}.html"
            target.write_text(body, encoding="utf-8")
            results.append(NotebookResult(nb_path.stem, status, target.name, time.monotonic() - t0, message,
                                          notebook_title(nb)))
    return results


@contextlib.contextmanager
def _inline_resources():
    """Kernels started inside inherit :data:`INLINE_ENV`: their Bokeh/Panel outputs then carry BokehJS and Panel's
    JavaScript inline instead of loading them from a CDN."""
    saved = {k: os.environ.get(k) for k in INLINE_ENV}
    os.environ.update(INLINE_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def notebook_title(nb) -> str:
    """The first Markdown heading of a notebook (``# 5 · Optical …`` → ``5 · Optical …``), or ""."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


INDEX_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
             "h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}td,th{padding:.4rem .6rem;"
             "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}small{color:#666}"
             "a{color:#1f77b4;text-decoration:none}a:hover{text-decoration:underline}")


def _notebook_index(outdir: Path, results: list[NotebookResult], note: str) -> Path:
    def title_cell(r: NotebookResult) -> str:
        text = html.escape(r.title or r.name)
        link = f"<a href={html.escape(r.html)!r}>{text}</a>" if r.html else text
        return f"{link}<br><small>{html.escape(r.name)}.ipynb</small>"

    rows = "".join(
        f"<tr><td>{title_cell(r)}</td><td>{html.escape(r.status)}</td><td>{r.seconds:.0f} s</td>"
        f"<td>{html.escape(r.message)}</td></tr>" for r in results)
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>ti10cu2 — the notebooks</title>"
            f"<style>{INDEX_CSS}</style></head><body>"
            "<h1>The notebooks, in reading order</h1><p>Executable supplement to Meng et al., <i>Inorg. Chem. "
            "Front.</i> 2023, <b>10</b>, 5694 (doi:10.1039/d3qi01334k).</p>"
            f"<p>{html.escape(note)}</p><p><a href='../index.html'>← back to the dashboard</a></p>"
            "<table><tr><th>notebook</th><th>status</th><th>time</th><th>note</th></tr>"
            f"{rows}</table></body></html>")
    path = outdir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def book_available() -> bool:
    """True when the book can be built here: ``book/build.py`` beside the library and Sphinx + myst-nb installed."""
    import importlib.util

    return BOOK_BUILDER.is_file() and all(importlib.util.find_spec(m) is not None
                                          for m in ("sphinx", "myst_nb", "sphinx_book_theme"))


def export_book(outdir: Path, *, timeout: int = 600) -> dict:
    """Build the offline book into ``outdir`` (``book/build.py`` in its own process, linking back to the dashboard
    at ``../index.html``); returns its report (``book.json``), with ``returncode`` and the end of its log."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(BOOK_BUILDER), "--out", str(outdir), "--dashboard-url",
                           "../index.html", "--timeout", str(timeout)], capture_output=True, text=True,
                          cwd=REPO_DIR)
    report_path = outdir / "book.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {"pages": []}
    report.update(returncode=proc.returncode, log=(proc.stdout + proc.stderr)[-3000:])
    return report


def _book_notes(book: dict) -> list[str]:
    notes = [f"book: {len(book['pages'])} pages, {book.get('site_bytes', 0) / 1e6:.1f} MB in book/"]
    if book["returncode"] != 0:
        notes.append("book: " + " ".join(book["log"].strip().splitlines()[-3:]))
    return notes


def export_site(outdir: str | Path, *, notebooks: bool = True, execute: bool = True, timeout: int = 600,
                book: bool = True) -> ExportReport:
    """Write the offline site into ``outdir`` (created if needed; our files in it are overwritten).

    With ``book`` (and ``execute``, and the ``book`` extra installed) the notebooks become the offline book in
    ``outdir/book/``; otherwise each is converted to one HTML page under ``outdir/notebooks/``.
    """
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise InputError("exists and is not a directory", path=outdir, fix="give a directory name")
    found = find_notebooks() if notebooks else []
    as_book = bool(found) and execute and book and book_available()
    index, files, removed = export_dashboard(outdir, notebooks_link=bool(found))
    report = ExportReport(outdir=outdir, index=index, files=files, removed_external=removed)
    if not notebooks:
        report.notes.append("notebooks skipped (--no-notebooks)")
    elif not found:
        report.notes.append(f"no notebooks in {NOTEBOOKS_DIR}: none exported")
    elif as_book:
        report.book = export_book(outdir / "book", timeout=timeout)
        report.notes += _book_notes(report.book)
        report.notebooks = [NotebookResult(p["stem"], p["status"], f"../book/{p['html']}", title=p["title"])
                            for p in report.book["pages"]]
        note = ("Executed from a clean kernel at export time, as an offline book (table of contents, search, the sp/cs "
                "toggles and 3D views work without a server).")
        (outdir / "notebooks").mkdir(parents=True, exist_ok=True)
        report.files.append(_notebook_index(outdir / "notebooks", report.notebooks, note))
        report.files += sorted(p for p in (outdir / "book").rglob("*") if p.is_file())
    else:
        nb_dir = outdir / "notebooks"
        report.notebooks = export_notebooks(nb_dir, found, execute=execute, timeout=timeout)
        note = ("Executed from a clean kernel at export time on the data registered then, with Bokeh and Panel "
                "JavaScript inline. Script/link tags to other hosts (MathJax, require.js) were removed so the pages "
                "open offline: formulas show as TeX source.")
        report.files.append(_notebook_index(nb_dir, report.notebooks, note))
        report.files += [nb_dir / r.html for r in report.notebooks if r.html]
        failed = [r for r in report.notebooks if r.status != "executed"]
        if failed:
            report.notes.append("notebooks not executed cleanly: " + ", ".join(f"{r.name} ({r.message})"
                                                                              for r in failed))
    return report
