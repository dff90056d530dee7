"""Third-party JavaScript that makes the widgets of the offline book work from ``file://``, prepared at build time.

The book (``make book``, see ``book/build.py``) shows executed notebooks whose ipywidgets (the sp/cs toggles and the
nglview views) are replayed from their saved state in the browser, with no kernel and no network. That needs:

* ``require.js`` — npm package ``requirejs`` (pinned, sha512-checked like NGL in :mod:`._vendor`);
* ``embed-amd.js`` and its icon fonts — npm package ``@jupyter-widgets/html-manager`` (pinned, sha512-checked). The
  fonts are referenced relative to the *page* (webpack public path ""), so they go beside the pages, not in
  ``_static/``;
* nglview's own ``index.js`` — copied from the installed nglview package
  (``<prefix>/share/jupyter/nbextensions/nglview-js-widgets/``), so it always matches the Python side;
* MathJax 2 — copied (a subset: TeX input, HTML-CSS output, STIX-Web woff fonts) from the installed
  ``jupyter_server_mathjax`` package.

Nothing is committed: everything goes to ``ti10cu2_lib/present/_js/book/`` (``_js`` is git-ignored as a whole)::

    _js/book/static/    require.js, embed-amd.js, nglview/index.js, mathjax/…   → the book's ``_static/``
    _js/book/root/      the html-manager fonts (*.woff, *.woff2)                → beside the book's pages
    _js/book/versions.json  which package version and tarball integrity each file came from

Usage::

    python -m ti10cu2_lib.present._vendor_book           # fetch what is missing (npm registry once), copy the rest
    python -m ti10cu2_lib.present._vendor_book --check   # say what is there; exit 1 when something is missing
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ti10cu2_lib.present._vendor import JS_DIR, VendorError, _integrity, _make_js_dir, _write_atomic

BOOK_JS_DIR = JS_DIR / "book"
STATIC_DIR = BOOK_JS_DIR / "static"
ROOT_DIR = BOOK_JS_DIR / "root"
VERSIONS = BOOK_JS_DIR / "versions.json"


@dataclass(frozen=True)
class NpmAsset:
    """Files taken from one pinned npm tarball: ``members`` maps a path in the tarball to (folder, file name)."""

    package: str
    version: str
    integrity: str
    members: dict[str, tuple[str, str]]


REQUIREJS = NpmAsset("requirejs", "2.3.8",
                     "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
                     {"package/require.js": ("static", "require.js")})
#: Font Awesome of the widget controls, woff2 only (browsers that can run the widgets all read woff2)
HTML_MANAGER_FONTS = ("1551f4f60c37af51121f.woff2", "7a3337626410ca2f4071.woff2", "d878b0a6a1144760244f.woff2")
HTML_MANAGER = NpmAsset(
    "@jupyter-widgets/html-manager", "1.0.15",
    "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
    {"package/dist/embed-amd.js": ("static", "embed-amd.js"),
     "package/dist/embed.js.LICENSE.txt": ("static", "embed-amd.LICENSE.txt"),
     **{f"package/dist/{font}": ("root", font) for font in HTML_MANAGER_FONTS}})
NPM_ASSETS = (REQUIREJS, HTML_MANAGER)

#: Parts of jupyter_server_mathjax's MathJax 2 the book needs (config TeX-AMS-MML_HTMLorMML-full, HTML-CSS output).
#: The combined config already holds the TeX input, the MathML element jax and the core extensions.
MATHJAX_PARTS = ("MathJax.js", "LICENSE", "config/TeX-AMS-MML_HTMLorMML-full.js", "jax/element",
                 "jax/output/HTML-CSS", "fonts/HTML-CSS/STIX-Web/woff", "extensions/MathMenu.js",
                 "extensions/MathZoom.js")
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"
#: STIX-Web font families left out (fonts and metrics; ≈ 0.6 MB): alphabets a chemistry text does not typeset
MATHJAX_SKIP_FAMILIES = ("Fraktur", "Script", "SansSerif", "DoubleStruck", "Monospace", "Latin")
#: Families kept in every weight; the others only in Regular (≈ 0.3 MB less)
MATHJAX_ALL_WEIGHTS = ("Main", "Normal")
_WEIGHTS = ("Bold", "BoldItalic", "Italic")

_FIX = "run `make book` (or `python -m ti10cu2_lib.present._vendor_book`) once while the npm registry is reachable"


def _versions() -> dict:
    try:
        return json.loads(VERSIONS.read_text())
    except (OSError, ValueError):
        return {}


def _record(key: str, value: str) -> None:
    found = _versions()
    found[key] = value
    _write_atomic(VERSIONS, json.dumps(found, indent=1, sort_keys=True).encode())


def _target(folder: str, name: str) -> Path:
    return (STATIC_DIR if folder == "static" else ROOT_DIR) / name


def npm_asset_present(asset: NpmAsset) -> bool:
    """True when every file of ``asset`` is there and came from the pinned version and tarball."""
    stamp = _versions().get(asset.package)
    return stamp == f"{asset.version} {asset.integrity}" and all(
        _target(*where).is_file() for where in asset.members.values())


def fetch_npm_asset(asset: NpmAsset, *, npm: str = "npm") -> None:
    """``npm pack`` the pinned tarball, check its sha512 integrity, extract ``asset.members``."""
    exe = shutil.which(npm)
    if exe is None:
        raise VendorError(f"`{npm}` is not installed: the book needs {asset.package} from the npm registry. "
                          f"Install Node.js/npm (Debian: apt-get install -y npm), then {_FIX}")
    spec = f"{asset.package}@{asset.version}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([exe, "pack", spec, "--pack-destination", tmp, "--json"], capture_output=True,
                              text=True, timeout=300, cwd=tmp)
        if proc.returncode != 0:
            raise VendorError(f"`npm pack {spec}` failed:\n{proc.stderr.strip()[-2000:]}\n{_FIX}")
        tarball = Path(tmp) / json.loads(proc.stdout)[0]["filename"]
        data = tarball.read_bytes()
        if _integrity(data) != asset.integrity:
            raise VendorError(f"{tarball.name}: integrity {_integrity(data)} does not match the pinned "
                              f"{asset.integrity}; refusing to use it")
        with tarfile.open(tarball, "r:gz") as tar:
            for member, where in asset.members.items():
                fh = tar.extractfile(member)
                if fh is None:
                    raise VendorError(f"{tarball.name} has no {member}")
                target = _target(*where)
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_atomic(target, fh.read())
    _record(asset.package, f"{asset.version} {asset.integrity}")


def nglview_js_source() -> Path:
    """The ``index.js`` the installed nglview package put under ``share/jupyter/nbextensions/``."""
    import nglview

    # this environment's prefix, or the prefix nglview was installed into (a venv that reuses another's packages)
    candidates = [Path(sys.prefix), Path(sysconfig.get_paths()["data"]), *Path(nglview.__file__).parents[3:5]]
    for prefix in candidates:
        path = prefix / "share" / "jupyter" / "nbextensions" / "nglview-js-widgets" / "index.js"
        if path.is_file():
            return path
    raise VendorError(f"nglview {nglview.__version__} is installed but its nbextension index.js is not under "
                      f"{', '.join(str(c) for c in candidates)}: reinstall it (pip install -e '.[dev]')")


def mathjax_source() -> Path:
    """The MathJax 2 folder of the installed ``jupyter_server_mathjax`` package."""
    try:
        import jupyter_server_mathjax
    except ImportError as exc:
        raise VendorError("jupyter_server_mathjax is not installed: pip install -e '.[book]'") from exc
    return Path(jupyter_server_mathjax.__file__).resolve().parent / "static"


def copy_installed() -> None:
    """Copy nglview's ``index.js`` and the MathJax subset from the installed Python packages (when changed)."""
    import nglview

    source = nglview_js_source()
    target = STATIC_DIR / "nglview" / "index.js"
    if _versions().get("nglview") != nglview.__version__ or not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, source.read_bytes())
        licence = source.with_name("index.js.LICENSE.txt")
        if licence.is_file():
            _write_atomic(target.with_name("LICENSE.txt"), licence.read_bytes())
        _record("nglview", nglview.__version__)
    mathjax = mathjax_source()
    if not (STATIC_DIR / "mathjax" / "MathJax.js").is_file():
        for part in MATHJAX_PARTS:
            src, dst = mathjax / part, STATIC_DIR / "mathjax" / part
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True, ignore=_skip_families)
            elif src.is_file():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
        _record("mathjax", "jupyter_server_mathjax " + _package_version("jupyter_server_mathjax"))


