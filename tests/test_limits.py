"""Limits on one visitor's input: bounded memory of the PXRD simulation and comparison (chunked, and the same
answer whatever the chunk size), the documented size limits (one-line InputError naming the limit and the fix),
and long measured series (fast smoothing, binned searches) giving the same answers as short ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.signal import find_peaks, savgol_filter

from ti10cu2_lib.analysis import mott_schottky, photocurrent, series, uvvis
from ti10cu2_lib.analysis.photocurrent import analyse_photocurrent
from ti10cu2_lib.analysis.tauc import analyse_tauc
from ti10cu2_lib.cli import main
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data import readers
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers_pxrd import PowderPattern, read_gsas_raw, read_xy
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward import electrical, optical, photochemistry, reconstructors
from ti10cu2_lib.forward.reconstruct import DEFAULT_SEED, rng_for
from ti10cu2_lib.structure import pxrd, pxrd_compare

USER = Origin(Provenance.USER, "test file")


def cif_text(n_sites: int, spacegroup: str = "P 1", *, a: float = 12.0, seed: int = 0) -> str:
    """A CIF of ``n_sites`` random general-position sites (C, O, Cu), space group ``spacegroup``, cell β = 97° (90°
    for an orthorhombic group: symmetry operations must be isometries of the cell)."""
    rng = np.random.default_rng(seed)
    beta = 90 if spacegroup == "P 21 21 21" else 97
    lines = ["data_synthetic", f"_cell_length_a {a}", f"_cell_length_b {a * 1.1:.3f}", f"_cell_length_c {a * 0.9:.3f}",
             "_cell_angle_alpha 90", f"_cell_angle_beta {beta}", "_cell_angle_gamma 90",
             f"_symmetry_space_group_name_H-M '{spacegroup}'", "loop_", "_atom_site_label", "_atom_site_type_symbol",
             "_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z", "_atom_site_U_iso_or_equiv"]
    elements = rng.choice(["C", "O", "Cu"], size=n_sites, p=[0.6, 0.3, 0.1])
    lines += [f"{el}{i} {el} {x:.5f} {y:.5f} {z:.5f} 0.02" for i, (el, (x, y, z))
              in enumerate(zip(elements, rng.random((n_sites, 3)), strict=True))]
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_cif(tmp_path):
    def write(n_sites: int, spacegroup: str = "P 1", **kwargs) -> str:
        path = tmp_path / f"synthetic_{n_sites}_{spacegroup.replace(' ', '').replace('/', '_')}.cif"
        path.write_text(cif_text(n_sites, spacegroup, **kwargs))
        return str(path)
    return write


def assert_close(a: np.ndarray, b: np.ndarray, rel: float = 1e-10) -> None:
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= rel * np.max(np.abs(b))


# ------------------------------------------------------------------------------------------------ PXRD memory


@pytest.mark.parametrize("width", [1, 7, 1000, 5_000_000, np.array([3, 0, 9, 2_500_000, 1, 1, 4])])
def test_chunks_cover_everything_within_the_budget(width):
    n = 10 if np.ndim(width) == 0 else len(width)
    widths = np.broadcast_to(width, (n,))
    slices = list(pxrd.chunks(n, width))
    assert slices[0].start == 0 and slices[-1].stop == n
    assert all(a.stop == b.start for a, b in zip(slices, slices[1:], strict=False))
    for sl in slices:  # within the budget, unless one item alone is wider
        assert widths[sl].sum() <= pxrd.CHUNK_ENTRIES or sl.stop - sl.start == 1


@pytest.mark.parametrize("spacegroup", ["P 1", "P -1", "P 21 21 21", "C 1 2/c 1"])
def test_structure_factors_do_not_depend_on_the_chunk_size(write_cif, monkeypatch, spacegroup):
    crystal = pxrd.load_crystal(write_cif(25, spacegroup))
    reference = pxrd.compute_reflections(crystal, 1.2)
    monkeypatch.setattr(pxrd, "CHUNK_ENTRIES", 1)  # one reflection (and one site) per chunk
    tiny = pxrd.compute_reflections(crystal, 1.2)
    np.testing.assert_array_equal(tiny.hkl, reference.hkl)
    assert_close(tiny.f_squared, reference.f_squared)
    again = pxrd.load_crystal(write_cif(25, spacegroup))  # symmetry expansion one site at a time
    np.testing.assert_array_equal(again.cell_fract, crystal.cell_fract)


def test_simulated_pattern_does_not_depend_on_the_chunk_size(write_cif, monkeypatch):
    settings = pxrd.PxrdSettings(two_theta_max=60.0, kalpha2=(pxrd.CU_KA2, 0.5))
    reference = pxrd.simulate_pxrd(write_cif(40, "P 21/c"), settings)
    monkeypatch.setattr(pxrd, "CHUNK_ENTRIES", 97)
    small = pxrd.simulate_pxrd(write_cif(40, "P 21/c"), settings)
    np.testing.assert_array_equal(small.two_theta, reference.two_theta)
    assert_close(small.intensity, reference.intensity)
    assert_close(small.profile, reference.profile)


def test_working_arrays_never_exceed_the_budget(write_cif, monkeypatch):
    """Every chunk handed out while simulating and comparing holds ≤ CHUNK_ENTRIES entries (its rows × width)."""
    budget = 5_000
    monkeypatch.setattr(pxrd, "CHUNK_ENTRIES", budget)
    seen = []
    real_chunks = pxrd.chunks

    def spy(n_items, width):
        for sl in real_chunks(n_items, width):
            entries = int(np.broadcast_to(width, (n_items,))[sl].sum())
            seen.append(entries)
            assert entries <= budget or sl.stop - sl.start == 1
            yield sl

    monkeypatch.setattr(pxrd, "chunks", spy)
    monkeypatch.setattr(pxrd_compare, "chunks", spy)
    crystal = pxrd.load_crystal(write_cif(300))  # 300 atoms: 16 reflections per structure-factor chunk
    pattern = pxrd.simulate_pxrd(crystal)
    observed = PowderPattern(pattern.grid, 10 * pattern.profile + 5, np.sqrt(10 * pattern.profile + 5), "test", USER)
    pxrd_compare.compare_pattern(crystal, observed, refine_zero=False)
    assert len(seen) > 50 and max(seen) <= budget


def test_truncated_profile_is_the_profile_matrix_product():
    rng = np.random.default_rng(3)
    grid = np.arange(5.0, 50.0, 0.01)
    positions, intensities = rng.uniform(4.0, 51.0, 400), rng.uniform(0.0, 10.0, 400)
    expected = pxrd_compare.profile_matrix(grid, positions, 0.1, 0.5) @ intensities
    assert_close(pxrd_compare.truncated_profile(grid, positions, intensities, 0.1, 0.5), expected, 1e-12)


# ------------------------------------------------------------------------------------------------ PXRD limits


def test_too_many_sites_refused_before_expansion(write_cif, monkeypatch):
    monkeypatch.setattr(pxrd, "MAX_ATOMS_PER_CELL", 10)
    path = write_cif(11)
    with pytest.raises(InputError, match="MAX_ATOMS_PER_CELL") as err:
        pxrd.load_crystal(path)
    message = str(err.value)
    assert message.startswith(path) and "at least 11 atoms" in message and "Fix:" in message
    assert "\n" not in message


def test_too_many_atoms_after_symmetry_refused(write_cif, monkeypatch):
    monkeypatch.setattr(pxrd, "MAX_ATOMS_PER_CELL", 30)
    pxrd.load_crystal(write_cif(30))  # P1: 30 atoms, at the limit
    with pytest.raises(InputError, match="more than the 30 a PXRD simulation accepts"):
        pxrd.load_crystal(write_cif(8, "C 1 2/c 1"))  # 8 general sites × 8 = 64 atoms


def test_too_many_reflections_refused_before_they_are_listed(write_cif, monkeypatch):
    crystal = pxrd.load_crystal(write_cif(4, a=60.0))  # 60 × 66 × 54 Å: ≈ 72 000 (h k l) up to d = 1.8 Å
    monkeypatch.setattr(pxrd, "MAX_REFLECTIONS", 50_000)
    monkeypatch.setattr(pxrd, "_hkl_in_sphere", lambda *args: pytest.fail("reflections listed before the check"))
    with pytest.raises(InputError, match="reflections up to d = .*MAX_REFLECTIONS.*Fix: lower the 2θ maximum"):
        pxrd.simulate_pxrd(crystal)


@pytest.mark.parametrize(("limit", "value", "words"), [
    ("MAX_PHASE_TERMS", 10_000, "structure-factor terms"),
    ("MAX_PROFILE_TERMS", 100_000, "profile terms"),
])
def test_cost_limits(write_cif, monkeypatch, limit, value, words):
    monkeypatch.setattr(pxrd, limit, value)
    with pytest.raises(InputError, match=f"{words}.*pxrd.{limit}"):
        pxrd.simulate_pxrd(write_cif(60))


def test_comparison_limit(write_cif, monkeypatch):
    crystal = pxrd.load_crystal(write_cif(20))
    pattern = pxrd.simulate_pxrd(crystal)
    observed = PowderPattern(pattern.grid, pattern.profile + 1, np.ones(pattern.grid.size), "test", USER)
    monkeypatch.setattr(pxrd_compare, "MAX_PROFILE_PAIRS", 1_000)
    with pytest.raises(InputError, match="MAX_PROFILE_PAIRS.*Fix: rebin the measured pattern"):
        pxrd_compare.compare_pattern(crystal, observed)


def test_cli_refuses_with_exit_code_2(write_cif, monkeypatch, capsys):
    monkeypatch.setattr(pxrd, "MAX_ATOMS_PER_CELL", 10)
    assert main(["pxrd", write_cif(12)]) == 2
    err = capsys.readouterr().err
    assert "pxrd.MAX_ATOMS_PER_CELL" in err and "Fix:" in err


# ------------------------------------------------------------------------------------------------ row limit


def write_rows(path, n: int, *, header: str = "wavelength_nm,reflectance", newline: str = "\n",
               comments: int = 0) -> str:
    rows = [f"{400 + i * 0.1:.1f},0.5" for i in range(n)]
    path.write_text(newline.join(["# comment"] * comments + [header] + rows) + newline)
    return str(path)


def test_row_limit_counts_data_rows_only(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 20)
    assert len(readers.read_dataset(write_rows(tmp_path / "ok.csv", 20, comments=30), "drs").frame) == 20
    path = write_rows(tmp_path / "long.csv", 21)
    with pytest.raises(InputError, match="more than 20 data rows .readers.MAX_ROWS.. Fix: average or decimate") as err:
        readers.read_dataset(path, "drs")
    assert str(err.value).startswith(path)
    with pytest.raises(InputError, match="MAX_ROWS"):  # old Mac line ends are lines too
        readers.read_dataset(write_rows(tmp_path / "cr.csv", 21, newline="\r"), "drs")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_row_count_ignores_comments_blank_lines_and_encoding(tmp_path, monkeypatch, encoding):
    # the count alone: which encodings the parser accepts is data/tables.py's business
    monkeypatch.setattr(readers, "check_text_table", Path)
    path = tmp_path / "table.csv"
    lines = ["# exported by the instrument", "", "wavelength_nm,reflectance"] + [f"{400 + i},0.5" for i in range(10)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    readers.check_row_count(path, max_rows=10)
    with pytest.raises(InputError, match="more than 9 data rows"):
        readers.check_row_count(path, max_rows=9)


def test_row_limit_for_powder_patterns(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 20)
    xy = tmp_path / "long.xy"
    xy.write_text("\n".join(f"{10 + 0.01 * i:.2f} {100 + i}" for i in range(22)) + "\n")  # no header: 22 rows
    with pytest.raises(InputError, match="MAX_ROWS"):
        read_xy(xy)
    raw = tmp_path / "long.raw"
    raw.write_text("title\nBANK 1 21 3 CONST 1000.0 1.0 0 0 STD\n" + "".join(f"{100:8d}" for _ in range(21)) + "\n")
    with pytest.raises(InputError, match="declares 21 points, more than 20"):
        read_gsas_raw(raw)


def test_cli_refuses_a_long_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(readers, "MAX_ROWS", 20)
    assert main(["tauc", write_rows(tmp_path / "long.csv", 25)]) == 2
    assert "readers.MAX_ROWS" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------ long series


@pytest.mark.parametrize(("n", "window", "deriv"), [(3_000, 301, 0), (20_000, 4_001, 1), (50_000, 20_001, 0),
                                                    (2_000, 1_999, 2), (2_000, 21, 0)])
def test_fast_savgol_equals_scipy(n, window, deriv):
    rng = np.random.default_rng(n)
    values = np.cumsum(rng.normal(size=n)) + 5 * np.sin(np.arange(n) / 300)
    expected = savgol_filter(values, window, 2, deriv=deriv, delta=0.01)
    assert_close(series.savgol_smooth(values, window, 2, deriv=deriv, delta=0.01), expected, 1e-11)


def test_smooth_maxima_equal_find_peaks_on_a_long_curve():
    x = np.linspace(0.0, 10.0, 400_001)
    rng = np.random.default_rng(0)
    raw = sum(h * np.exp(-((x - c) / 0.3) ** 2) for c, h in ((2, 1.0), (4.5, 0.5), (7, 0.8), (7.8, 0.6)))
    smooth = series.savgol_smooth(raw + rng.normal(0, 0.01, x.size), 4_001, 2)
    expected, _ = find_peaks(smooth, prominence=0.05)
    found = series.smooth_maxima(smooth, 4_001, 0.05)
    np.testing.assert_array_equal(found, expected)
    assert found.size == 4


def test_bin_means_keep_a_line_and_map_back():
    x = np.arange(10_007, dtype=float)
    binned = series.bin_means(x, 3 * x + 1, 1_000)
    assert binned.per_bin == 11 and binned.x.size == 910
    np.testing.assert_allclose(binned.y, 3 * binned.x + 1, rtol=1e-13)
    assert binned.raw_slice(slice(2, 5)) == slice(22, 55)
    assert binned.raw_slice(slice(900, 910)) == slice(9900, 10_007)
    assert binned.note("the search") == "10,007 points binned to 910 (means of 11 consecutive points) for the search"
    assert series.bin_means(x[:50], x[:50], 1_000).note("the search") is None


def embedded_model(kind: str, form: str, monkeypatch, module, sampling: str, value) -> Dataset:
    """The forward model of the embedded default (same parameters and seed), with only its sampling changed."""
    monkeypatch.setattr(module, sampling, value)
    registry = default_registry()
    return reconstructors()[kind](form, registry, rng_for(DEFAULT_SEED, kind, form))


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_tauc_million_points_same_gap_as_decimated(form, monkeypatch):
    """A 10⁶-point DRS (the embedded default's model every 0.0006 nm) and every 1 666th point of it (601 points,
    the default's sampling): the band gaps agree within their combined uncertainty."""
    dense_data = embedded_model("drs", form, monkeypatch, optical, "DRS_STEP_NM", 600.0 / 999_999)
    assert len(dense_data.frame) == 1_000_000
    dense = analyse_tauc(dense_data)
    decimated = analyse_tauc(Dataset("drs", form, dense_data.frame.iloc[::1_666], USER))
    combined = np.hypot(dense.band_gap_uncertainty_eV, decimated.band_gap_uncertainty_eV)
    assert abs(dense.band_gap_eV - decimated.band_gap_eV) <= 2 * combined
    assert abs(dense.band_gap_eV - default_registry().value("band_gap", form)) <= 0.01


def test_tauc_fast_smoothing_gives_the_direct_answer(monkeypatch):
    data = embedded_model("drs", "sp", monkeypatch, optical, "DRS_STEP_NM", 0.01)  # 60 001 points
    fast = analyse_tauc(data)
    monkeypatch.setattr(series, "FFT_MIN_WINDOW", 10**9)  # scipy's O(N·W) Savitzky–Golay, as before
    direct = analyse_tauc(data)
    assert fast.fit_window_eV == direct.fit_window_eV
    assert fast.band_gap_eV == pytest.approx(direct.band_gap_eV, rel=1e-9)


def mott_schottky_data(n_potentials: int, monkeypatch) -> Dataset:
    """The embedded sp Mott–Schottky model at ``n_potentials`` potentials (−1.2 … 0.4 V) per frequency."""
    return embedded_model("mott_schottky", "sp", monkeypatch, electrical, "MS_POTENTIALS_V",
                          np.linspace(-1.2, 0.4, n_potentials))


def test_mott_schottky_binned_search_same_flat_band(monkeypatch):
    data = mott_schottky_data(6_000, monkeypatch)
    binned = mott_schottky.analyse_mott_schottky(data)
    assert "6,000 points binned to 2,000" in binned.frequencies[0].window_rule
    assert "binned" in binned.origin.source
    monkeypatch.setattr(mott_schottky, "MAX_SEARCH_POINTS", 10**9)
    unbinned = mott_schottky.analyse_mott_schottky(data)
    assert "binned" not in unbinned.frequencies[0].window_rule
    combined = np.hypot(binned.flat_band_uncertainty_V, unbinned.flat_band_uncertainty_V)
    assert abs(binned.flat_band_V_vs_NHE - unbinned.flat_band_V_vs_NHE) <= combined


def test_mott_schottky_million_rows_same_flat_band_as_decimated(monkeypatch):
    data = mott_schottky_data(333_334, monkeypatch)  # 3 frequencies: 1 000 002 rows
    dense = mott_schottky.analyse_mott_schottky(data)
    assert "333,334 points binned to" in dense.frequencies[0].window_rule
    every_2000th = data.frame.groupby("frequency_Hz").cumcount() % 2_000 == 0
    decimated = mott_schottky.analyse_mott_schottky(Dataset("mott_schottky", "sp", data.frame[every_2000th],
                                                            USER, metadata=data.metadata))
    assert decimated.frequencies[0].n_points < 100  # of 167 potentials per frequency
    combined = np.hypot(dense.flat_band_uncertainty_V, decimated.flat_band_uncertainty_V)
    assert abs(dense.flat_band_V_vs_NHE - decimated.flat_band_V_vs_NHE) <= 2 * combined


def test_uvvis_deconvolution_on_bin_means_same_bands(monkeypatch):
    data = embedded_model("uvvis_solution", "sp", monkeypatch, optical, "UVVIS_STEP_NM", 350.0 / 59_999)
    binned = uvvis.analyse_uvvis(data, deconvolve_bands=True)
    assert "60,000 points binned to 20,000" in binned.method
    monkeypatch.setattr(uvvis, "MAX_FIT_POINTS", 10**9)
    full = uvvis.analyse_uvvis(data, deconvolve_bands=True)
    for a, b, se in zip(binned.peaks_nm, full.peaks_nm, full.peaks_uncertainty_nm, strict=True):
        assert abs(a - b) <= se
    np.testing.assert_allclose(binned.peaks_uncertainty_nm, full.peaks_uncertainty_nm, rtol=0.1)


def photocurrent_data(sampling_s: float, tau_s: float, period_s: float = 20.0) -> Dataset:
    """Five light cycles (the illustrative default's shape) sampled every ``sampling_s``, rise and decay τ."""
    light_on = [period_s * (1 + 2 * i) for i in range(5)]
    time_s = np.arange(0.0, 11 * period_s, sampling_s)
    frame = photochemistry.simulate_photocurrent(time_s, light_on, [on + period_s for on in light_on],
                                                 dark_current_A=5e-9, photocurrent_A=2e-7, tau_rise_s=tau_s,
                                                 tau_decay_s=tau_s, noise_A=2e-9, rng=np.random.default_rng(5))
    return Dataset("photocurrent", "sp", frame, USER)


def test_photocurrent_fits_on_bin_means_same_time_constants(monkeypatch):
    monkeypatch.setattr(photocurrent, "MAX_FIT_POINTS", 1_000)
    data = photocurrent_data(5e-3, 0.8)  # ≈ 6 000 samples per fit window: means of 6 samples (30 ms ≪ τ)
    binned = analyse_photocurrent(data)
    assert "transient fits on means of up to 6 consecutive samples" in binned.origin.source
    monkeypatch.setattr(photocurrent, "MAX_FIT_POINTS", 10**9)
    full = analyse_photocurrent(data)
    for a, b in zip(binned.cycles, full.cycles, strict=True):
        assert abs(a.rise_tau_s - b.rise_tau_s) <= 2 * b.rise_tau_uncertainty_s
        assert abs(a.decay_tau_s - b.decay_tau_s) <= 2 * b.decay_tau_uncertainty_s
        assert a.amplitude_A == pytest.approx(b.amplitude_A, rel=1e-4)  # plateau means use every sample


def test_photocurrent_fast_response_is_refitted_on_every_sample(monkeypatch):
    monkeypatch.setattr(photocurrent, "MAX_FIT_POINTS", 500)
    data = photocurrent_data(2e-3, 0.008, period_s=2.0)  # τ = 4 samples: bins of 3 samples would not resolve it
    result = analyse_photocurrent(data)
    assert "transient fits on means" not in result.origin.source
    assert result.mean_rise_tau_s == pytest.approx(0.008, rel=0.1)
