"""Presenting numbers with their provenance: Markdown/HTML snippets and pandas tables for notebooks and dashboard.

Nothing here computes a result; it only formats values that carry an :class:`~ti10cu2_lib.core.provenance.Origin`.

- :func:`badge` — a coloured HTML badge for a provenance (``reported``, ``computed from reconstructed`` …); a number
  we derived from the article's printed ones reads ``derived from reported``, never the green ``reported``.
- :func:`value_md` — one value with unit, uncertainty, badge and source, as a :class:`Md` snippet (renders as
  Markdown in Jupyter, is a plain ``str`` everywhere else).
- :func:`reported_md` — a value of the article's registry (:mod:`.registry`) with its place in the article.
- :func:`dataset_md` — what a dataset is, its provenance and, for reconstructed data, every assumption.
- :func:`results_table` — a pandas table of results with ``provenance`` and ``source`` columns.
- :func:`registry_table`, :func:`claims_table`, :func:`claims_summary`, :func:`provenance_legend` — tables.
- :func:`style_provenance` — a pandas ``Styler`` colouring a table's provenance/status columns.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ti10cu2_lib.core.provenance import PROVENANCE_DESCRIPTIONS, Origin, Provenance
from ti10cu2_lib.core.rounding import format_number, format_with_uncertainty, has_uncertainty
from ti10cu2_lib.data.kinds import KINDS, Dataset
from ti10cu2_lib.data.registry import DERIVED_FROM_REPORTED, Registry, ReportedValue, default_registry

#: Badge colours per provenance (background); a derived label ("computed from X") takes the colour of X.
PROVENANCE_COLORS: dict[str, str] = {
    "reported": "#1b7837",
    "reconstructed": "#e08214",
    "deposited": "#2166ac",
    "user": "#762a83",
    "computed": "#4d4d4d",
    "illustrative": "#b2182b",
    "none": "#999999",
}

#: Colours of the claims-check statuses (see :mod:`.claims`).
STATUS_COLORS: dict[str, str] = {
    "reproduced": "#1b7837",
    "not reproduced": "#b2182b",
    "consistent by construction": "#e08214",
    "consistent (arithmetic)": "#5aae61",
    "derived from printed values — arithmetic only": "#35978f",
    "holds only under an assumption": "#bf812d",
    "inconsistent": "#b2182b",
    "ambiguous in the article": "#9970ab",
    "needs deposited CIF": "#2166ac",
    "not checkable": "#999999",
    "recorded": "#4d4d4d",
}


class Md(str):
    """A Markdown string that Jupyter renders as Markdown (and any other code treats as ``str``)."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __add__(self, other: object) -> Md:
        return Md(str(self) + str(other))


def join_md(*parts: str, sep: str = "\n\n") -> Md:
    """Several snippets as one Markdown block (paragraphs by default)."""
    return Md(sep.join(str(p) for p in parts if p))


def provenance_text(item: Origin | Provenance | str) -> str:
    """The badge text: ``reported``, ``computed from reconstructed`` … (an Origin's :meth:`Origin.label`); a value our
    code derived from the article's printed values alone reads ``derived from reported``.

    >>> from ti10cu2_lib.core.provenance import computed_from
    >>> provenance_text(computed_from(Origin(Provenance.REPORTED, "article: Fig. 4"), method="ratio"))
    'derived from reported'
    """
    if isinstance(item, Origin):
        if item.derived_from and item.root_provenances() == (Provenance.REPORTED,):
            return DERIVED_FROM_REPORTED
        return item.label()
    return str(item)


#: a number we derived from the article's printed ones: never the green of ``reported`` (the article does not print it)
DERIVED_COLOR = "#35978f"


def _colour_of(text: str) -> str:
    """Badge colour: green only for the bare ``reported``; a label resting on reported values and something else takes
    the colour of the other input; one resting on reported values alone is ``DERIVED_COLOR``."""
    if text in PROVENANCE_COLORS:
        return PROVENANCE_COLORS[text]
    roots = [r.strip() for r in text.split(" from ")[-1].split(" + ")]
    others = [r for r in roots if r != str(Provenance.REPORTED)]
    if text.startswith("derived") or not others:
        return DERIVED_COLOR
    return PROVENANCE_COLORS.get(others[0], "#4d4d4d")


