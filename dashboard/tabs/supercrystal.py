"""Supercrystal tab: how the clusters (sp) or chain repeat units (cs) pack, and the BFDH crystal habit.

Per form: the schematic supercrystal built from the article's words (illustrative: hexagonal close packing of
spheres for sp, parallel chains of hinged spheres for cs; a 3D view live, a 2D picture in the static export), its
descriptors measured by the same packing code as a real CIF, set beside those of the structure shown (the public
demo by default, the deposited or uploaded CIF when there is one), then that structure's packing and BFDH habit.
"""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.present import figures_structure
from ti10cu2_lib.present.badges import badge
from ti10cu2_lib.structure.packing import SupercrystalDescriptors, supercrystal_descriptors
from ti10cu2_lib.structure.schematic import SchematicSupercrystal, schematic_supercrystal

from ..components import (
    Context,
    Html,
    bundle_banner,
    esc,
    figure,
    form_header,
    html_pane,
    no_structure_message,
    note,
    table,
    value_html,
)
from ..panels import FormPanels
from ..state import DashboardState
from ..structures import StructureBundle
from .structure import shown_key

TITLE = "Supercrystal"


HABIT_REPORTED = {
    "sp": "yellow block crystals; hexagonal superlattice with ABAB close packing of the clusters (Fig. S4)",
    "cs": "micrometre-sized rod-like supercrystals; chains stacked parallel in the cell, highly anisotropic",
}


def schematic_key(state: DashboardState, form: str) -> tuple:
    return (state.svg,)


def schematic_section(state: DashboardState, form: str, ctx: Context) -> list:
    """The article's words about the packing, and the schematic built from them (illustrative)."""
    article = Origin(Provenance.REPORTED, "article, main text (crystal habit and packing; Fig. S4)")
    model = schematic_supercrystal(form)
    parts: list[Any] = [form_header(form), html_pane(f"<p>Article: {esc(HABIT_REPORTED[form])} {badge(article)}</p>")]
    parts.append(html_pane(
        f"<p style='margin:4px 0' data-schematic='{form}'><b>Schematic from the article's text</b> "
        f"{badge(model.origin)}<br><small>{esc(model.caption)}</small></p>"))
    parts.append(schematic_picture(model, state, ctx))
    parts.append(html_pane("<details><summary><small>assumptions of the schematic</small></summary><ul>"
                           + "".join(f"<li><small>{esc(a)}</small></li>" for a in model.assumptions)
                           + "</ul></details>"))
    return parts


