"""The dashboard's page: the global sp/cs toggle, the tabs (one module each, :data:`TABS`), messages and downloads.

:func:`build_dashboard` makes one layout for one :class:`~dashboard.state.DashboardState` (one per browser
session). Live, the toggle sets ``state.form`` and every tab shows or hides its per-form panels (both forms are
built once per session, so a toggle only changes visibility); data changes rebuild only the sections whose
inputs changed. ``static=True`` builds the same tabs for an exported page: the toggle then switches visibility in
the browser (a ``jscallback``), downloads are links to files written beside the page, and nothing needs Python.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import panel as pn

from ti10cu2_lib.present.figures import FORM_COLORS

from .components import Context, bundle_json, download, esc, html_pane
from .panels import GRID_CLASSES, safe_build
from .state import FORM_LABELS, DashboardState
from .tabs import (
    band_structure,
    claims,
    co2_photocurrent,
    composition,
    conductivity,
    data_uploads,
    optical,
    overview,
    pxrd,
    structure,
    supercrystal,
    survey,
)

#: set TI10CU2_TIMING=1 to print the server time of every sp/cs toggle to the server's stdout (benchmarks)
TIMING = os.environ.get("TI10CU2_TIMING") == "1"
TITLE = "ti10cu2 — {Ti10Cu2} supercrystals (Meng et al., Inorg. Chem. Front. 2023, 10, 5694)"
EXTENSIONS = ("tabulator", "filedropper")
#: the tabs in page order; each module has ``TITLE`` (the tab's label) and ``build(state, ctx)``
TABS: tuple[ModuleType, ...] = (overview, composition, structure, supercrystal, survey, pxrd, optical, band_structure,
                                conductivity, co2_photocurrent, claims, data_uploads)


#: static page: Bokeh hides an inactive tab with visibility (it keeps its space), so every tab was as tall as the
#: tallest one and short tabs ended in a mostly blank page. Inactive tabs keep their width (so tables and plots are
#: laid out at the right size) but no height.
STATIC_TABS_CSS = ':host > div[style*="visibility: hidden"] {height: 0 !important; overflow: hidden !important;}'


def tabs(state: DashboardState, ctx: Context) -> pn.Tabs:
    """The article's tabs. Live, a tab's contents are built the first time it is opened (a session that only looks
    at the Overview never builds the rest); static, all are built."""
    holders = [pn.Column(sizing_mode="stretch_width") for _ in TABS]
    built: set[int] = set()

    def build(index: int) -> None:
        if index in built or not 0 <= index < len(TABS):
            return
        built.add(index)
        tab = TABS[index]
        holders[index].objects = safe_build(lambda: [tab.build(state, ctx)], f"the {tab.TITLE} tab")

    result = pn.Tabs(*[(tab.TITLE, holder) for tab, holder in zip(TABS, holders, strict=True)],
                     dynamic=not ctx.static, sizing_mode="stretch_width", css_classes=["ti-tabs"],
                     stylesheets=[STATIC_TABS_CSS] if ctx.static else [])
    if ctx.static:
        for index in range(len(TABS)):
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


TOGGLE_OPTIONS = {FORM_LABELS[view]: view for view in ("sp", "cs", "both", "overlay")}


def toggle_css() -> str:
    """The form toggle: the selected button filled with its form's colour (the figures' colour), bold and
    underlined; the others white with a coloured outline, so the selection reads at a glance, also in print."""
    colors = [FORM_COLORS["sp"], FORM_COLORS["cs"], "#555555", "#555555"]
    rules = [":host .bk-btn {background: white; font-weight: 500; border-width: 2px;}",
             ":host .bk-btn.bk-active {color: white; font-weight: 700; text-decoration: underline;"
             " box-shadow: inset 0 -4px 0 rgba(0,0,0,0.35);}"]
    for i, color in enumerate(colors, start=1):
        rules.append(f":host .bk-btn:nth-child({i}) {{color: {color}; border-color: {color};}}")
        rules.append(f":host .bk-btn:nth-child({i}).bk-active {{background: {color}; color: white;}}")
    return "\n".join(rules)


#: static page: which toggle positions (0 sp, 1 cs, 2 both, 3 overlay) show a holder of each role (see FormPanels)
STATIC_VISIBILITY = {"sp": (0, 2, 3), "cs": (1, 2, 3), "overlay": (3,)}


def static_toggle_js(counts: dict[str, int], grids: int = 0) -> str:
    """JavaScript for the exported page: show each holder (args ``sp_0``, ``cs_1``, ``overlay_0``…) for the
    toggle's choice; ``counts`` gives how many holders of each role the page has. The ``grids`` grids of form
    columns (args ``grid_0``…) give one form the whole width."""
    lines = ["const a = cb_obj.active;  // 0 sp, 1 cs, 2 both, 3 overlay"]
    for role, shown in STATIC_VISIBILITY.items():
        names = ", ".join(f"{role}_{i}" for i in range(counts.get(role, 0)))
        lines.append(f"for (const m of [{names}]) {{ m.visible = {list(shown)}.includes(a) }}")
    names = ", ".join(f"grid_{i}" for i in range(grids))
    lines.append(f"for (const g of [{names}]) {{ g.css_classes = a < 2 ? {GRID_CLASSES[1]} : {GRID_CLASSES[2]} }}")
    return "\n".join(lines) + "\n"


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
                                         button_type="default", css_classes=["ti-form-toggle"], width=520,
                                         stylesheets=[toggle_css()])
    body = tabs(state, ctx)
    if static:
        by_role: dict[str, list] = {role: [] for role in STATIC_VISIBILITY}
        for role, holder in ctx.form_holders:
            by_role[role].append(holder)
        args = {f"{role}_{i}": h for role, holders in by_role.items() for i, h in enumerate(holders)}
        args.update({f"grid_{i}": grid for i, grid in enumerate(ctx.form_grids)})
        toggle.jscallback(value=static_toggle_js({role: len(h) for role, h in by_role.items()}, len(ctx.form_grids)),
                          args=args)
    else:
        toggle.param.watch(lambda event: set_form(state, event.new), "value")
    header = pn.Row(pn.pane.Markdown(f"## {TITLE}", sizing_mode="stretch_width"), sizing_mode="stretch_width")
    controls = pn.Row(pn.pane.Markdown("**Form shown:**", margin=(12, 4, 0, 10)), toggle,
                      *([] if static else [download(ctx, "ti10cu2_results.json", lambda: bundle_json(state),
                                                    "results + provenance (JSON)")]),
                      sizing_mode="stretch_width")
    parts: list[Any] = [header, controls]
    if static:
        more = " · ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for href, text in links)
        parts.append(html_pane(
            '<div class="ti-banner ti-note" data-static="1">Static export: precomputed results of the data embedded '
            "at export time; the form toggle works offline, with no server. Uploads, the Tauc window and the 3D "
            "viewer need the live dashboard (<code>make serve</code>)." + (f"<br>{more}" if more else "") + "</div>"))
    parts.append(body)
    layout = pn.Column(*parts, sizing_mode="stretch_width", css_classes=["ti-dashboard"])
    return layout, state, ctx
