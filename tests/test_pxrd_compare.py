"""Experimental-pattern readers, the comparison engine on the real PbSO4 pattern, and the pxrd CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.readers_pxrd import PowderPattern, read_gsas_raw, read_powder_pattern, read_xy
from ti10cu2_lib.structure.pxrd import PxrdSettings, load_crystal, simulate_pxrd
from ti10cu2_lib.structure.pxrd_compare import compare_pattern, profile_matrix


@pytest.fixture
def pbso4(reference_data) -> tuple[Path, Path, Path]:
    d = reference_data / "pxrd"
    return d / "PbSO4-Wyckoff.cif", d / "PBSO4.XRA", d / "INST_XRY.PRM"


def _icons(prm: Path) -> tuple[float, float, float]:
    """λ1, λ2 and the Kα2/Kα1 ratio from the GSAS instrument file's ICONS record."""
    for line in prm.read_text().splitlines():
        if "ICONS" in line:
            values = line.split("ICONS")[1].split()
            return float(values[0]), float(values[1]), float(values[-1])
    raise AssertionError("no ICONS line")


# ---------------------------------------------------------------------------------------------------- readers


def test_gsas_raw_grid_read_off_the_header(pbso4):
    _, raw, _ = pbso4
    lines = raw.read_text(encoding="latin-1").splitlines()
    bank = next(line for line in lines if line.startswith("BANK")).split()
    nchan, start, step = int(bank[2]), float(bank[5]) / 100, float(bank[6]) / 100
    pattern = read_gsas_raw(raw)
    assert pattern.two_theta.size == nchan == 6001
    assert pattern.two_theta[0] == pytest.approx(start) and start == 10.0
    assert pattern.two_theta[-1] == pytest.approx(start + (nchan - 1) * step) and step == 0.025
    assert np.allclose(np.diff(pattern.two_theta), step)
    # counts: the integers after the BANK line in reading order (padding zeros beyond NCHAN add nothing)
    data_start = next(i for i, line in enumerate(lines) if line.startswith("BANK")) + 1
    numbers = [int(v) for line in lines[data_start:] for v in line.split()]
    assert pattern.intensity[:10].tolist() == numbers[:10]
    assert pattern.intensity[-1] == numbers[nchan - 1] == 368
    assert pattern.intensity.sum() == sum(numbers)
    assert np.allclose(pattern.sigma, np.sqrt(np.maximum(pattern.intensity, 1)))
    assert pattern.origin.provenance == Provenance.USER and "PBSO4.XRA" in pattern.origin.source
    assert read_powder_pattern(raw).two_theta.size == nchan


def test_gsas_truncated_and_wrong_files(tmp_path, pbso4):
    _, raw, prm = pbso4
    lines = raw.read_text(encoding="latin-1").splitlines()
    cut = tmp_path / "cut.xra"
    cut.write_text("\n".join(lines[:100]) + "\n")
    with pytest.raises(InputError, match="ends after 980 of the 6001 points"):
        read_gsas_raw(cut)
    nobank = tmp_path / "nobank.raw"
    nobank.write_text("title\n 1 2 3\n")
    with pytest.raises(InputError, match="no BANK line"):
        read_powder_pattern(nobank)
    tof = tmp_path / "tof.gsa"
    tof.write_text("title\nBANK 1 10 1 TIME_MAP 1 0 0 0 STD\n" + "     100" * 10 + "\n")
    with pytest.raises(InputError, match="not a constant-step"):
        read_gsas_raw(tof)
    garbage = tmp_path / "garbage.xra"
    garbage.write_text("title\nBANK 1 5 1 CONST 1000 2 0 0 STD\n     100     abc\n")
    with pytest.raises(InputError, match="non-numeric field 'abc' in line 3"):
        read_gsas_raw(garbage)


def test_gsas_esd_and_fxye(tmp_path):
    esd = tmp_path / "e.gsa"
    esd.write_text("t\nBANK 1 3 1 CONST 500 10 0 0 ESD\n" + "".join(f"{v:8.1f}{e:8.2f}" for v, e in
                                                               [(100, 9), (400, 21), (90, 8)]) + "\n")
    p = read_gsas_raw(esd)
    assert p.two_theta.tolist() == pytest.approx([5.0, 5.1, 5.2])
    assert p.intensity.tolist() == [100, 400, 90] and p.sigma.tolist() == [9, 21, 8]
    fxye = tmp_path / "f.fxye"
    fxye.write_text("t\nBANK 1 3 3 CONST 0 0 0 0 FXYE\n1000 5 2\n1010 6 2.5\n1020 7 3\n")
    p = read_powder_pattern(fxye)
    assert p.two_theta.tolist() == pytest.approx([10.0, 10.1, 10.2]) and p.sigma.tolist() == [2, 2.5, 3]


