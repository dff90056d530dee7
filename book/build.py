"""Build the offline book: the notebooks executed from clean kernels, as a static Sphinx + myst-nb site.

    python book/build.py [--out build/book] [--only 02 03] [--dashboard-url ../index.html]

Steps: (1) stage ``notebooks/NN_*.ipynb`` (output-free) into ``build/book-work/src/`` with a line of links under
each title, an ``index.md`` with the table of contents in reading order, and the notebook sources for download;
(2) vendor the widget JavaScript (``ti10cu2_lib/present/_vendor_book.py``); (3) ``sphinx-build`` executes every
notebook in the staging folder (never in ``notebooks/``), Bokeh/Panel resources from their CDN URLs (not inlined
per page); (4) those URLs are pointed at one local copy of each file under ``_static/cdn/`` taken from the installed
bokeh and panel packages, what no reader loads is dropped, the two largest widget bundles are stored compressed
(inflated by ``book/_static/ti10cu2-widgets.js``), and the site is checked for anything that would load from another
host.
``<out>/book.json`` lists the pages, their execution status, the site size and what was rewritten.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
NOTEBOOKS = REPO / "notebooks"
NAME = re.compile(r"^\d\d_[a-z0-9_]+$")
DOI = "10.1039/d3qi01334k"
CITATION = ("Meng, Feng, Jiang, Zhan, <i>Inorg. Chem. Front.</i> 2023, <b>10</b>, 5694, "
            f'doi:<a href="https://doi.org/{DOI}">{DOI}</a>')
DEFAULT_WORK = REPO / "build" / "book-work"
OLD_FONTS = (".eot", ".ttf", ".svg", ".woff")
#: bundles under _static/ stored compressed (name of the packed file)
PACKED = {"nglview/index.js": "nglview", "embed-amd.js": "embed-amd"}
#: Size budget of the whole site (bytes).
MAX_SITE_BYTES = 15_000_000

#: CDN prefixes in the pages → (local folder under _static/cdn/, installed package folder holding the same files)
def cdn_sources() -> dict[str, tuple[str, Path]]:
    import bokeh
    import panel
    from panel.io.resources import CDN_DIST, DIST_DIR

    bokeh_js = Path(bokeh.__file__).parent / "server" / "static" / "js"
    return {
        "https://cdn.bokeh.org/bokeh/release/": ("bokeh", bokeh_js),
        CDN_DIST: ("panel", Path(DIST_DIR)),
        f"https://cdn.holoviz.org/panel/{panel.__version__}/dist/": ("panel", Path(DIST_DIR)),
    }


#: ``pn.extension(..., inline=True)`` in a notebook: the staged copy loads the resources from shared files instead
SHARED_PANEL_JS = re.compile(r"(pn\.extension\([^)]*?)inline=True")
BOKEH_VERSIONED = re.compile(r"-\d+\.\d+\.\d+(?:\.?(?:dev|rc)\d+)?(?=(?:\.min)?\.js$)")
FONTAWESOME_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["'][^"']*scripts/fontawesome\.js[^>]*>\s*</script>\s*""")
_EXTERNAL_ATTR = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](https?:)?//[^"']*["'][^>]*>""",
                            re.IGNORECASE)


def notebook_stems(only: list[str] | None = None) -> list[str]:
    """``NN_name`` of every notebook pair in reading order (``only``: keep stems starting with one of these)."""
    stems = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if NAME.match(p.stem))
    return [s for s in stems if not only or any(s.startswith(o) for o in only)]


