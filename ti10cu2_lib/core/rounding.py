"""Numbers as a person reads them: a value rounded to its uncertainty (2 significant digits of the uncertainty), or
to 4 significant digits when it has none; the decimals a printed number was given with. JSON keeps full precision;
only text is rounded (CLI tables, notebooks, dashboard, claims notes).
"""

from __future__ import annotations

import math
from typing import Any


def format_number(value: Any, fmt: str | None = None) -> str:
    """A number for display: ``fmt`` (e.g. ``"{:.3f}"``) or 4 significant figures; lists and text as they are."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(format_number(v, fmt) for v in value)
    if isinstance(value, int) and fmt is None:
        return str(value)
    if isinstance(value, float | int):
        if not math.isfinite(value):
            return "—"
        if fmt:
            return fmt.format(value)
        return f"{value:.4g}"
    return str(value)


def has_uncertainty(value: Any, uncertainty: Any) -> bool:
    """Whether ``value ± uncertainty`` can be printed rounded to the uncertainty: both finite numbers, u > 0.

    >>> has_uncertainty(2.27, 0.01), has_uncertainty(2.27, None), has_uncertainty("P2_1/c", 0.1)
    (True, False, False)
    """
    numbers = all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                  for x in (value, uncertainty))
    return numbers and uncertainty > 0


def format_with_uncertainty(value: float, uncertainty: float | None) -> str:
    """``value ± uncertainty`` rounded to the uncertainty (2 significant figures of it); 4 significant figures
    when there is none.

    >>> format_with_uncertainty(-0.472448, 0.0123)
    '-0.472 ± 0.012'
    >>> format_with_uncertainty(11.0198, 0.144542)
    '11.02 ± 0.14'
    >>> format_with_uncertainty(6.13e-9, 2.5e-10)
    '6.13e-09 ± 0.25e-09'
    >>> format_with_uncertainty(4.06219e-10, None)
    '4.062e-10'
    """
    if uncertainty is None or not math.isfinite(uncertainty) or uncertainty <= 0:
        return format_number(value)
    decimals = 1 - math.floor(math.log10(uncertainty))
    if 1e-3 <= max(abs(value), uncertainty) < 1e6:
        decimals = max(decimals, 0)
        return f"{value:.{decimals}f} ± {uncertainty:.{decimals}f}"
    exponent = math.floor(math.log10(abs(value))) if value else 0
    digits = max(exponent - math.floor(math.log10(uncertainty)) + 1, 1)
    mantissa = f"{value / 10 ** exponent:.{digits}f}"
    return f"{mantissa}e{exponent:+03d} ± {uncertainty / 10 ** exponent:.{digits}f}e{exponent:+03d}"


def printed_decimals(value: float) -> int:
    """Decimals a number was printed with (as stored): ``2.27`` → 2, ``14.4`` → 1, ``5.9e-09`` → 10.

    >>> printed_decimals(2.27), printed_decimals(46.5), printed_decimals(-0.47)
    (2, 1, 2)
    """
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return max(len(mantissa.split(".")[1].rstrip("0")) - int(exponent), 0)
    return len(text.split(".")[1].rstrip("0"))


def rounded(value: float | None, uncertainty: float | None = None) -> str:
    """``value ± uncertainty`` rounded to the uncertainty, or ``value`` to 4 significant digits ("—" for None/NaN).

    >>> rounded(-0.472448, 0.00184786), rounded(4.06219e-10), rounded(11.0198, 0.144542)
    ('-0.4724 ± 0.0018', '4.062e-10', '11.02 ± 0.14')
    """
    if value is None or not math.isfinite(value):
        return "—"
    return format_with_uncertainty(float(value), uncertainty)


def uncertainty_text(uncertainty: float | None) -> str:
    """An uncertainty on its own, to 2 significant digits.

    >>> uncertainty_text(0.00108869), uncertainty_text(2.04921e-15), uncertainty_text(0.0)
    ('0.0011', '2e-15', '0')
    """
    if uncertainty is None or not math.isfinite(uncertainty):
        return "—"
    return f"{uncertainty:.2g}"