def test_xy_text_formats(tmp_path):
    (tmp_path / "a.xy").write_text("# 2theta counts\n10.0 5\n10.02 7\n10.04 9\n")
    p = read_powder_pattern(tmp_path / "a.xy")
    assert p.two_theta.tolist() == [10.0, 10.02, 10.04] and p.intensity.tolist() == [5, 7, 9]
    assert "Poisson" in p.sigma_source
    (tmp_path / "b.csv").write_text("two_theta_deg,intensity,esd\n20,1,0.5\n19,2,0.6\n18,3,0.7\n")
    p = read_xy(tmp_path / "b.csv")  # descending input is returned ascending
    assert p.two_theta.tolist() == [18, 19, 20] and p.intensity.tolist() == [3, 2, 1]
    assert p.sigma.tolist() == [0.7, 0.6, 0.5]
    (tmp_path / "c.xye").write_text("5 1 1\n6 2 1.5\n7 3 2\n")
    assert read_powder_pattern(tmp_path / "c.xye").sigma.tolist() == [1, 1.5, 2]


@pytest.mark.parametrize("text, problem", [
    ("2theta;intensity\n10,0;5\n10,1;6\n10,2;7\n", "decimal comma"),
    ("wavelength,absorbance\n1,2\n2,3\n3,4\n", "cannot tell the 2θ and intensity columns apart"),
    ("10 1\n10 2\n10.1 3\n", "duplicated 2θ"),
    ("10 1\n11 2\n10.5 3\n", "not monotonic"),
    ("200 1\n201 2\n202 3\n", "outside 0–180"),
    ("10 1\n11 nan\n12 3\n", "non-finite"),
])
def test_xy_bad_input(tmp_path, text, problem):
    path = tmp_path / "bad.xy"
    path.write_text(text)
    with pytest.raises(InputError, match=problem) as info:
        read_powder_pattern(path)
    assert "bad.xy" in str(info.value) and "Fix:" in str(info.value) and "\n" not in str(info.value)


# ---------------------------------------------------------------------------------------------- comparison


def test_pbso4_strong_peaks_matched(pbso4):
    """Every observed peak ≥ 10 % of the highest (after background) has a calculated reflection within 0.1°."""
    cif, raw, prm = pbso4
    lam1, lam2, ratio = _icons(prm)
    crystal = load_crystal(cif)
    result = compare_pattern(crystal, read_gsas_raw(raw), wavelength=lam1, kalpha2=(lam2, ratio), fwhm=0.08)
    assert len(result.matches) >= 15
    deltas = [abs(m["delta"]) for m in result.matches]
    assert result.all_matched and max(deltas) <= 0.1
    assert abs(result.zero_shift) < 0.1 and result.zero_refined
    # the 20 strongest observed maxima, whatever their height
    top20 = compare_pattern(crystal, read_gsas_raw(raw), wavelength=lam1, kalpha2=(lam2, ratio), fwhm=0.08,
                            peak_threshold=0.02)
    assert sum(m["matched"] for m in top20.matches[:20]) == 20
    assert result.rwp < 40.0 and result.rexp < result.rwp  # an unrefined model: positions, not a Rietveld fit


def test_pbso4_wrong_cell_fails_to_match(pbso4):
    """Negative control: the matching criterion can fail (cell a stretched by 1.5 %)."""
    cif, raw, prm = pbso4
    lam1, lam2, ratio = _icons(prm)
    crystal = load_crystal(cif)
    wrong = dataclasses.replace(crystal, cell=(crystal.cell[0] * 1.015, *crystal.cell[1:]))
    good = compare_pattern(crystal, read_gsas_raw(raw), wavelength=lam1, kalpha2=(lam2, ratio), fwhm=0.08)
    bad = compare_pattern(wrong, read_gsas_raw(raw), wavelength=lam1, kalpha2=(lam2, ratio), fwhm=0.08)
    assert not bad.all_matched
    assert bad.rwp > good.rwp + 5


