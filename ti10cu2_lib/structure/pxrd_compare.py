"""Compare a simulated powder pattern with a measured one: scale + background fit, Rwp, peak matching.

Model of the measured counts y_i at 2θ_i (weights w_i = 1/σ_i², σ from the reader):

    y_calc(2θ) = s · Σ_k I_k pV(2θ − 2θ_k − Z) + Σ_j c_j T_j(t),   t = 2θ mapped onto [−1, 1]

with I_k the simulated stick intensities (:mod:`.pxrd`: m|F|²·LP·P_MD, optionally a Kα2 copy at λ₂ with its
ratio), pV the pseudo-Voigt of fixed FWHM and η, T_j Chebyshev polynomials (the background) and Z a zero shift.
For given (Z, r) the scale s and the c_j are a weighted linear least-squares solution; Z (a grid scan of
step FWHM/10 followed by bounded Brent minimisation) and the March–Dollase r (bounded Brent) are refined
one-dimensionally by minimising Rwp = √(Σ w (y − y_calc)² / Σ w y²). In the fit each peak profile is
truncated at ±30 FWHM (the Lorentzian tail beyond it, ≤ 1.1 % η of the area, goes into the background). The
calculated profile is summed peak-chunk by peak-chunk (:func:`truncated_profile`), so memory stays bounded; more
than :data:`MAX_PROFILE_PAIRS` (peak, measured point) pairs per profile is refused with an InputError.

Peak matching: the observed peaks are the maxima of y − background found by ``scipy.signal.find_peaks``
(height ≥ ``peak_threshold`` × the highest net peak, prominence ≥ half that), their positions refined by a
parabola through the three highest points. Each is matched to the nearest calculated line (Kα1, or Kα2 when
modelled; shifted by the refined Z) whose fitted peak height is at least ``min_calc_fraction`` of the strongest
calculated line: among the lines within ``match_tolerance`` (degrees 2θ) the one contributing most to the
calculated profile at the observed position is reported (a match); with none in reach, the nearest (no match).
``unmatched_calculated`` lists strong calculated lines with no observed maximum within the tolerance (often
lines hidden in a blend with a stronger neighbour). A simulated pattern from an unrefined
CIF is expected to match peak positions, not to reach the Rwp of a Rietveld refinement (:mod:`.pxrd_refine`
refines the profile, zero shift and cell to get an Rwp that can judge the match).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.polynomial import chebyshev
from scipy.optimize import minimize_scalar
from scipy.signal import find_peaks

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result, to_jsonable
from ti10cu2_lib.data.readers_pxrd import PowderPattern
from ti10cu2_lib.structure.pxrd import (
    CU_KA1,
    IT92,
    Crystal,
    Reflections,
    ScatteringFactors,
    chunks,
    compute_reflections,
    pseudo_voigt,
    reciprocal_direction_of_axis,
    stick_intensities,
    window_indices,
)

PROFILE_HALF_WIDTH_FWHM = 30.0
# Limit: (peak, point) pairs within ±30 FWHM evaluated per calculated profile. The refinement evaluates the profile
# ≈ 20–40 times at ≈ 15 ns per pair (2-core test machine): 50 million pairs ≈ 0.75 s each, ≈ 30 s in all.
MAX_PROFILE_PAIRS = 50_000_000


def _peak_windows(grid: np.ndarray, positions: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Index range [lo, hi) of the grid points within ± ``reach`` (degrees) of each peak."""
    return (np.searchsorted(grid, positions - reach, side="left"),
            np.searchsorted(grid, positions + reach, side="right"))


def profile_matrix(grid: np.ndarray, positions: np.ndarray, fwhm: float, eta: float,
                   half_width: float = PROFILE_HALF_WIDTH_FWHM) -> sp.csr_matrix:
    """Sparse (points × peaks) matrix of unit-area pseudo-Voigt peaks, each truncated at ±half_width·FWHM."""
    positions = np.asarray(positions, dtype=float)
    rows, cols = window_indices(*_peak_windows(grid, positions, half_width * fwhm))
    values = pseudo_voigt(grid[rows] - positions[cols], fwhm, eta)
    return sp.csr_matrix((values, (rows, cols)), shape=(grid.size, positions.size))


