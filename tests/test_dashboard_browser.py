"""The dashboard in a real (headless) browser against `panel serve dashboard/app.py`, with no network.

Every test fails if the page asks a host other than localhost for anything or logs a JavaScript error. Checked:
the sp/cs toggle changes the displayed values to the other form's; moving the Tauc window recomputes the band
gap; an uploaded I–V file is used (its conductivity shown, badge "user") in that browser session only — a second
browser context does not see it; the 3D viewer draws the COD demo structure. Screenshots of every tab go to
test-artifacts/.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.browser_support import ARTIFACTS, PageGuard, pixel_stats

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
TABS = ("Overview", "Composition, IR & TGA", "Structure", "Supercrystal", "Survey", "PXRD", "Optical",
        "Band structure", "Conductivity", "CO2 & photocurrent", "Claims", "Data & uploads")
TIMEOUT_MS = 60_000




@contextlib.contextmanager
def session(browser, server) -> Iterator[tuple[object, PageGuard]]:
    """A new browser context (= a new dashboard session) with the page loaded and a network/JS-error guard."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    guard = PageGuard(page)
    try:
        page.goto(server.url)
        page.locator('.ti-value[data-key="band_gap"][data-form="sp"]').wait_for(state="visible", timeout=TIMEOUT_MS)
        yield page, guard
    finally:
        context.close()


def shown_value(page, key: str, form: str) -> tuple[str, str]:
    """(text, data-provenance) of the visible value ``key`` of ``form``; waits for it to become visible."""
    loc = page.locator(f'.ti-value[data-key="{key}"][data-form="{form}"]')
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for i in range(loc.count()):
            item = loc.nth(i)
            if item.is_visible():
                return item.inner_text(), item.get_attribute("data-provenance") or ""
        page.wait_for_timeout(100)
    raise AssertionError(f"no visible value {key!r} for {form!r}")


def number(text: str) -> float:
    return float(text.split()[0].replace("−", "-"))


def wait_for_change(page, key: str, form: str, old: str) -> tuple[str, str]:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        text, prov = shown_value(page, key, form)
        if text.strip() and text != old:  # (an empty text is the value being re-rendered)
            return text, prov
        page.wait_for_timeout(150)
    raise AssertionError(f"{key} of {form} stayed {old!r}")


def open_tab(page, name: str) -> None:
    page.locator(".bk-tab", has_text=name).first.click()


def click_form(page, label: str) -> None:
    page.locator(".ti-form-toggle button", has_text=label).first.click()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def iv_file(tmp_path: Path, sigma: float, length_mm: float, area_mm2: float) -> Path:
    conductance = sigma * (area_mm2 * 1e-6) / (length_mm * 1e-3)
    v = np.linspace(-0.2, 0.2, 41)
    i = conductance * v + 2e-4 * conductance * np.sin(np.arange(41))
    path = tmp_path / "my_crystal_iv.csv"
    path.write_text("voltage_V,current_A\n" + "\n".join(f"{a:.5f},{b:.8e}" for a, b in zip(v, i, strict=True)))
    return path


def test_toggle_switches_every_tab_to_the_other_form(browser, server):
    with session(browser, server) as (page, guard):
        gap_sp, prov = shown_value(page, "band_gap", "sp")
        fb_sp, _ = shown_value(page, "flat_band", "sp")
        assert abs(number(gap_sp) - 2.27) < 0.01 and abs(number(fb_sp) + 0.47) < 0.01
        assert prov == "computed from reconstructed"
        shot(page, "overview-sp")
        click_form(page, "(Ti10Cu2)cs")
        gap_cs, _ = shown_value(page, "band_gap", "cs")
        fb_cs, _ = shown_value(page, "flat_band", "cs")
        assert abs(number(gap_cs) - 2.35) < 0.01 and abs(number(fb_cs) + 0.67) < 0.01
        assert not page.locator('.ti-value[data-key="band_gap"][data-form="sp"]').first.is_visible()
        # the other tabs follow the toggle too
        open_tab(page, "Band structure")
        assert abs(number(shown_value(page, "ms_flat_band", "cs")[0]) + 0.67) < 0.01
        open_tab(page, "Conductivity")
        assert abs(number(shown_value(page, "iv_conductivity", "cs")[0]) / 5.9e-9 - 1) < 0.1
        click_form(page, "(Ti10Cu2)sp")
        assert abs(number(shown_value(page, "iv_conductivity", "sp")[0]) / 4.1e-10 - 1) < 0.1
        click_form(page, "both")
        shown_value(page, "iv_conductivity", "sp")
        shown_value(page, "iv_conductivity", "cs")
        click_form(page, "(Ti10Cu2)sp")
        for name in TABS:
            open_tab(page, name)
            page.wait_for_timeout(1500)  # plots draw 1–2 s after the tab appears
            shot(page, name.split()[0].lower().replace("&", "and"))
        open_tab(page, "Overview")
        click_form(page, "both")
        page.wait_for_timeout(1000)
        shot(page, "overview-both")
        text = page.locator("body").inner_text()
        assert "could not display" not in text
        guard.assert_clean()


