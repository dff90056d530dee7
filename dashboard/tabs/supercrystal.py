"""Supercrystal tab: how the clusters (sp) or chain repeat units (cs) pack, and the BFDH crystal habit."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.present import figures_structure
from ti10cu2_lib.present.badges import badge

from ..components import Context, bundle_banner, esc, figure, form_header, html_pane, no_structure_message, note, table
from ..panels import FormPanels, structure_key
from ..state import DashboardState

TITLE = "Supercrystal"


HABIT_REPORTED = {
    "sp": "yellow block crystals; hexagonal superlattice with ABAB close packing of the clusters (Fig. S4)",
    "cs": "micrometre-sized rod-like supercrystals; chains stacked parallel in the cell, highly anisotropic",
}


def supercrystal_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    article = Origin(Provenance.REPORTED, "article, main text (crystal habit and packing; Fig. S4)")
    parts: list[Any] = [form_header(form), html_pane(f"<p>Article: {esc(HABIT_REPORTED[form])} {badge(article)}</p>")]
    if bundle is None or bundle.anatomy is None:
        return [*parts, note(no_structure_message(form).split(" Until")[0] + " The packing and BFDH habit need a "
                             "structure (Structure tab).")]
    parts.append(bundle_banner(bundle))
    pk, st = bundle.anatomy.packing, bundle.structure
    rows = [{"quantity": "packing unit", "value": f"{pk.unit_formula} ({pk.unit_dimensionality}D)",
             "provenance": pk.origin},
            {"quantity": "units per cell", "value": pk.n_units_cell, "provenance": pk.origin},
            {"quantity": "nearest centroid distance (Å)", "value": pk.nearest_distance, "provenance": pk.origin},
            {"quantity": "stacking", "value": pk.stacking.description if pk.stacking else "—",
             "provenance": pk.origin},
            {"quantity": "packing coefficient", "value": f"{pk.packing_coefficient:.3f} ± "
                                                         f"{pk.packing_coefficient_se:.3f}", "provenance": pk.origin}]
    parts.append(table(ctx, rows, f"packing_{form}.csv", title="Packing of the clusters / chain repeat units"))
    if pk.unit_dimensionality <= 1 and pk.centroids_frac:
        parts.append(figure(figures_structure.centroid_figure(pk, st, label=bundle.filename), state))
        if pk.shells:
            parts.append(figure(figures_structure.neighbour_shells_figure(pk, label=bundle.filename), state))
            shells = [{"shell": k + 1, "r (Å)": f"{s.r_min:.2f}–{s.r_max:.2f}", "count": s.count,
                       "cumulative": s.cumulative, "provenance": pk.origin} for k, s in enumerate(pk.shells)]
            parts.append(table(ctx, shells, f"neighbour_shells_{form}.csv", title="Neighbour shells"))
    morph = bundle.morphology
    if morph is not None:
        parts.append(figure(figures_structure.bfdh_forms_figure(morph, label=bundle.filename), state))
        forms_rows = [{"form {hkl}": "{" + " ".join(map(str, f.hkl)) + "}", "d_eff (Å)": round(f.d, 3),
                       "faces": f.multiplicity, "surface share (%)": round(100 * f.area_fraction, 1),
                       "provenance": morph.origin} for f in morph.leading_forms(10)]
        parts.append(table(ctx, forms_rows, f"bfdh_{form}.csv",
                           title=f"BFDH habit: {morph.habit}, L1/L3 = {morph.aspect_ratio:.2f}"))
    return parts


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(structure_key, supercrystal_section)], "supercrystal")
