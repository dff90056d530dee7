"""Third-party JavaScript for the 3D structure viewer (:mod:`ti10cu2_lib.present.viewer3d`), prepared at set-up time.

The viewer draws with NGL (Rose et al., Bioinformatics 2018; MIT licence), taken from the npm registry
package ``ngl`` at a pinned version and checked against the registry's pinned sha512 integrity. Nothing
third-party is committed: ``make vendor`` (or ``python -m ti10cu2_lib.present._vendor``) puts it under
``ti10cu2_lib/present/_js/`` (git-ignored) and builds the component bundle from it:

    ti10cu2_lib/present/_js/ngl.js               NGL's self-contained UMD build (``dist/ngl.js`` of the npm package)
    ti10cu2_lib/present/_js/ngl.LICENSE          its licence text
    ti10cu2_lib/present/_js/ngl.version          which version and tarball it came from (a pin change refetches)
    ti10cu2_lib/present/_js/viewer3d.bundle.js   one ES module: NGL (kept off ``window``) + ``viewer3d.js``
    ti10cu2_lib/present/_js/.gitignore           ``*``: git never sees the folder

The bundle is what Panel serves (``panel serve``: from the app's own origin; in a notebook: inlined in the
output), so the viewer needs no network at all. :func:`ensure_bundle` rebuilds it whenever ``ngl.js`` or
``viewer3d.js`` is newer, so editing the component's JavaScript needs no extra step.

Usage::

    python -m ti10cu2_lib.present._vendor            # fetch ngl unless the pinned version is there (needs npm and the
                                             # npm registry), then build the bundle
    python -m ti10cu2_lib.present._vendor --check    # say what is there; exit 1 when the bundle cannot be built
    python -m ti10cu2_lib.present._vendor --ngl-js PATH   # use an ngl.js you already have (e.g. an offline machine)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: The npm package and version of NGL, and the registry's integrity string for its tarball.
NGL_PACKAGE = "ngl"
NGL_VERSION = "2.5.0"
NGL_INTEGRITY = "sha512-7pvmhCxBTBb9dxMVrqDMR4Lb2ijrXFckokM0z16vZ0pO36x+j5wV8fGJJQSAK4hpQEzpawk+BHu0bJAFSkXOCA=="

HERE = Path(__file__).resolve().parent
JS_DIR = HERE / "_js"
NGL_JS = JS_DIR / "ngl.js"
NGL_LICENSE = JS_DIR / "ngl.LICENSE"
NGL_STAMP = JS_DIR / "ngl.version"  # "<version> <integrity>" of the installed ngl.js
COMPONENT_JS = HERE / "viewer3d.js"
BUNDLE_JS = JS_DIR / "viewer3d.bundle.js"

#: Environment variable naming an ``ngl.js`` to use instead of ``_js/ngl.js``.
ENV_NGL_JS = "TI10CU2_NGL_JS"

_FIX = "run `make vendor` (or `python -m ti10cu2_lib.present._vendor`) once while the npm registry is reachable"


class VendorError(RuntimeError):
    """The viewer's JavaScript is missing and could not be prepared; the message says how to fix it."""


def ngl_source() -> Path | None:
    """The ``ngl.js`` to bundle: ``$TI10CU2_NGL_JS`` if set, else ``_js/ngl.js``; None when absent."""
    env = os.environ.get(ENV_NGL_JS)
    if env:
        path = Path(env)
        return path if path.is_file() else None
    return NGL_JS if NGL_JS.is_file() else None


def _make_js_dir() -> None:
    JS_DIR.mkdir(parents=True, exist_ok=True)
    ignore = JS_DIR / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("# third-party and generated JavaScript (ti10cu2_lib/present/_vendor.py): "
                          "never committed\n*\n")


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_ngl(*, version: str = NGL_VERSION, integrity: str | None = NGL_INTEGRITY, npm: str = "npm") -> Path:
    """Download ``ngl@version`` with ``npm pack``, verify it, and extract ``dist/ngl.js`` + LICENSE into ``_js/``."""
    exe = shutil.which(npm)
    if exe is None:
        raise VendorError(f"`{npm}` is not installed: the 3D viewer needs NGL from the npm registry. "
                          f"Install Node.js/npm (Debian: apt-get install -y npm), then {_FIX}; or pass "
                          f"--ngl-js PATH to an ngl.js v{version} you already have.")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([exe, "pack", f"{NGL_PACKAGE}@{version}", "--pack-destination", tmp, "--json"],
                              capture_output=True, text=True, timeout=300, cwd=tmp)
        if proc.returncode != 0:
            raise VendorError(f"`npm pack {NGL_PACKAGE}@{version}` failed:\n{proc.stderr.strip()[-2000:]}\n{_FIX}")
        info = json.loads(proc.stdout)[0]
        tarball = Path(tmp) / info["filename"]
        data = tarball.read_bytes()
        if integrity and _integrity(data) != integrity:
            raise VendorError(f"{tarball.name}: integrity {_integrity(data)} does not match the pinned {integrity}; "
                              "refusing to use it")
        _make_js_dir()
        with tarfile.open(tarball, "r:gz") as tar:
            for member, target in (("package/dist/ngl.js", NGL_JS), ("package/LICENSE", NGL_LICENSE)):
                fh = tar.extractfile(member)
                if fh is None:
                    raise VendorError(f"{tarball.name} has no {member}")
                _write_atomic(target, fh.read())
        _write_atomic(NGL_STAMP, f"{version} {_integrity(data)}\n".encode())
    return NGL_JS


