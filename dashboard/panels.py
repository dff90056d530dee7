"""Sections and the panels that show them: each tab is made of sections, rebuilt only when their inputs change.

Each *section* is a pair ``(key, build)``: ``key(state, form)`` names the inputs the section shows (datasets,
options, the structure), so a panel rebuilds a section only when its inputs change; ``build(state, form, ctx)``
returns the section's Panel objects. Keys hold objects, which are compared by identity (numbers and strings by
value). :class:`FormPanels` shows sections once per form (visibility follows the sp/cs toggle); :class:`SharedPanel`
shows one section for both forms.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import panel as pn

from .components import Context, note
from .state import FORMS, DashboardState

log = logging.getLogger(__name__)

#: state parameters whose change may change what a section shows
DEPENDENCIES = ("analyses", "structures", "comparisons", "svg", "demo")

#: the per-form columns: side by side while each gets ≥ 460 px, stacked on a narrower window (a projector, a
#: phone). A CSS grid on a Column, because responsive plots inside Panel's FlexBox lose their size when the
#: overlaid view above them is rendered first (seen in Chromium).
COLUMNS_CSS = (":host {display: grid !important;"
               " grid-template-columns: repeat(auto-fit, minmax(min(460px, 100%), 1fr));}"
               " :host(.ti-one-form) {grid-template-columns: minmax(0, 1fr) !important;}")
#: CSS classes of the grid of form columns: one form shown takes the whole width, both share it (or stack)
GRID_CLASSES = {1: ["ti-form-grid", "ti-one-form"], 2: ["ti-form-grid"]}

Section = tuple[Callable[[DashboardState, str], tuple], Callable[[DashboardState, str, Context], list]]


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
    """Key of a section that shows the datasets of ``kinds`` (and figures, so the SVG choice). Both forms' data
    count: a form's figure shares its axes with the other form's."""

    def key(state: DashboardState, form: str) -> tuple:
        return (state.svg, *(state.analyses[f].datasets.get(k) for f in FORMS for k in kinds),
                *(state.analyses[f].problems.get(k) for f in FORMS for k in kinds))

    return key


# ------------------------------------------------------------------------------------------------ panels


def safe_build(build: Callable[[], list], what: str) -> list:
    """A section's objects; a failure shows a one-line notice instead of breaking the session."""
    try:
        return build()
    except Exception as exc:  # a presentation bug must not take the whole page down
        log.exception("could not display %s", what)
        return [note(f"could not display {what}: {type(exc).__name__}: {exc}", kind="error")]


class FormPanels(pn.viewable.Viewer):
    """For each form a column of sections; the columns' visibility follows ``state.form``.

    Each section is rebuilt only when its key (see the module's docstring) changes. ``overlay`` (optional) builds
    the "both, overlaid" view of the tab (both forms' figures on shared axes), shown in that mode above the two
    columns (whose tables stay useful) and built the first time it is shown, then whenever ``overlay_key``
    changes. Both forms' columns are always built (a toggle only changes visibility); responsive plots built
    inside a box that is hidden as a whole get no size in the browser, so the columns are never hidden together.
    """

    def __init__(self, state: DashboardState, ctx: Context, sections: Sequence[Section], name: str, *,
                 overlay: Callable[[DashboardState, Context], list] | None = None,
                 overlay_key: Callable[[DashboardState], tuple] | None = None) -> None:
        super().__init__()
        self.state, self.ctx, self.sections, self.tab_name = state, ctx, list(sections), name
        self.overlay = overlay
        self.overlay_key = overlay_key or (lambda s: (s.svg, s.analyses["sp"], s.analyses["cs"]))
        self.holders = {form: pn.Column(*[pn.Column(sizing_mode="stretch_width") for _ in self.sections],
                                        sizing_mode="stretch_width", css_classes=["ti-form-panel", f"ti-form-{form}"],
                                        tags=[f"form-{form}"], styles={"min-width": "0"})
                        for form in FORMS}
        self.overlay_holder = pn.Column(sizing_mode="stretch_width", css_classes=["ti-overlay-panel"],
                                        tags=["form-overlay"], visible=False)
        self._keys: dict[tuple[str, int], tuple | None] = {}
        self._overlay_built: tuple | None = None
        self.grid = pn.Column(*self.holders.values(), sizing_mode="stretch_width", stylesheets=[COLUMNS_CSS],
                              css_classes=GRID_CLASSES[2])
        self._layout = pn.Column(self.overlay_holder, self.grid, sizing_mode="stretch_width")
        self.refresh()
        self.show()
        ctx.form_holders.extend(self.holders.items())
        ctx.form_grids.append(self.grid)
        if overlay is not None and ctx.static:
            self._refresh_overlay()
            ctx.form_holders.append(("overlay", self.overlay_holder))
        if not ctx.static:
            state.param.watch(self.refresh, list(DEPENDENCIES))
            state.param.watch(self.show, "form")

    @property
    def overlaid(self) -> bool:
        return self.overlay is not None and self.state.form == "overlay"

    def refresh(self, *_: Any) -> None:
        for form in FORMS:
            for i, (key, build) in enumerate(self.sections):
                new = key(self.state, form)
                if same_key(new, self._keys.get((form, i))):
                    continue
                self._keys[(form, i)] = new
                objects = safe_build(lambda b=build, f=form: b(self.state, f, self.ctx), f"{self.tab_name} ({form})")
                self.holders[form][i].objects = objects
        if self.overlaid:
            self._refresh_overlay()

    def _refresh_overlay(self) -> None:
        """Build the overlaid view when its inputs changed (only when it is, or may be, shown)."""
        new = self.overlay_key(self.state)
        if same_key(new, self._overlay_built):
            return
        self._overlay_built = new
        self.overlay_holder.objects = safe_build(lambda: self.overlay(self.state, self.ctx),
                                                 f"{self.tab_name} (overlay)")

    def show(self, *_: Any) -> None:
        shown = self.state.shown_forms
        for form, holder in self.holders.items():
            holder.visible = form in shown
        self.grid.css_classes = GRID_CLASSES[len(shown)]
        if self.overlaid:
            self._refresh_overlay()
        self.overlay_holder.visible = self.overlaid

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
        self.holder.objects = safe_build(lambda: self.build(self.state, self.ctx), self.section_name)

    def __panel__(self) -> pn.viewable.Viewable:
        return self.holder
