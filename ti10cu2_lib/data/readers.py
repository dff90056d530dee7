"""Readers: measurement files → typed :class:`~ti10cu2_lib.data.kinds.Dataset` objects in canonical columns.

Canonical columns per kind (units in the names):

==================  =======================================================================
uvvis_solution      wavelength_nm, absorbance
drs                 wavelength_nm, and reflectance (fraction 0–1) or absorbance
mott_schottky       potential_V, frequency_Hz, capacitance_F   (potential vs the stated reference)
iv, iv_blank        voltage_V, current_A
co2_timecourse      time_h, one <PRODUCT>_umol_per_g column per product (CH4, CO, H2, …)
photocurrent        time_s, current_A
ir                  wavenumber_cm1, and transmittance_percent or absorbance
tga                 temperature_C, mass_percent
pxrd_experimental   two_theta_deg, intensity
==================  =======================================================================

Headers may name other units (``wavelength_eV``/``energy_eV``, ``potential_mV``, ``current_nA``,
``time_min``, ``temperature_K``, ``reflectance_percent``, ``capacitance_uF`` …); they are converted explicitly.
A file without a header is read as two columns whose units come from ``units`` (e.g. ``{"x": "eV"}``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import KINDS, Dataset
from ti10cu2_lib.data.tables import check_text_table, check_x, read_numeric_table

HC_EV_NM = 1239.841984  # h·c in eV·nm (CODATA 2018)
# Data rows per measurement file. Real instruments stay far below (a DRS at 0.1 nm steps: 6 000 rows; a photocurrent
# at 1 kHz for 15 min: 900 000); the text parser (data/tables.py) needs ≈ 6–15 s and ≈ 250 MB per million rows, so
# one upload stays below ≈ 0.3 GB. Checked on the raw bytes before anything is parsed.
MAX_ROWS = 1_000_000
_COMMENT_PREFIXES = (b"#", b"%", b"//")  # as data/tables.py skips them
_LINE = re.compile(rb"[^\r\n]+")
_BLANK_BYTES = b" \t\x0b\x0c\x00"  # blanks, and the zero bytes of UTF-16/UTF-32 text
_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# quantity → {unit: factor to the canonical unit}
_SCALE = {
    "potential": {"v": 1.0, "mv": 1e-3},
    "voltage": {"v": 1.0, "mv": 1e-3},
    "current": {"a": 1.0, "ma": 1e-3, "ua": 1e-6, "na": 1e-9, "pa": 1e-12, "fa": 1e-15},
    "capacitance": {"f": 1.0, "mf": 1e-3, "uf": 1e-6, "nf": 1e-9, "pf": 1e-12},
    "frequency": {"hz": 1.0, "khz": 1e3},
    "time_h": {"h": 1.0, "min": 1 / 60, "s": 1 / 3600},
    "time_s": {"s": 1.0, "ms": 1e-3, "min": 60.0},
}
_ALIASES = {
    "wavelength": ("wavelength", "lambda", "wl"),
    "energy": ("energy", "photon_energy", "e"),
    "absorbance": ("absorbance", "abs", "a", "absorption"),
    "reflectance": ("reflectance", "r", "refl"),
    "transmittance": ("transmittance", "t", "trans"),
    "potential": ("potential", "e", "bias", "applied_potential"),
    # an I–V sweep's voltage is often exported as a potential: potential_V, E_V, bias_V, applied_potential_V
    "voltage": ("voltage", "v", "bias", "u", "potential", "e", "applied_potential", "applied_voltage"),
    "current": ("current", "i"),
    "capacitance": ("capacitance", "c", "cap"),
    "frequency": ("frequency", "freq", "f"),
    "time": ("time", "t"),
    "temperature": ("temperature", "temp", "t"),
    "mass": ("mass", "weight", "m", "w"),
    "wavenumber": ("wavenumber", "wavenumbers", "nu", "k"),
    "two_theta": ("two_theta", "2theta", "2_theta", "twotheta", "2th", "angle"),
    "intensity": ("intensity", "counts", "i", "int"),
}


def check_row_count(path: str | Path, *, max_rows: int | None = None) -> None:
    """:class:`InputError` when the text table at ``path`` has more than ``max_rows`` (default :data:`MAX_ROWS`)
    data rows.

    Rows are the non-blank lines that are not comments, less one for a possible header. Counted on the raw bytes
    (a newline count first; line by line, stopping at the limit, only when that count is above it), so an
    over-long file is refused in well under a second, before it is parsed. Zero bytes are ignored, so UTF-16 and
    UTF-32 text is counted like UTF-8.
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    data = check_text_table(path).read_bytes()  # size (≤ MAX_TABLE_BYTES) and text checked first
    if max(data.count(b"\n"), data.count(b"\r")) <= max_rows:
        return
    rows = -1  # a possible header line
    bom = next((mark for mark in _BOMS if data.startswith(mark)), b"")
    for line in _LINE.finditer(data, len(bom)):  # lazily: no list of millions of lines
        stripped = line.group().strip(_BLANK_BYTES)
        if stripped and not stripped.startswith(_COMMENT_PREFIXES):
            rows += 1
            if rows > max_rows:
                raise InputError(f"more than {max_rows:,} data rows (readers.MAX_ROWS)", path=path,
                                 fix="average or decimate the data to fewer points (e.g. keep every 10th row), or "
                                     "split the file")


