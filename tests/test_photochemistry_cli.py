"""CLI contract of composition, co2, photocurrent, ir and tga: JSON keys, provenance, exit code 2 on bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.cli import main

from .conftest import run_cli


def run_json(capsys, *args: str) -> dict:
    status = main([*args, "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


def write_csv(tmp_path, name: str, frame: pd.DataFrame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_composition_both_forms_and_one(capsys):
    both = run_json(capsys, "composition")
    assert set(both) == {"sp", "cs"}
    assert both["sp"]["sum_formula"] == "C74H92Cu2O50Ti10"
    one = run_json(capsys, "composition", "cs")
    for key in ("sum_formula", "molar_mass_g_per_mol", "mass_percent", "charge_balance", "tga_residue_percent",
                "provenance"):
        assert key in one
    assert set(one["mass_percent"]) == {"C", "H", "O", "Ti", "Cu"}
    assert one["molar_mass_g_per_mol"] == pytest.approx(2323.2, abs=0.05)
    assert one["charge_balance"]["neutral"] is True
    assert one["provenance"]["data_provenance"] == ["reported"]


@pytest.mark.parametrize(("form", "electrons"), [("cs", 550.8), ("sp", 372.0)])
def test_co2_on_the_embedded_default(capsys, form, electrons):
    out = run_json(capsys, "co2", "--form", form)
    ch4 = out["products"]["CH4"]
    assert set(ch4) >= {"rate_umol_per_g_h", "rate_uncertainty_umol_per_g_h", "final_yield_umol_per_g",
                        "electrons_per_molecule", "electron_selectivity_percent"}
    assert ch4["electrons_per_molecule"] == 8 and out["products"]["CO"]["electrons_per_molecule"] == 2
    assert out["total_electrons_umol_per_g"] == pytest.approx(electrons)
    assert out["provenance"]["data_provenance"] == ["reconstructed"]


def test_co2_user_file_in_minutes(tmp_path, capsys):
    path = write_csv(tmp_path, "gc.csv", pd.DataFrame({"time_min": [0, 60, 120, 180],
                                                      "CH4_umol_per_g": [0.0, 2.0, 4.0, 6.0],
                                                      "H2_umol_per_g": [0.0, 10.0, 20.0, 30.0]}))
    out = run_json(capsys, "co2", path)
    assert out["products"]["CH4"]["rate_umol_per_g_h"] == pytest.approx(2.0)
    assert out["products"]["H2"]["electron_selectivity_percent"] == pytest.approx(100 * 60 / (60 + 48))
    assert out["total_electrons_umol_per_g"] == pytest.approx(8 * 6 + 2 * 30)
    assert out["provenance"]["data_provenance"] == ["user"]
    intercept = run_json(capsys, "co2", path, "--with-intercept")
    assert "with intercept" in intercept["fit"]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("negative.csv", "time_h,CH4_umol_per_g\n0,0\n1,-2\n2,4\n", "negative yield"),
    ("notime.csv", "hours_since,CH4_umol_per_g\n0,0\n1,2\n2,4\n", "no time column"),
    ("empty.csv", "", "empty"),
    ("noproducts.csv", "time_h,x\n0,0\n1,2\n2,4\n", "no product columns"),
])
def test_co2_bad_input_exits_2(tmp_path, capsys, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["co2", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_co2_bad_input_exit_code_in_a_real_process(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    proc = run_cli("co2", str(path), "--json")
    assert proc.returncode == 2 and proc.stdout == "" and "Fix:" in proc.stderr


def test_photocurrent_default_is_flagged_illustrative(capsys):
    out = run_json(capsys, "photocurrent", "--form", "cs")
    assert out["provenance"]["data_provenance"] == ["illustrative"]
    assert "ILLUSTRATIVE" in out["caveat"]
    assert len(out["cycles"]) == 5 and {"amplitude_A", "rise_tau_s", "decay_tau_s"} <= set(out["cycles"][0])
    main(["photocurrent", "--form", "cs"])
    assert "NOTE: input is ILLUSTRATIVE" in capsys.readouterr().out


def test_photocurrent_schedule_option(capsys):
    on = ",".join(str(20 + 40 * i) for i in range(5))
    off = ",".join(str(40 + 40 * i) for i in range(5))
    out = run_json(capsys, "photocurrent", "--form", "sp", "--light-on", on, "--light-off", off)
    assert "schedule" in out["edge_source"]
    assert main(["photocurrent", "--light-on", "20,x"]) == 2
    assert "--light-on" in capsys.readouterr().err


def ir_frame() -> pd.DataFrame:
    k = np.arange(400.0, 4000.0, 1.0)
    bands = {1560.0: 45.0, 1420.0: 35.0, 650.0: 30.0, 2930.0: 8.0}
    depth = sum(d * 64 / ((k - c) ** 2 + 64) for c, d in bands.items())
    return pd.DataFrame({"wavenumber_cm1": k, "transmittance_percent": 95.0 - depth})


def test_ir_file(tmp_path, capsys):
    path = write_csv(tmp_path, "ir.csv", ir_frame())
    out = run_json(capsys, "ir", path, "--ionic-delta-nu", "150")
    assert out["delta_nu_cm1"] == pytest.approx(140.0, abs=2)
    assert out["coordination_mode"] == "bridging" and out["coordination_mode_vs_ionic"] == "bridging"
    assert [b["wavenumber_cm1"] for b in out["ti_o_bands"]] == pytest.approx([650.0], abs=1)
    assert out["provenance"]["data_provenance"] == ["user"]


def test_ir_without_file_has_no_default(capsys):
    assert main(["ir", "--json"]) == 2
    assert "no ir data" in capsys.readouterr().err


def test_tga_file(tmp_path, capsys):
    t = np.arange(25.0, 800.0, 1.0)
    mass = 100 - 5 / (1 + np.exp(-(t - 150) / 20)) - 55 / (1 + np.exp(-(t - 420) / 12))
    path = write_csv(tmp_path, "tga.csv", pd.DataFrame({"temperature_C": t, "mass_percent": mass}))
    out = run_json(capsys, "tga", path, "--form", "sp")
    assert [c["form"] for c in out["comparisons"]] == ["sp"]
    assert out["residue_percent"] == pytest.approx(40.0, abs=0.05)
    assert [s["mass_loss_percent"] for s in out["steps"]] == pytest.approx([5.0, 55.0], abs=0.1)
    assert out["comparisons"][0]["theoretical_residue_percent"] == pytest.approx(40.119, abs=1e-3)
    both = run_json(capsys, "tga", path)
    assert [c["form"] for c in both["comparisons"]] == ["sp", "cs"]
    assert main(["tga", path]) == 0 and "residue_percent" in capsys.readouterr().out


def test_tga_bad_mass_exits_2(tmp_path, capsys):
    path = tmp_path / "tga.csv"
    path.write_text("temperature_C,mass_percent\n25,100\n300,-5\n600,40\n", encoding="utf-8")
    assert main(["tga", str(path)]) == 2
    assert "mass %" in capsys.readouterr().err
