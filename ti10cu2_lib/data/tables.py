"""Reading numeric tables (headed CSV/TXT or plain columns) with strict, one-line error messages.

Accepted: comma, semicolon, tab or whitespace separated text (UTF-8, or UTF-16/UTF-32 with a byte-order mark, or
UTF-16 without one); ``#`` comment lines; an optional header row; cells quoted as spreadsheets export them
(``"1.23"``). Rejected with :class:`~ti10cu2_lib.core.errors.InputError` (the CLI exits with code 2): missing,
empty, binary, compressed, not regular (named pipe, device) or over-large files, header-only files, headers of
more than :data:`MAX_COLUMNS` columns, decimal commas, non-numeric cells, NaN/inf, missing columns, and duplicated
or non-monotonic x values. Text quoted from the file in a message is clipped to :data:`MAX_QUOTED_CHARS`.

:func:`check_file` and :func:`read_text` are shared with the CIF reader (``structure/cif.py``).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ti10cu2_lib.core.errors import InputError

if TYPE_CHECKING:  # pandas is imported where a table is built: the text helpers here stay light
    import pandas as pd

MAX_TABLE_BYTES = 50 * 1024 * 1024  # 50 MiB: far above any spectrum or time course
MAX_COLUMNS = 100  # a measurement table here has 2–10 columns
MAX_QUOTED_CHARS = 80  # user text quoted in a message is clipped to this many characters
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+([eE][+-]?\d+)?$")
_QUOTES = "\"'"
_TABLE = "data table (header row and numeric rows)"
#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_TEXT_BYTES = frozenset(range(32, 127)) | {9, 10, 12, 13}


def clip(text: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters (an ellipsis marks the cut): for quoting user content."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def clip_list(items: Iterable[object], limit: int = 8) -> str:
    """The first ``limit`` items, each clipped, comma-separated, with the total when some are left out."""
    items = list(items)
    shown = ", ".join(clip(i, 30) for i in items[:limit])
    return shown if len(items) <= limit else f"{shown}, … ({len(items)} in all)"


def normalise_name(name: str) -> str:
    """Header cell → canonical key: lower case, spaces/dashes/slashes → ``_``, no brackets or µ/u clash."""
    name = name.strip().strip('"').strip("'").lower().replace("µ", "u").replace("μ", "u")
    name = re.sub(r"[()\[\]{}]", "_", name)
    name = re.sub(r"[\s/\-·*^]+", "_", name)
    return re.sub(r"_+", "_", name).strip("_")


def check_file(path: str | Path, *, max_bytes: int = MAX_TABLE_BYTES, what: str = "data file") -> Path:
    """The file exists, is a regular file, is not empty and is at most ``max_bytes`` long; returns the path."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=path, fix="check the path")
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path, fix=f"give the path of a {what}")
    if not path.is_file():
        raise InputError("is not a regular file (a named pipe, socket or device)", path=path,
                         fix=f"save the {what} to a file and give that file's path")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"file is {size / 2**20:.0f} MiB, larger than the {max_bytes // 2**20} MiB limit for a {what}",
                         path=path, fix=f"check that it is really a {what}, or reduce it to what is needed")
    if size == 0:
        raise InputError("file is empty", path=path, fix=f"give a non-empty {what}")
    return path


def read_text(path: str | Path, *, max_bytes: int = MAX_TABLE_BYTES, what: str = "data file") -> str:
    """The text of a checked file (:func:`check_file`), decoded by :func:`decode_text`."""
    path = check_file(path, max_bytes=max_bytes, what=what)
    return decode_text(path.read_bytes(), path=path, what=what)


