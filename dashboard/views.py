"""What each tab shows for one form: Panel objects built from the session's results (presentation only).

Every function here takes the session's :class:`~dashboard.state.DashboardState` (or results from it) and returns
Panel objects; numbers are formatted, never computed. Figures come from :mod:`ti10cu2_lib.present.figures` and
:mod:`ti10cu2_lib.present.figures_structure`; provenance badges from :mod:`ti10cu2_lib.present.badges`
(source text in the ``title`` attribute, shown on hover).

Each *section* is a pair ``(key, build)``: ``key(state, form)`` names the inputs the section shows (datasets,
options, the structure), so the layout rebuilds a section only when its inputs change. Keys hold objects, which
are compared by identity (numbers and strings by value).
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import panel as pn

from ti10cu2_lib.analysis.tauc import absorption_spectrum
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import KINDS
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import figures, figures_structure
from ti10cu2_lib.present.badges import STATUS_COLORS, badge, claims_summary, format_number, provenance_legend
from ti10cu2_lib.structure.pxrd_compare import PxrdComparison

from .state import (
    FORM_DESCRIPTIONS,
    FORM_LABELS,
    FORMS,
    UPLOAD_LIMIT_TEXT,
    DashboardState,
    StructureBundle,
    claims_rows,
)

MAX_TABLE_ROWS = 40  # rows shown per table in the page; the CSV download has all of them
TAUC_SLIDER_LIMITS_EV = (1.0, 6.0)


# ------------------------------------------------------------------------------------------------ context


@dataclass
class Context:
    """How to build: live (served, with callbacks) or ``static`` (exported page: files linked, no Python)."""

    static: bool = False
    #: static export: file name → CSV/JSON text, written beside the page (tables/) by the exporter
    tables: dict[str, str | bytes] = field(default_factory=dict)
    #: (form, column) of every per-form panel, for the static toggle
    form_holders: list[tuple[str, Any]] = field(default_factory=list)


class Html(str):
    """Text that is already HTML (not escaped again in tables)."""


# ------------------------------------------------------------------------------------------------ formatting


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def number(value: Any, fmt: str | None = None, uncertainty: float | None = None, unit: str = "") -> str:
    """``2.271 ± 0.012 eV`` (plain text)."""
    text = format_number(value, fmt)
    if uncertainty is not None and isinstance(uncertainty, int | float) and math.isfinite(uncertainty):
        text += f" ± {format_number(abs(uncertainty), fmt.replace('+', '') if fmt else fmt)}"
    if unit and unit not in ("1", "text", "formula", "count"):
        text += f" {unit}"
    return text


def value_html(value: Any, *, origin: Origin | None, unit: str = "", uncertainty: float | None = None,
               fmt: str | None = None, key: str = "", form: str = "") -> Html:
    """A value with its provenance badge; ``data-key``/``data-form`` let tests and readers find it."""
    text = number(value, fmt, uncertainty, unit)
    prov = origin.label() if origin is not None else "none"
    out = (f'<span class="ti-value" data-key="{esc(key)}" data-form="{esc(form)}" data-provenance="{esc(prov)}">'
           f"{esc(text)}</span>")
    return Html(out + (" " + badge(origin) if origin is not None else ""))


def reported_html(id: str, form: str, fmt: str | None = None) -> Html:
    """The article's value of registry entry ``id`` for ``form``, with its ``reported`` badge."""
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
.ti-table {border-collapse: collapse; font-size: 13px; margin: 4px 0;}
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


def note(text: str, *, kind: str = "info") -> pn.pane.Alert:
    return pn.pane.Alert(text, alert_type={"info": "info", "problem": "warning", "error": "danger",
                                           "demo": "danger"}.get(kind, "info"), sizing_mode="stretch_width")


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
        return pn.Card(*parts, title=f"{title} — {len(rows)} row(s)", collapsed=True, sizing_mode="stretch_width")
    return pn.Column(*parts, sizing_mode="stretch_width")


def figure(fig: Any, state: DashboardState) -> pn.pane.HoloViews:
    """A shared HoloViews figure; SVG output when the session asked for it (the toolbar's save tool saves it)."""
    if state.svg:
        fig = fig.opts(backend_opts={"plot.output_backend": "svg"}, clone=True)
    return pn.pane.HoloViews(fig, backend="bokeh", linked_axes=False, sizing_mode="fixed")


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


# ------------------------------------------------------------------------------------------------ keys


def same_key(a: tuple | None, b: tuple | None) -> bool:
    """Keys are equal when every item is the same object (numbers, strings, None and tuples by value)."""
    if a is None or b is None or len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, str | int | float | bool | type(None) | tuple) and isinstance(
                y, str | int | float | bool | type(None) | tuple):
            if x != y:
                return False
        elif x is not y:
            return False
    return True


def ds_key(*kinds: str) -> Callable[[DashboardState, str], tuple]:
    """Key of a section that shows the datasets of ``kinds`` (and figures, so the SVG choice)."""

    def key(state: DashboardState, form: str) -> tuple:
        data = state.analyses[form].datasets
        return (state.svg, *(data.get(k) for k in kinds), *(state.analyses[form].problems.get(k) for k in kinds))

    return key


def tauc_key(state: DashboardState, form: str) -> tuple:
    return (*ds_key("drs")(state, form), state.transition, state.tauc_windows.get(form))


def bands_key(state: DashboardState, form: str) -> tuple:
    return (*ds_key("mott_schottky", "drs")(state, form), state.transition, state.tauc_windows.get(form))


def structure_key(state: DashboardState, form: str) -> tuple:
    return (state.svg, state.structures.get(form), state.demo)