def badge(item: Origin | Provenance | str) -> str:
    """Inline HTML badge (white text on the provenance colour); the title attribute holds the source."""
    text = provenance_text(item)
    if isinstance(item, Origin):
        tip = item.source
    elif text in {p.value for p in Provenance}:
        tip = PROVENANCE_DESCRIPTIONS[Provenance(text)]
    else:
        tip = text
    return (f'<span title="{html.escape(tip, quote=True)}" style="background:{_colour_of(text)};color:white;'
            f'border-radius:4px;padding:1px 6px;font-size:0.85em;white-space:nowrap">{html.escape(text)}</span>')


def value_md(label: str, value: Any, unit: str = "", *, origin: Origin, uncertainty: float | None = None,
             fmt: str | None = None, source: bool = True) -> Md:
    """``**label**: value ± u unit [badge] — source`` as Markdown (inline HTML badge); with an uncertainty the value
    is rounded to it, without one ``fmt`` or 4 significant digits."""
    if has_uncertainty(value, uncertainty):
        text = format_with_uncertainty(float(value), float(uncertainty))
    else:
        text = format_number(value, fmt)
    if unit and unit not in ("1", "text", "formula", "count"):
        text += f" {unit}"
    tail = f" — <small>{html.escape(origin.source)}</small>" if source else ""
    return Md(f"**{label}**: {text} {badge(origin)}{tail}")


def reported_md(id: str, form: str = "both", *, label: str | None = None, fmt: str | None = None,
                registry: Registry | None = None, notes: bool = True) -> Md:
    """A registry value with its place in the article and, when ``notes``, its ambiguity notes; a value the article
    does not print carries the ``derived from reported`` badge and its source says how we derived it."""
    entry = (registry or default_registry()).get(id, form)
    out = value_md(label or entry.quantity, entry.value, entry.unit, origin=entry.origin, fmt=fmt)
    if notes and entry.notes:
        out = out + f"<br><small>⚠ {html.escape(entry.notes)}</small>"
    return out


def dataset_md(dataset: Dataset, *, assumptions: bool = True) -> Md:
    """What a dataset is (kind, form), its provenance badge, source and — when ``assumptions`` — the assumptions
    of the forward model that made it (reconstructed / illustrative data)."""
    info = KINDS.get(dataset.kind)
    what = info.description if info else dataset.kind
    lines = [f"**{what}**{f' ({dataset.form})' if dataset.form else ''} {badge(dataset.origin)} — "
             f"<small>{html.escape(dataset.origin.source)}</small>"]
    if assumptions and dataset.assumptions:
        lines.append("<details><summary>assumptions of this dataset</summary>\n\n"
                     + "\n".join(f"- {html.escape(a)}" for a in dataset.assumptions) + "\n\n</details>")
    return Md("\n\n".join(lines))


@dataclass(frozen=True)
class Row:
    """One result for :func:`results_table`."""

    quantity: str
    value: Any
    unit: str
    origin: Origin
    uncertainty: float | None = None
    form: str | None = None
    note: str = ""


def results_table(rows: Iterable[Row | Mapping[str, Any]], *, fmt: str | None = None) -> pd.DataFrame:
    """Rows (``Row`` or dicts with the same keys) as a table: form, quantity, value, ±, unit, provenance, source, note.

    Values are formatted as text so that mixed kinds sit in one column: rounded to their uncertainty when they have
    one, else ``fmt`` or 4 significant figures.
    """
    out = []
    for row in rows:
        r = row if isinstance(row, Row) else Row(**row)
        text = (format_with_uncertainty(float(r.value), float(r.uncertainty))
                if has_uncertainty(r.value, r.uncertainty) else format_number(r.value, fmt))
        value, _, plus_minus = text.partition(" ± ")
        out.append({"form": r.form or "", "quantity": r.quantity, "value": value, "±": plus_minus, "unit": r.unit,
                    "provenance": provenance_text(r.origin), "source": r.origin.source, "note": r.note})
    return pd.DataFrame(out, columns=["form", "quantity", "value", "±", "unit", "provenance", "source", "note"])


