"""Structure tab: the cluster as the article's text describes it (an illustrative diagram of its building units),
then each form's crystal structure — deposited, uploaded or, by default, a public COD demo (sp: a 0D cluster
crystal, cs: a 1D chain; red "NOT the article's structure" banner) — with summary, 3D view (a 2D projection in the
static export), bonds, angles, contacts and coordination beside what the article reports, and a CIF upload."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import figures_structure
from ti10cu2_lib.present.badges import badge
from ti10cu2_lib.structure.schematic import DEMO_FOR_FORM
from ti10cu2_lib.structure.schematic_core import READINGS, core_schematic

from ..components import (
    Context,
    Html,
    bundle_banner,
    esc,
    figure,
    form_header,
    handle_drop,
    html_pane,
    no_structure_message,
    note,
    reported_html,
    table,
)
from ..panels import FormPanels
from ..state import FORM_LABELS, DashboardState
from ..structures import DEMO_AUTO, StructureBundle, demo_cifs, demo_label
from ..uploads import UPLOAD_LIMIT_TEXT

TITLE = "Structure"


#: the article's structural numbers: one row each, in this order, for both forms (side by side, the rows line up;
#: a number the article gives for one form only says so on the other)
REPORTED_STRUCTURE_IDS = ("space_group", "n_sal", "n_mu2_o", "n_mu3_o", "cu_coordination_number", "cu_o_min",
                          "cu_o_max", "cu_o_mean", "cu_o_ome_1", "cu_o_ome_2", "cu_o_linker_ooc", "cu_o_linker_ome",
                          "cu_o_c_angle_1", "cu_o_c_angle_2", "plane_angle_ab", "plane_angle_ac")


def reported_structure_rows(form: str) -> list[dict]:
    """The article's structural numbers for ``form`` as printed, rows in :data:`REPORTED_STRUCTURE_IDS` order (the
    row label is the same for both forms; a form's own wording, if different, is in the notes)."""
    registry = default_registry()
    rows = []
    for id in REPORTED_STRUCTURE_IDS:
        entries = {}
        for f in ("sp", "cs"):
            try:
                entries[f] = registry.get(id, f)
            except KeyError:
                continue
        if not entries:
            continue
        label = next(iter(entries.values())).quantity
        entry = entries.get(form)
        if entry is None:
            other = next(iter(entries))
            rows.append({"quantity": label, "article": Html("—"),
                         "notes": f"the article gives this for {FORM_LABELS[other]} only"})
            continue
        notes = "; ".join(n for n in (entry.quantity if entry.quantity != label else "", entry.notes) if n)
        rows.append({"quantity": label, "article": reported_html(id, form), "notes": notes})
    return rows


def cif_dropper(state: DashboardState, form: str, ctx: Context) -> pn.viewable.Viewable:
    if ctx.static:
        return note("Upload needs the live dashboard (`make serve`); this is a static export.")
    dropper = pn.widgets.FileDropper(label=f"Drop a CIF for {form}", multiple=False, max_file_size=UPLOAD_LIMIT_TEXT
                                     .replace(" ", ""), layout="compact", width=420,
                                     css_classes=["ti-cif-dropper"], tags=[f"cif-{form}"])

    handle_drop(dropper, lambda name, data: state.upload_cif_async(form, name, data))
    return pn.Column(pn.pane.Markdown(f"Upload a CIF for {FORM_LABELS[form]} (this session only, ≤ "
                                      f"{UPLOAD_LIMIT_TEXT}; read as text, never executed):"), dropper)


def shown_key(state: DashboardState, form: str) -> tuple:
    """The structure shown for ``form`` (the demo choice is already in it: choosing another demo for both forms
    leaves a form whose structure stays the same, and its 3D view, untouched)."""
    return (state.svg, state.structures.get(form))


def core_key(state: DashboardState, form: str) -> tuple:
    return (state.svg,)


