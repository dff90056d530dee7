"""Conductivity tab: current density vs field (slopes = σ) for each form, the raw I–V fit (conductance →
conductivity) one click away, against a blank if there is one."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.analysis.transport import TransportCheck
from ti10cu2_lib.present import figures
from ti10cu2_lib.present.numbers import rounded, uncertainty_text

from ..components import (
    Context,
    Html,
    dataset_line,
    esc,
    figure,
    form_header,
    html_pane,
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
    shown = value_html(rounded(c.conductivity_S_per_m, c.conductivity_uncertainty_S_per_m), origin=c.origin,
                       unit="S/m", key="iv_conductivity", form=form)
    parts += [dataset_line(ds), dataset_line(blank), html_pane(
        f'<p style="font-size:1.15em">σ = {shown} &nbsp; (article {reported_html("conductivity", form)})</p>'),
        figure(paired_figure(form, lambda f: jv_plot(state, f)), state),
        pn.Card(figure(figures.iv_figure(ds, c, blank), state), title="raw I–V (current vs voltage) and the blank",
                collapsed=True, sizing_mode="stretch_width")]
    lin = c.linearity
    rows = [{"quantity": "conductance G (S)", "value": rounded(c.conductance_S, c.conductance_uncertainty_S)},
            {"quantity": "crystal length L (mm) / cross-section A (mm²)",
             "value": f"{c.length_mm:g} / {c.area_mm2:g} ({c.geometry_assumption})"},
            {"quantity": "σ = G·L/A (S/m)",
             "value": Html(value_html(rounded(c.conductivity_S_per_m, c.conductivity_uncertainty_S_per_m),
                                      origin=c.origin)
                           + esc(f" (fit alone ± {uncertainty_text(c.conductivity_fit_uncertainty_S_per_m)})"))},
            {"quantity": "voltage range (V)", "value": f"{c.voltage_range_V[0]:+.3f} … {c.voltage_range_V[1]:+.3f}"},
            {"quantity": "R², points", "value": f"{rounded(c.r_squared)}, {c.n_points}"},
            {"quantity": "ohmic (line vs cubic)", "value": f"{lin.verdict} " + (
                f"({lin.undetermined_reason})" if lin.undetermined_reason
                else f"(p = {lin.nonlinearity_p_value:.3g})")}]
    if c.blank is not None:
        rows += [{"quantity": "blank conductance (S)", "value": rounded(c.blank.blank_conductance_S,
                                                                      c.blank.blank_conductance_uncertainty_S)},
                 {"quantity": "signal / blank noise",
                  "value": f"{c.blank.signal_to_noise:.1f} ("
                           + ("distinguishable" if c.blank.distinguishable else "NOT distinguishable")
                           + " from the blank)"}]
    parts.append(table(ctx, rows, f"conductivity_{form}.csv", title="I–V fit", origin=c.origin))
    if a.transport is not None:
        parts += transport_section(a.transport, form, ctx)
    return parts


def transport_section(t: TransportCheck, form: str, ctx: Context) -> list:
    """σ = n·e·μ cross-check: implied mobility against the molecular-solid range, micro-crystal current vs the
    measurable floor."""
    low, high = t.mobility_range_cm2_per_V_s
    rows = [{"quantity": "carrier density n (cm⁻³)",
             "value": f"{rounded(t.carrier_density_per_cm3)} (Mott–Schottky; {t.carrier_density_assumption})"},
            {"quantity": "implied mobility μ = σ/(n e) (cm²/Vs)",
             "value": Html(value_html(rounded(t.mobility_cm2_per_V_s), origin=t.origin, key="transport_mobility",
                                      form=form)
                           + esc(f" — {'inside' if t.mobility_in_range else 'far outside'} {rounded(low)}…"
                                 f"{rounded(high)} cm²/Vs ({t.mobility_range_source})"))},
            {"quantity": f"current of a micrometre-sized crystal at {t.bias_V:g} V (A)",
             "value": Html(value_html(rounded(t.crystal_current_A), origin=t.origin, key="transport_current",
                                      form=form)
                           + esc(f" — measurable from ≈ {rounded(t.measurable_current_A)} A "
                                 f"({t.measurable_current_source}); {t.crystal_assumption}"))}]
    return [table(ctx, rows, f"transport_check_{form}.csv", title="σ = n·e·μ cross-check", origin=t.origin),
            *(note(w, kind="problem") for w in t.warnings)]


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return pn.Column(note(RATIO_NOTE),
                     FormPanels(state, ctx, [(ds_key("iv", "iv_blank"), conductivity_section)], "conductivity",
                                overlay=overlay), sizing_mode="stretch_width")
