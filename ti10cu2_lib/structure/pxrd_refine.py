"""Profile refinement of a crystal's calculated powder pattern against a measured one (structure kept fixed).

Model of the measured counts y_i at 2θ_i (weights w_i = 1/σ_i², σ from the reader):

    y_calc(2θ) = s · Σ_λ R_λ Σ_k I_k(λ) Ω(2θ − 2θ_k(λ) − Z; Γ_k, η_k) + Σ_j c_j T_j(t)

* **Lines** 2θ_k(λ) from Bragg's law with d from the refined cell (the crystal system's constraints kept: cubic a;
  tetragonal/hexagonal/trigonal a, c; rhombohedral a, α; orthorhombic a, b, c; monoclinic a, b, c and the one
  angle ≠ 90°; triclinic all six), for λ₁ and, when given, λ₂ with ratio R (Cu Kα2/Kα1 = 0.5 unless the
  instrument file says otherwise). Z is the zero shift (observed = calculated + Z).
* **Intensities** I_k = m|F|² · LP(2θ_k) · P_MD · exp(−16π² ΔU s²): |F|² from :mod:`.pxrd` (structure factors of the
  CIF, computed once at the starting cell), LP the Lorentz–polarisation factor, P_MD March–Dollase preferred
  orientation (optional, r refinable), ΔU an optional overall change of the isotropic displacement (Å²).
* **Profile** Ω: Thompson–Cox–Hastings pseudo-Voigt (J. Appl. Cryst. 20 (1987) 79): Gaussian FWHM²
  Γ_G² = U tan²θ + V tanθ + W (Caglioti, degrees²), Lorentzian FWHM Γ_L = X / cosθ + Y tanθ (degrees), total
  FWHM Γ and mixing η from the TCH polynomials; optional asymmetry (Bérar & Baldinozzi, J. Appl. Cryst. 26
  (1993) 128, first term): Ω·[1 + P_as · 2z exp(−z²) / tanθ], z = (2θ − 2θ_k)/Γ. Each peak is evaluated within
  ±:data:`WINDOW_FWHM` FWHM of its starting position (the Lorentzian tail beyond goes into the background).
* **Background** Chebyshev polynomials T_j of 2θ mapped onto [−1, 1]; s and the c_j are the weighted linear
  least-squares solution for every trial of the non-linear parameters (variable projection).

The non-linear parameters are refined with ``scipy.optimize.least_squares`` (trust-region reflective, bounded) in
two stages (zero, profile and cell first, then everything switched on, peak windows recomputed between them),
after a grid scan of Z. Uncertainties: the square roots of the diagonal of (JᵀWJ)⁻¹ · χ²_ν with J the Jacobian of
all parameters (linear ones included) at the minimum, as Rietveld programs report them; they ignore serial
correlation of the residuals and systematic model errors, so they are lower bounds.

Phase purity: the observed maxima of y − background (``scipy.signal.find_peaks``; net height ≥
``peak_threshold`` × the highest, prominence ≥ half that) are compared with the refined phase's own contribution
at the same angle; a peak of which the phase explains less than ``explained_fraction`` of the net height is
*unexplained* (another phase, or a wrong/incomplete model). A weak extra peak on the flank of a strong line of the
phase can hide below this criterion.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import gemmi
import numpy as np
import scipy.sparse as sp
from numpy.polynomial import chebyshev
from scipy.optimize import least_squares

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
    compute_reflections,
    lorentz_polarisation,
    reciprocal_direction_of_axis,
    window_indices,
)
from ti10cu2_lib.structure.pxrd_compare import MAX_PROFILE_PAIRS, observed_peaks

WINDOW_FWHM = 12.0  # each peak evaluated within ± this many (starting) FWHM
LN2 = math.log(2.0)


# ----------------------------------------------------------------------------------------------------------
# profile function


def tch_widths(two_theta_deg: np.ndarray, u_deg2: float, v_deg2: float, w_deg2: float, x_deg: float,
               y_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Total FWHM Γ (degrees 2θ) and Lorentzian fraction η of the Thompson–Cox–Hastings pseudo-Voigt.

    Example:
        >>> fwhm, eta = tch_widths(np.array([30.0]), 0.0, 0.0, 0.01, 0.0, 0.0)  # pure Gaussian, FWHM 0.1°
        >>> round(float(fwhm[0]), 6), round(float(eta[0]), 6)
        (0.1, 0.0)
    """
    theta = np.radians(np.asarray(two_theta_deg, dtype=float)) / 2.0
    tan = np.tan(theta)
    gauss = np.sqrt(np.maximum(u_deg2 * tan**2 + v_deg2 * tan + w_deg2, 1e-10))
    lorentz = np.maximum(x_deg / np.cos(theta) + y_deg * tan, 0.0)
    total = (gauss**5 + 2.69269 * gauss**4 * lorentz + 2.42843 * gauss**3 * lorentz**2
             + 4.47163 * gauss**2 * lorentz**3 + 0.07842 * gauss * lorentz**4 + lorentz**5) ** 0.2
    q = lorentz / total
    return total, np.clip(1.36603 * q - 0.47719 * q**2 + 0.11116 * q**3, 0.0, 1.0)