def test_tauc_window_recomputes_the_band_gap(browser, server):
    with session(browser, server) as (page, guard):
        open_tab(page, "Optical")
        before, _ = shown_value(page, "tauc_band_gap", "sp")
        boxes = page.locator(".ti-tauc-window input")
        visible = [boxes.nth(i) for i in range(boxes.count()) if boxes.nth(i).is_visible()]
        assert len(visible) == 2, "the Tauc window should have a start and an end box"
        visible[0].fill("2.45")
        visible[0].press("Enter")
        after, prov = wait_for_change(page, "tauc_band_gap", "sp", before)
        assert abs(number(after) - number(before)) > 0.001
        assert "computed" in prov
        page.get_by_text("manual)").first.wait_for(timeout=TIMEOUT_MS)
        shot(page, "optical-manual-window")
        # the band edges follow the new gap
        open_tab(page, "Overview")
        assert shown_value(page, "band_gap", "sp")[0] == after
        guard.assert_clean()


def test_upload_is_used_in_that_session_only(browser, server, tmp_path):
    path = iv_file(tmp_path, 2.0e-8, 0.5, 0.01)
    with session(browser, server) as (page, guard):
        click_form(page, "(Ti10Cu2)cs")
        open_tab(page, "Data & uploads")
        page.locator(".ti-up-form button", has_text="(Ti10Cu2)cs").first.click()
        for css, value in ((".ti-up-length input", "0.5"), (".ti-up-area input", "0.01")):
            page.locator(css).fill(value)
            page.locator(css).press("Enter")
        page.wait_for_timeout(300)
        page.locator(".ti-dropper input[type=file]").set_input_files(str(path))
        page.get_by_text("is now used for (Ti10Cu2)cs iv").first.wait_for(timeout=TIMEOUT_MS)
        open_tab(page, "Conductivity")
        text, prov = shown_value(page, "iv_conductivity", "cs")
        assert number(text) == pytest.approx(2.0e-8, rel=0.01)
        assert "user" in prov
        badge_title = page.locator('.ti-value[data-key="iv_conductivity"][data-form="cs"] + span').first
        assert "my_crystal_iv.csv" in (badge_title.get_attribute("title") or "")
        shot(page, "conductivity-after-upload")

        with session(browser, server) as (other, other_guard):  # a second visitor
            click_form(other, "(Ti10Cu2)cs")
            open_tab(other, "Conductivity")
            text2, prov2 = shown_value(other, "iv_conductivity", "cs")
            assert number(text2) == pytest.approx(5.9e-9, rel=0.1)
            assert "user" not in prov2
            open_tab(other, "Data & uploads")
            assert other.get_by_text("my_crystal_iv.csv").count() == 0
            other_guard.assert_clean()

        # a bad file: refused with one line, the previous upload stays in use
        bad = tmp_path / "bad.csv"
        bad.write_text("time_s,signal\n0,1\n1,2\n2,3\n")
        open_tab(page, "Data & uploads")
        page.locator(".ti-dropper input[type=file]").set_input_files(str(bad))
        page.get_by_text("bad.csv: no voltage column").first.wait_for(timeout=TIMEOUT_MS)
        tile = page.locator(".ti-dropper .filepond--file-status-main").first
        page.locator(".ti-dropper.ti-drop-refused").first.wait_for(timeout=TIMEOUT_MS)
        assert "refused" in tile.evaluate("e => getComputedStyle(e, '::after').content")
        shot(page, "upload-refused-tile")
        open_tab(page, "Conductivity")
        assert number(shown_value(page, "iv_conductivity", "cs")[0]) == pytest.approx(2.0e-8, rel=0.01)
        guard.assert_clean()


def test_3d_viewer_draws_the_cod_demo(browser, server):
    from dashboard.structures import demo_cifs
    from ti10cu2_lib.present.viewer3d import StructureViewer

    if not demo_cifs():
        pytest.skip("../shared/reference-data/cif is absent: the COD demo is not offered")
    if not StructureViewer.available:
        pytest.skip("the 3D viewer's NGL bundle is not installed (make vendor)")
    with session(browser, server) as (page, guard):
        open_tab(page, "Structure")
        page.get_by_text("No deposited CIF for (Ti10Cu2)sp").first.wait_for(timeout=TIMEOUT_MS)
        page.locator(".ti-demo-select select").first.select_option(index=1)
        page.locator('[data-demo="1"]').first.wait_for(state="visible", timeout=TIMEOUT_MS)
        page.locator('[data-viewer3d][data-state="ready"]').first.wait_for(state="visible", timeout=TIMEOUT_MS)
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        png = page.locator("[data-viewer3d]").first.screenshot(path=str(ARTIFACTS / "dashboard-viewer-demo.png"))
        stats = pixel_stats(png)
        assert stats.changed > 0.01 and stats.colors > 20, stats
        assert "NOT the article's structure" in page.locator('[data-demo="1"]').first.inner_text()
        shot(page, "structure-demo")
        guard.assert_clean()


