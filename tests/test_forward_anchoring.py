"""Anchoring the reconstructions: the solver, and round trips in which a *changed* reported value is reconstructed
and our analysis of the result gives the changed value back (so the anchoring follows the registry, not a fixed
seed that happens to work)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ti10cu2_lib.analysis.conductivity import analyse_iv
from ti10cu2_lib.analysis.mott_schottky import analyse_mott_schottky, inverse_square_capacitance
from ti10cu2_lib.analysis.tauc import analyse_tauc
from ti10cu2_lib.analysis.uvvis import analyse_uvvis
from ti10cu2_lib.data.registry import Registry, default_registry
from ti10cu2_lib.forward import reconstructors
from ti10cu2_lib.forward.anchoring import solve_anchor
from ti10cu2_lib.forward.electrical import simulate_iv, simulate_mott_schottky


def changed_registry(changes: dict[tuple[str, str], float]) -> Registry:
    """The article's registry with some values replaced ({(id, form): value})."""
    registry = default_registry()
    values = tuple(dataclasses.replace(v, value=changes[(v.id, v.form)]) if (v.id, v.form) in changes else v
                   for v in registry.values)
    return Registry(values=values, claims=registry.claims)


def test_solver_reaches_the_target_of_a_biased_nonlinear_analysis():
    def analysed(p):  # reads 2 % low and 0.3 units short, as an overlapping band or a series element would
        return 0.98 * p - 0.3

    found = solve_anchor(analysed, np.array([10.0, 20.0]), np.array([10.0, 20.0]), tolerance=1e-9)
    assert analysed(found) == pytest.approx([10.0, 20.0], abs=1e-9)


def test_solver_says_when_it_cannot_reach_the_target():
    with pytest.raises(RuntimeError, match="residual"):
        solve_anchor(lambda p: np.zeros_like(p), np.array([1.0]), np.array([1.0]), tolerance=1e-6)


def test_exact_slope_iv_has_the_given_least_squares_slope_and_the_same_noise():
    voltage = np.linspace(-0.2, 0.2, 41)
    plain = simulate_iv(voltage, conductance_S=3e-13, noise_rms_A=2e-15, rng=np.random.default_rng(4))
    exact = simulate_iv(voltage, conductance_S=3e-13, noise_rms_A=2e-15, fitted_slope_exact=True,
                        rng=np.random.default_rng(4))
    assert np.polyfit(voltage, exact["current_A"], 1)[0] == pytest.approx(3e-13, rel=1e-9, abs=0)
    assert np.polyfit(voltage, plain["current_A"], 1)[0] != pytest.approx(3e-13, rel=1e-4, abs=0)
    # only a line was added: the residuals about the fitted line are the same noise realisation
    residual = [np.polynomial.polynomial.polyfit(voltage, f["current_A"], 1) for f in (plain, exact)]
    assert residual[0][0] == pytest.approx(residual[1][0], rel=1e-9)


def test_helmholtz_capacitance_bounds_the_accumulation_capacitance():
    potentials = np.round(np.arange(-1.2, 0.4001, 0.01), 3)
    common = {"flat_band_V": -0.7, "carrier_density_per_m3": 1e24, "permittivity": 10.0, "area_cm2": 2.0,
              "relative_noise": 0.0, "rng": np.random.default_rng(0)}
    ideal = simulate_mott_schottky(potentials, (1000.0,), **common)
    series = simulate_mott_schottky(potentials, (1000.0,), helmholtz_uF_per_cm2=15.0, **common)
    accumulation = potentials < -1.0
    assert ideal["capacitance_F"][accumulation].max() > 1e-3  # the ideal space charge diverges (> 1 mF)
    # series: C → C_H·A = 30 µF, and 1/C² never falls below 1/(C_H·A)²
    assert series["capacitance_F"][accumulation].to_numpy() == pytest.approx(30e-6, rel=0.03)
    assert inverse_square_capacitance(series["capacitance_F"]).min() >= 1 / (30e-6) ** 2 * (1 - 1e-9)


CHANGED = {("flat_band", "sp"): -0.52, ("band_gap", "cs"): 2.41, ("conductivity", "cs"): 7.3e-9,
           ("uvvis_band_1", "both"): 305.0, ("uvvis_band_2", "both"): 372.0}


@pytest.fixture(scope="module")
def changed():
    return changed_registry(CHANGED)


def build(kind, form, registry, seed=11):
    return reconstructors()[kind](form, registry, np.random.default_rng(seed))


def test_changed_flat_band_comes_back_at_every_frequency(changed):
    result = analyse_mott_schottky(build("mott_schottky", "sp", changed))
    assert result.flat_band_V_vs_NHE == pytest.approx(-0.52, abs=5e-4)
    assert [f.flat_band_V_vs_NHE for f in result.frequencies] == pytest.approx([-0.52] * 3, abs=0.005)


def test_changed_band_gap_comes_back(changed):
    assert analyse_tauc(build("drs", "cs", changed)).band_gap_eV == pytest.approx(2.41, abs=5e-4)


def test_changed_conductivity_comes_back(changed):
    assert analyse_iv(build("iv", "cs", changed)).conductivity_S_per_m == pytest.approx(7.3e-9, rel=1e-5)


def test_changed_band_maxima_come_back_and_differ_from_the_gaussian_centres(changed):
    dataset = build("uvvis_solution", "sp", changed)
    assert analyse_uvvis(dataset).peaks_nm == pytest.approx((305.0, 372.0), abs=0.05)
    # the stronger short-wavelength band pulls the long-wavelength maximum towards it: its centre lies beyond
    centres = dataset.metadata["band_centers_nm"]
    assert centres[1] > 372.0
    assert analyse_uvvis(dataset, deconvolve_bands=True).peaks_nm == pytest.approx(centres, abs=0.5)
