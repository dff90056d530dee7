"""Mott–Schottky analysis: flat-band potential, carrier type and carrier density from C(E) at several frequencies.

In the depletion region of a semiconductor/electrolyte junction (Gelderman, Lee & Donne, J. Chem. Educ. 2007,
84, 685; Bard & Faulkner, *Electrochemical Methods*, 2nd ed., §18.2)::

    1/C² = ± 2 / (e ε ε0 A² N) · (E − E_fb ∓ kT/e)        (+ for n-type, − for p-type)

so a straight line through 1/C² vs E has a positive slope for n-type and a negative one for p-type, its
x-intercept is ``E_fb + kT/e`` (n) or ``E_fb − kT/e`` (p), and ``N = 2 / (e ε ε0 A² |slope|)``. The kT/e term
is often dropped (the intercept itself is reported as E_fb, as the article does); here it is an explicit option,
off by default. Capacitance is in F, potentials in V, area in cm², densities in m⁻³ and cm⁻³.

**Automatic linear region** (documented rule, :func:`select_linear_window`): (1) the *seed* is the steepest
window of ``min_points`` consecutive points (default max(6, n/10)) among those whose straight-line fit has
R² ≥ 0.9 — the depletion region is where 1/C² changes fastest, between the accumulation plateau below E_fb and
the levelling-off at large bias; (2) the seed grows one point at a time, on the side whose addition keeps the
window most linear, while a lack-of-fit F test (straight line against a cubic, on the same points) does not
reject linearity at p < 0.01. The test uses the window's own scatter, so the rule adapts to the noise level.
A manual window (lower, upper potential vs the measurement reference) overrides it. The search costs O(n²) in the
points per frequency, so longer curves are searched on means of consecutive points (at most
:data:`MAX_SEARCH_POINTS`, :func:`~ti10cu2_lib.analysis.series.bin_means`); the line is then fitted to every point of
the window found, and ``window_rule`` says what was binned.

**Frequency drift.** In the depletion region the flat band should not depend on the frequency (only the slope
may, through dispersion). The drift is the largest difference between the flat bands of two frequencies; it is
flagged (``frequency_drift_significant``) when it exceeds :data:`DRIFT_COVERAGE` (= 2) × the combined uncertainty
√(u₁² + u₂²) of that pair, u = √(fit standard error² + window sensitivity²) per frequency.

**Carrier density.** N = 2/(e ε ε0 A² |slope|) holds only for the ε and the area A given; neither is in the article.
N ∝ 1/(ε·A²): for a pressed or drop-cast powder film the electrochemically active area is not the geometric one,
so N is an order-of-magnitude figure; ``carrier_density_assumption`` states the values used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import constants, stats

from ti10cu2_lib.analysis.electrodes import canonical_reference, reference_potential_V_vs_NHE, reference_warning
from ti10cu2_lib.analysis.lack_of_fit import line_vs_cubic_p_value
from ti10cu2_lib.analysis.series import bin_means
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

ROOM_TEMPERATURE_K = 298.15
SEED_MIN_R_SQUARED = 0.9
LINEARITY_ALPHA = 0.01
MAX_SEARCH_POINTS = 2_000  # per frequency; ≈ 0.1 s per frequency (a million points unbinned: hours and ~100 GB)
AUTOMATIC_RULE = "automatic (steepest seed, grown while linear)"
DRIFT_COVERAGE = 2.0  # a flat-band drift beyond 2 combined standard uncertainties is flagged


def carrier_density_assumption(permittivity: float, area_cm2: float) -> str:
    """The sentence that goes with any carrier density: which ε and area it rests on.

    >>> carrier_density_assumption(10, 1.0)[:50]
    'N assumes relative permittivity ε = 10 and electro'
    """
    return (f"N assumes relative permittivity ε = {permittivity:g} and electrode area A = {area_cm2:g} cm² (neither is "
            "given in the article); N ∝ 1/(ε·A²), and a powder film's active area is not its geometric area, so N is "
            "an order-of-magnitude figure")


def thermal_voltage_V(temperature_K: float = ROOM_TEMPERATURE_K) -> float:
    """kT/e in V (0.02569 V at 298.15 K)."""
    if not temperature_K > 0:
        raise InputError(f"temperature {temperature_K} K is not positive", fix="give the temperature in kelvin")
    return constants.k * temperature_K / constants.e


def inverse_square_capacitance(capacitance_F: np.ndarray, area_cm2: float | None = None) -> np.ndarray:
    """1/C² in F⁻², or (A/C)² in cm⁴ F⁻² (per unit electrode area) when ``area_cm2`` is given."""
    capacitance_F = np.asarray(capacitance_F, dtype=float)
    return (1.0 if area_cm2 is None else area_cm2) ** 2 / capacitance_F**2


def select_linear_window(potential_V: np.ndarray, inverse_c2: np.ndarray, *, min_points: int | None = None,
                         alpha: float = LINEARITY_ALPHA) -> slice:
    """Index slice of the depletion-region straight line (the rule is in the module docstring).

    ``potential_V`` must be sorted ascending. Raises :class:`InputError` when no window qualifies.
    """
    x = np.asarray(potential_V, dtype=float)
    y = np.asarray(inverse_c2, dtype=float) / np.abs(inverse_c2).max()
    n = x.size
    m = min_points or max(6, n // 10)
    if n < m:
        raise InputError(f"only {n} points per frequency; the linear-region search needs at least {m}",
                         fix="measure more potentials, or give the fit window with --window LO,HI")
    xs = np.lib.stride_tricks.sliding_window_view(x, m)
    ys = np.lib.stride_tricks.sliding_window_view(y, m)
    dx, dy = xs - xs.mean(axis=1, keepdims=True), ys - ys.mean(axis=1, keepdims=True)
    sxy, sxx, syy = (dx * dy).sum(axis=1), (dx * dx).sum(axis=1), (dy * dy).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r_squared = np.where(syy > 0, sxy**2 / (sxx * syy), 0.0)
    steepness = np.where(r_squared >= SEED_MIN_R_SQUARED, np.abs(sxy / sxx), -np.inf)
    if not np.isfinite(steepness.max()):
        raise InputError(f"no {m}-point stretch of 1/C² vs E is straight (R² ≥ {SEED_MIN_R_SQUARED})",
                         fix="check the data, or give the fit window with --window LO,HI")
    lo = int(np.argmax(steepness))
    hi = lo + m
    while True:
        options = [(line_vs_cubic_p_value(x[a:b], y[a:b]), a, b)
                   for a, b in ((lo - 1, hi), (lo, hi + 1)) if a >= 0 and b <= n]
        options = [o for o in options if o[0] >= alpha]
        if not options:
            return slice(lo, hi)
        _, lo, hi = max(options)


def automatic_window(potential_V: np.ndarray, inverse_c2: np.ndarray) -> tuple[slice, str]:
    """:func:`select_linear_window` on at most :data:`MAX_SEARCH_POINTS` bin means; the slice indexes the input
    points. Returns it with the rule's description (which names any binning)."""
    binned = bin_means(potential_V, inverse_c2, MAX_SEARCH_POINTS)
    window = binned.raw_slice(select_linear_window(binned.x, binned.y))
    note = binned.note("the window search; the line is fitted to every point in the window")
    return window, AUTOMATIC_RULE + (f"; {note}" if note else "")


