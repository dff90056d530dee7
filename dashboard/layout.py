"""The dashboard's layout: the global sp/cs toggle, the tabs, the upload panel and the downloads.

:func:`build_dashboard` makes one layout for one :class:`~dashboard.state.DashboardState` (one per browser
session). Live, the toggle sets ``state.form`` and every tab shows or hides its per-form panels (both forms are
built once per session, so a toggle only changes visibility); data changes rebuild only the sections whose
inputs changed. ``static=True`` builds the same tabs for an exported page: the toggle then switches visibility in
the browser (a ``jscallback``), downloads are links to files written beside the page, and nothing needs Python.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import panel as pn

from ti10cu2_lib.data.kinds import KINDS

from . import views
from .state import (
    FORM_LABELS,
    FORMS,
    REFERENCE_ELECTRODES,
    UPLOAD_LIMIT_TEXT,
    DashboardState,
    demo_cifs,
    demo_label,
)
from .views import Context, same_key

log = logging.getLogger(__name__)

#: set TI10CU2_TIMING=1 to print the server time of every sp/cs toggle to the server's stdout (benchmarks)
TIMING = os.environ.get("TI10CU2_TIMING") == "1"
TITLE = "ti10cu2 — {Ti10Cu2} supercrystals (Meng et al., Inorg. Chem. Front. 2023, 10, 5694)"
EXTENSIONS = ("tabulator", "filedropper")
#: state parameters whose change may change what a section shows
DEPENDENCIES = ("analyses", "structures", "comparisons", "svg", "demo")

Section = tuple[Callable[[DashboardState, str], tuple], Callable[[DashboardState, str, Context], list]]


def _safe_build(build: Callable[[], list], what: str) -> list:
    """A section's objects; a failure shows a one-line notice instead of breaking the session."""
    try:
        return build()
    except Exception as exc:  # a presentation bug must not take the whole page down
        log.exception("could not display %s", what)
        return [views.note(f"could not display {what}: {type(exc).__name__}: {exc}", kind="error")]


class FormPanels(pn.viewable.Viewer):
    """For each form a column of sections; the columns' visibility follows ``state.form``.

    Each section is rebuilt only when its key (see :mod:`dashboard.views`) changes.
    """

    def __init__(self, state: DashboardState, ctx: Context, sections: Sequence[Section], name: str) -> None:
        super().__init__()
        self.state, self.ctx, self.sections, self.tab_name = state, ctx, list(sections), name
        self.holders = {form: pn.Column(*[pn.Column(sizing_mode="stretch_width") for _ in self.sections],
                                        sizing_mode="stretch_width", css_classes=["ti-form-panel", f"ti-form-{form}"],
                                        tags=[f"form-{form}"])
                        for form in FORMS}
        self._keys: dict[tuple[str, int], tuple | None] = {}
        self._layout = pn.Row(*self.holders.values(), sizing_mode="stretch_width")
        self.refresh()
        self.show()
        ctx.form_holders.extend(self.holders.items())
        if not ctx.static:
            state.param.watch(self.refresh, list(DEPENDENCIES))
            state.param.watch(self.show, "form")

    def refresh(self, *_: Any) -> None:
        for form in FORMS:
            for i, (key, build) in enumerate(self.sections):
                new = key(self.state, form)
                if same_key(new, self._keys.get((form, i))):
                    continue
                self._keys[(form, i)] = new
                objects = _safe_build(lambda b=build, f=form: b(self.state, f, self.ctx), f"{self.tab_name} ({form})")
                self.holders[form][i].objects = objects

    def show(self, *_: Any) -> None:
        shown = self.state.shown_forms
        for form, holder in self.holders.items():
            holder.visible = form in shown

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout


class SharedPanel(pn.viewable.Viewer):
    """A section shown once for both forms, rebuilt when its key changes."""

    def __init__(self, state: DashboardState, ctx: Context, key: Callable[[DashboardState], tuple],
                 build: Callable[[DashboardState, Context], list], name: str,
                 dependencies: Sequence[str] = DEPENDENCIES) -> None:
        super().__init__()
        self.state, self.ctx, self.key, self.build, self.section_name = state, ctx, key, build, name
        self.holder = pn.Column(sizing_mode="stretch_width")
        self._key: tuple | None = None
        self.refresh()
        if not ctx.static:
            state.param.watch(self.refresh, list(dependencies))

    def refresh(self, *_: Any) -> None:
        new = self.key(self.state)
        if same_key(new, self._key):
            return
        self._key = new
        self.holder.objects = _safe_build(lambda: self.build(self.state, self.ctx), self.section_name)

    def __panel__(self) -> pn.viewable.Viewable:
        return self.holder