def _title(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _links_html(stem: str, dashboard_url: str | None) -> str:
    parts = [f'source: <a href="_notebooks/{stem}.ipynb">{stem}.ipynb</a> '
             f'(<a href="_notebooks/{stem}.py">plain-text twin {stem}.py</a>)']
    if dashboard_url:
        parts.append(f'<a href="{dashboard_url}">the dashboard</a>')
    parts.append(f"supplement to {CITATION}")
    return f'<p class="ti10cu2-page-links">{" · ".join(parts)}</p>'


def stage(src: Path, extra: Path, stems: list[str], dashboard_url: str | None) -> list[dict]:
    """Write the Sphinx sources into ``src`` and the downloadable notebook sources into ``extra/_notebooks``."""
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(extra, ignore_errors=True)
    src.mkdir(parents=True)
    (extra / "_notebooks").mkdir(parents=True)
    pages = []
    for stem in stems:
        nb = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
        for suffix in (".ipynb", ".py"):
            shutil.copyfile(NOTEBOOKS / f"{stem}{suffix}", extra / "_notebooks" / f"{stem}{suffix}")
        first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
        lines = "".join(first["source"]).splitlines(keepends=True)
        at = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1) + 1
        lines[at:at] = ["\n", _links_html(stem, dashboard_url) + "\n", "\n"]
        first["source"] = "".join(lines)
        for cell in nb["cells"]:  # Bokeh/Panel JavaScript once per site (_static/cdn/), not inlined in every page
            if cell["cell_type"] == "code":
                cell["source"] = SHARED_PANEL_JS.sub(r"\1inline=False", "".join(cell["source"]))
        (src / f"{stem}.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
        pages.append({"stem": stem, "title": _title(nb)})
    index = (BOOK / "index.md").read_text(encoding="utf-8")
    index = index.replace("{{ dashboard }}", (f'<a href="{dashboard_url}">the dashboard of both forms</a>'
                                              if dashboard_url else "the dashboard (`ti10cu2 export`)"))
    index += "\n```{toctree}\n:caption: The notebooks, in reading order\n:maxdepth: 1\n\n"
    index += "".join(f"{p['stem']}\n" for p in pages) + "```\n"
    (src / "index.md").write_text(index, encoding="utf-8")
    return pages


def localise_cdn(out: Path) -> dict[str, int]:
    """Point the CDN URLs in the built pages at one local copy under ``_static/cdn/``; returns {prefix: count}."""
    sources = cdn_sources()
    copied: set[Path] = set()
    counts = {prefix: 0 for prefix in sources}

    def copy(folder: str, root: Path, rel: str) -> bool:
        # the CDN names Bokeh's files with the version (bokeh-3.9.2.min.js), the package without (bokeh.min.js)
        source = (root / (BOKEH_VERSIONED.sub("", rel) if folder == "bokeh" else rel)).resolve()
        if not source.is_file() or root.resolve() not in source.parents:
            return False
        target = out / "_static" / "cdn" / folder / rel
        if target not in copied:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            copied.add(target)
            if source.suffix == ".css":
                for ref in re.findall(r"url\(['\"]?([^'\")?#]+)", source.read_text(encoding="utf-8", errors="ignore")):
                    # fonts: woff2 only (every browser with the DecompressionStream the widgets need reads it;
                    # eot/ttf/svg/woff are fallbacks for older browsers and would triple the size)
                    if not ref.startswith(("data:", "http:", "https:", "/")) and not ref.endswith(OLD_FONTS):
                        copy(folder, root, os.path.normpath(str(Path(rel).parent / ref)))
        return True

    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for prefix, (folder, root) in sources.items():
            pattern = re.compile(re.escape(prefix) + r"([A-Za-z0-9@^._/+-]+?)(\?v=[0-9A-Za-z.+-]*)?(?=[\"'\\\s)])")

            def replace(m: re.Match, prefix=prefix, folder=folder, root=root) -> str:
                if copy(folder, root, m.group(1)):
                    counts[prefix] += 1
                    return f"_static/cdn/{folder}/{m.group(1)}"
                return m.group(0)

            new = pattern.sub(replace, new)
        if new != text:
            page.write_text(new, encoding="utf-8")
    return counts


def external_references(out: Path) -> list[str]:
    """Tags in the built pages that would load something from another host (should be none)."""
    found = []
    for page in sorted(out.rglob("*.html")):
        for m in _EXTERNAL_ATTR.finditer(page.read_text(encoding="utf-8", errors="ignore")):
            if not m.group(0).lower().startswith("<a "):
                found.append(f"{page.relative_to(out)}: {m.group(0)[:160]}")
    return found


def prune(out: Path) -> int:
    """Remove what a reader never loads (source maps, Sphinx's build info); returns bytes removed."""
    removed = 0
    for path in [*out.rglob("*.map"), out / ".buildinfo", out / "objects.inv"]:
        if path.is_file():
            removed += path.stat().st_size
            path.unlink()
    for folder in (out / "_static" / "locales", out / "_sources"):  # theme translations (used at build time only)
        if folder.is_dir():
            removed += site_bytes(folder)
            shutil.rmtree(folder)
    # Font Awesome's SVG-replacing script (1.6 MB): the theme's stylesheet already draws the same icons from its
    # webfonts, so the pages do not need it
    svg_icons = out / "_static" / "scripts" / "fontawesome.js"
    if svg_icons.is_file():
        removed += svg_icons.stat().st_size
        svg_icons.unlink()
        for page in out.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            new = FONTAWESOME_SCRIPT.sub("", text)
            if new != text:
                page.write_text(new, encoding="utf-8")
    return removed


def pack_bundles(out: Path) -> dict[str, tuple[int, int]]:
    """Store the two large widget bundles gzip-compressed in base64 (``_static/packed/<name>.js``, inflated in the
    browser by ``_static/ti10cu2-widgets.js``); returns {name: (bytes before, bytes after)}."""
    sizes = {}
    for rel, name in PACKED.items():
        source = out / "_static" / rel
        data = source.read_bytes()
        text = base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")
        target = out / "_static" / "packed" / f"{name}.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'(window.__ti10cu2_packed = window.__ti10cu2_packed || {{}})["{name}"] = "{text}";\n',
                          encoding="ascii")
        source.unlink()
        sizes[name] = (len(data), target.stat().st_size)
    return sizes


