"""Structure and sensitivity figures: drawn from the results without re-analysis, titled with the provenance."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pytest

from ti10cu2_lib.data.readers_pxrd import read_gsas_raw
from ti10cu2_lib.present import figures_structure as fs
from ti10cu2_lib.report.overview import analyse_form
from ti10cu2_lib.report.sensitivity import tauc_window_scan
from ti10cu2_lib.structure.cif import load_cif
from ti10cu2_lib.structure.morphology import bfdh_from_cif
from ti10cu2_lib.structure.packing import packing
from ti10cu2_lib.structure.pxrd import PxrdSettings, load_crystal, simulate_pxrd
from ti10cu2_lib.structure.pxrd_compare import compare_pattern
from ti10cu2_lib.structure.topology import connected_components

TI4 = "cif/COD_7050234_Ti4_alkoxide.cif"
CHAIN = "cif/COD_2231779_catena_CuI_imidazolylpyridine.cif"


def _title(fig) -> str:
    return hv.Store.lookup_options("bokeh", fig, "plot").kwargs["title"]


def _of(overlay, kind):
    return [el for el in overlay if isinstance(el, kind)]


@pytest.fixture(scope="module")
def pbso4():
    from tests.conftest import REFERENCE_DATA

    if not REFERENCE_DATA.is_dir():
        pytest.skip(f"real reference data not found at {REFERENCE_DATA}")
    return load_crystal(REFERENCE_DATA / "pxrd" / "PbSO4-Wyckoff.cif"), REFERENCE_DATA / "pxrd" / "PBSO4.XRA"


def test_pattern_figure_draws_the_pattern_and_its_sticks(pbso4):
    crystal, _ = pbso4
    pattern = simulate_pxrd(crystal, PxrdSettings(two_theta_max=40))
    fig = fs.pxrd_pattern_figure(pattern)
    curve, spikes = _of(fig, hv.Curve)[0], _of(fig, hv.Spikes)[0]
    assert np.array_equal(curve.dimension_values(1), pattern.profile)
    assert len(spikes) == np.count_nonzero((pattern.two_theta >= 5) & (pattern.two_theta <= 40))
    assert "data: user" in _title(fig) and "random powder" in _title(fig)
    textured = simulate_pxrd(crystal, PxrdSettings(two_theta_max=40, po_hkl=(0, 0, 1), po_r=0.7))
    both = fs.pxrd_patterns_figure({"random": pattern, "textured": textured}, offset=50)
    curves = _of(both, hv.Curve)
    assert np.allclose(curves[1].dimension_values(1), textured.profile + 50)
    assert "March–Dollase" in _title(fs.pxrd_pattern_figure(textured))
    hv.render(both, backend="bokeh")


def test_comparison_figure_difference_and_peaks(pbso4):
    crystal, raw = pbso4
    result = compare_pattern(crystal, read_gsas_raw(raw), wavelength=1.540562, kalpha2=(1.54439, 0.5), fwhm=0.08,
                             two_theta_range=(10, 60))
    fig = fs.pxrd_comparison_figure(result, difference_offset=-100.0)
    diff = next(c for c in _of(fig, hv.Curve) if c.label == "measured − calculated")
    assert np.allclose(diff.dimension_values(1), result.fit["observed"] - result.fit["calculated"] - 100.0)
    matched = next(s for s in _of(fig, hv.Scatter) if s.label.startswith("matched"))
    assert len(matched) == result.n_matched
    title = _title(fig)
    assert f"{result.n_matched}/{len(result.matches)} peaks matched" in title and "data: user" in title
    hv.render(fig, backend="bokeh")


@pytest.mark.parametrize("name", [TI4, CHAIN])
def test_centroids_seen_down_a_cell_axis_collapse_along_it(reference_data, name):
    st = load_cif(reference_data / name)
    pk = packing(st, connected_components(st), mc_points=2000)
    fig = fs.centroid_figure(pk, st, repeats=(3, 2, 2), along=(1, 0, 0))
    points = np.concatenate([np.column_stack([s.dimension_values(0), s.dimension_values(1)])
                             for s in _of(fig, hv.Scatter)])
    assert len(points) == pk.n_units_cell * 12
    distinct = np.unique(np.round(points, 6), axis=0)
    assert len(distinct) == pk.n_units_cell * 4  # the three cells along a project onto one point
    assert "[1 0 0]" in _title(fig) and "data: user" in _title(fig)
    shells = fs.neighbour_shells_figure(pk)
    assert len(_of(shells, hv.Spikes)[0]) == len(pk.neighbour_distances)
    hv.render(fig, backend="bokeh")
    hv.render(shells, backend="bokeh")


def test_bfdh_figures(reference_data):
    morph = {"Ti4": bfdh_from_cif(reference_data / TI4), "CuI chain": bfdh_from_cif(reference_data / CHAIN)}
    bars = fs.bfdh_forms_figure(morph["Ti4"], n=5)
    shares = bars.dimension_values("area")
    on_habit = morph["Ti4"].leading_forms(5)
    assert np.allclose(shares, [100 * f.area_fraction for f in on_habit])
    assert morph["Ti4"].habit in _title(bars)
    extents = fs.habit_extents_figure(morph)
    frame = extents.dframe()
    assert np.allclose(frame[frame["axis"] == "L3"]["extent"], 1.0)
    assert (frame[frame["axis"] == "L1"]["extent"] >= 1.0).all()
    hv.render(extents, backend="bokeh")


def test_tauc_sensitivity_figure_marks_the_automatic_window():
    drs = analyse_form("sp").datasets["drs"]
    scan = tauc_window_scan(drs, windows=[(2.3, 2.6), (9.0, 9.5)], transitions=("direct",))
    fig = fs.tauc_sensitivity_figure(scan, reported_eV=2.27)
    auto = scan.automatic("direct")
    stars = [s for s in _of(fig, hv.Scatter) if "automatic" in s.label and len(s)]
    assert stars and stars[0].dimension_values(1)[0] == pytest.approx(auto.band_gap_eV)
    assert stars[0].dimension_values(0)[0] == pytest.approx(sum(auto.window_eV) / 2)
    drawn = sum(len(s) for s in _of(fig, hv.Scatter))
    assert drawn == 2  # the failed window is left out
    assert _of(fig, hv.HLine)[0].data == 2.27
    assert "data: reconstructed" in _title(fig)
    hv.render(fig, backend="bokeh")
