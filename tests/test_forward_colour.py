"""Colour of a reflectance spectrum (CIE 1931, D65, sRGB): checked against CIE table values and known surfaces."""

from __future__ import annotations

import numpy as np
import pytest

from ti10cu2_lib.forward import optical
from ti10cu2_lib.forward.colour import colour_matching_functions, hue_name, reflectance_colour

WAVELENGTH_NM = np.arange(200.0, 801.0)


@pytest.mark.parametrize(("wavelength", "xyz_bar"), [
    (450.0, (0.3362, 0.0380, 1.7721)),  # CIE 1931 2° table values
    (550.0, (0.4334, 0.9950, 0.0087)),
    (600.0, (1.0622, 0.6310, 0.0008)),
])
def test_colour_matching_functions_follow_the_cie_table(wavelength, xyz_bar):
    assert colour_matching_functions(np.array([wavelength]))[:, 0] == pytest.approx(xyz_bar, abs=0.03)


def test_a_perfect_white_is_the_d65_white_point():
    white = reflectance_colour(WAVELENGTH_NM, np.ones_like(WAVELENGTH_NM))
    assert white.chromaticity_xy == pytest.approx((0.3127, 0.3290), abs=0.001)  # D65, CIE 15
    assert white.xyz == pytest.approx((0.9505, 1.0, 1.0888), abs=0.003)
    assert white.srgb_hex == "#ffffff" and white.lightness == pytest.approx(100.0) and white.hue == "achromatic"


@pytest.mark.parametrize(("reflecting", "hue"), [
    (lambda wl: wl > 500, "yellow"),  # absorbs violet–blue–cyan: a yellow pigment
    (lambda wl: wl < 480, "blue"),
    (lambda wl: wl > 600, "red"),
    (lambda wl: (wl > 500) & (wl < 560), "green"),
])
def test_step_reflectors_have_the_expected_hue(reflecting, hue):
    reflectance = np.where(reflecting(WAVELENGTH_NM), 0.9, 0.05)
    assert reflectance_colour(WAVELENGTH_NM, reflectance).hue == hue


def test_hue_names_follow_the_dominant_wavelength():
    assert [hue_name(w) for w in (420, 470, 495, 530, 580, 600, 650, None)] == [
        "violet", "blue", "cyan", "green", "yellow", "orange", "red", "purple"]


@pytest.mark.parametrize(("gap_eV", "yellow"), [(2.05, False), (2.27, True), (2.35, True), (2.9, False)])
def test_the_drs_model_is_yellow_only_for_a_gap_in_the_blue_green(gap_eV, yellow):
    """A 2.2–2.4 eV edge (absorbing below ≈ 530–560 nm) is what makes the powder yellow; a 2.05 eV edge makes it
    red-brown, a 2.9 eV edge leaves an almost white powder tinted only by the d–d band."""
    F = optical.drs_kubelka_munk_F(WAVELENGTH_NM, gap_eV, bands=optical.drs_bands((310.0, 365.0)))
    colour = reflectance_colour(WAVELENGTH_NM, optical.reflectance_from_kubelka_munk(F))
    assert (colour.hue == "yellow" and colour.excitation_purity > 0.3) is yellow
