"""`ti10cu2 export OUTDIR` writes a site that works from disk: no server, no network, the sp/cs toggle in JavaScript.

The page is opened as a file:// URL in headless Chromium; any request other than to files inside OUTDIR (or
data:/blob: URLs) fails the test, as does a JavaScript error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.export import strip_external
from tests.browser_support import ARTIFACTS, REPO, PageGuard, chromium_or_skip, is_local, launch_chromium

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000


class SiteGuard(PageGuard):
    """:class:`PageGuard` that also allows file:// URLs inside the exported site (and nothing else on disk)."""

    site: str = ""

    def _allowed(self, url: str) -> bool:
        return is_local(url) or (bool(self.site) and url.startswith(self.site))

    def _on_request(self, request) -> None:
        if not self._allowed(request.url):
            self.external.append(request.url)

    def _route(self, route) -> None:
        if self._allowed(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("export") / "site"
    has_notebooks = any((REPO / "notebooks").glob("*.ipynb"))
    flags = ["--no-execute"] if has_notebooks else ["--no-notebooks"]  # executing every notebook is slow
    proc = subprocess.run([sys.executable, "-m", "ti10cu2_lib.cli", "export", str(outdir), *flags, "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert Path(report["index"]) == outdir / "index.html"
    return outdir


def test_export_writes_the_page_results_and_tables(site):
    assert (site / "index.html").stat().st_size > 100_000
    results = json.loads((site / "results.json").read_text())
    assert round(results["forms"]["cs"]["results"]["tauc"]["band_gap_eV"], 2) == 2.35
    assert (site / "tables" / "claims.csv").read_text().startswith("id,form,quantity")
    text = (site / "index.html").read_text()
    assert strip_external(text)[1] == 0  # no <link>/<script> tag loads anything from another host
    if any((REPO / "notebooks").glob("*.ipynb")):
        assert (site / "notebooks" / "index.html").is_file()


def _visible(page, key: str, form: str) -> str:
    loc = page.locator(f'.ti-value[data-key="{key}"][data-form="{form}"]')
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for i in range(loc.count()):
            if loc.nth(i).is_visible():
                return loc.nth(i).inner_text()
        page.wait_for_timeout(100)
    raise AssertionError(f"no visible {key} for {form}")


def test_exported_page_toggles_sp_cs_offline(site):
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    url = (site / "index.html").resolve().as_uri()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport={"width": 1300, "height": 900}, offline=True)
            page = context.new_page()
            guard = SiteGuard(page)
            guard.site = site.resolve().as_uri() + "/"
            page.goto(url)
            page.locator('[data-static="1"]').first.wait_for(state="visible", timeout=TIMEOUT_MS)
            assert _visible(page, "band_gap", "sp").startswith("2.27")
            assert _visible(page, "flat_band", "sp").startswith("-0.47")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "export-overview-sp.png"), full_page=True)
            page.locator(".ti-form-toggle button", has_text="(Ti10Cu2)cs").first.click()
            assert _visible(page, "band_gap", "cs").startswith("2.35")
            assert _visible(page, "flat_band", "cs").startswith("-0.67")
            assert not page.locator('.ti-value[data-key="band_gap"][data-form="sp"]').first.is_visible()
            page.locator(".bk-tab", has_text="Conductivity").first.click()
            shown = float(_visible(page, "iv_conductivity", "cs").split()[0])
            computed = json.loads((site / "results.json").read_text())["forms"]["cs"]["results"]["conductivity"]
            assert shown == pytest.approx(computed["conductivity_S_per_m"], rel=0.02)
            page.locator(".ti-form-toggle button", has_text="both").first.click()
            _visible(page, "iv_conductivity", "sp")
            _visible(page, "iv_conductivity", "cs")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "export-conductivity-both.png"), full_page=True)
            page.locator(".bk-tab", has_text="Claims").first.click()
            page.get_by_text("needs deposited CIF").first.wait_for(timeout=TIMEOUT_MS)
            page.screenshot(path=str(ARTIFACTS / "export-claims.png"), full_page=True)
            guard.assert_clean()
        finally:
            browser.close()


def test_exported_tabs_are_as_tall_as_their_own_content(site):
    """Bokeh hides inactive tabs with ``visibility`` (they keep their space): every static tab used to be as tall as
    the tallest one, so short tabs ended in a mostly blank page. A short tab must now give a short page, and a table
    built while its tab was hidden must still have its full column widths."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    url = (site / "index.html").resolve().as_uri()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(viewport={"width": 1300, "height": 900}, offline=True).new_page()
            page.goto(url)
            page.locator('[data-static="1"]').first.wait_for(state="visible", timeout=TIMEOUT_MS)
            heights = {}
            for tab in ("Structure", "PXRD", "Conductivity", "Claims"):
                page.locator(".bk-tab", has_text=tab).first.click()
                page.wait_for_timeout(800)
                heights[tab] = page.evaluate("document.documentElement.scrollHeight")
            assert max(heights.values()) - min(heights.values()) > 1000, heights
            assert heights["PXRD"] < 0.6 * heights["Structure"], heights
            note_header = page.locator(".tabulator-col", has_text="note").first
            assert note_header.bounding_box()["width"] > 150  # laid out at its width while the tab was hidden
        finally:
            browser.close()