def _find(frame: pd.DataFrame, quantity: str, units: tuple[str, ...], default: str | None,
          path: Path, flag_units: Mapping[str, str]) -> tuple[str, str] | None:
    """Column of ``quantity`` and its unit: from a ``<alias>_<unit>`` header, a bare alias + flag, or default."""
    for column in frame.columns:
        for alias in _ALIASES[quantity]:
            if column == alias:
                unit = flag_units.get(quantity) or flag_units.get("x" if column == frame.columns[0] else "y")
                return column, (unit or default or "").lower()
            m = re.fullmatch(rf"{re.escape(alias)}_(.+)", column)
            if m and m.group(1) in units:
                return column, m.group(1)
    return None


def _require(frame: pd.DataFrame, quantity: str, units: tuple[str, ...], default: str | None, path: Path,
             flag_units: Mapping[str, str], kind: str) -> tuple[np.ndarray, str]:
    found = _find(frame, quantity, units, default, path, flag_units)
    if found is None:
        raise InputError(
            f"no {quantity} column for kind '{kind}' (columns: {', '.join(frame.columns)})", path=path,
            fix=f"name the columns as in: {KINDS[kind].columns}")
    column, unit = found
    if unit not in units:
        raise InputError(f"column '{column}' has unit '{unit or '?'}', not one of {', '.join(units)}", path=path,
                         fix=f"put the unit in the header (e.g. {quantity}_{units[0]}) or pass --units {quantity}=UNIT")
    return frame[column].to_numpy(dtype=float), unit


def _spectral_x(frame, path, flag_units, kind) -> np.ndarray:
    """Wavelength in nm from a wavelength (nm) or photon-energy (eV) column."""
    if _find(frame, "energy", ("ev",), None, path, {}) is not None or flag_units.get("x", "").lower() == "ev":
        found = _find(frame, "energy", ("ev",), "ev", path, flag_units) or (frame.columns[0], "ev")
        energy = frame[found[0]].to_numpy(dtype=float)
        if np.any(energy <= 0):
            raise InputError("photon energy ≤ 0 eV", path=path, fix="check the energy column")
        return HC_EV_NM / energy
    found = _find(frame, "wavelength", ("nm", "ev"), "nm", path, flag_units)
    if found is None:
        raise InputError(f"no wavelength or energy column (columns: {', '.join(frame.columns)})", path=path,
                         fix=f"name the columns as in: {KINDS[kind].columns}, or pass --x-unit")
    values = frame[found[0]].to_numpy(dtype=float)
    if found[1] == "ev":
        return HC_EV_NM / values
    if np.any(values <= 0):
        raise InputError("wavelength ≤ 0 nm", path=path, fix="check the wavelength column")
    return values


def _fraction(values: np.ndarray, unit: str, name: str, path: Path, limit_percent: float = 100.0) -> np.ndarray:
    """A reflectance/transmittance column as a fraction (``_percent``/``_fraction`` header, or a bare column).

    A bare column is a fraction when all values are ≤ 1 and percent when some exceed 1.5; in between it is
    ambiguous and refused. (A dark sample given in % with every value ≤ 1 % needs the ``_percent`` header.)

    Values above ``limit_percent`` are refused: 100 % for reflectance against a white standard; FTIR
    transmittance may overshoot 100 % a little through baseline drift, so its reader allows 105 %.
    """
    if np.any(values < 0):
        raise InputError(f"negative {name} ({values.min():g})", path=path,
                         fix=f"{name} must be between 0 and 1 (or 0 and 100 %); subtract no baseline below 0")
    if unit == "" and 1.0 < values.max() <= 1.5:
        raise InputError(f"{name} column without unit has values up to {values.max():g}: a fraction above 1 or a "
                         "dark sample in %?", path=path,
                         fix=f"name the column {name}_percent or {name}_fraction")
    percent = unit == "percent" or (unit == "" and values.max() > 1.5)
    if percent and values.max() > limit_percent:
        raise InputError(f"{name} above {limit_percent:g} % ({values.max():g})", path=path,
                         fix=f"check the {name} column; a calibrated {name} cannot exceed 100 %")
    return values / 100.0 if percent else values


