"""Uploads with script payloads in a real (headless) Chromium: no dialog opens, nothing is requested, the payload
shows as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import PageGuard, PanelServer, chromium_or_skip, launch_chromium
from tests.test_dashboard_browser import APP, TIMEOUT_MS, click_form, open_tab, shot
from tests.test_dashboard_security import CSV_PAYLOADS, bad_symop_cif, payload_cif

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    chromium_or_skip()
    with PanelServer(APP, timeout=120) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


def new_page(browser, server):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    guard = PageGuard(page)
    page.goto(server.url)
    page.locator('.ti-value[data-key="band_gap"][data-form="sp"]').wait_for(state="visible", timeout=TIMEOUT_MS)
    return context, page, guard


def choose_kind(page, kind: str) -> None:
    """Pick what the dropped file holds (the Data tab's selector; option labels start with the kind)."""
    select = page.locator(".ti-up-kind select")
    select.wait_for(timeout=TIMEOUT_MS)
    labels = select.locator("option").all_inner_texts()
    select.select_option(label=next(label for label in labels if label.startswith(kind + " ")))
    page.wait_for_timeout(300)


def drop(page, path: Path, expect: str) -> None:
    """Drop ``path`` on the Data tab's dropper and wait for the message about it (``NAME: …``; the file tile
    alone shows just the name)."""
    page.locator(".ti-dropper input[type=file]").set_input_files(str(path))
    message(page, f"{expect}: ").wait_for(timeout=TIMEOUT_MS)


def message(page, text: str):
    """The first element whose text contains ``text`` (messages render inside the alert's shadow root)."""
    return page.get_by_text(text, exact=False).first


def test_script_payloads_in_uploaded_files_open_no_dialog(browser, server, tmp_path):
    files = []
    for i, what in enumerate(sorted(CSV_PAYLOADS)):
        path = tmp_path / f"payload{i}.csv"
        path.write_text(CSV_PAYLOADS[what])
        files.append((path, "uvvis_solution", f"payload{i}.csv"))
    named = tmp_path / "<img src=x onerror=alert(9)>.csv"
    named.write_text(CSV_PAYLOADS["<img> cell"])
    files.append((named, "uvvis_solution", "img_src_x_onerror_alert_9_.csv"))
    for name, text in (("payload.cif", payload_cif()), ("symop.cif", bad_symop_cif())):
        (tmp_path / name).write_text(text)
        files.append((tmp_path / name, "cif", name))

    context, page, guard = new_page(browser, server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        open_tab(page, "Data & uploads")
        for path, kind, expect in files:
            choose_kind(page, kind)
            drop(page, path, expect)
        assert page.get_by_text("onerror=alert(21)", exact=False).count() > 0  # the symop, shown as text
        click_form(page, "both")
        for tab in ("Structure", "Supercrystal", "PXRD", "Optical", "Data & uploads"):
            open_tab(page, tab)
            page.wait_for_timeout(1500)
        shot(page, "payloads-shown-as-text")
        assert dialogs == []
        guard.assert_clean()  # no request (an <img src=x> would ask the server for /x) and no JS error
    finally:
        context.close()
