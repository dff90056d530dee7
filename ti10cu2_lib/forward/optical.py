"""Forward models for the optical data: UV-vis of the dissolved cluster (Fig. 3) and diffuse reflectance of the
solid (Fig. S19). Both are RECONSTRUCTED from reported values plus the stated assumptions; nothing here is measured.

- ``uvvis_solution``: two Gaussian bands in photon energy on a small baseline linear in energy, plus white noise.
  Widths and relative heights are assumptions. The bands overlap, so the maxima of the sum are not at the
  Gaussian centres: the centres are solved (:mod:`~ti10cu2_lib.forward.anchoring`, noise held fixed) so that the
  maxima our UV-vis analysis finds in the generated spectrum are the reported 310 and 365 nm.
- ``drs``: Kubelka–Munk F(R) as a sum of absorptions (they add in F for wavelength-independent scattering): an
  absorption edge of Tauc form with an Urbach tail, a constant sub-gap background, a weak, broad Cu(II) d–d band in
  the red/near-IR and the two UV bands of the cluster (at the solution maxima 310/365 nm), turned into diffuse
  reflectance by inverting the Kubelka–Munk function, plus white noise. The edge's gap parameter is solved so that
  our Tauc analysis (direct, axis crossing, automatic window) of the generated spectrum returns the reported gap.
  The colour of the model reflectance under D65 (:mod:`~ti10cu2_lib.forward.colour`) is computed, not asserted.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ti10cu2_lib.analysis.tauc import TAUC_EXPONENT_N, Transition, analyse_tauc
from ti10cu2_lib.analysis.uvvis import analyse_uvvis, gaussian_bands
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM
from ti10cu2_lib.data.registry import Registry
from ti10cu2_lib.forward.anchoring import solve_anchor
from ti10cu2_lib.forward.colour import reflectance_colour

# UV-vis in CHCl3 (assumptions: the article gives only the two maxima)
UVVIS_RANGE_NM = (250.0, 600.0)  # CHCl3 absorbs below ≈ 245 nm
UVVIS_STEP_NM = 1.0
UVVIS_FWHM_EV = (0.45, 0.45)  # bands at 310 nm, 365 nm
UVVIS_HEIGHTS = (1.0, 0.6)  # absorbance at the band centres (before baseline)
UVVIS_BASELINE = (0.02, 0.01)  # absorbance = a + b·(E − 2 eV), E in eV
UVVIS_NOISE = 0.003  # 1σ absorbance
UVVIS_ANCHOR_TOLERANCE_NM = 0.05  # the analysed maxima land within this of the reported ones

# Diffuse reflectance of the solid (assumptions: the article gives only the band gap and the range)
DRS_STEP_NM = 1.0
DRS_TRANSITION: Transition = "direct"
DRS_URBACH_EV = 0.06  # Urbach energy of the tail below the gap
DRS_LINEAR_RANGE_EV = 0.5  # the Tauc ordinate is linear from the gap to gap + this
DRS_LEVELLING_EV = 0.3  # above that it levels off exponentially with this energy scale
DRS_EDGE_TOP_F = 3.0  # Kubelka–Munk F at the top of the linear Tauc range
DRS_SUBGAP_F = 0.03  # sub-gap background F(R) (defects, scattering losses), constant in energy
DRS_NOISE = 0.002  # 1σ absolute reflectance (fraction)
# Cu(II) d–d band (Laporte-forbidden, weak, broad; Cu(II) in O-donor sites absorbs at ≈ 600–900 nm)
DRS_DD_CENTER_NM = 750.0
DRS_DD_FWHM_EV = 0.55
DRS_DD_HEIGHT_F = 0.03
# The cluster's UV bands in the solid, at the solution maxima (Fig. 3), on top of the levelled edge
DRS_UV_FWHM_EV = (0.45, 0.45)
DRS_UV_HEIGHTS_F = (0.6, 0.4)
DRS_ANCHOR_TOLERANCE_EV = 5e-4  # the analysed gap lands within this of the reported one


def drs_bands(uv_maxima_nm: Sequence[float]) -> tuple[tuple[float, float, float], ...]:
    """(centre nm, FWHM eV, height in F) of the DRS model's bands: the Cu(II) d–d band and the two UV bands.

    Example:
        >>> [b[0] for b in drs_bands((310.0, 365.0))]
        [750.0, 310.0, 365.0]
    """
    return ((DRS_DD_CENTER_NM, DRS_DD_FWHM_EV, DRS_DD_HEIGHT_F),
            *((float(c), w, h) for c, w, h in zip(uv_maxima_nm, DRS_UV_FWHM_EV, DRS_UV_HEIGHTS_F, strict=True)))


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


def drs_kubelka_munk_F(wavelength_nm: np.ndarray, band_gap_eV: float, *, transition: Transition = DRS_TRANSITION,
                       urbach_eV: float = DRS_URBACH_EV, linear_range_eV: float = DRS_LINEAR_RANGE_EV,
                       levelling_eV: float = DRS_LEVELLING_EV, edge_top_F: float = DRS_EDGE_TOP_F,
                       subgap_F: float = DRS_SUBGAP_F,
                       bands: Sequence[tuple[float, float, float]] = ()) -> np.ndarray:
    """Noise-free Kubelka–Munk F of the powder: constant ``subgap_F`` + the edge of :func:`tauc_edge_F` + ``bands``.

    ``bands``: (centre nm, FWHM eV, height in F) of Gaussian absorption bands in photon energy (e.g. a d–d band).
    Absorptions add in F(R) (F ∝ K/S with wavelength-independent scattering S).

    Example (far below the gap only the background and a band at its centre remain):
        >>> round(float(drs_kubelka_munk_F(np.array([750.0]), 2.27, bands=[(750.0, 0.5, 0.04)])[0]), 4)
        0.07
    """
    energy = HC_EV_NM / np.asarray(wavelength_nm, dtype=float)
    F = subgap_F + tauc_edge_F(energy, band_gap_eV, transition=transition, urbach_eV=urbach_eV,
                               linear_range_eV=linear_range_eV, levelling_eV=levelling_eV, edge_top_F=edge_top_F)
    if bands:
        centers_nm, fwhm_eV, heights = zip(*bands, strict=True)
        F = F + gaussian_bands(energy, HC_EV_NM / np.asarray(centers_nm, dtype=float), fwhm_eV, heights)
    return F


def simulate_drs(wavelength_nm: np.ndarray, band_gap_eV: float, *, transition: Transition = DRS_TRANSITION,
                 urbach_eV: float = DRS_URBACH_EV, linear_range_eV: float = DRS_LINEAR_RANGE_EV,
                 levelling_eV: float = DRS_LEVELLING_EV, edge_top_F: float = DRS_EDGE_TOP_F,
                 subgap_F: float = DRS_SUBGAP_F, bands: Sequence[tuple[float, float, float]] = (),
                 noise: float = DRS_NOISE, rng: np.random.Generator) -> pd.DataFrame:
    """Diffuse reflectance (fraction) of a powder whose F(R) is :func:`drs_kubelka_munk_F`.

    R gets white noise of σ = ``noise`` and is kept inside (0, 1]. Columns ``wavelength_nm``, ``reflectance``.
    """
    wavelength = np.asarray(wavelength_nm, dtype=float)
    F = drs_kubelka_munk_F(wavelength, band_gap_eV, transition=transition, urbach_eV=urbach_eV,
                           linear_range_eV=linear_range_eV, levelling_eV=levelling_eV, edge_top_F=edge_top_F,
                           subgap_F=subgap_F, bands=bands)
    reflectance = reflectance_from_kubelka_munk(F) + noise * rng.standard_normal(wavelength.size)
    return pd.DataFrame({"wavelength_nm": wavelength, "reflectance": np.clip(reflectance, 1e-4, 1.0)})


def _uvvis_solution(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    centers = (registry.value("uvvis_band_1", form), registry.value("uvvis_band_2", form))
    wavelength = np.arange(UVVIS_RANGE_NM[0], UVVIS_RANGE_NM[1] + UVVIS_STEP_NM / 2, UVVIS_STEP_NM)

    def generate(centers_nm: np.ndarray) -> pd.DataFrame:
        return simulate_uvvis_solution(wavelength, centers_nm, UVVIS_FWHM_EV, UVVIS_HEIGHTS, baseline=UVVIS_BASELINE,
                                       noise=UVVIS_NOISE, rng=copy.deepcopy(rng))

    def analysed(centers_nm: np.ndarray) -> np.ndarray:
        data = Dataset(kind="uvvis_solution", form=form, frame=generate(centers_nm),
                       origin=Origin(Provenance.RECONSTRUCTED, "anchoring"))
        return np.array(analyse_uvvis(data).peaks_nm)

    model_centers = solve_anchor(analysed, np.array(centers), np.array(centers), tolerance=UVVIS_ANCHOR_TOLERANCE_NM)
    frame = generate(model_centers)
    source = (f"reconstructed: two overlapping Gaussian bands in photon energy whose summed spectrum has its maxima "
              f"at the reported {centers[0]:g} and {centers[1]:g} nm (article Fig. 3, same for sp and cs), on a "
              "small sloping baseline, with noise")
    assumptions = (
        "The article gives only the two band maxima in CHCl3 (310 and 365 nm, the same for both forms); "
        "band shapes, widths, heights and concentration are not available.",
        f"Each band is a Gaussian in photon energy with FWHM {UVVIS_FWHM_EV[0]:g} eV; heights "
        f"{UVVIS_HEIGHTS[0]:g} (310 nm) and {UVVIS_HEIGHTS[1]:g} (365 nm) absorbance units (assumed, so that both "
        "bands are resolved maxima).",
        "The bands overlap, which pulls the maxima of the sum towards each other; the Gaussian centres were solved "
        f"(noise realisation held fixed) so that our peak analysis of this spectrum finds the maxima at the "
        f"reported wavelengths: centres {model_centers[0]:.2f} and {model_centers[1]:.2f} nm. A Gaussian "
        "deconvolution returns these centres, not the printed maxima.",
        f"Baseline linear in energy: {UVVIS_BASELINE[0]:g} + {UVVIS_BASELINE[1]:g}·(E − 2 eV) absorbance.",
        f"White Gaussian noise, σ = {UVVIS_NOISE:g} absorbance; range {UVVIS_RANGE_NM[0]:g}–{UVVIS_RANGE_NM[1]:g} nm "
        f"every {UVVIS_STEP_NM:g} nm (CHCl3 cut-off ≈ 245 nm).",
    )
    return Dataset(kind="uvvis_solution", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"solvent": "CHCl3", "band_centers_nm": [round(float(c), 4) for c in model_centers]},
                   assumptions=assumptions)


def _drs(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    band_gap = registry.value("band_gap", form)
    lo, hi = registry.get("drs_range", form).value
    wavelength = np.arange(lo, hi + DRS_STEP_NM / 2, DRS_STEP_NM)
    uv_maxima = (registry.value("uvvis_band_1", form), registry.value("uvvis_band_2", form))
    bands = drs_bands(uv_maxima)

    def analysed(gap_eV: np.ndarray) -> np.ndarray:
        data = Dataset(kind="drs", form=form, origin=Origin(Provenance.RECONSTRUCTED, "anchoring"),
                       frame=simulate_drs(wavelength, float(gap_eV[0]), bands=bands, rng=copy.deepcopy(rng)))
        return np.array([analyse_tauc(data, transition=DRS_TRANSITION).band_gap_eV])

    model_gap = float(solve_anchor(analysed, np.array([band_gap]), np.array([band_gap]),
                                   tolerance=DRS_ANCHOR_TOLERANCE_EV)[0])
    frame = simulate_drs(wavelength, model_gap, bands=bands, rng=rng)
    colour = reflectance_colour(wavelength, reflectance_from_kubelka_munk(
        drs_kubelka_munk_F(wavelength, model_gap, bands=bands)))
    source = (f"reconstructed: diffuse reflectance {lo:g}–{hi:g} nm of an absorption edge whose Tauc plot "
              f"({DRS_TRANSITION} allowed) extrapolates to the reported band gap {band_gap:g} eV (article Fig. S20), "
              f"with an Urbach tail, a sub-gap background, a weak Cu(II) d–d band and the UV bands at "
              f"{uv_maxima[0]:g}/{uv_maxima[1]:g} nm, via the inverse Kubelka–Munk function, with "
              f"noise; {colour.hue} under daylight (computed)")
    n = TAUC_EXPONENT_N[DRS_TRANSITION]
    assumptions = (
        "The article gives only the band gap (Tauc plot, Fig. S20) and the range 200–800 nm (Fig. S19); the spectra "
        "themselves are not available.",
        f"Transition type not stated in the article: {DRS_TRANSITION} allowed assumed (Tauc exponent n = {n:g}, "
        "ordinate (F·hν)^(1/n)).",
        f"The edge's Tauc ordinate is exactly linear from the end of the Urbach tail (gap + n·E_U = gap + "
        f"{n * DRS_URBACH_EV:g} eV) to gap + {DRS_LINEAR_RANGE_EV:g} eV, where F(R) = {DRS_EDGE_TOP_F:g}, and "
        f"levels off above it (energy scale {DRS_LEVELLING_EV:g} eV).",
        f"Urbach tail below the gap with Urbach energy E_U = {DRS_URBACH_EV * 1e3:g} meV (assumed; usual for "
        "molecular and disordered solids), joined smoothly to the Tauc branch.",
        f"The gap parameter of the edge was solved (noise realisation held fixed) so that our Tauc analysis "
        f"({DRS_TRANSITION}, axis crossing, automatic window) of this spectrum returns the reported "
        f"{band_gap:g} eV: {model_gap:.4f} eV (the added bands and the noise move the fitted crossing slightly).",
        f"Sub-gap background F(R) = {DRS_SUBGAP_F:g} (constant; R ≈ {reflectance_from_kubelka_munk(DRS_SUBGAP_F):.2f} "
        "far below the gap), added to the edge in Kubelka–Munk units (absorptions add).",
        f"A weak, broad Cu(II) d–d band (Laporte-forbidden; Cu(II) with O donors absorbs at ≈ 600–900 nm): Gaussian "
        f"in energy at {DRS_DD_CENTER_NM:g} nm, FWHM {DRS_DD_FWHM_EV:g} eV, height F = {DRS_DD_HEIGHT_F:g} "
        "(assumed; the article shows no visible–NIR spectrum).",
        f"The cluster's UV bands in the solid at the solution maxima {uv_maxima[0]:g} and "
        f"{uv_maxima[1]:g} nm (article Fig. 3): Gaussians in energy, FWHM {DRS_UV_FWHM_EV[0]:g} eV, heights "
        f"F = {DRS_UV_HEIGHTS_F[0]:g} and {DRS_UV_HEIGHTS_F[1]:g} on top of the levelled edge (assumed).",
        f"Colour of the noise-free model reflectance under daylight (CIE 1931 2°, D65, 380–780 nm; computed): "
        f"{colour.hue}, sRGB {colour.srgb_hex}, dominant wavelength {colour.dominant_wavelength_nm:.0f} nm, "
        f"excitation purity {colour.excitation_purity:.2f}, lightness L* {colour.lightness:.0f}. The article calls "
        "the sp crystals 'yellow block crystals' (synthesis paragraph) and states no colour for cs.",
        "Reflectance relative to a white standard, as a fraction; optically thick layer (Kubelka–Munk R∞); "
        "scattering independent of wavelength.",
        f"White Gaussian noise, σ = {DRS_NOISE:g} in reflectance; every {DRS_STEP_NM:g} nm.",
    )
    return Dataset(kind="drs", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"transition_assumed": DRS_TRANSITION, "model_band_gap_eV": round(model_gap, 6),
                             "urbach_energy_eV": DRS_URBACH_EV, "bands_nm_eV_F": [list(b) for b in bands],
                             "colour_hue": colour.hue,
                             "colour_srgb_hex": colour.srgb_hex,
                             "colour_dominant_wavelength_nm": colour.dominant_wavelength_nm},
                   assumptions=assumptions)


RECONSTRUCTORS = {"uvvis_solution": _uvvis_solution, "drs": _drs}