def window_between(potential_V: np.ndarray, lower_V: float, upper_V: float) -> slice:
    """Index slice of the points with ``lower_V ≤ E ≤ upper_V`` (a manual fit window; ``potential_V`` sorted)."""
    if not lower_V < upper_V:
        raise InputError(f"fit window {lower_V:g},{upper_V:g} V is empty", fix="give --window LO,HI with LO < HI")
    inside = np.flatnonzero((potential_V >= lower_V) & (potential_V <= upper_V))
    if inside.size < 3:
        raise InputError(f"only {inside.size} points between {lower_V:g} and {upper_V:g} V",
                         fix="widen --window (it is in V vs the reference the potentials were measured against)")
    return slice(int(inside[0]), int(inside[-1]) + 1)


def _x_intercept(x: np.ndarray, y: np.ndarray):
    """Least-squares line, its x-intercept −b/m and the intercept's standard error (delta method, with the
    slope/intercept covariance −x̄·u_m²)."""
    fit = stats.linregress(x, y)
    if fit.slope == 0:
        raise InputError("the 1/C² line is flat: it has no intercept", fix="check the fit window (--window LO,HI)")
    covariance = -x.mean() * fit.stderr**2
    variance = (fit.intercept_stderr**2 / fit.slope**2 + fit.intercept**2 * fit.stderr**2 / fit.slope**4
                - 2 * fit.intercept * covariance / fit.slope**3)
    return fit, float(-fit.intercept / fit.slope), float(math.sqrt(max(variance, 0.0)))


