"""Long measured series: Savitzky–Golay smoothing in O(N log N) and binning into means of consecutive points.

Both keep any accepted file (up to :data:`ti10cu2_lib.data.readers.MAX_ROWS` rows) within a few seconds:

* :func:`savgol_smooth` is ``scipy.signal.savgol_filter`` (mode ``"interp"``) with the interior computed by FFT
  convolution, so a window of W points over N points costs O(N log N) instead of O(N·W) (a 0.1 eV window on a
  million-point spectrum spans ≈ 20 000 points: ≈ 15 s directly). The result equals scipy's to round-off; windows
  shorter than :data:`FFT_MIN_WINDOW` points (every embedded dataset) use scipy itself, bit for bit.
* :func:`smooth_maxima` finds the prominent maxima of a smoothed curve (``scipy.signal.find_peaks``, whose
  prominence search costs O(N) per local maximum: seconds for the sub-noise ripples of a million-point curve) on a
  sub-sample of ≥ 16 points per smoothing window, then moves each to the exact maximum of the full curve.
* :func:`bin_means` replaces runs of k consecutive points by their means (x and y), for steps whose cost grows
  faster than N or that repeat O(N) work many times: the automatic Mott–Schottky window search, the UV-vis
  Gaussian deconvolution, the photocurrent transient fits. Means of k points keep a straight line exactly
  and a curve to O((k·step)² × curvature); the noise per point drops by √k, so a least-squares fit on the bins has
  the same standard errors as on the points. Each use says what was binned (:attr:`Binned.note`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.signal import fftconvolve, find_peaks, savgol_coeffs, savgol_filter

FFT_MIN_WINDOW = 255  # points: shorter Savitzky–Golay windows are computed by scipy directly (O(N·W) is cheap)
PEAK_SEARCH_POINTS = 20_000  # a smoothed curve longer than this is searched for maxima on a sub-sample …
SAMPLES_PER_WINDOW = 16  # … of at least this many points per smoothing window


def savgol_smooth(values: np.ndarray, window: int, polyorder: int, *, deriv: int = 0,
                  delta: float = 1.0) -> np.ndarray:
    """``scipy.signal.savgol_filter(values, window, polyorder, deriv=deriv, delta=delta)`` in O(N log N).

    The interior is an FFT convolution with the Savitzky–Golay coefficients; the first and last ``window // 2``
    points come, as in scipy's mode ``"interp"``, from a polynomial fitted to the first and last ``window`` points.
    ``window`` must be odd; ``delta`` is the sample spacing (derivatives are per unit of x).
    """
    values = np.asarray(values, dtype=float)
    if window < FFT_MIN_WINDOW or values.size <= window:
        return savgol_filter(values, window, polyorder, deriv=deriv, delta=delta)
    smooth = fftconvolve(values, savgol_coeffs(window, polyorder, deriv=deriv, delta=delta), mode="same")
    half = window // 2
    edge = np.arange(half)
    smooth[:half] = _edge_fit(values[:window], polyorder, deriv, delta, edge)
    smooth[-half:] = _edge_fit(values[-window:], polyorder, deriv, delta, window - half + edge)
    return smooth


def _edge_fit(segment: np.ndarray, polyorder: int, deriv: int, delta: float, at: np.ndarray) -> np.ndarray:
    """Derivative ``deriv`` of the polynomial fitted to ``segment`` (indices 0…len−1), at indices ``at``."""
    coeffs = np.polyder(np.polyfit(np.arange(segment.size), segment, polyorder), deriv)
    return np.polyval(coeffs, at) / delta**deriv


def smooth_maxima(smooth: np.ndarray, window_points: int, prominence: float) -> np.ndarray:
    """Indices of the maxima of ``smooth`` (a curve smoothed over ``window_points`` points) with at least
    ``prominence`` (same unit), ascending.

    Curves longer than :data:`PEAK_SEARCH_POINTS` are searched on every k-th point, k ≤ ``window_points`` /
    :data:`SAMPLES_PER_WINDOW` (the smoothing leaves no structure narrower than its window above the noise), and
    each maximum found is moved to the largest value of ``smooth`` within ±k points; shorter curves are searched
    point by point, exactly as ``scipy.signal.find_peaks``.
    """
    smooth = np.asarray(smooth, dtype=float)
    stride = min(math.ceil(smooth.size / PEAK_SEARCH_POINTS), max(1, window_points // SAMPLES_PER_WINDOW))
    coarse, _ = find_peaks(smooth[::stride], prominence=prominence)
    if stride == 1:
        return coarse
    starts = np.clip(coarse * stride - stride, 0, None)
    return np.array([start + int(np.argmax(smooth[start:start + 2 * stride + 1])) for start in starts], dtype=int)


@dataclass(frozen=True)
class Binned:
    """Means of runs of ``per_bin`` consecutive points (the last run may be shorter); ``n_in`` points went in."""

    x: np.ndarray
    y: np.ndarray
    n_in: int
    per_bin: int

    @property
    def binned(self) -> bool:
        return self.per_bin > 1

    def raw_slice(self, bins: slice) -> slice:
        """The input points behind the bins ``bins`` (a slice with step 1)."""
        return slice(bins.start * self.per_bin, min(bins.stop * self.per_bin, self.n_in))

    def note(self, purpose: str) -> str | None:
        """E.g. "1,000,000 points binned to 2,000 (means of 500 consecutive points) for <purpose>"; None if unbinned."""
        if not self.binned:
            return None
        return (f"{self.n_in:,} points binned to {self.x.size:,} (means of {self.per_bin} consecutive points) "
                f"for {purpose}")


def bin_means(x: np.ndarray, y: np.ndarray, max_points: int) -> Binned:
    """``x``, ``y`` as at most ``max_points`` means of equally many consecutive points (unchanged when shorter)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = x.size
    if n <= max_points:
        return Binned(x, y, n, 1)
    per_bin = math.ceil(n / max_points)
    starts = np.arange(0, n, per_bin)
    counts = np.diff(np.r_[starts, n])
    return Binned(np.add.reduceat(x, starts) / counts, np.add.reduceat(y, starts) / counts, n, per_bin)