def pxrd_key(state: DashboardState, form: str) -> tuple:
    upload = state.patterns.get(form)
    return (state.svg, state.structures.get(form), upload, state.comparisons.get(form))


def analysis_key(state: DashboardState, form: str) -> tuple:
    return (state.analyses[form], state.structures.get(form))


# ------------------------------------------------------------------------------------------------ overview


@dataclass(frozen=True)
class KeyNumber:
    key: str
    label: str
    unit: str
    reported_id: str | None
    fmt: str | None
    get: Callable[[Any], tuple[Any, float | None, Origin] | None]


def _co_allowed(a: Any) -> tuple[Any, None, Origin] | None:
    if a.bands is None:
        return None
    co = next((f for f in a.bands.feasibility if f.product == "CO"), None)
    return None if co is None else (co.allowed, None, a.bands.origin)


def _yield(product: str) -> Callable[[Any], tuple[Any, None, Origin] | None]:
    def get(a: Any) -> tuple[Any, None, Origin] | None:
        if a.co2 is None:
            return None
        found = a.co2.products.get(product)
        return (found.final_yield_umol_per_g if found else 0.0), None, a.co2.origin
    return get


KEY_NUMBERS: tuple[KeyNumber, ...] = (
    KeyNumber("band_gap", "Optical band gap Eg (Tauc)", "eV", "band_gap", "{:.3f}",
              lambda a: None if a.tauc is None else (a.tauc.band_gap_eV, a.tauc.band_gap_uncertainty_eV,
                                                     a.tauc.origin)),
    KeyNumber("flat_band", "Flat band E_fb (= LUMO / CB)", "V vs NHE", "flat_band", "{:+.3f}",
              lambda a: None if a.mott_schottky is None else (a.mott_schottky.flat_band_V_vs_NHE,
                                                              a.mott_schottky.flat_band_uncertainty_V,
                                                              a.mott_schottky.origin)),
    KeyNumber("homo", "HOMO / VB = CB + Eg", "V vs NHE", "homo", "{:+.3f}",
              lambda a: None if a.bands is None else (a.bands.valence_band_V_vs_NHE,
                                                      a.bands.valence_band_uncertainty_V, a.bands.origin)),
    KeyNumber("co_allowed", "CO2 → CO allowed (CB below −0.53 V)", "", None, None, _co_allowed),
    KeyNumber("conductivity", "Electrical conductivity σ", "S/m", "conductivity", "{:.3g}",
              lambda a: None if a.conductivity is None else (a.conductivity.conductivity_S_per_m,
                                                             a.conductivity.conductivity_uncertainty_S_per_m,
                                                             a.conductivity.origin)),
    KeyNumber("ch4_yield_4h", "CH4 after 4 h", "µmol/g", "ch4_yield_4h", "{:.1f}", _yield("CH4")),
    KeyNumber("co_yield_4h", "CO after 4 h", "µmol/g", "co_yield_4h", "{:.1f}", _yield("CO")),
    KeyNumber("uvvis", "UV-vis maxima in CHCl3", "nm", None, "{:.0f}",
              lambda a: None if a.uvvis is None else (a.uvvis.peaks_nm, None, a.uvvis.origin)),
    KeyNumber("molar_mass", "Molar mass (printed formula)", "g/mol", "molar_mass", "{:.1f}",
              lambda a: (a.composition.molar_mass_g_per_mol, None, a.composition.origin)),
)


def key_number_cells(state: DashboardState, form: str, item: KeyNumber, prefix: str = "") -> tuple[Html, Html]:
    a = state.analyses[form]
    found = item.get(a)
    key = prefix + item.key
    if found is None:
        computed = Html(f'<span class="ti-value" data-key="{key}" data-form="{form}" data-provenance="none">'
                        "—</span>")
    else:
        value, unc, origin = found
        computed = value_html(value, origin=origin, unit=item.unit, uncertainty=unc, fmt=item.fmt, key=key,
                              form=form)
    if item.key == "uvvis":
        reported = Html(f"{reported_html('uvvis_band_1', form)}, {reported_html('uvvis_band_2', form)}")
    else:
        reported = reported_html(item.reported_id, form) if item.reported_id else Html("—")
    return computed, reported


def keynumbers_section(state: DashboardState, form: str, ctx: Context) -> list:
    """Key numbers of one form (follows the sp/cs toggle)."""
    rows = []
    for item in KEY_NUMBERS:
        computed, reported = key_number_cells(state, form, item)
        rows.append({"quantity": item.label, "computed (our code)": computed, "article": reported})
    bundle = state.structures.get(form)
    rows.append({"quantity": "Crystal structure",
                 "computed (our code)": Html(structure_summary_html(bundle)),
                 "article": reported_html("space_group", form) if form == "sp" else Html("not given")})
    return [form_header(form), html_pane(html_table(rows, max_rows=None, css_class="ti-table ti-keynums")),
            download(ctx, f"key_numbers_{form}.csv", lambda: csv_frame(rows).to_csv(index=False),
                     f"key_numbers_{form}.csv (CSV)")]


def structure_summary_html(bundle: StructureBundle | None) -> str:
    if bundle is None:
        return "no deposited CIF imported (see the Structure tab)"
    st = bundle.structure
    text = f"{esc(bundle.label)} {badge(bundle.origin)}"
    if st is not None:
        text += f"<br><small>{esc(st.space_group)}, {esc(st.formula_sum or '')}</small>"
    return text


