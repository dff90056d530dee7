"""Simulated PXRD: against pymatgen's XRDCalculator on real CIFs, symmetry bookkeeping, profile, LP, PO.

pymatgen is a test-only reference. Its X-ray scattering factors are f = Z − 41.78214·s²·Σ aᵢ exp(−bᵢ s²) (4-term
electron-scattering fits converted with the Mott–Bethe relation, 41.78214 = 8π²a₀), ours default to the IT92
4-Gaussian table. Like is compared with like: with pymatgen's f passed in as a ScatteringFactors table and no
Debye–Waller factor (pymatgen's default) positions and intensities must agree to rounding; with IT92 the
intensities differ by < 1.5 points of 100 (measured ≤ 1.0 on these files), positions stay identical.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import gemmi
import numpy as np
import pytest

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.structure.pxrd import (
    CU_KA1,
    IT92,
    PxrdSettings,
    ScatteringFactors,
    compute_reflections,
    load_crystal,
    lorentz_polarisation,
    profile_sum,
    pseudo_voigt,
    simulate_pxrd,
)

COD_FILES = [
    "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif",
    "COD_2231779_catena_CuI_imidazolylpyridine.cif",
    "COD_7050234_Ti4_alkoxide.cif",
]
LARGE = "COD_4111132_AgFe_MOF_large_cell.cif"


def _cif(reference_data: Path, name: str) -> Path:
    return reference_data / ("pxrd" if name.startswith("PbSO4") else "cif") / name


@pytest.fixture(scope="module")
def pmg():
    pytest.importorskip("pymatgen", reason="pymatgen (test-only reference) is not installed")
    from pymatgen.analysis.diffraction import xrd

    return xrd


def _pymatgen_factors(xrd) -> ScatteringFactors:
    params = xrd.ATOMIC_SCATTERING_PARAMS

    def func(symbol: str, s2: np.ndarray) -> np.ndarray:
        coef = np.asarray(params[symbol], dtype=float)
        z = gemmi.Element(symbol).atomic_number
        return z - 41.78214 * s2 * (np.exp(-np.multiply.outer(s2, coef[:, 1])) @ coef[:, 0])

    return ScatteringFactors("pymatgen atomic_scattering_params (Mott-Bethe)", func)


def _merge(two_theta: np.ndarray, intensity: np.ndarray, tol: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """Sum families whose 2θ differ by < tol (pymatgen merges peaks within 1e-5°), rescale to max 100."""
    order = np.argsort(two_theta)
    tt, inten = two_theta[order], intensity[order]
    group = np.r_[0, np.cumsum(np.diff(tt) > tol)]
    merged_tt = np.bincount(group, tt) / np.bincount(group)
    merged_i = np.bincount(group, inten)
    return merged_tt, 100 * merged_i / merged_i.max()


def _compare(ours_tt, ours_i, ref_tt, ref_i, *, min_intensity: float) -> tuple[float, float, int]:
    """Max |Δ2θ| and max |ΔI| (points of 100) over reference peaks ≥ min_intensity, both ways."""
    tt, inten = _merge(ours_tt, ours_i)
    ref_tt, ref_i = _merge(np.asarray(ref_tt), np.asarray(ref_i))  # same clustering on both sides
    strong = ref_i >= min_intensity
    j = np.abs(tt[None, :] - ref_tt[strong, None]).argmin(axis=1)
    # every strong peak of ours must also be a reference peak
    k = np.abs(ref_tt[None, :] - tt[inten >= min_intensity, None]).argmin(axis=1)
    dtt = max(np.abs(tt[j] - ref_tt[strong]).max(), np.abs(ref_tt[k] - tt[inten >= min_intensity]).max())
    return float(dtt), float(np.abs(inten[j] - ref_i[strong]).max()), int(strong.sum())


def _pymatgen_structure_from_cif(path: Path):
    from pymatgen.io.cif import CifParser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CifParser(str(path)).parse_structures(primitive=False)[0]


@pytest.mark.parametrize("name", [*COD_FILES, "PbSO4-Wyckoff.cif"])
def test_same_peaks_as_pymatgen_with_its_scattering_factors(reference_data, pmg, name):
    path = _cif(reference_data, name)
    tt_max = 90.0 if name.startswith("PbSO4") else 50.0
    ours = simulate_pxrd(path, PxrdSettings(displacement="none", two_theta_max=tt_max),
                         scattering=_pymatgen_factors(pmg))
    ref = pmg.XRDCalculator(wavelength=CU_KA1).get_pattern(_pymatgen_structure_from_cif(path),
                                                           two_theta_range=(0, tt_max))
    dtt, di, n = _compare(ours.two_theta, ours.intensity, ref.x, ref.y, min_intensity=2.0)
    assert n >= 20
    assert dtt < 1e-3
    assert di < 1.0  # within 1 % of the strongest; measured ~1e-13


@pytest.mark.parametrize("name", [*COD_FILES, "PbSO4-Wyckoff.cif"])
def test_it92_table_close_to_pymatgen(reference_data, pmg, name):
    """Default IT92 factors: same positions; intensities within 1.5 points of 100 (scattering tables differ)."""
    path = _cif(reference_data, name)
    ours = simulate_pxrd(path, PxrdSettings(displacement="none", two_theta_max=50.0))
    ref = pmg.XRDCalculator(wavelength=CU_KA1).get_pattern(_pymatgen_structure_from_cif(path),
                                                           two_theta_range=(0, 50.0))
    dtt, di, _ = _compare(ours.two_theta, ours.intensity, ref.x, ref.y, min_intensity=2.0)
    assert dtt < 1e-3
    assert di < 1.5


def test_large_fddd_cell_against_pymatgen_on_gemmi_atoms(reference_data, pmg):
    """COD 4111132 (Fddd, 1840 atoms, half-occupied disordered sites).

    pymatgen's CifParser merges the C25/C32 images that lie 0.002 Å apart and keeps 0.75 instead of 1.0 C there
    (856 instead of 864 C per cell), so the reference structure is built from gemmi's own unit-cell expansion
    (independent of ours); the diffraction calculation is then compared like with like.
    """
    from pymatgen.core import Lattice, Structure

    path = _cif(reference_data, LARGE)
    st = gemmi.make_small_structure_from_block(gemmi.cif.read(str(path)).sole_block())
    sites = st.get_all_unit_cell_sites()
    structure = Structure(Lattice.from_parameters(*st.cell.parameters),
                          [{s.element.name: s.occ} for s in sites], [list(s.fract) for s in sites])
    crystal = load_crystal(path)
    assert crystal.n_atoms_cell == len(sites) == 1840
    ours = simulate_pxrd(crystal, PxrdSettings(displacement="none"), scattering=_pymatgen_factors(pmg))
    ref = pmg.XRDCalculator(wavelength=CU_KA1).get_pattern(structure, two_theta_range=(0, 50.0))
    dtt, di, n = _compare(ours.two_theta, ours.intensity, ref.x, ref.y, min_intensity=2.0)
    assert n >= 20 and dtt < 1e-3 and di < 1.0


@pytest.mark.parametrize("name", [*COD_FILES, LARGE, "PbSO4-Wyckoff.cif"])
def test_unit_cell_content_matches_gemmi_expansion(reference_data, name):
    path = _cif(reference_data, name)
    crystal = load_crystal(path)
    st = gemmi.make_small_structure_from_block(gemmi.cif.read(str(path)).sole_block())
    ref: dict[str, float] = {}
    for site in st.get_all_unit_cell_sites():
        ref[site.element.name] = ref.get(site.element.name, 0.0) + site.occ
    ours: dict[str, float] = {}
    for j in crystal.cell_site:
        ours[crystal.elements[j]] = ours.get(crystal.elements[j], 0.0) + crystal.occupancy[j]
    assert ours.keys() == ref.keys()
    for el in ref:
        assert ours[el] == pytest.approx(ref[el], abs=1e-9)


def test_debye_waller_matches_pymatgen_b_factors(reference_data, pmg):
    """PbSO4: every site has Uiso 0.010 Å², so pymatgen's per-element B = 8π²U reproduces our isotropic DW."""
    path = _cif(reference_data, "PbSO4-Wyckoff.cif")
    crystal = load_crystal(path)
    assert np.allclose(crystal.u_iso, 0.010) and set(crystal.u_source) == {"Uiso"}
    ours = simulate_pxrd(crystal, PxrdSettings(displacement="cif", two_theta_max=120.0),
                         scattering=_pymatgen_factors(pmg))
    b = 8 * math.pi**2 * 0.010
    calc = pmg.XRDCalculator(wavelength=CU_KA1, debye_waller_factors={"Pb": b, "S": b, "O": b})
    ref = calc.get_pattern(_pymatgen_structure_from_cif(path), two_theta_range=(0, 120.0))
    dtt, di, n = _compare(ours.two_theta, ours.intensity, ref.x, ref.y, min_intensity=1.0)
    assert n >= 40 and dtt < 1e-3 and di < 1e-6
    # and the DW factor matters: without it the high-angle intensities differ
    no_dw = simulate_pxrd(crystal, PxrdSettings(displacement="none", two_theta_max=120.0),
                          scattering=_pymatgen_factors(pmg))
    assert _compare(no_dw.two_theta, no_dw.intensity, ref.x, ref.y, min_intensity=1.0)[1] > 1.0


