"""CLI contract of ``mott-schottky``, ``conductivity`` and ``bands``: JSON keys, values, exit code 2 on bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward.electrical import simulate_iv, simulate_mott_schottky

from .conftest import run_cli

KT = 0.025693


def run_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def run_error(capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 2
    return capsys.readouterr().err


@pytest.fixture
def ms_file(tmp_path):
    """A Mott–Schottky file vs Ag/AgCl whose model flat band is −0.70 V vs Ag/AgCl (−0.503 V vs NHE)."""
    frame = simulate_mott_schottky(np.round(np.arange(-1.2, 0.4001, 0.01), 3), (1000.0, 2000.0),
                                   flat_band_V=-0.70, carrier_density_per_m3=1e24, permittivity=10.0, area_cm2=1.0,
                                   relative_noise=0.003, rng=np.random.default_rng(0))
    path = tmp_path / "ms.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_subprocess_entry_point_default_mott_schottky():
    proc = run_cli("mott-schottky", "--form", "sp", "--json", check_json=True)
    out = proc.json
    assert {"frequencies", "flat_band_V_vs_NHE", "carrier_type", "provenance"} <= set(out)
    assert out["flat_band_V_vs_NHE"] == pytest.approx(default_registry().value("flat_band", "sp"), abs=0.02)


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_default_mott_schottky_json(capsys, form):
    out = run_json(capsys, "mott-schottky", "--form", form)
    assert [f["frequency_Hz"] for f in out["frequencies"]] == list(default_registry().get("ms_frequencies").value)
    for fit in out["frequencies"]:
        assert {"frequency_Hz", "flat_band_V_vs_NHE", "flat_band_uncertainty_V", "slope", "r_squared",
                "fit_window_V", "carrier_type"} <= set(fit)
        assert fit["carrier_type"] == "n" and len(fit["fit_window_V"]) == 2
    assert out["flat_band_V_vs_NHE"] == pytest.approx(default_registry().value("flat_band", form), abs=0.02)
    assert out["reference_electrode"] == "Ag/AgCl"
    assert out["provenance"]["provenance"] == "computed"
    assert out["provenance"]["data_provenance"] == ["reconstructed"]


def test_kT_correction_option(capsys):
    plain = run_json(capsys, "mott-schottky", "--form", "cs")
    corrected = run_json(capsys, "mott-schottky", "--form", "cs", "--kT-correction")
    assert corrected["flat_band_V_vs_NHE"] - plain["flat_band_V_vs_NHE"] == pytest.approx(-KT, abs=1e-4)


def test_file_with_reference_and_density(capsys, ms_file):
    path, _ = ms_file
    out = run_json(capsys, "mott-schottky", str(path), "--reference", "Ag/AgCl (sat. KCl)", "--kT-correction",
                   "--permittivity", "10", "--area-cm2", "1")
    assert out["flat_band_V_vs_NHE"] == pytest.approx(-0.70 + 0.197, abs=0.02)
    assert out["provenance"]["data_provenance"] == ["user"]
    assert out["frequencies"][0]["carrier_density_per_cm3"] == pytest.approx(1e18, rel=0.05)
    vs_sce = run_json(capsys, "mott-schottky", str(path), "--reference", "SCE", "--kT-correction")
    assert vs_sce["flat_band_V_vs_NHE"] - out["flat_band_V_vs_NHE"] == pytest.approx(0.044, abs=1e-9)


def test_manual_window(capsys, ms_file):
    path, _ = ms_file
    out = run_json(capsys, "mott-schottky", str(path), "--reference", "Ag/AgCl", "--window", "-0.5,-0.3")
    for fit in out["frequencies"]:
        assert fit["fit_window_V"] == pytest.approx([-0.5, -0.3])
        assert fit["window_rule"] == "manual"


def test_mott_schottky_bad_input_exits_2(capsys, ms_file, tmp_path):
    path, frame = ms_file
    assert "--reference" in run_error(capsys, "mott-schottky", str(path))
    assert "pH" in run_error(capsys, "mott-schottky", str(path), "--reference", "RHE")
    assert "Ag/AgCl" in run_error(capsys, "mott-schottky", str(path), "--reference", "Hg/HgO")
    millivolts = tmp_path / "mv.csv"
    frame.assign(potential_V=frame["potential_V"] * 1000).to_csv(millivolts, index=False)
    assert "mV" in run_error(capsys, "mott-schottky", str(millivolts), "--reference", "Ag/AgCl")
    assert "LO,HI" in run_error(capsys, "mott-schottky", str(path), "--reference", "SCE", "--window", "-0.5")
    assert "area" in run_error(capsys, "mott-schottky", "--form", "sp", "--permittivity", "10")


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_default_conductivity_json(capsys, form):
    out = run_json(capsys, "conductivity", "--form", form)
    assert {"conductivity_S_per_m", "conductivity_uncertainty_S_per_m", "conductance_S", "r_squared",
            "provenance"} <= set(out)
    assert out["conductivity_S_per_m"] == pytest.approx(default_registry().value("conductivity", form), rel=0.1)
    assert out["linearity"]["is_ohmic"] and out["blank"]["distinguishable"]
    assert sorted(out["provenance"]["data_provenance"]) == ["reconstructed"]


def test_conductivity_file(capsys, tmp_path):
    iv, blank = tmp_path / "iv.csv", tmp_path / "blank.csv"
    simulate_iv(np.linspace(-0.2, 0.2, 81), conductance_S=2e-12, noise_rms_A=1e-14,
                rng=np.random.default_rng(1)).to_csv(iv, index=False)
    simulate_iv(np.linspace(-0.2, 0.2, 81), conductance_S=0.0, noise_rms_A=1e-14,
                rng=np.random.default_rng(2)).to_csv(blank, index=False)
    out = run_json(capsys, "conductivity", str(iv), "--length-mm", "0.5", "--area-mm2", "0.25",
                   "--blank", str(blank), "--length-rel-uncertainty", "0.1")
    # σ = 2e-12 S · 0.5e-3 m / 0.25e-6 m² = 4e-9 S/m
    assert out["conductivity_S_per_m"] == pytest.approx(4e-9, rel=0.05)
    assert out["conductivity_uncertainty_S_per_m"] >= 0.1 * out["conductivity_S_per_m"]
    assert out["blank"]["distinguishable"]
    assert "--length-mm" in run_error(capsys, "conductivity", str(iv))


def test_bands_json(capsys):
    out = run_json(capsys, "bands")
    assert set(out["forms"]) == {"sp", "cs"}
    verdict = {form: {r["product"]: r["allowed"] for r in out["forms"][form]["feasibility"]} for form in out["forms"]}
    assert verdict["cs"]["CO"] and not verdict["sp"]["CO"]
    for form in ("sp", "cs"):
        edges = out["forms"][form]
        assert edges["conduction_band_V_vs_NHE"] == pytest.approx(default_registry().value("flat_band", form),
                                                                  abs=0.02)
        assert edges["band_gap_eV"] == pytest.approx(default_registry().value("band_gap", form), abs=0.03)
        assert edges["valence_band_V_vs_NHE"] == pytest.approx(edges["conduction_band_V_vs_NHE"] + edges["band_gap_eV"])
        assert edges["valence_band_uncertainty_V"] > 0  # flat-band and Tauc uncertainties both known
        assert edges["provenance"]["data_provenance"] == ["reconstructed"]
    assert "provenance" in out and "Habisreutinger" in out["couples_source"]


def test_bands_overrides_and_offset(capsys):
    out = run_json(capsys, "bands", "--flat-band-sp", "-0.47", "--flat-band-cs", "-0.67", "--band-gap-sp", "2.27",
                   "--band-gap-cs", "2.35", "--offset", "-0.1", "--pH", "7")
    sp = out["forms"]["sp"]
    assert sp["conduction_band_V_vs_NHE"] == pytest.approx(-0.57)
    assert sp["valence_band_V_vs_NHE"] == pytest.approx(1.70)
    assert sp["provenance"]["data_provenance"] == ["user"]
    assert next(r for r in sp["feasibility"] if r["product"] == "CO")["allowed"]  # −0.57 < −0.53


def test_table_output(capsys):
    capsys.readouterr()
    assert main(["bands"]) == 0
    text = capsys.readouterr().out
    assert "CB_V_vs_NHE" in text and "provenance:" in text
