# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3 · Supercrystals: molecules (0D) versus chains (1D)
#
# The article's central structural claim: in sp the clusters are separate molecules that pack "as hard spheres" into
# hexagonal, ABAB close-packed superlattices and grow as **block** crystals; in cs each cluster has lost a terminal
# –OMe and is linked to its neighbours by Sal–Cu bridges into **1D chains**, stacked in parallel, growing as
# micrometre-sized **rods**. C–H···π contacts between –OMe and salicylate rings are said to hold both together.
#
# First, what the words alone determine: **schematic supercrystals** (illustrative) — equal spheres of the cluster's
# estimated size in hexagonal close packing (sp), and spheres linked by two hinges each into parallel chains (cs) —
# measured by the same packing code that measures a CIF. Then four analyses turn the words into checkable numbers, all
# from a CIF:
#
# | claim | analysis | library |
# |---|---|---|
# | 0D vs 1D | components across periodic images: dimensionality, propagation, linking bonds | `structure.topology` |
# | hard-sphere packing | centroids of the units, neighbour shells, packing coefficient | `structure.packing` |
# | C–H···π | H···Cg and the angle to the ring normal (PLATON criteria) | `structure.contacts` |
# | block vs rod | BFDH morphology from cell and space group | `structure.morphology` |
#
# Without the deposited CIFs (notebook 2) they run here on public-domain COD structures shipped in `data/demo/` —
# **not the article's**: for sp a **molecular** Ti4 oxo-alkoxide cluster (0D), for cs Ru2 paddlewheels and Co
# phthalocyanines linked by cyanide into **chains** (1D), each unit with two links — the 0D/1D contrast of sp/cs.

# %%
import holoviews as hv
import panel as pn
from IPython.display import display

from ti10cu2_lib.core.paths import reference_data_dir
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data import datasets
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.present import figures_structure as fs
from ti10cu2_lib.present import nglview_widget as ngl
from ti10cu2_lib.structure.cif import load_cif
from ti10cu2_lib.structure.contacts import DEFAULT_MAX_GAMMA, DEFAULT_MAX_H_CG, ch_pi_contacts
from ti10cu2_lib.structure.morphology import NEEDLE_THRESHOLD, PLATE_THRESHOLD, bfdh, bfdh_from_cif
from ti10cu2_lib.structure.packing import supercrystal_descriptors
from ti10cu2_lib.structure.report import anatomy
from ti10cu2_lib.structure.schematic import DEMO_DIR, DEMO_FOR_FORM, schematic_supercrystal

pn.extension(inline=True)
FORMS = ("sp", "cs")

# %% [markdown]
# ## Schematic supercrystals: what the words alone determine (illustrative)
#
# Each cluster becomes a sphere whose diameter follows from the formula (about 18 Å³ per non-H atom in a molecular
# crystal, of which close-packed spheres fill 74 %); sp puts the spheres in hexagonal close packing (ABAB), cs links
# each sphere to its two neighbours through a hinge into parallel chains. Everything the text does not say (cell, chain
# registry, cluster shape) is a stated assumption, printed below. The descriptors come from the **same packing code**
# as those of a real CIF further down — so the schematic also tests that code, and a deposited CIF can be read
# against it. Never evidence: the claims check does not see it.

# %%
models = {form: schematic_supercrystal(form) for form in FORMS}


def chain_text(d):
    return "—" if d.chain_axis is None else f"[{' '.join(map(str, d.chain_axis))}]; {d.links_per_unit}"


display(p.results_table([
    p.Row(f"({form}) {label}", value, unit, m.descriptors.origin, form=form)
    for form, m in models.items()
    for label, value, unit in (
        ("cluster diameter (estimated from the formula)", f"{m.size.diameter_nm:.2f}", "nm"),
        ("dimensionality", f"{m.descriptors.dimensionality}D", ""),
        ("centroids in the first shell", f"{m.descriptors.coordination_number:g}", ""),
        ("close packing (common-neighbour analysis)", m.descriptors.stacking or "not close-packed", ""),
        ("chain axis [u v w]; links per cluster", chain_text(m.descriptors), ""),
        ("sphere packing fraction", f"{m.packing_fraction:.3f}", ""))])[["quantity", "value", "unit", "provenance"]])
