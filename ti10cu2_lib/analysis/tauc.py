"""Kubelka–Munk transform and Tauc analysis of an optical absorption edge (band gap in eV).

Conventions
-----------
* Kubelka–Munk (Kubelka & Munk, Z. Tech. Phys. 1931, 12, 593): F(R) = (1 − R)²/(2R) = K/S for the diffuse
  reflectance R of an optically thick layer, R as a fraction 0 < R ≤ 1. F ∝ the absorption coefficient α when the
  scattering coefficient S does not depend on wavelength. For absorbance spectra α ∝ A (Beer–Lambert), no transform.
* Tauc (Tauc, Grigorovici & Vancu, Phys. Status Solidi 1966, 15, 627; Makuła, Pacia & Macyk, J. Phys. Chem.
  Lett. 2018, 9, 6814): (α·hν)^(1/n) = B·(hν − Eg) with **n = 1/2 for direct allowed** and **n = 2 for indirect
  allowed** transitions (Makuła's γ). The Tauc ordinate is (F·hν)² (direct) or (F·hν)^½ (indirect), hν in eV.
  A negative F·hν (noise around a zero absorbance baseline) keeps its sign: sign(x)·|x|^(1/n).
* ``method="axis"``: Eg is where the straight-line fit of the edge meets the energy axis (classic Tauc).
  ``method="baseline"`` (Makuła et al. 2018): Eg is where it meets a straight-line fit of the sub-gap region of the
  Tauc plot. The baseline variant is exact when the sub-gap absorption adds *in Tauc coordinates*; when it adds in
  F(R) (absorption coefficients add), the axis variant is closer for the indirect exponent and the baseline variant
  moves Eg up by (baseline height)/(edge slope).

Automatic fit window (the rule, in order)
-----------------------------------------
1. Locate the fundamental edge: E_foot, the energy of the steepest rise of the smoothed ln α(E) (Urbach region;
   higher-energy bands rise on an already absorbing background, so their logarithmic slope is smaller). Windows are
   searched in [E_foot − 0.3 eV, E_foot + 1.2 eV].
2. On the Tauc ordinate smoothed over 0.1 eV (quadratic Savitzky–Golay, which leaves straight parts unchanged),
   fit a line to every contiguous window ≥ 0.10 eV wide with ≥ 8 points. Besides R², each window gets an
   "R² beyond noise": its residual minus the residual expected from the noise left by the smoothing (estimated
   locally from raw − smoothed), so that a noisy but straight stretch is not taken for a curved one.
3. Linear windows: R² beyond noise ≥ 0.999 and positive slope (if none, 0.995, 0.99, 0.98 in turn, with a warning).
   The *edge window* is the linear window with the largest rise (slope × width): the longest straight climb of the
   ordinate. Admissible windows: linear windows with a slope within ±10 % of the edge window's and at least half
   its rise.
4. The fit window is the admissible window ≥ 0.15 eV wide with the highest plain R² (the straightest stretch, which
   keeps clear of the bends at both ends); the line is fitted to the raw (unsmoothed) data in it.
   An explicit ``window=(lo, hi)`` (eV) replaces steps 1–4.
Uncertainty: ``band_gap_uncertainty_eV`` = √(SE_fit² + s_windows² + s_method²), the three components taken as
independent and added in quadrature. SE_fit is the standard error of the crossing point from the fit (delta method
over the line parameters); s_windows the standard deviation of the crossing over all admissible windows (spread
over reasonable window choices; 0 for a manual window); s_method (``method_spread_eV``) the standard deviation
(population, ddof = 0) of Eg over the reading variants of the same edge line: the energy-axis crossing and the
Makuła baseline crossing with the baseline window ending 0.1, 0.2 and 0.3 eV below the axis crossing (plus a
``baseline_window`` given by the caller). Variants whose baseline cannot be fitted (too little sub-gap data, or a
baseline as steep as the edge) are left out and named in ``method_variants_eV`` only when they worked; with the
axis variant alone s_method is 0. No bootstrap.

Linearity check (``linear_quality`` "good" or "poorly linear", with the reasons in ``warnings``)
---------------------------------------------------------------------------------------------
* ``linear_fraction`` = (E_hi − E_lo)/(E_hi − Eg) of the edge window (or of the manual window), capped at
  1: how much of the extrapolation to the gap is backed by straight data. Flagged below 0.75. This catches a
  concave Tauc curve, e.g. a direct-gap spectrum analysed with the indirect exponent.
* ``subgap_absorption_ratio`` = (α(Eg − 0.1 eV) − α_min)/(α(E_hi) − α_min), α smoothed: how strongly the sample
  still absorbs 0.1 eV below the extrapolated gap. Flagged above 0.15. This catches a convex Tauc curve whose
  straight part sits high on the edge, e.g. an indirect-gap spectrum analysed with the direct exponent.
* For a manual window, an R² below 0.99 of the smoothed curve in the window is flagged too.
The thresholds were set on the forward model of :mod:`ti10cu2_lib.forward.optical` (σ_R ≤ 0.004, Urbach energy
0.06 eV): the right exponent gave fractions ≥ 0.86 and ratios ≤ 0.05, the wrong one fractions ≤ 0.55 or ratios
≈ 0.15–0.25. With Urbach energies ≳ 0.1 eV the right exponent approaches the thresholds too (tail and wrong exponent
look alike); the flag then says that the extrapolation leans on a long tail.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import savgol_coeffs

from ti10cu2_lib.analysis.series import savgol_smooth
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM

Transition = Literal["direct", "indirect"]
Method = Literal["axis", "baseline"]
TAUC_EXPONENT_N: dict[str, float] = {"direct": 0.5, "indirect": 2.0}
METHODS = ("axis", "baseline")

SEARCH_BELOW_FOOT_EV = 0.3  # the window search runs from E_foot − 0.3 eV …
SEARCH_ABOVE_FOOT_EV = 1.2  # … to E_foot + 1.2 eV
SMOOTHING_EV = 0.1  # Savitzky–Golay (quadratic) window used to locate the edge and to choose the fit window
LOG_FLOOR_FRACTION = 0.01  # ln α is taken of max(α, 1 % of max α)
MIN_WINDOW_EV = 0.10
MIN_FIT_WINDOW_EV = 0.15
MIN_WINDOW_POINTS = 8
R2_LEVELS = (0.999, 0.995, 0.99, 0.98)  # linearity threshold on the smoothed curve, relaxed in this order
SLOPE_TOLERANCE = 0.1  # admissible windows: slope within ±10 % of the edge window's …
RISE_FRACTION = 0.5  # … and a rise ≥ 50 % of its rise
MAX_WINDOW_BOUNDARIES = 300  # window ends are taken on at most this many points (sums still use every point)
LINEAR_FRACTION_MIN = 0.75
SUBGAP_PROBE_EV = 0.1  # the sub-gap absorption is read this far below the extrapolated gap
SUBGAP_RATIO_MAX = 0.15
MANUAL_R2_MIN = 0.99  # R² of the smoothed curve in a manual window
BASELINE_OFFSET_EV = 0.2  # the automatic baseline window ends this far below the axis crossing of the edge fit
BASELINE_OFFSET_VARIANTS_EV = (0.1, 0.2, 0.3)  # baseline-window ends tried for the method spread
BASELINE_WIDTH_EV = 0.5
MIN_BASELINE_POINTS = 5
UNCERTAINTY_COMBINATION = ("√(fit standard error² + window spread² + method spread²): independent components in "
                           "quadrature; method spread = standard deviation of Eg over the axis and Makuła-baseline "
                           "readings of the same edge line")


def kubelka_munk(reflectance: np.ndarray) -> np.ndarray:
    """F(R) = (1 − R)²/(2R) for diffuse reflectance R as a fraction (0 < R ≤ 1); e.g. F(0.5) = 0.25."""
    R = np.asarray(reflectance, dtype=float)
    if np.any(R <= 0.0) or np.any(R > 1.0):
        bad = R[(R <= 0.0) | (R > 1.0)][0]
        raise InputError(f"reflectance {bad:g} outside (0, 1] cannot be Kubelka–Munk transformed",
                         fix="give reflectance as a fraction of the white standard (0 < R ≤ 1) or in % (0–100)")
    return (1.0 - R) ** 2 / (2.0 * R)


def tauc_ordinate(energy_eV: np.ndarray, absorption: np.ndarray, transition: Transition) -> np.ndarray:
    """(α·hν)^(1/n), n = 1/2 (direct allowed) or 2 (indirect allowed); sign kept for negative α·hν."""
    product = np.asarray(energy_eV, dtype=float) * np.asarray(absorption, dtype=float)
    return np.sign(product) * np.abs(product) ** (1.0 / TAUC_EXPONENT_N[transition])


def absorption_spectrum(dataset: Dataset) -> tuple[np.ndarray, np.ndarray, str]:
    """Photon energy (eV, ascending), α-proxy and its name: F(R) for reflectance, A for absorbance."""
    frame = dataset.frame
    energy = HC_EV_NM / frame["wavelength_nm"].to_numpy(dtype=float)
    if "reflectance" in frame:
        absorption, name = kubelka_munk(frame["reflectance"].to_numpy(dtype=float)), "kubelka_munk"
    elif "absorbance" in frame:
        absorption, name = frame["absorbance"].to_numpy(dtype=float), "absorbance"
    else:
        raise InputError(f"dataset has neither reflectance nor absorbance (columns: {', '.join(frame.columns)})",
                         fix="give a DRS file with a reflectance or absorbance column")
    order = np.argsort(energy)
    return energy[order], absorption[order], name


@dataclass(frozen=True)
class LineFit:
    """Least-squares line y = y_mean + slope·(x − x_mean) over [lo_eV, hi_eV], with its variances."""

    lo_eV: float
    hi_eV: float
    x_mean: float
    y_mean: float
    slope: float
    var_y_mean: float  # σ²/n, σ² the residual variance
    var_slope: float
    r_squared: float

    @property
    def intercept(self) -> float:
        """y at x = 0."""
        return self.y_mean - self.slope * self.x_mean

    def crossing(self, other: LineFit | None = None) -> tuple[float, float]:
        """x where this line meets ``other`` (or y = 0) and its standard error (delta method, independent fits)."""
        b2, y2, x2 = (0.0, 0.0, 0.0) if other is None else (other.slope, other.y_mean, other.x_mean)
        denominator = self.slope - b2
        if denominator <= 0:
            problem = ("the edge fit does not rise with energy" if other is None else
                       "the edge fit is not steeper than the sub-gap baseline, so the two do not cross")
            raise InputError(problem, fix="give a --window on the rising part of the absorption edge")
        x = (y2 - self.y_mean + self.slope * self.x_mean - b2 * x2) / denominator
        variance = (self.var_y_mean + ((self.x_mean - x) ** 2) * self.var_slope) / denominator**2
        if other is not None:
            variance += (other.var_y_mean + ((x - x2) ** 2) * other.var_slope) / denominator**2
        return float(x), float(np.sqrt(variance))


def fit_line(x: np.ndarray, y: np.ndarray) -> LineFit:
    """Ordinary least-squares straight line with the standard errors of its mean and slope."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size < 3:
        raise InputError(f"only {x.size} points in the fit window", fix="widen the window")
    x_mean, y_mean = x.mean(), y.mean()
    sxx = np.sum((x - x_mean) ** 2)
    slope = np.sum((x - x_mean) * (y - y_mean)) / sxx
    residual = y - y_mean - slope * (x - x_mean)
    ss_res, ss_tot = np.sum(residual**2), np.sum((y - y_mean) ** 2)
    sigma2 = ss_res / (x.size - 2)
    return LineFit(lo_eV=float(x.min()), hi_eV=float(x.max()), x_mean=float(x_mean),
                   y_mean=float(y_mean), slope=float(slope), var_y_mean=float(sigma2 / x.size),
                   var_slope=float(sigma2 / sxx), r_squared=float(1.0 - ss_res / ss_tot) if ss_tot > 0 else 0.0)


