"""Sensitivity scans: each row is the library's own analysis for that choice, and failures become rows."""

from __future__ import annotations

import math

import pytest

from ti10cu2_lib.analysis.band_edges import couple
from ti10cu2_lib.analysis.conductivity import analyse_iv
from ti10cu2_lib.analysis.electrodes import canonical_reference, reference_potential_V_vs_NHE
from ti10cu2_lib.analysis.mott_schottky import analyse_mott_schottky
from ti10cu2_lib.analysis.tauc import analyse_tauc
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Provenance
from ti10cu2_lib.report import sensitivity
from ti10cu2_lib.report.overview import analyse_form


@pytest.fixture(scope="module")
def analyses():
    return {form: analyse_form(form) for form in ("sp", "cs")}


def test_tauc_scan_rows_are_the_library_fits(analyses):
    drs = analyses["sp"].datasets["drs"]
    scan = sensitivity.tauc_window_scan(drs, shifts_eV=(-0.05, 0.0, 0.05), widths_eV=(0.3,))
    auto = analyse_tauc(drs, transition="direct")
    row = scan.automatic("direct")
    assert row.band_gap_eV == pytest.approx(auto.band_gap_eV) and row.window_eV == auto.fit_window_eV
    centre = sum(auto.fit_window_eV) / 2
    manual = [r for r in scan.rows if r.transition == "direct" and r.window_selection == "manual"]
    assert [r.shift_eV for r in manual] == [-0.05, 0.0, 0.05]
    for r in manual:
        assert (r.window_eV[0] + r.window_eV[1]) / 2 == pytest.approx(centre + r.shift_eV, abs=1e-3)
        assert r.window_eV[1] - r.window_eV[0] == pytest.approx(0.3, abs=1e-3)
        assert r.band_gap_eV == pytest.approx(analyse_tauc(drs, window=r.window_eV).band_gap_eV)
    assert {r.transition for r in scan.rows} == {"direct", "indirect"}
    assert len(scan.frame()) == len(scan.rows) == 2 * (1 + 3)
    assert scan.origin.root_provenances() == (Provenance.RECONSTRUCTED,)


def test_tauc_scan_exponent_moves_the_gap_much_more_than_the_window(analyses):
    scan = sensitivity.tauc_window_scan(analyses["cs"].datasets["drs"])
    lo, hi = scan.band_gap_range("direct", good_only=True)
    assert hi - lo < 0.05  # direct edge (as reconstructed): windows on the straight part agree
    assert abs(scan.automatic("indirect").band_gap_eV - scan.automatic("direct").band_gap_eV) > 0.2
    assert scan.automatic("indirect").linear_quality == "poorly linear"


def test_tauc_scan_window_off_the_data_is_a_failed_row_not_an_error(analyses):
    scan = sensitivity.tauc_window_scan(analyses["sp"].datasets["drs"], transitions=("direct",),
                                        windows=[(9.0, 9.5), (2.3, 2.6)])
    failed, ok = scan.rows[1], scan.rows[2]
    assert failed.linear_quality == "failed" and failed.band_gap_eV is None and "fit window" in failed.note
    assert ok.band_gap_eV is not None
    with pytest.raises(InputError):
        sensitivity.tauc_window_scan(analyses["sp"].datasets["drs"], transitions=("quadratic",))


def test_conductivity_scan_is_g_times_l_over_a(analyses):
    results = {f: analyses[f].conductivity for f in ("sp", "cs")}
    lengths, areas = (0.1, results["sp"].length_mm, 1.0), (0.01, results["sp"].area_mm2)
    scan = sensitivity.conductivity_geometry_scan(results, lengths, areas)
    assert len(scan.rows) == 2 * 3 * 2
    for r in scan.rows:
        g = results[r.form].conductance_S
        assert r.conductivity_S_per_m == pytest.approx(g * r.length_mm * 1e-3 / (r.area_mm2 * 1e-6))
    used = scan.table("sp").loc[results["sp"].length_mm, results["sp"].area_mm2]
    assert used == pytest.approx(results["sp"].conductivity_S_per_m)
    assert scan.conductance_ratio_cs_sp == pytest.approx(results["cs"].conductance_S / results["sp"].conductance_S)
    # the geometry enters linearly: ten times longer, ten times the conductivity
    frame = scan.frame()
    sp = frame[(frame.form == "sp") & (frame.area_mm2 == 0.01)].set_index("length_mm")["sigma_S_per_m"]
    assert sp[1.0] / sp[0.1] == pytest.approx(10.0)
    lo, hi = scan.sigma_range("cs")
    assert lo == min(r.conductivity_S_per_m for r in scan.rows if r.form == "cs") and hi / lo == pytest.approx(
        (1.0 / 0.01) / (0.1 / results["sp"].area_mm2))
    with pytest.raises(InputError):
        sensitivity.conductivity_geometry_scan(results, (), areas)
    with pytest.raises(InputError):
        sensitivity.conductivity_geometry_scan(results, (-1.0,), areas)