def overview_shared(state: DashboardState, ctx: Context) -> list:
    """The two forms in one table, and the band diagram of both (always both forms)."""
    rows = []
    for item in KEY_NUMBERS:
        row: dict[str, Any] = {"quantity": item.label}
        for form in FORMS:
            computed, reported = key_number_cells(state, form, item, prefix="both:")
            row[f"{form}: computed"] = computed
            row[f"{form}: article"] = reported
        rows.append(row)
    parts: list[Any] = [pn.pane.Markdown("### Both forms side by side", margin=(4, 10, 0, 10)),
                        html_pane(html_table(rows, max_rows=None, css_class="ti-table ti-keynums")),
                        download(ctx, "overview_both_forms.csv", lambda: csv_frame(rows).to_csv(index=False),
                                 "overview_both_forms.csv (CSV)")]
    return parts


def band_diagram_shared(state: DashboardState, ctx: Context) -> list:
    """Both forms' band edges beside the CO2-reduction potentials (the article's Fig. 5 comparison)."""
    bands = [state.analyses[f].bands for f in FORMS if state.analyses[f].bands is not None]
    if not bands:
        return [note("Band edges unavailable for both forms (see the problems above).", kind="problem")]
    return [pn.pane.Markdown("### Band edges of both forms and CO2-reduction potentials (pH 7)", margin=(0, 10)),
            figure(figures.band_diagram_figure(bands), state)]


INTRO = f"""
**{{Ti10Cu2}} supercrystals** — executable supplement to L.-C. Meng, Z.-M. Feng, Z.-G. Jiang, C.-H. Zhan,
*Inorg. Chem. Front.* 2023, **10**, 5694 ([doi:10.1039/d3qi01334k](https://doi.org/10.1039/d3qi01334k)).
The same {{Ti10Cu2}} cluster crystallises as **(Ti10Cu2)sp** (hard-sphere-like packing) and **(Ti10Cu2)cs**
(1D chains). The toggle above switches every tab between the forms (or shows both side by side).

Every number carries a provenance badge — hover it for its source. The authors' raw data are not available:
unless you upload your own files (tab *Data & uploads*, at most {UPLOAD_LIMIT_TEXT}, this browser session only),
the analyses run on **reconstructed** data made by our forward models *from the reported numbers*, so agreement
with the article is by construction, not evidence.
"""


def legend_pane() -> pn.pane.HTML:
    rows = [{"badge": Origin(Provenance(r["provenance"]), r["meaning"]), "meaning": r["meaning"]}
            for r in provenance_legend().to_dict("records")]
    return html_pane(html_table(rows, max_rows=None))


# ------------------------------------------------------------------------------------------------ structure


def reported_structure_rows(form: str) -> list[dict]:
    ids = ("space_group", "cu_o_min", "cu_o_max", "cu_o_mean", "cu_o_ome_1", "cu_o_ome_2", "cu_o_linker_ooc",
           "cu_o_linker_ome", "cu_o_c_angle_1", "cu_o_c_angle_2", "plane_angle_ab", "plane_angle_ac",
           "cu_coordination_number", "n_mu2_o", "n_mu3_o", "n_sal")
    rows = []
    for entry in default_registry().values:
        if entry.id in ids and entry.applies_to(form):
            rows.append({"quantity": entry.quantity, "article": value_html(entry.value, origin=entry.origin,
                                                                            unit=entry.unit, key=entry.id,
                                                                            form=form),
                         "notes": entry.notes})
    return rows


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


def cif_dropper(state: DashboardState, form: str, ctx: Context) -> pn.viewable.Viewable:
    if ctx.static:
        return note("Upload needs the live dashboard (`make serve`); this is a static export.")
    dropper = pn.widgets.FileDropper(label=f"Drop a CIF for {form}", multiple=False, max_file_size=UPLOAD_LIMIT_TEXT
                                     .replace(" ", ""), layout="compact", width=420,
                                     css_classes=["ti-cif-dropper"], tags=[f"cif-{form}"])

    def on_drop(event: Any) -> None:
        for name, data in (event.new or {}).items():
            state.upload_cif(form, name, data)

    dropper.param.watch(on_drop, "value")
    return pn.Column(pn.pane.Markdown(f"Upload a CIF for {FORM_LABELS[form]} (this session only, ≤ "
                                      f"{UPLOAD_LIMIT_TEXT}; read as text, never executed):"), dropper)


