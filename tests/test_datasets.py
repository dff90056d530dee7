"""Dataset manifest: user > deposited > reconstructed, atomic writes, and what `data list` reports."""

from __future__ import annotations

import json

import pytest

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.datasets import write_manifest_atomically

from .conftest import run_cli

IV = "voltage_V,current_A\n-0.2,-2e-12\n0,0\n0.2,2e-12\n"


def _deposited_entry(user_dir, form="sp", kind="iv"):
    (user_dir / "dep.csv").write_text(IV.replace("2e-12", "5e-12"), encoding="utf-8")
    return {"form": form, "kind": kind, "file": "dep.csv", "provenance": "deposited", "source": "test deposit"}


def test_user_file_overrides_deposited_and_removal_falls_back(tmp_path, isolated_user_data):
    write_manifest_atomically(isolated_user_data / "manifest.json", [_deposited_entry(isolated_user_data)])
    assert datasets.load("sp", "iv").provenance == "deposited"
    mine = tmp_path / "mine.csv"
    mine.write_text(IV, encoding="utf-8")
    datasets.add_user_file("sp", "iv", mine, metadata={"length_mm": 0.3, "area_mm2": 0.01})
    used = datasets.load("sp", "iv")
    assert used.provenance == "user" and used.metadata["length_mm"] == 0.3
    assert used.frame["current_A"].iloc[-1] == pytest.approx(2e-12)
    row = datasets.status_table().query("form == 'sp' and kind == 'iv'").iloc[0]
    assert row["provenance"] == "user" and "over deposited" in row["why"]
    assert datasets.remove_user_file("sp", "iv")
    assert datasets.load("sp", "iv").provenance == "deposited"
    assert not datasets.remove_user_file("sp", "iv")


def test_kind_without_default_says_so():
    with pytest.raises(InputError, match="gives no numbers"):
        datasets.load("cs", "tga")


def test_unknown_form_and_kind():
    with pytest.raises(InputError, match="unknown form"):
        datasets.load("xx", "iv")
    with pytest.raises(InputError, match="unknown data kind"):
        datasets.load("sp", "nmr")


def test_failed_write_leaves_previous_manifest_intact(isolated_user_data, monkeypatch):
    path = isolated_user_data / "manifest.json"
    write_manifest_atomically(path, [_deposited_entry(isolated_user_data)])
    before = path.read_text(encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", boom)
    with pytest.raises(OSError):
        write_manifest_atomically(path, [])
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in isolated_user_data.iterdir() if p.name.startswith(".manifest")] == []


def test_corrupt_user_manifest_is_a_clear_error(isolated_user_data):
    (isolated_user_data / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="manifest is not valid"):
        datasets.load("sp", "iv")


def test_cli_add_then_list_shows_user_file(tmp_path):
    mine = tmp_path / "iv_cs.csv"
    mine.write_text(IV, encoding="utf-8")
    assert run_cli("data", "add", "cs", "iv", str(mine), "--length-mm", "0.5", "--area-mm2", "0.01").returncode == 0
    listing = run_cli("data", "list", "--json", check_json=True).json
    row = next(r for r in listing["datasets"] if r["form"] == "cs" and r["kind"] == "iv")
    assert row["provenance"] == "user" and row["source"] == "user file iv_cs.csv"


@pytest.mark.parametrize("args, message", [
    (["cs", "iv", "data/default/iv_cs.csv", "--length-mm", "-3", "--area-mm2", "0.01"], "not a positive number"),
    (["cs", "iv", "data/default/iv_cs.csv", "--length-mm", "0.5", "--area-mm2", "0"], "area"),
    (["sp", "mott_schottky", "data/default/mott_schottky_sp.csv", "--reference", "Cu/CuSO4"],
     "unknown reference electrode"),
    (["sp", "drs", "TINY"], "drs analysis fails"),
])
def test_data_add_registers_only_what_analyses_cleanly(tmp_path, isolated_user_data, args, message):
    """Files or dimensions that would make later commands crash or lie are refused at `data add`; nothing written."""
    tiny = tmp_path / "tiny_reflectance.csv"
    tiny.write_text("wavelength_nm,reflectance\n" + "".join(f"{w},1e-302\n" for w in range(250, 800)))
    args = [str(tiny) if a == "TINY" else a for a in args]
    proc = run_cli("data", "add", *args)
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr
    assert message in proc.stderr.strip().splitlines()[-1]
    assert not (isolated_user_data / "manifest.json").exists()
    assert not (isolated_user_data / "files").exists() or not any((isolated_user_data / "files").iterdir())
