"""Kubelka–Munk and Tauc analysis: hand-worked values, round trips through the DRS forward model, the linearity
flag, the manual window, the baseline variant, and the embedded reconstructed defaults."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.tauc import analyse_tauc, fit_line, kubelka_munk, tauc_fit, tauc_ordinate
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward.optical import (
    RECONSTRUCTORS,
    reflectance_from_kubelka_munk,
    simulate_drs,
    tauc_edge_F,
)
from ti10cu2_lib.forward.reconstruct import DEFAULT_SEED, rng_for

WAVELENGTH_NM = np.arange(200.0, 801.0)  # the article's DRS range, 1 nm steps
NOISE_LEVELS = (0.001, 0.002, 0.004)  # σ of the reflectance (fraction)
SEEDS = range(5)


def drs_dataset(frame: pd.DataFrame) -> Dataset:
    return Dataset(kind="drs", form=None, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, "test model"))


def analysed(band_gap: float, *, generated: str, analysed_as: str, noise: float, seed: int, **model):
    frame = simulate_drs(WAVELENGTH_NM, band_gap, transition=generated, noise=noise,
                         rng=np.random.default_rng(seed), **model)
    return analyse_tauc(drs_dataset(frame), transition=analysed_as)


# ---------------------------------------------------------------- hand-worked values
@pytest.mark.parametrize(("R", "F"), [(0.5, 0.25), (0.2, 1.6), (0.1, 4.05), (1.0, 0.0), (0.8, 0.025)])
def test_kubelka_munk_hand_values(R, F):
    # F = (1 − R)²/(2R): 0.25/1 = 0.25; 0.64/0.4 = 1.6; 0.81/0.2 = 4.05; 0; 0.04/1.6 = 0.025
    assert kubelka_munk(np.array([R]))[0] == pytest.approx(F, abs=1e-12)


def test_inverse_kubelka_munk_recovers_reflectance():
    R = np.linspace(0.01, 1.0, 50)
    assert reflectance_from_kubelka_munk(kubelka_munk(R)) == pytest.approx(R, abs=1e-12)


@pytest.mark.parametrize("R", [0.0, -0.1, 1.2])
def test_kubelka_munk_rejects_reflectance_outside_unit_interval(R):
    with pytest.raises(InputError, match="outside"):
        kubelka_munk(np.array([0.5, R]))


def test_tauc_ordinate_exponent_convention():
    # hν = 2 eV, F = 1.5 → hν·F = 3: direct (n = 1/2) gives 3² = 9, indirect (n = 2) gives √3
    assert tauc_ordinate(np.array([2.0]), np.array([1.5]), "direct")[0] == pytest.approx(9.0)
    assert tauc_ordinate(np.array([2.0]), np.array([1.5]), "indirect")[0] == pytest.approx(np.sqrt(3.0))
    assert tauc_ordinate(np.array([2.0]), np.array([-0.5]), "direct")[0] == pytest.approx(-1.0)  # sign kept


def test_line_crossings_hand_values():
    x = np.linspace(2.0, 3.0, 11)
    edge = fit_line(x, 2.0 * x - 4.0)  # meets y = 0 at x = 2
    assert edge.crossing() == pytest.approx((2.0, 0.0), abs=1e-12)
    baseline = fit_line(np.linspace(0.0, 1.0, 11), 0.5 * np.linspace(0.0, 1.0, 11) - 0.5)
    # 2x − 4 = 0.5x − 0.5 → x = 3.5/1.5
    assert edge.crossing(baseline)[0] == pytest.approx(3.5 / 1.5, abs=1e-12)


def test_forward_edge_extrapolates_to_the_gap_it_was_given():
    # Independent of the analysis code: two points on the linear Tauc branch, extrapolated by hand.
    for transition, n in (("direct", 0.5), ("indirect", 2.0)):
        energy = np.array([2.6, 2.9])
        F = tauc_edge_F(energy, 2.5, transition=transition, urbach_eV=0.05, linear_range_eV=0.5, levelling_eV=0.3,
                        edge_top_F=3.0)
        u = (F * energy) ** (1 / n)
        assert energy[0] - u[0] * (energy[1] - energy[0]) / (u[1] - u[0]) == pytest.approx(2.5, abs=1e-12)


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("transition", ["direct", "indirect"])
@pytest.mark.parametrize("noise", NOISE_LEVELS)
def test_round_trip_recovers_band_gap(transition, noise):
    for seed in SEEDS:
        band_gap = (2.05, 2.27, 2.35, 2.6, 2.9)[seed]
        result = analysed(band_gap, generated=transition, analysed_as=transition, noise=noise, seed=seed)
        assert result.band_gap_eV == pytest.approx(band_gap, abs=0.02), (seed, result.fit_window_eV)
        assert result.linear_quality == "good", result.warnings
        lo, hi = result.fit_window_eV
        assert band_gap < lo < hi < band_gap + 1.0
        # the total includes the axis/baseline method spread (largest for the indirect exponent's sub-gap tail)
        assert 0 < result.band_gap_uncertainty_eV < 0.03


def test_uncertainty_matches_scatter_over_noise_realisations():
    gaps, errors = [], []
    for seed in range(30):
        frame = simulate_drs(WAVELENGTH_NM, 2.27, noise=0.002, rng=np.random.default_rng(seed))
        result = analyse_tauc(drs_dataset(frame), window=(2.35, 2.7))
        gaps.append(result.band_gap_eV)
        errors.append(result.fit_standard_error_eV)
    assert 0.5 < np.std(gaps) / np.mean(errors) < 2.0


def test_absorbance_spectrum_is_analysed_without_kubelka_munk():
    energy = HC_EV_NM / WAVELENGTH_NM
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        absorbance = 0.02 + tauc_edge_F(energy, 2.4, transition="direct", urbach_eV=0.05, linear_range_eV=0.5,
                                        levelling_eV=0.3, edge_top_F=1.0) + 0.003 * rng.standard_normal(energy.size)
        dataset = drs_dataset(pd.DataFrame({"wavelength_nm": WAVELENGTH_NM, "absorbance": absorbance}))
        result = analyse_tauc(dataset)
        assert result.absorption == "absorbance"
        assert result.band_gap_eV == pytest.approx(2.4, abs=0.02)


# ---------------------------------------------------------------- linearity flag
@pytest.mark.parametrize("noise", NOISE_LEVELS)
def test_wrong_exponent_is_flagged_poorly_linear(noise):
    for seed in SEEDS:
        right = analysed(2.27, generated="indirect", analysed_as="indirect", noise=noise, seed=seed)
        wrong = analysed(2.27, generated="indirect", analysed_as="direct", noise=noise, seed=seed)
        assert right.linear_quality == "good"
        assert wrong.linear_quality == "poorly linear"
        assert any(w.startswith("poorly linear") for w in wrong.warnings)
        assert wrong.band_gap_eV > right.band_gap_eV + 0.2  # the convex curve's straight part sits high on the edge
        backwards = analysed(2.27, generated="direct", analysed_as="indirect", noise=noise, seed=seed)
        assert backwards.linear_quality == "poorly linear"
        assert backwards.linear_fraction < 0.75


# ---------------------------------------------------------------- manual window
def test_manual_window_moves_the_gap_in_the_expected_direction():
    frame = simulate_drs(WAVELENGTH_NM, 2.27, noise=0.002, rng=np.random.default_rng(0))
    on_edge = analyse_tauc(drs_dataset(frame), window=(2.35, 2.70))
    assert on_edge.window_selection == "manual"
    assert on_edge.fit_window_eV == (2.35, 2.70)
    assert on_edge.window_spread_eV == 0.0
    assert on_edge.band_gap_eV == pytest.approx(2.27, abs=0.01)
    assert on_edge.linear_quality == "good"
    # Higher up, the Tauc curve levels off: a shallower line that meets the axis far lower.
    levelling = analyse_tauc(drs_dataset(frame), window=(2.85, 3.10))
    assert levelling.band_gap_eV < on_edge.band_gap_eV - 0.3
    assert levelling.linear_quality == "poorly linear"
    # Down in the Urbach tail the ordinate curves upwards: a line there meets the axis below the gap too.
    tail = analyse_tauc(drs_dataset(frame), window=(2.16, 2.29))
    assert tail.band_gap_eV < on_edge.band_gap_eV


def test_manual_window_outside_the_data_is_an_input_error():
    frame = simulate_drs(WAVELENGTH_NM, 2.27, noise=0.002, rng=np.random.default_rng(0))
    with pytest.raises(InputError, match="fit window"):
        analyse_tauc(drs_dataset(frame), window=(7.0, 8.0))


# ---------------------------------------------------------------- baseline variant (Makuła et al. 2018)
def test_baseline_method_is_exact_when_the_background_adds_in_tauc_coordinates():
    energy = HC_EV_NM / WAVELENGTH_NM
    band_gap, slope = 2.3, 40.0
    ordinate = 1.0 + 0.4 * energy + slope * np.clip(energy - band_gap, 0.0, None)  # sloping sub-gap line + edge
    ordinate = np.where(energy > band_gap + 0.6, ordinate[np.argmin(np.abs(energy - band_gap - 0.6))], ordinate)
    absorption = ordinate**0.5 / energy  # invert (α·hν)² = ordinate
    axis = tauc_fit(energy, absorption, method="axis")
    baseline = tauc_fit(energy, absorption, method="baseline")
    assert baseline.band_gap_eV == pytest.approx(band_gap, abs=0.005)
    # axis crossing lies below by (1 + 0.4·Eg)/(slope + 0.4) ≈ 0.048 eV
    assert axis.band_gap_eV == pytest.approx(band_gap - (1 + 0.4 * band_gap) / (slope + 0.4), abs=0.005)


def test_baseline_crossing_sits_above_the_axis_crossing_by_baseline_height_over_slope():
    frame = simulate_drs(WAVELENGTH_NM, 2.27, transition="indirect", subgap_F=0.1, noise=0.002,
                         rng=np.random.default_rng(3))
    axis = analyse_tauc(drs_dataset(frame), transition="indirect", method="axis")
    baseline = analyse_tauc(drs_dataset(frame), transition="indirect", method="baseline")
    assert baseline.fit_window_eV == axis.fit_window_eV
    height = baseline.baseline_intercept + baseline.baseline_slope_per_eV * baseline.band_gap_eV
    assert baseline.band_gap_eV - axis.band_gap_eV == pytest.approx(height / axis.edge_slope_per_eV, rel=1e-9)
    assert baseline.band_gap_eV - axis.band_gap_eV > 0.03  # it matters for the indirect exponent
    lo, hi = baseline.baseline_window_eV
    assert hi < axis.band_gap_eV and hi - lo > 0.3


# ---------------------------------------------------------------- embedded reconstruction
@pytest.mark.parametrize("form", ["sp", "cs"])
def test_reconstructed_drs_gives_back_the_reported_gap(form):
    registry = default_registry()
    dataset = RECONSTRUCTORS["drs"](form, registry, rng_for(DEFAULT_SEED, "drs", form))
    assert dataset.origin.provenance is Provenance.RECONSTRUCTED
    assert any("direct allowed assumed" in a for a in dataset.assumptions)
    assert dataset.frame["wavelength_nm"].min() == 200 and dataset.frame["wavelength_nm"].max() == 800
    result = analyse_tauc(dataset)
    assert result.band_gap_eV == pytest.approx(registry.value("band_gap", form), abs=0.02)
    assert result.origin.root_provenances() == (Provenance.RECONSTRUCTED,)
    again = RECONSTRUCTORS["drs"](form, registry, rng_for(DEFAULT_SEED, "drs", form))
    pd.testing.assert_frame_equal(dataset.frame, again.frame)
