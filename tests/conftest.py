"""Shared fixtures: an isolated user-data area per test, the real public reference data, and the served dashboard
with a headless Chromium for the browser tests (one server per test module)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO.parent / "shared" / "reference-data"


@pytest.fixture(autouse=True, scope="session")
def session_user_data(tmp_path_factory):
    """Session-wide empty user area, so module-scoped fixtures never see the developer's data/user."""
    previous = os.environ.get("TI10CU2_USER_DATA")
    os.environ["TI10CU2_USER_DATA"] = str(tmp_path_factory.mktemp("session-user-data"))
    yield
    if previous is None:
        os.environ.pop("TI10CU2_USER_DATA", None)
    else:
        os.environ["TI10CU2_USER_DATA"] = previous


@pytest.fixture(autouse=True)
def isolated_user_data(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own empty user-data area, so no test sees another's registered files."""
    user = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("TI10CU2_USER_DATA", str(user))
    return user


@pytest.fixture
def reference_data() -> Path:
    """``../shared/reference-data`` (real public files, read in place); skip when absent."""
    if not REFERENCE_DATA.is_dir():
        pytest.skip(f"real reference data not found at {REFERENCE_DATA} (needs ../shared beside the repo)")
    return REFERENCE_DATA


def run_cli(*args: str, check_json: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m ti10cu2_lib.cli ARGS`` in a subprocess with the test's environment."""
    proc = subprocess.run([sys.executable, "-m", "ti10cu2_lib.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env=dict(os.environ), timeout=120)
    if check_json:
        assert proc.returncode == 0, proc.stderr
        proc.json = json.loads(proc.stdout)  # type: ignore[attr-defined]
    return proc


@pytest.fixture(scope="module")
def server():
    """``panel serve dashboard/app.py`` on a free local port for the module's browser tests."""
    from tests.browser_support import PanelServer, chromium_or_skip

    chromium_or_skip()
    with PanelServer(REPO / "dashboard" / "app.py", timeout=120) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    """Debian's headless Chromium driven by Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import launch_chromium

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()
