"""Building blocks shared by the dashboard's tabs: formatting, HTML tables with provenance badges, downloads, figures.

Every function here takes the session's :class:`~dashboard.state.DashboardState` (or results from it) and returns
text or Panel objects; numbers are formatted, never computed. Figures come from :mod:`ti10cu2_lib.present.figures`
and :mod:`ti10cu2_lib.present.figures_structure`; provenance badges from :mod:`ti10cu2_lib.present.badges`
(source text in the ``title`` attribute, shown on hover).
"""

from __future__ import annotations

import html
import inspect
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import panel as pn

from ti10cu2_lib.core.provenance import Origin
from ti10cu2_lib.core.rounding import format_number, format_with_uncertainty, has_uncertainty
from ti10cu2_lib.data.kinds import KINDS
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import figures
from ti10cu2_lib.present.badges import badge, provenance_text

from .state import FORM_DESCRIPTIONS, FORM_LABELS, FORMS, DashboardState
from .structures import StructureBundle
from .uploads import UPLOAD_LIMIT_TEXT

MAX_TABLE_ROWS = 40  # rows shown per table in the page; the CSV download has all of them


# ------------------------------------------------------------------------------------------------ context


@dataclass
class Context:
    """How to build: live (served, with callbacks) or ``static`` (exported page: files linked, no Python)."""

    static: bool = False
    #: static export: file name → CSV/JSON text, written beside the page (tables/) by the exporter
    tables: dict[str, str | bytes] = field(default_factory=dict)
    #: (form, column) of every per-form panel, for the static toggle
    form_holders: list[tuple[str, Any]] = field(default_factory=list)
    form_grids: list[Any] = field(default_factory=list)  # the grids of form columns (one form: full width)


class Html(str):
    """Text that is already HTML (not escaped again in tables)."""


# ------------------------------------------------------------------------------------------------ formatting


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def number(value: Any, fmt: str | None = None, uncertainty: float | None = None, unit: str = "") -> str:
    """``2.271 ± 0.012 eV`` (plain text): with an uncertainty, rounded to it (2 significant digits of the uncertainty,
    ``fmt`` only lends its ``+`` sign); without one, ``fmt`` or 4 significant digits."""
    if has_uncertainty(value, uncertainty):
        text = format_with_uncertainty(float(value), abs(float(uncertainty)))
        if fmt and "+" in fmt and value >= 0:
            text = "+" + text
    else:
        text = format_number(value, fmt)
    if unit and unit not in ("1", "text", "formula", "count"):
        text += f" {unit}"
    return text


def value_html(value: Any, *, origin: Origin | None, unit: str = "", uncertainty: float | None = None,
               fmt: str | None = None, key: str = "", form: str = "") -> Html:
    """A value with its provenance badge; ``data-key``/``data-form`` let tests and readers find it."""
    text = number(value, fmt, uncertainty, unit)
    prov = provenance_text(origin) if origin is not None else "none"
    out = (f'<span class="ti-value" data-key="{esc(key)}" data-form="{esc(form)}" data-provenance="{esc(prov)}">'
           f"{esc(text)}</span>")
    return Html(out + (" " + badge(origin) if origin is not None else ""))


def reported_html(id: str, form: str, fmt: str | None = None) -> Html:
    """The article's value of registry entry ``id`` for ``form``, with its badge: ``reported`` when the article prints
    it, ``derived from reported`` (and how, on hover) when we derived it from printed values."""
    try:
        entry = default_registry().get(id, form)
    except KeyError:
        return Html("—")
    fmt = fmt or ("{:g}" if isinstance(entry.value, float) else None)  # as printed: 2387.3, 4.1e-10
    return value_html(entry.value, origin=entry.origin, unit=entry.unit, fmt=fmt, key=f"reported:{id}", form=form)