# ---------------------------------------------------------------------------------------------------- tabs


def overview_tab(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return pn.Column(
        pn.pane.Markdown(views.INTRO, sizing_mode="stretch_width"),
        pn.pane.Markdown("### Key numbers of the selected form", margin=(0, 10)),
        FormPanels(state, ctx, [(views.analysis_key, views.keynumbers_section)], "key numbers"),
        SharedPanel(state, ctx, lambda s: (s.analyses["sp"], s.analyses["cs"], s.structures["sp"],
                                           s.structures["cs"]), views.overview_shared, "overview"),
        pn.pane.Markdown("### Provenance badges", margin=(0, 10)), views.legend_pane(),
        sizing_mode="stretch_width")


def demo_controls(state: DashboardState, ctx: Context) -> pn.viewable.Viewable | None:
    """Offer the COD demo only when the public reference CIFs are present (never in CI)."""
    names = demo_cifs()
    if not names:
        return None
    if ctx.static:
        return None
    options = {"no demo": "", **{demo_label(n).split(":")[0].replace("DEMO — ", ""): n for n in names}}
    select = pn.widgets.Select(label="Demo on a public COD structure (NOT the article's structure)",
                               options=options, value=state.demo, width=520, css_classes=["ti-demo-select"])
    select.param.watch(lambda event: state.set_demo(event.new), "value")
    return pn.Column(select, pn.pane.Markdown(
        "Shown only where a form has no structure of its own, with a red DEMO banner; never used in the claims "
        "check.", margin=(0, 10)))


def structure_tab(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    demo = demo_controls(state, ctx)
    return pn.Column(*([demo] if demo is not None else []),
                     FormPanels(state, ctx, [(views.structure_key, views.structure_section)], "structure"),
                     sizing_mode="stretch_width")


def claims_tab(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    frame = views.claims_frame(state)
    tabulator = pn.widgets.Tabulator(
        frame.drop(columns=["status_html"]), show_index=False, disabled=True, layout="fit_columns", height=620,
        sizing_mode="stretch_width", pagination=None, css_classes=["ti-claims"],
        formatters={"provenance": {"type": "html"}, "quantity": {"type": "textarea"},
                    "note": {"type": "textarea"}, "method": {"type": "textarea"}},
        header_filters={"status": {"type": "list", "valuesLookup": True, "clearable": True,
                                   "placeholder": "filter status"},
                        "form": {"type": "list", "valuesLookup": True, "clearable": True},
                        "quantity": {"type": "input", "func": "like", "placeholder": "search"}},
        widths={"form": 70, "status": 180, "quantity": 260, "reported": 110, "unit": 70, "computed": 110,
                "provenance": 190, "method": 220, "note": 320, "id": 150})
    tabulator.style.map(lambda v: f"background-color:{views.STATUS_COLORS.get(v, '#4d4d4d')};color:white",
                        subset=["status"])
    summary = SharedPanel(state, ctx, lambda s: (s.claims,), lambda s, c: [views.claims_summary_pane(s)],
                          "claims summary", ("claims",))

    def new_claims(*_: Any) -> None:
        tabulator.value = views.claims_frame(state).drop(columns=["status_html"])

    def follow_form(*_: Any) -> None:
        tabulator.filters = [{"field": "form", "type": "in", "value": [*state.shown_forms, "both"]}]

    if not ctx.static:
        state.param.watch(new_claims, "claims")
        state.param.watch(follow_form, "form")
        follow_form()
    return pn.Column(
        pn.pane.Markdown("Every reported number and worded claim against what our code computes. Filter by status "
                         "or form in the column headers" + ("" if ctx.static else "; the form toggle hides the other "
                                                                                   "form's rows") + ".",
                         margin=(0, 10)),
        summary, tabulator,
        views.download(ctx, "claims.csv", lambda: views.claims_csv(state), "claims.csv (all rows, CSV)"),
        sizing_mode="stretch_width")


def upload_panel(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    """Drop your own measurement for (form, kind), or a CIF: validated like the CLI, this session only."""
    form = pn.widgets.RadioButtonGroup(label="form", options={FORM_LABELS[f]: f for f in FORMS},
                                       value=state.shown_forms[0], color="light", css_classes=["ti-up-form"])
    kinds = {f"{k} — {info.description}": k for k, info in KINDS.items()}
    kinds["cif — crystal structure (CIF)"] = "cif"
    kind = pn.widgets.Select(label="what the file holds", options=kinds, value="iv", width=460,
                             css_classes=["ti-up-kind"])
    length = pn.widgets.FloatInput(label="crystal length between the contacts L (mm)", value=None, start=0,
                                   width=260, css_classes=["ti-up-length"])
    area = pn.widgets.FloatInput(label="crystal cross-section A (mm²)", value=None, start=0, width=260,
                                 css_classes=["ti-up-area"])
    reference = pn.widgets.Select(label="reference electrode of the potentials", options=list(REFERENCE_ELECTRODES),
                                  value="Ag/AgCl", width=260)
    ph = pn.widgets.FloatInput(label="electrolyte pH (needed for RHE)", value=None, width=260)
    x_unit = pn.widgets.Select(label="unit of a bare x column", options={"from the header": "", "nm": "nm",
                                                                        "eV": "eV"}, width=260)
    y_kind = pn.widgets.Select(label="y column holds", options={"from the header": "", "reflectance": "reflectance",
                                                               "absorbance": "absorbance"}, width=260)
    dropper = pn.widgets.FileDropper(label="file", multiple=False, max_file_size=UPLOAD_LIMIT_TEXT.replace(" ", ""),
                                     width=460, css_classes=["ti-dropper"])
    options = pn.Column(sizing_mode="stretch_width")
    columns = pn.pane.Markdown("", margin=(0, 10))

    def show_options(*_: Any) -> None:
        k = kind.value
        widgets: list[Any] = []
        if k == "iv":
            widgets = [length, area]
        elif k == "mott_schottky":
            widgets = [reference, ph]
        elif k in ("uvvis_solution", "drs"):
            widgets = [x_unit] + ([y_kind] if k == "drs" else [])
        options.objects = widgets
        columns.object = (f"Columns: `{KINDS[k].columns}` (units in the header, e.g. `current_nA`; `#` comments "
                          "allowed)." if k in KINDS else "A small-molecule CIF (text); multi-block files are split "
                                                         "and the block matching the form is used.")

    def on_drop(event: Any) -> None:
        for name, data in (event.new or {}).items():
            if kind.value == "cif":
                state.upload_cif(form.value, name, data)
            else:
                state.upload(form.value, kind.value, name, data, length_mm=length.value, area_mm2=area.value,
                             reference_electrode=reference.value, pH=ph.value, x_unit=x_unit.value or None,
                             y_kind=y_kind.value or None)

    kind.param.watch(show_options, "value")
    dropper.param.watch(on_drop, "value")
    show_options()
    return pn.Column(
        pn.pane.Markdown(
            f"### Use your own file\nChoose the form and what the file holds, then drop it below (at most "
            f"**{UPLOAD_LIMIT_TEXT}**). The file is read as a text table or CIF with the same readers as the command "
            "line (`ti10cu2 … FILE`) and checked; nothing in it is executed, and it is **used in this browser "
            "session only** — nothing is stored on the server, other visitors do not see it, and reloading the "
            "page forgets it.", sizing_mode="stretch_width"),
        pn.Row(form, kind), columns, options, dropper, sizing_mode="stretch_width")


def data_tab(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    parts: list[Any] = []
    if ctx.static:
        parts.append(views.note("Uploads need the live dashboard (`make serve`): this static export shows the "
                                "embedded datasets."))
    else:
        parts.append(upload_panel(state, ctx))
    parts.append(pn.pane.Markdown("### Data in use (this session)", margin=(0, 10)))
    parts.append(SharedPanel(state, ctx, lambda s: (s.analyses["sp"], s.analyses["cs"], s.structures["sp"],
                                                    s.structures["cs"], s.patterns.get("sp"), s.patterns.get("cs")),
                             lambda s, c: [views.table(c, views.uploads_rows(s), "datasets_in_use.csv",
                                                       max_rows=None)], "datasets", (*DEPENDENCIES, "patterns")))
    if not ctx.static:
        parts.append(remove_panel(state))
        svg = pn.widgets.Checkbox(label="draw figures as SVG (the toolbar's save button then saves SVG instead of PNG)",
                                  value=state.svg)
        svg.link(state, value="svg")
        parts.append(svg)
    parts.append(views.download(ctx, "ti10cu2_results.json", lambda: views.bundle_json(state),
                                "all results with provenance (JSON)"))
    return pn.Column(*parts, sizing_mode="stretch_width")


def remove_panel(state: DashboardState) -> pn.viewable.Viewable:
    """Stop using one of this session's uploads."""
    select = pn.widgets.Select(label="your uploads", options={}, width=360)
    button = pn.widgets.Button(label="stop using it", color="light", width=140)

    def options(*_: Any) -> None:
        found = {f"{f} {k}: {u.filename}": f"{f}|{k}" for (f, k), u in state.uploads.items()}
        found.update({f"{f} pxrd_experimental: {p.filename}": f"{f}|pxrd_experimental"
                      for f, p in state.patterns.items()})
        found.update({f"{f} cif: {b.filename}": f"{f}|cif" for f, b in state.user_structures.items()})
        select.options = found or {"(none)": ""}
        button.disabled = not found

    def remove(_event: Any) -> None:
        if not select.value:
            return
        f, k = select.value.split("|")
        if k == "cif":
            state.remove_cif(f)
        else:
            state.remove_upload(f, k)

    state.param.watch(options, ["uploads", "patterns", "user_structures"])
    button.on_click(remove)
    options()
    return pn.Row(select, button)


def band_tab(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return pn.Column(
        FormPanels(state, ctx, [(views.ds_key("mott_schottky"), views.mott_schottky_section),
                                (views.bands_key, views.bands_section)], "band structure"),
        SharedPanel(state, ctx, lambda s: (s.svg, s.analyses["sp"].bands, s.analyses["cs"].bands),
                    views.band_diagram_shared, "band diagram"),
        sizing_mode="stretch_width")


def tabs(state: DashboardState, ctx: Context) -> pn.Tabs:
    """The article's tabs. Live, a tab's contents are built the first time it is opened (a session that only looks
    at the Overview never builds the rest); static, all are built."""

    def panels(sections: Sequence[Section], name: str) -> Callable[[], pn.viewable.Viewable]:
        return lambda: FormPanels(state, ctx, sections, name)

    factories: list[tuple[str, Callable[[], pn.viewable.Viewable]]] = [
        ("Overview", lambda: overview_tab(state, ctx)),
        ("Structure", lambda: structure_tab(state, ctx)),
        ("Supercrystal", panels([(views.structure_key, views.supercrystal_section)], "supercrystal")),
        ("PXRD", panels([(views.pxrd_key, views.pxrd_section)], "PXRD")),
        ("Optical", panels([(views.ds_key("uvvis_solution"), views.uvvis_section),
                            (views.tauc_key, views.tauc_section)], "optical")),
        ("Band structure", lambda: band_tab(state, ctx)),
        ("Conductivity", panels([(views.ds_key("iv", "iv_blank"), views.conductivity_section)], "conductivity")),
        ("CO2 & photocurrent", panels([(views.ds_key("co2_timecourse"), views.co2_section),
                                       (views.ds_key("photocurrent"), views.photocurrent_section)],
                                      "CO2 and photocurrent")),
        ("Claims", lambda: claims_tab(state, ctx)),
        ("Data & uploads", lambda: data_tab(state, ctx)),
    ]
    holders = [pn.Column(sizing_mode="stretch_width") for _ in factories]
    built: set[int] = set()

    def build(index: int) -> None:
        if index in built or not 0 <= index < len(factories):
            return
        built.add(index)
        name, factory = factories[index]
        holders[index].objects = _safe_build(lambda: [factory()], f"the {name} tab")

    result = pn.Tabs(*[(name, holder) for (name, _), holder in zip(factories, holders, strict=True)],
                     dynamic=not ctx.static, sizing_mode="stretch_width", css_classes=["ti-tabs"])
    if ctx.static:
        for index in range(len(factories)):
            build(index)
    else:
        build(0)
        result.param.watch(lambda event: build(event.new), "active")
    return result


def build_all_tabs(layout: pn.viewable.Viewable) -> None:
    """Open every tab once (tests and benchmarks: builds what a visitor clicking through would)."""
    for tabs_widget in layout.select(pn.Tabs):
        for index in range(len(tabs_widget)):
            tabs_widget.active = index
        tabs_widget.active = 0


TOGGLE_OPTIONS = {FORM_LABELS["sp"]: "sp", FORM_LABELS["cs"]: "cs", FORM_LABELS["both"]: "both"}



def static_toggle_js(n_sp: int, n_cs: int) -> str:
    """JavaScript for the exported page: show the sp (``sp0``…) and cs (``cs0``…) columns for the toggle's choice."""
    sp = ", ".join(f"sp{i}" for i in range(n_sp))
    cs = ", ".join(f"cs{i}" for i in range(n_cs))
    return (f"const a = cb_obj.active;  // 0 sp, 1 cs, 2 both\n"
            f"for (const m of [{sp}]) {{ m.visible = (a !== 1) }}\n"
            f"for (const m of [{cs}]) {{ m.visible = (a !== 0) }}\n")


def message_pane(state: DashboardState) -> pn.pane.Alert:
    alert = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width",
                          css_classes=["ti-message"])

    def update(*_: Any) -> None:
        alert.object = state.message
        alert.alert_type = {"error": "danger", "success": "success"}.get(state.message_level, "info")
        alert.visible = bool(state.message)

    state.param.watch(update, ["message", "message_level"])
    update()
    return alert


def set_form(state: DashboardState, form: str) -> None:
    """The toggle's callback: only visibility changes (both forms are built), so this is fast."""
    t0 = time.perf_counter()
    state.form = form
    if TIMING:
        print(f"ti10cu2-timing toggle {form} {1000 * (time.perf_counter() - t0):.2f} ms", flush=True)


def build_dashboard(state: DashboardState | None = None, *, static: bool = False,
                    links: Sequence[tuple[str, str]] = ()) -> tuple[pn.viewable.Viewable, DashboardState, Context]:
    """The whole page for one session (or for a static export, with ``links`` (href, text) to files beside it);
    returns (layout, state, context)."""
    state = state or DashboardState()
    ctx = Context(static=static)
    toggle = pn.widgets.RadioButtonGroup(label="form", options=TOGGLE_OPTIONS, value=state.form,
                                         color="primary", css_classes=["ti-form-toggle"], width=520)
    body = tabs(state, ctx)
    if static:
        sp = [h for f, h in ctx.form_holders if f == "sp"]
        cs = [h for f, h in ctx.form_holders if f == "cs"]
        args = {**{f"sp{i}": h for i, h in enumerate(sp)}, **{f"cs{i}": h for i, h in enumerate(cs)}}
        toggle.jscallback(value=static_toggle_js(len(sp), len(cs)), args=args)
    else:
        toggle.param.watch(lambda event: set_form(state, event.new), "value")
    header = pn.Row(pn.pane.Markdown(f"## {TITLE}", sizing_mode="stretch_width"), sizing_mode="stretch_width")
    controls = pn.Row(pn.pane.Markdown("**Form:**", margin=(12, 4, 0, 10)), toggle,
                      *([] if static else [views.download(ctx, "ti10cu2_results.json",
                                                          lambda: views.bundle_json(state),
                                                          "results + provenance (JSON)")]),
                      sizing_mode="stretch_width")
    parts: list[Any] = [header, controls]
    if static:
        more = " · ".join(f'<a href="{views.esc(href)}">{views.esc(text)}</a>' for href, text in links)
        parts.append(views.html_pane(
            '<div class="ti-banner ti-note" data-static="1">Static export: precomputed results of the data embedded '
            "at export time; the form toggle works offline, with no server. Uploads, the Tauc window and the 3D "
            "viewer need the live dashboard (<code>make serve</code>)." + (f"<br>{more}" if more else "") + "</div>"))
    else:
        parts.append(message_pane(state))
    parts.append(body)
    layout = pn.Column(*parts, sizing_mode="stretch_width", css_classes=["ti-dashboard"])
    return layout, state, ctx
