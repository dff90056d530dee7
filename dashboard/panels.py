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
    """Key of a section that shows the datasets of ``kinds`` (and figures, so the SVG choice)."""

    def key(state: DashboardState, form: str) -> tuple:
        data = state.analyses[form].datasets
        return (state.svg, *(data.get(k) for k in kinds), *(state.analyses[form].problems.get(k) for k in kinds))

    return key


def structure_key(state: DashboardState, form: str) -> tuple:
    return (state.svg, state.structures.get(form), state.demo)


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

    Each section is rebuilt only when its key (see the module's docstring) changes.
    """

    def __init__(self, state: DashboardState, ctx: Context, sections: Sequence[Section], name: str) -> None:
        super().__init__()
        self.state, self.ctx, self.sections, self.tab_name = state, ctx, list(sections), name
        # side by side when both fit (≥ 460 px each), stacked when the window is narrower (a projector, a phone)
        self.holders = {form: pn.Column(*[pn.Column(sizing_mode="stretch_width") for _ in self.sections],
                                        sizing_mode="stretch_width", css_classes=["ti-form-panel", f"ti-form-{form}"],
                                        tags=[f"form-{form}"], styles={"flex": "1 1 460px", "min-width": "0"})
                        for form in FORMS}
        self._keys: dict[tuple[str, int], tuple | None] = {}
        self._layout = pn.FlexBox(*self.holders.values(), flex_wrap="wrap", sizing_mode="stretch_width")
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
                objects = safe_build(lambda b=build, f=form: b(self.state, f, self.ctx), f"{self.tab_name} ({form})")
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
        self.holder.objects = safe_build(lambda: self.build(self.state, self.ctx), self.section_name)

    def __panel__(self) -> pn.viewable.Viewable:
        return self.holder
