"""Readers: canonical columns and unit conversion, and one-line errors (exit 2) for every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data.readers import HC_EV_NM, read_dataset

from .conftest import run_cli


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_headed_csv_with_units_is_converted(tmp_path):
    path = write(tmp_path, "ms.csv", "potential_mV,frequency_kHz,capacitance_nF\n-800,1,2\n-600,1,3\n-400,1,4\n")
    frame = read_dataset(path, "mott_schottky").frame
    assert list(frame.columns) == ["potential_V", "frequency_Hz", "capacitance_F"]
    np.testing.assert_allclose(frame["potential_V"], [-0.8, -0.6, -0.4])
    np.testing.assert_allclose(frame["frequency_Hz"], 1000.0)
    np.testing.assert_allclose(frame["capacitance_F"], [2e-9, 3e-9, 4e-9])


def test_plain_two_columns_in_ev_become_nm_sorted(tmp_path):
    path = write(tmp_path, "drs.txt", "3.0 0.2\n2.5 0.5\n2.0 0.8\n")
    frame = read_dataset(path, "drs", units={"x": "eV"}).frame
    np.testing.assert_allclose(frame["wavelength_nm"], HC_EV_NM / np.array([3.0, 2.5, 2.0]))
    np.testing.assert_allclose(frame["reflectance"], [0.2, 0.5, 0.8])


def test_reflectance_in_percent_becomes_fraction(tmp_path):
    path = write(tmp_path, "drs.csv", "wavelength_nm;reflectance_percent\n400;20\n500;50\n600;80\n")
    frame = read_dataset(path, "drs").frame
    np.testing.assert_allclose(frame["reflectance"], [0.2, 0.5, 0.8])


def test_user_provenance_names_the_file(tmp_path):
    path = write(tmp_path, "iv.csv", "voltage_V,current_nA\n-0.2,-1\n0,0\n0.2,1\n")
    dataset = read_dataset(path, "iv")
    assert dataset.origin.provenance == "user"
    assert "iv.csv" in dataset.origin.source
    np.testing.assert_allclose(dataset.frame["current_A"], [-1e-9, 0, 1e-9])


def test_co2_product_columns_are_normalised(tmp_path):
    path = write(tmp_path, "co2.csv", "time_min,ch4_umol_per_g,CO_umol_g\n0,0,0\n60,10,20\n120,20,40\n")
    frame = read_dataset(path, "co2_timecourse").frame
    assert list(frame.columns) == ["time_h", "CH4_umol_per_g", "CO_umol_per_g"]
    np.testing.assert_allclose(frame["time_h"], [0, 1, 2])


BAD_INPUTS = [
    ("empty.csv", "", "drs", "empty"),
    ("header.csv", "wavelength_nm,reflectance\n", "drs", "header only"),
    ("nan.csv", "wavelength_nm,reflectance\n400,0.2\n500,nan\n600,0.8\n", "drs", "non-finite"),
    ("inf.csv", "wavelength_nm,reflectance\n400,0.2\n500,inf\n600,0.8\n", "drs", "non-finite"),
    ("comma.txt", "wavelength_nm\treflectance\n400\t0,2\n500\t0,5\n600\t0,8\n", "drs", "decimal comma"),
    ("text.csv", "wavelength_nm,reflectance\n400,0.2\n500,abc\n600,0.8\n", "drs", "non-numeric"),
    ("dup.csv", "wavelength_nm,reflectance\n400,0.2\n400,0.5\n600,0.8\n", "drs", "duplicated"),
    ("nonmono.csv", "wavelength_nm,reflectance\n400,0.2\n600,0.5\n500,0.8\n", "drs", "not monotonic"),
    ("names.csv", "foo,bar\n400,0.2\n500,0.5\n600,0.8\n", "drs", "no wavelength"),
    ("neg.csv", "wavelength_nm,reflectance\n400,-0.2\n500,0.5\n600,0.8\n", "drs", "negative reflectance"),
    ("over.csv", "wavelength_nm,reflectance_percent\n400,20\n500,50\n600,120\n", "drs", "above 100"),
    ("mv.csv", "potential_V,frequency_Hz,capacitance_F\n-800,1000,1e-9\n-600,1000,2e-9\n-400,1000,3e-9\n",
     "mott_schottky", "look like mV"),
    ("bin.csv", b"\x00\x01\x02binary\x00", "iv", "binary"),
    ("short.csv", "voltage_V,current_A\n0,1\n", "iv", "at least 3"),
    ("ragged.csv", "voltage_V,current_A\n0,1\n0.1\n0.2,3\n", "iv", "has 1 cells"),
    ("noprod.csv", "time_h,foo\n0,0\n1,1\n2,2\n", "co2_timecourse", "no product"),
]


@pytest.mark.parametrize("name, content, kind, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gives_one_line_error_naming_file_and_fix(tmp_path, name, content, kind, message):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError, match=message) as info:
        read_dataset(path, kind)
    text = str(info.value)
    assert name in text and "Fix:" in text and "\n" not in text


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_dataset(tmp_path / "nope.csv", "iv")
    with pytest.raises(InputError, match="directory"):
        read_dataset(tmp_path, "iv")


def test_huge_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse 200 MB file: refused on its size alone
        fh.truncate(200 * 1024 * 1024)
    with pytest.raises(InputError, match="larger than the 50 MiB limit"):
        read_dataset(path, "iv")


def test_cli_data_add_bad_file_exits_2_and_writes_nothing(tmp_path, isolated_user_data):
    path = write(tmp_path, "bad.csv", "wavelength_nm,reflectance\n400,0,2\n")
    proc = run_cli("data", "add", "sp", "drs", str(path))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "bad.csv" in proc.stderr
    assert not any(isolated_user_data.iterdir())


def test_tga_in_mg_is_normalised_to_the_coldest_point_whatever_the_order(tmp_path):
    path = write(tmp_path, "tga.csv", "temperature_C,mass_mg\n600,4\n300,8\n25,10\n")
    frame = read_dataset(path, "tga").frame
    np.testing.assert_allclose(frame["mass_percent"], [100, 80, 40])


def test_ir_transmittance_may_overshoot_slightly_but_not_reflectance(tmp_path):
    ir = write(tmp_path, "ir.csv", "wavenumber_cm1,transmittance_percent\n400,90\n1000,100.4\n2000,95\n")
    assert read_dataset(ir, "ir").frame["transmittance_percent"].max() == pytest.approx(100.4)
    drs = write(tmp_path, "drs.csv", "wavelength_nm,reflectance_percent\n400,90\n500,100.4\n600,95\n")
    with pytest.raises(InputError, match="above 100"):
        read_dataset(drs, "drs")