# ----------------------------------------------------------------------------------------------------------
# cell constraints


def free_cell_parameters(crystal: Crystal) -> tuple[str, tuple[str, ...]]:
    """(crystal system, names of the independent cell parameters among a, b, c, alpha, beta, gamma).

    Example:
        >>> from ti10cu2_lib.core.paths import reference_data_dir
        >>> from ti10cu2_lib.structure.pxrd import load_crystal
        >>> free_cell_parameters(load_crystal(reference_data_dir() / "pxrd" / "PbSO4-Wyckoff.cif"))
        ('orthorhombic', ('a', 'b', 'c'))
    """
    sg = gemmi.find_spacegroup_by_ops(crystal.ops)
    system = sg.crystal_system_str() if sg is not None else "triclinic"
    a, b, c, alpha, beta, gamma = crystal.cell
    if system == "cubic":
        return system, ("a",)
    if system in ("tetragonal", "hexagonal"):
        return system, ("a", "c")
    if system == "trigonal":
        rhombohedral_axes = abs(gamma - 120.0) > 1e-3 and abs(alpha - 90.0) > 1e-3
        return system, ("a", "alpha") if rhombohedral_axes else ("a", "c")
    if system == "orthorhombic":
        return system, ("a", "b", "c")
    if system == "monoclinic":
        oblique = max((("alpha", alpha), ("beta", beta), ("gamma", gamma)), key=lambda item: abs(item[1] - 90.0))
        return system, ("a", "b", "c", oblique[0])
    return "triclinic", ("a", "b", "c", "alpha", "beta", "gamma")


def constrained_cell(start: tuple[float, ...], free: tuple[str, ...], values: dict[str, float]
                     ) -> tuple[float, float, float, float, float, float]:
    """The full cell (Å, degrees) from the free parameters ``values``; the tied ones follow the crystal system.

    Example (tetragonal: b follows a):
        >>> constrained_cell((4.0, 4.0, 9.0, 90.0, 90.0, 90.0), ("a", "c"), {"a": 4.1, "c": 9.0})
        (4.1, 4.1, 9.0, 90.0, 90.0, 90.0)
    """
    a, b, c, alpha, beta, gamma = start
    a = values.get("a", a)
    c = values.get("c", c)
    b = values["b"] if "b" in free else (a if abs(start[1] - start[0]) < 1e-6 else b)
    if "b" not in free and "c" not in free:  # cubic or rhombohedral axes: a = b = c
        b = c = a
    if "alpha" in free and "beta" not in free and "gamma" not in free and "b" not in free:  # rhombohedral
        alpha = beta = gamma = values["alpha"]
    else:
        alpha, beta, gamma = (values.get("alpha", alpha), values.get("beta", beta), values.get("gamma", gamma))
    return a, b, c, alpha, beta, gamma


# ----------------------------------------------------------------------------------------------------------
# parameters


@dataclasses.dataclass(frozen=True)
class ProfileStart:
    """Starting values of the non-linear parameters (U, V, W in degrees², X, Y and the zero shift in degrees 2θ).

    Defaults: a Gaussian FWHM of 0.1° (W = 0.01 deg²) with a small Lorentzian part, no zero shift, no asymmetry.

    Example:
        >>> ProfileStart(w_deg2=0.02).w_deg2
        0.02
    """

    u_deg2: float = 0.0
    v_deg2: float = 0.0
    w_deg2: float = 0.01
    x_deg: float = 0.02
    y_deg: float = 0.0
    zero_deg: float = 0.0
    asymmetry: float = 0.0
    po_r: float = 1.0


_BOUNDS = {"zero_deg": (-1.0, 1.0), "u_deg2": (0.0, 2.0), "v_deg2": (-2.0, 2.0), "w_deg2": (1e-6, 1.0),
           "x_deg": (0.0, 2.0), "y_deg": (0.0, 2.0), "asymmetry": (-1.0, 1.0), "delta_u_iso_A2": (-0.05, 0.1),
           "po_r": (0.2, 5.0)}
_UNITS = {"zero_deg": "deg 2theta", "u_deg2": "deg^2", "v_deg2": "deg^2", "w_deg2": "deg^2", "x_deg": "deg",
          "y_deg": "deg", "asymmetry": "1", "delta_u_iso_A2": "A^2", "po_r": "1", "a": "A", "b": "A", "c": "A",
          "alpha": "deg", "beta": "deg", "gamma": "deg", "scale": "counts per unit |F|^2 LP"}