def test_ueq_from_uij_when_no_uiso(tmp_path, reference_data):
    text = _cif(reference_data, "PbSO4-Wyckoff.cif").read_text()
    text = text.replace("_atom_site_U_iso_or_equiv", "_atom_site_dummy_u")
    text += ("\nloop_\n_atom_site_aniso_label\n_atom_site_aniso_U_11\n_atom_site_aniso_U_22\n_atom_site_aniso_U_33\n"
             "_atom_site_aniso_U_12\n_atom_site_aniso_U_13\n_atom_site_aniso_U_23\nPb 0.01 0.02 0.03 0 0 0\n")
    path = tmp_path / "aniso.cif"
    path.write_text(text)
    crystal = load_crystal(path)
    assert crystal.u_source[0] == "Ueq from Uij" and crystal.u_iso[0] == pytest.approx(0.02)
    assert crystal.u_source[1] == "none" and crystal.u_iso[1] == 0.0


def test_pnma_reflection_conditions_and_multiplicities(reference_data):
    """All (hkl) up to d_min follow Pnma's conditions (written out here), multiplicities mmm-like."""
    crystal = load_crystal(_cif(reference_data, "PbSO4-Wyckoff.cif"))
    refl = compute_reflections(crystal, 1.2)
    a, b, c = crystal.cell[:3]
    rng = range(-8, 9)
    expected = set()
    for h in rng:
        for k in rng:
            for l_ in rng:
                if (h, k, l_) == (0, 0, 0) or (h / a) ** 2 + (k / b) ** 2 + (l_ / c) ** 2 > 1 / 1.2**2:
                    continue
                if h == 0 and (k + l_) % 2:  # 0kl: k+l = 2n (n-glide)
                    continue
                if l_ == 0 and h % 2:  # hk0: h = 2n (a-glide)
                    continue
                if k == 0 and l_ == 0 and h % 2 or h == 0 and l_ == 0 and k % 2 or h == 0 and k == 0 and l_ % 2:
                    continue
                expected.add((h, k, l_))
    assert {tuple(int(v) for v in m) for m in refl.members} == expected
    for hkl, mult in zip(refl.hkl, refl.multiplicity, strict=True):
        assert mult == 2 ** int(np.count_nonzero(hkl))
        assert np.all(hkl >= 0)  # representative: all-positive member
    d_direct = 1 / np.sqrt(((refl.hkl / np.array([a, b, c])) ** 2).sum(axis=1))
    assert np.allclose(refl.d, d_direct)