def core_section(state: DashboardState, form: str, ctx: Context) -> list:
    """The cluster's building units as the text names them (illustrative), in both readings of the μ3-O count."""
    parts: list[Any] = [form_header(form)]
    first = core_schematic(form, "formula")
    counts = {reading: core_schematic(form, reading).bridging_oxygen() for reading in READINGS}
    modes = first.ligand_binding_modes()
    metals = first.metals()
    parts.append(html_pane(
        f"<p style='margin:4px 0'><b>The cluster as the article's text describes it</b> {badge(first.origin)}<br>"
        "<small>A diagram of the building units the main text names — not atom positions (those are only in the "
        "authors' CIF). Hover a node for what the text says about it.</small></p>"))
    holder = pn.Column(figure(figures_structure.core_schematic_figure(first), state), sizing_mode="stretch_width")
    if not ctx.static:
        choice = pn.widgets.RadioButtonGroup(options={"μ3-O as in the formula (2)": "formula",
                                                      "μ3-O as in the sentence (2 per {Ti4} = 4)": "text"},
                                             value="formula", color="light", css_classes=["ti-core-reading"])
        choice.param.watch(lambda event: setattr(holder, "objects", [figure(
            figures_structure.core_schematic_figure(core_schematic(form, event.new)), state)]), "value")
        parts.append(choice)
    parts.append(holder)
    rows = [{"item": "metals (counted on the diagram)", "value": ", ".join(f"{k} {v}" for k, v in metals.items())},
            *[{"item": f"bridging O, reading '{r}'", "value": f"{c['mu3_O']} μ3-O + {c['mu2_O']} μ2-O = "
                                                              f"{c['oxo_total']} oxo O"} for r, c in counts.items()],
            *[{"item": f"sal²⁻: {mode}", "value": n} for mode, n in modes.items()],
            {"item": "Cu–OMe / terminal –OMe lost / hinges", "value": f"{first.count('OMe')} / "
                                                                     f"{first.count('OMe_lost')} / "
                                                                     f"{first.count('hinge')}"}]
    parts.append(table(ctx, [{**r, "provenance": first.origin} for r in rows], f"cluster_schematic_{form}.csv",
                       title="Counted on the diagram"))
    parts.append(html_pane("<details><summary><small>readings and what the diagram leaves open</small></summary><ul>"
                           + "".join(f"<li><small>{esc(n)}</small></li>" for n in first.notes) + "</ul></details>"))
    return parts


def structure_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    parts: list[Any] = [html_pane(f"<h4 style='margin:10px 0 2px 0'>Crystal structure shown for "
                                  f"{esc(FORM_LABELS[form])}</h4>")]
    reported = table(ctx, reported_structure_rows(form), f"structure_reported_{form}.csv",
                     title="What the article reports (text; full tables only in the ESI)")
    if bundle is None:
        parts += [note(no_structure_message(form)), cif_dropper(state, form, ctx), reported]
        return parts
    if bundle.is_demo:
        parts.append(note(no_structure_message(form).replace(
            "Until then the article's reported numbers are shown.",
            "Until then the article's reported numbers are shown, and a public demo structure below them.")))
        parts += [reported, cif_dropper(state, form, ctx)]
    parts.append(bundle_banner(bundle))
    for step, problem in bundle.problems.items():
        parts.append(note(f"{step}: {problem}", kind="problem"))
    st, anat = bundle.structure, bundle.anatomy
    if st is None or anat is None:
        return parts if bundle.is_demo else [*parts, cif_dropper(state, form, ctx), reported]
    parts.append(viewer_pane(bundle, ctx, state))
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


def viewer_pane(bundle: StructureBundle, ctx: Context, state: DashboardState) -> pn.viewable.Viewable:
    """The offline 3D viewer (NGL, served by the app itself) for the bundle's structure; in the static export a 2D
    projection of the cell's contents instead."""
    if ctx.static:
        fig = figures_structure.structure_projection_figure(bundle.structure, label=bundle.filename,
                                                            origin=bundle.origin)
        return pn.Column(pn.pane.Markdown("The cell's contents seen down c (the live dashboard, `make serve`, draws "
                                          "them in 3D).", margin=(0, 10)),
                         figure(fig, state), sizing_mode="stretch_width")
    from ti10cu2_lib.present.viewer3d import StructureViewer, structure_view

    if not StructureViewer.available:
        return note("3D viewer unavailable: its JavaScript (NGL) is not installed. Run `make vendor` "
                    "(python -m ti10cu2_lib.present._vendor) once while the npm registry is reachable.", kind="problem")
    view = structure_view(bundle.structure, height=420, title=bundle.label)
    return pn.Column(pn.pane.Markdown("Left drag rotates, wheel zooms, right drag moves; hover an atom for its "
                                      "label. Ti green, Cu blue, O red, C grey; cell edges a red, b green, c blue.",
                                      margin=(0, 10)), view, sizing_mode="stretch_width")


def demo_controls(state: DashboardState, ctx: Context) -> pn.viewable.Viewable | None:
    """Which public COD demo stands in where a form has no structure (live only; data/demo/)."""
    names = demo_cifs()
    if not names or ctx.static:
        return None

    def short(name: str) -> str:
        return demo_label(name).split(":")[0].replace("DEMO — ", "")

    auto = ("each form its own: " + ", ".join(f"{f} → {short(n)}" for f, n in DEMO_FOR_FORM.items() if n in names))
    options = {auto: DEMO_AUTO, **{f"{short(n)} for both forms": n for n in names}, "no demo": ""}
    select = pn.widgets.Select(label="Demo on public COD structures (NOT the article's structures)",
                               options=options, value=state.demo, width=440, css_classes=["ti-demo-select"])
    select.param.watch(lambda event: state.set_demo(event.new), "value")
    return pn.Column(select, pn.pane.Markdown(
        "Shown only where a form has no structure of its own (a deposited or uploaded CIF replaces it), with a red "
        "DEMO banner; never used in the claims check.", margin=(0, 10)))


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    demo = demo_controls(state, ctx)
    return pn.Column(*([demo] if demo is not None else []),
                     FormPanels(state, ctx, [(core_key, core_section), (shown_key, structure_section)],
                                "structure"),
                     sizing_mode="stretch_width")
