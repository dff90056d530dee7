"""Numbers in text output (CLI tables, notebooks, dashboard): a value rounded to its uncertainty (2 significant
digits of the uncertainty), an uncertainty on its own to 2 significant digits, anything else to ≤ 4 significant
digits. JSON keeps full precision; only what a person reads is rounded here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ti10cu2_lib.core.rounding import format_number, format_with_uncertainty, rounded, uncertainty_text
from ti10cu2_lib.present.badges import Row

#: ``rounded`` and ``uncertainty_text`` live in :mod:`ti10cu2_lib.core.rounding` (the report layer uses them too)
__all__ = ["rounded", "uncertainty_text", "format_with_uncertainty", "rounded_range", "rounded_cells", "rounded_rows",
           "rounded_frame"]


def rounded_range(values: Iterable[float], unit: str = "") -> str:
    """Two (or more) numbers joined with en dashes, 4 significant digits each.

    >>> rounded_range((2.28812, 2.74931), " eV")
    '2.288–2.749 eV'
    """
    return "–".join(format_number(float(v)) for v in values) + unit


def rounded_cells(row: Mapping[str, Any]) -> dict[str, Any]:
    """A table row with every float (and every tuple/list of floats) as text to ≤ 4 significant digits; other cells
    (integers, text, values already formatted) as they are.

    >>> rounded_cells({"f": 1000.0, "r2": 0.999354, "window": (-0.6, -0.34), "type": "n"})
    {'f': '1000', 'r2': '0.9994', 'window': '-0.6, -0.34', 'type': 'n'}
    """
    def cell(value: Any) -> Any:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            return format_number(value)
        if isinstance(value, tuple | list) and value and all(isinstance(v, int | float) for v in value):
            return ", ".join(format_number(float(v)) for v in value)
        return value
    return {key: cell(value) for key, value in row.items()}


def rounded_rows(rows: Iterable[Row]) -> list[Row]:
    """:class:`~ti10cu2_lib.present.badges.Row` s with each numeric value rounded to its uncertainty as text (the
    uncertainty then sits in the value: "2.270 ± 0.005"), ready for ``results_table``.

    >>> from ti10cu2_lib.core.provenance import Origin, Provenance
    >>> rounded_rows([Row("Eg", 2.270875, "eV", Origin(Provenance.COMPUTED, "test"), uncertainty=0.0048)])[0].value
    '2.2709 ± 0.0048'
    """
    return [dataclasses.replace(r, value=rounded(r.value, r.uncertainty), uncertainty=None)
            if isinstance(r.value, int | float) and not isinstance(r.value, bool) else r for r in rows]


def rounded_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every float cell as text to ≤ 4 significant digits (for display only).

    >>> rounded_frame(pd.DataFrame({"Eg_eV": [2.270875], "n": [3]})).to_dict("records")
    [{'Eg_eV': '2.271', 'n': 3}]
    """
    return frame.apply(lambda column: column.map(lambda v: format_number(v) if isinstance(v, float) else v))