def schematic_picture(model: SchematicSupercrystal, state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    """Live: the 3D view (offline NGL viewer); static export (or no viewer bundle): the side and top views as an
    inline SVG picture."""
    if not ctx.static:
        from ti10cu2_lib.present.viewer3d import StructureViewer, schematic_view

        if StructureViewer.available:
            return pn.Column(pn.pane.Markdown("Left drag rotates, wheel zooms; hover a sphere or hinge for its "
                                              "label. The stacking or chain axis points up.", margin=(0, 10)),
                             schematic_view(model, height=400, caption=False,
                                            css_classes=[f"ti-schematic-{model.form}"]),
                             sizing_mode="stretch_width")
    # a plain SVG picture: Bokeh plots of these equal-scale views came out blank in the exported page's hidden tabs
    return html_pane(figures_structure.schematic_supercrystal_svg(model), css_classes=["ti-schematic-picture"])


def _value(value: Any, origin: Origin, key: str, form: str, fmt: str | None = None, unit: str = "") -> Html:
    if value is None:
        return Html("—")
    return value_html(value, origin=origin, fmt=fmt, unit=unit, key=key, form=form)


def descriptor_rows(model: SchematicSupercrystal, found: SupercrystalDescriptors | None,
                    structure: tuple[float, float, Origin] | None, form: str) -> list[dict]:
    """Rows descriptor | schematic | structure shown: the same descriptors from the same code, side by side.

    ``structure`` is the shown structure's (packing coefficient, its standard error, origin) — a different quantity
    from the schematic's sphere fraction, so it has its own row."""
    s = model.descriptors
    so = s.origin
    fo = found.origin if found is not None else None

    def both(label: str, key: str, get, fmt: str | None = None, unit: str = "") -> dict:
        return {"descriptor": label,
                "schematic": _value(get(s), so, f"schematic:{key}", form, fmt, unit),
                "structure shown": _value(get(found), fo, f"structure:{key}", form, fmt, unit)
                if found is not None else Html("—")}

    def nm(x: float | None) -> float | None:
        return None if x is None else x / 10.0

    rows = [
        both("dimensionality of the packing units", "dimensionality",
             lambda d: None if d.dimensionality is None else f"{d.dimensionality}D"),
        both("units per cell", "units_per_cell", lambda d: d.units_per_cell),
        both("nearest centroid–centroid distance", "nearest", lambda d: nm(d.nearest_distance), "{:.2f}", "nm"),
        both("centroids in the first neighbour shell", "coordination_number", lambda d: d.coordination_number,
             "{:g}"),
        both("close packing (common-neighbour analysis)", "stacking",
             lambda d: (d.close_packing.stacking or "not close-packed") if d.close_packing is not None else None),
        both("chain axis [u v w]", "chain_axis",
             lambda d: None if d.chain_axis is None else "[" + " ".join(map(str, d.chain_axis)) + "]"),
        both("links per unit in the chain", "links_per_unit", lambda d: d.links_per_unit),
        both("nearest neighbouring chain", "interchain",
             lambda d: nm(d.interchain_distances[0]) if d.interchain_distances else None, "{:.2f}", "nm"),
        {"descriptor": "space filled: spheres (schematic) / van der Waals atoms (structure)",
         "schematic": value_html(model.packing_fraction, origin=so, fmt="{:.3f}", key="schematic:packing_fraction",
                                 form=form),
         "structure shown": value_html(structure[0], origin=structure[2], uncertainty=structure[1], fmt="{:.3f}",
                                       key="structure:packing_coefficient", form=form)
         if structure is not None else Html("—")},
    ]
    return rows


def comparison_section(state: DashboardState, form: str, ctx: Context) -> list:
    """The schematic's descriptors beside those of the structure shown, then that structure's packing and habit."""
    bundle = state.structures.get(form)
    model = schematic_supercrystal(form)
    found = None
    pk_numbers = None
    if bundle is not None and bundle.anatomy is not None and bundle.structure is not None:
        anat = bundle.anatomy
        found = supercrystal_descriptors(bundle.structure, anat.topology, anat.packing)
        pk = anat.packing
        pk_numbers = (pk.packing_coefficient, pk.packing_coefficient_se, pk.origin)
    shown = "no structure" if bundle is None else bundle.filename
    parts: list[Any] = [html_pane(
        f"<p style='margin:8px 0 2px 0'><b>The same descriptors, from the same packing code</b>: the schematic "
        f"{badge(model.descriptors.origin)} beside the structure shown ({esc(shown)}"
        f"{' ' + badge(found.origin) if found is not None else ''}).<br><small>The schematic is no evidence: it "
        "shows what the article's words imply, so a deposited or uploaded CIF can be read against it.</small></p>")]
    parts.append(table(ctx, descriptor_rows(model, found, pk_numbers, form), f"supercrystal_descriptors_{form}.csv",
                       title="Supercrystal descriptors: schematic vs structure shown"))
    if bundle is None or bundle.anatomy is None:
        return [*parts, note(no_structure_message(form).split(" Until")[0] + " The packing and BFDH habit need a "
                             "structure (Structure tab).")]
    return parts + packing_parts(state, form, ctx, bundle)


def packing_parts(state: DashboardState, form: str, ctx: Context, bundle: StructureBundle) -> list:
    """The shown structure's packing (centroids, shells) and BFDH habit, under its banner."""
    parts: list[Any] = [bundle_banner(bundle)]
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
    return FormPanels(state, ctx, [(schematic_key, schematic_section), (shown_key, comparison_section)],
                      "supercrystal")