@dataclass(frozen=True)
class FrequencyFit:
    """The Mott–Schottky straight line at one frequency.

    Potentials: ``intercept_V`` and ``fit_window_V`` are vs the measurement reference; the flat band is vs NHE.
    ``slope`` is in F⁻² V⁻¹, or cm⁴ F⁻² V⁻¹ when an electrode area was given (``slope_unit``).
    ``flat_band_uncertainty_V`` is the standard error from the fit covariance; ``window_sensitivity_V`` the
    largest shift of the intercept when a fifth of the window's points is dropped from either end.
    """

    frequency_Hz: float
    flat_band_V_vs_NHE: float
    flat_band_uncertainty_V: float
    window_sensitivity_V: float
    intercept_V: float
    slope: float
    slope_uncertainty: float
    slope_unit: str
    r_squared: float
    n_points: int
    fit_window_V: tuple[float, float]
    fit_window_V_vs_NHE: tuple[float, float]
    window_rule: str
    carrier_type: str
    carrier_density_per_m3: float | None = None
    carrier_density_per_cm3: float | None = None
    carrier_density_relative_uncertainty: float | None = None


@dataclass(frozen=True)
class MottSchottkyResult(Result):
    """Flat band per frequency and their mean (V vs NHE), with the reference conversion used.

    ``flat_band_spread_V`` is the sample standard deviation over frequencies; ``flat_band_uncertainty_V`` is the
    larger of that spread and the root-mean-square over frequencies of √(fit uncertainty² + window sensitivity²).
    ``frequency_drift_V`` (largest pairwise difference) is significant beyond ``DRIFT_COVERAGE`` × the pair's
    combined uncertainty (module docstring); ``warnings`` says so, and names a bare "Ag/AgCl" taken as saturated.
    """

    frequencies: tuple[FrequencyFit, ...]
    flat_band_V_vs_NHE: float
    flat_band_spread_V: float | None
    flat_band_uncertainty_V: float
    carrier_type: str
    reference_electrode: str
    reference_potential_V_vs_NHE: float
    pH: float | None
    kT_correction_V: float
    temperature_K: float
    frequency_drift_V: float | None
    frequency_drift_significant: bool | None
    carrier_density_assumption: str | None
    warnings: tuple[str, ...]
    origin: Origin


def frequency_drift(fits: Sequence[FrequencyFit]) -> tuple[float | None, bool | None, str | None]:
    """Largest flat-band difference between two frequencies (V), whether it exceeds DRIFT_COVERAGE × the pair's
    combined uncertainty, and a warning when it does (all ``None`` for one frequency)."""
    if len(fits) < 2:
        return None, None, None
    worst = max(((a, b) for k, a in enumerate(fits) for b in fits[k + 1:]),
                key=lambda pair: abs(pair[0].flat_band_V_vs_NHE - pair[1].flat_band_V_vs_NHE))
    a, b = worst
    drift = abs(a.flat_band_V_vs_NHE - b.flat_band_V_vs_NHE)
    combined = math.sqrt(sum(f.flat_band_uncertainty_V**2 + f.window_sensitivity_V**2 for f in worst))
    significant = drift > DRIFT_COVERAGE * combined
    warning = (f"the flat band drifts with frequency: {a.frequency_Hz:g} Hz and {b.frequency_Hz:g} Hz differ by "
               f"{drift * 1000:.2g} mV, more than {DRIFT_COVERAGE:g} × their combined uncertainty "
               f"({combined * 1000:.2g} mV); the capacitance is not (only) space charge, so E_fb is uncertain "
               "by at least the drift") if significant else None
    return drift, significant, warning


