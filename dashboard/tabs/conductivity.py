"""Conductivity tab: current density vs field (slopes = σ) for each form, the raw I–V fit (conductance →
conductivity) one click away, against a blank if there is one."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.present import figures

from ..components import (
    Context,
    dataset_line,
    figure,
    form_header,
    html_pane,
    note,
    number,
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

TITLE = "Conductivity"


#: where the article's σ ratio comes from, said on the tab (the reconstructed sweeps alone do not show it)
RATIO_NOTE = ("σ = G·L/A: the current through a crystal depends on its shape, so the tab plots current density J = "
              "I/A against field E = V/L, whose slope is σ. The article gives σ for both forms (Fig. 4) but no "
              "crystal dimensions; our reconstructed sweeps use assumed ones (stated with each dataset), and with "
              "them the two raw currents are nearly equal: the cs/sp ratio of about 14 (derived from the printed "
              "values) lives in the dimensions, not in the currents.")


def jv_plot(state: DashboardState, form: str) -> Any:
    return result_figure(state, form, "iv", "conductivity", figures.current_density_figure)


def overlay(state: DashboardState, ctx: Context) -> list:
    """Both forms' J–E on shared axes: the steeper line is the more conductive form."""
    return [pn.pane.Markdown("#### Current density vs field, both forms (slope = σ)", margin=(0, 10)),
            *overlay_figure(state, lambda f: jv_plot(state, f), "J vs E", "iv")]


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
        figure(paired_figure(form, lambda f: jv_plot(state, f)), state),
        pn.Card(figure(figures.iv_figure(ds, c, blank), state), title="raw I–V (current vs voltage) and the blank",
                collapsed=True, sizing_mode="stretch_width")]
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


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return pn.Column(note(RATIO_NOTE),
                     FormPanels(state, ctx, [(ds_key("iv", "iv_blank"), conductivity_section)], "conductivity",
                                overlay=overlay), sizing_mode="stretch_width")