def _sorted(frame: pd.DataFrame, x: str, path: Path, name: str) -> pd.DataFrame:
    check_x(frame[x].to_numpy(), name=name, path=path)
    return frame.sort_values(x, ignore_index=True)


def _read_uvvis(table, path, flags, kind, options):
    x = _spectral_x(table, path, flags, kind)
    y, _ = _require(table, "absorbance", ("",), "", path, {"absorbance": ""}, kind)
    return _sorted(pd.DataFrame({"wavelength_nm": x, "absorbance": y}), "wavelength_nm", path, "wavelength")


def _read_drs(table, path, flags, kind, options):
    x = _spectral_x(table, path, flags, kind)
    y_kind = options.get("y_kind")
    reflect = _find(table, "reflectance", ("percent", "fraction", ""), "", path, {})
    if y_kind == "absorbance" or (y_kind is None and reflect is None):
        y, _ = _require(table, "absorbance", ("",), "", path, {"absorbance": ""}, kind)
        frame = pd.DataFrame({"wavelength_nm": x, "absorbance": y})
    else:
        if reflect is None:
            raise InputError(f"no reflectance column (columns: {', '.join(table.columns)})", path=path,
                             fix="name it 'reflectance' or 'reflectance_percent', or pass --y-kind absorbance")
        frame = pd.DataFrame({"wavelength_nm": x,
                              "reflectance": _fraction(table[reflect[0]].to_numpy(), reflect[1], "reflectance", path)})
    return _sorted(frame, "wavelength_nm", path, "wavelength")


def _read_mott_schottky(table, path, flags, kind, options):
    e, e_unit = _require(table, "potential", ("v", "mv"), None, path, flags, kind)
    f, f_unit = _require(table, "frequency", ("hz", "khz"), None, path, flags, kind)
    c, c_unit = _require(table, "capacitance", ("f", "mf", "uf", "nf", "pf"), None, path, flags, kind)
    e = e * _SCALE["potential"][e_unit]
    if e_unit == "v" and np.abs(e).max() > 5.0:
        raise InputError(f"potentials up to {np.abs(e).max():g} V look like mV", path=path,
                         fix="name the column potential_mV (or pass --units potential=mV), or convert to V")
    c = c * _SCALE["capacitance"][c_unit]
    if np.any(c <= 0):
        raise InputError("capacitance ≤ 0", path=path, fix="give the measured (positive) capacitance")
    frame = pd.DataFrame({"potential_V": e, "frequency_Hz": f * _SCALE["frequency"][f_unit], "capacitance_F": c})
    parts = [_sorted(g, "potential_V", path, f"potential at {freq:g} Hz")
             for freq, g in frame.groupby("frequency_Hz", sort=True)]
    return pd.concat(parts, ignore_index=True)


def _read_iv(table, path, flags, kind, options):
    v, v_unit = _require(table, "voltage", ("v", "mv"), None, path, flags, kind)
    i, i_unit = _require(table, "current", ("a", "ma", "ua", "na", "pa", "fa"), None, path, flags, kind)
    frame = pd.DataFrame({"voltage_V": v * _SCALE["voltage"][v_unit], "current_A": i * _SCALE["current"][i_unit]})
    return _sorted(frame, "voltage_V", path, "voltage")


def _read_co2(table, path, flags, kind, options):
    t, t_unit = _require(table, "time", ("h", "min", "s"), None, path, flags, kind)
    products = {}
    for column in table.columns:
        m = re.fullmatch(r"([a-z0-9]+)_umol_(per_)?g", column)
        if m and column != table.columns[0]:
            values = table[column].to_numpy(dtype=float)
            if np.any(values < 0):
                raise InputError(f"negative yield in column '{column}'", path=path,
                                 fix="yields are amounts formed (≥ 0 µmol/g)")
            products[f"{m.group(1).upper()}_umol_per_g"] = values
    if not products:
        raise InputError(f"no product columns (columns: {', '.join(table.columns)})", path=path,
                         fix="name product columns like CH4_umol_per_g, CO_umol_per_g")
    frame = pd.DataFrame({"time_h": t * _SCALE["time_h"][t_unit], **products})
    return _sorted(frame, "time_h", path, "time")


def _read_photocurrent(table, path, flags, kind, options):
    t, t_unit = _require(table, "time", ("s", "ms", "min"), None, path, flags, kind)
    i, i_unit = _require(table, "current", ("a", "ma", "ua", "na", "pa", "fa"), None, path, flags, kind)
    frame = pd.DataFrame({"time_s": t * _SCALE["time_s"][t_unit], "current_A": i * _SCALE["current"][i_unit]})
    return _sorted(frame, "time_s", path, "time")


