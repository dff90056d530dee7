"""Forward models for the optical data: UV-vis of the dissolved cluster (Fig. 3) and diffuse reflectance of the
solid (Fig. S19). Both are RECONSTRUCTED from reported values plus the stated assumptions; nothing here is measured.

- ``uvvis_solution``: two Gaussian bands in photon energy at the reported maxima (310 and 365 nm, both forms) on a
  small baseline linear in energy, plus white noise. Widths and relative heights are assumptions.
- ``drs``: an absorption edge of Tauc form at the reported band gap, with an Urbach tail below it and a sub-gap
  background, turned into diffuse reflectance by inverting the Kubelka–Munk function, plus white noise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ti10cu2_lib.analysis.tauc import TAUC_EXPONENT_N, Transition
from ti10cu2_lib.analysis.uvvis import gaussian_bands
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM
from ti10cu2_lib.data.registry import Registry

# UV-vis in CHCl3 (assumptions: the article gives only the two maxima)
UVVIS_RANGE_NM = (250.0, 600.0)  # CHCl3 absorbs below ≈ 245 nm
UVVIS_STEP_NM = 1.0
UVVIS_FWHM_EV = (0.45, 0.45)  # bands at 310 nm, 365 nm
UVVIS_HEIGHTS = (1.0, 0.6)  # absorbance at the band centres (before baseline)
UVVIS_BASELINE = (0.02, 0.01)  # absorbance = a + b·(E − 2 eV), E in eV
UVVIS_NOISE = 0.003  # 1σ absorbance

# Diffuse reflectance of the solid (assumptions: the article gives only the band gap and the range)
DRS_STEP_NM = 1.0
DRS_TRANSITION: Transition = "direct"
DRS_URBACH_EV = 0.06  # Urbach energy of the tail below the gap
DRS_LINEAR_RANGE_EV = 0.5  # the Tauc ordinate is linear from the gap to gap + this
DRS_LEVELLING_EV = 0.3  # above that it levels off exponentially with this energy scale
DRS_EDGE_TOP_F = 3.0  # Kubelka–Munk F at the top of the linear Tauc range
DRS_SUBGAP_F = 0.03  # sub-gap background F(R) (defects, scattering losses), constant in energy
DRS_NOISE = 0.002  # 1σ absolute reflectance (fraction)


def simulate_uvvis_solution(wavelength_nm: np.ndarray, centers_nm: Sequence[float], fwhm_eV: Sequence[float],
                            heights: Sequence[float], *, baseline: tuple[float, float], noise: float,
                            rng: np.random.Generator) -> pd.DataFrame:
    """Absorbance = Σ Gaussian bands in photon energy + (a + b·(E − 2 eV)) + N(0, noise²).

    Columns ``wavelength_nm``, ``absorbance``. Absorbance is evaluated point by point (no Jacobian: it is not a
    spectral density).
    """
    energy = HC_EV_NM / np.asarray(wavelength_nm, dtype=float)
    centers_eV = HC_EV_NM / np.asarray(centers_nm, dtype=float)
    absorbance = gaussian_bands(energy, centers_eV, fwhm_eV, heights) + baseline[0] + baseline[1] * (energy - 2.0)
    absorbance = absorbance + noise * rng.standard_normal(energy.size)
    return pd.DataFrame({"wavelength_nm": np.asarray(wavelength_nm, dtype=float), "absorbance": absorbance})


def tauc_edge_F(energy_eV: np.ndarray, band_gap_eV: float, *, transition: Transition, urbach_eV: float,
                linear_range_eV: float, levelling_eV: float, edge_top_F: float) -> np.ndarray:
    """Kubelka–Munk F of an absorption edge whose Tauc ordinate (F·hν)^(1/n) is exactly linear above the gap.

    With u = (F·E)^(1/n) (n = 1/2 direct, 2 indirect): u = B·(E − Eg) from E0 = Eg + n·E_U to Eg + W, then
    u levels off as B·(W + L·(1 − exp(−(E − Eg − W)/L))). Below E0, F·E is an Urbach tail
    ∝ exp((E − E0)/E_U), joined to the Tauc branch with equal value and slope (which fixes E0 = Eg + n·E_U).
    B is set by ``edge_top_F``, the F value at E = Eg + W. The extrapolation of the linear branch to u = 0 is Eg.
    """
    energy = np.asarray(energy_eV, dtype=float)
    n = TAUC_EXPONENT_N[transition]
    top = band_gap_eV + linear_range_eV
    slope = (edge_top_F * top) ** (1.0 / n) / linear_range_eV
    join = band_gap_eV + n * urbach_eV
    excess = np.clip(energy - band_gap_eV, 0.0, None)
    above_top = np.clip(energy - top, 0.0, None)
    u = slope * np.where(energy <= top, excess,
                         linear_range_eV + levelling_eV * (1.0 - np.exp(-above_top / levelling_eV)))
    tail = (slope * n * urbach_eV) ** n * np.exp(np.minimum(energy - join, 0.0) / urbach_eV)
    return np.where(energy >= join, u**n, tail) / energy


def reflectance_from_kubelka_munk(F: np.ndarray) -> np.ndarray:
    """Inverse of F(R) = (1 − R)²/(2R): R = 1 + F − √(F² + 2F) (R as a fraction)."""
    F = np.asarray(F, dtype=float)
    return 1.0 + F - np.sqrt(F * F + 2.0 * F)


def simulate_drs(wavelength_nm: np.ndarray, band_gap_eV: float, *, transition: Transition = DRS_TRANSITION,
                 urbach_eV: float = DRS_URBACH_EV, linear_range_eV: float = DRS_LINEAR_RANGE_EV,
                 levelling_eV: float = DRS_LEVELLING_EV, edge_top_F: float = DRS_EDGE_TOP_F,
                 subgap_F: float = DRS_SUBGAP_F, noise: float = DRS_NOISE,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Diffuse reflectance (fraction) of a powder with the edge of :func:`tauc_edge_F` plus a constant sub-gap F.

    Absorptions add in F(R) (F ∝ K/S with wavelength-independent scattering S). R gets white noise of σ = ``noise``
    and is kept inside (0, 1]. Columns ``wavelength_nm``, ``reflectance``.
    """
    wavelength = np.asarray(wavelength_nm, dtype=float)
    energy = HC_EV_NM / wavelength
    F = subgap_F + tauc_edge_F(energy, band_gap_eV, transition=transition, urbach_eV=urbach_eV,
                               linear_range_eV=linear_range_eV, levelling_eV=levelling_eV, edge_top_F=edge_top_F)
    reflectance = reflectance_from_kubelka_munk(F) + noise * rng.standard_normal(energy.size)
    return pd.DataFrame({"wavelength_nm": wavelength, "reflectance": np.clip(reflectance, 1e-4, 1.0)})


