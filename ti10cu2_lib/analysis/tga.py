"""Thermogravimetry: DTG curve, mass-loss steps, final residue and comparison with the oxide residue.

Conventions (temperatures in °C, masses in % of the initial mass):

- DTG = d(mass %)/dT in % °C⁻¹, from a Savitzky–Golay first derivative (quadratic, window ``smoothing_C``)
  on a uniform temperature grid (step = median spacing of the data, linear interpolation).
- Steps: peaks of the loss rate −DTG with prominence ≥ 1 % of its maximum and ≥ 6 × the DTG's noise σ
  (propagated from the mass noise through the derivative filter). Neighbouring steps are separated at the
  loss-rate minimum between their peaks; the first step starts at the first data point and the last ends at
  the last one (the article's solvent loss starts at room temperature), so the steps cover the whole curve.
  A step's mass loss is the (smoothed) mass drop across its region; steps below ``min_step_percent`` are dropped.
- Residue = mass % at the highest temperature from a straight line fitted to the last 5 % of the temperature
  range (its slope is reported: near 0 means a plateau was reached). The loss up to 300 °C is read off the
  smoothed curve (first point minus the value at 300 °C).
- The theoretical residue assumes complete combustion in air to 10 TiO2 + 2 CuO
  (:mod:`ti10cu2_lib.analysis.composition`); under N2 a carbon-containing residue is heavier.
- The article: continuous loss from room temperature to 300 °C = coordinated solvent (Fig. S17–S18, no
  numbers). If the residue is exactly the oxides, the sample's molar mass per cluster is
  M0 = M(oxides) / (residue/100); the loss up to 300 °C is then (loss/100)·M0 g per mol of cluster, also
  given in CH3OH equivalents (the synthesis solvent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.signal import savgol_coeffs

from ti10cu2_lib.analysis.composition import CompositionResult, molar_mass_g_per_mol, parse_formula
from ti10cu2_lib.analysis.series import savgol_smooth, smooth_maxima
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

METHANOL_G_PER_MOL = molar_mass_g_per_mol(parse_formula("CH3OH").atoms)
MAD_TO_SIGMA = 1.4826  # σ of a normal distribution per median absolute deviation
RESIDUE_TAIL_FRACTION = 0.05  # the residue is read from a line through the last 5 % of the temperature range


@dataclass(frozen=True)
class DTGCurve:
    """Smoothed mass (%) and DTG (% °C⁻¹) on a uniform grid (°C), with the DTG's noise σ (% °C⁻¹) and the
    number of grid points of the smoothing window."""

    temperature_C: np.ndarray
    mass_percent: np.ndarray
    dtg_percent_per_C: np.ndarray
    dtg_noise_percent_per_C: float
    smoothing_points: int = 1


def dtg_curve(temperature_C: np.ndarray, mass_percent: np.ndarray, *, smoothing_C: float = 10.0) -> DTGCurve:
    """Savitzky–Golay smoothed mass and DTG on a uniform grid.

    The DTG noise is the mass noise (robust σ of the data minus the smoothed curve, corrected for the part the
    filter keeps) propagated through the derivative filter's coefficients.
    """
    temp = np.asarray(temperature_C, dtype=float)
    mass = np.asarray(mass_percent, dtype=float)
    order = np.argsort(temp)
    temp, mass = temp[order], mass[order]
    step = float(np.median(np.diff(temp)))
    grid = np.arange(temp[0], temp[-1] + step / 2, step)
    grid = grid[grid <= temp[-1]]
    if grid.size < 5:
        raise InputError(f"only {grid.size} temperature points", fix="give the full TGA curve")
    resampled = np.interp(grid, temp, mass)
    largest_odd = grid.size if grid.size % 2 else grid.size - 1
    window = min(max(5, int(round(smoothing_C / step)) | 1), largest_odd)  # odd number of points
    smooth = savgol_smooth(resampled, window, 2)
    residual = resampled - smooth
    kept = savgol_coeffs(window, 2)[window // 2]  # residual variance = σ²(1 − c0) for a least-squares smoother
    mass_noise = MAD_TO_SIGMA * float(np.median(np.abs(residual - np.median(residual)))) / np.sqrt(1.0 - kept)
    derivative = savgol_coeffs(window, 2, deriv=1, delta=step)
    return DTGCurve(temperature_C=grid, mass_percent=smooth,
                    dtg_percent_per_C=savgol_smooth(resampled, window, 2, deriv=1, delta=step),
                    dtg_noise_percent_per_C=mass_noise * float(np.sqrt(np.sum(derivative**2))),
                    smoothing_points=window)


@dataclass(frozen=True)
class MassLossStep:
    """One mass-loss step: its temperature region and DTG peak (°C), mass loss (%) and peak rate (% °C⁻¹)."""

    start_C: float
    peak_C: float
    end_C: float
    mass_loss_percent: float
    peak_loss_rate_percent_per_C: float


def mass_loss_steps(curve: DTGCurve, *, min_peak_fraction: float = 0.01, noise_multiple: float = 6.0,
                    min_step_percent: float = 0.5) -> tuple[MassLossStep, ...]:
    """Steps from the DTG peaks (see the module docstring)."""
    rate = -curve.dtg_percent_per_C
    top = float(rate.max())
    if top <= 0:
        return ()
    threshold = max(min_peak_fraction * top, noise_multiple * curve.dtg_noise_percent_per_C)
    peaks = smooth_maxima(rate, curve.smoothing_points, threshold)
    if peaks.size == 0:
        return ()
    cuts = [int(a + np.argmin(rate[a:b + 1])) for a, b in zip(peaks[:-1], peaks[1:], strict=True)]
    edges = [0, *cuts, rate.size - 1]
    grid, mass = curve.temperature_C, curve.mass_percent
    steps = []
    for i, peak in enumerate(peaks):
        lo, hi = edges[i], edges[i + 1]
        loss = float(mass[lo] - mass[hi])
        if loss >= min_step_percent:
            steps.append(MassLossStep(start_C=float(grid[lo]), peak_C=float(grid[peak]), end_C=float(grid[hi]),
                                      mass_loss_percent=loss, peak_loss_rate_percent_per_C=float(rate[peak])))
    return tuple(steps)


@dataclass(frozen=True)
class ResidueComparison:
    """Measured residue against the oxide residue of one form's formula, and what it implies per cluster."""

    form: str
    formula_molar_mass_g_per_mol: float
    residue_oxides: str
    theoretical_residue_percent: float
    residue_difference_percent: float
    implied_molar_mass_g_per_mol: float
    implied_extra_mass_g_per_mol: float
    loss_below_solvent_end_g_per_mol: float
    loss_below_solvent_end_methanol_equivalents: float