def structure_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    parts: list[Any] = [form_header(form)]
    reported = table(ctx, reported_structure_rows(form), f"structure_reported_{form}.csv",
                     title="What the article reports (text; full tables only in the ESI)")
    if bundle is None:
        parts += [note(no_structure_message(form)), cif_dropper(state, form, ctx), reported]
        return parts
    parts.append(bundle_banner(bundle))
    for step, problem in bundle.problems.items():
        parts.append(note(f"{step}: {problem}", kind="problem"))
    st, anat = bundle.structure, bundle.anatomy
    if st is None or anat is None:
        return [*parts, cif_dropper(state, form, ctx), reported]
    parts.append(viewer_pane(bundle, ctx))
    summary = anat.summary()
    cell = summary["cell"]
    match = bundle.form_match
    derived = Origin(Provenance.COMPUTED, f"structure summary of {bundle.label}", derived_from=(bundle.origin,))
    rows = [
        {"quantity": "block", "value": summary["block"], "provenance": bundle.origin},
        {"quantity": "space group", "value": f"{summary['space_group']} (No. {summary['space_group_number']})",
         "provenance": bundle.origin},
        {"quantity": "cell a, b, c (Å)", "value": f"{cell['a']:.4f}, {cell['b']:.4f}, {cell['c']:.4f}",
         "provenance": bundle.origin},
        {"quantity": "cell α, β, γ (°)", "value": f"{cell['alpha']:.3f}, {cell['beta']:.3f}, {cell['gamma']:.3f}",
         "provenance": bundle.origin},
        {"quantity": "formula (CIF / from sites)", "value": f"{summary['formula_sum'] or '—'} / "
                                                            f"{summary['formula_from_sites']}",
         "provenance": derived},
        {"quantity": "Z, atoms in the cell", "value": f"{summary['z']}, {summary['n_atoms_cell']}",
         "provenance": derived},
        {"quantity": "dimensionality (bond network)", "value": f"{summary['dimensionality']}D",
         "provenance": anat.topology.origin},
        {"quantity": "{Ti10Cu2} form recognised", "value": (match.form or "neither sp nor cs") if match else "—",
         "provenance": derived},
    ]
    parts.append(table(ctx, rows, f"structure_summary_{form}.csv", title="Summary"))
    comps = [{"formula": k.formula, "dimensionality": f"{k.dimensionality}D", "atoms": k.n_atoms,
              "per cell": k.count_per_cell,
              "propagation": (f"[{' '.join(map(str, k.propagation))}] {k.propagation_length:.3f} Å"
                              if k.propagation else ""),
              "links per repeat": k.links_per_repeat or "", "provenance": anat.topology.origin}
             for k in anat.topology.classes]
    parts.append(table(ctx, comps, f"components_{form}.csv", title="Chains and molecules (connected components)"))
    bonds = [{**b.row(), "provenance": anat.bonds.origin} for b in anat.bonds.unique()]
    parts.append(table(ctx, bonds, f"bonds_{form}.csv", title=f"Bonds ({anat.bonds.rule})", collapsed=True))
    long_contacts = [{**b.row(), "provenance": anat.bonds.origin} for b in anat.bonds.unique_long_contacts()]
    if long_contacts:
        parts.append(table(ctx, long_contacts, f"long_contacts_{form}.csv",
                           title="Long metal···O/N contacts (Jahn–Teller; not counted as bonds)", collapsed=True))
    for angle_set in bundle.angles:
        angle_rows = [{"atom 1": f"{a.label1}@{a.symop1}", "centre": a.centre, "atom 3": f"{a.label3}@{a.symop3}",
                       "angle (°)": round(a.angle, 2), "provenance": angle_set.origin} for a in angle_set.angles]
        parts.append(table(ctx, angle_rows, f"angles_{angle_set.centre}_{form}.csv",
                           title=f"Angles at {angle_set.centre} (long contacts included)", collapsed=True))
    contacts = [{"donor": c.donor, "H": c.hydrogen, "ring": c.ring, "H···Cg (Å)": round(c.h_cg, 3),
                 "X–H···Cg (°)": round(c.x_h_cg_angle, 1), "γ (°)": round(c.gamma, 1), "relation": c.relation,
                 "provenance": anat.contacts.origin} for c in anat.contacts.contacts]
    parts.append(table(ctx, contacts, f"ch_pi_contacts_{form}.csv",
                       title=f"C–H···π contacts ({anat.contacts.criteria})", collapsed=True,
                       origin=anat.contacts.origin))
    coordination = [{"metal": m.label, "CN": m.coordination_number, "CN with long contacts":
                     m.coordination_number_with_long,
                     "donors": " ".join(f"{d.label}{'' if d.symop == '1_555' else '@' + d.symop}:{d.distance:.3f}"
                                        + ("*" if d.long_contact else "") for d in m.donors),
                     "provenance": anat.coordination.origin} for m in anat.coordination.metals]
    parts.append(table(ctx, coordination, f"coordination_{form}.csv",
                       title="Metal coordination (* long contact)"))
    if not bundle.is_demo:
        parts.append(reported)
    if bundle.role != "user":
        parts.append(cif_dropper(state, form, ctx))
    return parts


def viewer_pane(bundle: StructureBundle, ctx: Context) -> pn.viewable.Viewable:
    """The offline 3D viewer (NGL, served by the app itself) for the bundle's structure."""
    if ctx.static:
        return note("The 3D view needs the live dashboard (`make serve`); it is not part of the static export.")
    from ti10cu2_lib.present.viewer3d import StructureViewer, structure_view

    if not StructureViewer.available:
        return note("3D viewer unavailable: its JavaScript (NGL) is not installed. Run `make vendor` "
                    "(python -m ti10cu2_lib.present._vendor) once while the npm registry is reachable.", kind="problem")
    view = structure_view(bundle.structure, height=420, width=620, title=bundle.label)
    return pn.Column(pn.pane.Markdown("Left drag rotates, wheel zooms, right drag moves; hover an atom for its "
                                      "label. Ti green, Cu blue, O red, C grey; cell edges a red, b green, c blue.",
                                      margin=(0, 10)), view, sizing_mode="stretch_width")


# ------------------------------------------------------------------------------------------------ supercrystal


HABIT_REPORTED = {
    "sp": "yellow block crystals; hexagonal superlattice with ABAB close packing of the clusters (Fig. S4)",
    "cs": "micrometre-sized rod-like supercrystals; chains stacked parallel in the cell, highly anisotropic",
}