def savgol_points(energy_eV: np.ndarray, width_eV: float) -> int:
    """Odd number of uniform-grid points spanning ``width_eV`` (at least 5, at most all)."""
    n = energy_eV.size
    step = (energy_eV[-1] - energy_eV[0]) / (n - 1)
    return min(max(5, int(round(width_eV / step)) | 1), n if n % 2 else n - 1)


def smooth_on_energy_grid(energy_eV: np.ndarray, values: np.ndarray, width_eV: float = SMOOTHING_EV) -> np.ndarray:
    """Quadratic Savitzky–Golay smoothing over ``width_eV``, done on a uniform energy grid (energy ascending).

    O(N log N) (:func:`~ti10cu2_lib.analysis.series.savgol_smooth`): a million-point spectrum takes ≈ 0.1 s.
    """
    if energy_eV.size < 5:
        return np.asarray(values, dtype=float)
    grid = np.linspace(energy_eV[0], energy_eV[-1], energy_eV.size)
    smooth = savgol_smooth(np.interp(grid, energy_eV, values), savgol_points(energy_eV, width_eV), 2)
    return np.interp(energy_eV, grid, smooth)


def _smoothed_noise_variance(energy_eV: np.ndarray, raw: np.ndarray, smooth: np.ndarray) -> np.ndarray:
    """Local variance of the noise left in the smoothed curve, per point.

    The raw noise variance σ² is the local mean of (raw − smooth)² divided by (1 − h₀), h₀ the central
    Savitzky–Golay coefficient; smoothing leaves h₀·σ² (Σ hₖ² = h₀ for a least-squares filter).
    """
    points = savgol_points(energy_eV, SMOOTHING_EV)
    h0 = savgol_coeffs(points, 2)[points // 2]
    local = uniform_filter1d((raw - smooth) ** 2, points, mode="nearest")
    return local / (1.0 - h0) * h0


def edge_foot_eV(energy_eV: np.ndarray, absorption: np.ndarray) -> float:
    """Energy of the steepest rise of the smoothed ln α (the Urbach region of the fundamental edge), eV."""
    smooth = smooth_on_energy_grid(energy_eV, absorption)
    if smooth.max() <= 0:
        raise InputError("no positive absorption in the spectrum", fix="check the y column (reflectance/absorbance)")
    log_alpha = np.log(np.maximum(smooth, LOG_FLOOR_FRACTION * smooth.max()))
    return float(energy_eV[np.argmax(np.gradient(log_alpha, energy_eV))])


@dataclass(frozen=True)
class _WindowFits:
    """Straight-line fits of the smoothed Tauc ordinate over many windows (one array entry per window)."""

    lo: np.ndarray
    hi: np.ndarray
    x_mean: np.ndarray
    y_mean: np.ndarray
    slope: np.ndarray
    r_squared: np.ndarray
    r_squared_beyond_noise: np.ndarray  # lack of fit beyond the noise the smoothing left

    @property
    def rise(self) -> np.ndarray:
        """slope × width: how much of the ordinate the window climbs."""
        return self.slope * (self.hi - self.lo)

    @property
    def axis_crossing(self) -> np.ndarray:
        return self.x_mean - self.y_mean / self.slope

    def crossing_with(self, line: LineFit) -> np.ndarray:
        """x where each window's line meets ``line``."""
        return (line.y_mean - self.y_mean + self.slope * self.x_mean - line.slope * line.x_mean) / (
            self.slope - line.slope)

    def subset(self, keep: np.ndarray) -> _WindowFits:
        return _WindowFits(*(getattr(self, f.name)[keep] for f in dataclasses.fields(self)))


def _window_sums(x: np.ndarray, y: np.ndarray, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """n, means, centred Sxx, Sxy, Syy of the points i..j (inclusive) of every window, via prefix sums."""
    xc, yc = x - x.mean(), y - y.mean()
    prefix = {name: np.concatenate([[0.0], np.cumsum(v)])
              for name, v in {"x": xc, "y": yc, "xx": xc * xc, "xy": xc * yc, "yy": yc * yc}.items()}
    s = {name: p[j + 1] - p[i] for name, p in prefix.items()}
    n = (j - i + 1).astype(float)
    return {"n": n, "x_mean": s["x"] / n + x.mean(), "y_mean": s["y"] / n + y.mean(),
            "sxx": s["xx"] - s["x"] ** 2 / n, "sxy": s["xy"] - s["x"] * s["y"] / n, "syy": s["yy"] - s["y"] ** 2 / n}


def _scan_windows(x: np.ndarray, y_smooth: np.ndarray, y_raw: np.ndarray) -> _WindowFits:
    """Line fits of the smoothed ordinate over every contiguous window ≥ MIN_WINDOW_EV wide with ≥ MIN_WINDOW_POINTS
    points (x ascending), with R² and R² beyond noise (the expected residual of a line through the smoothed noise,
    estimated from ``y_raw``, is not counted as lack of fit)."""
    ends = np.unique(np.linspace(0, x.size - 1, min(x.size, MAX_WINDOW_BOUNDARIES)).round().astype(int))
    i, j = np.meshgrid(ends, ends, indexing="ij")
    keep = (x[j] - x[i] >= MIN_WINDOW_EV) & (j - i + 1 >= MIN_WINDOW_POINTS)
    i, j = i[keep], j[keep]
    sums = _window_sums(x, y_smooth, i, j)
    noise = np.concatenate([[0.0], np.cumsum(_smoothed_noise_variance(x, y_raw, y_smooth))])
    expected_noise_ss = (noise[j + 1] - noise[i]) * (sums["n"] - 2) / sums["n"]
    slope = sums["sxy"] / sums["sxx"]
    ss_res = np.clip(sums["syy"] - slope * sums["sxy"], 0.0, None)
    syy = np.where(sums["syy"] > 0, sums["syy"], np.inf)
    return _WindowFits(lo=x[i], hi=x[j], x_mean=sums["x_mean"], y_mean=sums["y_mean"], slope=slope,
                       r_squared=1.0 - ss_res / syy,
                       r_squared_beyond_noise=1.0 - np.clip(ss_res - expected_noise_ss, 0.0, None) / syy)


@dataclass(frozen=True)
class _Selection:
    """Outcome of the automatic rule: fit window, edge window, admissible windows, R² level used."""

    fit_window: tuple[float, float]
    extent_window: tuple[float, float]  # the edge window (largest straight rise): how far the edge is straight
    admissible: _WindowFits
    r2_level: float


def _select_window(x: np.ndarray, y_smooth: np.ndarray, y_raw: np.ndarray) -> _Selection:
    """The automatic rule of the module docstring (steps 2–4)."""
    fits = _scan_windows(x, y_smooth, y_raw)
    for level in R2_LEVELS:
        linear = (fits.r_squared_beyond_noise >= level) & (fits.slope > 0)
        if linear.any():
            break
    else:
        raise InputError(f"no straight part (R² ≥ {R2_LEVELS[-1]}) found on the absorption edge",
                         fix="give a fit window by hand (--window LO,HI in eV)")
    rise = np.where(linear, fits.rise, -np.inf)
    edge = int(np.argmax(rise))
    admissible = (linear & (np.abs(fits.slope / fits.slope[edge] - 1.0) <= SLOPE_TOLERANCE)
                  & (rise >= RISE_FRACTION * rise[edge]))
    wide = admissible & (fits.hi - fits.lo >= MIN_FIT_WINDOW_EV)
    best = int(np.argmax(np.where(wide if wide.any() else admissible, fits.r_squared, -np.inf)))
    return _Selection(fit_window=(float(fits.lo[best]), float(fits.hi[best])),
                      extent_window=(float(fits.lo[edge]), float(fits.hi[edge])), admissible=fits.subset(admissible),
                      r2_level=level)


@dataclass(frozen=True)
class TaucResult(Result):
    """Band gap from a Tauc plot, with the choices that produced it.

    ``edge_slope_per_eV``/``edge_intercept`` give the edge line in Tauc units ((eV·α)^(1/n)) and
    ``baseline_*`` the sub-gap line (``method="baseline"`` only).
    """

    band_gap_eV: float
    band_gap_uncertainty_eV: float
    fit_standard_error_eV: float
    window_spread_eV: float
    method_spread_eV: float
    method_variants_eV: dict[str, float]
    uncertainty_combination: str
    fit_window_eV: tuple[float, float]
    window_selection: str
    transition: str
    tauc_exponent_n: float
    method: str
    absorption: str
    edge_slope_per_eV: float
    edge_intercept: float
    r_squared: float
    baseline_window_eV: tuple[float, float] | None
    baseline_slope_per_eV: float | None
    baseline_intercept: float | None
    linear_fraction: float
    subgap_absorption_ratio: float
    linear_quality: str
    n_admissible_windows: int
    warnings: tuple[str, ...]
    origin: Origin


def _in_window(x: np.ndarray, window: tuple[float, float], what: str, minimum: int) -> np.ndarray:
    lo, hi = window
    if not lo < hi:
        raise InputError(f"{what} {lo:g}–{hi:g} eV is empty", fix="give LO < HI in eV, e.g. 2.3,2.7")
    inside = (x >= lo) & (x <= hi)
    if inside.sum() < minimum:
        raise InputError(f"{what} {lo:g}–{hi:g} eV holds {int(inside.sum())} data points, fewer than {minimum} "
                         f"(data span {x[0]:.3f}–{x[-1]:.3f} eV)",
                         fix="widen the window or move it onto the data (a spectrum needs ≥ 8 points on the edge)")
    return inside


def _auto_baseline_window(edge_axis_eV: float, x: np.ndarray,
                          offset_eV: float = BASELINE_OFFSET_EV) -> tuple[float, float]:
    hi = edge_axis_eV - offset_eV
    lo = max(hi - BASELINE_WIDTH_EV, float(x[0]))
    if hi - lo < MIN_WINDOW_EV or ((x >= lo) & (x <= hi)).sum() < MIN_BASELINE_POINTS:
        raise InputError(f"the spectrum has too little sub-gap data below {hi:.2f} eV for a baseline fit",
                         fix="measure further into the sub-gap region, give --baseline-window LO,HI, "
                             "or use --method axis")
    return lo, hi


def method_variants(energy_eV: np.ndarray, ordinate: np.ndarray, edge: LineFit,
                    baseline_window: tuple[float, float] | None = None) -> dict[str, float]:
    """Eg (eV) read off one edge line in every way the method allows: the energy-axis crossing ("axis") and the
    crossing with a sub-gap baseline fitted in the window ending 0.1/0.2/0.3 eV below it ("baseline −0.2 eV", …),
    plus ``baseline_window`` ("baseline LO–HI eV") when given. Variants that cannot be fitted are left out.

    >>> x = np.linspace(1.5, 3.0, 151)
    >>> y = np.where(x > 2.4, 10 * (x - 2.4), 0.0) + 0.5   # edge 10·(E − 2.4) on a flat baseline 0.5
    >>> edge = fit_line(x[x > 2.5], y[x > 2.5])
    >>> {k: round(v, 3) for k, v in method_variants(x, y, edge).items()}
    {'axis': 2.35, 'baseline −0.1 eV': 2.4, 'baseline −0.2 eV': 2.4, 'baseline −0.3 eV': 2.4}
    """
    axis = edge.crossing()[0]
    windows = {f"baseline −{offset:g} eV": offset for offset in BASELINE_OFFSET_VARIANTS_EV}
    variants = {"axis": axis}
    candidates: dict[str, tuple[float, float]] = {}
    for name, offset in windows.items():
        try:
            candidates[name] = _auto_baseline_window(axis, energy_eV, offset)
        except InputError:
            continue
    if baseline_window is not None:
        candidates[f"baseline {baseline_window[0]:g}–{baseline_window[1]:g} eV"] = baseline_window
    for name, window in candidates.items():
        below = (energy_eV >= window[0]) & (energy_eV <= window[1])
        if below.sum() < MIN_BASELINE_POINTS:
            continue
        baseline = fit_line(energy_eV[below], ordinate[below])
        if edge.slope > baseline.slope:
            variants[name] = edge.crossing(baseline)[0]
    return variants


def _subgap_ratio(energy: np.ndarray, smooth_alpha: np.ndarray, band_gap: float, top: float) -> float:
    """(α(Eg − 0.1 eV) − α_min)/(α(top) − α_min), α smoothed, α_min its minimum below Eg − 0.1 eV; NaN off range."""
    probe = band_gap - SUBGAP_PROBE_EV
    if not energy[0] < probe <= energy[-1]:
        return float("nan")
    floor = smooth_alpha[energy <= probe].min()
    at_probe, at_top = np.interp([probe, top], energy, smooth_alpha)
    return float((at_probe - floor) / (at_top - floor))


def _linearity_warnings(linear_fraction: float, subgap_ratio: float, manual_r_squared: float | None) -> list[str]:
    """The "poorly linear" reasons of the module docstring (empty when the edge is straight enough)."""
    reasons = []
    if linear_fraction < LINEAR_FRACTION_MIN:
        reasons.append(f"poorly linear: the straight part covers only {linear_fraction:.0%} of the extrapolation to "
                       f"the gap (threshold {LINEAR_FRACTION_MIN:.0%}); check the transition type or the window")
    if subgap_ratio > SUBGAP_RATIO_MAX:
        reasons.append(f"poorly linear: {SUBGAP_PROBE_EV:g} eV below the extrapolated gap the sample still absorbs "
                       f"{subgap_ratio:.0%} as much as at the top of the fit window (threshold "
                       f"{SUBGAP_RATIO_MAX:.0%}): the edge starts well below Eg; check the transition type or "
                       "the window")
    if manual_r_squared is not None and manual_r_squared < MANUAL_R2_MIN:
        reasons.append(f"poorly linear: R² of the smoothed Tauc curve in the manual window is {manual_r_squared:.4f} "
                       f"(threshold {MANUAL_R2_MIN})")
    return reasons


def _choose_window(energy: np.ndarray, alpha: np.ndarray, ordinate: np.ndarray, smooth_ordinate: np.ndarray,
                   window: tuple[float, float] | None) -> tuple[tuple[float, float], _Selection | None]:
    """The fit window: ``window`` as given, or the automatic rule (then also the admissible windows)."""
    if window is not None:
        return (float(window[0]), float(window[1])), None
    foot = edge_foot_eV(energy, alpha)
    search = _in_window(energy, (foot - SEARCH_BELOW_FOOT_EV, foot + SEARCH_ABOVE_FOOT_EV), "edge search range",
                        MIN_WINDOW_POINTS)
    selection = _select_window(energy[search], smooth_ordinate[search], ordinate[search])
    return selection.fit_window, selection


def tauc_fit(energy_eV: np.ndarray, absorption: np.ndarray, *, transition: Transition = "direct",
             method: Method = "axis", window: tuple[float, float] | None = None,
             baseline_window: tuple[float, float] | None = None, absorption_kind: str = "absorption",
             origin: Origin | None = None) -> TaucResult:
    """Band gap (eV) from the Tauc ordinate (α·hν)^(1/n) of ``absorption`` (F(R) or A) against ``energy_eV``.

    ``window`` = (lo, hi) in eV fixes the fit window; otherwise it is chosen by the automatic rule of the module
    docstring. ``method`` "axis" or "baseline" (Makuła et al. 2018); ``baseline_window`` (eV) overrides the automatic
    sub-gap window. ``origin`` names the data (default: computed from arrays given by the caller).
    """
    _check_choices(transition, method)
    order = np.argsort(energy_eV)
    energy, alpha = np.asarray(energy_eV, dtype=float)[order], np.asarray(absorption, dtype=float)[order]
    ordinate = tauc_ordinate(energy, alpha, transition)
    smooth_ordinate = smooth_on_energy_grid(energy, ordinate)
    fit_window, selection = _choose_window(energy, alpha, ordinate, smooth_ordinate, window)
    inside = _in_window(energy, fit_window, "fit window", MIN_WINDOW_POINTS)
    edge = fit_line(energy[inside], ordinate[inside])
    baseline = None
    if method == "baseline":
        below = _in_window(energy, baseline_window or _auto_baseline_window(edge.crossing()[0], energy),
                           "baseline window", MIN_BASELINE_POINTS)
        baseline = fit_line(energy[below], ordinate[below])
    band_gap, standard_error = edge.crossing(baseline)
    spread, n_admissible = 0.0, 1
    if selection is not None:
        admissible = selection.admissible
        candidates = admissible.axis_crossing if baseline is None else admissible.crossing_with(baseline)
        spread, n_admissible = float(np.std(candidates)), int(candidates.size)

    variants = method_variants(energy, ordinate, edge, baseline_window)
    method_spread = float(np.std(list(variants.values())))

    extent = fit_window if selection is None else selection.extent_window
    in_extent = (energy >= extent[0]) & (energy <= extent[1])
    extent_fit = fit_line(energy[in_extent], smooth_ordinate[in_extent])
    linear_fraction = float(np.clip((extent[1] - extent[0]) / (extent[1] - extent_fit.crossing()[0]), 0.0, 1.0))
    subgap_ratio = _subgap_ratio(energy, smooth_on_energy_grid(energy, alpha), band_gap, fit_window[1])
    warnings = _linearity_warnings(linear_fraction, subgap_ratio,
                                   extent_fit.r_squared if selection is None else None)
    quality = "poorly linear" if warnings else "good"
    if selection is not None and selection.r2_level < R2_LEVELS[0]:
        warnings.append(f"no window reached R² ≥ {R2_LEVELS[0]} on the smoothed Tauc curve (noisy or curved edge); "
                        f"the threshold was relaxed to {selection.r2_level}")
    if not energy[0] <= band_gap <= energy[-1]:
        warnings.append(f"the extrapolated gap {band_gap:.3f} eV lies outside the measured range "
                        f"{energy[0]:.3f}–{energy[-1]:.3f} eV")
    return TaucResult(
        band_gap_eV=band_gap,
        band_gap_uncertainty_eV=float(np.sqrt(standard_error**2 + spread**2 + method_spread**2)),
        fit_standard_error_eV=standard_error, window_spread_eV=spread, method_spread_eV=method_spread,
        method_variants_eV=variants, uncertainty_combination=UNCERTAINTY_COMBINATION, fit_window_eV=fit_window,
        window_selection="automatic" if selection else "manual", transition=transition,
        tauc_exponent_n=TAUC_EXPONENT_N[transition], method=method, absorption=absorption_kind,
        edge_slope_per_eV=edge.slope, edge_intercept=edge.intercept, r_squared=edge.r_squared,
        baseline_window_eV=None if baseline is None else (baseline.lo_eV, baseline.hi_eV),
        baseline_slope_per_eV=None if baseline is None else baseline.slope,
        baseline_intercept=None if baseline is None else baseline.intercept, linear_fraction=linear_fraction,
        subgap_absorption_ratio=subgap_ratio, linear_quality=quality, n_admissible_windows=n_admissible,
        warnings=tuple(warnings),
        origin=origin or Origin(Provenance.COMPUTED, "Tauc analysis of arrays supplied by the caller"))


def _check_choices(transition: str, method: str) -> None:
    if transition not in TAUC_EXPONENT_N:
        raise InputError(f"unknown transition '{transition}'", fix="use direct or indirect")
    if method not in METHODS:
        raise InputError(f"unknown method '{method}'", fix="use axis or baseline")


def analyse_tauc(dataset: Dataset, *, transition: Transition = "direct", method: Method = "axis",
                 window: tuple[float, float] | None = None,
                 baseline_window: tuple[float, float] | None = None) -> TaucResult:
    """:func:`tauc_fit` on a DRS dataset (Kubelka–Munk of its reflectance, or its absorbance taken as α)."""
    _check_choices(transition, method)
    energy, alpha, kind = absorption_spectrum(dataset)
    source = (f"Tauc plot of {'F(R) (Kubelka–Munk)' if kind == 'kubelka_munk' else 'absorbance'}, {transition} "
              f"allowed (n = {TAUC_EXPONENT_N[transition]:g}), {'manual' if window else 'automatic'} window, "
              f"{method} crossing")
    return tauc_fit(energy, alpha, transition=transition, method=method, window=window,
                    baseline_window=baseline_window, absorption_kind=kind,
                    origin=computed_from(dataset.origin, method=source))