def decode_text(raw: bytes, *, path: str | Path | None = None, what: str = "data file") -> str:
    """Bytes of a text file → text.

    A byte-order mark picks UTF-8, UTF-16 or UTF-32; UTF-16 without one is recognised by its zero bytes;
    anything else is UTF-8. Undecodable bytes are replaced (they only occur in free text). Gzip data and binary
    data (a NUL byte, or more than 10 % control characters, in the first 64 kB) raise :class:`InputError`.
    """
    head = raw[:65536]
    if head[:2] == b"\x1f\x8b":
        raise InputError("file is gzip-compressed (binary)", path=path, fix="decompress it first (gunzip)")
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None) or _utf16_without_bom(head)
    if encoding is None:
        if b"\x00" in head or _control_fraction(head) > 0.10:
            raise InputError(f"binary file, not a text {what}", path=path,
                             fix=f"give the {what} as a text file (not compressed, not a spreadsheet or image)")
        encoding = "utf-8"
    return raw.decode(encoding, errors="replace").lstrip("\ufeff")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte of ``head`` is zero and the rest is text (ASCII as UTF-16)."""
    sample = head[: len(head) // 2 * 2][:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, text, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and _control_fraction(text.replace(b"\x00", b"")) < 0.05:
            return encoding
    return None


def _control_fraction(data: bytes) -> float:
    """Fraction of ASCII control bytes (not tab, newline, form feed, carriage return); bytes ≥ 128 may be UTF-8."""
    if not data:
        return 0.0
    return sum(1 for b in data if b < 128 and b not in _TEXT_BYTES) / len(data)


def check_text_table(path: str | Path) -> Path:
    """:func:`check_file` for a numeric table, plus: text (see :func:`decode_text`), not binary."""
    path = check_file(path, what=_TABLE)
    with path.open("rb") as fh:
        decode_text(fh.read(8192), path=path, what=_TABLE)
    return path


def _split(line: str, sep: str | None) -> list[str]:
    """Cells of one line, stripped of blanks and of the quotes spreadsheets put around cells (``"1.23"``)."""
    cells = next(csv.reader([line], delimiter=sep, skipinitialspace=True)) if sep else line.split()
    return [_unquote(cell.strip()) for cell in cells]


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] and cell[0] in _QUOTES:
        return cell[1:-1].strip()
    return cell


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
    import pandas as pd

    path = Path(path)
    text = read_text(path, what=_TABLE)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "%", "//"))]
    if not lines:
        raise InputError("no data rows (only comments or blank lines)", path=path,
                         fix="add numeric rows below the header")
    sep = _detect_separator(lines)
    first = _cells(lines[0], sep, 1, path)
    has_header = not all(_NUMBER.match(c) or _DECIMAL_COMMA.match(c) for c in first if c)
    if has_header:
        names, rows = _header_names(first, path), lines[1:]
        if not rows:
            raise InputError("header only, no data rows", path=path, fix="add numeric rows below the header")
    elif positional_names:
        names, rows = list(positional_names), lines
    else:
        raise InputError("no header row", path=path,
                         fix="add a header naming the columns with their units (e.g. wavelength_nm,absorbance)")
    first_row = 2 if has_header else 1
    data = [_row_values(_cells(line, sep, lineno, path), names, lineno, path)
            for lineno, line in enumerate(rows, start=first_row)]
    frame = pd.DataFrame(np.asarray(data, dtype=float), columns=names)
    if not np.isfinite(frame.to_numpy()).all():
        raise InputError("a value overflows to infinity", path=path, fix="check the exponents in the file")
    return frame


def _cells(line: str, sep: str | None, lineno: int, path: Path) -> list[str]:
    """:func:`_split` with the csv module's field-size limit turned into an :class:`InputError`."""
    try:
        return _split(line, sep)
    except csv.Error as exc:
        raise InputError(f"row {lineno} cannot be split into cells ({clip(exc)})", path=path,
                         fix="export the table again as plain CSV") from None


def _header_names(cells: list[str], path: Path) -> list[str]:
    """Normalised column names of a header row; at most :data:`MAX_COLUMNS`, each a short unique name."""
    if len(cells) > MAX_COLUMNS:
        raise InputError(f"the header has {len(cells)} columns, more than the {MAX_COLUMNS} a data table here can "
                         "have", path=path, fix="keep only the columns of one measurement (e.g. x and y)")
    long = [c for c in cells if len(c) > MAX_QUOTED_CHARS]
    if long:
        raise InputError(f"header cell '{clip(long[0])}' is {len(long[0])} characters long, not a column name",
                         path=path, fix="give short column names with units, e.g. wavelength_nm,absorbance")
    names = [normalise_name(c) for c in cells]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputError(f"duplicated column name(s) in the header: {clip_list(duplicated)}", path=path,
                         fix="rename the columns")
    return names


def _row_values(cells: list[str], names: list[str], lineno: int, path: Path) -> list[float]:
    """The finite numbers of one data row (the first ``len(names)`` cells)."""
    if len(cells) < len(names):
        raise InputError(f"row {lineno} has {len(cells)} cells, expected {len(names)}", path=path,
                         fix="give every row a value in every column")
    return [_cell_value(cell, col, lineno, path) for col, cell in zip(names, cells[: len(names)], strict=True)]


def _cell_value(cell: str, column: str, lineno: int, path: Path) -> float:
    where = f"row {lineno}, column '{clip(column, 40)}' ('{clip(cell, 30)}')"
    if _DECIMAL_COMMA.match(cell):
        raise InputError(f"decimal comma in {where}", path=path,
                         fix="use a dot as decimal separator (e.g. 2.35, not 2,35)")
    if cell.lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity", "na", "n/a", ""):
        raise InputError(f"missing or non-finite value in {where}", path=path,
                         fix="remove that row or give a finite number")
    if not _NUMBER.match(cell):
        raise InputError(f"non-numeric cell in {where}", path=path, fix="keep only numbers below the header")
    return float(cell)


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
