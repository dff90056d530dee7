"""UV-vis band maxima of a solution spectrum, in nm and eV, by peak finding or Gaussian deconvolution.

* Peak finding: maxima of the absorbance smoothed over 0.1 eV (quadratic Savitzky–Golay) with a prominence of at
  least 3 % of the absorbance range and 3 × the noise (standard deviation of raw − smoothed); each maximum is
  refined by a parabola fitted to the raw data within ±0.08 eV (in energy) of it, whose vertex gives the position
  and, from the fit covariance (delta method), its standard error.
* Gaussian deconvolution: Σₖ hₖ·exp(−4 ln2 (E − Eₖ)²/wₖ²) + (b₀ + b₁·E), Gaussians in photon energy (the usual
  line shape of inhomogeneously broadened electronic bands), one per maximum found, least squares
  (``scipy.optimize.curve_fit``); the standard errors of the centres come from the covariance matrix. Spectra
  longer than :data:`MAX_FIT_POINTS` are fitted on means of consecutive points (the method says so).
Absorbance is used point by point when changing the abscissa from nm to eV: it is not a spectral density, so no
Jacobian factor applies. σ(λ) = (hc/E²)·σ(E).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from ti10cu2_lib.analysis.series import bin_means, smooth_maxima
from ti10cu2_lib.analysis.tauc import SMOOTHING_EV, savgol_points, smooth_on_energy_grid
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM

PROMINENCE_FRACTION = 0.03  # of the (smoothed) absorbance range …
NOISE_MULTIPLE = 3.0  # … and at least 3 × the noise (standard deviation of raw − smoothed)
PARABOLA_HALF_WIDTH_EV = 0.08
INITIAL_FWHM_EV = 0.4
FWHM_BOUNDS_EV = (0.02, 3.0)
MAX_FIT_POINTS = 20_000  # longer spectra are deconvolved on bin means (a million points: ≈ 5 s → ≈ 0.2 s)


def gaussian_bands(energy_eV: np.ndarray, centers_eV: Sequence[float], fwhm_eV: Sequence[float],
                   heights: Sequence[float]) -> np.ndarray:
    """Sum of Gaussian bands in photon energy: Σ hₖ·exp(−4 ln2 (E − Eₖ)²/wₖ²), wₖ the FWHM in eV."""
    energy = np.asarray(energy_eV, dtype=float)[:, None]
    centers, widths, amps = (np.asarray(v, dtype=float)[None, :] for v in (centers_eV, fwhm_eV, heights))
    return (amps * np.exp(-4.0 * np.log(2.0) * (energy - centers) ** 2 / widths**2)).sum(axis=1)


@dataclass(frozen=True)
class UVVisResult(Result):
    """Band positions in nm and eV, sorted by wavelength, with standard errors (NaN → null where none).

    ``heights`` are absorbances at the maxima (peak finding) or Gaussian amplitudes (deconvolution);
    ``fwhm_eV`` and ``r_squared`` are given for the deconvolution only.
    """

    method: str
    peaks_nm: tuple[float, ...]
    peaks_eV: tuple[float, ...]
    peaks_uncertainty_nm: tuple[float, ...]
    peaks_uncertainty_eV: tuple[float, ...]
    heights: tuple[float, ...]
    fwhm_eV: tuple[float, ...] | None
    r_squared: float | None
    warnings: tuple[str, ...]
    origin: Origin


def _vertex(energy: np.ndarray, absorbance: np.ndarray, guess_eV: float) -> tuple[float, float, float]:
    """Vertex (eV), its standard error (eV) and height of a parabola fitted within ±PARABOLA_HALF_WIDTH_EV."""
    near = np.abs(energy - guess_eV) <= PARABOLA_HALF_WIDTH_EV
    if near.sum() < 5:
        return guess_eV, float("nan"), float(np.interp(guess_eV, energy, absorbance))
    x = energy[near] - guess_eV
    coeffs, cov = np.polyfit(x, absorbance[near], 2, cov=True)
    c2, c1, c0 = coeffs
    if c2 >= 0:  # not a maximum at this resolution
        return guess_eV, float("nan"), float(np.interp(guess_eV, energy, absorbance))
    shift = -c1 / (2 * c2)
    gradient = np.array([c1 / (2 * c2**2), -1 / (2 * c2), 0.0])  # ∂shift/∂(c2, c1, c0)
    return float(guess_eV + shift), float(np.sqrt(gradient @ cov @ gradient)), float(c0 - c1**2 / (4 * c2))


def band_maxima(energy_eV: np.ndarray, absorbance: np.ndarray) -> list[tuple[float, float, float]]:
    """Local maxima as (energy eV, standard error eV, absorbance), energy ascending; see the module docstring."""
    smooth = smooth_on_energy_grid(energy_eV, absorbance)
    noise = np.std(absorbance - smooth)
    rounding = 1e3 * np.finfo(float).eps * np.abs(smooth).max()
    prominence = max(PROMINENCE_FRACTION * (smooth.max() - smooth.min()), NOISE_MULTIPLE * noise, rounding)
    indices = smooth_maxima(smooth, savgol_points(energy_eV, SMOOTHING_EV), prominence)
    found = []
    for index in indices:
        position, error, height = _vertex(energy_eV, absorbance, float(energy_eV[index]))
        found.append(_vertex(energy_eV, absorbance, position) if np.isfinite(error) else (position, error, height))
    return found


def _model(energy: np.ndarray, *params: float) -> np.ndarray:
    b0, b1, *bands = params
    centers, widths, heights = bands[0::3], bands[1::3], bands[2::3]
    return gaussian_bands(energy, centers, widths, heights) + b0 + b1 * energy


def deconvolve(energy_eV: np.ndarray, absorbance: np.ndarray, initial_centers_eV: Sequence[float]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Gaussian bands + linear baseline by least squares: centres, their standard errors, FWHM, heights (eV), R²."""
    lo, hi = float(energy_eV.min()), float(energy_eV.max())
    p0, lower, upper = [0.0, 0.0], [-np.inf, -np.inf], [np.inf, np.inf]
    for center in initial_centers_eV:
        p0 += [center, INITIAL_FWHM_EV, max(float(np.interp(center, energy_eV, absorbance)), 1e-6)]
        lower += [lo, FWHM_BOUNDS_EV[0], 0.0]
        upper += [hi, FWHM_BOUNDS_EV[1], np.inf]
    try:
        params, cov = curve_fit(_model, energy_eV, absorbance, p0=p0, bounds=(lower, upper), maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"Gaussian deconvolution did not converge ({exc})",
                         fix="check the spectrum, or report the band maxima without --deconvolve") from None
    residual = absorbance - _model(energy_eV, *params)
    r_squared = 1.0 - np.sum(residual**2) / np.sum((absorbance - absorbance.mean()) ** 2)
    errors = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    return params[2::3], errors[2::3], params[3::3], params[4::3], float(r_squared)


