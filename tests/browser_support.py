"""Helpers for browser tests: `panel serve` or `jupyter lab` subprocesses on free ports, headless Chromium, and a
guard against network use and JavaScript errors.

Everything stays on this machine: the servers listen on 127.0.0.1, the browser is Debian's chromium
(``/usr/bin/chromium``; Playwright's own browser downloads are never used), and :class:`PageGuard` both
records and aborts any request to a host other than localhost, and records JavaScript errors.

Typical use::

    chromium_or_skip()
    with served_page(APP) as (server, page, guard):      # PanelServer + browser_page
        page.goto(server.url)
        ...
        guard.assert_clean()
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--enable-unsafe-swiftshader",  # WebGL through SwiftShader (no GPU here)
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
#: URL schemes that never leave the page.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-extension", "devtools"})


def chromium_or_skip() -> str:
    """Path of the system Chromium, or ``pytest.skip`` with the install command when it is missing."""
    import pytest

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run "
                    "browser tests (never `playwright install`)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed: pip install -e '.[dev]'")
    return CHROMIUM


def launch_chromium(playwright, **kwargs):
    """Headless system Chromium with the flags these tests need (WebGL via SwiftShader, no background traffic)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS), **kwargs)


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A local HTTP server in a subprocess (its own process group); a context manager.

    Subclasses give :meth:`command`, :attr:`url` (answered with HTTP 200 once ready) and ``cwd``.
    ``start()`` returns once ``url`` answers 200, or raises with the end of the server log; ``stop()`` ends
    the process group it created, by pid. ``startup_seconds`` is the time to that first 200.
    """

    name = "server"

    def __init__(self, *, port: int | None = None, timeout: float = 90.0, log_dir: Path | None = None,
                 log_name: str | None = None, cwd: Path = REPO, env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.timeout = timeout
        self.cwd = cwd
        self.env = env
        self.log_path = (log_dir or ARTIFACTS) / f"{log_name or self.name}.log"  # the last run's log
        self.proc: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self._log_file = None

    @property
    def url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("BOKEH_BROWSER", "none")
        self._log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.command(), cwd=self.cwd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        while True:
            code = self.proc.poll()
            if code is not None:
                self.stop()
                raise RuntimeError(f"{self.name} exited with code {code}:\n{self.log()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as resp:
                    if resp.status == 200:
                        self.startup_seconds = time.monotonic() - t0
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() - t0 > self.timeout:
                self.stop()
                raise RuntimeError(f"{self.name} gave no HTTP 200 on {self.url} within {self.timeout:.0f} s:\n"
                                   f"{self.log()[-4000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # the group this Popen created (start_new_session)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class PanelServer(ServerProcess):
    """``panel serve APP`` on 127.0.0.1 and a free port; ready when ``/<app name>`` answers 200."""

    name = "panel-serve"

    def __init__(self, app: str | Path, *, args: tuple[str, ...] = (), **kwargs) -> None:
        self.app = Path(app).resolve()
        self.args = tuple(args)
        kwargs.setdefault("log_name", f"{self.name}-{self.app.stem}")
        super().__init__(**kwargs)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.app.stem}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "panel", "serve", str(self.app), "--address", "127.0.0.1",
                "--port", str(self.port), f"--allow-websocket-origin=127.0.0.1:{self.port}",
                f"--allow-websocket-origin=localhost:{self.port}", *self.args]


class JupyterLabServer(ServerProcess):
    """``jupyter lab`` on 127.0.0.1 and a free port serving ``root_dir``, with no token (a local test only).

    Ready when ``/lab`` answers 200; runtime files go to ``root_dir/.jupyter-runtime``; no update or news
    checks. ``notebook_url(name)`` opens a notebook in the Lab UI.
    """

    name = "jupyter-lab"

    def __init__(self, root_dir: str | Path, *, timeout: float = 120.0, **kwargs) -> None:
        self.root_dir = Path(root_dir).resolve()
        env = dict(os.environ)
        env["JUPYTER_RUNTIME_DIR"] = str(self.root_dir / ".jupyter-runtime")
        super().__init__(timeout=timeout, cwd=self.root_dir, env=env, **kwargs)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/lab"

    def notebook_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{name}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=",
                f"--ServerApp.root_dir={self.root_dir}", "--LabApp.news_url=",
                # a fresh workspace per server: a workspace saved by an earlier run would reopen missing notebooks
                f"--LabApp.workspaces_dir={self.root_dir / '.jupyter-workspaces'}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def write_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of code ``cells`` with the Python 3 kernel, written to ``path`` (for the JupyterLab tests)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def run_notebook_cell(page, index: int, timeout_ms: int = 120_000) -> None:
    """In an open JupyterLab notebook, run cell ``index`` (0-based) and wait until its prompt shows ``[n]:``.

    A Shift+Enter sent while the notebook is still initialising is ignored, so it is sent again while the
    prompt shows neither ``[*]:`` (queued or running) nor a number.
    """
    import re

    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    prompt = cell.locator(".jp-InputArea-prompt")
    deadline = time.monotonic() + timeout_ms / 1000
    sent_at = None
    while True:
        text = (prompt.inner_text() or "").strip()
        if re.fullmatch(r"\[\d+\]:", text):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"notebook cell {index} did not finish within {timeout_ms} ms (prompt {text!r})")
        if text != "[*]:" and (sent_at is None or time.monotonic() - sent_at > 3):
            cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            sent_at = time.monotonic()
        page.wait_for_timeout(100)


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (localhost hosts, or data:/blob:/about: URLs)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class PageGuard:
    """Watches a Playwright page: external requests (recorded and aborted) and JavaScript errors (recorded).

    ``external`` lists URLs of requests to hosts other than localhost; ``errors`` lists console messages of
    type "error" and uncaught page errors. ``responses`` maps local URLs to (status, body bytes, encoding) for
    those whose path contains one of ``measure`` substrings (e.g. a bundle's file name).
    """

    page: object
    measure: tuple[str, ...] = ()
    block_external: bool = True
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    responses: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        page = self.page
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("response", self._on_response)
        if self.block_external:
            page.route("**/*", self._route)

    def _on_request(self, request) -> None:
        if not is_local(request.url):
            self.external.append(request.url)

    def _route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console.error: {msg.text} @ {msg.location}")
        elif msg.type == "warning":
            self.warnings.append(msg.text)

    def _on_response(self, response) -> None:
        if not self.measure or not any(m in response.url for m in self.measure):
            return
        try:
            body = response.body()
        except Exception:  # body unavailable (e.g. redirect)
            body = b""
        encoding = response.headers.get("content-encoding", "identity")
        self.responses[response.url] = (response.status, len(body), encoding)

    def assert_clean(self) -> None:
        problems = []
        if self.external:
            problems.append("requests to non-localhost hosts:\n  " + "\n  ".join(self.external))
        if self.errors:
            problems.append("JavaScript errors:\n  " + "\n  ".join(self.errors))
        assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------------
# pixels


@dataclass(frozen=True)
class PixelStats:
    """How much of a screenshot is not background: ``changed`` fraction of pixels differing from the
    background colour by more than ``tolerance`` (0–255, any channel), ``colors`` distinct colours (RGB)."""

    width: int
    height: int
    background: tuple[int, int, int]
    changed: float
    colors: int


def pixel_stats(png: bytes, background: tuple[int, int, int] | None = None, tolerance: int = 12) -> PixelStats:
    """Statistics of a PNG screenshot; the background defaults to the most common colour."""
    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    flat = img.reshape(-1, 3)
    colors, counts = np.unique(flat, axis=0, return_counts=True)
    bg = tuple(int(c) for c in (colors[counts.argmax()] if background is None else background))
    changed = float((np.abs(flat - np.array(bg)).max(axis=1) > tolerance).mean())
    return PixelStats(img.shape[1], img.shape[0], bg, changed, len(colors))  # type: ignore[arg-type]


def image_difference(png1: bytes, png2: bytes, tolerance: int = 12) -> float:
    """Fraction of pixels that differ by more than ``tolerance`` (any channel) between two same-size PNGs."""
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png1)).convert("RGB")).astype(int)
    b = np.asarray(Image.open(io.BytesIO(png2)).convert("RGB")).astype(int)
    if a.shape != b.shape:
        return 1.0
    return float((np.abs(a - b).max(axis=2) > tolerance).mean())


@contextlib.contextmanager
def served_page(app: str | Path, *, measure: tuple[str, ...] = (), viewport=(1100, 800), server_args=()
                ) -> Iterator[tuple[PanelServer, object, PageGuard]]:
    """Serve ``app``, open a headless Chromium page and yield ``(server, page, guard)``; closes everything."""
    chromium_or_skip()
    server = PanelServer(app, args=tuple(server_args))
    with server, browser_page(measure=measure, viewport=viewport) as (page, guard):
        yield server, page, guard


@contextlib.contextmanager
def browser_page(*, measure: tuple[str, ...] = (), viewport=(1100, 800)) -> Iterator[tuple[object, PageGuard]]:
    """A fresh page in headless system Chromium with a :class:`PageGuard` attached; closes the browser."""
    from playwright.sync_api import sync_playwright

    chromium_or_skip()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            page = context.new_page()
            yield page, PageGuard(page, measure=measure)
        finally:
            browser.close()