@dataclasses.dataclass(frozen=True, eq=False)
class ProfileRefinement(Result):
    """Result of :func:`refine_profile`: Rwp, Rp, Rexp (percent), χ²_ν, parameters with uncertainties, phase purity.

    ``parameters`` maps a name to {value, esd, unit, refined}; ``cell`` is the refined cell (Å, degrees) with
    ``cell_esd``; ``observed_peaks`` lists every observed maximum with the fraction the phase explains.
    """

    rwp: float
    rp: float
    rexp: float
    chi2_reduced: float
    parameters: dict[str, dict[str, Any]]
    crystal_system: str
    cell: tuple[float, ...]
    cell_esd: tuple[float, ...]
    wavelengths: tuple[tuple[float, float], ...]
    background_degree: int
    two_theta_range: tuple[float, float]
    n_points: int
    n_parameters: int
    peak_threshold: float
    explained_fraction: float
    observed_peaks: tuple[dict[str, Any], ...]
    verdict: str
    settings: dict[str, Any]
    fit: dict[str, np.ndarray]
    origin: Origin

    @property
    def unexplained_peaks(self) -> tuple[dict[str, Any], ...]:
        return tuple(p for p in self.observed_peaks if not p["explained"])

    def to_dict(self, *, include_fit: bool = False) -> dict[str, Any]:
        out = super().to_dict()
        if not include_fit:
            out.pop("fit", None)
        out["method"] = "profile refinement (TCH pseudo-Voigt, cell, zero, background; structure fixed)"
        out["unexplained_peaks"] = [dict(p) for p in self.unexplained_peaks]
        out["n_observed_peaks"] = len(self.observed_peaks)
        return out


# ----------------------------------------------------------------------------------------------------------
# the model