def _hues(png: bytes) -> dict[str, float]:
    """Fractions of clearly red and clearly blue pixels (cs schematic: red spheres; sp: blue layers)."""
    import io

    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return {"red": float(((r > g + 60) & (r > b + 60)).mean()), "blue": float(((b > r + 50) & (b > g + 10)).mean())}


def _visible_viewer(page, scene: str):
    """The visible 3D view of ``scene`` (e.g. schematic-sp), once drawn."""
    loc = page.locator(f'[data-viewer3d][data-scene="{scene}"][data-state="ready"]')
    deadline = time.monotonic() + 2 * TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for i in range(loc.count()):
            if loc.nth(i).is_visible():
                return loc.nth(i)
        page.wait_for_timeout(200)
    raise AssertionError(f"no visible, drawn 3D view of {scene}")


def test_schematic_supercrystal_views_differ_between_sp_and_cs_and_carry_the_badge(browser, server):
    from ti10cu2_lib.present.viewer3d import StructureViewer

    if not StructureViewer.available:
        pytest.skip("the 3D viewer's NGL bundle is not installed (make vendor)")
    from tests.browser_support import image_difference, pixel_stats

    with session(browser, server) as (page, guard):
        open_tab(page, "Supercrystal")
        shots = {}
        for form, label in (("sp", "(Ti10Cu2)sp"), ("cs", "(Ti10Cu2)cs")):
            click_form(page, label)
            view = _visible_viewer(page, f"schematic-{form}")
            assert view.get_attribute("data-provenance") == "illustrative"
            badge = view.locator("[data-viewer3d-badge]")
            assert badge.is_visible() and badge.inner_text().strip() == "illustrative"
            assert page.locator(f'[data-schematic="{form}"]').first.is_visible()  # the sentence beside it
            view.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shots[form] = view.screenshot(path=str(ARTIFACTS / f"dashboard-schematic-{form}.png"))
            stats = pixel_stats(shots[form])
            assert stats.changed > 0.03 and stats.colors > 20, (form, stats)
            shot(page, f"supercrystal-{form}")
        hues = {form: _hues(png) for form, png in shots.items()}
        assert hues["sp"]["blue"] > 0.03 and hues["sp"]["red"] < 0.01, hues  # ABAB layers in the sp blues
        assert hues["cs"]["red"] > 0.03, hues  # chains of red spheres with blue hinges
        assert image_difference(shots["sp"], shots["cs"]) > 0.05
        click_form(page, "both")
        _visible_viewer(page, "schematic-sp")
        _visible_viewer(page, "schematic-cs")
        page.wait_for_timeout(1000)
        shot(page, "supercrystal-both")
        # the descriptors of the schematic stand beside those of the structure shown
        page.get_by_text("Supercrystal descriptors: schematic vs structure shown").first.wait_for(timeout=TIMEOUT_MS)
        guard.assert_clean()


def test_structural_tabs_show_the_demo_of_each_form_and_follow_the_toggle(browser, server):
    from dashboard.structures import demo_cifs
    from ti10cu2_lib.structure.schematic import DEMO_FOR_FORM

    if not demo_cifs():
        pytest.skip("data/demo is absent")
    cods = {form: name.split("_")[1] for form, name in DEMO_FOR_FORM.items()}  # COD ids, e.g. 7050234
    with session(browser, server) as (page, guard):
        for tab in ("Structure", "Supercrystal", "PXRD"):
            open_tab(page, tab)
            for form, label in (("sp", "(Ti10Cu2)sp"), ("cs", "(Ti10Cu2)cs")):
                click_form(page, label)
                banner = page.locator(f'.ti-form-{form} [data-demo="1"]').first
                banner.wait_for(state="visible", timeout=2 * TIMEOUT_MS)
                words = banner.inner_text()
                assert "NOT the article's structure" in words and f"COD {cods[form]}" in words, (tab, form, words)
                other = "cs" if form == "sp" else "sp"
                assert not page.locator(f'.ti-form-{other} [data-demo="1"]').first.is_visible()
                page.wait_for_timeout(1500)
                shot(page, f"{tab.lower()}-demo-{form}")
            if tab == "PXRD":  # a simulated pattern for each form (Bokeh canvas in the visible column)
                assert page.locator(".ti-form-cs canvas").first.is_visible()
        guard.assert_clean()
