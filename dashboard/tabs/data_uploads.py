"""Data & uploads tab: upload your own measurement or CIF (this session only), see and drop what is in use."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.paths import EXAMPLES_DIR
from ti10cu2_lib.data.kinds import KINDS
from ti10cu2_lib.forward.examples import EXAMPLES

from ..components import Context, bundle_json, download, handle_drop, message_pane, note, table
from ..panels import DEPENDENCIES, SharedPanel
from ..state import FORM_LABELS, FORMS, DashboardState
from ..uploads import REFERENCE_ELECTRODES, UPLOAD_LIMIT_TEXT

TITLE = "Data & uploads"


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
    reference = pn.widgets.Select(label="reference electrode of the potentials", options=REFERENCE_ELECTRODES,
                                  value=REFERENCE_ELECTRODES["Ag/AgCl (saturated KCl)"], width=260)
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

    async def on_file(name: str, data: bytes | str) -> bool:
        if kind.value == "cif":
            return await state.upload_cif_async(form.value, name, data)
        return await state.upload_async(form.value, kind.value, name, data, length_mm=length.value,
                                        area_mm2=area.value, reference_electrode=reference.value, pH=ph.value,
                                        x_unit=x_unit.value or None, y_kind=y_kind.value or None)

    kind.param.watch(show_options, "value")
    handle_drop(dropper, on_file)
    show_options()
    return pn.Column(
        pn.pane.Markdown(
            f"### Use your own file\nChoose the form and what the file holds, then drop it below (at most "
            f"**{UPLOAD_LIMIT_TEXT}**). The file is read as a text table or CIF with the same readers as the command "
            "line (`ti10cu2 … FILE`) and checked; nothing in it is executed, and it is **used in this browser "
            "session only** — nothing is stored on the server, other visitors do not see it, and reloading the "
            "page forgets it.", sizing_mode="stretch_width"),
        pn.Row(form, kind), columns, options, dropper, message_pane(state, "upload"), sizing_mode="stretch_width")


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


def examples_panel(ctx: Context) -> pn.viewable.Viewable:
    """Downloads of the classroom example files (synthetic, labelled), each with what it is and how to upload it."""
    rows = []
    for e in EXAMPLES:
        path = EXAMPLES_DIR / e.filename
        if path.is_file():
            how = ", ".join(f"{k} = {v}" for k, v in e.options.items())
            rows.append(pn.Row(download(ctx, e.filename, path.read_bytes, f"⬇ {e.filename}"),
                               pn.pane.Markdown(f"{e.form}, *{e.kind}*{' (' + how + ')' if how else ''}: {e.what}",
                                                sizing_mode="stretch_width"), sizing_mode="stretch_width"))
    return pn.Card(pn.pane.Markdown("Synthetic files for trying every upload (**not measured**; each says so in "
                                    "its first line). Download one, choose its form and kind above, drop it."),
                   *rows, title="Classroom examples", collapsed=True, sizing_mode="stretch_width")


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    parts: list[Any] = []
    if ctx.static:
        parts.append(note("Uploads need the live dashboard (`make serve`): this static export shows the "
                          "embedded datasets."))
    else:
        parts.append(upload_panel(state, ctx))
        parts.append(examples_panel(ctx))
    parts.append(pn.pane.Markdown("### Data in use (this session)", margin=(0, 10)))
    parts.append(SharedPanel(state, ctx, lambda s: (s.analyses["sp"], s.analyses["cs"], s.structures["sp"],
                                                    s.structures["cs"], s.patterns.get("sp"), s.patterns.get("cs")),
                             lambda s, c: [table(c, uploads_rows(s), "datasets_in_use.csv", max_rows=None)],
                             "datasets", (*DEPENDENCIES, "patterns")))
    if not ctx.static:
        parts.append(remove_panel(state))
        svg = pn.widgets.Checkbox(label="draw figures as SVG (the toolbar's save button then saves SVG instead of PNG)",
                                  value=state.svg)
        svg.link(state, value="svg")
        parts.append(svg)
    parts.append(download(ctx, "ti10cu2_results.json", lambda: bundle_json(state),
                          "all results with provenance (JSON)"))
    return pn.Column(*parts, sizing_mode="stretch_width")