def _read_ir(table, path, flags, kind, options):
    k, _ = _require(table, "wavenumber", ("cm1", "cm_1"), "cm1", path, flags, kind)
    trans = _find(table, "transmittance", ("percent", "fraction", ""), "", path, {})
    if trans is not None and options.get("y_kind") != "absorbance":
        y = _fraction(table[trans[0]].to_numpy(), trans[1], "transmittance", path, limit_percent=105.0) * 100.0
        frame = pd.DataFrame({"wavenumber_cm1": k, "transmittance_percent": y})
    else:
        a, _ = _require(table, "absorbance", ("",), "", path, {"absorbance": ""}, kind)
        frame = pd.DataFrame({"wavenumber_cm1": k, "absorbance": a})
    if np.any(k <= 0):
        raise InputError("wavenumber ≤ 0 cm⁻¹", path=path, fix="check the wavenumber column")
    return _sorted(frame, "wavenumber_cm1", path, "wavenumber")


def _read_tga(table, path, flags, kind, options):
    temp, t_unit = _require(table, "temperature", ("c", "k"), None, path, flags, kind)
    mass, m_unit = _require(table, "mass", ("percent", "mg", "ug", "g"), None, path, flags, kind)
    if t_unit == "k":
        temp = temp - 273.15
    if m_unit != "percent":
        initial = mass[np.argmin(temp)]  # the mass at the lowest temperature, whatever the row order
        if initial <= 0:
            raise InputError("initial mass ≤ 0", path=path, fix="check the mass column")
        mass = 100.0 * mass / initial
    if np.any(mass < 0) or mass.max() > 150:
        raise InputError(f"mass % outside 0–150 (range {mass.min():g}–{mass.max():g})", path=path,
                         fix="give mass in % of the initial mass (mass_percent) or in mg (mass_mg)")
    return _sorted(pd.DataFrame({"temperature_C": temp, "mass_percent": mass}), "temperature_C", path, "temperature")


def _read_pxrd(table, path, flags, kind, options):
    x, _ = _require(table, "two_theta", ("deg", ""), "deg", path, flags, kind)
    y, _ = _require(table, "intensity", ("", "counts", "cps", "au", "a_u"), "", path, {"intensity": ""}, kind)
    if np.any((x <= 0) | (x >= 180)):
        raise InputError("2θ outside (0, 180)°", path=path, fix="give 2θ in degrees")
    return _sorted(pd.DataFrame({"two_theta_deg": x, "intensity": y}), "two_theta_deg", path, "2θ")


_READERS = {
    "uvvis_solution": _read_uvvis, "drs": _read_drs, "mott_schottky": _read_mott_schottky,
    "iv": _read_iv, "iv_blank": _read_iv, "co2_timecourse": _read_co2, "photocurrent": _read_photocurrent,
    "ir": _read_ir, "tga": _read_tga, "pxrd_experimental": _read_pxrd,
}
_POSITIONAL = {
    "uvvis_solution": ("x", "absorbance"), "drs": ("x", "y"), "iv": ("voltage", "current"),
    "iv_blank": ("voltage", "current"), "photocurrent": ("time", "current"), "ir": ("wavenumber", "y"),
    "tga": ("temperature", "mass"), "pxrd_experimental": ("two_theta", "intensity"),
}


def _plain_names(kind: str, options: Mapping) -> tuple[str, ...] | None:
    names = _POSITIONAL.get(kind)
    if names is None:
        return None
    if kind in ("uvvis_solution", "drs"):
        x = "energy" if options.get("units", {}).get("x", "nm").lower() == "ev" else "wavelength"
        y = options.get("y_kind") or ("reflectance" if kind == "drs" else "absorbance")
        return (x, y)
    if kind == "ir":
        return ("wavenumber", options.get("y_kind") or "transmittance")
    return names


def read_dataset(path: str | Path, kind: str, *, form: str | None = None, units: Mapping[str, str] | None = None,
                 y_kind: str | None = None, metadata: Mapping | None = None,
                 origin: Origin | None = None) -> Dataset:
    """Read and validate a measurement file of ``kind`` into a :class:`Dataset` with canonical columns.

    ``units`` maps a quantity to its unit where the header does not say it (``{"x": "eV"}``,
    ``{"potential": "mV"}``); ``y_kind`` picks reflectance/absorbance (DRS) or transmittance/absorbance (IR).
    The default origin is ``user`` provenance naming the file.
    """
    if kind not in _READERS:
        raise InputError(f"unknown data kind '{kind}'", path=path, fix=f"use one of: {', '.join(_READERS)}")
    path = Path(path)
    flags = {k.lower(): v for k, v in (units or {}).items()}
    options = {"y_kind": y_kind, "units": flags}
    check_row_count(path)
    table = read_numeric_table(path, positional_names=_plain_names(kind, options))
    frame = _READERS[kind](table, path, flags, kind, options)
    origin = origin or Origin(Provenance.USER, f"user file {path.name}")
    return Dataset(kind=kind, form=form, frame=frame, origin=origin, metadata=dict(metadata or {}))
