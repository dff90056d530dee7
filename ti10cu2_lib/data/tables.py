"""Reading numeric tables (headed CSV/TXT or plain columns) with strict, one-line error messages.

Accepted: comma, semicolon, tab or whitespace separated text; ``#`` comment lines; an optional header row.
Rejected with :class:`~ti10cu2_lib.core.errors.InputError` (the CLI exits with code 2): missing, empty, binary or
over-large files, header-only files, decimal commas, non-numeric cells, NaN/inf, missing columns, and
duplicated or non-monotonic x values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ti10cu2_lib.core.errors import InputError

MAX_TABLE_BYTES = 50 * 1024 * 1024  # 50 MiB: far above any spectrum or time course
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+([eE][+-]?\d+)?$")


def normalise_name(name: str) -> str:
    """Header cell → canonical key: lower case, spaces/dashes/slashes → ``_``, no brackets or µ/u clash."""
    name = name.strip().strip('"').strip("'").lower().replace("µ", "u").replace("μ", "u")
    name = re.sub(r"[()\[\]{}]", "_", name)
    name = re.sub(r"[\s/\-·*^]+", "_", name)
    return re.sub(r"_+", "_", name).strip("_")


def check_file(path: str | Path, *, max_bytes: int = MAX_TABLE_BYTES, what: str = "data file") -> Path:
    """The file exists, is a file, is not empty and is at most ``max_bytes`` long; returns the path."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=path, fix="check the path")
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path, fix=f"give the path of a {what}")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"file is {size / 2**20:.0f} MiB, larger than the {max_bytes // 2**20} MiB limit for a {what}",
                         path=path, fix=f"check that it is really a {what}, or reduce it to what is needed")
    if size == 0:
        raise InputError("file is empty", path=path, fix=f"give a non-empty {what}")
    return path


def check_text_table(path: str | Path) -> Path:
    """:func:`check_file` for a numeric table, plus: text, not binary (no NUL byte in the first 8 kB)."""
    path = check_file(path, what="data table (header row and numeric rows)")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if b"\x00" in head:
        raise InputError("binary file, not a text table", path=path,
                         fix="export the data as CSV or plain text columns")
    return path


def _split(line: str, sep: str | None) -> list[str]:
    return [cell.strip() for cell in (line.split(sep) if sep else line.split())]


def _detect_separator(lines: list[str]) -> str | None:
    """Tab, semicolon or comma when the first line has one; otherwise whitespace (``None``)."""
    first = lines[0]
    for sep in ("\t", ";"):
        if sep in first:
            return sep
    if "," in first:
        cells = first.split()
        if len(cells) > 1 and all(_DECIMAL_COMMA.match(c) for c in cells):
            return None  # "1,5 2,5": whitespace-separated numbers with decimal commas
        return ","
    return None


def read_numeric_table(path: str | Path, *, positional_names: Sequence[str] | None = None) -> pd.DataFrame:
    """All columns of a numeric text table, keyed by normalised header names.

    A file without a header needs ``positional_names`` (e.g. ``("wavelength_nm", "reflectance")``) and gets
    exactly that many leading columns named so. Values are float64; every cell must be a finite number.
    """
    path = check_text_table(path)
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "%", "//"))]
    if not lines:
        raise InputError("no data rows (only comments or blank lines)", path=path,
                         fix="add numeric rows below the header")
    sep = _detect_separator(lines)
    first = _split(lines[0], sep)
    has_header = not all(_NUMBER.match(c) or _DECIMAL_COMMA.match(c) for c in first if c)
    if has_header:
        names = [normalise_name(c) for c in first]
        rows = lines[1:]
        if not rows:
            raise InputError("header only, no data rows", path=path, fix="add numeric rows below the header")
        if len(set(names)) != len(names):
            raise InputError(f"duplicated column names in header {first}", path=path, fix="rename the columns")
    else:
        if not positional_names:
            raise InputError("no header row", path=path,
                             fix="add a header naming the columns with their units (e.g. wavelength_nm,absorbance)")
        names = list(positional_names)
        rows = lines
    data: list[list[float]] = []
    for lineno, line in enumerate(rows, start=2 if has_header else 1):
        cells = _split(line, sep)
        if len(cells) < len(names):
            raise InputError(f"row {lineno} has {len(cells)} cells, expected {len(names)}", path=path,
                             fix="give every row a value in every column")
        cells = cells[: len(names)]
        values = []
        for col, cell in zip(names, cells, strict=True):
            if _DECIMAL_COMMA.match(cell):
                raise InputError(f"decimal comma in row {lineno}, column '{col}' ('{cell}')", path=path,
                                 fix="use a dot as decimal separator (e.g. 2.35, not 2,35)")
            if cell.lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity", "na", "n/a", ""):
                raise InputError(f"missing or non-finite value in row {lineno}, column '{col}' ('{cell}')",
                                 path=path, fix="remove that row or give a finite number")
            if not _NUMBER.match(cell):
                raise InputError(f"non-numeric cell in row {lineno}, column '{col}' ('{cell[:30]}')", path=path,
                                 fix="keep only numbers below the header")
            values.append(float(cell))
        data.append(values)
    frame = pd.DataFrame(np.asarray(data, dtype=float), columns=names)
    if not np.isfinite(frame.to_numpy()).all():
        raise InputError("a value overflows to infinity", path=path, fix="check the exponents in the file")
    return frame


def check_x(values: np.ndarray, *, name: str, path: str | Path | None = None) -> None:
    """``values`` must have ≥ 3 points, no duplicates, and be monotonic (ascending or descending)."""
    if values.size < 3:
        raise InputError(f"only {values.size} rows; at least 3 are needed", path=path, fix="give the full curve")
    diffs = np.diff(values)
    if np.any(diffs == 0):
        i = int(np.flatnonzero(diffs == 0)[0])
        raise InputError(f"duplicated {name} value {values[i]:g} (rows {i + 1} and {i + 2} of the data)",
                         path=path, fix=f"remove duplicated {name} rows or average them")
    if not (np.all(diffs > 0) or np.all(diffs < 0)):
        i = int(np.flatnonzero(np.sign(diffs) != np.sign(diffs[0]))[0])
        raise InputError(f"{name} is not monotonic (direction changes after data row {i + 1})", path=path,
                         fix=f"sort the rows by {name} or split the file into separate sweeps")
