"""CO2 & photocurrent tab: photoreduction yields and rates, and the transient photocurrent cycles."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Provenance
from ti10cu2_lib.present import figures
from ti10cu2_lib.present.badges import format_number

from ..components import (
    Context,
    dataset_line,
    figure,
    form_header,
    note,
    number,
    problem_of,
    reported_html,
    table,
    value_html,
)
from ..panels import FormPanels, ds_key
from ..state import DashboardState

TITLE = "CO2 & photocurrent"


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


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(ds_key("co2_timecourse"), co2_section),
                                   (ds_key("photocurrent"), photocurrent_section)], "CO2 and photocurrent")