def test_p21c_multiplicities(reference_data):
    crystal = load_crystal(_cif(reference_data, COD_FILES[0]))
    refl = compute_reflections(crystal, 2.0)
    for hkl, mult in zip(refl.hkl, refl.multiplicity, strict=True):
        assert mult == (2 if hkl[0] == 0 and hkl[2] == 0 or hkl[1] == 0 else 4)
        if hkl[1] == 0:
            assert hkl[2] % 2 == 0  # h0l: l = 2n (c-glide)
        if hkl[0] == 0 and hkl[2] == 0:
            assert hkl[1] % 2 == 0  # 0k0: k = 2n (2₁)


def test_pseudo_voigt_shape_and_area():
    for eta in (0.0, 0.3, 1.0):
        peak = pseudo_voigt(np.array([0.0, 0.05, -0.05]), 0.1, eta)
        assert peak[1] == pytest.approx(peak[0] / 2) and peak[2] == pytest.approx(peak[0] / 2)
    grid = np.arange(0.0, 100.0, 0.002)
    positions = np.array([20.0, 35.5, 61.237])
    intensities = np.array([1.0, 3.0, 0.5])
    for eta in (0.0, 0.5):
        y = profile_sum(grid, positions, intensities, 0.1, eta)
        area = np.trapezoid(y, grid)
        gamma = 0.1
        inside = ((np.arctan(2 * (grid[-1] - positions) / gamma) - np.arctan(2 * (grid[0] - positions) / gamma))
                  / math.pi)
        expected = float(np.sum(intensities * (eta * inside + (1 - eta))))
        assert area == pytest.approx(expected, rel=1e-6)


