"""Optical tab: UV-vis maxima in solution and the Tauc band gap of the diffuse reflectance (with its fit window)."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.analysis.tauc import absorption_spectrum
from ti10cu2_lib.present import figures
from ti10cu2_lib.present.badges import format_number
from ti10cu2_lib.present.numbers import rounded, rounded_range, uncertainty_text

from ..components import (
    Context,
    dataset_line,
    esc,
    figure,
    form_header,
    html_pane,
    message_pane,
    note,
    overlay_figure,
    paired_figure,
    problem_of,
    reported_html,
    result_figure,
    table,
    value_html,
)
from ..panels import FormPanels, ds_key
from ..state import DashboardState

TITLE = "Optical"
TAUC_SLIDER_LIMITS_EV = (1.0, 6.0)


def tauc_key(state: DashboardState, form: str) -> tuple:
    return (*ds_key("drs")(state, form), state.transition, *sorted(state.tauc_windows.items()))


def uvvis_plot(state: DashboardState, form: str) -> Any:
    return result_figure(state, form, "uvvis_solution", "uvvis", figures.uvvis_figure)


def tauc_plot(state: DashboardState, form: str) -> Any:
    return result_figure(state, form, "drs", "tauc", figures.tauc_figure)


def overlay(state: DashboardState, ctx: Context) -> list:
    """Both forms on shared axes: the UV-vis bands and the Tauc edges (the 0.08 eV gap difference shows)."""
    return [pn.pane.Markdown("#### UV-vis in CHCl3 and Tauc plots, both forms on shared axes", margin=(0, 10)),
            *overlay_figure(state, lambda f: uvvis_plot(state, f), "UV-vis in CHCl3", "uvvis_solution"),
            *overlay_figure(state, lambda f: tauc_plot(state, f), f"Tauc ({state.transition})", "drs")]


def uvvis_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("uvvis_solution")
    parts: list[Any] = [form_header(form), pn.pane.Markdown("#### UV-vis absorption in CHCl3", margin=(0, 10))]
    if ds is None:
        return [*parts, note(problem_of(state, form, "uvvis_solution"), kind="problem")]
    parts.append(dataset_line(ds))
    if a.uvvis is None:
        return [*parts, note(problem_of(state, form, "uvvis_solution"), kind="problem")]
    parts.append(figure(paired_figure(form, lambda f: uvvis_plot(state, f)), state))
    rows = [{"band": i + 1, "λmax": value_html(rounded(p, u), origin=a.uvvis.origin, unit="nm",
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
    shown = value_html(rounded(t.band_gap_eV, t.band_gap_uncertainty_eV), origin=t.origin, unit="eV",
                       key="tauc_band_gap", form=form)
    parts.append(html_pane(
        f'<p style="font-size:1.15em">E<sub>g</sub> = {shown} &nbsp; (article {reported_html("band_gap", form)}; '
        f"window {rounded_range(t.fit_window_eV, ' eV')}, {esc(t.window_selection)})</p>"))
    parts.append(figure(paired_figure(form, lambda f: tauc_plot(state, f)), state))
    rows = [{"quantity": "band gap Eg (eV)", "value": value_html(rounded(t.band_gap_eV, t.band_gap_uncertainty_eV),
                                                                 origin=t.origin)},
            {"quantity": "fit window (eV)", "value": f"{rounded_range(t.fit_window_eV)} ({t.window_selection})"},
            {"quantity": "transition (Tauc exponent n)", "value": f"{t.transition} (n = {t.tauc_exponent_n:g})"},
            {"quantity": "crossing", "value": t.method},
            {"quantity": "R² of the edge fit", "value": rounded(t.r_squared)},
            {"quantity": "uncertainty: fit SE / window spread / method spread (eV)",
             "value": f"{uncertainty_text(t.fit_standard_error_eV)} / {uncertainty_text(t.window_spread_eV)} "
                      f"({t.n_admissible_windows} windows) / {uncertainty_text(t.method_spread_eV)} (axis vs "
                      f"Makuła baseline, {len(t.method_variants_eV)} readings); combined in quadrature"},
            {"quantity": "Eg by reading (eV)",
             "value": "; ".join(f"{name}: {rounded(v, t.band_gap_uncertainty_eV)}"
                                for name, v in t.method_variants_eV.items())},
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
                                            value=value, step=0.005, format="0.000", min_width=240,
                                            sizing_mode="stretch_width",
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
    return pn.Column(pn.FlexBox(slider, automatic, flex_wrap="wrap"), message_pane(state, "tauc"),
                     pn.FlexBox(pn.pane.Markdown("Tauc transition (the article does not say; applies to both forms):"),
                                transition, flex_wrap="wrap"),
                     sizing_mode="stretch_width")


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(ds_key("uvvis_solution"), uvvis_section), (tauc_key, tauc_section)], "optical",
                      overlay=overlay)