def cell_html(value: Any) -> str:
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, Origin):
        return badge(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return esc(format_number(value))
    return esc(value)


def html_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *,
               max_rows: int | None = MAX_TABLE_ROWS, css_class: str = "ti-table") -> str:
    """An HTML table; Origin cells become badges (source on hover), Html cells are kept, the rest escaped."""
    if not rows:
        return "<p><em>(no rows)</em></p>"
    columns = list(columns or rows[0].keys())
    shown = rows if max_rows is None else rows[:max_rows]
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell_html(r.get(c))}</td>" for c in columns) + "</tr>" for r in shown)
    more = (f"<p><small>{len(rows) - len(shown)} more row(s) in the CSV download.</small></p>"
            if len(shown) < len(rows) else "")
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def csv_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows as a plain table for CSV: an Origin cell becomes its label plus a ``<column> source`` column."""
    out = []
    for row in rows:
        flat: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, Origin):
                flat[key] = value.label()
                flat[f"{key} source"] = value.source
            elif isinstance(value, Html):
                flat[key] = _strip_tags(value)
            else:
                flat[key] = value if not isinstance(value, list | tuple) else format_number(value)
        out.append(flat)
    return pd.DataFrame(out)


def _strip_tags(text: str) -> str:
    plain = re.sub(r'<span title="[^"]*"[^>]*>([^<]*)</span>', r" [\1]", text)
    return html.unescape(re.sub(r"<[^>]+>", "", plain)).strip()


TABLE_CSS = """
.ti-table {border-collapse: collapse; font-size: 13px; margin: 4px 0; display: block; max-width: 100%;
           overflow-x: auto;}
