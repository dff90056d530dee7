"""The worksheet's answer key is computed from the data in use: it follows the data, not a text written down."""

from __future__ import annotations

import pytest

from ti10cu2_lib.report.overview import analyse_form
from ti10cu2_lib.report.worksheet import QUESTIONS, worksheet_answers


@pytest.fixture(scope="module")
def analyses():
    return {form: analyse_form(form) for form in ("sp", "cs")}


def test_every_question_has_a_computed_answer(analyses):
    answers = {a.id: a for a in worksheet_answers(analyses)}
    assert [q.id for q in QUESTIONS] == list(answers)
    gap = analyses["cs"].tauc.band_gap_eV - analyses["sp"].tauc.band_gap_eV
    assert answers["band_gap_difference"].values["difference_eV"] == pytest.approx(gap)
    assert answers["co_only_on_cs"].values["allowed_at_flat_band"] == ["cs"]
    assert "holds only under the article's assumption" in answers["co_only_on_cs"].text
    assert answers["molar_mass_difference"].values["difference_g_per_mol"] == pytest.approx(2 * 32.04, abs=0.1)


def test_the_key_follows_the_data(analyses):
    """Swap the forms' CO2 results: the CH4 answer turns round (a key written down would not)."""
    import dataclasses

    swapped = {"sp": dataclasses.replace(analyses["sp"], co2=analyses["cs"].co2),
               "cs": dataclasses.replace(analyses["cs"], co2=analyses["sp"].co2)}
    before = {a.id: a for a in worksheet_answers(analyses)}["ch4_claim"].text
    after = {a.id: a for a in worksheet_answers(swapped)}["ch4_claim"].text
    assert "not supported by the CH4 yield" in before and "favours cs, as the article says" in after