def test_conductivity_scan_single_form_has_no_ratio(analyses):
    iv = analyses["cs"].datasets["iv"]
    scan = sensitivity.conductivity_geometry_scan({"cs": analyse_iv(iv)}, (0.5,), (0.01,))
    assert scan.conductance_ratio_cs_sp is None and len(scan.rows) == 1


def test_band_offset_scan_matches_feasibility_of_the_band_edges(analyses):
    bands = [analyses["sp"].bands, analyses["cs"].bands]
    scan = sensitivity.band_offset_scan(bands, offsets_V=(0.0, -0.1, -0.2), products=("CO", "CH4"))
    for b in bands:
        at_zero = {f.product: f.allowed for f in b.feasibility}
        assert scan.allowed(b.form, 0.0, "CO") == at_zero["CO"]
        assert scan.allowed(b.form, 0.0, "CH4") == at_zero["CH4"]
    # the article's convention (offset 0): CO only on cs; a CB 0.1 V above E_fb already allows it on sp
    co = couple("CO").potential_V_vs_NHE()
    assert analyses["sp"].bands.flat_band_V_vs_NHE > co > analyses["cs"].bands.flat_band_V_vs_NHE
    assert not scan.allowed("sp", 0.0, "CO") and scan.allowed("cs", 0.0, "CO")
    assert scan.allowed("sp", -0.1, "CO")
    row = scan.rows[1]
    assert row.conduction_band_V_vs_NHE == pytest.approx(bands[0].flat_band_V_vs_NHE - 0.1)
    assert row.valence_band_V_vs_NHE - row.conduction_band_V_vs_NHE == pytest.approx(bands[0].band_gap_eV)
    assert list(scan.frame().columns[-2:]) == ["CO", "CH4"]
    with pytest.raises(InputError):
        sensitivity.band_offset_scan(bands, products=("gold",))
    with pytest.raises(InputError):
        sensitivity.band_offset_scan([])


def test_reference_scan_shifts_by_the_reference_potentials(analyses):
    ms = analyses["cs"].datasets["mott_schottky"]
    assert canonical_reference(ms.metadata["reference_electrode"]) == "Ag/AgCl"
    scan = sensitivity.reference_electrode_scan(ms, ("Ag/AgCl", "SCE", "NHE", "RHE"), pH=7.0)
    rows = {r.reference: r for r in scan.rows}
    assert rows["Ag/AgCl"].flat_band_V_vs_NHE == pytest.approx(analyse_mott_schottky(ms).flat_band_V_vs_NHE)
    assert rows["Ag/AgCl"].shift_V == pytest.approx(0.0, abs=1e-12)
    assert rows["SCE"].shift_V == pytest.approx(0.241 - 0.197)
    assert rows["NHE"].shift_V == pytest.approx(-0.197)
    assert rows["RHE"].shift_V == pytest.approx(reference_potential_V_vs_NHE("RHE", 7.0) - 0.197)
    assert len(scan.frame()) == 4


def test_solvent_scan_mass_balance(analyses):
    comp = analyses["sp"].composition
    scan = sensitivity.solvent_loss_scan(comp, (0, 2))
    dry, wet = scan.rows
    assert dry.solvent_loss_percent == 0 and dry.oxide_residue_percent == pytest.approx(comp.tga_residue_percent)
    methanol = 12.011 + 4 * 1.008 + 15.999
    assert wet.molar_mass_g_per_mol == pytest.approx(comp.molar_mass_g_per_mol + 2 * methanol)
    assert wet.solvent_loss_percent == pytest.approx(100 * 2 * methanol / wet.molar_mass_g_per_mol)
    # residue of the solvated solid × its mass = residue of the dry formula × its mass
    assert wet.oxide_residue_percent * wet.molar_mass_g_per_mol == pytest.approx(
        dry.oxide_residue_percent * dry.molar_mass_g_per_mol)
    assert math.isclose(scan.frame().iloc[1, 0], 2)
    with pytest.raises(InputError):
        sensitivity.solvent_loss_scan(comp, (-1,))


def test_coordination_scan_counts_the_jahn_teller_contact_only_above_its_cutoff(reference_data):
    from ti10cu2_lib.structure.bonds import bond_cutoff
    from ti10cu2_lib.structure.cif import load_cif

    st = load_cif(reference_data / "cif" / "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif")
    scan = sensitivity.coordination_tolerance_scan(st, "Cu", (0.40, 0.45))
    platon, jmol = scan.rows
    assert platon.cutoff == pytest.approx(bond_cutoff("Cu", "O", 0.40))
    # the axial Cu–OW2 contact (≈ 2.39 Å) lies between the two cut-offs: a contact for PLATON, a bond for JmolNN
    assert platon.longest_bond < 2.39 < platon.cutoff + 0.05 and jmol.longest_bond == pytest.approx(2.392, abs=1e-3)
    assert jmol.coordination_number == platon.coordination_number + 1
    assert platon.coordination_number_with_long == jmol.coordination_number_with_long
    assert len(scan.frame()) == 2
    with pytest.raises(InputError):
        sensitivity.coordination_tolerance_scan(st, "Ti")
