"""Band edges and CO2-reduction feasibility against the article's numbers and hand-worked margins."""

from __future__ import annotations

import pytest

from ti10cu2_lib.analysis.band_edges import REDOX_COUPLES, band_edges, couple, feasibility_table
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.registry import default_registry

REPORTED = Origin(Provenance.REPORTED, "test")


def reported_edges(form: str, **kwargs):
    registry = default_registry()
    return band_edges(registry.value("flat_band", form), registry.value("band_gap", form), form=form,
                      flat_band_origin=REPORTED, band_gap_origin=REPORTED, **kwargs)


def reported_value(id_: str, form: str) -> float:
    return default_registry().value(id_, form)


def row(edges, product):
    return next(r for r in edges.feasibility if r.product == product)


def test_couple_table_values():
    expected = {"CO": -0.53, "HCOOH": -0.61, "HCHO": -0.48, "CH3OH": -0.38, "CH4": -0.24, "H2": -0.41}
    for product, potential in expected.items():
        assert couple(product).potential_V_vs_NHE() == pytest.approx(potential)
    assert {c.product for c in REDOX_COUPLES} >= set(expected)


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_homo_matches_the_article_band_diagram(form):
    edges = reported_edges(form)
    assert edges.conduction_band_V_vs_NHE == pytest.approx(reported_value("flat_band", form))
    assert edges.valence_band_V_vs_NHE == pytest.approx(reported_value("homo", form), abs=1e-9)


def test_co_allowed_for_cs_not_for_sp():
    sp, cs = reported_edges("sp"), reported_edges("cs")
    # margins: −0.53 − (−0.47) = −0.06 V (sp); −0.53 − (−0.67) = +0.14 V (cs)
    assert not row(sp, "CO").allowed and row(sp, "CO").margin_V == pytest.approx(-0.06)
    assert row(cs, "CO").allowed and row(cs, "CO").margin_V == pytest.approx(0.14)
    for edges in (sp, cs):  # both reach CH4 (−0.24 V) and oxidise water (+0.82 V)
        assert row(edges, "CH4").allowed and row(edges, "O2").allowed
        assert not row(edges, "CO2•−").allowed
    assert row(sp, "O2").margin_V == pytest.approx(1.80 - 0.82)


def test_offset_rule_changes_the_sp_verdict():
    # with the common CB = E_fb − 0.1…0.2 V rule sp's CB (−0.57…−0.67 V) would reach CO2/CO as well
    for offset in (-0.1, -0.2):
        sp = reported_edges("sp", offset_V=offset)
        assert sp.conduction_band_V_vs_NHE == pytest.approx(-0.47 + offset)
        assert sp.valence_band_V_vs_NHE == pytest.approx(-0.47 + offset + 2.27)
        assert row(sp, "CO").allowed


def test_ph_shift():
    assert couple("CO").potential_V_vs_NHE(8.0) == pytest.approx(-0.53 - 0.0591)
    assert couple("CH4").potential_V_vs_NHE(5.0) == pytest.approx(-0.24 + 2 * 0.0591)
    assert couple("CO2•−").potential_V_vs_NHE(3.0) == pytest.approx(-1.90)  # no proton: no shift
    table = {r.product: r for r in feasibility_table(-0.5, 1.8, pH=9.0)}
    assert table["CO"].potential_V_vs_NHE == pytest.approx(-0.53 - 2 * 0.0591)
    assert table["CO"].margin_V == pytest.approx(-0.53 - 2 * 0.0591 + 0.5)


def test_uncertainties_propagate_only_when_known():
    edges = reported_edges("cs", flat_band_uncertainty_V=0.03)
    assert edges.conduction_band_uncertainty_V == 0.03 and edges.valence_band_uncertainty_V is None
    both = reported_edges("cs", flat_band_uncertainty_V=0.03, band_gap_uncertainty_eV=0.04)
    assert both.valence_band_uncertainty_V == pytest.approx(0.05)
    assert row(both, "CO").margin_uncertainty_V == 0.03 and row(both, "O2").margin_uncertainty_V == pytest.approx(0.05)


def test_bad_inputs():
    with pytest.raises(InputError, match="band gap"):
        band_edges(-0.5, 0.0, flat_band_origin=REPORTED, band_gap_origin=REPORTED)
    with pytest.raises(InputError, match="pH"):
        band_edges(-0.5, 2.0, pH=15, flat_band_origin=REPORTED, band_gap_origin=REPORTED)
    with pytest.raises(InputError, match="CO, "):
        couple("C2H6")


def test_provenance_rests_on_both_inputs():
    edges = band_edges(-0.5, 2.3, flat_band_origin=Origin(Provenance.RECONSTRUCTED, "ms"),
                       band_gap_origin=REPORTED)
    assert edges.origin.root_provenances() == ("reconstructed", "reported")
    assert edges.to_dict()["provenance"]["provenance"] == "computed"