def _write_atomic(target: Path, data: bytes) -> None:
    part = target.with_name(f"{target.name}.{os.getpid()}.part")  # several server processes may build at once
    part.write_bytes(data)
    part.replace(target)


def ngl_is_pinned_version() -> bool:
    """True when ``_js/ngl.js`` came from the pinned version and tarball."""
    try:
        return NGL_JS.is_file() and NGL_STAMP.read_text().split() == [NGL_VERSION, NGL_INTEGRITY]
    except OSError:
        return False


def _bundle_text(ngl_js: str, component_js: str, licence: str = "") -> str:
    # NGL's UMD wrapper attaches the library to globalThis.NGL when no CommonJS/AMD loader is seen. Running it
    # inside a function where `define`, `exports` and `module` are undefined makes it take that branch even in
    # pages with RequireJS (classic Notebook), and the previous globalThis.NGL (e.g. another copy) is restored.
    lines = [line for line in ngl_js.splitlines() if not line.startswith("//# sourceMappingURL=")]
    notice = ["// " + line if line else "//" for line in licence.strip().splitlines()]
    return "\n".join([
        "// Generated by ti10cu2_lib/present/_vendor.py from NGL (npm package ngl) and viewer3d.js.",
        "// Do not edit and do not commit: it is rebuilt from those two files. NGL's licence:",
        *notice,
        "",
        "const NGL = (() => {",
        "  const define = undefined, exports = undefined, module = undefined;",
        "  const had = Object.prototype.hasOwnProperty.call(globalThis, 'NGL'), previous = globalThis.NGL;",
        *lines,
        "  const lib = globalThis.NGL;",
        "  if (had) { globalThis.NGL = previous } else { delete globalThis.NGL }",
        "  return lib;",
        "})();",
        component_js,
    ]) + "\n"


def bundle_is_current() -> bool:
    """True when the bundle exists and is newer than both of its inputs."""
    src = ngl_source()
    if not BUNDLE_JS.is_file() or src is None:
        return BUNDLE_JS.is_file() and src is None
    built = BUNDLE_JS.stat().st_mtime
    return built >= src.stat().st_mtime and built >= COMPONENT_JS.stat().st_mtime


def build_bundle() -> Path:
    """Write ``_js/viewer3d.bundle.js`` from the NGL build and the component source; return its path."""
    src = ngl_source()
    if src is None:
        raise VendorError(f"NGL ({NGL_JS.relative_to(HERE.parent)}) is not installed: {_FIX}")
    licence = NGL_LICENSE.read_text(encoding="utf-8") if NGL_LICENSE.is_file() else "NGL: MIT licence"
    text = _bundle_text(src.read_text(encoding="utf-8"), COMPONENT_JS.read_text(encoding="utf-8"), licence)
    _make_js_dir()
    _write_atomic(BUNDLE_JS, text.encode("utf-8"))
    return BUNDLE_JS


def ensure_bundle() -> Path | None:
    """The bundle's path, (re)built when stale; None (no exception) when NGL is not installed or not writable."""
    try:
        if not bundle_is_current():
            build_bundle()
    except (VendorError, OSError):
        return BUNDLE_JS if BUNDLE_JS.is_file() else None
    return BUNDLE_JS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ti10cu2_lib.present._vendor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report what is installed; exit 1 if unusable")
    parser.add_argument("--ngl-js", type=Path, help="copy this ngl.js instead of fetching it with npm")
    parser.add_argument("--force", action="store_true", help="fetch again even when the pinned ngl.js is present")
    args = parser.parse_args(argv)
    try:
        if args.check:
            src = ngl_source()
            print(f"ngl.js: {src or 'missing'}")
            print(f"bundle: {BUNDLE_JS if BUNDLE_JS.is_file() else 'missing'}"
                  f"{' (stale)' if BUNDLE_JS.is_file() and not bundle_is_current() else ''}")
            return 0 if ensure_bundle() else 1
        if args.ngl_js:
            if not args.ngl_js.is_file():
                raise VendorError(f"{args.ngl_js}: no such file")
            _make_js_dir()
            _write_atomic(NGL_JS, args.ngl_js.read_bytes())
            _write_atomic(NGL_STAMP, f"unknown {_integrity(NGL_JS.read_bytes())} (copied from {args.ngl_js})\n"
                          .encode())
        elif args.force or not ngl_is_pinned_version():
            fetch_ngl()
        path = build_bundle()
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