def supercrystal_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    article = Origin(Provenance.REPORTED, "article, main text (crystal habit and packing; Fig. S4)")
    parts: list[Any] = [form_header(form), html_pane(f"<p>Article: {esc(HABIT_REPORTED[form])} {badge(article)}</p>")]
    if bundle is None or bundle.anatomy is None:
        return [*parts, note(no_structure_message(form).split(" Until")[0] + " The packing and BFDH habit need a "
                             "structure (Structure tab).")]
    parts.append(bundle_banner(bundle))
    pk, st = bundle.anatomy.packing, bundle.structure
    rows = [{"quantity": "packing unit", "value": f"{pk.unit_formula} ({pk.unit_dimensionality}D)",
             "provenance": pk.origin},
            {"quantity": "units per cell", "value": pk.n_units_cell, "provenance": pk.origin},
            {"quantity": "nearest centroid distance (Å)", "value": pk.nearest_distance, "provenance": pk.origin},
            {"quantity": "stacking", "value": pk.stacking.description if pk.stacking else "—",
             "provenance": pk.origin},
            {"quantity": "packing coefficient", "value": f"{pk.packing_coefficient:.3f} ± "
                                                         f"{pk.packing_coefficient_se:.3f}", "provenance": pk.origin}]
    parts.append(table(ctx, rows, f"packing_{form}.csv", title="Packing of the clusters / chain repeat units"))
    if pk.unit_dimensionality <= 1 and pk.centroids_frac:
        parts.append(figure(figures_structure.centroid_figure(pk, st, label=bundle.filename), state))
        if pk.shells:
            parts.append(figure(figures_structure.neighbour_shells_figure(pk, label=bundle.filename), state))
            shells = [{"shell": k + 1, "r (Å)": f"{s.r_min:.2f}–{s.r_max:.2f}", "count": s.count,
                       "cumulative": s.cumulative, "provenance": pk.origin} for k, s in enumerate(pk.shells)]
            parts.append(table(ctx, shells, f"neighbour_shells_{form}.csv", title="Neighbour shells"))
    morph = bundle.morphology
    if morph is not None:
        parts.append(figure(figures_structure.bfdh_forms_figure(morph, label=bundle.filename), state))
        forms_rows = [{"form {hkl}": "{" + " ".join(map(str, f.hkl)) + "}", "d_eff (Å)": round(f.d, 3),
                       "faces": f.multiplicity, "surface share (%)": round(100 * f.area_fraction, 1),
                       "provenance": morph.origin} for f in morph.leading_forms(10)]
        parts.append(table(ctx, forms_rows, f"bfdh_{form}.csv",
                           title=f"BFDH habit: {morph.habit}, L1/L3 = {morph.aspect_ratio:.2f}"))
    return parts


# ------------------------------------------------------------------------------------------------ PXRD


def pxrd_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    article = Origin(Provenance.REPORTED, "article, main text; Fig. S13–S14")
    parts: list[Any] = [form_header(form), html_pane(
        f"<p>Article: the experimental pattern matches the one simulated from the single-crystal structure; "
        f"intensity differences are put down to preferred orientation {badge(article)}</p>")]
    upload = state.patterns.get(form)
    if upload is not None:
        parts.append(html_pane(f"<p>Your measured pattern: {esc(upload.filename)} {badge(upload.pattern.origin)}"
                               "</p>"))
    if bundle is None or bundle.pxrd is None:
        return [*parts, note("A simulated pattern needs a structure: import the deposited CIF "
                             "(`ti10cu2 import-cif FILE`), upload a CIF (Structure tab) or show the demo.")]
    parts.append(bundle_banner(bundle))
    parts.append(figure(figures_structure.pxrd_pattern_figure(bundle.pxrd, label=bundle.filename), state))
    comparison = state.comparisons.get(form)
    if isinstance(comparison, PxrdComparison):
        parts.append(figure(figures_structure.pxrd_comparison_figure(comparison), state))
        parts.append(html_pane(f"<p>Rwp {comparison.rwp:.2f} % (Rexp {comparison.rexp:.2f} %), zero shift "
                               f"{comparison.zero_shift:+.4f}°, {comparison.n_matched}/{len(comparison.matches)} "
                               f"observed peaks matched {badge(comparison.origin)}</p>"))
    elif isinstance(comparison, str):
        parts.append(note(comparison, kind="problem"))
    peaks = [{"h": p["h"], "k": p["k"], "l": p["l"], "2θ (°)": round(p["two_theta"], 3), "d (Å)": round(p["d"], 4),
              "mult": p["multiplicity"], "I (max 100)": round(p["intensity"], 2), "provenance": bundle.pxrd.origin}
             for p in bundle.pxrd.peaks(min_intensity=1.0)]
    parts.append(table(ctx, peaks, f"pxrd_peaks_{form}.csv", title="Reflections with I ≥ 1 % of the strongest",
                       collapsed=True))
    parts.append(html_pane("<details><summary><small>conventions of the simulation</small></summary><ul>"
                           + "".join(f"<li><small><b>{esc(k)}</b>: {esc(v)}</small></li>"
                                     for k, v in bundle.pxrd.conventions.items()) + "</ul></details>"))
    return parts


# ------------------------------------------------------------------------------------------------ optical


def uvvis_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("uvvis_solution")
    parts: list[Any] = [form_header(form), pn.pane.Markdown("#### UV-vis absorption in CHCl3", margin=(0, 10))]
    if ds is None:
        return [*parts, note(problem_of(state, form, "uvvis_solution"), kind="problem")]
    parts.append(dataset_line(ds))
    if a.uvvis is None:
        return [*parts, note(problem_of(state, form, "uvvis_solution"), kind="problem")]
    parts.append(figure(figures.uvvis_figure(ds, a.uvvis), state))
    rows = [{"band": i + 1, "λmax": value_html(p, origin=a.uvvis.origin, unit="nm", uncertainty=u, fmt="{:.1f}",
                                               key=f"uvvis_{i + 1}", form=form),
             "article": reported_html(f"uvvis_band_{i + 1}", form) if i < 2 else "—"}
            for i, (p, u) in enumerate(zip(a.uvvis.peaks_nm, a.uvvis.peaks_uncertainty_nm, strict=True))]
    parts.append(table(ctx, rows, f"uvvis_maxima_{form}.csv", title=f"Band maxima ({a.uvvis.method})",
                       origin=a.uvvis.origin))
    return parts