def _uvvis_solution(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    centers = (registry.value("uvvis_band_1", form), registry.value("uvvis_band_2", form))
    wavelength = np.arange(UVVIS_RANGE_NM[0], UVVIS_RANGE_NM[1] + UVVIS_STEP_NM / 2, UVVIS_STEP_NM)
    frame = simulate_uvvis_solution(wavelength, centers, UVVIS_FWHM_EV, UVVIS_HEIGHTS, baseline=UVVIS_BASELINE,
                                    noise=UVVIS_NOISE, rng=rng)
    source = (f"reconstructed: two Gaussian bands in photon energy at the reported maxima {centers[0]:g} and "
              f"{centers[1]:g} nm (article Fig. 3, same for sp and cs) on a small sloping baseline, with noise")
    assumptions = (
        "The article gives only the two band maxima in CHCl3 (310 and 365 nm, the same for both forms); "
        "band shapes, widths, heights and concentration are not available.",
        f"Each band is a Gaussian in photon energy with FWHM {UVVIS_FWHM_EV[0]:g} eV; heights "
        f"{UVVIS_HEIGHTS[0]:g} (310 nm) and {UVVIS_HEIGHTS[1]:g} (365 nm) absorbance units (assumed, so that both "
        "bands are resolved maxima).",
        f"Baseline linear in energy: {UVVIS_BASELINE[0]:g} + {UVVIS_BASELINE[1]:g}·(E − 2 eV) absorbance.",
        f"White Gaussian noise, σ = {UVVIS_NOISE:g} absorbance; range {UVVIS_RANGE_NM[0]:g}–{UVVIS_RANGE_NM[1]:g} nm "
        f"every {UVVIS_STEP_NM:g} nm (CHCl3 cut-off ≈ 245 nm).",
    )
    return Dataset(kind="uvvis_solution", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"solvent": "CHCl3"}, assumptions=assumptions)


def _drs(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    band_gap = registry.value("band_gap", form)
    lo, hi = registry.get("drs_range", form).value
    wavelength = np.arange(lo, hi + DRS_STEP_NM / 2, DRS_STEP_NM)
    frame = simulate_drs(wavelength, band_gap, rng=rng)
    source = (f"reconstructed: diffuse reflectance {lo:g}–{hi:g} nm of an absorption edge whose Tauc plot "
              f"({DRS_TRANSITION} allowed) extrapolates to the reported band gap {band_gap:g} eV (article Fig. S20), "
              f"with an Urbach tail and a sub-gap background, via the inverse Kubelka–Munk function, with noise")
    n = TAUC_EXPONENT_N[DRS_TRANSITION]
    assumptions = (
        "The article gives only the band gap (Tauc plot, Fig. S20) and the range 200–800 nm (Fig. S19); the spectra "
        "themselves are not available.",
        f"Transition type not stated in the article: {DRS_TRANSITION} allowed assumed (Tauc exponent n = {n:g}, "
        "ordinate (F·hν)^(1/n)).",
        f"The Tauc ordinate is exactly linear, extrapolating to the gap, from the end of the Urbach tail "
        f"(gap + n·E_U = gap + {n * DRS_URBACH_EV:g} eV) to gap + {DRS_LINEAR_RANGE_EV:g} eV, where F(R) = "
        f"{DRS_EDGE_TOP_F:g}, and levels off above it (energy scale {DRS_LEVELLING_EV:g} eV); no higher-energy "
        "bands are modelled.",
        f"Urbach tail below the gap with Urbach energy {DRS_URBACH_EV:g} eV, joined smoothly to the Tauc branch.",
        f"Sub-gap background F(R) = {DRS_SUBGAP_F:g} (constant; R ≈ {reflectance_from_kubelka_munk(DRS_SUBGAP_F):.2f} "
        "below the gap, a bright yellow powder), added to the edge in Kubelka–Munk units (absorptions add).",
        "Reflectance relative to a white standard, as a fraction; optically thick layer (Kubelka–Munk R∞); "
        "scattering independent of wavelength.",
        f"White Gaussian noise, σ = {DRS_NOISE:g} in reflectance; every {DRS_STEP_NM:g} nm.",
    )
    return Dataset(kind="drs", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"transition_assumed": DRS_TRANSITION}, assumptions=assumptions)


RECONSTRUCTORS = {"uvvis_solution": _uvvis_solution, "drs": _drs}