def page_status(out: Path, stem: str) -> dict:
    """``{"status": "executed" | "failed" | "missing", "error": the end of the first traceback shown}``."""
    page = out / f"{stem}.html"
    if not page.is_file():
        return {"status": "missing", "error": ""}
    text = page.read_text(encoding="utf-8", errors="ignore")
    at = text.find('class="output traceback')
    if at < 0:
        return {"status": "executed", "error": ""}
    shown = html.unescape(re.sub(r"<[^>]+>", "", text[at:at + 20000].split("</pre>")[0]))
    return {"status": "failed", "error": " ".join(shown.split())[-400:]}


def site_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def build(out: Path, *, work: Path = DEFAULT_WORK, only: list[str] | None = None, dashboard_url: str | None = None,
          timeout: int = 600, quiet: bool = True) -> dict:
    """Build the book into ``out`` (sources, execution and Sphinx's files in ``work``); returns the report written
    to ``out/book.json``."""
    sys.path.insert(0, str(REPO))
    from ti10cu2_lib.present import _vendor_book

    t0 = time.monotonic()
    out, work = out.resolve(), work.resolve()
    # myst-nb keeps executed copies in <sphinx outdir>/../jupyter_execute: Sphinx writes into work/html, which is
    # moved to ``out`` at the end, so nothing but the site lands beside ``out``
    src, extra, doctrees, html = (work / part for part in ("src", "extra", "doctrees", "html"))
    stems = notebook_stems(only)
    pages = stage(src, extra, stems, dashboard_url)
    static, root = _vendor_book.ensure_assets()
    env = dict(os.environ, TI10CU2_BOOK_STATIC=str(static), TI10CU2_BOOK_ROOT=str(root),
               TI10CU2_BOOK_EXTRA=str(extra), TI10CU2_BOOK_TIMEOUT=str(timeout),
               PANEL_INLINE="false", BOKEH_RESOURCES="cdn")
    shutil.rmtree(html, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(BOOK), "-d", str(doctrees), "-E",
           *(["-q"] if quiet else []), str(src), str(html)]
    proc = subprocess.run(cmd, env=env, cwd=src, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"sphinx-build failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(html, out)
    rewritten = localise_cdn(out)
    removed = prune(out)
    packed = pack_bundles(out)
    report = {
        "out": str(out), "seconds": round(time.monotonic() - t0, 1),
        "pages": [{**p, "html": f"{p['stem']}.html", **page_status(out, p["stem"])} for p in pages],
        "cdn_urls_made_local": rewritten, "bytes_pruned": removed, "packed_bytes_before_after": packed,
        "external_references": external_references(out), "site_bytes": site_bytes(out),
        "max_site_bytes": MAX_SITE_BYTES, "warnings": [line for line in proc.stderr.splitlines() if line][-40:],
    }
    (out / "book.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "book", help="site folder (build/book)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="staging, execution and Sphinx files (build/book-work)")
    parser.add_argument("--only", nargs="*", help="only notebooks whose name starts with these (e.g. 02 03)")
    parser.add_argument("--dashboard-url", help="link to the dashboard export from every page (e.g. ../index.html)")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell execution timeout (s)")
    args = parser.parse_args(argv)
    report = build(args.out, work=args.work, only=args.only, dashboard_url=args.dashboard_url,
                   timeout=args.timeout)
    for page in report["pages"]:
        print(f"  {page['status']:9s} {page['stem']}: {page['title']}")
    print(f"book: {report['out']}/index.html — {report['site_bytes'] / 1e6:.1f} MB "
          f"(limit {MAX_SITE_BYTES / 1e6:.0f} MB), {report['seconds']:.0f} s")
    problems = []
    if report["external_references"]:
        problems.append("tags loading from other hosts:\n  " + "\n  ".join(report["external_references"]))
    if report["site_bytes"] > MAX_SITE_BYTES:
        problems.append(f"site is {report['site_bytes'] / 1e6:.1f} MB, over {MAX_SITE_BYTES / 1e6:.0f} MB")
    failed = [p["stem"] for p in report["pages"] if p["status"] != "executed"]
    if failed:
        problems.append("notebooks not executed cleanly: " + ", ".join(failed))
    for problem in problems:
        print(f"book: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