display(p.Md("Assumptions beyond the text:\n\n" + "\n".join(f"- **{form}**: " + "; ".join(m.assumptions[2:])
                                                           for form, m in models.items())))

# %% [markdown]
# **sp / cs toggle** — the 3D view of the chosen form's schematic (nglview; left drag rotates, wheel zooms), with the
# provenance badge and the one-sentence caption above it. sp: layers A (dark) and B (light) alternate up the stacking
# axis; cs: columns of spheres joined by blue hinges. The toggle switches in the browser, so it also works in the
# offline book of executed notebooks.

# %%
ngl.form_toggle({form: ngl.nglview_widget(models[form]) for form in FORMS})

# %% [markdown]
# The same two schematics as flat pictures (side view and the view down the stacking or chain axis):

# %%
pn.panel(hv.Layout([fs.schematic_supercrystal_figure(m) for m in models.values()]).cols(2))

# %% [markdown]
# ## The structures: deposited, or the public demos

# %%
REF = reference_data_dir()
deposited = {form: datasets.deposited_structure(form) for form in FORMS}
cifs = {}
for form, found in deposited.items():
    if found is not None:
        cifs[f"({form}) deposited"] = (found[0], found[1] or None, found[2])
    else:
        path = DEMO_DIR / DEMO_FOR_FORM[form]
        what = "Ti4 alkoxide, 0D (COD 7050234)" if form == "sp" else "Ru2/Co cyanide chain, 1D (COD 1518798)"
        cifs[f"({form}) DEMO {what}"] = (path, None, Origin(
            Provenance.ILLUSTRATIVE, f"DEMO — public COD structure {path.name} (data/demo), NOT the article's "
                                     "structure"))
if not any(deposited.values()):
    print("No deposited CIF imported: the sp/cs structures cannot be analysed here (see notebook 2, section 1). "
          "The same analyses run on the public demo structures (NOT the article's).")
structures = {name: load_cif(path, block, origin=origin) for name, (path, block, origin) in cifs.items()}
results = {name: anatomy(st, mc_points=20_000) for name, st in structures.items()}

# %% [markdown]
# **Schematic beside structure.** The same descriptors of each form's schematic and of the structure shown for it:

# %%
rows = []
for name, found in results.items():
    form = name[1:3]
    d = supercrystal_descriptors(found.structure, found.topology, found.packing)
    s = models[form].descriptors
    for label, get in (("dimensionality", lambda x: f"{x.dimensionality}D"),
                       ("centroids in the first shell", lambda x: f"{x.coordination_number:g}"),
                       ("close packing", lambda x: x.stacking or "not close-packed"),
                       ("chain axis [u v w]; links per unit", chain_text)):
        rows.append(p.Row(f"{name}: {label}", get(d), "", d.origin, note=f"schematic: {get(s)} (illustrative)"))
p.results_table(rows)[["quantity", "value", "provenance", "note"]]

# %% [markdown]
# ## 0D or 1D? Connected components across the periodic lattice
#
# Atoms are bonded by the covalent-radius rule; a component that closes a loop with a net lattice translation
# repeats along it. No such loop: a molecule (0D). One independent translation: a chain (1D), with a propagation
# vector [u v w] and the *linking bonds* that join one repeat unit to the next — for cs these would be the Sal–Cu
# bridges.

# %%
rows = []
for name, found in results.items():
    for c in found.topology.classes:
        rows.append(p.Row(f"{name}: {c.formula} ×{c.count_per_cell}/cell", f"{c.dimensionality}D", "",
                          found.topology.origin,
                          note="" if c.dimensionality != 1 else
                          f"propagates along [{' '.join(map(str, c.propagation))}], "
                          f"period {c.propagation_length:.3f} Å, "
                          f"{c.links_per_repeat} linking bonds per repeat: "
                          + ", ".join(f"{b['label1']}–{b['label2']}@{b['symop']} {b['distance']:.3f} Å"
                                      for b in c.linking_bonds)))
