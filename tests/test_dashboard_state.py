"""The dashboard's per-session state and layout, without a browser (fast).

Toggling the form only switches what is shown (the analyses of both forms are computed once); uploads are validated
with the CLI's readers, refused with one-line messages, size-limited and private to one state object; the layout
builds every tab for both forms without a display error, live and static.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import panel as pn
import pytest

from dashboard import state as state_module
from dashboard import structures, uploads
from dashboard.components import Context
from dashboard.layout import build_all_tabs, build_dashboard
from dashboard.panels import FormPanels
from dashboard.state import DashboardState, default_analysis
from dashboard.tabs.claims import claims_frame
from dashboard.tabs.overview import keynumbers_section
from dashboard.uploads import UPLOAD_LIMIT_BYTES, safe_filename
from ti10cu2_lib.core.rounding import format_with_uncertainty

CIF_DIR = Path(__file__).resolve().parent / "data" / "cif"


def iv_csv(sigma_S_per_m: float, length_mm: float, area_mm2: float, n: int = 41) -> str:
    """An ohmic I–V sweep (−0.2…+0.2 V) of a crystal with conductivity σ, with a little deterministic noise."""
    conductance = sigma_S_per_m * (area_mm2 * 1e-6) / (length_mm * 1e-3)
    v = np.linspace(-0.2, 0.2, n)
    i = conductance * v + 1e-3 * conductance * 0.2 * np.sin(np.arange(n))
    return "voltage_V,current_A\n" + "\n".join(f"{a:.5f},{b:.8e}" for a, b in zip(v, i, strict=True)) + "\n"


@pytest.fixture
def state() -> DashboardState:
    return DashboardState()


def test_both_forms_are_computed_once_and_the_toggle_only_changes_what_is_shown(state):
    analyses = state.analyses
    assert state.shown_forms == ("sp",)
    assert round(analyses["sp"].tauc.band_gap_eV, 2) == 2.27
    assert round(analyses["cs"].tauc.band_gap_eV, 2) == 2.35
    assert round(analyses["sp"].mott_schottky.flat_band_V_vs_NHE, 2) == -0.47
    assert round(analyses["cs"].mott_schottky.flat_band_V_vs_NHE, 2) == -0.67
    for form, shown in (("cs", ("cs",)), ("both", ("sp", "cs")), ("sp", ("sp",))):
        state.form = form
        assert state.shown_forms == shown
        assert state.analyses is analyses  # nothing recomputed by a toggle


def test_toggle_in_the_layout_switches_visibility_without_rebuilding(state):
    layout, state, _ = build_dashboard(state)
    build_all_tabs(layout)
    panels = [p for p in layout.select(pn.Column) if isinstance(getattr(p, "tags", None), list)
              and p.tags in (["form-sp"], ["form-cs"])]
    assert panels, "no per-form panels found"
    before = {id(p): [tuple(id(o) for o in section.objects) for section in p.objects] for p in panels}
    state.form = "cs"
    assert all(p.visible == (p.tags == ["form-cs"]) for p in panels)
    state.form = "both"
    assert all(p.visible for p in panels)
    after = {id(p): [tuple(id(o) for o in section.objects) for section in p.objects] for p in panels}
    assert before == after


def test_key_numbers_show_each_forms_values_with_badges(state):
    html_sp = " ".join(str(o.object) for o in keynumbers_section(state, "sp", Context())[1:2])
    html_cs = " ".join(str(o.object) for o in keynumbers_section(state, "cs", Context())[1:2])
    for form, html in (("sp", html_sp), ("cs", html_cs)):
        t = state.analyses[form].tauc  # shown rounded to its uncertainty
        shown = format_with_uncertainty(t.band_gap_eV, t.band_gap_uncertainty_eV)
        assert (f'data-key="band_gap" data-form="{form}" data-provenance="computed from reconstructed">{shown} eV'
                in html)
    assert "title=" in html_sp and ">reported</span>" in html_sp  # badges carry their source on hover


def test_tauc_window_recomputes_the_band_gap_and_band_edges_of_that_form_only(state):
    auto = state.analyses["sp"].tauc
    cs_before = state.analyses["cs"]
    state.set_tauc_window("sp", (2.40, 2.60))
    manual = state.analyses["sp"].tauc
    assert manual.window_selection == "manual" and manual.fit_window_eV == (2.4, 2.6)
    assert manual.band_gap_eV != auto.band_gap_eV
    assert state.analyses["sp"].bands.band_gap_eV == manual.band_gap_eV
    assert state.analyses["cs"] is cs_before
    state.set_tauc_window("sp", None)
    assert state.analyses["sp"].tauc.band_gap_eV == pytest.approx(auto.band_gap_eV)


def test_an_empty_or_off_data_tauc_window_gives_a_one_line_message(state):
    state.set_tauc_window("sp", (2.6, 2.4))
    assert state.message_level == "error" and "empty" in state.message and "\n" not in state.message
    state.set_tauc_window("sp", (5.9, 6.0))
    assert state.analyses["sp"].tauc is None
    assert state.message_level == "error" and "fit window" in state.message and "\n" not in state.message


def test_upload_is_used_in_this_session_only(state):
    other = DashboardState()
    shared_before = default_analysis("cs", "direct", None, state.fingerprint)
    assert state.upload("cs", "iv", "my_iv.csv", iv_csv(2.0e-8, 0.5, 0.01), length_mm=0.5, area_mm2=0.01)
    result = state.analyses["cs"].conductivity
    assert result.conductivity_S_per_m == pytest.approx(2.0e-8, rel=0.01)
    assert "user" in result.origin.root_provenances()
    assert "my_iv.csv" in result.origin.source
    assert state.message_level == "success" and "this browser session only" in state.message
    # another session and the shared cache are untouched
    assert other.analyses["cs"].conductivity.conductivity_S_per_m == pytest.approx(5.9e-9, rel=0.05)
    assert "user" not in other.analyses["cs"].conductivity.origin.root_provenances()
    assert default_analysis("cs", "direct", None, state.fingerprint) is shared_before
    assert "user" not in shared_before.conductivity.origin.root_provenances()
    # nothing was registered on the server
    assert not (Path(state_module.datasets.user_data_dir()) / "manifest.json").exists()
    state.remove_upload("cs", "iv")
    assert "user" not in state.analyses["cs"].conductivity.origin.root_provenances()


@pytest.mark.parametrize("name, data, expected", [
    ("bad_columns.csv", "time_s,signal\n0,1\n1,2\n2,3\n", "no voltage column"),
    ("decimal_comma.csv", "voltage_V;current_A\n0,1;1e-12\n0,2;2e-12\n0,3;3e-12\n", "decimal comma"),
    ("binary.csv", b"\x00\x01\x02binary", "binary"),
    ("empty.csv", "", "empty"),
])
def test_bad_uploads_are_refused_with_one_line_naming_the_file(state, name, data, expected):
    before = state.analyses["sp"]
    assert not state.upload("sp", "iv", name, data, length_mm=0.5, area_mm2=0.01)
    assert state.message_level == "error"
    assert expected in state.message.lower()
    assert "\n" not in state.message
    assert state.message.startswith(name) and "ti10cu2-upload-" not in state.message  # no temporary path
    assert state.analyses["sp"] is before and not state.uploads


def test_size_limit_is_enforced_before_reading(state):
    big = b"voltage_V,current_A\n" + b"0.1,1e-12\n" * (UPLOAD_LIMIT_BYTES // 10 + 10)
    assert len(big) > UPLOAD_LIMIT_BYTES
    assert not state.upload("sp", "iv", "huge.csv", big, length_mm=0.5, area_mm2=0.01)
    assert "larger than the 20 MB upload limit" in state.message and "\n" not in state.message
    assert not state.upload_cif("sp", "huge.cif", big)
    assert "20 MB" in state.message


def test_iv_upload_needs_the_crystal_geometry(state):
    assert not state.upload("sp", "iv", "iv.csv", iv_csv(1e-9, 0.5, 0.01))
    assert "length" in state.message and "cross-section" in state.message


def test_unknown_form_or_kind_is_refused(state):
    assert not state.upload("xx", "iv", "a.csv", "voltage_V,current_A\n0,0\n")
    assert "unknown form" in state.message
    assert not state.upload("sp", "nonsense", "a.csv", "voltage_V,current_A\n0,0\n")
    assert "unknown data kind" in state.message


def test_filenames_are_reduced_to_a_safe_base_name():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\my iv (1).csv") == "my_iv_1_.csv"
    assert safe_filename("") == "upload.csv"
    assert safe_filename(".hidden") == "hidden"


def test_cif_upload_matching_the_form_feeds_the_claims_check(state):
    needs = [c for c in state.claims if c.form == "sp" and str(c.status) == "needs deposited CIF"]
    assert needs
    text = (CIF_DIR / "synthetic_sp_composition.cif").read_text()
    assert state.upload_cif("sp", "synthetic_sp_composition.cif", text)
    bundle = state.structures["sp"]
    assert bundle.role == "user" and bundle.form_match.form == "sp"
    assert str(bundle.origin.provenance) == "user"
    after = {c.id: c for c in state.claims if c.form == "sp"}
    assert str(after["space_group"].status) in ("reproduced", "not reproduced")
    assert "user" in after["space_group"].data_provenance
    assert state.structures["cs"] is None or state.structures["cs"].role != "user"


def test_bad_cif_upload_is_a_one_line_error(state):
    assert not state.upload_cif("sp", "broken.cif", "data_x\n_cell_length_a 10\nloop_\n_atom_site_label\n")
    assert state.message_level == "error" and "\n" not in state.message
    assert state.message.startswith("broken.cif")


def test_demo_structure_is_labelled_and_never_used_for_claims(state, monkeypatch, tmp_path):
    names = structures.demo_cifs()
    if not names:
        pytest.skip("no ../shared/reference-data/cif: the demo is not offered (as in CI)")
    state.set_demo(names[0])
    bundle = state.structures["sp"]
    assert bundle.is_demo and "NOT the article's structure" in bundle.label
    assert str(bundle.origin.provenance) == "illustrative"
    assert all(str(c.status) != "reproduced" for c in state.claims)
    monkeypatch.setattr(structures, "DEMO_DIR", tmp_path / "absent")
    assert structures.demo_cifs() == ()


def test_results_bundle_is_strict_json_with_provenance(state):
    state.upload("sp", "iv", "my_iv.csv", iv_csv(1e-9, 0.5, 0.01), length_mm=0.5, area_mm2=0.01)
    text = json.dumps(state.results_bundle(), allow_nan=False)
    bundle = json.loads(text)
    assert set(bundle["forms"]) == {"sp", "cs"}
    tauc = bundle["forms"]["cs"]["results"]["tauc"]
    assert tauc["provenance"]["provenance"] == "computed"
    assert bundle["forms"]["sp"]["datasets"]["iv"]["provenance"] == "user"
    assert bundle["session_uploads"][0]["file"] == "my_iv.csv"
    assert len(bundle["claims"]) == len(state.claims)


def test_claims_frame_has_every_status_and_a_badge_per_row(state):
    frame = claims_frame(state)
    assert len(frame) == len(state.claims)
    assert {"needs deposited CIF", "consistent by construction", "inconsistent"} <= set(frame["status"])
    assert frame["provenance"].str.contains("title=").all()


@pytest.mark.parametrize("static", [False, True])
def test_layout_builds_every_tab_without_a_display_error(state, static):
    layout, _, ctx = build_dashboard(state, static=static)
    build_all_tabs(layout)
    alerts = [str(a.object) for a in layout.select(pn.pane.Alert)]
    assert not [a for a in alerts if "could not display" in a], alerts
    roles = [role for role, _ in ctx.form_holders]
    assert roles.count("sp") == roles.count("cs") == 9  # nine tabs follow the toggle
    # the static page also carries the overlaid views (Optical, Band structure, Conductivity, CO2)
    assert roles.count("overlay") == (4 if static else 0)
    if static:
        assert "claims.csv" in ctx.tables and "ti10cu2_results.json" in ctx.tables


def test_one_module_per_tab_in_page_order():
    from dashboard.layout import TABS

    assert [tab.TITLE for tab in TABS] == ["Overview", "Composition, IR & TGA", "Structure", "Supercrystal", "Survey",
                                           "PXRD",
                                         "Optical", "Band structure", "Conductivity", "CO2 & photocurrent",
                                         "Claims", "Data & uploads"]
    assert all(callable(tab.build) for tab in TABS)


def test_formpanels_rebuild_only_changed_sections(state):
    from dashboard.panels import ds_key

    ctx = Context()
    calls: list[str] = []

    def build(s, form, c):
        calls.append(form)
        return [pn.pane.Markdown(form)]

    panels = FormPanels(state, ctx, [(ds_key("iv"), build)], "test")
    assert sorted(calls) == ["cs", "sp"]
    calls.clear()
    state.form = "cs"
    state.set_tauc_window("cs", (2.4, 2.6))
    assert calls == []  # the I–V section does not depend on the Tauc window
    state.upload("cs", "iv", "iv.csv", iv_csv(1e-9, 0.5, 0.01), length_mm=0.5, area_mm2=0.01)
    assert sorted(calls) == ["cs", "sp"]  # new cs data: both panels rebuild, as they share their axes
    assert panels.holders["cs"].visible and not panels.holders["sp"].visible


def test_a_deposited_structure_is_shown_and_checked(monkeypatch):
    from ti10cu2_lib.structure.deposit import import_cif

    import_cif(CIF_DIR / "synthetic_sp_composition.cif")
    state = DashboardState()
    bundle = state.structures["sp"]
    assert bundle is not None and bundle.role == "deposited" and str(bundle.origin.provenance) == "deposited"
    sp_claims = {c.id: c for c in state.claims if c.form == "sp"}
    assert str(sp_claims["space_group"].status) != "needs deposited CIF"
    layout, _, _ = build_dashboard(state)
    build_all_tabs(layout)
    assert not [a for a in layout.select(pn.pane.Alert) if "could not display" in str(a.object)]


def test_measured_powder_pattern_is_compared_with_the_structure(state, reference_data):
    cif = reference_data / "pxrd" / "PbSO4-Wyckoff.cif"
    raw = reference_data / "pxrd" / "PBSO4.XRA"
    assert state.upload_cif("cs", cif.name, cif.read_bytes())
    assert state.upload("cs", "pxrd_experimental", raw.name, raw.read_bytes()), state.message
    comparison = state.comparisons["cs"]
    assert not isinstance(comparison, str) and comparison is not None, comparison
    assert comparison.n_matched > 10
    assert "user" in comparison.origin.root_provenances()
    from dashboard.tabs.pxrd import pxrd_section

    parts = pxrd_section(state, "cs", Context())
    assert not [p for p in parts if isinstance(p, pn.pane.Alert) and "could not" in str(p.object)]
    state.remove_upload("cs", "pxrd_experimental")
    assert state.comparisons["cs"] is None


def test_an_internal_failure_is_said_in_one_line_never_silent(state, monkeypatch):
    """A fault of ours (not an InputError) on an upload: the visitor reads one line naming the file; other steps
    of a structure still run."""
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(structures, "simulate_pxrd", broken)
    assert state.upload_cif("sp", "synthetic.cif", (CIF_DIR / "synthetic_sp_composition.cif").read_text())
    bundle = state.structures["sp"]
    assert "internal error (RuntimeError: simulated bug)" in bundle.problems["pxrd"]
    assert bundle.anatomy is not None and bundle.morphology is not None
    monkeypatch.setattr(uploads, "read_dataset", broken)
    assert not state.upload("sp", "uvvis_solution", "fine.csv", "wavelength_nm,absorbance\n300,0.1\n310,0.2\n")
    assert state.message.startswith("fine.csv: could not be analysed — an internal error")
    assert "\n" not in state.message


def test_an_upload_whose_analysis_fails_is_refused(state):
    """Reflectance values of 1e-302 read fine but overflow the Kubelka–Munk transform: refused, like data add."""
    text = "wavelength_nm,reflectance\n" + "".join(f"{w},1e-302\n" for w in range(250, 800))
    assert not state.upload("sp", "drs", "tiny.csv", text)
    assert "tiny.csv" in state.message and "drs analysis fails" in state.message
    assert ("sp", "drs") not in state.uploads


def test_overlay_mode_shows_both_forms_on_shared_axes(state):
    """'both, overlaid': one figure per measurement with both forms' layers (each in its form's colour), and the
    side-by-side figures share their limits (a yield twice as high looks twice as high)."""
    from dashboard.tabs import co2_photocurrent
    from ti10cu2_lib.present import figures

    layout, _, _ = build_dashboard(state)
    build_all_tabs(layout)
    state.form = "overlay"
    overlay = co2_photocurrent.overlay(state, Context())
    fig = next(p.object for p in overlay if isinstance(p, pn.pane.HoloViews))
    colours = {layer.opts.get("style").kwargs.get("color") for layer in fig}
    assert {figures.FORM_COLORS["sp"], figures.FORM_COLORS["cs"]} <= colours
    assert "sp reconstructed, cs reconstructed" in fig.opts.get("plot").kwargs["title"]
    paired = {f: co2_photocurrent.co2_plot(state, f) for f in ("sp", "cs")}
    shared = figures.shared_axes(paired)
    assert figures.data_range(shared["sp"], 1) == figures.data_range(shared["cs"], 1)
    # cs's CO reaches ~97 µmol/g: sp's panel is drawn to the same height, not to its own ~47
    assert figures.data_range(shared["sp"], 1)[1] > 90 > figures.data_range(paired["sp"], 1)[1]


def test_the_difference_columns_compare_like_with_like(state):
    """cs − sp from our results with a propagated uncertainty, and from the article's values at their printed
    precision: the band-gap difference is printed ("only 0.08 eV", badged 'reported'), the σ ratio is derived by us
    from the two printed σ (badged 'derived from reported')."""
    import re

    from dashboard.tabs.overview import KEY_NUMBERS, difference_cells

    cells = {k.key: [re.sub("<[^>]+>", "", c) for c in difference_cells(state, k)] for k in KEY_NUMBERS}
    assert cells["band_gap"][1].startswith("+0.08 eV") and "reported" in cells["band_gap"][1]
    assert "derived" not in cells["band_gap"][1]
    assert cells["conductivity"][1].startswith("cs/sp = 14.4") and "derived from reported" in cells["conductivity"][1]
    ours = float(re.match(r"\+?([-0-9.]+) ± ", cells["band_gap"][0]).group(1))
    gaps = {f: state.analyses[f].tauc.band_gap_eV for f in ("sp", "cs")}
    assert ours == pytest.approx(gaps["cs"] - gaps["sp"], abs=1e-3)


def test_async_uploads_do_the_heavy_part_on_a_worker_thread(state, monkeypatch):
    """upload_async/upload_cif_async read and analyse on a worker thread (the server's event loop stays free) and
    end in the same state as the plain calls."""
    import asyncio
    import threading

    threads: list[str] = []
    real = uploads.build_structure_bundle

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads, "build_structure_bundle", spy)
    text = (CIF_DIR / "synthetic_sp_composition.cif").read_text()
    assert asyncio.run(state.upload_cif_async("sp", "synthetic.cif", text))
    assert threads and threads[0] != threading.main_thread().name
    assert state.structures["sp"].role == "user" and state.structures["sp"].form == "sp"
    ok = asyncio.run(state.upload_async("cs", "iv", "iv.csv", iv_csv(2e-8, 0.5, 0.01), length_mm=0.5, area_mm2=0.01))
    assert ok and state.analyses["cs"].conductivity.conductivity_S_per_m == pytest.approx(2e-8, rel=0.01)
    assert not asyncio.run(state.upload_async("cs", "iv", "bad.csv", "time_s,signal\n0,1\n1,2\n",
                                              length_mm=0.5, area_mm2=0.01))
    assert state.message.startswith("bad.csv") and state.message_level == "error"


def test_uploaded_ir_and_tga_are_analysed_on_their_own_tab(state):
    """An IR or TGA upload (no defaults: the article gives no numbers) is analysed and shown, not just stored."""
    from dashboard.tabs import composition
    from tests.test_ir import spectrum
    from tests.test_tga import solvated_sp_curve

    tga, solvent, _, residue = solvated_sp_curve(methanols=3.0, noise=0.0, seed=0)
    ir = spectrum(1560.0, 1420.0)
    assert state.upload("sp", "tga", "tga.csv", tga.frame.to_csv(index=False))
    assert state.upload("sp", "ir", "ir.csv", ir.frame.to_csv(index=False))
    a = state.analyses["sp"]
    assert a.tga.residue_percent == pytest.approx(residue, abs=0.05)
    assert a.ir.delta_nu_cm1 == pytest.approx(140, abs=2)
    texts = []
    for section in (composition.ir_section, composition.tga_section):
        for obj in section(state, "sp", Context()):
            texts += [str(p.object) for p in pn.panel(obj).select(pn.pane.HTML)]
    assert any('data-key="ir_delta_nu"' in t for t in texts)
    assert any("10 TiO2 + 2 CuO" in t or "TiO2" in t for t in texts)
    # cs has no file: its sections say how to get one, with the article's figure numbers
    assert "Fig. S15" in str(composition.ir_section(state, "cs", Context())[-1].object)


def test_usual_column_names_are_read_and_every_problem_is_said_at_once(state):
    """An I–V exported with potential_V / I_A is read; a file with no dimensions *and* a bad header gets both
    problems in one message."""
    good = "potential_V,I_A\n" + "".join(f"{v / 10:.2f},{v * 1e-13:.3e}\n" for v in range(-5, 6))
    assert state.upload("cs", "iv", "exported.csv", good, length_mm=0.5, area_mm2=0.01), state.message
    assert not state.upload("cs", "iv", "bad.csv", "time_s,signal\n0,1\n1,2\n")
    assert "length between the contacts" in state.message and "no voltage column" in state.message
