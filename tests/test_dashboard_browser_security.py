"""Uploads with script payloads in a real (headless) Chromium: no dialog opens, nothing is requested, the payload
shows as text. And one visitor's large upload does not freeze another visitor's page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser_support import PageGuard
from tests.test_dashboard_browser import TIMEOUT_MS, click_form, open_tab, shot
from tests.test_dashboard_security import CSV_PAYLOADS, bad_symop_cif, payload_cif

pytestmark = pytest.mark.browser




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


def big_cif(side: int = 17, spacing_A: float = 2.6) -> str:
    """SYNTHETIC (made here): a P1 cell of side³ atoms (4913 for 17) on a grid — a load test only, whose
    analysis (bonds, packing, PXRD of ≈ 1.6e8 structure-factor terms) takes seconds."""
    elements = ("Ti", "O", "O", "C", "C", "C")
    rows, m = [], 0
    for i in range(side):
        for j in range(side):
            for k in range(side):
                el = elements[m % 6]
                rows.append(f"{el}{m + 1} {el} {(i + 0.5) / side:.5f} {(j + 0.5) / side:.5f} {(k + 0.5) / side:.5f}"
                            " 0.020 1")
                m += 1
    a = side * spacing_A
    return ("# SYNTHETIC - not a real structure (load test)\ndata_synthetic_big\n_space_group_IT_number 1\n"
            f"_cell_length_a {a}\n_cell_length_b {a}\n_cell_length_c {a}\n_cell_angle_alpha 90\n"
            "_cell_angle_beta 90\n_cell_angle_gamma 90\n_cell_formula_units_Z 1\nloop_\n"
            "_space_group_symop_operation_xyz\n'x, y, z'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
            "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_U_iso_or_equiv\n"
            "_atom_site_occupancy\n" + "\n".join(rows) + "\n")


def test_a_large_upload_does_not_freeze_another_visitor(browser, server, tmp_path):
    """Visitor A drops a 4913-atom CIF (≈ 15 s of analysis); meanwhile visitor B switches the form three times,
    and each switch shows the other form's numbers within 1 s."""
    path = tmp_path / "big4913.cif"
    path.write_text(big_cif())
    ctx_a, page_a, guard_a = new_page(browser, server)
    ctx_b, page_b, guard_b = new_page(browser, server)
    try:
        open_tab(page_a, "Data & uploads")
        choose_kind(page_a, "cif")
        page_a.locator(".ti-dropper input[type=file]").set_input_files(str(path))
        message(page_a, "reading and analysing").wait_for(timeout=TIMEOUT_MS)
        page_b.wait_for_timeout(1500)  # the analysis is under way
        delays = []
        for label in ("(Ti10Cu2)cs", "(Ti10Cu2)sp", "(Ti10Cu2)cs"):
            form = "cs" if label.endswith("cs") else "sp"
            t0 = time.monotonic()
            click_form(page_b, label)
            page_b.locator(f'.ti-value[data-key="band_gap"][data-form="{form}"]').first.wait_for(
                state="visible", timeout=TIMEOUT_MS)
            delays.append(time.monotonic() - t0)
        still_busy = page_a.get_by_text("reading and analysing", exact=False).count() > 0
        message(page_a, "big4913.cif: shown as the").wait_for(timeout=180_000)
        assert still_busy, "the upload finished before the other visitor's clicks: the test measured nothing"
        assert max(delays) < 1.0, f"visitor B waited {max(delays):.2f} s while visitor A's upload was analysed"
        guard_a.assert_clean()
        guard_b.assert_clean()
    finally:
        ctx_a.close()
        ctx_b.close()