def truncated_profile(grid: np.ndarray, positions: np.ndarray, intensities: np.ndarray, fwhm: float, eta: float,
                      half_width: float = PROFILE_HALF_WIDTH_FWHM) -> np.ndarray:
    """``profile_matrix(grid, positions, …) @ intensities`` without building the matrix: peaks are taken in chunks
    (:func:`~ti10cu2_lib.structure.pxrd.chunks`), so memory stays bounded whatever the peaks and grid points."""
    positions = np.asarray(positions, dtype=float)
    intensities = np.asarray(intensities, dtype=float)
    lo, hi = _peak_windows(grid, positions, half_width * fwhm)
    out = np.zeros(grid.size)
    for sl in chunks(positions.size, hi - lo):
        rows, cols = window_indices(lo[sl], hi[sl])
        values = pseudo_voigt(grid[rows] - positions[sl][cols], fwhm, eta) * intensities[sl][cols]
        out += np.bincount(rows, weights=values, minlength=grid.size)
    return out


def _check_profile_pairs(grid: np.ndarray, positions: np.ndarray, fwhm: float) -> None:
    """:class:`InputError` when one calculated profile needs more than :data:`MAX_PROFILE_PAIRS` (peak, point) pairs."""
    lo, hi = _peak_windows(grid, positions, PROFILE_HALF_WIDTH_FWHM * fwhm)
    pairs = int((hi - lo).sum())
    if pairs > MAX_PROFILE_PAIRS:
        raise InputError(f"{positions.size:,} calculated lines need {pairs:.2g} profile values (measured points within "
                         f"±{PROFILE_HALF_WIDTH_FWHM:g} FWHM) per evaluation, more than the {MAX_PROFILE_PAIRS:.2g} a "
                         "comparison accepts (pxrd_compare.MAX_PROFILE_PAIRS)",
                         fix="rebin the measured pattern to a step of about FWHM/10, or cut it to a narrower 2θ range")


@dataclasses.dataclass(frozen=True, eq=False)
class PxrdComparison(Result):
    """Result of :func:`compare_pattern` (angles in degrees 2θ; Rwp, Rp, Rexp in percent)."""

    rwp: float
    rp: float
    rexp: float
    scale: float
    zero_shift: float
    zero_refined: bool
    po_hkl: tuple[int, int, int] | None
    po_uvw: tuple[float, float, float] | None
    po_r: float
    po_refined: bool
    background_degree: int
    background_coefficients: tuple[float, ...]
    two_theta_range: tuple[float, float]
    n_points: int
    peak_threshold: float
    match_tolerance: float
    matches: tuple[dict[str, Any], ...]
    unmatched_calculated: tuple[dict[str, Any], ...]
    settings: dict[str, Any]
    fit: dict[str, np.ndarray]
    origin: Origin

    @property
    def n_matched(self) -> int:
        return sum(1 for m in self.matches if m["matched"])

    @property
    def all_matched(self) -> bool:
        return all(m["matched"] for m in self.matches)

    def to_dict(self, *, include_fit: bool = False) -> dict[str, Any]:
        out = super().to_dict()
        if not include_fit:
            out.pop("fit", None)
        out["n_observed_peaks"] = len(self.matches)
        out["n_matched"] = self.n_matched
        return out