def fit_frequency(potential_V: np.ndarray, capacitance_F: np.ndarray, frequency_Hz: float, *,
                  reference: str, pH: float | None = None, window_V: tuple[float, float] | None = None,
                  kT_correction: bool = False, temperature_K: float = ROOM_TEMPERATURE_K,
                  permittivity: float | None = None, area_cm2: float | None = None) -> FrequencyFit:
    """Fit the Mott–Schottky line of one frequency (potentials sorted ascending, vs ``reference``).

    The x-intercept and its standard error come from the least-squares slope/intercept covariance. With
    ``kT_correction`` the flat band is intercept − kT/e (n-type) or + kT/e (p-type). The carrier density needs
    both ``permittivity`` (relative, dimensionless) and ``area_cm2``.
    """
    if permittivity is not None and area_cm2 is None:
        raise InputError("the carrier density needs the electrode area too", fix="add --area-cm2 A")
    if area_cm2 is not None and not area_cm2 > 0:
        raise InputError(f"electrode area {area_cm2} cm² is not positive", fix="give the area in cm²")
    if permittivity is not None and not permittivity > 0:
        raise InputError(f"relative permittivity {permittivity} is not positive", fix="give ε (e.g. 10)")
    x = np.asarray(potential_V, dtype=float)
    y = inverse_square_capacitance(capacitance_F, area_cm2)
    window, rule = automatic_window(x, y) if window_V is None else (window_between(x, *window_V), "manual")
    xw, yw = x[window], y[window]
    fit, intercept_V, intercept_uncertainty = _x_intercept(xw, yw)
    trim = max(1, xw.size // 5)
    sensitivity = max((abs(_x_intercept(a, b)[1] - intercept_V)
                       for a, b in ((xw[trim:], yw[trim:]), (xw[:-trim], yw[:-trim])) if a.size >= 3), default=0.0)
    carrier_type = "n" if fit.slope > 0 else "p"
    shift = (thermal_voltage_V(temperature_K) if kT_correction else 0.0) * (1 if carrier_type == "n" else -1)
    offset = reference_potential_V_vs_NHE(reference, pH)
    density = None
    if permittivity is not None:
        slope_si = abs(fit.slope) * 1e-8  # cm⁴ F⁻² V⁻¹ → m⁴ F⁻² V⁻¹
        density = 2.0 / (constants.e * permittivity * constants.epsilon_0 * slope_si)
    lower, upper = float(xw[0]), float(xw[-1])
    return FrequencyFit(
        frequency_Hz=float(frequency_Hz),
        flat_band_V_vs_NHE=float(intercept_V - shift + offset),
        flat_band_uncertainty_V=intercept_uncertainty, window_sensitivity_V=float(sensitivity),
        intercept_V=float(intercept_V), slope=float(fit.slope), slope_uncertainty=float(fit.stderr),
        slope_unit="F^-2 V^-1" if area_cm2 is None else "cm^4 F^-2 V^-1",
        r_squared=float(fit.rvalue**2), n_points=int(xw.size),
        fit_window_V=(lower, upper), fit_window_V_vs_NHE=(lower + offset, upper + offset),
        window_rule=rule,
        carrier_type=carrier_type,
        carrier_density_per_m3=density, carrier_density_per_cm3=None if density is None else density * 1e-6,
        carrier_density_relative_uncertainty=None if density is None else float(fit.stderr / abs(fit.slope)),
    )


def _resolve_reference(dataset: Dataset, reference: str | None) -> str:
    recorded = dataset.metadata.get("reference_electrode")
    if reference is None and recorded is None:
        raise InputError("no reference electrode is known for these potentials",
                         fix="pass --reference Ag/AgCl|SCE|NHE|RHE (the electrode they were measured against)")
    if reference is not None and recorded is not None and canonical_reference(reference) != canonical_reference(
            recorded):
        raise InputError(f"--reference {reference} contradicts the dataset's recorded reference '{recorded}'",
                         fix="drop --reference, or register the data again with the right reference")
    return canonical_reference(reference if reference is not None else recorded)


def analyse_mott_schottky(dataset: Dataset, *, reference: str | None = None, pH: float | None = None,
                          window_V: tuple[float, float] | None = None, kT_correction: bool = False,
                          temperature_K: float = ROOM_TEMPERATURE_K, permittivity: float | None = None,
                          area_cm2: float | None = None) -> MottSchottkyResult:
    """Mott–Schottky analysis of every frequency of a ``mott_schottky`` dataset.

    ``reference`` defaults to ``dataset.metadata["reference_electrode"]`` and ``pH`` to ``metadata["pH"]``.
    """
    raw_reference = reference if reference is not None else dataset.metadata.get("reference_electrode")
    reference = _resolve_reference(dataset, reference)
    if pH is None and dataset.metadata.get("pH") is not None:
        pH = float(dataset.metadata["pH"])
    fits = tuple(
        fit_frequency(group["potential_V"].to_numpy(), group["capacitance_F"].to_numpy(), float(frequency),
                      reference=reference, pH=pH, window_V=window_V, kT_correction=kT_correction,
                      temperature_K=temperature_K, permittivity=permittivity, area_cm2=area_cm2)
        for frequency, group in dataset.frame.sort_values(["frequency_Hz", "potential_V"]).groupby("frequency_Hz"))
    assumption = None if permittivity is None else carrier_density_assumption(permittivity, area_cm2)
    notes = [n for n in (reference_warning(raw_reference), assumption) if n]
    return _summarise(fits, reference=reference, pH=pH, kT_correction=kT_correction, temperature_K=temperature_K,
                      data_origin=dataset.origin, notes=notes, density_assumption=assumption)


def _summarise(fits: Sequence[FrequencyFit], *, reference: str, pH: float | None, kT_correction: bool,
              temperature_K: float, data_origin: Origin, notes: Sequence[str] = (),
              density_assumption: str | None = None) -> MottSchottkyResult:
    """Combine per-frequency fits: mean flat band, spread, drift, common carrier type, provenance."""
    flat = np.array([f.flat_band_V_vs_NHE for f in fits])
    spread = float(np.std(flat, ddof=1)) if flat.size > 1 else None
    rms_fit = float(np.sqrt(np.mean([f.flat_band_uncertainty_V**2 + f.window_sensitivity_V**2 for f in fits])))
    types = {f.carrier_type for f in fits}
    drift, significant, drift_warning = frequency_drift(fits)
    kT = thermal_voltage_V(temperature_K) if kT_correction else 0.0
    window_rule = fits[0].window_rule
    method = (f"Mott–Schottky: 1/C² vs E straight line per frequency (fit window: {window_rule}), x-intercept"
              f"{f' ∓ kT/e ({kT:.4f} V)' if kT_correction else ' (no kT/e term)'}, "
              f"converted from V vs {reference} to V vs NHE")
    return MottSchottkyResult(
        frequencies=tuple(fits), flat_band_V_vs_NHE=float(flat.mean()), flat_band_spread_V=spread,
        flat_band_uncertainty_V=max(spread or 0.0, rms_fit),
        carrier_type=types.pop() if len(types) == 1 else "mixed",
        reference_electrode=reference, reference_potential_V_vs_NHE=reference_potential_V_vs_NHE(reference, pH),
        pH=pH, kT_correction_V=kT, temperature_K=temperature_K, frequency_drift_V=drift,
        frequency_drift_significant=significant, carrier_density_assumption=density_assumption,
        warnings=tuple(notes) + ((drift_warning,) if drift_warning else ()),
        origin=computed_from(data_origin, method=method))