def tauc_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("drs")
    parts: list[Any] = [pn.pane.Markdown("#### Band gap: Tauc plot of the diffuse reflectance (Kubelka–Munk)",
                                         margin=(0, 10))]
    if ds is None:
        return [*parts, note(problem_of(state, form, "drs"), kind="problem")]
    parts.append(dataset_line(ds))
    parts.append(tauc_controls(state, form, ctx))
    t = a.tauc
    if t is None:
        return [*parts, note(f"Tauc analysis failed: {problem_of(state, form, 'drs')}", kind="problem")]
    shown = value_html(t.band_gap_eV, origin=t.origin, unit="eV", uncertainty=t.band_gap_uncertainty_eV,
                       fmt="{:.3f}", key="tauc_band_gap", form=form)
    parts.append(html_pane(
        f'<p style="font-size:1.15em">E<sub>g</sub> = {shown} &nbsp; (article {reported_html("band_gap", form)}; '
        f"window {t.fit_window_eV[0]:.3f}–{t.fit_window_eV[1]:.3f} eV, {esc(t.window_selection)})</p>"))
    parts.append(figure(figures.tauc_figure(ds, t), state))
    rows = [{"quantity": "band gap Eg (eV)", "value": value_html(t.band_gap_eV, origin=t.origin,
                                                                 uncertainty=t.band_gap_uncertainty_eV, fmt="{:.4f}")},
            {"quantity": "fit window (eV)", "value": f"{t.fit_window_eV[0]:.3f}–{t.fit_window_eV[1]:.3f} "
                                                     f"({t.window_selection})"},
            {"quantity": "transition (Tauc exponent n)", "value": f"{t.transition} (n = {t.tauc_exponent_n:g})"},
            {"quantity": "crossing", "value": t.method},
            {"quantity": "R² of the edge fit", "value": f"{t.r_squared:.5f}"},
            {"quantity": "uncertainty: fit SE / window spread (eV)",
             "value": f"{t.fit_standard_error_eV:.4f} / {t.window_spread_eV:.4f} ({t.n_admissible_windows} windows)"},
            {"quantity": "linearity", "value": f"{t.linear_quality} (linear fraction {t.linear_fraction:.2f}, "
                                               f"sub-gap ratio {format_number(t.subgap_absorption_ratio, '{:.3f}')})"}]
    rows += [{"quantity": "warning", "value": w} for w in t.warnings]
    parts.append(table(ctx, rows, f"tauc_{form}.csv", title="Tauc fit", origin=t.origin))
    return parts


def tauc_controls(state: DashboardState, form: str, ctx: Context) -> pn.viewable.Viewable:
    """Fit-window slider (eV) and 'automatic' button: moving the window recomputes Eg (and the band edges)."""
    if ctx.static:
        return note("Moving the Tauc fit window needs the live dashboard (`make serve`): the static export shows "
                    "the automatic window.")
    a = state.analyses[form]
    energy, _, _ = absorption_spectrum(a.datasets["drs"])
    lo_limit = max(TAUC_SLIDER_LIMITS_EV[0], round(float(energy.min()), 2))
    hi_limit = min(TAUC_SLIDER_LIMITS_EV[1], round(float(energy.max()), 2))
    current = state.tauc_windows.get(form) or (a.tauc.fit_window_eV if a.tauc is not None else (2.3, 2.7))
    value = (min(max(current[0], lo_limit), hi_limit), min(max(current[1], lo_limit), hi_limit))
    slider = pn.widgets.EditableRangeSlider(label=f"Tauc fit window for {form} (eV)", start=lo_limit, end=hi_limit,
                                            value=value, step=0.005, format="0.000", width=420,
                                            css_classes=["ti-tauc-window"], tags=[f"tauc-{form}"])
    automatic = pn.widgets.Button(label="automatic window", color="light", width=160,
                                  disabled=form not in state.tauc_windows)
    transition = pn.widgets.RadioButtonGroup(label="transition", options=["direct", "indirect"],
                                             value=state.transition, width=180, color="light")

    def on_window(event: Any) -> None:
        if event.new is not None and tuple(event.new) != tuple(value):
            state.set_tauc_window(form, tuple(event.new))

    slider.param.watch(on_window, "value_throttled")
    automatic.on_click(lambda _event: state.set_tauc_window(form, None))
    transition.param.watch(lambda event: state.set_transition(event.new), "value")
    return pn.Column(pn.Row(slider, automatic), pn.Row(pn.pane.Markdown("Tauc transition (the article does not say; "
                                                                        "applies to both forms):"), transition),
                     sizing_mode="stretch_width")


# ------------------------------------------------------------------------------------------------ band structure