@dataclass(frozen=True)
class TGAResult(Result):
    """Steps, DTG, residue and per-form residue comparison of a TGA curve."""

    form: str | None
    steps: tuple[MassLossStep, ...]
    residue_percent: float
    final_temperature_C: float
    final_slope_percent_per_C: float
    solvent_loss_end_C: float
    mass_loss_below_solvent_end_percent: float
    comparisons: tuple[ResidueComparison, ...]
    dtg_temperature_C: tuple[float, ...]
    dtg_percent_per_C: tuple[float, ...]
    method: str
    origin: Origin


def compare_residue(residue_percent: float, loss_below_end_percent: float,
                    composition: CompositionResult) -> ResidueComparison:
    """Residue vs the formula's 10 TiO2 + 2 CuO residue; implied molar mass and solvent per cluster."""
    formula_mass = composition.molar_mass_g_per_mol
    oxide_mass = composition.tga_residue_percent / 100.0 * formula_mass
    implied = oxide_mass / (residue_percent / 100.0)
    lost = loss_below_end_percent / 100.0 * implied
    return ResidueComparison(
        form=composition.form, formula_molar_mass_g_per_mol=formula_mass, residue_oxides=composition.residue_oxides,
        theoretical_residue_percent=composition.tga_residue_percent,
        residue_difference_percent=residue_percent - composition.tga_residue_percent,
        implied_molar_mass_g_per_mol=implied, implied_extra_mass_g_per_mol=implied - formula_mass,
        loss_below_solvent_end_g_per_mol=lost, loss_below_solvent_end_methanol_equivalents=lost / METHANOL_G_PER_MOL)


def analyse_tga(dataset: Dataset, compositions: Mapping[str, CompositionResult], *,
                solvent_loss_end_C: float = 300.0, smoothing_C: float = 10.0) -> TGAResult:
    """DTG, steps, residue and the comparison with each given form's theoretical residue."""
    temp = dataset.frame["temperature_C"].to_numpy(dtype=float)
    mass = dataset.frame["mass_percent"].to_numpy(dtype=float)
    if not temp.min() < solvent_loss_end_C < temp.max():
        raise InputError(f"the curve ({temp.min():g}–{temp.max():g} °C) does not span {solvent_loss_end_C:g} °C",
                         fix="give the TGA curve from room temperature to above the decomposition")
    curve = dtg_curve(temp, mass, smoothing_C=smoothing_C)
    grid, smooth, dtg = curve.temperature_C, curve.mass_percent, curve.dtg_percent_per_C
    tail = temp >= temp.max() - RESIDUE_TAIL_FRACTION * np.ptp(temp)
    if tail.sum() >= 2:
        final_slope, intercept = np.polyfit(temp[tail], mass[tail], 1)
        residue, final_slope = float(final_slope * temp.max() + intercept), float(final_slope)
    else:
        residue, final_slope = float(smooth[-1]), float(dtg[-1])
    if residue <= 0:
        raise InputError("final mass is 0 %", fix="check the mass column (in % of the initial mass)")
    loss_below_end = float(smooth[0] - np.interp(solvent_loss_end_C, grid, smooth))
    method = (f"DTG by Savitzky–Golay derivative (window {smoothing_C:g} °C); steps = mass drop across each DTG "
              f"peak region; residue = mass at {temp.max():g} °C (line through the last 5 % of the curve) vs "
              "10 TiO2 + 2 CuO (combustion in air)")
    return TGAResult(
        form=dataset.form, steps=mass_loss_steps(curve), residue_percent=residue,
        final_temperature_C=float(temp.max()), final_slope_percent_per_C=final_slope,
        solvent_loss_end_C=solvent_loss_end_C, mass_loss_below_solvent_end_percent=loss_below_end,
        comparisons=tuple(compare_residue(residue, loss_below_end, c) for c in compositions.values()),
        dtg_temperature_C=tuple(float(v) for v in grid), dtg_percent_per_C=tuple(float(v) for v in dtg),
        method=method,
        origin=computed_from(dataset.origin, *(c.origin for c in compositions.values()), method=method))
