"""Readers for experimental powder diffraction patterns: two-/three-column text (.xy, .xye, .txt, .csv) and
GSAS "raw" files (constant-step STD/ESD, FXY/FXYE banks), as written by GSAS and read by GSAS-II.

Every reader returns a :class:`PowderPattern`: 2θ in degrees (ascending), intensity (counts or arbitrary units),
an estimated standard deviation per point, and the origin of the data (``user file <name>``).

Standard deviations: from the file where it gives them (ESD, FXYE banks; a third ``esd``/``sigma`` column);
for GSAS STD banks σ² = I / n_count (n_count = the 2-character counter field, blank = 1), as GSAS does; otherwise
Poisson counting statistics σ = √max(I, 1) are assumed and :attr:`PowderPattern.sigma_source` says so.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.results import to_jsonable
from ti10cu2_lib.data import readers
from ti10cu2_lib.data.tables import check_text_table, check_x, read_numeric_table

_X_NAMES = ("two_theta_deg", "two_theta", "2theta", "2theta_deg", "2_theta", "2_theta_deg", "tth", "angle",
            "angle_deg", "two_theta_degrees", "2th", "2th_deg", "x")
_Y_NAMES = ("intensity", "counts", "intensity_counts", "intensity_a_u", "intensity_au", "i", "y", "cps", "int")
_E_NAMES = ("esd", "sigma", "error", "err", "e", "u_intensity", "intensity_esd", "sigma_intensity")
GSAS_SUFFIXES = (".xra", ".raw", ".gsa", ".gsas", ".gss", ".gda", ".fxye", ".fxy")


@dataclasses.dataclass(frozen=True, eq=False)
class PowderPattern:
    """A measured powder pattern on a 2θ axis (degrees, ascending)."""

    two_theta: np.ndarray
    intensity: np.ndarray
    sigma: np.ndarray
    sigma_source: str
    origin: Origin
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def step(self) -> float:
        """Median 2θ step (degrees)."""
        return float(np.median(np.diff(self.two_theta)))

    def to_dict(self) -> dict[str, Any]:
        return {"two_theta": to_jsonable(self.two_theta), "intensity": to_jsonable(self.intensity),
                "sigma_source": self.sigma_source, "metadata": to_jsonable(self.metadata),
                "provenance": self.origin.to_dict()}


def _finish(path: Path, x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None, sigma_source: str | None,
            metadata: dict[str, Any]) -> PowderPattern:
    check_x(x, name="2θ", path=path)
    if x[0] > x[-1]:
        x, y = x[::-1], y[::-1]
        sigma = None if sigma is None else sigma[::-1]
    if x[0] <= 0 or x[-1] >= 180:
        raise InputError(f"2θ runs from {x[0]:g} to {x[-1]:g}°, outside 0–180°", path=path,
                         fix="give 2θ in degrees in the first column")
    if sigma is None:
        sigma = np.sqrt(np.maximum(y, 1.0))
        sigma_source = "assumed Poisson: sigma = sqrt(max(I, 1))"
    elif np.any(sigma[y != 0] <= 0):
        raise InputError("a standard deviation is zero or negative", path=path,
                         fix="give positive esd values or drop the esd column")
    origin = Origin(Provenance.USER, f"user file {path.name}")
    return PowderPattern(two_theta=np.ascontiguousarray(x, dtype=float), intensity=np.ascontiguousarray(y, dtype=float),
                         sigma=np.ascontiguousarray(sigma, dtype=float), sigma_source=str(sigma_source), origin=origin,
                         metadata=metadata)


def read_xy(path: str | Path) -> PowderPattern:
    """Two-column (2θ in degrees, intensity) or three-column (+ esd) text/CSV, with or without a header.

    Without a header the columns are taken as ``two_theta_deg, intensity`` (``, esd`` for a ``.xye`` file).
    With a header the 2θ column must be named e.g. ``two_theta_deg``/``2theta``/``angle`` and the intensity column
    ``intensity``/``counts``; an ``esd``/``sigma`` column is used when present.
    """
    path = check_text_table(path)
    names = ("two_theta_deg", "intensity", "esd") if path.suffix.lower() == ".xye" else ("two_theta_deg", "intensity")
    readers.check_row_count(path)
    frame = read_numeric_table(path, positional_names=names)
    cols = list(frame.columns)
    x_col = next((c for c in cols if c in _X_NAMES), None)
    y_col = next((c for c in cols if c in _Y_NAMES), None)
    if x_col is None or y_col is None:
        raise InputError(f"cannot tell the 2θ and intensity columns apart (header: {', '.join(cols)})", path=path,
                         fix="name the columns two_theta_deg,intensity (or give two unlabelled columns)")
    e_col = next((c for c in cols if c in _E_NAMES), None)
    x = frame[x_col].to_numpy(dtype=float)
    y = frame[y_col].to_numpy(dtype=float)
    sigma = None if e_col is None else frame[e_col].to_numpy(dtype=float)
    return _finish(path, x, y, sigma, None if e_col is None else f"from column '{e_col}'",
                   {"format": "xy text", "columns": {"two_theta": x_col, "intensity": y_col, "esd": e_col}})


def _field(text: str, start: int, width: int) -> str:
    return text[start:start + width] if len(text) > start else ""


def _number(cell: str, path: Path, lineno: int) -> float:
    cell = cell.strip()
    if not cell:
        return 0.0
    try:
        return float(cell)
    except ValueError:
        raise InputError(f"non-numeric field '{cell}' in line {lineno}", path=path,
                         fix="check that the file is an unmodified GSAS raw file") from None


def read_gsas_raw(path: str | Path, *, bank: int | None = None) -> PowderPattern:
    """A GSAS raw powder file (one bank; the first unless ``bank`` gives its number).

    Layout: line 1 a title; an optional ``Instrument parameter file:`` line; ``#`` comments; then
    ``BANK n NCHAN NREC BINTYP BCOEF1 BCOEF2 BCOEF3 BCOEF4 TYPE``. Constant-wavelength ``CONST`` banks have
    2θ_i = BCOEF1 + i·BCOEF2 in centidegrees. TYPE ``STD`` (default): 10 fields of 8 characters per line, each a
    2-character counter count n and a 6-character intensity; ``ESD``: 5 pairs (intensity, esd) of 8 characters;
    ``FXY``/``FXYE``: free-format columns 2θ (centidegrees), intensity (, esd). Exactly NCHAN points are read
    (padding after them on the last line is ignored).
    """
    path = check_text_table(path)
    lines = path.read_bytes().decode("latin-1").splitlines()
    banks = [i for i, line in enumerate(lines) if line.startswith("BANK")]
    if not banks:
        raise InputError("no BANK line: not a GSAS raw file", path=path,
                         fix="give a GSAS .raw/.gsa/.xra file, or a two-column 2θ,intensity text file")
    chosen = banks[0]
    if bank is not None:
        match = [i for i in banks if len(lines[i].split()) > 1 and lines[i].split()[1] == str(bank)]
        if not match:
            numbers = ", ".join(lines[i].split()[1] for i in banks if len(lines[i].split()) > 1)
            raise InputError(f"no BANK {bank} (banks: {numbers})", path=path, fix="pick one of those banks")
        chosen = match[0]
    head = lines[chosen].split()
    lineno = chosen + 1
    try:
        nchan = int(head[2])
        bintyp = head[4].upper()
    except (IndexError, ValueError):
        raise InputError(f"malformed BANK line {lineno}: '{lines[chosen].strip()[:60]}'", path=path,
                         fix="expected 'BANK n NCHAN NREC BINTYP BCOEF1 BCOEF2 ...'") from None
    types = {"STD", "ESD", "FXY", "FXYE", "ALT"}
    data_type = next((t for t in reversed(head[5:]) if t.upper() in types), "STD").upper()
    if bintyp in ("TIME_MAP", "RALF", "SLOG") or data_type == "ALT" or "EDS" in bintyp:
        raise InputError(f"GSAS bank type {bintyp}/{data_type} is not a constant-step 2θ scan", path=path,
                         fix="export the pattern as two-column 2θ,intensity text")
    if data_type in ("STD", "ESD") and bintyp != "CONST":
        raise InputError(f"binning {bintyp} is not supported (only CONST)", path=path,
                         fix="export the pattern as two-column 2θ,intensity text")
    if nchan < 3:
        raise InputError(f"BANK line {lineno} declares {nchan} points", path=path, fix="give a full pattern")
    if nchan > readers.MAX_ROWS:
        raise InputError(f"BANK line {lineno} declares {nchan:,} points, more than {readers.MAX_ROWS:,} "
                         "(readers.MAX_ROWS)",
                         path=path,
                         fix="rebin the pattern to fewer points (a step of about FWHM/10 is enough)")
    start = step = float("nan")
    if bintyp == "CONST":
        try:
            start, step = float(head[5]) / 100.0, float(head[6]) / 100.0
        except (IndexError, ValueError):
            raise InputError(f"BANK line {lineno} lacks start/step", path=path,
                             fix="expected 'BANK n NCHAN NREC CONST start step ...' in centidegrees") from None
    body_end = next((i for i in banks if i > chosen), len(lines))
    body = [(i + 1, lines[i]) for i in range(chosen + 1, body_end) if not lines[i].startswith("#")]
    counts: list[float] = []
    ncount: list[float] = []
    esd: list[float] = []
    xs: list[float] = []
    if data_type in ("STD", "ESD"):
        width = 8 if data_type == "STD" else 16
        for ln, text in body:
            if len(counts) >= nchan:
                break
            for pos in range(0, 80, width):
                if len(counts) >= nchan:
                    break
                cell = _field(text, pos, width)
                if not cell.strip():
                    break
                if data_type == "STD":
                    n = _number(_field(cell, 0, 2), path, ln)
                    ncount.append(n if n > 0 else 1.0)
                    counts.append(_number(_field(cell, 2, 6), path, ln))
                else:
                    counts.append(_number(_field(cell, 0, 8), path, ln))
                    esd.append(_number(_field(cell, 8, 8), path, ln))
        x = start + step * np.arange(len(counts))
    else:  # FXY / FXYE: free format, x in centidegrees
        for ln, text in body:
            cells = text.split()
            if not cells:
                continue
            if len(cells) < (3 if data_type == "FXYE" else 2):
                raise InputError(f"line {ln} has {len(cells)} columns, {data_type} needs "
                                 f"{3 if data_type == 'FXYE' else 2}", path=path, fix="check the file")
            xs.append(_number(cells[0], path, ln) / 100.0)
            counts.append(_number(cells[1], path, ln))
            if data_type == "FXYE":
                esd.append(_number(cells[2], path, ln))
        x = np.asarray(xs)
    if len(counts) < nchan:
        raise InputError(f"bank ends after {len(counts)} of the {nchan} points its BANK line declares", path=path,
                         fix="the file is truncated: export it again")
    y = np.asarray(counts[:nchan], dtype=float)
    x = np.asarray(x[:nchan], dtype=float)
    if data_type == "STD":
        sigma = np.sqrt(np.maximum(y, 1.0) / np.asarray(ncount[:nchan]))
        source = "GSAS STD: sigma^2 = I / n_count"
    elif data_type in ("ESD", "FXYE"):
        sigma = np.asarray(esd[:nchan], dtype=float)
        sigma = np.where(sigma > 0, sigma, np.sqrt(np.maximum(y, 1.0)))
        source = f"GSAS {data_type}: esd from the file"
    else:
        sigma, source = None, None
    metadata = {"format": f"GSAS raw {data_type}", "title": lines[0].strip(), "bank": lines[chosen].strip(),
                "points": int(nchan), "start_deg": float(x[0]), "step_deg": float(step) if bintyp == "CONST" else None}
    return _finish(path, x, y, sigma, source, metadata)


def _looks_like_gsas(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("latin-1", errors="replace").splitlines()
    return any(line.startswith("BANK") for line in head[:12])


def read_powder_pattern(path: str | Path) -> PowderPattern:
    """Read an experimental pattern: GSAS raw when the file has a BANK line near the top, else 2θ/intensity text."""
    path = check_text_table(path)
    if _looks_like_gsas(path) or path.suffix.lower() in GSAS_SUFFIXES:
        return read_gsas_raw(path)  # raises a clear error when a GSAS-like suffix has no BANK line
    return read_xy(path)


@dataclasses.dataclass(frozen=True)
class InstrumentParameters:
    """Constant-wavelength instrument parameters read from a GSAS instrument (.prm/.ins) file.

    Wavelengths in Å; ``kalpha2_ratio`` I(λ₂)/I(λ₁) (None without a second wavelength); ``zero_deg`` the zero
    shift in degrees 2θ; ``polarisation`` GSAS's POLA (0.5 = unpolarised laboratory beam). The profile starting
    values are converted from GSAS's type-2/3 pseudo-Voigt (Gaussian variance σ² = U tan²θ + V tanθ + W in
    centidegrees², Lorentzian FWHM X/cosθ + Y tanθ in centidegrees) to Caglioti FWHM² coefficients in degrees²
    (× 8 ln 2 / 10⁴) and Lorentzian coefficients in degrees (/ 100); None where the file has no profile lines.
    """

    wavelength: float
    wavelength2: float | None
    kalpha2_ratio: float | None
    zero_deg: float
    polarisation: float | None
    u_deg2: float | None
    v_deg2: float | None
    w_deg2: float | None
    x_deg: float | None
    y_deg: float | None
    source: str


def read_gsas_instrument(path: str | Path) -> InstrumentParameters:
    """Wavelengths, Kα2 ratio, zero, polarisation and profile start values from a GSAS instrument file.

    Fixed columns of the ``INS  1 ICONS`` line, as GSAS-II reads them: λ₁ [0:10], λ₂ [10:20], zero in
    centidegrees [20:30], POLA [40:50], Kα2/Kα1 ratio [55:65] (counted after the 12-character key); profile
    coefficients from the ``INS  1PRCF11``/``INS  1PRCF12`` lines (GU, GV, GW, GP / LX, LY, …).

    Example:
        >>> from ti10cu2_lib.core.paths import reference_data_dir
        >>> inst = read_gsas_instrument(reference_data_dir() / "pxrd" / "INST_XRY.PRM")
        >>> inst.wavelength, inst.wavelength2, inst.kalpha2_ratio, inst.polarisation
        (1.5405, 1.5443, 0.5, 0.7)
    """
    path = check_text_table(path)
    records: dict[str, str] = {}
    for line in path.read_bytes().decode("latin-1").splitlines():
        if line.startswith("INS ") and len(line) >= 12:
            records.setdefault(line[:12], line[12:])
    icons = records.get("INS  1 ICONS")
    if icons is None:
        raise InputError("no 'INS  1 ICONS' line: not a GSAS instrument file", path=path,
                         fix="give a GSAS .prm/.ins/.inst file with the wavelengths on an ICONS line")

    def number(text: str, start: int, stop: int) -> float | None:
        cell = text[start:stop].strip()
        try:
            return float(cell) if cell else None
        except ValueError:
            raise InputError(f"non-numeric ICONS/PRCF field '{cell}'", path=path,
                             fix="check that the instrument file is unmodified") from None

    lam1, lam2 = number(icons, 0, 10), number(icons, 10, 20)
    if lam1 is None or not lam1 > 0:
        raise InputError("the ICONS line gives no wavelength > 0", path=path, fix="check the instrument file")
    lam2 = lam2 if lam2 else None
    ratio = number(icons, 55, 65) if lam2 else None
    gauss = [number(records.get("INS  1PRCF11", ""), 15 * i, 15 * (i + 1)) for i in range(3)]
    lorentz = [number(records.get("INS  1PRCF12", ""), 15 * i, 15 * (i + 1)) for i in range(2)]
    to_fwhm2 = 8.0 * math.log(2.0) / 1e4
    return InstrumentParameters(
        wavelength=lam1, wavelength2=lam2, kalpha2_ratio=(0.5 if ratio is None else ratio) if lam2 else None,
        zero_deg=(number(icons, 20, 30) or 0.0) / 100.0, polarisation=number(icons, 40, 50),
        u_deg2=None if gauss[0] is None else gauss[0] * to_fwhm2,
        v_deg2=None if gauss[1] is None else gauss[1] * to_fwhm2,
        w_deg2=None if gauss[2] is None else gauss[2] * to_fwhm2,
        x_deg=None if lorentz[0] is None else lorentz[0] / 100.0,
        y_deg=None if lorentz[1] is None else lorentz[1] / 100.0, source=f"GSAS instrument file {path.name}")