def test_lorentz_polarisation_formula():
    tt = np.array([10.0, 45.0, 90.0, 140.0])
    th = np.radians(tt / 2)
    plain = (1 + np.cos(2 * th) ** 2) / (np.sin(th) ** 2 * np.cos(th))
    assert np.allclose(lorentz_polarisation(tt), plain)
    k = math.cos(math.radians(26.6)) ** 2
    mono = (1 + k * np.cos(2 * th) ** 2) / (np.sin(th) ** 2 * np.cos(th))
    assert np.allclose(lorentz_polarisation(tt, 26.6), mono)


def test_march_dollase_enhances_parallel_reflections(reference_data):
    crystal = load_crystal(_cif(reference_data, "PbSO4-Wyckoff.cif"))
    refl = compute_reflections(crystal, 1.5)
    p = refl.march_dollase((0, 0, 1), 0.7)
    i00l = [i for i, hkl in enumerate(refl.hkl) if hkl[0] == 0 and hkl[1] == 0]
    ih00 = [i for i, hkl in enumerate(refl.hkl) if hkl[1] == 0 and hkl[2] == 0]
    assert np.allclose(p[i00l], 0.7**-3)  # α = 0: P = r^-3
    assert np.allclose(p[ih00], 0.7**1.5)  # α = 90°: P = r^1.5
    assert np.allclose(refl.march_dollase((0, 0, 1), 1.0), 1.0)
    # the family average: (011) members make ± the same angle, so the mean equals the single value
    i011 = next(i for i, hkl in enumerate(refl.hkl) if tuple(hkl) == (0, 1, 1))
    g = refl.reciprocal_basis @ np.array([0, 1, 1.0])
    cos2 = (g[2] / np.linalg.norm(g)) ** 2
    assert p[i011] == pytest.approx((0.49 * cos2 + (1 - cos2) / 0.7) ** -1.5)


def test_result_metadata_and_json(reference_data):
    pattern = simulate_pxrd(_cif(reference_data, "PbSO4-Wyckoff.cif"),
                            PxrdSettings(po_hkl=(0, 0, 1), po_r=0.8, monochromator_two_theta=26.6))
    data = json.loads(json.dumps(pattern.to_dict()))
    assert {"peaks", "pattern", "settings", "conventions", "provenance"} <= data.keys()
    assert max(p["intensity"] for p in data["peaks"]) == pytest.approx(100.0)
    assert max(data["pattern"]["intensity"]) == pytest.approx(100.0)
    assert len(data["pattern"]["two_theta"]) == len(data["pattern"]["intensity"]) == 2251
    conv = data["conventions"]
    for key in ("wavelength", "scattering_factors", "debye_waller", "lorentz_polarisation", "profile",
                "preferred_orientation"):
        assert conv[key]
    assert "IT92" in conv["scattering_factors"] or "1992" in conv["scattering_factors"]
    assert "March-Dollase" in conv["preferred_orientation"] and "26.6" in conv["lorentz_polarisation"]
    assert data["provenance"]["provenance"] == "computed" and data["provenance"]["data_provenance"] == ["user"]
    assert "user file PbSO4-Wyckoff.cif" in data["provenance"]["source"]
    assert IT92.name.startswith("International Tables")


def test_kalpha2_adds_shifted_copy(reference_data):
    path = _cif(reference_data, "PbSO4-Wyckoff.cif")
    single = simulate_pxrd(path, PxrdSettings(two_theta_min=29.0, two_theta_max=31.0, step=0.001, eta=0.0, fwhm=0.02))
    double = simulate_pxrd(path, PxrdSettings(two_theta_min=29.0, two_theta_max=31.0, step=0.001, eta=0.0, fwhm=0.02,
                                              kalpha2=(1.54439, 0.5)))
    i211 = next(i for i, hkl in enumerate(single.hkl) if tuple(hkl) == (2, 1, 1))
    tt1 = single.two_theta[i211]
    tt2 = math.degrees(2 * math.asin(1.54439 / (2 * single.d[i211])))
    near = lambda pat, x: pat.profile[np.argmin(np.abs(pat.grid - x))]  # noqa: E731
    assert near(single, tt2) < 1.0  # nothing at the Kα2 position without Kα2
    assert near(double, tt2) / near(double, tt1) == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize("text, problem", [
    ("data_x\n_cell_length_a 5\n", "no data block with atom sites"),
    ("this is not a CIF {", "not a readable CIF"),
])
def test_bad_cif_is_input_error(tmp_path, text, problem):
    path = tmp_path / "bad.cif"
    path.write_text(text)
    with pytest.raises(InputError, match=problem):
        load_crystal(path)