def registry_table(registry: Registry | None = None, *, ids: Sequence[str] | None = None,
                   forms: Sequence[str] | None = None) -> pd.DataFrame:
    """Reported values (all, or ``ids`` in that order) for ``forms``: id, form, quantity, value, unit, reported_basis
    (printed / derived), provenance (``reported``, or ``derived from reported`` for a value the article does not
    print), derivation, source and notes."""
    registry = registry or default_registry()
    entries: list[ReportedValue] = list(registry.values)
    if ids is not None:
        order = {id_: i for i, id_ in enumerate(ids)}
        entries = sorted((e for e in entries if e.id in order), key=lambda e: order[e.id])
    if forms is not None:
        entries = [e for e in entries if e.form in forms or e.form == "both"]
    return pd.DataFrame([{"id": e.id, "form": e.form, "quantity": e.quantity, "value": format_number(e.value),
                          "unit": e.unit, "reported_basis": e.reported_basis, "provenance": e.provenance_label,
                          "derivation": e.derivation, "source": e.source, "notes": e.notes} for e in entries])


def claims_table(checks: Iterable[Any]) -> pd.DataFrame:
    """The claims check (:func:`ti10cu2_lib.report.claims.check_claims`) as a table, one row per check."""
    return pd.DataFrame([{"id": c.id, "form": c.form, "quantity": c.quantity, "reported": format_number(c.reported),
                          "reported basis": c.reported_basis, "computed": format_number(c.computed), "unit": c.unit,
                          "tolerance": "" if c.tolerance is None else format_number(c.tolerance),
                          "status": str(c.status), "data provenance": c.data_provenance, "method": c.method,
                          "note": c.note} for c in checks])


def claims_summary(checks: Iterable[Any]) -> pd.DataFrame:
    """The legend of the claims check: every status, how many checks have it (most first) and what it means."""
    from ti10cu2_lib.report.claims import STATUS_MEANINGS

    counts = {str(s): 0 for s in STATUS_MEANINGS}
    for c in checks:
        counts[str(c.status)] = counts.get(str(c.status), 0) + 1
    meanings = {str(s): m for s, m in STATUS_MEANINGS.items()}
    return pd.DataFrame([{"status": s, "count": n, "meaning": meanings.get(s, "")}
                         for s, n in sorted(counts.items(), key=lambda kv: -kv[1])])


#: meaning of the badge of a value the article does not print (one of the legend's rows)
DERIVED_FROM_REPORTED_MEANING = ("not printed in the article: derived by us from its printed values (sum formula, "
                                 "molar mass, HOMO = LUMO + Eg, ratios …; the source says how)")


def provenance_legend() -> pd.DataFrame:
    """Every provenance with its meaning (the README's table), and the ``derived from reported`` badge after
    ``reported``."""
    rows = [{"provenance": str(p), "meaning": d} for p, d in PROVENANCE_DESCRIPTIONS.items()]
    rows.insert(1, {"provenance": DERIVED_FROM_REPORTED, "meaning": DERIVED_FROM_REPORTED_MEANING})
    return pd.DataFrame(rows)


def style_provenance(frame: pd.DataFrame, columns: Sequence[str] = ("provenance", "data provenance", "status")):
    """A pandas ``Styler`` with the provenance/status cells coloured (for HTML display in notebooks)."""

    def colour(value: Any) -> str:
        text = str(value)
        c = STATUS_COLORS.get(text) or (_colour_of(text) if text else None)
        return f"background-color:{c};color:white" if c else ""

    present = [c for c in columns if c in frame.columns]
    styler = frame.style
    if present:
        styler = styler.map(colour, subset=present)
    return styler.hide(axis="index")