@dataclasses.dataclass
class _Model:
    x: np.ndarray
    y: np.ndarray
    sw: np.ndarray  # √w
    basis: np.ndarray  # (n, degree+1) Chebyshev background columns
    lines: list[tuple[np.ndarray, np.ndarray, str, np.ndarray]]  # (2θ, unscaled I without PO, label, family index)
    refl: Reflections
    fwhm: float
    eta: float
    po_direction: np.ndarray | None  # March–Dollase direction, reciprocal-lattice coordinates

    def sticks(self, zero: float, r: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        po = None if self.po_direction is None else self.refl.march_dollase(self.po_direction, r)
        pos, inten, lab, fam = [], [], [], []
        for tt, base, label, family in self.lines:
            pos.append(tt + zero)
            inten.append(base if po is None else base * po[family])
            lab.append(np.full(tt.size, label))
            fam.append(family)
        return np.concatenate(pos), np.concatenate(inten), np.concatenate(lab), np.concatenate(fam)

    def solve(self, zero: float, r: float) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, float]:
        pos, inten, _, _ = self.sticks(zero, r)
        return self.solve_calc(truncated_profile(self.x, pos, inten, self.fwhm, self.eta))

    def solve_calc(self, calc: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, float]:
        """Scale and background for a given unscaled calculated profile on ``x``."""
        design = np.column_stack([calc, self.basis])
        coef, *_ = np.linalg.lstsq(design * self.sw[:, None], self.y * self.sw, rcond=None)
        background = self.basis @ coef[1:]
        model = coef[0] * calc + background
        rwp = math.sqrt(np.sum((self.sw * (self.y - model)) ** 2) / np.sum((self.sw * self.y) ** 2))
        return float(coef[0]), coef[1:], model, background, rwp


def _refine_zero(model: _Model, r: float, zero_range: float) -> float:
    """Grid scan (step FWHM/10) on a finely sampled unshifted profile, then bounded Brent with exact profiles."""
    step = model.fwhm / 10.0
    grid = np.arange(-zero_range, zero_range + step / 2, step)
    fine_step = min(model.fwhm / 25.0, float(np.median(np.diff(model.x))))
    fine = np.arange(model.x[0] - zero_range - fine_step, model.x[-1] + zero_range + 2 * fine_step, fine_step)
    pos, inten, _, _ = model.sticks(0.0, r)
    calc0 = truncated_profile(fine, pos, inten, model.fwhm, model.eta)
    scores = [model.solve_calc(np.interp(model.x - z, fine, calc0))[4] for z in grid]
    best = float(grid[int(np.argmin(scores))])
    lo, hi = max(-zero_range, best - step), min(zero_range, best + step)
    res = minimize_scalar(lambda z: model.solve(z, r)[4], bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-4})
    return float(res.x) if res.fun <= model.solve(best, r)[4] else best


def _refine_r(model: _Model, zero: float, bounds: tuple[float, float]) -> float:
    res = minimize_scalar(lambda r: model.solve(zero, r)[4], bounds=bounds, method="bounded",
                          options={"xatol": 1e-4})
    return float(res.x)


def observed_peaks(x: np.ndarray, net: np.ndarray, threshold: float, fwhm: float) -> tuple[np.ndarray, np.ndarray]:
    """(2θ, net height) of the maxima of ``net`` with height ≥ ``threshold`` × the highest (prominence ≥ half that),
    at least FWHM/2 apart; positions refined by a parabola through the three highest points (degrees 2θ)."""
    top = float(net.max())
    if top <= 0:
        return np.zeros(0), np.zeros(0)
    step = float(np.median(np.diff(x)))
    idx, _ = find_peaks(net, height=threshold * top, prominence=0.5 * threshold * top,
                        distance=max(1, int(round(0.5 * fwhm / step))))
    pos = x[idx].astype(float)
    inner = (idx > 0) & (idx < x.size - 1)
    i = idx[inner]
    y0, y1, y2 = net[i - 1], net[i], net[i + 1]
    denom = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(denom < 0, 0.5 * (y0 - y2) / denom, 0.0)
    pos[inner] = x[i] + np.clip(frac, -1, 1) * (x[i + 1] - x[i - 1]) / 2
    return pos, net[idx]


