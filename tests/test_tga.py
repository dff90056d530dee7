"""TGA: steps, DTG, residue and the oxide-residue comparison on synthetic curves made here (not measured)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.composition import composition_of
from ti10cu2_lib.analysis.tga import METHANOL_G_PER_MOL, analyse_tga, compare_residue, dtg_curve
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.registry import default_registry

SYNTHETIC = Origin(Provenance.USER, "synthetic TGA curve made in the test")
TEMPERATURE = np.arange(25.0, 800.01, 1.0)
COMPOSITIONS = {form: composition_of(form, default_registry()) for form in ("sp", "cs")}


def logistic(centre: float, width: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(TEMPERATURE - centre) / width))


def solvated_sp_curve(methanols: float, noise: float, seed: int) -> tuple[Dataset, float, float, float]:
    """sp + n CH3OH: the solvent leaves around 150 °C, the cluster burns to 10 TiO2 + 2 CuO around 420 °C."""
    sp = COMPOSITIONS["sp"]
    oxides = sp.tga_residue_percent / 100 * sp.molar_mass_g_per_mol
    initial = sp.molar_mass_g_per_mol + methanols * METHANOL_G_PER_MOL
    solvent = 100 * methanols * METHANOL_G_PER_MOL / initial
    residue = 100 * oxides / initial
    burn = 100 - solvent - residue
    mass = (100 - solvent * logistic(150, 20) - burn * logistic(420, 12)
            + noise * np.random.default_rng(seed).standard_normal(TEMPERATURE.size))
    frame = pd.DataFrame({"temperature_C": TEMPERATURE, "mass_percent": mass})
    return Dataset(kind="tga", form="sp", frame=frame, origin=SYNTHETIC), solvent, burn, residue


@pytest.mark.parametrize("noise", [0.0, 0.02, 0.05])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("methanols", [2.0, 4.0])
def test_two_step_round_trip(noise, seed, methanols):
    dataset, solvent, burn, residue = solvated_sp_curve(methanols, noise, seed)
    result = analyse_tga(dataset, COMPOSITIONS)
    assert len(result.steps) == 2
    first, second = result.steps
    # the broad solvent peak is flat on top: noise moves its maximum by up to ≈ 250 °C per % of mass noise
    assert first.peak_C == pytest.approx(150, abs=3 + 250 * noise) and second.peak_C == pytest.approx(420, abs=2)
    assert first.mass_loss_percent == pytest.approx(solvent, abs=0.1)
    assert second.mass_loss_percent == pytest.approx(burn, abs=0.15)
    assert result.residue_percent == pytest.approx(residue, abs=0.05)
    sp = result.comparisons[0]
    assert sp.form == "sp"
    assert sp.residue_difference_percent == pytest.approx(residue - COMPOSITIONS["sp"].tga_residue_percent, abs=0.05)
    assert sp.implied_extra_mass_g_per_mol == pytest.approx(methanols * METHANOL_G_PER_MOL, abs=5.0)
    assert sp.loss_below_solvent_end_methanol_equivalents == pytest.approx(methanols, abs=0.1)


def test_dtg_peak_of_a_logistic_step_by_hand():
    loss, width = 30.0, 15.0
    mass = 100 - loss * logistic(400, width)
    curve = dtg_curve(TEMPERATURE, mass, smoothing_C=5.0)
    assert curve.temperature_C[np.argmin(curve.dtg_percent_per_C)] == pytest.approx(400, abs=1)
    # the steepest slope of L·σ((T − c)/w) is L/(4w)
    assert -curve.dtg_percent_per_C.min() == pytest.approx(loss / (4 * width), rel=0.01)


@pytest.mark.parametrize("noise", [0.01, 0.05])
def test_dtg_noise_estimate_matches_the_added_noise(noise):
    flat = 100 - 0.002 * (TEMPERATURE - 25)  # slow drift only
    rng = np.random.default_rng(3)
    curves = [dtg_curve(TEMPERATURE, flat + noise * rng.standard_normal(TEMPERATURE.size)) for _ in range(20)]
    scatter = np.std([c.dtg_percent_per_C[100:-100] + 0.002 for c in curves])
    estimate = np.mean([c.dtg_noise_percent_per_C for c in curves])
    assert estimate == pytest.approx(scatter, rel=0.1)


def test_compare_residue_by_hand():
    sp = COMPOSITIONS["sp"]
    exact = compare_residue(sp.tga_residue_percent, 0.0, sp)
    assert exact.residue_difference_percent == pytest.approx(0.0)
    assert exact.implied_molar_mass_g_per_mol == pytest.approx(sp.molar_mass_g_per_mol)
    oxides = 10 * (47.867 + 2 * 15.999) + 2 * (63.546 + 15.999)  # 957.74 g/mol
    low = compare_residue(38.0, 5.0, sp)
    assert low.implied_molar_mass_g_per_mol == pytest.approx(oxides / 0.38)
    assert low.loss_below_solvent_end_g_per_mol == pytest.approx(0.05 * oxides / 0.38)
    assert low.loss_below_solvent_end_methanol_equivalents == pytest.approx(0.05 * oxides / 0.38 / 32.042)


def test_only_the_forms_asked_for_are_compared():
    dataset, *_ = solvated_sp_curve(4.0, 0.0, 0)
    result = analyse_tga(dataset, {"cs": COMPOSITIONS["cs"]})
    assert [c.form for c in result.comparisons] == ["cs"]
    assert result.comparisons[0].theoretical_residue_percent == pytest.approx(41.225, abs=1e-3)
    assert result.origin.root_provenances() == (Provenance.REPORTED, Provenance.USER)


def test_curve_not_reaching_300_C_is_rejected():
    frame = pd.DataFrame({"temperature_C": np.arange(25.0, 250.0), "mass_percent": np.linspace(100, 95, 225)})
    with pytest.raises(InputError, match="does not span 300"):
        analyse_tga(Dataset(kind="tga", form=None, frame=frame, origin=SYNTHETIC), COMPOSITIONS)


def test_flat_curve_has_no_steps():
    frame = pd.DataFrame({"temperature_C": TEMPERATURE, "mass_percent": np.full(TEMPERATURE.size, 100.0)})
    result = analyse_tga(Dataset(kind="tga", form=None, frame=frame, origin=SYNTHETIC), COMPOSITIONS)
    assert result.steps == () and result.residue_percent == pytest.approx(100.0)