def test_multi_block_needs_block_name(tmp_path, reference_data):
    text = _cif(reference_data, "PbSO4-Wyckoff.cif").read_text()
    path = tmp_path / "two.cif"
    path.write_text(text + "\n" + text.replace("data_pbso4-phase", "data_second"))
    with pytest.raises(InputError, match="choose one with --block"):
        load_crystal(path)
    assert load_crystal(path, block="second").name == "second"
    with pytest.raises(InputError, match="no data block 'third'"):
        load_crystal(path, block="third")


def test_bad_settings_are_input_errors(reference_data):
    path = _cif(reference_data, "PbSO4-Wyckoff.cif")
    for settings in (PxrdSettings(wavelength=-1), PxrdSettings(two_theta_max=200), PxrdSettings(fwhm=0),
                     PxrdSettings(eta=1.5), PxrdSettings(po_hkl=(0, 0, 1), po_r=0),
                     PxrdSettings(displacement="bogus")):
        with pytest.raises(InputError):
            simulate_pxrd(path, settings)


_SYNTHETIC = """data_{name}
_cell_length_a 8.48
_cell_length_b 5.398
_cell_length_c 6.958
_cell_angle_alpha 90
_cell_angle_beta {beta}
_cell_angle_gamma 90
_symmetry_space_group_name_H-M '{hm}'
loop_
_symmetry_equiv_pos_as_xyz
{ops}
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Pb1 Pb 0.1882 0.2290 0.1670 1
S1 S 0.0630 0.2710 0.6860 1
O1 O -0.0950 0.2600 0.6000 0.8
O2 O 0.1810 0.2300 0.5430 1
O3 O 0.0850 0.0260 0.8060 1
"""


@pytest.mark.parametrize("name, hm, beta, ops", [
    ("p212121", "P 21 21 21", 90, ["x,y,z", "-x+1/2,-y,z+1/2", "-x,y+1/2,-z+1/2", "x+1/2,-y+1/2,-z"]),
    ("c2", "C 1 2 1", 97, ["x,y,z", "-x,y,-z", "x+1/2,y+1/2,z", "-x+1/2,y+1/2,-z"]),
])
def test_non_centrosymmetric_and_centred_against_pymatgen(tmp_path, pmg, name, hm, beta, ops):
    """No real test CIF lacks an inversion centre: these synthetic ones exercise the complex F and centring."""
    path = tmp_path / f"{name}.cif"
    path.write_text(_SYNTHETIC.format(name=name, hm=hm, beta=beta, ops="\n".join(f"'{op}'" for op in ops)))
    crystal = load_crystal(path)
    assert not crystal.inversion_at_origin
    assert crystal.centring_factor * crystal.prim_fract.shape[0] == crystal.n_atoms_cell == 5 * len(ops)
    ours = simulate_pxrd(crystal, PxrdSettings(displacement="none", two_theta_max=70.0),
                         scattering=_pymatgen_factors(pmg))
    ref = pmg.XRDCalculator(wavelength=CU_KA1).get_pattern(_pymatgen_structure_from_cif(path),
                                                           two_theta_range=(0, 70.0))
    dtt, di, n = _compare(ours.two_theta, ours.intensity, ref.x, ref.y, min_intensity=1.0)
    assert n >= 20 and dtt < 1e-3 and di < 1e-6


def test_shortcuts_equal_full_sum(reference_data):
    """Centring reduction and the cosine-only sum (inversion at the origin) give the full-cell |F|²."""
    import dataclasses

    crystal = load_crystal(_cif(reference_data, LARGE))
    assert crystal.inversion_at_origin and crystal.centring_factor == 4
    assert crystal.prim_fract.shape[0] * 4 == crystal.n_atoms_cell

    class FullSum(type(crystal)):
        inversion_at_origin = property(lambda self: False)

    fields = {f.name: getattr(crystal, f.name) for f in dataclasses.fields(crystal)}
    fields.update(prim_fract=crystal.cell_fract, prim_site=crystal.cell_site, centring_factor=1)
    full = compute_reflections(FullSum(**fields), 2.5)
    fast = compute_reflections(crystal, 2.5)
    assert np.allclose(fast.f_squared, full.f_squared, rtol=1e-9, atol=1e-9 * full.f_squared.max())