def _synthetic(crystal, settings: PxrdSettings, *, scale=5000.0, seed=1) -> PowderPattern:
    sim = simulate_pxrd(crystal, settings)
    rng = np.random.default_rng(seed)
    background = 200 + 50 * np.exp(-(sim.grid - settings.two_theta_min) / 20)
    counts = rng.poisson(background + scale * sim.profile / 100).astype(float)
    return PowderPattern(sim.grid, counts, np.sqrt(np.maximum(counts, 1)), "Poisson",
                         Origin(Provenance.ILLUSTRATIVE, "synthetic test pattern"))


def test_march_dollase_r_round_trip(pbso4):
    cif, _, _ = pbso4
    crystal = load_crystal(cif)
    settings = PxrdSettings(two_theta_min=10, two_theta_max=80, step=0.02, po_hkl=(0, 0, 1), po_r=0.7)
    observed = _synthetic(crystal, settings)
    result = compare_pattern(crystal, observed, po_hkl=(0, 0, 1), refine_po=True, refine_zero=False,
                             background_degree=4)
    assert result.po_r == pytest.approx(0.7, abs=0.02)
    random = compare_pattern(crystal, observed, po_hkl=(0, 0, 1), refine_po=False, refine_zero=False,
                             background_degree=4)
    assert result.rwp < random.rwp
    # a direction without texture in the data refines to r ≈ 1
    untextured = _synthetic(crystal, dataclasses.replace(settings, po_hkl=None, po_r=1.0))
    assert compare_pattern(crystal, untextured, po_hkl=(0, 0, 1), refine_po=True, refine_zero=False,
                           background_degree=4).po_r == pytest.approx(1.0, abs=0.02)


def test_zero_shift_round_trip(pbso4):
    cif, _, _ = pbso4
    crystal = load_crystal(cif)
    observed = _synthetic(crystal, PxrdSettings(two_theta_min=10, two_theta_max=80))
    shifted = dataclasses.replace(observed, two_theta=observed.two_theta + 0.073)
    result = compare_pattern(crystal, shifted, background_degree=4)
    assert result.zero_shift == pytest.approx(0.073, abs=0.003)
    deltas = [abs(m["delta"]) for m in result.matches]
    assert result.all_matched and np.median(deltas) < 0.005 and max(deltas) < 0.03  # blends move some maxima


def test_profile_matrix_area():
    grid = np.arange(0, 40, 0.01)
    m = profile_matrix(grid, np.array([10.0, 20.0]), 0.1, 0.0)
    assert m.shape == (grid.size, 2)
    assert np.allclose(np.asarray(m.sum(axis=0)).ravel() * 0.01, 1.0, atol=1e-6)


# ------------------------------------------------------------------------------------------------------ CLI


def test_cli_pxrd_json(pbso4, capsys):
    cif, raw, _ = pbso4
    assert main(["pxrd", str(cif), "--two-theta-max", "40", "--po-hkl", "0,0,1", "--po-r", "0.9", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"peaks", "pattern", "settings", "provenance", "conventions"} <= data.keys()
    peak = data["peaks"][0]
    assert {"h", "k", "l", "two_theta", "d", "intensity", "multiplicity"} <= peak.keys()
    assert max(p["two_theta"] for p in data["peaks"]) <= 40
    assert data["settings"]["po_hkl"] == [0, 0, 1] and data["settings"]["po_r"] == 0.9
    assert data["provenance"]["data_provenance"] == ["user"]
    assert main(["pxrd", str(cif), "--compare", str(raw), "--kalpha2-ratio", "0.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    comp = data["comparison"]
    assert comp["n_matched"] == comp["n_observed_peaks"] >= 15
    assert sorted(comp["provenance"]["data_provenance"]) == ["user"]


def test_cli_pxrd_table_and_errors(pbso4, capsys, tmp_path):
    cif, _, _ = pbso4
    assert main(["pxrd", str(cif)]) == 0
    out = capsys.readouterr().out
    assert "2theta_deg" in out and "lorentz_polarisation" in out and "provenance: computed" in out
    assert main(["pxrd", str(tmp_path / "missing.cif")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["pxrd", str(cif), "--po-hkl", "1,x"]) == 2
    assert main(["pxrd", str(cif), "--po-r", "0.5"]) == 2
    assert "--po-r needs a direction" in capsys.readouterr().err
    bad = tmp_path / "bad.xy"
    bad.write_text("1,5 2\n")
    assert main(["pxrd", str(cif), "--compare", str(bad)]) == 2
