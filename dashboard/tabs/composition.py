"""Composition, IR & TGA tab: what the printed formula implies (sum formula, molar mass, charge balance, the
10 TiO2 + 2 CuO residue), and the analysis of an uploaded IR spectrum or TGA curve (the article prints no
IR or TGA numbers: Fig. S15–S18)."""

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
    paired_figure,
    reported_html,
    result_figure,
    table,
    value_html,
)
from ..panels import FormPanels, ds_key
from ..state import DashboardState

TITLE = "Composition, IR & TGA"
NO_FILE = ("The article gives no {what} numbers ({figs}): upload a {what} file for this form on the "
           "*Data & uploads* tab (e.g. the classroom example in `data/examples/`) to analyse it here.")


def composition_section(state: DashboardState, form: str, ctx: Context) -> list:
    c = state.analyses[form].composition
    balance = c.charge_balance
    ours = "not printed in the article: ours, from the printed formula"
    rows = [{"quantity": "formula as printed", "value": reported_html("formula", form)},
            {"quantity": f"sum formula ({ours})", "value": value_html(c.sum_formula, origin=c.origin,
                                                                      key="sum_formula", form=form)},
            {"quantity": f"molar mass ({ours})", "value": value_html(c.molar_mass_g_per_mol, origin=c.origin,
                                                                     unit="g/mol", fmt="{:.1f}", key="molar_mass",
                                                                     form=form)},
            {"quantity": "formal charges (H⁺, Ti(IV), Cu(II) vs O²⁻, sal²⁻, OMe⁻)",
             "value": f"{balance.total_charge:+g} ({'neutral' if balance.neutral else 'NOT neutral'})"},
            {"quantity": f"residue of complete combustion ({c.residue_oxides})",
             "value": value_html(c.tga_residue_percent, origin=c.origin, unit="%", fmt="{:.2f}",
                                 key="oxide_residue", form=form)}]
    mass = [{"element": el, "mass %": f"{pct:.2f}"} for el, pct in c.mass_percent.items()]
    return [form_header(form), pn.pane.Markdown("#### The printed formula", margin=(0, 10)),
            table(ctx, rows, f"composition_{form}.csv", title="Composition", origin=c.origin),
            table(ctx, mass, f"mass_percent_{form}.csv", title="Elemental analysis (calculated, mass %)",
                  origin=c.origin, collapsed=True),
            html_pane(f"<p><small>{c.abbreviations}; {c.atomic_weights}.</small></p>")]


def ir_plot(state: DashboardState, form: str) -> Any:
    return result_figure(state, form, "ir", "ir", figures.ir_figure)


def tga_plot(state: DashboardState, form: str) -> Any:
    return result_figure(state, form, "tga", "tga", figures.tga_figure)


def ir_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    parts: list[Any] = [pn.pane.Markdown("#### IR: carboxylate binding (Δν = νas − νs)", margin=(0, 10))]
    ds = a.datasets.get("ir")
    if ds is None:
        return [*parts, note(NO_FILE.format(what="IR", figs="Fig. S15–S16"))]
    parts.append(dataset_line(ds))
    if a.ir is None:
        return [*parts, note(a.problems.get("ir", "IR analysis failed"), kind="problem")]
    r = a.ir
    parts.append(figure(paired_figure(form, lambda f: ir_plot(state, f)), state))
    rows = [{"quantity": "νas(COO⁻) (cm⁻¹)", "value": number(r.nu_as_coo_cm1, "{:.0f}")},
            {"quantity": "νs(COO⁻) (cm⁻¹)", "value": number(r.nu_s_coo_cm1, "{:.0f}")},
            {"quantity": "Δν (cm⁻¹)", "value": value_html(r.delta_nu_cm1, origin=r.origin, fmt="{:.0f}",
                                                          key="ir_delta_nu", form=form)},
            {"quantity": "binding mode (Deacon–Phillips, Δν alone)", "value": r.coordination_mode or "—"},
            {"quantity": "Ti–O bands (cm⁻¹)", "value": ", ".join(f"{b.wavenumber_cm1:.0f}" for b in r.ti_o_bands)
             or "—"}]
    parts.append(table(ctx, rows, f"ir_{form}.csv", title="IR bands", origin=r.origin))
    return parts


def tga_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    parts: list[Any] = [pn.pane.Markdown("#### TGA: mass-loss steps and residue", margin=(0, 10))]
    ds = a.datasets.get("tga")
    if ds is None:
        return [*parts, note(NO_FILE.format(what="TGA", figs="Fig. S17–S18; the text says only that solvent is "
                                                            "lost below about 300 °C"))]
    parts.append(dataset_line(ds))
    if a.tga is None:
        return [*parts, note(a.problems.get("tga", "TGA analysis failed"), kind="problem")]
    r = a.tga
    parts.append(figure(paired_figure(form, lambda f: tga_plot(state, f)), state))
    steps = [{"step": i + 1, "from (°C)": f"{s.start_C:.0f}", "DTG peak (°C)": f"{s.peak_C:.0f}",
              "to (°C)": f"{s.end_C:.0f}", "mass loss (%)": f"{s.mass_loss_percent:.1f}"}
             for i, s in enumerate(r.steps)]
    parts.append(table(ctx, steps, f"tga_steps_{form}.csv", title="Mass-loss steps", origin=r.origin))
    rows = [{"formula": c.form, "residue measured (%)": f"{r.residue_percent:.1f}",
             f"{c.residue_oxides} from the formula (%)": f"{c.theoretical_residue_percent:.1f}",
             f"lost below {r.solvent_loss_end_C:g} °C as CH3OH per cluster":
                 f"{c.loss_below_solvent_end_methanol_equivalents:.1f}"} for c in r.comparisons]
    parts.append(table(ctx, rows, f"tga_residue_{form}.csv", title="Residue against the printed formula",
                       origin=r.origin))
    return parts


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(lambda s, f: (s.analyses[f].composition,), composition_section),
                                   (ds_key("ir"), ir_section), (ds_key("tga"), tga_section)],
                      "composition, IR and TGA")