def _skip_families(folder: str, names: list[str]) -> set[str]:
    """Fonts and metrics of :data:`MATHJAX_SKIP_FAMILIES`, and the non-Regular weights outside
    :data:`MATHJAX_ALL_WEIGHTS` (woff files ``STIXMathJax_<family>-<weight>.woff``, metric folders
    ``<family>/<weight>/``)."""
    skip = {n for n in names if any(n == f or n.startswith(f"STIXMathJax_{f}-") for f in MATHJAX_SKIP_FAMILIES)}
    family = Path(folder).name
    if family not in MATHJAX_ALL_WEIGHTS:
        skip |= {n for n in names if n in _WEIGHTS}
    for name in names:
        stem = name.removeprefix("STIXMathJax_").removesuffix(".woff")
        if name.startswith("STIXMathJax_") and "-" in stem:
            font_family, weight = stem.split("-", 1)
            if weight in _WEIGHTS and font_family not in MATHJAX_ALL_WEIGHTS:
                skip.add(name)
    return skip


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def ensure_assets(*, fetch: bool = True) -> tuple[Path, Path]:
    """Make sure every asset is there (fetching pinned npm tarballs when ``fetch``); returns (static, root) folders.

    Raises :class:`~ti10cu2_lib.present._vendor.VendorError` with the fix when something cannot be prepared.
    """
    _make_js_dir()
    for asset in NPM_ASSETS:
        if not npm_asset_present(asset):
            if not fetch:
                raise VendorError(f"{asset.package}@{asset.version} is missing: {_FIX}")
            fetch_npm_asset(asset)
    copy_installed()
    return STATIC_DIR, ROOT_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report what is there; exit 1 when something is missing")
    args = parser.parse_args(argv)
    if args.check:
        missing = [f"{a.package}@{a.version}" for a in NPM_ASSETS if not npm_asset_present(a)]
        print(json.dumps({"dir": str(BOOK_JS_DIR), "versions": _versions(), "missing": missing}, indent=1))
        return 1 if missing else 0
    try:
        static, root = ensure_assets()
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for d in (static, root) for p in d.rglob("*") if p.is_file())
    print(f"book assets ready in {BOOK_JS_DIR} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
