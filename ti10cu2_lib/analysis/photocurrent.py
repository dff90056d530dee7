"""Transient photocurrent under chopped light: light on/off edges, amplitude per cycle, rise/decay times.

Method (times in s, currents in A):

- **Edges from the trace alone**: a step filter (difference of the means of ``w`` samples after and before
  each point — the matched filter for a step in white noise) peaks at every up and down step. Peaks must
  stand out by ``threshold_sigma`` × the filter's noise (noise of the current estimated robustly from the
  median absolute first difference) and by 10 % of the largest step. Two consecutive steps of the same sign
  are merged (the stronger is kept). The trace is taken to start in the dark, so the first step is light-on
  whatever its sign (anodic or cathodic photocurrent).
- **Or edges from a given schedule** (light-on and light-off times), which are then held fixed.
- **Rise/decay**: each edge is fitted by a delayed first-order (single-exponential) response
  ``I(t) = a + b·(1 − exp(−(t − t0)/τ))`` for ``t ≥ t0`` (``a`` before), over the second half of the
  preceding period and the first 90 % of the following one (a detected edge lags the true one, so the last
  10 % may already hold the next transient); for detected edges ``t0`` is fitted too, which removes the
  filter's lag of ≈ τ·ln 2. Uncertainties are the standard errors from the fit covariance. Long windows (more
  than ``MAX_FIT_POINTS`` samples) are fitted on means of consecutive samples when τ spans ≥ 20 of them (the
  provenance says so); the edge detection is O(N) (cumulative sums) and needs no binning.
- **Amplitude of a cycle** (an on edge followed by an off edge) = mean current over the last
  ``plateau_fraction`` of the illuminated period − mean of the same plateaus of the dark periods before and
  after it. Stability: relative standard deviation of the amplitudes and last/first retention (%).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit
from scipy.signal import find_peaks

from ti10cu2_lib.analysis.series import bin_means
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

MAD_TO_SIGMA = 1.4826  # σ of a normal distribution per median absolute deviation
FIT_END_FRACTION = 0.9  # a transient fit stops 10 % before the next edge (detected edges lag slightly)
MAX_FIT_POINTS = 5_000  # a transient window with more samples is fitted on bin means (≈ 0.25 s per edge at 10⁵ samples)
MIN_BINS_PER_TAU = 20  # … provided the fitted τ spans at least this many bins


@dataclass(frozen=True)
class LightEdge:
    """A light-on or light-off instant (s)."""

    time_s: float
    direction: str  # "on" or "off"


def robust_noise_sigma(values: np.ndarray) -> float:
    """σ of white noise on a sampled signal, from the median absolute deviation of its first differences.

    Steps, bands and slow trends touch few differences, so the median ignores them.
    """
    diffs = np.diff(np.asarray(values, dtype=float))
    return MAD_TO_SIGMA * float(np.median(np.abs(diffs - np.median(diffs)))) / math.sqrt(2.0)


def _alternating(edges: list[tuple[float, str, float]]) -> list[tuple[float, str, float]]:
    """Merge runs of same-sign steps (time, sign, strength), keeping the strongest of each run."""
    kept: list[tuple[float, str, float]] = []
    for edge in sorted(edges):
        if kept and kept[-1][1] == edge[1]:
            if edge[2] > kept[-1][2]:
                kept[-1] = edge
        else:
            kept.append(edge)
    return kept


def detect_light_edges(time_s: np.ndarray, current_A: np.ndarray, *, window_points: int | None = None,
                       threshold_sigma: float = 6.0, starts_dark: bool = True) -> tuple[LightEdge, ...]:
    """Light-on/off edges from the current alone (step filter; see the module docstring).

    Steps alternate in sign; the first is light-on when the trace starts in the dark (``starts_dark``), so
    cathodic (negative) photocurrents are read correctly too.

    ``window_points`` defaults to max(3, n/100); set it to about a quarter of the shortest light or dark
    period (in samples) if edges are missed. Edge times are midway between the two samples the filter
    separates, so they lag a slow response by up to τ·ln 2 (refined by :func:`fit_transient`).
    """
    t = np.asarray(time_s, dtype=float)
    current = np.asarray(current_A, dtype=float)
    n = current.size
    w = window_points or max(3, n // 100)
    if n < 4 * w:
        raise InputError(f"only {n} points for a step window of {w}", fix="give a longer trace or a smaller window")
    cumulative = np.concatenate([[0.0], np.cumsum(current)])
    k = np.arange(w - 1, n - w)  # last sample before a candidate edge
    step = (cumulative[k + 1 + w] - cumulative[k + 1]) / w - (cumulative[k + 1] - cumulative[k + 1 - w]) / w
    rounding = 100 * n * np.finfo(float).eps * float(np.abs(current).max())  # cumulative-sum round-off
    threshold = max(threshold_sigma * robust_noise_sigma(current) * math.sqrt(2.0 / w), 0.1 * np.abs(step).max())
    if threshold <= rounding:
        return ()
    found: list[tuple[float, str, float]] = []
    for sign, name in ((1.0, "up"), (-1.0, "down")):
        peaks, _ = find_peaks(sign * step, height=threshold, prominence=threshold, distance=w)
        found += [(0.5 * (t[k[p]] + t[k[p] + 1]), name, float(sign * step[p])) for p in peaks]
    first, second = ("on", "off") if starts_dark else ("off", "on")
    return tuple(LightEdge(time, first if i % 2 == 0 else second)
                 for i, (time, _, _) in enumerate(_alternating(found)))


def schedule_edges(light_on_s: Sequence[float], light_off_s: Sequence[float]) -> tuple[LightEdge, ...]:
    """Edges from a known chopping schedule; on and off times must alternate."""
    edges = sorted([(float(t), "on") for t in light_on_s] + [(float(t), "off") for t in light_off_s])
    for (t1, d1), (t2, d2) in zip(edges, edges[1:], strict=False):
        if d1 == d2 or t1 == t2:
            raise InputError(f"light schedule does not alternate on/off near {t1:g} s and {t2:g} s",
                             fix="give alternating light-on and light-off times")
    return tuple(LightEdge(t, d) for t, d in edges)


@dataclass(frozen=True)
class TransientFit:
    """First-order response after one edge: onset t0 (s), step b (A), time constant τ (s) with SEs; ``per_bin`` > 1
    when the fit used means of that many consecutive samples."""

    edge_time_s: float
    step_A: float
    tau_s: float
    tau_uncertainty_s: float
    window_s: tuple[float, float]
    per_bin: int = 1


def _first_order(t: np.ndarray, baseline: float, step: float, tau: float, onset: float) -> np.ndarray:
    return baseline + step * (1.0 - np.exp(-np.clip(t - onset, 0.0, None) / tau))


def fit_transient(time_s: np.ndarray, current_A: np.ndarray, edge_time_s: float, start_s: float, end_s: float,
                  *, fit_onset: bool) -> TransientFit:
    """Fit ``I = a + b·(1 − exp(−(t − t0)/τ))`` (t ≥ t0) on ``[start_s, end_s)``; t0 free when ``fit_onset``.

    A window of more than :data:`MAX_FIT_POINTS` samples is fitted on means of consecutive samples (bin means of
    an exponential are the exponential at the bin centres times a constant, so τ is unchanged), unless the fitted
    τ spans fewer than :data:`MIN_BINS_PER_TAU` bins: then it is refitted on every sample.
    """
    inside = (time_s >= start_s) & (time_s < end_s)
    t, current = time_s[inside], current_A[inside]
    before, after = current[t < edge_time_s], current[t >= edge_time_s]
    if before.size < 2 or after.size < 4:
        raise InputError(f"too few samples around the edge at {edge_time_s:g} s",
                         fix="give a trace with several samples in every light and dark period")
    dt = float(np.median(np.diff(t)))
    binned = bin_means(t, current, MAX_FIT_POINTS)
    if binned.binned:
        fit = _fit_first_order(binned.x, binned.y, edge_time_s, start_s, end_s, dt, fit_onset=fit_onset)
        if fit.tau_s >= MIN_BINS_PER_TAU * binned.per_bin * dt:  # τ resolved by the bins
            return dataclasses.replace(fit, window_s=(float(t[0]), float(t[-1])), per_bin=binned.per_bin)
    return _fit_first_order(t, current, edge_time_s, start_s, end_s, dt, fit_onset=fit_onset)


def _fit_first_order(t: np.ndarray, current: np.ndarray, edge_time_s: float, start_s: float, end_s: float,
                     dt: float, *, fit_onset: bool) -> TransientFit:
    """The least-squares fit of :func:`fit_transient` on the samples (or bin means) ``t``, ``current``; ``dt`` is
    the sampling interval (s), τ is bounded below by dt/20."""
    before, after = current[t < edge_time_s], current[t >= edge_time_s]
    scale = float(np.ptp(current)) or 1.0  # fit in units of the current's range: tolerances are relative
    current = current / scale
    baseline = float(np.median(before)) / scale
    step = float(np.median(after[-max(2, after.size // 3):])) / scale - baseline
    duration = end_s - edge_time_s
    tau0 = max(duration / 10.0, dt)
    if fit_onset:
        lead = edge_time_s - start_s
        p0 = [baseline, step, tau0, edge_time_s]
        bounds = ([-np.inf, -np.inf, dt / 20, edge_time_s - 0.9 * lead],
                  [np.inf, np.inf, 5 * duration, edge_time_s + 0.5 * duration])
        model = _first_order
    else:
        p0 = [baseline, step, tau0]
        bounds = ([-np.inf, -np.inf, dt / 20], [np.inf, np.inf, 5 * duration])

        def model(t, a, b, tau):
            return _first_order(t, a, b, tau, edge_time_s)

    try:
        params, cov = curve_fit(model, t, current, p0=p0, bounds=bounds, x_scale="jac", max_nfev=5000)
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"the exponential fit at {edge_time_s:g} s failed ({exc})",
                         fix="check that the trace shows a step there, or give the light schedule") from None
    onset = float(params[3]) if fit_onset else edge_time_s
    tau_se = float(math.sqrt(cov[2, 2])) if np.isfinite(cov[2, 2]) else math.nan
    return TransientFit(edge_time_s=onset, step_A=float(params[1]) * scale, tau_s=float(params[2]),
                        tau_uncertainty_s=tau_se, window_s=(float(t[0]), float(t[-1])))


@dataclass(frozen=True)
class PhotocurrentCycle:
    """One light-on/light-off cycle: times (s), amplitude (A), rise and decay time constants (s)."""

    on_s: float
    off_s: float
    amplitude_A: float
    rise_tau_s: float
    rise_tau_uncertainty_s: float
    decay_tau_s: float
    decay_tau_uncertainty_s: float


@dataclass(frozen=True)
class PhotocurrentResult(Result):
    """Edges, per-cycle amplitudes and time constants, and cycle-to-cycle stability of a photocurrent trace."""

    form: str | None
    edge_source: str
    edges: tuple[LightEdge, ...]
    cycles: tuple[PhotocurrentCycle, ...]
    mean_amplitude_A: float
    amplitude_rsd_percent: float
    amplitude_retention_percent: float
    mean_rise_tau_s: float
    mean_decay_tau_s: float
    caveat: str | None
    origin: Origin


def _plateau_mean(t: np.ndarray, current: np.ndarray, start: float, end: float, fraction: float) -> float:
    inside = (t >= end - fraction * (end - start)) & (t < end)
    if not inside.any():
        raise InputError(f"no samples in the plateau {start:g}–{end:g} s", fix="give a denser trace")
    return float(current[inside].mean())


def analyse_photocurrent(dataset: Dataset, *, light_on_s: Sequence[float] | None = None,
                         light_off_s: Sequence[float] | None = None, window_points: int | None = None,
                         plateau_fraction: float = 0.5, starts_dark: bool = True) -> PhotocurrentResult:
    """Edges (detected, or from the given schedule), per-cycle amplitude and τ, and stability."""
    t = dataset.frame["time_s"].to_numpy(dtype=float)
    current = dataset.frame["current_A"].to_numpy(dtype=float)
    if not 0 < plateau_fraction <= 1:
        raise InputError(f"plateau fraction {plateau_fraction:g} outside (0, 1]", fix="use e.g. 0.5")
    scheduled = light_on_s is not None or light_off_s is not None
    if scheduled:
        edges = schedule_edges(light_on_s or (), light_off_s or ())
        edges = tuple(e for e in edges if t[0] < e.time_s < t[-1])
    else:
        edges = detect_light_edges(t, current, window_points=window_points, starts_dark=starts_dark)
    if not any(a.direction == "on" and b.direction == "off" for a, b in zip(edges, edges[1:], strict=False)):
        raise InputError("no complete light-on/light-off cycle found in the trace",
                         fix="give a trace with at least one on and one off step, or the light schedule")
    bounds = [t[0], *(e.time_s for e in edges), t[-1] + 1e-9]
    fits = [fit_transient(t, current, e.time_s, 0.5 * (bounds[i] + bounds[i + 1]),
                          bounds[i + 1] + FIT_END_FRACTION * (bounds[i + 2] - bounds[i + 1]), fit_onset=not scheduled)
            for i, e in enumerate(edges)]
    refined = tuple(LightEdge(f.edge_time_s, e.direction) for e, f in zip(edges, fits, strict=True))
    times = [t[0], *(e.time_s for e in refined), t[-1] + 1e-9]
    cycles = []
    for i in range(len(refined) - 1):
        if refined[i].direction != "on":
            continue
        on_level = _plateau_mean(t, current, times[i + 1], times[i + 2], plateau_fraction)
        dark_levels = [_plateau_mean(t, current, times[i], times[i + 1], plateau_fraction),
                       _plateau_mean(t, current, times[i + 2], times[i + 3], plateau_fraction)]
        cycles.append(PhotocurrentCycle(
            on_s=refined[i].time_s, off_s=refined[i + 1].time_s, amplitude_A=on_level - float(np.mean(dark_levels)),
            rise_tau_s=fits[i].tau_s, rise_tau_uncertainty_s=fits[i].tau_uncertainty_s,
            decay_tau_s=fits[i + 1].tau_s, decay_tau_uncertainty_s=fits[i + 1].tau_uncertainty_s))
    amplitudes = np.array([c.amplitude_A for c in cycles])
    mean_amplitude = float(amplitudes.mean())
    rsd = 100.0 * float(amplitudes.std(ddof=1)) / abs(mean_amplitude) if amplitudes.size > 1 else math.nan
    caveat = None
    if Provenance.ILLUSTRATIVE in dataset.origin.root_provenances():
        caveat = ("input is ILLUSTRATIVE (shape only; amplitudes and time constants invented because the article "
                  "gives no numbers): these values say nothing about the material")
    source = "given light schedule (held fixed)" if scheduled else "detected from the current trace (step filter)"
    per_bin = max(f.per_bin for f in fits)
    binning = (f"; transient fits on means of up to {per_bin} consecutive samples (windows of more than "
               f"{MAX_FIT_POINTS:,} samples)" if per_bin > 1 else "")
    return PhotocurrentResult(
        form=dataset.form, edge_source=source, edges=refined, cycles=tuple(cycles),
        mean_amplitude_A=mean_amplitude, amplitude_rsd_percent=rsd,
        amplitude_retention_percent=100.0 * float(amplitudes[-1] / amplitudes[0]),
        mean_rise_tau_s=float(np.mean([c.rise_tau_s for c in cycles])),
        mean_decay_tau_s=float(np.mean([c.decay_tau_s for c in cycles])), caveat=caveat,
        origin=computed_from(dataset.origin, method=f"photocurrent edges {source}, single-exponential rise/decay "
                                                    f"fits, amplitude = on − off plateau means "
                                                    f"(last {plateau_fraction:.0%} of each period){binning}"))
