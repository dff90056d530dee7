"""Presentation helpers: every value shown with its provenance badge and source; tables keep a provenance column."""

from __future__ import annotations

import html
import math

import pytest

from ti10cu2_lib.core import paths
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.rounding import format_with_uncertainty
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.report.claims import Status, check_claims
from ti10cu2_lib.report.overview import analyse_form


@pytest.fixture(scope="module")
def cs():
    return analyse_form("cs")


def test_badge_text_colour_and_tooltip():
    reported = Origin(Provenance.REPORTED, "article: Fig. 5a")
    badge = p.badge(reported)
    assert ">reported</span>" in badge and p.PROVENANCE_COLORS["reported"] in badge
    assert 'title="article: Fig. 5a"' in badge
    derived = computed_from(Origin(Provenance.RECONSTRUCTED, 'model "x" <y>'), method="fit")
    badge = p.badge(derived)
    assert ">computed from reconstructed</span>" in badge and p.PROVENANCE_COLORS["reconstructed"] in badge
    assert "&lt;y&gt;" in badge and "&quot;x&quot;" in badge  # escaped in the tooltip
    assert "illustrative" in p.badge(Provenance.ILLUSTRATIVE) and p.PROVENANCE_COLORS["illustrative"] in p.badge(
        "illustrative")


def test_value_md_carries_value_uncertainty_unit_badge_and_source(cs):
    md = p.value_md("Eg", cs.tauc.band_gap_eV, "eV", origin=cs.tauc.origin,
                    uncertainty=cs.tauc.band_gap_uncertainty_eV, fmt="{:.3f}")
    assert isinstance(md, str) and md._repr_markdown_() == str(md)
    # rounded to the uncertainty (2 significant digits of it), whatever fmt says
    u = cs.tauc.band_gap_uncertainty_eV
    decimals = 1 - math.floor(math.log10(u))
    assert f"{cs.tauc.band_gap_eV:.{decimals}f} ± {u:.{decimals}f} eV" in md
    assert "computed from reconstructed" in md and "Kubelka" in md
    assert "—" not in p.value_md("x", 1.0, origin=cs.tauc.origin, source=False).split("</span>")[-1]


def test_reported_md_reads_the_registry():
    entry = default_registry().get("flat_band", "sp")
    md = p.reported_md("flat_band", "sp")
    assert "-0.47 V vs NHE" in md and ">reported</span>" in md and html.escape(entry.source) in md
    assert "⚠" in md  # the 'respectively' ambiguity note travels with the number
    derived = p.reported_md("molar_mass", "sp", notes=False)
    assert "not printed in the article" in derived and "IUPAC" in derived and "⚠" not in derived
    assert ">derived from reported</span>" in derived and p.PROVENANCE_COLORS["reported"] not in derived


def test_dataset_md_lists_assumptions_of_reconstructed_data(cs):
    md = p.dataset_md(cs.datasets["iv"])
    assert "reconstructed" in md and "<details>" in md
    assert all(a[:40].replace("'", "&#x27;") in md for a in cs.datasets["iv"].assumptions)
    assert "<details>" not in p.dataset_md(cs.datasets["iv"], assumptions=False)
    assert "illustrative" in p.dataset_md(cs.datasets["photocurrent"])


def test_results_table_has_provenance_and_source(cs):
    table = p.results_table([
        p.Row("Eg", cs.tauc.band_gap_eV, "eV", cs.tauc.origin, cs.tauc.band_gap_uncertainty_eV, "cs"),
        {"quantity": "σ", "value": cs.conductivity.conductivity_S_per_m, "unit": "S/m",
         "origin": cs.conductivity.origin, "form": "cs", "note": "assumed geometry"},
    ], fmt="{:.3g}")
    assert list(table.columns) == ["form", "quantity", "value", "±", "unit", "provenance", "source", "note"]
    assert table["provenance"].tolist() == ["computed from reconstructed"] * 2
    assert table.loc[1, "±"] == "" and table.loc[1, "note"] == "assumed geometry"
    # a value with an uncertainty is rounded to it (fmt only applies to values without one)
    value, plus_minus = format_with_uncertainty(cs.tauc.band_gap_eV, cs.tauc.band_gap_uncertainty_eV).split(" ± ")
    assert (table.loc[0, "value"], table.loc[0, "±"]) == (value, plus_minus)
    assert table.loc[1, "value"] == f"{cs.conductivity.conductivity_S_per_m:.3g}"


def test_format_number():
    assert p.format_number(None) == "—" and p.format_number(float("nan")) == "—"
    assert p.format_number((1000, 1300)) == "1000, 1300" and p.format_number(True) == "yes"
    assert p.format_number(4.1e-10) == "4.1e-10" and p.format_number(2.3456, "{:.2f}") == "2.35"


def test_registry_and_claims_tables():
    reg = p.registry_table(ids=["flat_band", "band_gap"], forms=["sp"])
    assert reg["id"].tolist() == ["flat_band", "band_gap"] and set(reg["provenance"]) == {"reported"}
    checks = check_claims()
    table = p.claims_table(checks)
    assert len(table) == len(checks) and {"status", "data provenance", "reported", "computed"} <= set(table.columns)
    summary = p.claims_summary(checks)
    assert summary["count"].sum() == len(checks) and (summary["meaning"] != "").all()
    assert set(summary["status"]) == {str(s) for s in Status}  # the legend lists every status, also unused ones
    assert set(table.loc[table["id"] == "molar_mass", "reported basis"]) == {"derived"}
    assert "inconsistent" in set(summary["status"])  # the CH4 statement vs the 4 h numbers
    styled = p.style_provenance(table).to_html()
    assert p.STATUS_COLORS["consistent by construction"] in styled
    assert set(p.provenance_legend()["provenance"]) == {str(v) for v in Provenance} | {"derived from reported"}
    assert "a" in p.join_md("a", "", "b") and p.join_md("a", "b") == "a\n\nb"


def test_reference_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.REFERENCE_DATA_ENV, str(tmp_path))
    assert paths.reference_data_dir() == tmp_path
    monkeypatch.setenv(paths.REFERENCE_DATA_ENV, str(tmp_path / "absent"))
    assert paths.reference_data_dir() is None


def test_a_derived_number_never_wears_the_reported_green():
    derived = p.badge("derived from reported")
    assert p.PROVENANCE_COLORS["reported"] not in derived and p.DERIVED_COLOR in derived
    assert p.PROVENANCE_COLORS["reported"] in p.badge("reported")


def test_a_value_computed_from_printed_values_alone_is_badged_derived():
    printed = Origin(Provenance.REPORTED, "article: Fig. 4")
    ratio = computed_from(printed, printed, method="ratio")
    assert p.provenance_text(ratio) == "derived from reported"
    assert p.DERIVED_COLOR in p.badge(ratio) and p.PROVENANCE_COLORS["reported"] not in p.badge(ratio)
    with_user = computed_from(printed, Origin(Provenance.USER, "iv.csv"), method="fit")
    assert p.provenance_text(with_user) == "computed from reported + user"
    assert p.PROVENANCE_COLORS["user"] in p.badge(with_user)
    assert p.provenance_text(printed) == "reported" and p.PROVENANCE_COLORS["reported"] in p.badge(printed)