.ti-table th {background: #f0f0f0; text-align: left; padding: 3px 6px; border-bottom: 1px solid #bbb;}
.ti-table td {padding: 3px 6px; border-bottom: 1px solid #e4e4e4; vertical-align: top;}
.ti-keynums td:first-child {font-weight: 600;}
.ti-value {font-variant-numeric: tabular-nums;}
.ti-banner {padding: 6px 10px; border-radius: 4px; margin: 4px 0;}
.ti-demo {background: #fdecea; border: 2px solid #b2182b; color: #7a0d1c; font-weight: 600;}
.ti-note {background: #f6f6f6; border-left: 4px solid #999;}
"""


def html_pane(text: str, **kwargs: Any) -> pn.pane.HTML:
    return pn.pane.HTML(text, stylesheets=[TABLE_CSS], sizing_mode="stretch_width", **kwargs)


def safe_markdown(text: str) -> str:
    """Text for a Markdown pane with HTML neutralised: ``<``, ``>`` and ``&`` of user-derived text (file names,
    CIF labels and symmetry operators, table headers and cells quoted in messages) are shown, never run.
    Markdown emphasis and code spans still work; an :class:`Html` string is trusted and kept."""
    return str(text) if isinstance(text, Html) else html.escape(str(text), quote=False)


def note(text: str, *, kind: str = "info") -> pn.pane.Alert:
    """A coloured message box; ``text`` is Markdown whose HTML is escaped (see :func:`safe_markdown`)."""
    return pn.pane.Alert(safe_markdown(text), alert_type={"info": "info", "problem": "warning", "error": "danger",
                                           "demo": "danger"}.get(kind, "info"), sizing_mode="stretch_width")


def newly_dropped(handled: Mapping[str, bytes | str], current: Mapping[str, bytes | str]) -> dict[str, bytes | str]:
    """The files of a FileDropper's value not handled yet: its value keeps every file dropped on the page so far
    (and Panel mutates it in place, so an event's ``old`` is its ``new``), so each drop hands on only names that
    are new, or whose content changed."""
    return {name: data for name, data in current.items() if name not in handled or handled[name] != data}


#: the file tile of a FileDropper says "Upload complete" once the bytes reached the server, whatever our readers make
#: of them: relabel it with the outcome (reading → read and used / refused, the reason in the message beside it)
DROP_STATUS_CSS = "\n".join(
    [f":host(.ti-drop-{state}) .filepond--file-status-main, :host(.ti-drop-{state}) .filepond--file-status-sub "
     "{font-size: 0;}" for state in ("reading", "accepted", "refused")]
    + [f':host(.ti-drop-{state}) .filepond--file-status-main::after {{content: "{label}"; font-size: 0.75rem;}}'
       for state, label in (("reading", "received: reading …"), ("accepted", "read and used"),
                            ("refused", "refused: see the message"))]
    + [":host(.ti-drop-refused) .filepond--item-panel {background-color: #b00020 !important;}",
       ":host(.ti-drop-reading) .filepond--item-panel {background-color: #555555 !important;}"])
DROP_STATES = ("ti-drop-reading", "ti-drop-accepted", "ti-drop-refused")


def mark_drop(dropper: pn.widgets.FileDropper, outcome: str) -> None:
    """Label the dropper's file tile with ``outcome`` (``reading``, ``accepted``, ``refused``)."""
    dropper.css_classes = [c for c in dropper.css_classes if c not in DROP_STATES] + [f"ti-drop-{outcome}"]


def handle_drop(dropper: pn.widgets.FileDropper, handle: Callable[[str, bytes | str], Any]) -> None:
    """Call ``handle(name, data)`` once for each newly dropped file; an async ``handle`` (the state's
    ``upload_async``) is awaited, so its analysis runs on a worker thread while the server's event loop serves the
    other visitors. ``handle`` returns whether the file was used: the file tile then says "read and used" or
    "refused" instead of FilePond's "Upload complete". A file removed from the dropper and dropped again is handled
    again. (Panel's ``loading`` spinner is not used: its stylesheet comes from a CDN, and the page works offline.)"""
    handled: dict[str, bytes | str] = {}
    dropper.stylesheets = [*dropper.stylesheets, DROP_STATUS_CSS]

    async def on_drop(event: Any) -> None:
        current = dict(event.new or {})
        files = newly_dropped(handled, current)
        handled.clear()
        handled.update(current)
        for name, data in files.items():  # each handler says 'reading and analysing …' first
            mark_drop(dropper, "reading")
            result = handle(name, data)
            if inspect.isawaitable(result):
                result = await result
            mark_drop(dropper, "accepted" if result else "refused")

    dropper.param.watch(on_drop, "value")


def message_pane(state: DashboardState, topic: str) -> pn.pane.Alert:
    """The session's latest message about ``topic`` (uploads, the Tauc window …), shown beside that control,
    escaped (messages quote uploaded files), hidden when there is none."""
    alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width",
                          css_classes=["ti-message", f"ti-message-{topic}"])

    def update(*_: Any) -> None:
        mine = state.message_topic == topic and bool(state.message)
        alert.object = safe_markdown(state.message) if mine else ""
        alert.alert_type = {"error": "danger", "success": "success"}.get(state.message_level, "info")
        alert.visible = mine

    state.param.watch(update, ["message", "message_level", "message_topic"])
    update()
    return alert


def download(ctx: Context, filename: str, make: Callable[[], str | bytes], label: str) -> pn.viewable.Viewable:
    """A download: live, a FileDownload whose callback builds the file on click; static, a link to a file the
    exporter writes (``tables/<filename>``)."""
    if ctx.static:
        ctx.tables[filename] = make()
        return pn.pane.HTML(f'<a href="tables/{esc(filename)}" download>⬇ {esc(label)}</a>', margin=(0, 10))

    def callback() -> io.BytesIO:
        data = make()
        return io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)

    return pn.widgets.FileDownload(callback=callback, filename=filename, label=label, color="light",
                                   embed=False, width=230, margin=(0, 10))


def table(ctx: Context, rows: Sequence[Mapping[str, Any]], filename: str, *, title: str = "",
          columns: Sequence[str] | None = None, max_rows: int | None = MAX_TABLE_ROWS, collapsed: bool = False,
          origin: Origin | None = None) -> pn.viewable.Viewable:
    """HTML table with provenance badges plus its CSV download (which always has provenance and source columns).

    When every row has the same ``provenance`` Origin, the badge is shown once beside the title instead of on every
    row; ``origin`` badges the title of a table whose rows are all attributes of one result. ``collapsed`` puts
    long detail tables in a closed card.
    """
    columns = list(columns or (rows[0].keys() if rows else []))
    shown = columns
    shared = origin
    origins = [r.get("provenance") for r in rows] if "provenance" in columns else []
    if origins and all(isinstance(o, Origin) for o in origins) and len({(o.label(), o.source) for o in origins}) == 1:
        shared = origins[0]
        shown = [c for c in columns if c != "provenance"]
    head = ""
    if title or shared is not None:
        head = f"<p style='margin:4px 0'><b>{esc(title)}</b> {badge(shared) if shared is not None else ''}</p>"
    parts: list[Any] = [html_pane(head + html_table(rows, shown, max_rows=max_rows))]
    if rows:
        frame_rows = [{c: r.get(c) for c in columns} for r in rows]
        if shared is not None and "provenance" not in columns:
            frame_rows = [{**r, "provenance": shared} for r in frame_rows]
        parts.append(download(ctx, filename, lambda: csv_frame(frame_rows).to_csv(index=False),
                              f"{filename} (CSV)"))
    if collapsed:
        # a Card renders its title as HTML: escape it (titles quote CIF labels and rules)
        return pn.Card(*parts, title=esc(f"{title} — {len(rows)} row(s)"), collapsed=True,
                       sizing_mode="stretch_width")
    return pn.Column(*parts, sizing_mode="stretch_width")


def figure(fig: Any, state: DashboardState) -> pn.pane.HoloViews:
    """A shared HoloViews figure; SVG output when the session asked for it (the toolbar's save tool saves it)."""
    if state.svg:
        fig = fig.opts(backend_opts={"plot.output_backend": "svg"}, clone=True)
    return pn.pane.HoloViews(fig, backend="bokeh", linked_axes=False, sizing_mode="stretch_width",
                             min_width=figures.MIN_WIDTH, min_height=figures.HEIGHT)


def result_figure(state: DashboardState, form: str, kind: str, result: str, draw: Callable[..., Any],
                  **options: Any) -> Any:
    """``draw(dataset, result, **options)`` for ``form``'s dataset of ``kind`` and its analysis result (the
    :class:`FormAnalysis` attribute ``result``); None when either is missing."""
    analysis = state.analyses[form]
    dataset, found = analysis.datasets.get(kind), getattr(analysis, result)
    return draw(dataset, found, **options) if dataset is not None and found is not None else None


def paired_figure(form: str, make: Callable[[str], Any]) -> Any:
    """``make(form)`` with the axis limits it shares with the other form's figure (``make`` returns None where a
    form has no data), so side-by-side panels compare at a glance; None when ``form`` has none."""
    figs = {f: fig for f in FORMS if (fig := make(f)) is not None}
    return figures.shared_axes(figs).get(form) if form in figs else None


def overlay_figure(state: DashboardState, make: Callable[[str], Any], title: str, kind: str) -> list:
    """Both forms' figures from ``make`` on one pair of axes (titled with each form's data provenance for the
    dataset ``kind``), or a note when neither form has data."""
    figs = {f: fig for f in FORMS if (fig := make(f)) is not None}
    if not figs:
        return [note(f"{title}: no data for either form", kind="problem")]
    missing = [FORM_LABELS[f] for f in FORMS if f not in figs]
    data = ", ".join(f"{f} {'+'.join(state.analyses[f].datasets[kind].origin.root_provenances())}" for f in figs)
    parts: list[Any] = [figure(figures.overlaid(figs, f"{title}, sp vs cs — data: {data}"), state)]
    if missing:
        parts.append(note(f"{', '.join(missing)}: no data to overlay", kind="problem"))
    return parts


def form_header(form: str) -> pn.pane.HTML:
    color = figures.FORM_COLORS[form]
    return pn.pane.HTML(f'<h3 style="margin:4px 0;color:{color}" data-form-header="{form}">{FORM_LABELS[form]} '
                        f'<small style="color:#555">— {FORM_DESCRIPTIONS[form]}</small></h3>',
                        sizing_mode="stretch_width")


def problem_of(state: DashboardState, form: str, kind: str) -> str:
    return state.analyses[form].problems.get(kind) or f"no {KINDS[kind].description if kind in KINDS else kind} data"


def dataset_line(ds: Any) -> pn.pane.HTML:
    """Which dataset a section shows, with its badge and (reconstructed data) its assumptions."""
    if ds is None:
        return html_pane("")
    what = KINDS[ds.kind].description if ds.kind in KINDS else ds.kind
    text = f"<small>data: {esc(what)} {badge(ds.origin)} — {esc(ds.origin.source)}</small>"
    if ds.assumptions:
        text += ("<details><summary><small>assumptions of this dataset</small></summary><ul>"
                 + "".join(f"<li><small>{esc(a)}</small></li>" for a in ds.assumptions) + "</ul></details>")
    return html_pane(text)


# ------------------------------------------------------------------------------------------------ structures


def bundle_banner(bundle: StructureBundle) -> pn.pane.HTML:
    if bundle.is_demo:
        return html_pane(f'<div class="ti-banner ti-demo" data-demo="1">⚠ {esc(bundle.label)} '
                         f"{badge(bundle.origin)}</div>")
    return html_pane(f'<div class="ti-banner ti-note">Structure shown: {esc(bundle.label)} {badge(bundle.origin)}'
                     "</div>")


def no_structure_message(form: str) -> str:
    return (f"**No deposited CIF for {FORM_LABELS[form]}.** The authors' CIFs (CCDC 2277134 / 2277142) may not be "
            "redistributed, so none ships with this project. Import them server-wide with "
            "`ti10cu2 import-cif FILE` (validated against the expected composition), or upload a CIF for this "
            f"browser session below (≤ {UPLOAD_LIMIT_TEXT}). Until then the article's reported numbers are shown.")


# ------------------------------------------------------------------------------------------------ results


def bundle_json(state: DashboardState) -> str:
    return json.dumps(state.results_bundle(), indent=1, ensure_ascii=False)
