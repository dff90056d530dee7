"""Electrical conductivity from a two-probe I–V sweep of a single crystal, with an ohmic check and a blank.

The conductance G (S) is the least-squares slope dI/dV with its standard error; the conductivity is
σ = G·L/A (Ohm's law for a bar of length L between the contacts and cross-section A; L in mm, A in mm²,
σ in S/m), as the article does ("measured from the slope of the linear I–V curve"). Relative uncertainties
add in quadrature: (u_σ/σ)² = (u_G/G)² + (u_L/L)² + (u_A/A)².

The article gives no crystal dimensions, so by default length and cross-section are taken as uncertain by ±20 %
each (:data:`DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY`, an assumption stated in ``geometry_assumption``): σ then
carries ≈ ±28 % from the geometry alone. Give 0 when the dimensions were measured.

Ohmic check: the sweep is also fitted with I = a + bV + cV² + dV³. The even term cV² is the rectifying
(asymmetric, diode-like) part, the odd cubic term a symmetric non-linearity (e.g. space-charge-limited or
tunnelling current). The I–V is called ohmic unless the non-linear terms are both significant (F test against
the straight line, p < 0.01) and relevant (at some voltage of the sweep they exceed 5 % of the linear current
at the sweep end). A sweep that is mostly noise cannot be called either: when the straight line explains little
(R² < 0.9) or the signal is below 3× the blank's rms noise, ``is_ohmic`` is ``None`` and the verdict
"undetermined", with the reason.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ti10cu2_lib.analysis.lack_of_fit import line_vs_cubic_p_value
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

SIGNIFICANCE_ALPHA = 0.01
RELEVANT_NONLINEAR_FRACTION = 0.05
DISTINGUISHABLE_SIGMA = 3.0
MIN_R_SQUARED_FOR_VERDICT = 0.9  # below it the sweep is mostly noise: no ohmic verdict
MIN_SIGNAL_TO_BLANK_FOR_VERDICT = 3.0
DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY = 0.2  # crystal length and cross-section not given in the article


def geometry_assumption(length_relative_uncertainty: float, area_relative_uncertainty: float) -> str:
    """The sentence that says how well the crystal dimensions are known (relative uncertainties as fractions).

    >>> geometry_assumption(0.2, 0.2)[:60]
    'crystal length and cross-section assumed (the article gives '
    """
    if length_relative_uncertainty == DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY == area_relative_uncertainty:
        return ("crystal length and cross-section assumed (the article gives no crystal dimensions, Fig. 4): "
                f"each taken as uncertain by ±{DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY:.0%}, included in σ's "
                "uncertainty")
    return (f"crystal length ±{length_relative_uncertainty:.0%}, cross-section ±{area_relative_uncertainty:.0%} "
            "(as given), included in σ's uncertainty")


def conductivity_from_conductance(conductance_S: float, length_mm: float, area_mm2: float) -> float:
    """σ = G·L/A in S/m (L in mm, A in mm²)."""
    _check_geometry(length_mm, area_mm2)
    return conductance_S * (length_mm * 1e-3) / (area_mm2 * 1e-6)


def conductance_from_conductivity(conductivity_S_per_m: float, length_mm: float, area_mm2: float) -> float:
    """G = σ·A/L in S (L in mm, A in mm²): the inverse of :func:`conductivity_from_conductance`."""
    _check_geometry(length_mm, area_mm2)
    return conductivity_S_per_m * (area_mm2 * 1e-6) / (length_mm * 1e-3)


def _check_geometry(length_mm: float, area_mm2: float) -> None:
    for name, value, flag in (("length", length_mm, "--length-mm"), ("cross-section", area_mm2, "--area-mm2")):
        if value is None or not math.isfinite(value) or value <= 0:
            raise InputError(f"crystal {name} {value} is not a positive number", fix=f"give {flag}")


@dataclass(frozen=True)
class Linearity:
    """How ohmic an I–V sweep is (rule in the module docstring); fractions are of |b|·V_max.

    ``is_ohmic`` is ``None`` (``verdict`` "undetermined", ``undetermined_reason`` why) for a sweep that is mostly
    noise.
    """

    r_squared: float
    offset_A: float
    offset_fraction: float | None
    asymmetry_fraction: float | None
    nonlinear_fraction: float | None
    nonlinearity_p_value: float
    is_ohmic: bool | None
    verdict: str
    undetermined_reason: str | None = None


def _verdict(is_ohmic: bool | None) -> str:
    return "undetermined" if is_ohmic is None else ("ohmic" if is_ohmic else "non-ohmic")


def undetermined(linearity: Linearity, reason: str) -> Linearity:
    """``linearity`` with no ohmic verdict (``is_ohmic`` None) because of ``reason``."""
    return dataclasses.replace(linearity, is_ohmic=None, verdict="undetermined",
                               undetermined_reason=reason if linearity.undetermined_reason is None
                               else f"{linearity.undetermined_reason}; {reason}")


@dataclass(frozen=True)
class BlankComparison:
    """The sample against a blank sweep without crystal (instrument floor).

    ``signal_to_noise`` is |G|·V_max over the blank's rms current; ``slope_difference_sigma`` is
    (G − G_blank)/√(u_G² + u_blank²). Distinguishable when both are ≥ 3.
    """

    blank_conductance_S: float
    blank_conductance_uncertainty_S: float
    blank_rms_current_A: float
    signal_to_noise: float
    slope_difference_sigma: float
    distinguishable: bool


@dataclass(frozen=True)
class ConductivityResult(Result):
    """Conductance (S) and conductivity (S/m) with uncertainties, the geometry used and the checks."""

    conductance_S: float
    conductance_uncertainty_S: float
    intercept_A: float
    r_squared: float
    n_points: int
    voltage_range_V: tuple[float, float]
    length_mm: float
    area_mm2: float
    length_relative_uncertainty: float
    area_relative_uncertainty: float
    geometry_assumption: str
    conductivity_S_per_m: float
    conductivity_uncertainty_S_per_m: float
    conductivity_fit_uncertainty_S_per_m: float  # from the slope alone (geometry taken as exact)
    linearity: Linearity
    blank: BlankComparison | None
    origin: Origin


def _line(voltage_V: np.ndarray, current_A: np.ndarray):
    if voltage_V.size < 3 or np.ptp(voltage_V) == 0:
        raise InputError(f"an I–V fit needs at least 3 distinct voltages, got {voltage_V.size}",
                         fix="give the whole sweep")
    return stats.linregress(voltage_V, current_A)


def check_linearity(voltage_V: np.ndarray, current_A: np.ndarray) -> Linearity:
    """Ohmic check of an I–V sweep (straight line against a cubic; see the module docstring)."""
    v, i = np.asarray(voltage_V, dtype=float), np.asarray(current_A, dtype=float)
    line = _line(v, i)
    v_max = float(np.abs(v).max())
    scale = abs(line.slope) * v_max
    t = v / v_max
    _, _, c2, c3 = np.polynomial.polynomial.polyfit(t, i, 3)
    p_value = line_vs_cubic_p_value(v, i)
    nonlinear = np.abs(c2 * t**2 + c3 * t**3).max()

    def fraction(value: float) -> float | None:
        return float(value / scale) if scale > 0 else None

    nonlinear_fraction = fraction(nonlinear)
    relevant = nonlinear_fraction is None or nonlinear_fraction > RELEVANT_NONLINEAR_FRACTION
    is_ohmic = not (p_value < SIGNIFICANCE_ALPHA and relevant)
    linearity = Linearity(r_squared=float(line.rvalue**2), offset_A=float(line.intercept),
                          offset_fraction=fraction(abs(line.intercept)), asymmetry_fraction=fraction(abs(c2)),
                          nonlinear_fraction=nonlinear_fraction, nonlinearity_p_value=p_value,
                          is_ohmic=is_ohmic, verdict=_verdict(is_ohmic))
    if linearity.r_squared < MIN_R_SQUARED_FOR_VERDICT:
        return undetermined(linearity, f"R² = {linearity.r_squared:.2f} < {MIN_R_SQUARED_FOR_VERDICT:g}: the sweep "
                                       "is mostly noise")
    return linearity


def compare_with_blank(conductance_S: float, conductance_uncertainty_S: float, v_max_V: float,
                       blank_voltage_V: np.ndarray, blank_current_A: np.ndarray) -> BlankComparison:
    """Signal-to-noise of a sample conductance against a blank sweep (no crystal)."""
    blank = _line(np.asarray(blank_voltage_V, dtype=float), np.asarray(blank_current_A, dtype=float))
    rms = float(np.sqrt(np.mean(np.square(blank_current_A))))
    snr = abs(conductance_S) * v_max_V / rms if rms > 0 else math.inf
    combined = math.hypot(conductance_uncertainty_S, blank.stderr)
    sigma = (conductance_S - blank.slope) / combined if combined > 0 else math.inf
    return BlankComparison(blank_conductance_S=float(blank.slope), blank_conductance_uncertainty_S=float(blank.stderr),
                           blank_rms_current_A=rms, signal_to_noise=float(snr), slope_difference_sigma=float(sigma),
                           distinguishable=bool(snr >= DISTINGUISHABLE_SIGMA and abs(sigma) >= DISTINGUISHABLE_SIGMA))


def analyse_iv(dataset: Dataset, *, length_mm: float | None = None, area_mm2: float | None = None,
               length_relative_uncertainty: float = DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY,
               area_relative_uncertainty: float = DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY,
               blank: Dataset | None = None) -> ConductivityResult:
    """Conductivity of an ``iv`` dataset; length/area default to ``dataset.metadata`` (length_mm, area_mm2), their
    relative uncertainties to ±20 % (assumed dimensions; give 0 for measured ones)."""
    length_mm = length_mm if length_mm is not None else dataset.metadata.get("length_mm")
    area_mm2 = area_mm2 if area_mm2 is not None else dataset.metadata.get("area_mm2")
    if length_mm is None or area_mm2 is None:
        raise InputError("the conductivity needs the crystal length between the contacts and its cross-section",
                         fix="give --length-mm L and --area-mm2 A (the article does not state them)")
    length_mm, area_mm2 = float(length_mm), float(area_mm2)
    for name, value in (("length", length_relative_uncertainty), ("area", area_relative_uncertainty)):
        if not 0.0 <= value < 1.0:
            raise InputError(f"relative {name} uncertainty {value} is outside [0, 1)", fix="give e.g. 0.1 for 10 %")
    v = dataset.frame["voltage_V"].to_numpy()
    i = dataset.frame["current_A"].to_numpy()
    line = _line(v, i)
    sigma = conductivity_from_conductance(line.slope, length_mm, area_mm2)
    relative_g = line.stderr / abs(line.slope) if line.slope != 0 else math.inf
    relative = math.sqrt(relative_g**2 + length_relative_uncertainty**2 + area_relative_uncertainty**2)
    comparison = None
    inputs = [dataset.origin]
    linearity = check_linearity(v, i)
    if blank is not None:
        comparison = compare_with_blank(line.slope, line.stderr, float(np.abs(v).max()),
                                        blank.frame["voltage_V"].to_numpy(), blank.frame["current_A"].to_numpy())
        inputs.append(blank.origin)
        if comparison.signal_to_noise < MIN_SIGNAL_TO_BLANK_FOR_VERDICT:
            linearity = undetermined(linearity, f"signal/blank noise {comparison.signal_to_noise:.2g} < "
                                                f"{MIN_SIGNAL_TO_BLANK_FOR_VERDICT:g}")
    method = (f"conductivity σ = G·L/A from the least-squares I–V slope G, L = {length_mm:g} mm "
              f"(±{length_relative_uncertainty:.0%}), A = {area_mm2:g} mm² (±{area_relative_uncertainty:.0%})"
              + ("; blank comparison" if blank is not None else ""))
    return ConductivityResult(
        conductance_S=float(line.slope), conductance_uncertainty_S=float(line.stderr),
        intercept_A=float(line.intercept), r_squared=float(line.rvalue**2), n_points=int(v.size),
        voltage_range_V=(float(v.min()), float(v.max())), length_mm=length_mm, area_mm2=area_mm2,
        length_relative_uncertainty=length_relative_uncertainty, area_relative_uncertainty=area_relative_uncertainty,
        geometry_assumption=geometry_assumption(length_relative_uncertainty, area_relative_uncertainty),
        conductivity_S_per_m=float(sigma), conductivity_uncertainty_S_per_m=float(abs(sigma) * relative),
        conductivity_fit_uncertainty_S_per_m=float(abs(sigma) * relative_g),
        linearity=linearity, blank=comparison, origin=computed_from(*inputs, method=method))
