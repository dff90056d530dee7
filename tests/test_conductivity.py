"""Conductivity from I–V: hand values, round trips, uncertainty, ohmic check, blank comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.conductivity import (
    analyse_iv,
    check_linearity,
    compare_with_blank,
    conductance_from_conductivity,
    conductivity_from_conductance,
)
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.forward.electrical import CRYSTALS, simulate_iv

SWEEP = np.round(np.arange(-0.2, 0.2 + 1e-9, 0.01), 4)


def iv_dataset(frame: pd.DataFrame, kind: str = "iv", **metadata) -> Dataset:
    return Dataset(kind=kind, form=None, frame=frame, origin=Origin(Provenance.USER, f"test {kind}"),
                   metadata=metadata)


def test_hand_worked_conversion():
    # G = 1e-12 S over L = 1 mm, A = 1 mm²: σ = 1e-12 · 1e-3 m / 1e-6 m² = 1e-9 S/m
    assert conductivity_from_conductance(1e-12, 1.0, 1.0) == pytest.approx(1e-9)
    # sp geometry: 4.1e-10 S/m · 0.16e-6 m² / 0.40e-3 m = 1.64e-13 S
    assert conductance_from_conductivity(4.1e-10, 0.40, 0.16) == pytest.approx(1.64e-13)
    assert conductivity_from_conductance(conductance_from_conductivity(5.9e-9, 0.6, 0.0144), 0.6, 0.0144) == (
        pytest.approx(5.9e-9))
    with pytest.raises(InputError, match="length"):
        conductivity_from_conductance(1e-12, 0.0, 1.0)


@pytest.mark.parametrize("noise_fA", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("form,sigma", [("sp", 4.1e-10), ("cs", 5.9e-9)])
def test_round_trip(form, sigma, noise_fA):
    crystal = CRYSTALS[form]
    g = conductance_from_conductivity(sigma, crystal.length_mm, crystal.area_mm2)
    for seed in range(5):
        frame = simulate_iv(SWEEP, conductance_S=g, noise_rms_A=noise_fA * 1e-15, offset_A=3e-16,
                            rng=np.random.default_rng(seed))
        result = analyse_iv(iv_dataset(frame, length_mm=crystal.length_mm, area_mm2=crystal.area_mm2))
        assert result.conductivity_S_per_m == pytest.approx(sigma, rel=0.05)
        assert abs(result.conductivity_S_per_m - sigma) < 4 * result.conductivity_uncertainty_S_per_m
        assert result.intercept_A == pytest.approx(3e-16, abs=4 * noise_fA * 1e-15 / math.sqrt(SWEEP.size))
        assert result.linearity.is_ohmic


def test_uncertainty_shrinks_with_more_points():
    g, noise = 1e-13, 2e-15
    few = analyse_iv(iv_dataset(simulate_iv(np.linspace(-0.2, 0.2, 41), conductance_S=g, noise_rms_A=noise,
                                            rng=np.random.default_rng(1)), length_mm=1, area_mm2=1))
    many = analyse_iv(iv_dataset(simulate_iv(np.linspace(-0.2, 0.2, 401), conductance_S=g, noise_rms_A=noise,
                                             rng=np.random.default_rng(1)), length_mm=1, area_mm2=1))
    # standard error ∝ 1/√n: ten times the points, about √10 smaller
    ratio = few.conductance_uncertainty_S / many.conductance_uncertainty_S
    assert ratio == pytest.approx(math.sqrt(10), rel=0.25)


def test_geometry_uncertainties_add_in_quadrature():
    frame = simulate_iv(SWEEP, conductance_S=1e-13, noise_rms_A=1e-15, rng=np.random.default_rng(2))
    plain = analyse_iv(iv_dataset(frame, length_mm=0.5, area_mm2=0.1), length_relative_uncertainty=0.0,
                       area_relative_uncertainty=0.0)
    by_default = analyse_iv(iv_dataset(frame, length_mm=0.5, area_mm2=0.1))
    with_geometry = analyse_iv(iv_dataset(frame, length_mm=0.5, area_mm2=0.1), length_relative_uncertainty=0.1,
                               area_relative_uncertainty=0.2)
    relative_g = plain.conductance_uncertainty_S / plain.conductance_S
    expected = with_geometry.conductivity_S_per_m * math.sqrt(relative_g**2 + 0.1**2 + 0.2**2)
    assert with_geometry.conductivity_uncertainty_S_per_m == pytest.approx(expected, rel=1e-9)
    assert plain.conductivity_uncertainty_S_per_m == pytest.approx(plain.conductivity_S_per_m * relative_g)
    # the article gives no crystal dimensions: by default ±20 % on each, stated in the result
    assert by_default.conductivity_uncertainty_S_per_m == pytest.approx(
        by_default.conductivity_S_per_m * math.sqrt(relative_g**2 + 0.2**2 + 0.2**2), rel=1e-9)
    assert by_default.conductivity_fit_uncertainty_S_per_m == pytest.approx(plain.conductivity_uncertainty_S_per_m)
    assert "±20%" in by_default.geometry_assumption and "assumed" in by_default.geometry_assumption


def test_arguments_override_metadata():
    frame = simulate_iv(SWEEP, conductance_S=1e-13, noise_rms_A=1e-16, rng=np.random.default_rng(3))
    from_metadata = analyse_iv(iv_dataset(frame, length_mm=0.5, area_mm2=0.1))
    overridden = analyse_iv(iv_dataset(frame, length_mm=0.5, area_mm2=0.1), length_mm=1.0, area_mm2=0.1)
    assert overridden.conductivity_S_per_m == pytest.approx(2 * from_metadata.conductivity_S_per_m)
    assert overridden.length_mm == 1.0


def test_diode_like_iv_is_not_ohmic():
    rng = np.random.default_rng(4)
    current = 1e-13 * np.expm1(SWEEP / (2 * 0.0257)) + 1e-15 * rng.standard_normal(SWEEP.size)
    linearity = check_linearity(SWEEP, current)
    assert not linearity.is_ohmic
    assert linearity.asymmetry_fraction > 0.3
    assert linearity.nonlinearity_p_value < 1e-6


def test_symmetric_superlinear_iv_is_not_ohmic():
    current = 1e-13 * SWEEP + 2e-11 * SWEEP**3  # cubic term: 80 % of the linear current at 0.2 V
    linearity = check_linearity(SWEEP, current + 1e-16 * np.random.default_rng(5).standard_normal(SWEEP.size))
    assert not linearity.is_ohmic
    assert linearity.asymmetry_fraction < 0.05 < linearity.nonlinear_fraction


def test_small_nonlinearity_is_tolerated():
    current = 1e-13 * SWEEP + 2e-14 * SWEEP**3  # 0.8 % of the linear current at 0.2 V: significant, not relevant
    assert check_linearity(SWEEP, current).is_ohmic


def test_blank_comparison():
    g = 1.6e-13
    sample = simulate_iv(SWEEP, conductance_S=g, rng=np.random.default_rng(6))
    blank = simulate_iv(SWEEP, conductance_S=0.0, rng=np.random.default_rng(7))
    other_blank = simulate_iv(SWEEP, conductance_S=0.0, rng=np.random.default_rng(8))
    result = analyse_iv(iv_dataset(sample, length_mm=0.4, area_mm2=0.16), blank=iv_dataset(blank, "iv_blank"))
    assert result.blank.distinguishable
    assert result.blank.signal_to_noise == pytest.approx(g * 0.2 / result.blank.blank_rms_current_A, rel=0.05)
    assert result.origin.root_provenances() == ("user",)
    assert len(result.origin.derived_from) == 2
    noise_vs_noise = analyse_iv(iv_dataset(other_blank, length_mm=0.4, area_mm2=0.16),
                                blank=iv_dataset(blank, "iv_blank"))
    assert not noise_vs_noise.blank.distinguishable
    direct = compare_with_blank(g, 1e-15, 0.2, blank["voltage_V"].to_numpy(), blank["current_A"].to_numpy())
    assert direct.blank_rms_current_A == pytest.approx(np.sqrt(np.mean(blank["current_A"] ** 2)))


def test_missing_geometry_and_bad_uncertainty():
    frame = simulate_iv(SWEEP, conductance_S=1e-13, rng=np.random.default_rng(9))
    with pytest.raises(InputError, match="length"):
        analyse_iv(iv_dataset(frame))
    with pytest.raises(InputError, match="uncertainty"):
        analyse_iv(iv_dataset(frame, length_mm=1, area_mm2=1), area_relative_uncertainty=1.5)


def test_result_json_keys():
    frame = simulate_iv(SWEEP, conductance_S=1e-13, rng=np.random.default_rng(10))
    out = analyse_iv(iv_dataset(frame, length_mm=1, area_mm2=1)).to_dict()
    assert {"conductivity_S_per_m", "conductivity_uncertainty_S_per_m", "conductance_S", "r_squared",
            "provenance", "linearity"} <= set(out)
    assert out["blank"] is None and out["provenance"]["provenance"] == "computed"
