"""CO2 photoreduction time courses: production rates, final yields, electron balance and selectivity.

Conventions (yields in µmol g⁻¹, rates in µmol g⁻¹ h⁻¹):

- Production rate = slope of a linear least-squares fit of yield against irradiation time. By default the
  line goes **through the origin** (nothing is formed before the light is switched on); rows at t = 0 then
  carry no information about the slope and are not counted in the degrees of freedom. With
  ``through_origin=False`` an ordinary fit with intercept is made (use it when t = 0 values hold a background).
  The standard error is the usual ``s / sqrt(Σ(t − t̄)²)`` (``s / sqrt(Σt²)`` through the origin).
- Final yield = the yield measured at the last time point (not the fitted value).
- Electron equivalents per molecule for the reduction of CO2 (or of H⁺ to H2): CO 2, HCOOH 2, HCHO 4,
  CH3OH 6, CH4 8, H2 2. Electron consumption = Σ nₑ·amount; electron-based selectivity of product i =
  nₑ,ᵢ·Yᵢ / Σ nₑ,ⱼ·Yⱼ × 100 at the final time (e.g. the usual R(electron) of CO2-photoreduction papers).
  Products without a known nₑ (e.g. O2) get rates and yields but stay out of the electron balance.
- Does a line through the origin describe the course? Two checks, each giving a warning: a lack-of-fit F test of
  y = r·t against y = a·t + b·t² (p < 0.01; b > 0 an induction period, b < 0 saturation; with 4 time points
  only strong curvature reaches it), and a model-free one:
  the fitted rate and the endpoint average rate (final yield / final time, always reported beside it) differ by more
  than 10 %. For a course proportional to time with 3 % scatter on 4 points the two rates differ by < 3 % in
  99.9 % of cases.
- Turnover per cluster (when the cluster's molar mass M is known): molecules per cluster over the run =
  final yield (µmol/g) × 10⁻⁶ × M (g/mol); electrons per cluster = Σ nₑ·Yᵢ × 10⁻⁶ × M, and per Ti atom divided by
  the Ti count. A value far below 1 means that the products amount to a fraction of one turnover per cluster: then
  carbon from the ligands/methoxide and a stoichiometric reduction of the cluster itself cannot be told from
  catalysis without a ¹³CO2 label and an Ar (no CO2) control, and the article reports neither, nor an oxidation
  product or a hole scavenger (see :data:`TURNOVER_CAVEAT`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ti10cu2_lib.analysis.lack_of_fit import through_origin_p_value
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

ELECTRONS_PER_MOLECULE: dict[str, int] = {"CO": 2, "HCOOH": 2, "HCHO": 4, "CH3OH": 6, "CH4": 8, "H2": 2}
PRODUCT_SUFFIX = "_umol_per_g"
LACK_OF_FIT_ALPHA = 0.01  # so a straight course with scatter is flagged in 1 % of cases
ENDPOINT_MISMATCH_FRACTION = 0.10
TURNOVER_CAVEAT = ("Of order 1 or below per cluster, the products amount to less than about one turnover of each "
                   "cluster (far below 1: a small fraction of the clusters reacted once): carbon from "
                   "the salicylate/methoxide ligands and a stoichiometric reduction of the cluster itself are not "
                   "excluded, because the article reports no ¹³CO2 labelling and no Ar (CO2-free) control, and no "
                   "oxidation product or hole scavenger (where the electrons came from).")


def per_cluster(amount_umol_per_g: float, molar_mass_g_per_mol: float) -> float:
    """Amount per cluster (dimensionless) from an amount in µmol per gram of catalyst and the cluster's M (g/mol).

    >>> round(per_cluster(46.5, 2387.3), 4)   # CH4 of sp over 4 h
    0.111
    """
    return amount_umol_per_g * 1e-6 * molar_mass_g_per_mol


def linearity_warnings(product: str, time_h: np.ndarray, yield_umol_per_g: np.ndarray, rate_umol_per_g_h: float,
                       average_rate_umol_per_g_h: float) -> tuple[float, list[str]]:
    """The lack-of-fit p-value of the line through the origin and the warnings of the module docstring."""
    p_value, curvature = through_origin_p_value(time_h, yield_umol_per_g)
    warnings = []
    beside = (f"the endpoint average {average_rate_umol_per_g_h:.3g} µmol g⁻¹ h⁻¹ beside the fitted "
              f"{rate_umol_per_g_h:.3g}")
    if p_value < LACK_OF_FIT_ALPHA:
        shape = "an induction period (accelerating)" if curvature > 0 else "saturation (slowing down)"
        warnings.append(f"{product}: a line through the origin does not describe the time course (lack of fit, "
                        f"p = {p_value:.2g}; it looks like {shape}); quote {beside}")
    if (average_rate_umol_per_g_h > 0 and
            abs(rate_umol_per_g_h / average_rate_umol_per_g_h - 1) > ENDPOINT_MISMATCH_FRACTION):
        warnings.append(f"{product}: fitted rate and endpoint average differ by "
                        f"{abs(rate_umol_per_g_h / average_rate_umol_per_g_h - 1):.0%} (> "
                        f"{ENDPOINT_MISMATCH_FRACTION:.0%}): the yield does not grow in proportion to time; {beside}")
    return p_value, warnings


@dataclass(frozen=True)
class RateFit:
    """Slope (µmol g⁻¹ h⁻¹) of yield vs time with its standard error and the fit window (h)."""

    rate_umol_per_g_h: float
    rate_uncertainty_umol_per_g_h: float
    intercept_umol_per_g: float
    through_origin: bool
    window_h: tuple[float, float]
    n_points: int  # points that inform the slope (t > 0 rows when through the origin)


def fit_production_rate(time_h: np.ndarray, yield_umol_per_g: np.ndarray, *,
                        through_origin: bool = True) -> RateFit:
    """Linear least-squares production rate with standard error (see the module docstring for the model)."""
    t = np.asarray(time_h, dtype=float)
    y = np.asarray(yield_umol_per_g, dtype=float)
    if t.shape != y.shape or t.ndim != 1:
        raise InputError("time and yield arrays differ in shape", fix="give one yield per time point")
    if np.any(y < 0):
        raise InputError(f"negative yield ({y.min():g} µmol/g)", fix="yields are amounts formed (≥ 0 µmol/g)")
    if np.any(t < 0):
        raise InputError(f"negative irradiation time ({t.min():g} h)", fix="count time from light-on (t ≥ 0)")
    if through_origin:
        informative = t > 0
        n = int(informative.sum())
        if n < 1:
            raise InputError("no time point after t = 0", fix="give yields at irradiation times > 0")
        sum_tt = float(np.sum(t * t))
        rate = float(np.sum(t * y)) / sum_tt
        intercept = 0.0
        dof = n - 1
        residual = y[informative] - rate * t[informative]
        spread = sum_tt
    else:
        n = t.size
        if n < 2 or np.ptp(t) == 0:
            raise InputError("fewer than two distinct time points", fix="give the time course, not one point")
        rate, intercept = (float(v) for v in np.polyfit(t, y, 1))
        dof = n - 2
        residual = y - (rate * t + intercept)
        spread = float(np.sum((t - t.mean()) ** 2))
    se = math.sqrt(float(np.sum(residual**2)) / dof / spread) if dof > 0 else math.nan
    return RateFit(rate_umol_per_g_h=rate, rate_uncertainty_umol_per_g_h=se, intercept_umol_per_g=intercept,
                   through_origin=through_origin, window_h=(float(t.min()), float(t.max())), n_points=n)


def electrons_consumed_umol_per_g(final_yields_umol_per_g: Mapping[str, float]) -> dict[str, float]:
    """Electrons (µmol e⁻ g⁻¹) stored in each product with a known nₑ: nₑ × yield."""
    return {p: ELECTRONS_PER_MOLECULE[p] * y for p, y in final_yields_umol_per_g.items()
            if p in ELECTRONS_PER_MOLECULE}


def total_electrons_umol_per_g(final_yields_umol_per_g: Mapping[str, float]) -> float:
    """Σ nₑ·Yᵢ (µmol e⁻ g⁻¹), e.g. 8·44.5 (CH4) + 2·97.4 (CO) = 550.8."""
    return sum(electrons_consumed_umol_per_g(final_yields_umol_per_g).values())


def electron_selectivity_percent(final_yields_umol_per_g: Mapping[str, float]) -> dict[str, float]:
    """Electron-based selectivity (%) of each product with a known nₑ; NaN when no electrons were consumed."""
    electrons = electrons_consumed_umol_per_g(final_yields_umol_per_g)
    total = sum(electrons.values())
    return {p: (100.0 * e / total if total > 0 else math.nan) for p, e in electrons.items()}


@dataclass(frozen=True)
class ProductResult:
    """One product: yields at each time, fitted rate, final yield, electrons and selectivity."""

    yields_umol_per_g: tuple[float, ...]
    rate_umol_per_g_h: float
    rate_uncertainty_umol_per_g_h: float
    average_rate_umol_per_g_h: float
    final_yield_umol_per_g: float
    electrons_per_molecule: int | None
    electron_selectivity_percent: float | None
    lack_of_fit_p_value: float = 1.0
    molecules_per_cluster: float | None = None


@dataclass(frozen=True)
class CO2ReductionResult(Result):
    """Analysis of a CO2-photoreduction time course (one form)."""

    form: str | None
    time_h: tuple[float, ...]
    final_time_h: float
    products: Mapping[str, ProductResult]
    total_electrons_umol_per_g: float
    electron_consumption_rate_umol_per_g_h: float
    electron_consumption_rate_uncertainty_umol_per_g_h: float
    fit: str
    not_in_electron_balance: tuple[str, ...]
    cluster_molar_mass_g_per_mol: float | None
    ti_per_cluster: int | None
    electrons_per_cluster: float | None
    electrons_per_ti: float | None
    turnover_caveat: str | None
    warnings: tuple[str, ...]
    origin: Origin


def analyse_co2_timecourse(dataset: Dataset, *, through_origin: bool = True,
                           molar_mass_g_per_mol: float | None = None,
                           ti_per_cluster: int | None = None) -> CO2ReductionResult:
    """Rates, final yields and electron balance of every ``<P>_umol_per_g`` column of a time course.

    With the cluster's ``molar_mass_g_per_mol`` (g/mol) the yields are also given per cluster, and with
    ``ti_per_cluster`` the electrons per Ti atom (see the module docstring).
    """
    frame = dataset.frame
    if "time_h" not in frame:
        raise InputError("no time_h column", fix="give the irradiation time as time_h (or time_min)")
    columns = [c for c in frame.columns if c.endswith(PRODUCT_SUFFIX)]
    if not columns:
        raise InputError("no product columns", fix="name product columns like CH4_umol_per_g")
    t = frame["time_h"].to_numpy(dtype=float)
    last = int(np.argmax(t))
    final = {c.removesuffix(PRODUCT_SUFFIX): float(frame[c].iloc[last]) for c in columns}
    selectivity = electron_selectivity_percent(final)
    products: dict[str, ProductResult] = {}
    electron_rate, electron_var = 0.0, 0.0
    warnings: list[str] = []
    for column in columns:
        product = column.removesuffix(PRODUCT_SUFFIX)
        y = frame[column].to_numpy(dtype=float)
        fit = fit_production_rate(t, y, through_origin=through_origin)
        n_e = ELECTRONS_PER_MOLECULE.get(product)
        if n_e is not None:
            electron_rate += n_e * fit.rate_umol_per_g_h
            electron_var += (n_e * fit.rate_uncertainty_umol_per_g_h) ** 2
        average = final[product] / t[last] if t[last] > 0 else math.nan
        p_value, product_warnings = (linearity_warnings(product, t, y, fit.rate_umol_per_g_h, average)
                                     if through_origin else (1.0, []))
        warnings += product_warnings
        products[product] = ProductResult(
            yields_umol_per_g=tuple(float(v) for v in y), rate_umol_per_g_h=fit.rate_umol_per_g_h,
            rate_uncertainty_umol_per_g_h=fit.rate_uncertainty_umol_per_g_h,
            average_rate_umol_per_g_h=average,
            final_yield_umol_per_g=final[product], electrons_per_molecule=n_e,
            electron_selectivity_percent=selectivity.get(product), lack_of_fit_p_value=p_value,
            molecules_per_cluster=None if molar_mass_g_per_mol is None else per_cluster(final[product],
                                                                                        molar_mass_g_per_mol))
    model = "through the origin (t = 0 rows not counted)" if through_origin else "with intercept"
    fit_text = (f"linear least squares of yield vs time {model}, window {t.min():g}–{t.max():g} h, "
                f"{t.size} points; uncertainty = standard error of the slope")
    electrons = total_electrons_umol_per_g(final)
    electrons_per_cluster = None if molar_mass_g_per_mol is None else per_cluster(electrons, molar_mass_g_per_mol)
    return CO2ReductionResult(
        form=dataset.form, time_h=tuple(float(v) for v in t), final_time_h=float(t[last]), products=products,
        total_electrons_umol_per_g=electrons,
        electron_consumption_rate_umol_per_g_h=electron_rate,
        electron_consumption_rate_uncertainty_umol_per_g_h=math.sqrt(electron_var),
        fit=fit_text, not_in_electron_balance=tuple(p for p in final if p not in ELECTRONS_PER_MOLECULE),
        cluster_molar_mass_g_per_mol=molar_mass_g_per_mol, ti_per_cluster=ti_per_cluster,
        electrons_per_cluster=electrons_per_cluster,
        electrons_per_ti=None if electrons_per_cluster is None or not ti_per_cluster
        else electrons_per_cluster / ti_per_cluster,
        turnover_caveat=None if electrons_per_cluster is None else TURNOVER_CAVEAT, warnings=tuple(warnings),
        origin=computed_from(dataset.origin, method=f"CO2 photoreduction rates ({fit_text}) and electron balance"))
