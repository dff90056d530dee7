"""Mott–Schottky analysis: round trips through the forward model, kT/e, carrier type and density, references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.mott_schottky import (
    analyse_mott_schottky,
    fit_frequency,
    inverse_square_capacitance,
    select_linear_window,
    thermal_voltage_V,
)
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.forward.electrical import simulate_mott_schottky

KT = 0.025693  # k·298.15 K / e, V
AG_AGCL = 0.197  # V vs NHE
POTENTIALS = np.round(np.arange(-1.2, 0.4 + 1e-9, 0.01), 3)
FREQUENCIES = (1000.0, 1300.0, 1500.0)


def ms_dataset(frame: pd.DataFrame, reference: str | None = "Ag/AgCl", **metadata) -> Dataset:
    meta = {"reference_electrode": reference, **metadata} if reference else dict(metadata)
    return Dataset(kind="mott_schottky", form=None, frame=frame, origin=Origin(Provenance.USER, "test"),
                   metadata=meta)


def simulated(flat_band_V, seed, noise, carrier_type="n", **kwargs) -> pd.DataFrame:
    params = {"carrier_density_per_m3": 1e24, "permittivity": 10.0, "area_cm2": 1.0} | kwargs
    return simulate_mott_schottky(POTENTIALS, FREQUENCIES, flat_band_V=flat_band_V, carrier_type=carrier_type,
                                  relative_noise=noise, rng=np.random.default_rng(seed), **params)


def test_thermal_voltage_at_room_temperature():
    assert thermal_voltage_V(298.15) == pytest.approx(KT, abs=2e-6)
    assert thermal_voltage_V(596.3) == pytest.approx(2 * KT, abs=4e-6)


@pytest.mark.parametrize("noise", [0.002, 0.005, 0.01])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_n_type_round_trip_each_frequency(seed, noise):
    flat_band = -0.693  # V vs Ag/AgCl in the model
    frame = simulated(flat_band, seed, noise)
    corrected = analyse_mott_schottky(ms_dataset(frame), kT_correction=True)
    plain = analyse_mott_schottky(ms_dataset(frame))
    assert [f.frequency_Hz for f in corrected.frequencies] == list(FREQUENCIES)
    for fit, raw in zip(corrected.frequencies, plain.frequencies, strict=True):
        assert fit.carrier_type == "n"
        assert fit.flat_band_V_vs_NHE == pytest.approx(flat_band + AG_AGCL, abs=0.02)
        # without the kT/e term the intercept lies kT/e above the flat band (Boltzmann depletion model)
        assert raw.flat_band_V_vs_NHE == pytest.approx(flat_band + AG_AGCL + KT, abs=0.02)
    assert corrected.carrier_type == "n"
    assert corrected.flat_band_V_vs_NHE == pytest.approx(flat_band + AG_AGCL, abs=0.02)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_p_type_round_trip(seed):
    flat_band = -0.1
    result = analyse_mott_schottky(ms_dataset(simulated(flat_band, seed, 0.005, carrier_type="p")),
                                   kT_correction=True)
    assert result.carrier_type == "p"
    for fit in result.frequencies:
        assert fit.carrier_type == "p" and fit.slope < 0
        assert fit.flat_band_V_vs_NHE == pytest.approx(flat_band + AG_AGCL, abs=0.02)


@pytest.mark.parametrize("carrier_type,sign", [("n", -1), ("p", +1)])
def test_kT_correction_shifts_by_kT_over_e(carrier_type, sign):
    frame = simulated(-0.3, 5, 0.005, carrier_type=carrier_type)
    plain = analyse_mott_schottky(ms_dataset(frame))
    corrected = analyse_mott_schottky(ms_dataset(frame), kT_correction=True)
    assert corrected.flat_band_V_vs_NHE - plain.flat_band_V_vs_NHE == pytest.approx(sign * 0.0257, abs=1e-4)
    assert corrected.kT_correction_V == pytest.approx(KT, abs=2e-6) and plain.kT_correction_V == 0.0


@pytest.mark.parametrize("area_cm2", [1.0, 0.25])
@pytest.mark.parametrize("density", [1e23, 1e24, 5e24])
def test_donor_density_recovered(density, area_cm2):
    frame = simulated(-0.6, 7, 0.003, carrier_density_per_m3=density, area_cm2=area_cm2, dispersion_exponent=0.0)
    result = analyse_mott_schottky(ms_dataset(frame), permittivity=10.0, area_cm2=area_cm2)
    for fit in result.frequencies:
        assert fit.carrier_density_per_m3 == pytest.approx(density, rel=0.05)
        assert fit.carrier_density_per_cm3 == pytest.approx(fit.carrier_density_per_m3 * 1e-6)
        assert fit.slope_unit == "cm^4 F^-2 V^-1"
        assert 0 < fit.carrier_density_relative_uncertainty < 0.05


def test_per_area_slope_is_total_slope_times_area_squared():
    frame = simulated(-0.6, 8, 0.003)
    total = analyse_mott_schottky(ms_dataset(frame))
    per_area = analyse_mott_schottky(ms_dataset(frame), area_cm2=0.5)
    for a, b in zip(total.frequencies, per_area.frequencies, strict=True):
        assert b.slope == pytest.approx(a.slope * 0.25, rel=1e-9)
        assert b.flat_band_V_vs_NHE == pytest.approx(a.flat_band_V_vs_NHE, abs=1e-9)


def test_frequency_dispersion_changes_slope_not_flat_band():
    result = analyse_mott_schottky(ms_dataset(simulated(-0.6, 9, 0.002, dispersion_exponent=0.2)))
    slopes = [f.slope for f in result.frequencies]
    assert slopes[2] / slopes[0] == pytest.approx(1.5**0.4, rel=0.03)
    assert result.flat_band_spread_V < 0.01


def test_automatic_window_avoids_accumulation_and_saturation():
    flat_band = -0.7
    for seed in range(3):
        frame = simulated(flat_band, seed, 0.002)
        for fit in analyse_mott_schottky(ms_dataset(frame)).frequencies:
            low, high = fit.fit_window_V
            # the accumulation side and the curved foot (below E_fb + 3kT/e the exact curve is > 10 % off the
            # asymptotic line) are left out
            assert low > flat_band + 3 * KT
            assert high < flat_band + 0.8  # and so is the levelling-off at large bias


def test_straight_line_uses_every_point_and_gives_exact_intercept():
    potential = np.linspace(-0.4, 0.4, 41)
    capacitance = 1.0 / np.sqrt(2e12 * (potential + 0.5))
    window = select_linear_window(potential, inverse_square_capacitance(capacitance))
    assert (window.start, window.stop) == (0, 41)
    fit = fit_frequency(potential, capacitance, 1000.0, reference="SCE")
    assert fit.intercept_V == pytest.approx(-0.5, abs=1e-9)
    assert fit.flat_band_V_vs_NHE == pytest.approx(-0.5 + 0.241, abs=1e-9)


def test_intercept_uncertainty_matches_scatter_over_noise_realisations():
    potential = np.linspace(0.0, 0.6, 31)  # off-centre: the slope/intercept covariance matters
    rng = np.random.default_rng(11)
    intercepts, reported = [], []
    for _ in range(300):
        y = 1e12 * (potential + 0.5) + 1e10 * rng.standard_normal(potential.size)  # constant-variance noise
        fit = fit_frequency(potential, 1 / np.sqrt(y), 1000.0, reference="NHE", window_V=(0.0, 0.6))
        intercepts.append(fit.intercept_V)
        reported.append(fit.flat_band_uncertainty_V)
    assert np.mean(reported) == pytest.approx(np.std(intercepts), rel=0.15)


def test_manual_window_and_reference_conversion():
    flat_band_agcl = -0.693
    frame = simulated(flat_band_agcl, 3, 0.005)
    manual = analyse_mott_schottky(ms_dataset(frame), window_V=(-0.5, -0.3))
    for fit in manual.frequencies:
        assert fit.window_rule == "manual"
        assert fit.fit_window_V == pytest.approx((-0.5, -0.3), abs=1e-9)
        assert fit.fit_window_V_vs_NHE == pytest.approx((-0.5 + AG_AGCL, -0.3 + AG_AGCL), abs=1e-9)
        assert fit.flat_band_V_vs_NHE == pytest.approx(flat_band_agcl + AG_AGCL + KT, abs=0.02)
    # the same electrode state recorded vs SCE (potentials 0.044 V lower) gives the same flat band vs NHE
    shifted = frame.assign(potential_V=frame["potential_V"] - 0.044)
    auto_agcl = analyse_mott_schottky(ms_dataset(frame))
    auto_sce = analyse_mott_schottky(ms_dataset(shifted, reference="SCE"))
    assert auto_sce.flat_band_V_vs_NHE == pytest.approx(auto_agcl.flat_band_V_vs_NHE, abs=1e-9)
    assert auto_sce.reference_electrode == "SCE"


def test_rhe_uses_ph_from_argument_or_metadata():
    frame = simulated(-0.2, 4, 0.003)
    by_argument = analyse_mott_schottky(ms_dataset(frame, reference="RHE"), pH=7.0)
    by_metadata = analyse_mott_schottky(ms_dataset(frame, reference="RHE", pH=7.0))
    vs_nhe = analyse_mott_schottky(ms_dataset(frame, reference="NHE"))
    assert by_argument.flat_band_V_vs_NHE == pytest.approx(vs_nhe.flat_band_V_vs_NHE - 0.4137, abs=1e-9)
    assert by_metadata.flat_band_V_vs_NHE == pytest.approx(by_argument.flat_band_V_vs_NHE, abs=1e-12)
    with pytest.raises(InputError, match="pH"):
        analyse_mott_schottky(ms_dataset(frame, reference="RHE"))


def test_input_errors():
    frame = simulated(-0.5, 1, 0.005)
    with pytest.raises(InputError, match="reference"):
        analyse_mott_schottky(ms_dataset(frame, reference=None))
    with pytest.raises(InputError, match="contradicts"):
        analyse_mott_schottky(ms_dataset(frame, reference="SCE"), reference="Ag/AgCl")
    with pytest.raises(InputError, match="area"):
        analyse_mott_schottky(ms_dataset(frame), permittivity=10.0)
    with pytest.raises(InputError, match="points"):
        analyse_mott_schottky(ms_dataset(frame), window_V=(0.001, 0.009))
    with pytest.raises(InputError, match="straight"):
        noise_only = frame.assign(capacitance_F=np.random.default_rng(0).uniform(1e-7, 2e-7, len(frame)))
        analyse_mott_schottky(ms_dataset(noise_only))


def test_result_json_and_provenance():
    result = analyse_mott_schottky(ms_dataset(simulated(-0.6, 2, 0.005)))
    out = result.to_dict()
    assert out["provenance"]["provenance"] == "computed" and out["provenance"]["data_provenance"] == ["user"]
    assert {"frequency_Hz", "flat_band_V_vs_NHE", "flat_band_uncertainty_V", "slope", "r_squared", "fit_window_V",
            "carrier_type"} <= set(out["frequencies"][0])
    flat = [f["flat_band_V_vs_NHE"] for f in out["frequencies"]]
    assert out["flat_band_V_vs_NHE"] == pytest.approx(np.mean(flat))
    assert out["flat_band_spread_V"] == pytest.approx(np.std(flat, ddof=1))