p.results_table(rows)[["quantity", "value", "provenance", "note"]]

# %% [markdown]
# ## Packing of the units: centroids and neighbour shells
#
# Each packing unit (a molecule, or one repeat unit of a chain) is reduced to its centroid. Equal spheres in
# closest packing have 12 neighbours in the first shell (ABAB = hcp, ABCABC = fcc); a hexagonal layer shows 6
# neighbours in-plane. Seen down the stacking direction (the shortest lattice vector), units that stack on top of
# each other collapse onto one point, so the plot shows the 2D arrangement of the stacks.

# %%
for name, found in results.items():
    pk = found.packing
    display(p.join_md(
        p.Md(f"**{name}**: {pk.stacking.description if pk.stacking else ''}"),
        p.value_md("nearest centroid–centroid distance", pk.nearest_distance, "Å", origin=pk.origin, fmt="{:.2f}",
                   source=False),
        p.value_md("neighbours per shell (cumulative Σ), first four shells",
                   ", ".join(f"{s.count:g} at {s.mean:.2f} Å (Σ {s.cumulative:g})" for s in pk.shells[:4]), "",
                   origin=pk.origin, source=False),
        p.value_md("packing coefficient (Kitaigorodskii)", pk.packing_coefficient, "", origin=pk.origin,
                   uncertainty=pk.packing_coefficient_se, fmt="{:.3f}", source=False)))

# %%
layout = [fs.centroid_figure(found.packing, found.structure, label=name) for name, found in results.items()]
layout += [fs.neighbour_shells_figure(found.packing, label=name) for name, found in results.items()]
pn.panel(hv.Layout(layout).cols(2)) if layout else None

# %% [markdown]
# ## C–H···π contacts
#
# The PLATON criteria: H···Cg below a maximum distance and the angle between Cg→H and the ring normal below a maximum
# angle (both printed with the result); each contact is labelled intra- or inter-molecular (-chain) from the
# components above — the article's sp contacts are *inter*-cluster, the cs ones *intra*-chain.

# %%
for name, found in results.items():
    c = found.contacts
    display(p.Md(f"**{name}**: {len(c.contacts)} contact(s) {p.badge(c.origin)} — <small>{c.criteria}</small>"))
    if c.contacts:
        display(p.results_table([p.Row(f"{x.donor}–{x.hydrogen}···{x.ring}", x.h_cg, "Å", c.origin,
                                       note=f"γ {x.gamma:.1f}°, X–H···Cg {x.x_h_cg_angle:.1f}°, {x.relation}")
                                 for x in c.contacts], fmt="{:.3f}"))

# %% [markdown]
# Neither demo structure has a C–H···π contact by PLATON's criteria (the Ti4 alkoxide has no aromatic ring at all; in
# the Ru2/Co chain the search, which takes six-membered carbon rings as in salicylate, finds one ring per repeat unit
# and no C–H meeting the criteria). To see what a found contact looks like, here is a third public structure (a Ag/Fe
# framework, COD 4111132, read from the reference data when present) with the distance criterion **relaxed** beyond
# PLATON's — clearly not the convention, only a demonstration of the output.

# %%
if REF is not None:
    mof = load_cif(REF / "cif" / "COD_4111132_AgFe_MOF_large_cell.cif")
    relaxed = ch_pi_contacts(mof, max_h_cg=DEFAULT_MAX_H_CG + 0.4, max_gamma=DEFAULT_MAX_GAMMA)
    display(p.Md(f"**COD 4111132**, {len(relaxed.contacts)} contact(s) {p.badge(relaxed.origin)} — "
                 f"<small>{relaxed.criteria} (**relaxed**, PLATON uses {DEFAULT_MAX_H_CG:g} Å)</small>"))
    display(p.results_table([p.Row(f"{x.donor}–{x.hydrogen}···{x.ring}", x.h_cg, "Å", relaxed.origin,
                                   note=f"γ {x.gamma:.1f}°, X–H···Cg {x.x_h_cg_angle:.1f}°, H-perp {x.h_perp:.2f} Å, "
                                        f"{x.relation}") for x in relaxed.contacts], fmt="{:.3f}"))

