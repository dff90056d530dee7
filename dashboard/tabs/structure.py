"""Structure tab: each form's crystal structure (deposited, uploaded or demo) — summary, 3D view, bonds, angles,
contacts, coordination — beside what the article reports, with a CIF upload and the optional COD demo."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.registry import default_registry

from ..components import (
    Context,
    bundle_banner,
    form_header,
    handle_drop,
    no_structure_message,
    note,
    table,
    value_html,
)
from ..panels import FormPanels, structure_key
from ..state import FORM_LABELS, UPLOAD_LIMIT_TEXT, DashboardState, StructureBundle, demo_cifs, demo_label

TITLE = "Structure"


def reported_structure_rows(form: str) -> list[dict]:
    ids = ("space_group", "cu_o_min", "cu_o_max", "cu_o_mean", "cu_o_ome_1", "cu_o_ome_2", "cu_o_linker_ooc",
           "cu_o_linker_ome", "cu_o_c_angle_1", "cu_o_c_angle_2", "plane_angle_ab", "plane_angle_ac",
           "cu_coordination_number", "n_mu2_o", "n_mu3_o", "n_sal")
    rows = []
    for entry in default_registry().values:
        if entry.id in ids and entry.applies_to(form):
            rows.append({"quantity": entry.quantity, "article": value_html(entry.value, origin=entry.origin,
                                                                            unit=entry.unit, key=entry.id,
                                                                            form=form),
                         "notes": entry.notes})
    return rows


def cif_dropper(state: DashboardState, form: str, ctx: Context) -> pn.viewable.Viewable:
    if ctx.static:
        return note("Upload needs the live dashboard (`make serve`); this is a static export.")
    dropper = pn.widgets.FileDropper(label=f"Drop a CIF for {form}", multiple=False, max_file_size=UPLOAD_LIMIT_TEXT
                                     .replace(" ", ""), layout="compact", width=420,
                                     css_classes=["ti-cif-dropper"], tags=[f"cif-{form}"])

    handle_drop(dropper, lambda name, data: state.upload_cif(form, name, data))
    return pn.Column(pn.pane.Markdown(f"Upload a CIF for {FORM_LABELS[form]} (this session only, ≤ "
                                      f"{UPLOAD_LIMIT_TEXT}; read as text, never executed):"), dropper)


def structure_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    parts: list[Any] = [form_header(form)]
    reported = table(ctx, reported_structure_rows(form), f"structure_reported_{form}.csv",
                     title="What the article reports (text; full tables only in the ESI)")
    if bundle is None:
        parts += [note(no_structure_message(form)), cif_dropper(state, form, ctx), reported]
        return parts
    parts.append(bundle_banner(bundle))
    for step, problem in bundle.problems.items():
        parts.append(note(f"{step}: {problem}", kind="problem"))
    st, anat = bundle.structure, bundle.anatomy
    if st is None or anat is None:
        return [*parts, cif_dropper(state, form, ctx), reported]
    parts.append(viewer_pane(bundle, ctx))
    summary = anat.summary()
    cell = summary["cell"]
    match = bundle.form_match
    derived = Origin(Provenance.COMPUTED, f"structure summary of {bundle.label}", derived_from=(bundle.origin,))
    rows = [
        {"quantity": "block", "value": summary["block"], "provenance": bundle.origin},
        {"quantity": "space group", "value": f"{summary['space_group']} (No. {summary['space_group_number']})",
         "provenance": bundle.origin},
        {"quantity": "cell a, b, c (Å)", "value": f"{cell['a']:.4f}, {cell['b']:.4f}, {cell['c']:.4f}",
         "provenance": bundle.origin},
        {"quantity": "cell α, β, γ (°)", "value": f"{cell['alpha']:.3f}, {cell['beta']:.3f}, {cell['gamma']:.3f}",
         "provenance": bundle.origin},
        {"quantity": "formula (CIF / from sites)", "value": f"{summary['formula_sum'] or '—'} / "
                                                            f"{summary['formula_from_sites']}",
         "provenance": derived},
        {"quantity": "Z, atoms in the cell", "value": f"{summary['z']}, {summary['n_atoms_cell']}",
         "provenance": derived},
        {"quantity": "dimensionality (bond network)", "value": f"{summary['dimensionality']}D",
         "provenance": anat.topology.origin},
        {"quantity": "{Ti10Cu2} form recognised", "value": (match.form or "neither sp nor cs") if match else "—",
         "provenance": derived},
    ]
    parts.append(table(ctx, rows, f"structure_summary_{form}.csv", title="Summary"))
    comps = [{"formula": k.formula, "dimensionality": f"{k.dimensionality}D", "atoms": k.n_atoms,
              "per cell": k.count_per_cell,
              "propagation": (f"[{' '.join(map(str, k.propagation))}] {k.propagation_length:.3f} Å"
                              if k.propagation else ""),
              "links per repeat": k.links_per_repeat or "", "provenance": anat.topology.origin}
             for k in anat.topology.classes]
    parts.append(table(ctx, comps, f"components_{form}.csv", title="Chains and molecules (connected components)"))
    bonds = [{**b.row(), "provenance": anat.bonds.origin} for b in anat.bonds.unique()]
    parts.append(table(ctx, bonds, f"bonds_{form}.csv", title=f"Bonds ({anat.bonds.rule})", collapsed=True))
    long_contacts = [{**b.row(), "provenance": anat.bonds.origin} for b in anat.bonds.unique_long_contacts()]
    if long_contacts:
        parts.append(table(ctx, long_contacts, f"long_contacts_{form}.csv",
                           title="Long metal···O/N contacts (Jahn–Teller; not counted as bonds)", collapsed=True))
    for angle_set in bundle.angles:
        angle_rows = [{"atom 1": f"{a.label1}@{a.symop1}", "centre": a.centre, "atom 3": f"{a.label3}@{a.symop3}",
                       "angle (°)": round(a.angle, 2), "provenance": angle_set.origin} for a in angle_set.angles]
        parts.append(table(ctx, angle_rows, f"angles_{angle_set.centre}_{form}.csv",
                           title=f"Angles at {angle_set.centre} (long contacts included)", collapsed=True))
    contacts = [{"donor": c.donor, "H": c.hydrogen, "ring": c.ring, "H···Cg (Å)": round(c.h_cg, 3),
                 "X–H···Cg (°)": round(c.x_h_cg_angle, 1), "γ (°)": round(c.gamma, 1), "relation": c.relation,
                 "provenance": anat.contacts.origin} for c in anat.contacts.contacts]
    parts.append(table(ctx, contacts, f"ch_pi_contacts_{form}.csv",
                       title=f"C–H···π contacts ({anat.contacts.criteria})", collapsed=True,
                       origin=anat.contacts.origin))
    coordination = [{"metal": m.label, "CN": m.coordination_number, "CN with long contacts":
                     m.coordination_number_with_long,
                     "donors": " ".join(f"{d.label}{'' if d.symop == '1_555' else '@' + d.symop}:{d.distance:.3f}"
                                        + ("*" if d.long_contact else "") for d in m.donors),
                     "provenance": anat.coordination.origin} for m in anat.coordination.metals]
    parts.append(table(ctx, coordination, f"coordination_{form}.csv",
                       title="Metal coordination (* long contact)"))
    if not bundle.is_demo:
        parts.append(reported)
    if bundle.role != "user":
        parts.append(cif_dropper(state, form, ctx))
    return parts


def viewer_pane(bundle: StructureBundle, ctx: Context) -> pn.viewable.Viewable:
    """The offline 3D viewer (NGL, served by the app itself) for the bundle's structure."""
    if ctx.static:
        return note("The 3D view needs the live dashboard (`make serve`); it is not part of the static export.")
    from ti10cu2_lib.present.viewer3d import StructureViewer, structure_view

    if not StructureViewer.available:
        return note("3D viewer unavailable: its JavaScript (NGL) is not installed. Run `make vendor` "
                    "(python -m ti10cu2_lib.present._vendor) once while the npm registry is reachable.", kind="problem")
    view = structure_view(bundle.structure, height=420, width=620, title=bundle.label)
    return pn.Column(pn.pane.Markdown("Left drag rotates, wheel zooms, right drag moves; hover an atom for its "
                                      "label. Ti green, Cu blue, O red, C grey; cell edges a red, b green, c blue.",
                                      margin=(0, 10)), view, sizing_mode="stretch_width")


def demo_controls(state: DashboardState, ctx: Context) -> pn.viewable.Viewable | None:
    """Offer the COD demo only when the public reference CIFs are present (never in CI)."""
    names = demo_cifs()
    if not names:
        return None
    if ctx.static:
        return None
    options = {"no demo": "", **{demo_label(n).split(":")[0].replace("DEMO — ", ""): n for n in names}}
    select = pn.widgets.Select(label="Demo on a public COD structure (NOT the article's structure)",
                               options=options, value=state.demo, width=520, css_classes=["ti-demo-select"])
    select.param.watch(lambda event: state.set_demo(event.new), "value")
    return pn.Column(select, pn.pane.Markdown(
        "Shown only where a form has no structure of its own, with a red DEMO banner; never used in the claims "
        "check.", margin=(0, 10)))


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    demo = demo_controls(state, ctx)
    return pn.Column(*([demo] if demo is not None else []),
                     FormPanels(state, ctx, [(structure_key, structure_section)], "structure"),
                     sizing_mode="stretch_width")
