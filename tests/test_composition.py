"""Composition of the printed formulas: against FACTS.md's derived numbers and hand-worked values."""

from __future__ import annotations

import pytest

from ti10cu2_lib.analysis.composition import (
    charge_balance,
    composition,
    composition_of,
    hill_formula,
    mass_percent,
    molar_mass_g_per_mol,
    oxide_residue,
    parse_formula,
)
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.registry import default_registry

# CIAAW 2021 abridged standard atomic weights, typed in by hand for the hand-worked checks below
C, H, OX, TI, CU = 12.011, 1.008, 15.999, 47.867, 63.546


@pytest.mark.parametrize(("form", "sum_formula", "molar_mass"), [
    ("sp", "C74H92Cu2O50Ti10", 2387.3),  # FACTS.md
    ("cs", "C72H84Cu2O48Ti10", 2323.2),
])
def test_sum_formula_and_molar_mass_match_facts(form, sum_formula, molar_mass):
    registry = default_registry()
    result = composition_of(form, registry)
    assert result.sum_formula == sum_formula == registry.get("sum_formula", form).value
    assert result.molar_mass_g_per_mol == pytest.approx(molar_mass, abs=0.05)
    assert result.molar_mass_g_per_mol == pytest.approx(registry.value("molar_mass", form), abs=0.05)


def test_molar_mass_hand_worked_for_sp():
    by_hand = 74 * C + 92 * H + 2 * CU + 50 * OX + 10 * TI  # 888.814 + 92.736 + 127.092 + 799.95 + 478.67
    assert by_hand == pytest.approx(2387.262, abs=1e-6)
    atoms = parse_formula("[H6Ti10Cu2(μ2-O)6(μ3-O)2(sal)8(OCH3)18]").atoms
    assert molar_mass_g_per_mol(atoms) == pytest.approx(by_hand)


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_elemental_analysis_sums_to_100_and_carbon_by_hand(form):
    result = composition_of(form, default_registry())
    assert set(result.mass_percent) == {"C", "H", "O", "Ti", "Cu"}
    assert sum(result.mass_percent.values()) == pytest.approx(100.0)
    n_c = 74 if form == "sp" else 72
    assert result.mass_percent["C"] == pytest.approx(100 * n_c * C / result.molar_mass_g_per_mol)
    assert result.mass_percent["Ti"] == pytest.approx(100 * 10 * TI / result.molar_mass_g_per_mol)


@pytest.mark.parametrize(("form", "molar_mass"), [("sp", 74 * C + 92 * H + 2 * CU + 50 * OX + 10 * TI),
                                                  ("cs", 72 * C + 84 * H + 2 * CU + 48 * OX + 10 * TI)])
def test_tga_residue_is_ten_tio2_plus_two_cuo_by_hand(form, molar_mass):
    tio2, cuo = TI + 2 * OX, CU + OX  # 79.865, 79.545
    expected = 100 * (10 * tio2 + 2 * cuo) / molar_mass  # sp: 957.74 / 2387.262 = 40.12 %
    result = composition_of(form, default_registry())
    assert result.residue_oxides == "10 TiO2 + 2 CuO"
    assert result.tga_residue_percent == pytest.approx(expected)
    assert result.tga_residue_percent == pytest.approx({"sp": 40.119, "cs": 41.225}[form], abs=1e-3)


@pytest.mark.parametrize(("form", "protons", "methoxides"), [("sp", 6, 18), ("cs", 4, 16)])
def test_charge_balance_is_neutral(form, protons, methoxides):
    balance = composition_of(form, default_registry()).charge_balance
    assert balance.contributions == {"H": protons, "Ti": 40, "Cu": 4, "O": -16, "sal": -16, "OCH3": -methoxides}
    assert balance.total_charge == 0 and balance.neutral


def test_charge_balance_detects_a_missing_proton():
    balance = charge_balance(parse_formula("[H5Ti10Cu2(μ2-O)6(μ3-O)2(sal)8(OCH3)18]"))
    assert balance.total_charge == -1 and not balance.neutral


def test_parser_expands_nested_groups_and_abbreviations():
    assert hill_formula(parse_formula("[Cu2(OH)2(sal)2]").atoms) == "C14H10Cu2O8"
    assert hill_formula(parse_formula("[Ti((OCH3)2)2]").atoms) == "C4H12O4Ti"
    assert hill_formula(parse_formula("(CuO)2").atoms) == "Cu2O2"
    assert hill_formula(parse_formula("H2O").atoms) == "H2O"  # no carbon: alphabetical
    assert parse_formula("[Ti(μ3-O)2]").atoms == {"Ti": 1, "O": 2}


def test_oxide_residue_by_hand():
    oxides, mass = oxide_residue(parse_formula("Ti3Cu").atoms)
    assert oxides == "3 TiO2 + 1 CuO"
    assert mass == pytest.approx(3 * (TI + 2 * OX) + CU + OX)


def test_mass_percent_of_water_by_hand():
    percent = mass_percent(parse_formula("H2O").atoms)
    assert percent["H"] == pytest.approx(100 * 2 * H / (2 * H + OX))


@pytest.mark.parametrize("bad", ["[H6Ti10(sal)8", "H6Ti10)", "Xy2O", "[H6(tea)2]", "H2O!", ""])
def test_bad_formulas_raise_input_error(bad):
    with pytest.raises(InputError):
        parse_formula(bad)


def test_provenance_is_computed_from_the_reported_formula():
    registry = default_registry()
    result = composition_of("cs", registry)
    assert result.origin.provenance == Provenance.COMPUTED
    assert result.origin.derived_from == (registry.get("formula", "cs").origin,)
    assert result.origin.root_provenances() == (Provenance.REPORTED,)
    payload = result.to_dict()
    assert payload["provenance"]["data_provenance"] == ["reported"]
    assert "C7H4O3" in payload["abbreviations"]


def test_composition_of_any_formula_keeps_its_origin():
    origin = Origin(Provenance.USER, "typed in")
    result = composition("sp", "[H6Ti10Cu2(μ2-O)6(μ3-O)2(sal)8(OCH3)18]", origin)
    assert result.origin.derived_from == (origin,)
