"""Shared figures: built from results without recomputing, and always titled with the data provenance."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pytest

from ti10cu2_lib.present import figures
from ti10cu2_lib.report.overview import analyse_form


@pytest.fixture(scope="module")
def analyses():
    return {form: analyse_form(form) for form in ("sp", "cs")}


def _curves(overlay: hv.Overlay) -> list[hv.Curve]:
    return [el for el in overlay if isinstance(el, hv.Curve)]


def test_every_figure_names_the_data_provenance(analyses):
    cs = analyses["cs"]
    built = [
        figures.uvvis_figure(cs.datasets["uvvis_solution"], cs.uvvis),
        figures.tauc_figure(cs.datasets["drs"], cs.tauc),
        figures.mott_schottky_figure(cs.datasets["mott_schottky"], cs.mott_schottky),
        figures.iv_figure(cs.datasets["iv"], cs.conductivity, cs.datasets["iv_blank"]),
        figures.co2_figure(cs.datasets["co2_timecourse"], cs.co2),
        figures.photocurrent_figure(cs.datasets["photocurrent"], cs.photocurrent),
        figures.band_diagram_figure([analyses["sp"].bands, cs.bands]),
    ]
    for fig in built:
        title = hv.Store.lookup_options("bokeh", fig, "plot").kwargs["title"]
        assert "reconstructed" in title or "illustrative" in title, title


def test_tauc_edge_line_crosses_zero_at_the_reported_gap_of_the_result(analyses):
    sp = analyses["sp"]
    fig = figures.tauc_figure(sp.datasets["drs"], sp.tauc)
    line = _curves(fig)[1]
    x, y = line.dimension_values(0), line.dimension_values(1)
    crossing = np.interp(0.0, y, x)
    assert crossing == pytest.approx(sp.tauc.band_gap_eV, abs=1e-6)


def test_mott_schottky_lines_start_at_each_frequency_intercept(analyses):
    cs = analyses["cs"]
    fig = figures.mott_schottky_figure(cs.datasets["mott_schottky"], cs.mott_schottky)
    starts = sorted(c.dimension_values(0)[0] for c in _curves(fig))
    assert starts == pytest.approx(sorted(f.intercept_V for f in cs.mott_schottky.frequencies))


def test_band_diagram_labels_of_close_couples_do_not_overlap():
    """Couples within 0.2 V (CO −0.53, HCHO −0.48, H2 −0.41, CH3OH −0.38) get labels at least the minimum gap apart,
    each as near its line as that allows; CO2/CO is drawn bold."""
    levels = [-0.61, -0.53, -0.48, -0.41, -0.38, -0.24]
    heights = figures.spread_labels(levels, 0.1)
    ordered = sorted(heights)
    assert all(b - a >= 0.1 - 1e-9 for a, b in zip(ordered, ordered[1:], strict=False))
    assert [levels.index(x) for x in sorted(levels)] == [heights.index(h) for h in ordered]  # order kept
    assert abs(sum(heights) - sum(levels)) < 1e-5  # centred on the lines (heights rounded to 1e-6 V)