def mott_schottky_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("mott_schottky")
    parts: list[Any] = [form_header(form), pn.pane.Markdown("#### Mott–Schottky fits per frequency",
                                                            margin=(0, 10))]
    if ds is None or a.mott_schottky is None:
        return [*parts, dataset_line(ds), note(problem_of(state, form, "mott_schottky"), kind="problem")]
    ms = a.mott_schottky
    shown = value_html(ms.flat_band_V_vs_NHE, origin=ms.origin, unit="V vs NHE",
                       uncertainty=ms.flat_band_uncertainty_V, fmt="{:+.3f}", key="ms_flat_band", form=form)
    article = reported_html("flat_band", form, "{:+.2f}")
    parts += [dataset_line(ds), html_pane(
        f'<p style="font-size:1.15em">E<sub>fb</sub> = {shown} &nbsp; (article {article}; '
        f"{esc(ms.carrier_type)}-type, measured vs {esc(ms.reference_electrode)})</p>"),
        figure(figures.mott_schottky_figure(ds, ms), state)]
    rows = [{"frequency (Hz)": f"{f.frequency_Hz:g}",
             "E_fb (V vs NHE)": value_html(f.flat_band_V_vs_NHE, origin=ms.origin,
                                           uncertainty=f.flat_band_uncertainty_V, fmt="{:+.4f}"),
             "window sensitivity (V)": f"{f.window_sensitivity_V:.4f}",
             f"fit window (V vs {ms.reference_electrode})": f"{f.fit_window_V[0]:+.3f} … {f.fit_window_V[1]:+.3f}",
             "R²": f"{f.r_squared:.5f}", "points": f.n_points, "type": f.carrier_type} for f in ms.frequencies]
    parts.append(table(ctx, rows, f"mott_schottky_fits_{form}.csv", title="Per-frequency fits", origin=ms.origin))
    return parts


def bands_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    if a.bands is None:
        why = "; ".join(p for p in (a.problems.get("mott_schottky"), a.problems.get("drs")) if p) or (
            "needs both the flat band and the band gap")
        return [note(f"Band edges unavailable: {why}", kind="problem")]
    b = a.bands
    parts: list[Any] = [pn.pane.Markdown("#### Band edges and CO2-reduction potentials (pH 7, V vs NHE)",
                                         margin=(0, 10))]
    rows = [{"product": f.product, "reaction": f.reaction, "E (V vs NHE)": f"{f.potential_V_vs_NHE:+.2f}",
             "margin (V)": f"{f.margin_V:+.3f}" + (f" ± {f.margin_uncertainty_V:.3f}"
                                                   if f.margin_uncertainty_V is not None else ""),
             "allowed": value_html(f.allowed, origin=b.origin, key=f"allowed_{f.product}", form=form)}
            for f in b.feasibility]
    parts.append(table(ctx, rows, f"co2_feasibility_{form}.csv", origin=b.origin,
                       title=f"Thermodynamic feasibility (CB {b.conduction_band_V_vs_NHE:+.3f}, VB "
                             f"{b.valence_band_V_vs_NHE:+.3f} V vs NHE; CB = E_fb {b.offset_V:+.2f} V)"))
    parts.append(html_pane(f"<p><small>Couples: {esc(b.couples_source)}. The article takes CB = E_fb; with the "
                           "common CB = E_fb − 0.1…0.2 V rule the margins shift by that much.</small></p>"))
    return parts


# ------------------------------------------------------------------------------------------------ conductivity


def conductivity_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("iv")
    parts: list[Any] = [form_header(form)]
    if ds is None or a.conductivity is None:
        return [*parts, dataset_line(ds), note(problem_of(state, form, "iv"), kind="problem")]
    c = a.conductivity
    blank = a.datasets.get("iv_blank")
    shown = value_html(c.conductivity_S_per_m, origin=c.origin, unit="S/m",
                       uncertainty=c.conductivity_uncertainty_S_per_m, fmt="{:.3g}", key="iv_conductivity", form=form)
    parts += [dataset_line(ds), dataset_line(blank), html_pane(
        f'<p style="font-size:1.15em">σ = {shown} &nbsp; (article {reported_html("conductivity", form)})</p>'),
        figure(figures.iv_figure(ds, c, blank), state)]
    lin = c.linearity
    rows = [{"quantity": "conductance G (S)", "value": number(c.conductance_S, "{:.4g}", c.conductance_uncertainty_S)},
            {"quantity": "crystal length L (mm) / cross-section A (mm²)",
             "value": f"{c.length_mm:g} / {c.area_mm2:g} (the article gives no dimensions)"},
            {"quantity": "σ = G·L/A (S/m)", "value": value_html(c.conductivity_S_per_m, origin=c.origin,
                                                               uncertainty=c.conductivity_uncertainty_S_per_m,
                                                               fmt="{:.4g}")},
            {"quantity": "voltage range (V)", "value": f"{c.voltage_range_V[0]:+.3f} … {c.voltage_range_V[1]:+.3f}"},
            {"quantity": "R², points", "value": f"{c.r_squared:.5f}, {c.n_points}"},
            {"quantity": "ohmic (line vs cubic)", "value": f"{'yes' if lin.is_ohmic else 'no'} "
                                                           f"(p = {lin.nonlinearity_p_value:.3g})"}]
    if c.blank is not None:
        rows += [{"quantity": "blank conductance (S)", "value": number(c.blank.blank_conductance_S, "{:.3g}",
                                                                     c.blank.blank_conductance_uncertainty_S)},
                 {"quantity": "signal / blank noise",
                  "value": f"{c.blank.signal_to_noise:.1f} ("
                           + ("distinguishable" if c.blank.distinguishable else "NOT distinguishable")
                           + " from the blank)"}]
    parts.append(table(ctx, rows, f"conductivity_{form}.csv", title="I–V fit", origin=c.origin))
    return parts


# ------------------------------------------------------------------------------------------------ CO2, photocurrent


