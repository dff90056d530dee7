"""The Tauc band gap's method spread (axis vs Makuła-baseline readings) on hand-computed edges."""

import math

import numpy as np
import pytest

from ti10cu2_lib.analysis.tauc import fit_line, method_variants, tauc_fit

ENERGY_EV = np.linspace(1.5, 3.0, 301)


def edge_with_baseline(baseline: float) -> np.ndarray:
    """Direct-gap α whose Tauc ordinate (α·E)² is 10·(E − 2.4) above 2.4 eV plus a flat ``baseline``."""
    ordinate = np.where(ENERGY_EV > 2.4, 10.0 * (ENERGY_EV - 2.4), 0.0) + baseline
    return np.sqrt(ordinate) / ENERGY_EV


def test_variants_hand_values():
    # axis: 10(E − 2.4) + 0.5 = 0 → E = 2.35; every baseline window sees the flat 0.5 → E = 2.40
    ordinate = (edge_with_baseline(0.5) * ENERGY_EV) ** 2
    edge = fit_line(ENERGY_EV[ENERGY_EV > 2.5], ordinate[ENERGY_EV > 2.5])
    variants = method_variants(ENERGY_EV, ordinate, edge)
    assert variants["axis"] == pytest.approx(2.35, abs=1e-9)
    assert [variants[f"baseline −{d:g} eV"] for d in (0.1, 0.2, 0.3)] == pytest.approx([2.4] * 3, abs=1e-9)


def test_total_uncertainty_adds_the_method_spread_in_quadrature():
    result = tauc_fit(ENERGY_EV, edge_with_baseline(0.5), window=(2.5, 2.9))
    # population standard deviation of (2.35, 2.40, 2.40, 2.40) = 0.05·√3/4
    assert result.method_spread_eV == pytest.approx(0.05 * math.sqrt(3) / 4, abs=1e-9)
    assert result.window_spread_eV == 0.0  # manual window
    expected = math.hypot(result.fit_standard_error_eV, result.method_spread_eV)
    assert result.band_gap_uncertainty_eV == pytest.approx(expected, rel=1e-12)
    assert result.band_gap_uncertainty_eV > 0.02  # the fit alone (exact line) would claim ~0
    assert "quadrature" in result.uncertainty_combination


def test_no_baseline_no_spread():
    result = tauc_fit(ENERGY_EV, edge_with_baseline(0.0), window=(2.5, 2.9))
    assert result.method_spread_eV == pytest.approx(0.0, abs=1e-9)
    assert set(result.method_variants_eV) == {"axis", "baseline −0.1 eV", "baseline −0.2 eV", "baseline −0.3 eV"}


def test_a_given_baseline_window_joins_the_variants():
    result = tauc_fit(ENERGY_EV, edge_with_baseline(0.5), window=(2.5, 2.9), method="baseline",
                      baseline_window=(1.6, 2.0))
    assert result.band_gap_eV == pytest.approx(2.4, abs=1e-9)
    assert result.method_variants_eV["baseline 1.6–2 eV"] == pytest.approx(2.4, abs=1e-9)
    assert len(result.method_variants_eV) == 5
