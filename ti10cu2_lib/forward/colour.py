"""The colour of a diffuse-reflectance spectrum: what a reconstructed powder would look like in daylight.

Used to check the colour that the reconstruction states (the article: "yellow block crystals" of (Ti10Cu2)sp, main
text, synthesis paragraph; no colour is given for cs) against the spectrum it generates.

Conventions: CIE 1931 2° observer, in the multi-lobe Gaussian fit of Wyman, Sloan & Shirley (J. Comput. Graph.
Tech. 2013, 2, 1; deviations from the tabulated functions ≲ 1 % of their peak), illuminant D65 (CIE table, 10 nm,
linearly interpolated), 380–780 nm. Reflectance R is a fraction; the tristimulus values are normalised so that a
perfect white (R = 1) has Y = 1. sRGB after IEC 61966-2-1 (linear matrix, then the sRGB transfer curve, clipped).
The dominant wavelength is where the line from the D65 white point through the sample's chromaticity meets the
spectral locus; the hue name is read from it with the usual spectral ranges (:data:`HUE_RANGES_NM`; boundaries
differ by a few nm between sources). Spectra must cover 380–780 nm or they are held constant beyond their ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VISIBLE_NM = np.arange(380.0, 780.0 + 0.5, 1.0)
#: the spectral locus searched for the dominant wavelength (beyond 700 nm the locus hardly moves and the fitted
#: colour-matching functions are too small to fix a direction)
LOCUS_NM = np.arange(380.0, 700.0 + 0.05, 0.1)
#: CIE standard illuminant D65, relative spectral power, 380–780 nm every 10 nm (CIE 15:2004, Table T.1)
D65_10NM = np.array([
    49.9755, 54.6482, 82.7549, 91.486, 93.4318, 86.6823, 104.865, 117.008, 117.812, 114.861, 115.923, 108.811,
    109.354, 107.802, 104.790, 107.689, 104.405, 104.046, 100.000, 96.3342, 95.788, 88.6856, 90.0062, 89.5991,
    87.6987, 83.2886, 83.6992, 80.0268, 80.2146, 82.2778, 78.2842, 69.7213, 71.6091, 74.349, 61.604, 69.8856,
    75.087, 63.5927, 46.4182, 66.8054, 63.3828])
#: (upper end in nm, name) of the spectral hue ranges, by dominant wavelength
HUE_RANGES_NM = ((450.0, "violet"), (485.0, "blue"), (500.0, "cyan"), (565.0, "green"), (590.0, "yellow"),
                 (625.0, "orange"), (np.inf, "red"))
ACHROMATIC_PURITY = 0.05  # below this excitation purity a surface is called achromatic (white/grey)
_SRGB_FROM_XYZ = np.array([[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]])
# Wyman, Sloan & Shirley 2013, multi-lobe fit: (amplitude, centre nm, σ below the centre, σ above) per lobe
_LOBES = {
    "x": ((1.056, 599.8, 37.9, 31.0), (0.362, 442.0, 16.0, 26.7), (-0.065, 501.1, 20.4, 26.2)),
    "y": ((0.821, 568.8, 46.9, 40.5), (0.286, 530.9, 16.3, 31.1)),
    "z": ((1.217, 437.0, 11.8, 36.0), (0.681, 459.0, 26.0, 13.8)),
}


def colour_matching_functions(wavelength_nm: np.ndarray) -> np.ndarray:
    """x̄, ȳ, z̄ of the CIE 1931 2° observer (Wyman et al. 2013 fit), shape (3, N).

    Example (the CIE table gives 0.512, 1.000, 0.006 at 555 nm):
        >>> [round(float(v), 2) for v in colour_matching_functions(np.array([555.0]))[:, 0]]
        [0.52, 1.0, 0.01]
    """
    wavelength = np.asarray(wavelength_nm, dtype=float)
    rows = []
    for lobes in _LOBES.values():
        total = np.zeros_like(wavelength)
        for amplitude, centre, below, above in lobes:
            width = np.where(wavelength < centre, below, above)
            total += amplitude * np.exp(-0.5 * ((wavelength - centre) / width) ** 2)
        rows.append(total)
    return np.array(rows)


def _d65(wavelength_nm: np.ndarray) -> np.ndarray:
    return np.interp(wavelength_nm, np.arange(380.0, 781.0, 10.0), D65_10NM)


def _chromaticity(xyz: np.ndarray) -> np.ndarray:
    return xyz[:2] / xyz.sum(axis=0)


@dataclass(frozen=True)
class SurfaceColour:
    """Colour of a reflecting surface under D65: CIE XYZ (white Y = 1), chromaticity, CIE 1976 lightness L*
    (0 black … 100 white), sRGB and hue."""

    xyz: tuple[float, float, float]
    chromaticity_xy: tuple[float, float]
    lightness: float
    srgb_hex: str
    dominant_wavelength_nm: float | None
    excitation_purity: float
    hue: str


def _dominant_wavelength_nm(xy: np.ndarray, white_xy: np.ndarray) -> float | None:
    """Wavelength (nm) of the spectral-locus point in the direction white → ``xy``; None in the purple gap."""
    locus = _chromaticity(colour_matching_functions(LOCUS_NM))
    direction = np.arctan2(xy[1] - white_xy[1], xy[0] - white_xy[0])
    angles = np.arctan2(locus[1] - white_xy[1], locus[0] - white_xy[0])
    difference = np.abs(np.angle(np.exp(1j * (angles - direction))))
    best = int(np.argmin(difference))
    return round(float(LOCUS_NM[best]), 1) if difference[best] < np.radians(1.0) else None


def hue_name(dominant_wavelength_nm: float | None) -> str:
    """Spectral hue name of a dominant wavelength (nm); "purple" when there is none (non-spectral hue).

    Example:
        >>> hue_name(580.0), hue_name(None)
        ('yellow', 'purple')
    """
    if dominant_wavelength_nm is None:
        return "purple"
    return next(name for upper, name in HUE_RANGES_NM if dominant_wavelength_nm < upper)


def reflectance_colour(wavelength_nm: np.ndarray, reflectance: np.ndarray) -> SurfaceColour:
    """Colour under D65 of a diffuse reflectance spectrum (R as a fraction; see the module docstring).

    Example (a grey surface is achromatic, its hex is grey):
        >>> grey = reflectance_colour(np.array([300.0, 900.0]), np.array([0.5, 0.5]))
        >>> grey.srgb_hex, round(grey.excitation_purity, 3)
        ('#bbbcbb', 0.0)
    """
    wavelength = np.asarray(wavelength_nm, dtype=float)
    order = np.argsort(wavelength)
    r = np.interp(VISIBLE_NM, wavelength[order], np.asarray(reflectance, dtype=float)[order])
    weights = colour_matching_functions(VISIBLE_NM) * _d65(VISIBLE_NM)
    white = weights.sum(axis=1)
    xyz = (weights * r).sum(axis=1) / white[1]
    white_xy, xy = _chromaticity(white), _chromaticity(xyz)
    dominant = _dominant_wavelength_nm(xy, white_xy)
    purity = 0.0
    if dominant is not None:
        locus = _chromaticity(colour_matching_functions(np.array([dominant])))[:, 0]
        purity = float(np.linalg.norm(xy - white_xy) / np.linalg.norm(locus - white_xy))
    linear = np.clip(_SRGB_FROM_XYZ @ xyz, 0.0, 1.0)
    encoded = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    srgb_hex = "#" + "".join(f"{round(float(c) * 255):02x}" for c in encoded)
    y = float(xyz[1])
    lightness = 116.0 * np.cbrt(y) - 16.0 if y > (6 / 29) ** 3 else y * (29 / 3) ** 3
    return SurfaceColour(xyz=tuple(float(v) for v in xyz), chromaticity_xy=(float(xy[0]), float(xy[1])),
                         lightness=float(lightness), srgb_hex=srgb_hex, dominant_wavelength_nm=dominant,
                         excitation_purity=purity,
                         hue=hue_name(dominant) if purity >= ACHROMATIC_PURITY else "achromatic")

