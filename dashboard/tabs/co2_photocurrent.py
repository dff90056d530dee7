"""CO2 & photocurrent tab: photoreduction yields and rates, and the transient photocurrent cycles."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Provenance
from ti10cu2_lib.present import figures
from ti10cu2_lib.present.badges import format_number
from ti10cu2_lib.present.numbers import rounded

from ..components import (
    Context,
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

TITLE = "CO2 & photocurrent"


def co2_plot(state: DashboardState, form: str) -> Any:
    return result_figure(state, form, "co2_timecourse", "co2", figures.co2_figure)


def overlay(state: DashboardState, ctx: Context) -> list:
    """Both forms' CO2 time courses on shared axes (sp blue, cs red; CH4 solid, CO dashed)."""
    return [pn.pane.Markdown("#### CO2 photoreduction, both forms on shared axes", margin=(0, 10)),
            *overlay_figure(state, lambda f: co2_plot(state, f), "CO2 photoreduction", "co2_timecourse"),
            *photocurrent_section(state, "cs", ctx)]


def co2_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("co2_timecourse")
    parts: list[Any] = [form_header(form), pn.pane.Markdown("#### CO2 photoreduction", margin=(0, 10))]
    if ds is None or a.co2 is None:
        return [*parts, dataset_line(ds), note(problem_of(state, form, "co2_timecourse"), kind="problem")]
    r = a.co2
    parts += [dataset_line(ds), figure(paired_figure(form, lambda f: co2_plot(state, f)), state)]
    rows = []
    for product, p in r.products.items():
        rid = {"CH4": "ch4_yield_4h", "CO": "co_yield_4h"}.get(product)
        rows.append({"product": product,
                     f"yield at {r.final_time_h:g} h (µmol/g)": value_html(p.final_yield_umol_per_g, origin=r.origin,
                                                                           fmt="{:.1f}", key=f"yield_{product}",
                                                                           form=form),
                     "article": reported_html(rid, form) if rid else "—",
                     "rate, line through 0 (µmol g⁻¹ h⁻¹)": rounded(p.rate_umol_per_g_h,
                                                                     p.rate_uncertainty_umol_per_g_h),
                     "endpoint average (µmol g⁻¹ h⁻¹)": rounded(p.average_rate_umol_per_g_h),
                     f"molecules per cluster ({r.final_time_h:g} h)": rounded(p.molecules_per_cluster),
                     "e⁻ per molecule": p.electrons_per_molecule or "",
                     "electron selectivity (%)": format_number(p.electron_selectivity_percent, "{:.1f}")})
    parts.append(table(ctx, rows, f"co2_products_{form}.csv",
                       title=f"Products (electrons consumed {r.total_electrons_umol_per_g:.1f} µmol e⁻/g)",
                       origin=r.origin))
    parts += [note(w, kind="problem") for w in r.warnings]
    if r.electrons_per_cluster is not None:
        per_cluster = value_html(rounded(r.electrons_per_cluster), origin=r.origin, key="electrons_per_cluster",
                                 form=form)
        parts.append(html_pane(
            f"<p>Per cluster over {r.final_time_h:g} h (M = {rounded(r.cluster_molar_mass_g_per_mol)} g/mol, "
            f"formula printed in the article): {per_cluster} electrons per cluster, "
            f"{esc(rounded(r.electrons_per_ti))} per Ti.</p><p><small>{esc(r.turnover_caveat)}</small></p>"))
    parts.append(pn.pane.Markdown("Controls (article): no gas without light or without catalyst — not checkable "
                                  "without the control data.", margin=(0, 10)))
    return parts


def photocurrent_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("photocurrent")
    parts: list[Any] = [pn.pane.Markdown("#### Transient photocurrent", margin=(0, 10))]
    if ds is None:
        return [*parts, note(problem_of(state, form, "photocurrent"), kind="problem")]
    illustrative = ds.provenance == Provenance.ILLUSTRATIVE
    if illustrative and form == "sp":
        return [*parts, note("The article shows the photocurrent of (Ti10Cu2)cs only (Fig. S24); there is none for "
                             "(Ti10Cu2)sp. Upload a measured sp trace on the Data tab to analyse it.")]
    parts.append(dataset_line(ds))
    if illustrative:
        parts.append(note("Illustrative shape only: the article gives no photocurrent numbers (Fig. S24 is "
                          "qualitative: 'rapid rise on light-on, rapid decay on light-off'), so no amplitude or "
                          "time constant is shown. Upload a measured trace to analyse it.", kind="problem"))
    parts.append(figure(figures.photocurrent_figure(ds, a.photocurrent), state))
    p = a.photocurrent
    if p is None:
        return [*parts, note(problem_of(state, form, "photocurrent"), kind="problem")]
    if illustrative:  # times and amplitudes of an invented trace would be numbers with no meaning
        return parts
    rows = [{"cycle": i + 1, "on (s)": rounded(c.on_s), "off (s)": rounded(c.off_s),
             "amplitude (nA)": f"{c.amplitude_A * 1e9:.3g}", "rise τ (s)": f"{c.rise_tau_s:.2g}",
             "decay τ (s)": f"{c.decay_tau_s:.2g}", "provenance": p.origin} for i, c in enumerate(p.cycles)]
    parts.append(table(ctx, rows, f"photocurrent_cycles_{form}.csv",
                       title=f"Cycles (amplitude RSD {p.amplitude_rsd_percent:.1f} %, retention "
                             f"{p.amplitude_retention_percent:.1f} %)"))
    return parts


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(ds_key("co2_timecourse"), co2_section),
                                   (ds_key("photocurrent"), photocurrent_section)], "CO2 and photocurrent",
                      overlay=overlay)
