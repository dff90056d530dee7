"""Band structure tab: Mott–Schottky flat band, band edges and CO2-reduction feasibility, band diagram of both."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.present import figures
from ti10cu2_lib.present.numbers import rounded, uncertainty_text

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
from ..panels import FormPanels, SharedPanel, ds_key
from ..state import FORMS, DashboardState

TITLE = "Band structure"


def bands_key(state: DashboardState, form: str) -> tuple:
    return (*ds_key("mott_schottky", "drs")(state, form), state.transition, *sorted(state.tauc_windows.items()))


def mott_schottky_plot(state: DashboardState, form: str, *, by_form: bool = False) -> Any:
    return result_figure(state, form, "mott_schottky", "mott_schottky", figures.mott_schottky_figure,
                         by_form=by_form)


def overlay(state: DashboardState, ctx: Context) -> list:
    """Both forms' Mott–Schottky data on shared axes (form colours, one marker per frequency)."""
    return [pn.pane.Markdown("#### Mott–Schottky, both forms on shared axes", margin=(0, 10)),
            *overlay_figure(state, lambda f: mott_schottky_plot(state, f, by_form=True), "Mott–Schottky",
                            "mott_schottky")]


def mott_schottky_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    ds = a.datasets.get("mott_schottky")
    parts: list[Any] = [form_header(form), pn.pane.Markdown("#### Mott–Schottky fits per frequency",
                                                            margin=(0, 10))]
    if ds is None or a.mott_schottky is None:
        return [*parts, dataset_line(ds), note(problem_of(state, form, "mott_schottky"), kind="problem")]
    ms = a.mott_schottky
    shown = value_html(rounded(ms.flat_band_V_vs_NHE, ms.flat_band_uncertainty_V), origin=ms.origin,
                       unit="V vs NHE", key="ms_flat_band", form=form)
    article = reported_html("flat_band", form, "{:+.2f}")
    parts += [dataset_line(ds), html_pane(
        f'<p style="font-size:1.15em">E<sub>fb</sub> = {shown} &nbsp; (article {article}; '
        f"{esc(ms.carrier_type)}-type, measured vs {esc(ms.reference_electrode)})</p>"),
        figure(paired_figure(form, lambda f: mott_schottky_plot(state, f)), state)]
    rows = [{"frequency (Hz)": f"{f.frequency_Hz:g}",
             "E_fb (V vs NHE)": value_html(rounded(f.flat_band_V_vs_NHE, f.flat_band_uncertainty_V),
                                           origin=ms.origin),
             "window sensitivity (V)": uncertainty_text(f.window_sensitivity_V),
             f"fit window (V vs {ms.reference_electrode})": f"{f.fit_window_V[0]:+.3f} … {f.fit_window_V[1]:+.3f}",
             "R²": rounded(f.r_squared), "points": f.n_points, "type": f.carrier_type} for f in ms.frequencies]
    parts.append(table(ctx, rows, f"mott_schottky_fits_{form}.csv", title="Per-frequency fits", origin=ms.origin))
    if ms.frequency_drift_V is not None:
        parts.append(note(f"Flat-band drift over the frequencies: {uncertainty_text(ms.frequency_drift_V)} V, "
                          f"{'beyond' if ms.frequency_drift_significant else 'within'} 2 × the combined uncertainty "
                          "of the two frequencies" + (" — E_fb is uncertain by at least the drift."
                                                      if ms.frequency_drift_significant else ".")))
    parts += [note(w) for w in ms.warnings]
    return parts


def bands_section(state: DashboardState, form: str, ctx: Context) -> list:
    a = state.analyses[form]
    if a.bands is None:
        why = "; ".join(p for p in (a.problems.get("mott_schottky"), a.problems.get("drs")) if p) or (
            "needs both the flat band and the band gap")
        return [note(f"Band edges unavailable: {why}", kind="problem")]
    b = a.bands
    cb_u, vb_u = b.conduction_band_uncertainty_V, b.valence_band_uncertainty_V
    parts: list[Any] = [pn.pane.Markdown("#### Band edges and CO2-reduction potentials (pH 7, V vs NHE)",
                                         margin=(0, 10))]
    rows = [{"product": f.product, "reaction": f.reaction, "E (V vs NHE)": f"{f.potential_V_vs_NHE:+.2f}",
             "margin (V)": rounded(f.margin_V, f.margin_uncertainty_V),
             "allowed": value_html(f.allowed, origin=b.origin, key=f"allowed_{f.product}", form=form)}
            for f in b.feasibility]
    parts.append(table(ctx, rows, f"co2_feasibility_{form}.csv", origin=b.origin,
                       title=f"Thermodynamic feasibility (CB {rounded(b.conduction_band_V_vs_NHE, cb_u)}, VB "
                             f"{rounded(b.valence_band_V_vs_NHE, vb_u)} V vs NHE; CB = E_fb {b.offset_V:+.2f} V; "
                             "VB = CB + Eg is derived, not measured)"))
    parts.append(html_pane(f"<p><small>Couples: {esc(b.couples_source)}.</small></p><p><small>Caveats of HOMO = "
                           "LUMO + Eg:</small></p><ul>" + "".join(f"<li><small>{esc(c)}</small></li>"
                                                                 for c in b.caveats) + "</ul>"))
    return parts


def band_diagram_shared(state: DashboardState, ctx: Context) -> list:
    """Both forms' band edges beside the CO2-reduction potentials (the article's Fig. 5 comparison)."""
    bands = [state.analyses[f].bands for f in FORMS if state.analyses[f].bands is not None]
    if not bands:
        return [note("Band edges unavailable for both forms (see the problems above).", kind="problem")]
    return [pn.pane.Markdown("### Band edges of both forms and CO2-reduction potentials (pH 7)", margin=(0, 10)),
            figure(figures.band_diagram_figure(bands), state)]


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return pn.Column(
        FormPanels(state, ctx, [(ds_key("mott_schottky"), mott_schottky_section),
                                (bands_key, bands_section)], "band structure", overlay=overlay),
        SharedPanel(state, ctx, lambda s: (s.svg, s.analyses["sp"].bands, s.analyses["cs"].bands),
                    band_diagram_shared, "band diagram"),
        sizing_mode="stretch_width")
