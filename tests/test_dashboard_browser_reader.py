"""What a reader sees in a real (headless) Chromium: the selected form unmistakable, the Claims tab following the
toggle, nothing scrolling sideways at projector width, and the first numbers soon after a cold start."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
from PIL import Image

from tests.browser_support import ARTIFACTS, PageGuard, PanelServer
from tests.test_dashboard_browser import APP, TABS, TIMEOUT_MS, click_form, open_tab

pytestmark = pytest.mark.browser


class WarmPanelServer(PanelServer):
    """``panel serve --warm`` (as ``make serve``), ready as soon as its port accepts connections: no HTTP request
    is made before the test's own, so nothing but ``--warm`` can have filled the caches."""

    def start(self):
        self.args = (*self.args, "--warm")
        t0 = time.monotonic()
        log = self.log_path
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(self.command(), cwd=self.cwd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     env={**os.environ, "BOKEH_BROWSER": "none"}, start_new_session=True)
        while time.monotonic() - t0 < self.timeout:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    self.startup_seconds = time.monotonic() - t0
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"no server on port {self.port}:\n{self.log()[-3000:]}")




def open_page(browser, server, width: int = 1300):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    guard = PageGuard(page)
    page.goto(server.url)
    page.locator('.ti-value[data-key="band_gap"][data-form="sp"]').wait_for(state="visible", timeout=TIMEOUT_MS)
    return context, page, guard


def button_colours(page) -> dict[str, tuple[int, int, int]]:
    """Background colour of each toggle button, by its text."""
    found = page.locator(".ti-form-toggle .bk-btn").evaluate_all(
        "els => els.map(e => [e.innerText, getComputedStyle(e).backgroundColor])")
    out = {}
    for text, rgb in found:
        out[text.strip()] = tuple(int(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return out


def test_the_selected_form_is_unmistakable(browser, server):
    context, page, guard = open_page(browser, server)
    try:
        for label in ("(Ti10Cu2)sp", "(Ti10Cu2)cs", "both, side by side"):
            click_form(page, label)
            page.wait_for_timeout(400)
            colours = button_colours(page)
            selected = colours.pop(label)
            for other in colours.values():
                # a white button against a filled one: far apart in every channel sum, not 4 units as before
                assert sum(abs(a - b) for a, b in zip(selected, other, strict=True)) > 150, (label, colours)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator(".ti-form-toggle").screenshot(path=str(ARTIFACTS / f"toggle-{label[:12]}.png"))
        guard.assert_clean()
    finally:
        context.close()


def claims_forms(page) -> set[str]:
    """The form column of the Claims table's rows (all of them: the table has no pagination)."""
    page.wait_for_timeout(800)
    return set(page.locator('.ti-claims .tabulator-cell[tabulator-field="form"]').all_inner_texts())


def test_the_claims_tab_follows_the_toggle(browser, server):
    context, page, guard = open_page(browser, server)
    try:
        open_tab(page, "Claims")
        page.locator(".ti-claims .tabulator-row").first.wait_for(timeout=TIMEOUT_MS)
        assert claims_forms(page) == {"sp", "both"}
        click_form(page, "(Ti10Cu2)cs")
        assert claims_forms(page) == {"cs", "both"}
        click_form(page, "both, side by side")
        assert claims_forms(page) == {"sp", "cs", "both"}
        guard.assert_clean()
    finally:
        context.close()


def test_nothing_scrolls_sideways_at_projector_width(browser, server):
    """At 1024 px wide no tab, in any mode, is wider than the window."""
    context, page, guard = open_page(browser, server, width=1024)
    try:
        wide = []
        for mode in ("(Ti10Cu2)sp", "both, side by side"):
            click_form(page, mode)
            for tab in TABS:
                open_tab(page, tab)
                page.wait_for_timeout(1500)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 1024 + 2:  # a page still laying out can be wide for a moment: look again
                    page.wait_for_timeout(4000)
                    width = page.evaluate("document.documentElement.scrollWidth")
                if width > 1024 + 2:
                    wide.append(f"{mode} / {tab}: {width} px")
                    page.screenshot(path=str(ARTIFACTS / f"overflow-{tab[:10]}-{mode[:6]}.png"))
        assert not wide, "horizontal scrolling at 1024 px: " + "; ".join(wide)
        guard.assert_clean()
    finally:
        context.close()


def test_first_numbers_within_3_s_of_a_cold_server(browser):
    with WarmPanelServer(APP, timeout=180) as cold:
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        page = context.new_page()
        try:
            t0 = time.monotonic()
            page.goto(cold.url)
            page.locator('.ti-value[data-key="band_gap"][data-form="sp"]').wait_for(state="visible",
                                                                                   timeout=TIMEOUT_MS)
            seconds = time.monotonic() - t0
            page.screenshot(path=str(ARTIFACTS / "cold-first-page.png"))
        finally:
            context.close()
    assert seconds <= 3.0, f"first numbers {seconds:.1f} s after the server was ready"


FIGURE_SIZES_JS = """() => { const out = []; const walk = (root) => { for (const e of root.querySelectorAll('*')) {
  if (e.className && e.className.toString().includes('bk-Figure') && e.offsetParent !== null) {
    const r = e.getBoundingClientRect(); out.push([Math.round(r.width), Math.round(r.height)]); }
  if (e.shadowRoot) walk(e.shadowRoot); } }; walk(document); return out; }"""


def canvas_sizes(page) -> list[tuple[int, int]]:
    """(width, height) of every plot that is displayed."""
    return [tuple(s) for s in page.evaluate(FIGURE_SIZES_JS)]


def test_overlay_mode_draws_both_forms_on_one_figure_and_side_by_side_still_draws(browser, server):
    """Overlay first (the order that once left the per-form plots without a size), then side by side: every plot
    shown has a real size, and the overlay puts both forms' colours in one figure."""
    context, page, guard = open_page(browser, server)
    try:
        click_form(page, "both, overlaid")
        open_tab(page, "CO2 & photocurrent")
        panel = page.locator(".ti-overlay-panel").first
        panel.wait_for(state="visible", timeout=TIMEOUT_MS)
        page.wait_for_timeout(2000)
        panel.screenshot(path=str(ARTIFACTS / "overlay-co2.png"))
        shot = Image.open(ARTIFACTS / "overlay-co2.png").convert("RGB")
        colours = {shot.getpixel((x, y)) for x in range(0, shot.width, 3) for y in range(0, shot.height, 3)}
        assert (31, 119, 180) in colours and (214, 39, 40) in colours  # sp blue and cs red in one panel
        click_form(page, "both, side by side")
        page.wait_for_timeout(2500)
        sizes = canvas_sizes(page)
        assert sizes and all(w > 200 and h > 200 for w, h in sizes), sizes
        guard.assert_clean()
    finally:
        context.close()


def test_one_form_uses_the_whole_width_and_two_share_it(browser, server):
    """At 1024 px: one form's J–E plot spans most of the page (it used to keep half the width, the other half
    blank); side by side each form gets about half."""
    context, page, guard = open_page(browser, server, width=1024)
    try:
        open_tab(page, "Conductivity")
        widths = {}
        for mode in ("(Ti10Cu2)sp", "both, side by side"):
            click_form(page, mode)
            page.wait_for_timeout(2000)
            widths[mode] = max(w for w, _ in canvas_sizes(page))
        assert widths["(Ti10Cu2)sp"] > 700, widths
        assert widths["both, side by side"] < 520, widths
        guard.assert_clean()
    finally:
        context.close()