# %% [markdown]
# ## Morphology: block or rod? (BFDH)
#
# The Bravais–Friedel–Donnay–Harker rule predicts a habit from the cell and space group alone: faces with large
# interplanar spacing d grow slowly and dominate. The habit is classed from the extents L1 ≥ L2 ≥ L3 of the BFDH
# polyhedron (rod when L1/L2 reaches a threshold, plate when L2/L3 does; printed below).
#
# Note what BFDH does *not* see: bonds. A 1D coordination polymer does not automatically give a rod-like BFDH habit —
# the Ru2/Co chain below comes out block-like: its chains run along c, the shortest axis, but the tetragonal cell is
# nearly isometric (a = b = 17.4 Å, c = 13.0 Å). Whether the cs cell predicts the reported rods is a question for the
# deposited CIF.

# %%
morph = {name: bfdh_from_cif(path, block=block) for name, (path, block, _) in cifs.items()}
display(p.Md(f"Habit thresholds: rod when L1/L2 ≥ {NEEDLE_THRESHOLD:g}, plate when L2/L3 ≥ {PLATE_THRESHOLD:g}."))
display(p.results_table([p.Row(f"{name}: habit (L1/L2, L2/L3)", (m.habit, m.elongation, m.flatness), "", m.origin)
                         for name, m in morph.items()], fmt="{:.2f}")[["quantity", "value", "provenance"]])
pn.panel(hv.Layout([fs.habit_extents_figure(morph)] + [fs.bfdh_forms_figure(m, label=n) for n, m in morph.items()]
                   ).cols(1)) if morph else None

# %% [markdown]
# ## Interactive: pick a structure and a viewing direction
#
# The centroid lattice seen down any lattice direction [u v w]; looking down the chain axis of a 1D structure shows
# the chains end-on.

# %%
if results:
    pick = pn.widgets.Select(name="structure", options=list(results))
    u, v, w = (pn.widgets.IntInput(name=axis, value=value, start=-3, end=3, width=70)
               for axis, value in (("u", 1), ("v", 0), ("w", 0)))

    def centroids(name, u, v, w):
        if (u, v, w) == (0, 0, 0):
            return pn.pane.Alert("[0 0 0] is not a direction", alert_type="warning")
        found = results[name]
        return pn.panel(fs.centroid_figure(found.packing, found.structure, along=(u, v, w), label=name))

    display(pn.Column(pn.Row(pick, u, v, w), pn.bind(centroids, pick, u, v, w)))

# %% [markdown]
# ## Try it
#
# 1. **A rod from the cell.** Run `bfdh((4.0, 15.0, 16.0, 90, 95, 90), "P 1 21/c 1")` — an invented cell with one
#    short axis. *Expected:* `habit` becomes "needle/rod-like" and the longest principal axis points along a: the
#    shortest cell axis is the fastest-growing direction. Compare with the block-like Ru2/Co chain above.
# 2. **Stricter or looser contacts.** Call `ch_pi_contacts(structures[name], max_h_cg=2.8)` on any structure.
#    *Expected:* contacts disappear one by one as the criterion tightens; none of them is "the" C–H···π, the count
#    is a function of the criterion.
# 3. **Your own CIF** in `cifs` (a path, block None, origin None): every table and figure follows.

# %%
example = bfdh((4.0, 15.0, 16.0, 90, 95, 90), "P 1 21/c 1")
p.Md(f"Invented cell (illustrative, not a measured structure): **{example.habit}**, "
     f"L1/L2 = {example.elongation:.2f}, longest axis [uvw] ≈ "
     f"{[round(x, 2) for x in example.principal_axes_uvw[0]]} {p.badge('illustrative')}")