def co2_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("co2_timecourse")
    parts: list[Any] = [form_header(form), pn.pane.Markdown("#### CO2 photoreduction", margin=(0, 10))]
    if ds is None or a.co2 is None:
        return [*parts, dataset_line(ds), note(problem_of(state, form, "co2_timecourse"), kind="problem")]
    r = a.co2
    parts += [dataset_line(ds), figure(figures.co2_figure(ds, r), state)]
    rows = []
    for product, p in r.products.items():
        rid = {"CH4": "ch4_yield_4h", "CO": "co_yield_4h"}.get(product)
        rows.append({"product": product,
                     f"yield at {r.final_time_h:g} h (µmol/g)": value_html(p.final_yield_umol_per_g, origin=r.origin,
                                                                           fmt="{:.1f}", key=f"yield_{product}",
                                                                           form=form),
                     "article": reported_html(rid, form) if rid else "—",
                     "rate (µmol g⁻¹ h⁻¹)": number(p.rate_umol_per_g_h, "{:.2f}", p.rate_uncertainty_umol_per_g_h),
                     "e⁻ per molecule": p.electrons_per_molecule or "",
                     "electron selectivity (%)": format_number(p.electron_selectivity_percent, "{:.1f}")})
    parts.append(table(ctx, rows, f"co2_products_{form}.csv",
                       title=f"Products (electrons consumed {r.total_electrons_umol_per_g:.1f} µmol e⁻/g)",
                       origin=r.origin))
    parts.append(pn.pane.Markdown("Controls (article): no gas without light or without catalyst — not checkable "
                                  "without the control data.", margin=(0, 10)))
    return parts


def photocurrent_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("photocurrent")
    parts: list[Any] = [pn.pane.Markdown("#### Transient photocurrent", margin=(0, 10))]
    if ds is None:
        return [*parts, note(problem_of(state, form, "photocurrent"), kind="problem")]
    parts.append(dataset_line(ds))
    if ds.provenance == Provenance.ILLUSTRATIVE:
        parts.append(note("Illustrative shape only: the article gives no photocurrent numbers (Fig. S24 is "
                          "qualitative). Upload a measured trace to analyse it.", kind="problem"))
    parts.append(figure(figures.photocurrent_figure(ds, a.photocurrent), state))
    p = a.photocurrent
    if p is None:
        return [*parts, note(problem_of(state, form, "photocurrent"), kind="problem")]
    rows = [{"cycle": i + 1, "on (s)": f"{c.on_s:.1f}", "off (s)": f"{c.off_s:.1f}",
             "amplitude (nA)": f"{c.amplitude_A * 1e9:.3g}", "rise τ (s)": f"{c.rise_tau_s:.3g}",
             "decay τ (s)": f"{c.decay_tau_s:.3g}", "provenance": p.origin} for i, c in enumerate(p.cycles)]
    parts.append(table(ctx, rows, f"photocurrent_cycles_{form}.csv",
                       title=f"Cycles (amplitude RSD {p.amplitude_rsd_percent:.1f} %, retention "
                             f"{p.amplitude_retention_percent:.1f} %)"))
    return parts


# ------------------------------------------------------------------------------------------------ claims


def claims_frame(state: DashboardState) -> pd.DataFrame:
    """The claims table with HTML status and provenance badges (for the Tabulator)."""
    rows = []
    for r in claims_rows(state.claims):
        color = STATUS_COLORS.get(r["status"], "#4d4d4d")
        rows.append({"form": r["form"], "status": r["status"],
                     "status_html": f'<span style="background:{color};color:white;border-radius:4px;padding:1px 6px">'
                                    f"{esc(r['status'])}</span>",
                     "quantity": r["quantity"], "reported": format_number(r["reported"]), "unit": r["unit"],
                     "computed": format_number(r["computed"]), "provenance": badge(r["origin"]),
                     "method": r["method"], "note": r["note"], "id": r["id"]})
    return pd.DataFrame(rows)


def claims_csv(state: DashboardState) -> str:
    rows = []
    for r in claims_rows(state.claims):
        origin = r.pop("origin")
        rows.append({**{k: format_number(v) if isinstance(v, tuple | list | float) else v for k, v in r.items()},
                     "provenance": origin.label(), "source": origin.source})
    return pd.DataFrame(rows).to_csv(index=False)


def claims_summary_pane(state: DashboardState) -> pn.pane.HTML:
    rows = []
    for r in claims_summary(state.claims).to_dict("records"):
        color = STATUS_COLORS.get(r["status"], "#4d4d4d")
        rows.append({"status": Html(f'<span style="background:{color};color:white;border-radius:4px;'
                                    f'padding:1px 6px">{esc(r["status"])}</span>'),
                     "count": r["count"], "meaning": r["meaning"]})
    return html_pane(html_table(rows, max_rows=None))


def bundle_json(state: DashboardState) -> str:
    return json.dumps(state.results_bundle(), indent=1, ensure_ascii=False)


def uploads_rows(state: DashboardState) -> list[dict]:
    rows = []
    for r in state.dataset_rows():
        rows.append({"form": r["form"], "kind": r["kind"], "what": r["description"],
                     "provenance": r["origin"] if r["origin"] is not None else "none",
                     "source": r["origin"].source if r["origin"] is not None else "",
                     "problem": r["problem"]})
    for form in FORMS:
        upload = state.patterns.get(form)
        if upload is not None:
            rows.append({"form": form, "kind": "pxrd_experimental (measured pattern)", "what": "powder pattern",
                         "provenance": upload.pattern.origin, "source": upload.pattern.origin.source, "problem": ""})
        bundle = state.structures.get(form)
        rows.append({"form": form, "kind": "structure (CIF)", "what": "crystal structure",
                     "provenance": bundle.origin if bundle is not None else "none",
                     "source": bundle.label if bundle is not None else "no deposited CIF imported",
                     "problem": "; ".join(bundle.problems.values()) if bundle is not None else ""})
    return rows