def compare_pattern(crystal: Crystal, observed: PowderPattern, *, wavelength: float = CU_KA1,
                    kalpha2: tuple[float, float] | None = None, fwhm: float = 0.1, eta: float = 0.5,
                    displacement: str | float = "cif", monochromator_two_theta: float | None = None,
                    scattering: ScatteringFactors = IT92, two_theta_range: tuple[float, float] | None = None,
                    background_degree: int = 8, refine_zero: bool = True, zero_range: float = 0.3,
                    zero_shift: float = 0.0, po_hkl: tuple[int, int, int] | None = None,
                    po_uvw: tuple[float, float, float] | None = None, po_r: float = 1.0,
                    refine_po: bool = False, po_bounds: tuple[float, float] = (0.3, 3.0),
                    peak_threshold: float = 0.10, match_tolerance: float = 0.10,
                    min_calc_fraction: float = 0.01) -> PxrdComparison:
    """Fit scale, background (and optionally zero shift and March–Dollase r) and match the peaks.

    ``two_theta_range`` restricts the compared region (default: the whole measured pattern). ``zero_shift`` is
    the starting / fixed zero shift (degrees; observed = calculated + shift). ``po_hkl`` (reciprocal) or
    ``po_uvw`` (real-space needle axis, converted with the metric tensor) is the March–Dollase direction.
    """
    if not 0 < peak_threshold < 1:
        raise InputError(f"peak threshold must be between 0 and 1 (got {peak_threshold:g})", fix="give e.g. 0.1")
    if not match_tolerance > 0:
        raise InputError("match tolerance must be > 0°", fix="give e.g. 0.1")
    if not 0 <= background_degree <= 20:
        raise InputError(f"background degree {background_degree} outside 0–20", fix="give e.g. 8")
    if po_hkl is not None and po_uvw is not None:
        raise InputError("two preferred-orientation directions", fix="give --po-hkl or --po-uvw, not both")
    if refine_po and po_hkl is None and po_uvw is None:
        raise InputError("refining March–Dollase r needs a direction", fix="give --po-hkl H,K,L or --po-uvw U,V,W")
    po_direction = (reciprocal_direction_of_axis(crystal.cell, po_uvw) if po_uvw is not None
                    else None if po_hkl is None else np.asarray(po_hkl, dtype=float))
    x, y, sigma = observed.two_theta, observed.intensity, observed.sigma
    if two_theta_range is not None:
        lo, hi = two_theta_range
        sel = (x >= lo) & (x <= hi)
        if sel.sum() < 10:
            raise InputError(f"fewer than 10 measured points in {lo:g}–{hi:g}° 2θ", fix="widen the range")
        x, y, sigma = x[sel], y[sel], sigma[sel]
    w = np.where(sigma > 0, 1.0 / np.maximum(sigma, 1e-300) ** 2, 0.0)
    lines_lambda = [(wavelength, 1.0, "Ka1")] + ([(kalpha2[0], kalpha2[1], "Ka2")] if kalpha2 else [])
    tt_top = min(179.0, float(x[-1]) + 2.0 + zero_range)
    d_min = min(lam / (2 * math.sin(math.radians(tt_top) / 2)) for lam, _, _ in lines_lambda)
    refl = compute_reflections(crystal, d_min, scattering=scattering, displacement=displacement)
    lines = []
    for lam, ratio, label in lines_lambda:
        tt, inten = stick_intensities(refl, lam, monochromator_two_theta=monochromator_two_theta)
        ok = np.isfinite(tt) & (inten > 0)
        lines.append((tt[ok], ratio * inten[ok], label, np.flatnonzero(ok)))
    t = (2 * x - (x[0] + x[-1])) / (x[-1] - x[0])
    basis = chebyshev.chebvander(t, background_degree)
    model = _Model(x, y, np.sqrt(w), basis, lines, refl, fwhm, eta, po_direction)
    _check_profile_pairs(x, model.sticks(0.0, 1.0)[0], fwhm)

    zero, r = float(zero_shift), float(po_r)
    if refine_zero:
        zero = _refine_zero(model, r, zero_range)
    if refine_po:
        r = _refine_r(model, zero, po_bounds)
        if refine_zero:
            zero = _refine_zero(model, r, zero_range)
            r = _refine_r(model, zero, po_bounds)
    scale, bg_coef, fitted, background, rwp = model.solve(zero, r)
    n_par = 1 + basis.shape[1] + int(refine_zero) + int(refine_po)
    sw_y = np.sqrt(np.sum(w * y * y))
    rexp = math.sqrt(max(x.size - n_par, 1)) / float(sw_y)
    rp = float(np.sum(np.abs(y - fitted)) / np.sum(np.abs(y)))

    # calculated lines with their fitted peak heights (for matching)
    pos, inten, labels, families = model.sticks(zero, r)
    heights = scale * inten * pseudo_voigt(np.zeros(1), fwhm, eta)[0]
    in_range = (pos >= x[0]) & (pos <= x[-1])
    strong = in_range & (heights >= min_calc_fraction * heights[in_range].max()) if in_range.any() else in_range
    cand_pos, cand_fam, cand_lab, cand_h = pos[strong], families[strong], labels[strong], heights[strong]
    order = np.argsort(cand_pos)
    cand_pos, cand_fam, cand_lab, cand_h = cand_pos[order], cand_fam[order], cand_lab[order], cand_h[order]

    net = y - background
    obs_pos, obs_h = observed_peaks(x, net, peak_threshold, fwhm)
    matches = []
    h_max = float(cand_h.max()) if cand_h.size else 1.0
    for p, h in sorted(zip(obs_pos, obs_h, strict=True), key=lambda item: -item[1]):
        row: dict[str, Any] = {"two_theta_obs": float(p), "net_height_obs": float(h),
                               "relative_height_obs": float(h / obs_h.max())}
        if cand_pos.size:
            dist = np.abs(cand_pos - p)
            near = np.flatnonzero(dist <= match_tolerance)
            if near.size:  # the line contributing most to the calculated profile at p
                contrib = cand_h[near] * pseudo_voigt(p - cand_pos[near], fwhm, eta)
                j = int(near[np.argmax(contrib)])
            else:
                j = int(np.argmin(dist))
            hkl = refl.hkl[cand_fam[j]]
            row.update({"h": int(hkl[0]), "k": int(hkl[1]), "l": int(hkl[2]), "line": str(cand_lab[j]),
                        "two_theta_calc": float(cand_pos[j]), "delta": float(p - cand_pos[j]),
                        "relative_height_calc": float(cand_h[j] / h_max),
                        "matched": bool(abs(p - cand_pos[j]) <= match_tolerance)})
        else:
            row["matched"] = False
        matches.append(row)
    unmatched = []
    calc_strong = cand_h >= peak_threshold * h_max
    for j in np.flatnonzero(calc_strong):
        if obs_pos.size == 0 or np.min(np.abs(obs_pos - cand_pos[j])) > match_tolerance:
            hkl = refl.hkl[cand_fam[j]]
            unmatched.append({"h": int(hkl[0]), "k": int(hkl[1]), "l": int(hkl[2]), "line": str(cand_lab[j]),
                              "two_theta_calc": float(cand_pos[j]), "relative_height_calc": float(cand_h[j] / h_max)})

    settings = {"wavelength": wavelength, "kalpha2": kalpha2, "fwhm": fwhm, "eta": eta, "displacement": displacement,
                "monochromator_two_theta": monochromator_two_theta, "scattering_factors": refl.scattering,
                "weights": observed.sigma_source, "background": f"Chebyshev, degree {background_degree}",
                "zero_range": zero_range if refine_zero else None, "po_bounds": po_bounds if refine_po else None,
                "min_calc_fraction": min_calc_fraction, "profile_truncation_fwhm": PROFILE_HALF_WIDTH_FWHM}
    origin = computed_from(crystal.origin, observed.origin,
                           method="PXRD comparison (scale + Chebyshev background by weighted least squares, Rwp, "
                                  "peak matching)")
    return PxrdComparison(
        rwp=100 * rwp, rp=100 * rp, rexp=100 * rexp, scale=scale, zero_shift=zero, zero_refined=refine_zero,
        po_hkl=None if po_hkl is None else tuple(int(v) for v in po_hkl),
        po_uvw=None if po_uvw is None else tuple(float(v) for v in po_uvw), po_r=r, po_refined=refine_po,
        background_degree=background_degree, background_coefficients=tuple(float(c) for c in bg_coef),
        two_theta_range=(float(x[0]), float(x[-1])), n_points=int(x.size), peak_threshold=peak_threshold,
        match_tolerance=match_tolerance, matches=tuple(matches), unmatched_calculated=tuple(unmatched),
        settings=to_jsonable(settings), fit={"two_theta": x, "observed": y, "calculated": fitted,
                                             "background": background}, origin=origin)
