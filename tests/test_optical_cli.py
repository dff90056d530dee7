"""``ti10cu2 uvvis`` and ``ti10cu2 tauc``: JSON contract, unit handling of plain files, embedded defaults,
and one-line errors with exit status 2 for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.data.datasets import load
from ti10cu2_lib.data.readers import HC_EV_NM
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward.optical import simulate_drs, simulate_uvvis_solution, tauc_edge_F

from .conftest import run_cli

TAUC_KEYS = {"band_gap_eV", "band_gap_uncertainty_eV", "fit_window_eV", "transition", "method", "r_squared",
             "warnings", "provenance"}


def cli_json(capsys, *args: str) -> dict:
    status = main([*args, "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


def cli_error(capsys, *args: str) -> str:
    status = main(list(args))
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.fixture(scope="module")
def drs_frame():
    wavelength = np.arange(200.0, 801.0)
    return simulate_drs(wavelength, 2.31, noise=0.002, rng=np.random.default_rng(7))


@pytest.fixture
def drs_nm_file(tmp_path, drs_frame):
    path = tmp_path / "drs_nm.csv"
    drs_frame.to_csv(path, index=False, float_format="%.8g")
    return path


# ---------------------------------------------------------------- embedded defaults and the JSON contract
@pytest.mark.parametrize("form", ["sp", "cs"])
def test_tauc_on_the_embedded_default_gives_back_the_reported_gap(capsys, form):
    out = cli_json(capsys, "tauc", "--form", form)
    assert set(out) >= TAUC_KEYS
    assert out["band_gap_eV"] == pytest.approx(default_registry().value("band_gap", form), abs=0.02)
    lo, hi = out["fit_window_eV"]
    assert isinstance(lo, float) and lo < out["band_gap_eV"] + 0.5 < hi + 0.5
    assert out["transition"] == "direct" and out["method"] == "axis" and out["warnings"] == []
    assert out["provenance"]["provenance"] == "computed"
    assert out["provenance"]["data_provenance"] == ["reconstructed"]


@pytest.mark.parametrize("deconvolve", [False, True])
def test_uvvis_on_the_embedded_default_gives_back_the_reported_bands(capsys, deconvolve):
    out = cli_json(capsys, "uvvis", "--form", "cs", *(["--deconvolve"] if deconvolve else []))
    assert {"peaks_nm", "peaks_eV", "provenance"} <= set(out)
    assert all(isinstance(v, float) for v in out["peaks_nm"] + out["peaks_eV"])
    # maxima: the printed 310/365 nm to half a unit; deconvolution: the Gaussian centres recorded with the data
    expected = load("cs", "uvvis_solution").metadata["band_centers_nm"] if deconvolve else [310.0, 365.0]
    assert out["peaks_nm"] == pytest.approx(expected, abs=0.5)
    assert np.asarray(out["peaks_nm"]) * np.asarray(out["peaks_eV"]) == pytest.approx(HC_EV_NM)
    assert out["provenance"]["data_provenance"] == ["reconstructed"]


def test_console_script_contract_in_a_subprocess():
    out = run_cli("tauc", "--form", "sp", "--method", "baseline", "--json", check_json=True).json
    assert set(out) >= TAUC_KEYS and out["method"] == "baseline" and len(out["baseline_window_eV"]) == 2
    table = run_cli("tauc", "--form", "sp")
    assert table.returncode == 0 and "band gap (eV)" in table.stdout and "provenance: computed" in table.stdout


# ---------------------------------------------------------------- files and units
def test_plain_ev_file_gives_the_same_gap_as_the_nm_file(capsys, tmp_path, drs_frame, drs_nm_file):
    energy_file = tmp_path / "drs_ev.txt"
    energy = HC_EV_NM / drs_frame["wavelength_nm"].to_numpy()
    np.savetxt(energy_file, np.column_stack([energy, drs_frame["reflectance"]]), fmt="%.10g")
    percent_file = tmp_path / "drs_percent.csv"
    drs_frame.assign(reflectance=100 * drs_frame["reflectance"]).rename(
        columns={"reflectance": "reflectance_percent"}).to_csv(percent_file, index=False, float_format="%.10g")
    from_nm = cli_json(capsys, "tauc", str(drs_nm_file))
    from_ev = cli_json(capsys, "tauc", str(energy_file), "--x-unit", "eV")
    from_percent = cli_json(capsys, "tauc", str(percent_file))
    assert from_nm["band_gap_eV"] == pytest.approx(2.31, abs=0.02)
    assert from_ev["band_gap_eV"] == pytest.approx(from_nm["band_gap_eV"], abs=1e-4)
    assert from_percent["band_gap_eV"] == pytest.approx(from_nm["band_gap_eV"], abs=1e-4)
    assert from_nm["provenance"]["data_provenance"] == ["user"]


def test_absorbance_file_with_y_kind(capsys, tmp_path):
    wavelength = np.arange(200.0, 801.0)
    energy = HC_EV_NM / wavelength
    absorbance = 0.01 + tauc_edge_F(energy, 2.5, transition="indirect", urbach_eV=0.05, linear_range_eV=0.5,
                                    levelling_eV=0.3, edge_top_F=1.5)
    path = tmp_path / "absorbance.txt"
    np.savetxt(path, np.column_stack([wavelength, absorbance]), fmt="%.10g")
    out = cli_json(capsys, "tauc", str(path), "--y-kind", "absorbance", "--transition", "indirect")
    assert out["absorption"] == "absorbance" and out["transition"] == "indirect"
    assert out["band_gap_eV"] == pytest.approx(2.5, abs=0.02)


def test_uvvis_plain_ev_file_gives_the_same_peaks(capsys, tmp_path):
    wavelength = np.arange(250.0, 601.0)
    frame = simulate_uvvis_solution(wavelength, (310.0, 365.0), (0.45, 0.45), (1.0, 0.6), baseline=(0.02, 0.01),
                                    noise=0.003, rng=np.random.default_rng(1))
    nm_file, ev_file = tmp_path / "uv_nm.csv", tmp_path / "uv_ev.txt"
    frame.to_csv(nm_file, index=False, float_format="%.10g")
    np.savetxt(ev_file, np.column_stack([HC_EV_NM / wavelength, frame["absorbance"]]), fmt="%.12g")
    from_nm = cli_json(capsys, "uvvis", str(nm_file), "--deconvolve")
    from_ev = cli_json(capsys, "uvvis", str(ev_file), "--x-unit", "eV", "--deconvolve")
    assert from_ev["peaks_nm"] == pytest.approx(from_nm["peaks_nm"], abs=1e-4)
    assert from_nm["peaks_nm"] == pytest.approx([310.0, 365.0], abs=0.5)


# ---------------------------------------------------------------- options
def test_manual_window_and_wrong_transition(capsys, drs_nm_file):
    automatic = cli_json(capsys, "tauc", str(drs_nm_file))
    manual = cli_json(capsys, "tauc", str(drs_nm_file), "--window", "2.9,3.2")
    assert manual["fit_window_eV"] == [2.9, 3.2] and manual["window_selection"] == "manual"
    assert manual["band_gap_eV"] < automatic["band_gap_eV"] - 0.3  # the levelling-off part extrapolates low
    assert manual["linear_quality"] == "poorly linear" and manual["warnings"]
    indirect = cli_json(capsys, "tauc", str(drs_nm_file), "--transition", "indirect")
    assert indirect["linear_quality"] == "poorly linear"
    assert any("poorly linear" in w for w in indirect["warnings"])


# ---------------------------------------------------------------- bad input: exit 2, one line
def test_negative_reflectance(capsys, tmp_path):
    path = tmp_path / "negative.csv"
    path.write_text("wavelength_nm,reflectance\n400,0.5\n401,-0.01\n402,0.5\n")
    assert "negative reflectance" in cli_error(capsys, "tauc", str(path))


def test_reflectance_above_one_as_fraction(capsys, tmp_path):
    path = tmp_path / "above_one.csv"
    path.write_text("wavelength_nm,reflectance\n" + "".join(f"{w},{1.2 if w == 500 else 0.6}\n"
                                                            for w in range(400, 600)))
    assert "fraction above 1 or a dark sample" in cli_error(capsys, "tauc", str(path))


def test_decimal_commas(capsys, tmp_path):
    path = tmp_path / "commas.txt"
    path.write_text("400\t0,51\n401\t0,52\n402\t0,53\n")
    assert "decimal comma" in cli_error(capsys, "tauc", str(path))
    assert "decimal comma" in cli_error(capsys, "uvvis", str(path))


def test_binary_file(capsys, tmp_path):
    path = tmp_path / "spectrum.spc"
    path.write_bytes(b"\x00\x01\x02SPC\x00" * 50)
    assert "binary" in cli_error(capsys, "tauc", str(path))
    assert "binary" in cli_error(capsys, "uvvis", str(path))


@pytest.mark.parametrize(("window", "message"), [("a,b", "not two numbers"), ("2.7,2.3", "0 < LO < HI"),
                                                 ("7,8", "fewer than"), ("2.5", "not two numbers")])
def test_bad_window(capsys, drs_nm_file, window, message):
    assert message in cli_error(capsys, "tauc", str(drs_nm_file), f"--window={window}")