@dataclasses.dataclass
class _Model:
    """Everything fixed during a refinement, and the evaluation of y_calc for a vector of non-linear parameters."""

    x: np.ndarray
    y: np.ndarray
    sw: np.ndarray
    basis: np.ndarray
    refl: Reflections
    base_intensity: np.ndarray  # m |F|² per family
    s2_start: np.ndarray  # (sin θ / λ)² = 1 / (4 d²) at the starting cell
    start_cell: tuple[float, ...]
    free_cell: tuple[str, ...]
    lines: tuple[tuple[float, float], ...]  # (λ, ratio)
    monochromator_two_theta: float | None
    po_direction: np.ndarray | None
    names: list[str]
    fixed: dict[str, float]
    windows: tuple[np.ndarray, np.ndarray] | None = None
    yw: np.ndarray = dataclasses.field(init=False)
    q_bg: np.ndarray = dataclasses.field(init=False)
    r_bg: np.ndarray = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.yw = self.sw * self.y
        self.q_bg, self.r_bg = np.linalg.qr(self.sw[:, None] * self.basis)

    def values(self, p: np.ndarray) -> dict[str, float]:
        out = dict(self.fixed)
        out.update(zip(self.names, (float(v) for v in p), strict=True))
        return out

    def sticks(self, v: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(2θ incl. zero shift, intensity, family index) of every line of every wavelength, in that order."""
        cell = constrained_cell(self.start_cell, self.free_cell, v)
        recip = np.array(gemmi.UnitCell(*cell).frac.mat, dtype=float).T
        d = 1.0 / np.linalg.norm(self.refl.hkl @ recip.T, axis=1)
        inten = self.base_intensity * np.exp(-16.0 * math.pi**2 * v.get("delta_u_iso_A2", 0.0) * self.s2_start)
        if self.po_direction is not None:
            inten = inten * self.refl.march_dollase(self.po_direction, v.get("po_r", 1.0))
        pos, height, fam = [], [], []
        for lam, ratio in self.lines:  # a fixed set of lines: those beyond 2θ = 179° are held there (no data)
            tt = np.degrees(2.0 * np.arcsin(np.minimum(lam / (2.0 * d), math.sin(math.radians(89.5)))))
            pos.append(tt + v["zero_deg"])
            height.append(ratio * inten * lorentz_polarisation(tt, self.monochromator_two_theta))
            fam.append(np.arange(d.size))
        return np.concatenate(pos), np.concatenate(height), np.concatenate(fam)

    def set_windows(self, p: np.ndarray) -> None:
        """Fix the (point, line) pairs evaluated: ± WINDOW_FWHM · FWHM around each line at parameters ``p``."""
        v = self.values(p)
        pos, _, _ = self.sticks(v)
        fwhm, _ = tch_widths(pos - v["zero_deg"], v["u_deg2"], v["v_deg2"], v["w_deg2"], v["x_deg"], v["y_deg"])
        reach = WINDOW_FWHM * fwhm + 0.05
        lo = np.searchsorted(self.x, pos - reach, side="left")
        hi = np.searchsorted(self.x, pos + reach, side="right")
        if int((hi - lo).sum()) > MAX_PROFILE_PAIRS:
            raise InputError(f"{pos.size:,} calculated lines need {int((hi - lo).sum()):.2g} profile values per "
                             f"evaluation, more than the {MAX_PROFILE_PAIRS:.2g} a refinement accepts",
                             fix="cut the measured pattern to a narrower 2θ range or start from narrower peaks")
        self.windows = window_indices(lo, hi)

    def line_quantities(self, v: dict[str, float]) -> np.ndarray:
        """(6, lines): position (incl. zero), FWHM Γ, η, height, cot θ and the asymmetry P of every line."""
        pos, height, _ = self.sticks(v)
        true_two_theta = pos - v["zero_deg"]
        fwhm, eta = tch_widths(true_two_theta, v["u_deg2"], v["v_deg2"], v["w_deg2"], v["x_deg"], v["y_deg"])
        cot = 1.0 / np.tan(np.radians(true_two_theta) / 2.0)
        return np.vstack([pos, fwhm, eta, height, cot, np.full(pos.size, v.get("asymmetry", 0.0))])

    def _pairs(self, q: np.ndarray, derivatives: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        """Profile value of every (point, line) pair and, if asked, its partial derivatives by the 6 line
        quantities of :meth:`line_quantities` (pseudo-Voigt Ω times asymmetry A = 1 + P cot θ · 2u e^(−u²))."""
        rows, cols = self.windows
        pos, fwhm, eta, height, cot, asym = (row[cols] for row in q)
        u = (self.x[rows] - pos) / fwhm
        u2 = u * u
        lor_shape = 1.0 / (1.0 + 4.0 * u2)
        gauss = (2.0 * math.sqrt(LN2 / math.pi)) / fwhm * np.exp(-4.0 * LN2 * u2)
        lorentz = (2.0 / math.pi) / fwhm * lor_shape
        omega = eta * lorentz + (1.0 - eta) * gauss
        bump = 2.0 * u * np.exp(-u2)
        factor = np.maximum(1.0 + asym * cot * bump, 0.0)
        value = height * omega * factor
        if not derivatives:
            return value, []
        d_omega_du = -8.0 * u * (eta * lorentz * lor_shape + (1.0 - eta) * LN2 * gauss)
        d_factor_du = asym * cot * 2.0 * (1.0 - 2.0 * u2) * np.exp(-u2)
        d_du = height * (d_omega_du * factor + omega * d_factor_du)  # ∂value/∂u
        return value, [d_du * (-1.0 / fwhm),  # ∂/∂pos (u = (x − pos)/Γ)
                       -value / fwhm - d_du * u / fwhm,  # ∂/∂Γ
                       height * factor * (lorentz - gauss),  # ∂/∂η
                       omega * factor,  # ∂/∂height
                       height * omega * asym * bump,  # ∂/∂cot θ
                       height * omega * cot * bump]  # ∂/∂P

    def phase_profile(self, p: np.ndarray) -> np.ndarray:
        """Unscaled calculated phase profile on ``x`` (no background)."""
        value, _ = self._pairs(self.line_quantities(self.values(p)), derivatives=False)
        return np.bincount(self.windows[0], weights=value, minlength=self.x.size)

    def profile_and_derivatives(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(phase profile, its derivatives by the non-linear parameters (points × parameters)).

        Per-pair derivatives are analytic; the derivatives of the per-line quantities (position, width, η, height)
        by the parameters are central differences (cheap: one value per line).
        """
        v = self.values(p)
        q = self.line_quantities(v)
        value, partials = self._pairs(q, derivatives=True)
        dq = np.empty((q.shape[0], q.shape[1], len(self.names)))
        for j, name in enumerate(self.names):
            step = 1e-6 * max(abs(v[name]), 1e-2)
            up, down = dict(v), dict(v)
            up[name] += step
            down[name] -= step
            dq[:, :, j] = (self.line_quantities(up) - self.line_quantities(down)) / (2.0 * step)
        rows, cols = self.windows
        indptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=q.shape[1]))])
        deriv = np.zeros((self.x.size, len(self.names)))
        for partial, d_line in zip(partials, dq, strict=True):
            deriv += sp.csc_matrix((partial, rows, indptr), shape=(self.x.size, q.shape[1])) @ d_line
        return np.bincount(rows, weights=value, minlength=self.x.size), deriv

    def linear(self, calc: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(scale, background coefficients, weighted residual) for an unscaled phase profile ``calc``.

        Variable projection: the weighted background columns are orthonormalised once (``q_bg``); the scale is
        the regression of the projected data on the projected profile.
        """
        a = self.sw * calc
        a_perp = a - self.q_bg @ (self.q_bg.T @ a)
        y_perp = self.yw - self.q_bg @ (self.q_bg.T @ self.yw)
        scale = float(a_perp @ y_perp / (a_perp @ a_perp)) if np.any(a_perp) else 0.0
        background = np.linalg.solve(self.r_bg, self.q_bg.T @ (self.yw - scale * a))
        return scale, background, y_perp - scale * a_perp

    def residual(self, p: np.ndarray) -> np.ndarray:
        return self.linear(self.phase_profile(p))[2]

    def jacobian(self, p: np.ndarray) -> np.ndarray:
        """Kaufman's variable-projection Jacobian: −scale · (derivatives with the linear columns projected out)."""
        calc, deriv = self.profile_and_derivatives(p)
        scale, _, _ = self.linear(calc)
        a = self.sw * calc
        a_perp = a - self.q_bg @ (self.q_bg.T @ a)
        unit = a_perp / max(float(np.linalg.norm(a_perp)), 1e-300)
        d = self.sw[:, None] * deriv
        d -= self.q_bg @ (self.q_bg.T @ d)
        d -= np.outer(unit, unit @ d)
        return -scale * d


def _build_model(crystal: Crystal, x: np.ndarray, y: np.ndarray, sw: np.ndarray, *, wavelength: float,
                 kalpha2: tuple[float, float] | None, monochromator_two_theta: float | None,
                 displacement: str | float, scattering: ScatteringFactors, background_degree: int,
                 po_hkl: tuple[int, int, int] | None, po_uvw: tuple[float, float, float] | None) -> _Model:
    """The fixed part of a refinement: reflections (|F|² at the CIF's cell) for the 2θ range of ``x``, lines, basis."""
    lines = ((wavelength, 1.0), (kalpha2[0], kalpha2[1])) if kalpha2 and kalpha2[1] > 0 else ((wavelength, 1.0),)
    tt_top = min(179.0, float(x[-1]) + 3.0)
    d_min = min(lam for lam, _ in lines) / (2.0 * math.sin(math.radians(tt_top) / 2.0)) * 0.98
    refl = compute_reflections(crystal, d_min, scattering=scattering, displacement=displacement)
    if refl.d.size == 0:
        raise InputError("no reflections in the measured 2θ range", path=crystal.source, fix="check the cell")
    po_direction = (None if po_hkl is None and po_uvw is None
                    else np.asarray(po_hkl, dtype=float) if po_hkl is not None
                    else reciprocal_direction_of_axis(crystal.cell, po_uvw))
    t = (2 * x - (x[0] + x[-1])) / (x[-1] - x[0])
    return _Model(x=x, y=y, sw=sw, basis=chebyshev.chebvander(t, background_degree), refl=refl,
                  base_intensity=refl.multiplicity * refl.f_squared, s2_start=1.0 / (4.0 * refl.d**2),
                  start_cell=crystal.cell, free_cell=free_cell_parameters(crystal)[1], lines=lines,
                  monochromator_two_theta=monochromator_two_theta, po_direction=po_direction, names=[], fixed={})


def calculated_profile(crystal: Crystal, two_theta: np.ndarray, values: dict[str, float], *,
                       wavelength: float = CU_KA1, kalpha2: tuple[float, float] | None = None,
                       monochromator_two_theta: float | None = None, displacement: str | float = "cif",
                       scattering: ScatteringFactors = IT92, po_hkl: tuple[int, int, int] | None = None,
                       po_uvw: tuple[float, float, float] | None = None) -> np.ndarray:
    """The forward model of :func:`refine_profile`: unscaled phase profile (no background) at ``two_theta``
    (degrees, ascending) for the parameter ``values`` (names as in :attr:`ProfileRefinement.parameters`; missing
    profile parameters at the :class:`ProfileStart` defaults, missing cell parameters at the CIF's).

    Example:
        >>> from ti10cu2_lib.core.paths import reference_data_dir
        >>> from ti10cu2_lib.structure.pxrd import load_crystal
        >>> crystal = load_crystal(reference_data_dir() / "pxrd" / "PbSO4-Wyckoff.cif")
        >>> grid = np.arange(20.0, 21.5, 0.01)
        >>> profile = calculated_profile(crystal, grid, {"w_deg2": 0.01, "x_deg": 0.0})
        >>> round(float(grid[np.argmax(profile)]), 2)  # (0 1 1): d = 4.265 Å, 2θ = 20.81° by hand
        20.81
    """
    x = np.asarray(two_theta, dtype=float)
    model = _build_model(crystal, x, np.zeros_like(x), np.ones_like(x), wavelength=wavelength, kalpha2=kalpha2,
                         monochromator_two_theta=monochromator_two_theta, displacement=displacement,
                         scattering=scattering, background_degree=0, po_hkl=po_hkl, po_uvw=po_uvw)
    defaults = dataclasses.asdict(ProfileStart())
    cell = dict(zip(("a", "b", "c", "alpha", "beta", "gamma"), crystal.cell, strict=True))
    model.fixed = {**defaults, "delta_u_iso_A2": 0.0, **cell, **values}
    model.set_windows(np.zeros(0))
    return model.phase_profile(np.zeros(0))


def refine_profile(crystal: Crystal, observed: PowderPattern, *, wavelength: float = CU_KA1,
                   kalpha2: tuple[float, float] | None = None, monochromator_two_theta: float | None = None,
                   displacement: str | float = "cif", scattering: ScatteringFactors = IT92,
                   start: ProfileStart | None = None, two_theta_range: tuple[float, float] | None = None,
                   background_degree: int = 12, refine_cell: bool = True, refine_asymmetry: bool = True,
                   refine_displacement: bool = True, po_hkl: tuple[int, int, int] | None = None,
                   po_uvw: tuple[float, float, float] | None = None, refine_po: bool = False,
                   peak_threshold: float = 0.02, explained_fraction: float = 0.5) -> ProfileRefinement:
    """Refine profile, zero shift, cell (and optionally asymmetry, overall ΔU, March–Dollase r) of ``crystal``
    against ``observed``; report Rwp and the observed peaks the phase does not explain.

    ``kalpha2`` = (λ₂ in Å, ratio) adds the second line; ``po_hkl`` (reciprocal) or ``po_uvw`` (real-space needle
    axis) gives the March–Dollase direction. Angles in degrees 2θ.

    Example (a noiseless pattern made with a zero shift of 0.02° and a 0.2 % longer a axis):
        >>> from ti10cu2_lib.core.paths import reference_data_dir
        >>> from ti10cu2_lib.structure.pxrd import load_crystal
        >>> crystal = load_crystal(reference_data_dir() / "pxrd" / "PbSO4-Wyckoff.cif")
        >>> x = np.arange(15.0, 45.0, 0.02)
        >>> truth = {"zero_deg": 0.02, "w_deg2": 0.008, "a": 8.48 * 1.002}
        >>> y = 100.0 + 1e4 * calculated_profile(crystal, x, truth) / 3e5
        >>> from ti10cu2_lib.core.provenance import Origin, Provenance
        >>> origin = Origin(Provenance.COMPUTED, "doctest")
        >>> measured = PowderPattern(x, y, np.sqrt(y), "Poisson", origin)
        >>> fit = refine_profile(crystal, measured, background_degree=2, refine_asymmetry=False)
        >>> round(fit.parameters["zero_deg"]["value"], 3), round(fit.cell[0], 3), fit.rwp < 0.1
        (0.02, 8.497, True)
    """
    start = start or ProfileStart()
    if not 0 <= background_degree <= 30:
        raise InputError(f"background degree {background_degree} outside 0–30", fix="give e.g. 12")
    if not 0 < peak_threshold < 1 or not 0 < explained_fraction < 1:
        raise InputError("peak threshold and explained fraction must lie between 0 and 1", fix="give e.g. 0.02, 0.5")
    if po_hkl is not None and po_uvw is not None:
        raise InputError("give one preferred-orientation direction", fix="use --po-hkl or --po-uvw, not both")
    if refine_po and po_hkl is None and po_uvw is None:
        raise InputError("refining March–Dollase r needs a direction", fix="give --po-hkl H,K,L or --po-uvw U,V,W")
    x, y, sigma = observed.two_theta, observed.intensity, observed.sigma
    if two_theta_range is not None:
        sel = (x >= two_theta_range[0]) & (x <= two_theta_range[1])
        if sel.sum() < 10 * (background_degree + 10):
            raise InputError(f"too few measured points in {two_theta_range[0]:g}–{two_theta_range[1]:g}° 2θ",
                             fix="widen the range")
        x, y, sigma = x[sel], y[sel], sigma[sel]
    sw = np.where(sigma > 0, 1.0 / np.maximum(sigma, 1e-300), 0.0)
    model = _build_model(crystal, x, y, sw, wavelength=wavelength, kalpha2=kalpha2,
                         monochromator_two_theta=monochromator_two_theta, displacement=displacement,
                         scattering=scattering, background_degree=background_degree, po_hkl=po_hkl, po_uvw=po_uvw)
    lines, refl, po_direction = model.lines, model.refl, model.po_direction
    system, free_cell = free_cell_parameters(crystal)
    cell_start = dict(zip(("a", "b", "c", "alpha", "beta", "gamma"), crystal.cell, strict=True))
    first = ["zero_deg", "u_deg2", "v_deg2", "w_deg2", "x_deg", "y_deg"]
    later = ([name for name in free_cell] if refine_cell else []) + (["asymmetry"] if refine_asymmetry else []) \
        + (["delta_u_iso_A2"] if refine_displacement else []) + (["po_r"] if refine_po else [])
    current = {"zero_deg": start.zero_deg, "u_deg2": start.u_deg2, "v_deg2": start.v_deg2, "w_deg2": start.w_deg2,
               "x_deg": start.x_deg, "y_deg": start.y_deg, "asymmetry": start.asymmetry, "delta_u_iso_A2": 0.0,
               "po_r": start.po_r, **{name: cell_start[name] for name in free_cell}}

    # stage 0: grid scan of the zero shift (step 0.01°) with the starting profile;
    # stage 1: zero + profile; stage 2: + cell, asymmetry, ΔU, r (peak windows recomputed before each stage)
    for stage, names in enumerate((["zero_deg"], first, first + later)):
        model.names = names
        model.fixed = {k: v for k, v in current.items() if k not in names}
        p = np.array([current[n] for n in names], dtype=float)
        model.set_windows(p)
        if stage == 0:
            zeros = np.arange(-0.3, 0.3001, 0.01) + start.zero_deg
            p = zeros[[int(np.argmin([np.sum(model.residual(np.array([z])) ** 2) for z in zeros]))]]
        else:
            lo, hi = np.array([_bounds(n, cell_start) for n in names]).T
            fit = least_squares(model.residual, np.clip(p, lo, hi), jac=model.jacobian, bounds=(lo, hi),
                                x_scale="jac", method="trf",
                                xtol=1e-8, ftol=1e-7, max_nfev=30 * len(p))
            p = fit.x
        current.update(zip(names, (float(v) for v in p), strict=True))
    model.set_windows(p)
    calc, deriv = model.profile_and_derivatives(p)
    scale, bg_coef, res = model.linear(calc)
    n_par = len(p) + 1 + bg_coef.size
    chi2_reduced = float(np.sum(res**2)) / max(x.size - n_par, 1)
    esd = _standard_uncertainties(np.column_stack([scale * deriv, calc, model.basis]) * sw[:, None], chi2_reduced)
    values = model.values(p)
    parameters: dict[str, dict[str, Any]] = {}
    for j, name in enumerate(model.names):
        parameters[name] = {"value": float(p[j]), "esd": float(esd[j]), "unit": _UNITS[name], "refined": True}
    for name in ("zero_deg", "u_deg2", "v_deg2", "w_deg2", "x_deg", "y_deg", "asymmetry", "delta_u_iso_A2", "po_r"):
        if name not in parameters and (name != "po_r" or po_direction is not None):
            parameters[name] = {"value": values[name], "esd": None, "unit": _UNITS[name], "refined": False}
    parameters["scale"] = {"value": scale, "esd": float(esd[len(p)]), "unit": _UNITS["scale"],
                           "refined": True}
    cell = constrained_cell(crystal.cell, free_cell, values)
    cell_esd = _cell_esd(free_cell, parameters)

    background = model.basis @ bg_coef
    phase = scale * calc
    fitted = phase + background
    rwp = math.sqrt(np.sum(res**2) / np.sum((sw * y) ** 2))
    rexp = math.sqrt(max(x.size - n_par, 1) / np.sum((sw * y) ** 2))
    rp = float(np.sum(np.abs(y - fitted)) / np.sum(np.abs(y)))
    peaks = _judge_peaks(model, p, x, y - background, phase, peak_threshold, explained_fraction)
    n_bad = sum(1 for q in peaks if not q["explained"])
    rule = (f"observed maxima with net height >= {100 * peak_threshold:g} % of the highest; unexplained when the "
            f"refined phase accounts for < {100 * explained_fraction:g} % of the net height")
    verdict = (f"no unexplained peaks: consistent with a single phase at this detection level ({rule})" if n_bad == 0
               else f"{n_bad} unexplained peak(s): another phase or an incomplete model ({rule})")
    settings = {"wavelengths": [list(line) for line in lines], "monochromator_two_theta": monochromator_two_theta,
                "displacement": displacement, "scattering_factors": refl.scattering,
                "weights": observed.sigma_source, "background": f"Chebyshev, degree {background_degree}",
                "profile": "Thompson-Cox-Hastings pseudo-Voigt: FWHM_G^2 = U tan^2 th + V tan th + W, "
                           "FWHM_L = X / cos th + Y tan th (degrees 2theta)",
                "asymmetry": "Berar-Baldinozzi first term P/tan th" if refine_asymmetry else "none",
                "window_fwhm": WINDOW_FWHM, "structure_factors": "fixed at the CIF's cell and coordinates",
                "po_hkl": po_hkl, "po_uvw": po_uvw,
                "po_direction_reciprocal": None if po_direction is None else po_direction.tolist(),
                "uncertainties": "sqrt(diag((J^T W J)^-1) * chi2_reduced); lower bounds (serial correlation "
                                 "and model errors ignored)"}
    origin = computed_from(crystal.origin, observed.origin,
                           method="PXRD profile refinement (TCH pseudo-Voigt, zero, cell, Chebyshev background; "
                                  "scipy.optimize.least_squares)")
    return ProfileRefinement(
        rwp=100 * rwp, rp=100 * rp, rexp=100 * rexp, chi2_reduced=chi2_reduced, parameters=parameters,
        crystal_system=system, cell=tuple(float(v) for v in cell), cell_esd=cell_esd, wavelengths=lines,
        background_degree=background_degree, two_theta_range=(float(x[0]), float(x[-1])), n_points=int(x.size),
        n_parameters=n_par, peak_threshold=peak_threshold, explained_fraction=explained_fraction,
        observed_peaks=tuple(peaks), verdict=verdict, settings=to_jsonable(settings),
        fit={"two_theta": x, "observed": y, "calculated": fitted, "background": background}, origin=origin)


def _standard_uncertainties(jac: np.ndarray, chi2_reduced: float) -> np.ndarray:
    """√diag((JᵀJ)⁻¹ χ²_ν) for the weighted Jacobian ``jac`` of all parameters (columns normalised first)."""
    norms = np.linalg.norm(jac, axis=0)
    norms[norms == 0] = 1.0
    scaled = jac / norms
    cov = np.linalg.pinv(scaled.T @ scaled) * chi2_reduced
    return np.sqrt(np.clip(np.diag(cov), 0.0, None)) / norms


def _bounds(name: str, cell_start: dict[str, float]) -> tuple[float, float]:
    """Bounds of a refined parameter: :data:`_BOUNDS`; cell lengths ±3 %, angles ±3° of the starting cell."""
    if name in ("a", "b", "c"):
        return cell_start[name] * 0.97, cell_start[name] * 1.03
    if name in ("alpha", "beta", "gamma"):
        return cell_start[name] - 3.0, cell_start[name] + 3.0
    return _BOUNDS[name]


def _cell_esd(free: tuple[str, ...], parameters: dict[str, dict[str, Any]]) -> tuple[float, ...]:
    """Uncertainty of each of a, b, c, α, β, γ: that of the free parameter it equals (0 for a fixed 90°/120°)."""
    def esd(name: str) -> float:
        item = parameters.get(name)
        return float(item["esd"]) if item and item["esd"] is not None else 0.0

    lengths = [esd(n) if n in free else esd("a") for n in ("a", "b", "c")]  # a tied length equals a
    angles = [esd(n) if n in free else (esd("alpha") if "alpha" in free and "beta" not in free
                                          and "b" not in free else 0.0) for n in ("alpha", "beta", "gamma")]
    return tuple(lengths + angles)


def _judge_peaks(model: _Model, p: np.ndarray, x: np.ndarray, net: np.ndarray, phase: np.ndarray, threshold: float,
                 explained_fraction: float) -> list[dict[str, Any]]:
    """Observed maxima of the net pattern, each with the fraction of its net height the refined phase explains."""
    v = model.values(p)
    fwhm, _ = tch_widths(np.array([float(np.median(x))]), v["u_deg2"], v["v_deg2"], v["w_deg2"], v["x_deg"],
                         v["y_deg"])
    positions, heights = observed_peaks(x, net, threshold, float(fwhm[0]))
    pos, _, fam = model.sticks(v)
    rows = []
    top = float(heights.max()) if heights.size else 1.0
    for q, h in sorted(zip(positions, heights, strict=True), key=lambda item: -item[1]):
        explained = float(np.interp(q, x, phase)) / h if h > 0 else 0.0
        nearest = int(np.argmin(np.abs(pos - q))) if pos.size else None
        row: dict[str, Any] = {"two_theta_obs": float(q), "net_height_obs": float(h),
                               "relative_height_obs": float(h / top), "explained_fraction": explained,
                               "explained": bool(explained >= explained_fraction)}
        if nearest is not None:
            hkl = model.refl.hkl[fam[nearest]]
            row.update({"nearest_hkl": [int(i) for i in hkl], "nearest_two_theta_calc": float(pos[nearest])})
        rows.append(row)
    return rows