def analyse_uvvis(dataset: Dataset, *, deconvolve_bands: bool = False) -> UVVisResult:
    """Band maxima of a UV-vis absorbance spectrum (nm and eV), by peak finding or Gaussian deconvolution."""
    wavelength = dataset.frame["wavelength_nm"].to_numpy(dtype=float)
    absorbance = dataset.frame["absorbance"].to_numpy(dtype=float)
    order = np.argsort(HC_EV_NM / wavelength)
    energy, absorbance = (HC_EV_NM / wavelength)[order], absorbance[order]
    maxima = band_maxima(energy, absorbance)
    warnings: list[str] = []
    if not maxima:
        if deconvolve_bands:
            raise InputError("no band maximum found to start the Gaussian deconvolution from",
                             fix="give a spectrum in which the bands show maxima, or omit --deconvolve")
        warnings.append("no band maximum found (prominence ≥ 3 % of the absorbance range and ≥ 3 × the noise)")
    fwhm, r_squared = None, None
    if deconvolve_bands:
        fit = bin_means(energy, absorbance, MAX_FIT_POINTS)
        centers, errors, widths, heights, r_squared = deconvolve(fit.x, fit.y, [m[0] for m in maxima])
        fwhm = widths
        note = fit.note("the fit (R² is that of the bin means)")
        method = f"Gaussian deconvolution in energy ({len(centers)} bands + linear baseline)" + (f"; {note}" if note
                                                                                                 else "")
    else:
        centers, errors, heights = np.array(maxima, dtype=float).reshape(-1, 3).T
        method = "local maxima of the smoothed spectrum, refined by a parabola in energy"
    order = np.argsort(-centers)  # ascending wavelength
    centers, errors, heights = centers[order], errors[order], heights[order]
    origin = computed_from(dataset.origin, method=f"UV-vis band positions: {method}")
    return UVVisResult(
        method=method, peaks_nm=tuple(HC_EV_NM / centers), peaks_eV=tuple(centers),
        peaks_uncertainty_nm=tuple(HC_EV_NM * errors / centers**2), peaks_uncertainty_eV=tuple(errors),
        heights=tuple(heights), fwhm_eV=None if fwhm is None else tuple(fwhm[order]), r_squared=r_squared,
        warnings=tuple(warnings), origin=origin)
