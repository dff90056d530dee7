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
# # 1 · Synthesis and composition of the two {Ti10Cu2} forms
#
# Meng, Feng, Jiang, Zhan, *Inorg. Chem. Front.* 2023, **10**, 5694 — (Ti10Cu2)sp ("hard-sphere-like packing") and
# (Ti10Cu2)cs ("chain stacking").
#
# This notebook reads the synthesis conditions and the two printed formulas from the project's registry of reported
# values, and lets the library derive what follows from a formula alone: sum formula, charge balance, molar mass,
# elemental analysis and the oxide residue a TGA run should end at.
#
# **Every number below carries a provenance badge** (hover it for the exact source). The authors' raw data and
# CIFs are not available to us; what each badge means:

# %%
from IPython.display import display

from ti10cu2_lib.analysis.composition import composition, composition_of, parse_formula  # noqa: F401 (Try it)
from ti10cu2_lib.analysis.tga import analyse_tga
from ti10cu2_lib.core.paths import example_file
from ti10cu2_lib.data.readers import read_dataset
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.report.claims import check_claims
from ti10cu2_lib.report.sensitivity import solvent_loss_scan

registry = default_registry()
FORMS = ("sp", "cs")
p.provenance_legend()

# %% [markdown]
# ## Synthesis, as the article reports it
#
# Both forms come from the same solvothermal reaction; the article says cs forms "by increasing the concentration of
# the starting materials" and gives the amounts only in the ESI (Fig. S1–S3), which we do not have.

# %%
p.join_md(p.reported_md("synthesis_temperature", label="solvothermal temperature"),
          p.reported_md("synthesis_time", label="reaction time"),
          p.reported_md("synthesis_temperature", notes=False))

# %% [markdown]
# The last line repeats the registry entry with its full wording, which names the reagents (salicylic acid,
# Ti(O<sup>i</sup>Pr)4, CuCl2·2H2O) and the solvent.
#
# ## The two formulas
#
# The article prints one formula per form. For cs it is the repeat unit of a 1D polymer. Read the note under the cs
# formula: the text says cs "lost a terminal –OMe", yet the two formulas differ by two OMe and two H.

# %%
p.join_md(*(p.reported_md("formula", form, label=f"formula ({form})") for form in FORMS))

# %% [markdown]
# The claims check records this as *ambiguous in the article*, with both readings (one –OMe per linker hinge, two
# per cluster as the formula says; or literally one per cluster, which the cs formula does not match):

# %%
ome = next(c for c in check_claims() if c.id == "cs_lost_terminal_ome")
p.Md(f"**{ome.status}** — {ome.computed}. {ome.note}")

# %% [markdown]
# ## What follows from a formula
#
# `composition_of(form, registry)` parses the printed formula (sal = salicylate dianion C7H4O3; the μ-descriptors
# add no atoms), writes the sum formula in Hill order, adds up IUPAC standard atomic weights, balances formal
# charges (H⁺, Ti(IV), Cu(II) against O²⁻, sal²⁻, OMe⁻) and computes the residue of complete combustion in air
# (TiO2 + CuO). The article prints no sum formula and no molar mass: the registry's values were derived by us from
# the printed formula (`reported_basis = "derived"`, badge *derived from reported* — never the green *reported*);
# the library recomputes them here.

# %%
comps = {form: composition_of(form, registry) for form in FORMS}
rows = []
for form, c in comps.items():
    rows += [
        p.Row("sum formula", c.sum_formula, "", c.origin, form=form),
        p.Row("molar mass", c.molar_mass_g_per_mol, "g/mol", c.origin, form=form),
        p.Row("total formal charge", c.charge_balance.total_charge, "e", c.origin, form=form,
              note="neutral" if c.charge_balance.neutral else "NOT neutral"),
        p.Row(f"oxide residue ({c.residue_oxides})", c.tga_residue_percent, "%", c.origin, form=form),
        p.Row("molar mass in the registry", registry.value("molar_mass", form), "g/mol",
              registry.get("molar_mass", form).origin, form=form,
              note="derived by us from the printed formula"),
    ]
display(p.style_provenance(p.results_table(rows, fmt="{:.2f}").drop(columns="source")))
p.style_provenance(p.registry_table(ids=["formula", "sum_formula", "molar_mass"])[
    ["id", "form", "value", "reported_basis", "provenance", "derivation"]])

# %% [markdown]
# ### Charge balance, term by term
#
# Each component of the printed formula with its formal charge × count (in e). Both formulas come out neutral, which
# is what makes the H count of the printed formulas meaningful: the protons balance the anions.

# %%
p.results_table([p.Row(f"{species} (count × charge)", charge, "e", comps[form].origin, form=form)
                 for form in FORMS for species, charge in comps[form].charge_balance.contributions.items()])[
    ["form", "quantity", "value", "provenance"]]

# %% [markdown]
# ### Elemental analysis (theoretical mass %)
#
# What a CHN analysis of a pure, solvent-free sample should give. The article reports no elemental analysis in the
# main text, so there is nothing to compare with: these are predictions.

# %%
elemental = p.results_table([p.Row(f"{element} (mass %)", value, "%", comps[form].origin, form=form)
                             for form in FORMS for element, value in comps[form].mass_percent.items()], fmt="{:.2f}")
display(p.Md(f"Theoretical mass % {p.badge(comps['sp'].origin)} (atomic weights: {comps['sp'].atomic_weights})"))
elemental.pivot(index="quantity", columns="form", values="value")[list(FORMS)]

# %% [markdown]
# ## TGA: theoretical residue versus the reported "continuous mass loss"
#
# The article reports only words for the TGA (Fig. S17–S18): continuous mass loss from room temperature to the
# temperature below (coordinated solvent), then decomposition. No mass losses, no residue.

# %%
p.join_md(p.reported_md("tga_solvent_loss_end"),
          *(p.value_md(f"oxide residue expected for {form} ({comps[form].residue_oxides}, combustion in air)",
                       comps[form].tga_residue_percent, "% of the initial mass", origin=comps[form].origin,
                       fmt="{:.1f}", source=False) for form in FORMS))

# %% [markdown]
# A mass loss before decomposition means the crystals held solvent beyond the formula. How much methanol (the
# synthesis solvent) per cluster would produce which loss, and how it would lower the residue, follows from the
# formula alone — `solvent_loss_scan` tabulates it. A measured curve could then be read against this table.

# %%
for form in FORMS:
    scan = solvent_loss_scan(comps[form], (0, 1, 2, 4, 8))
    display(p.Md(f"**{form}** {p.badge(scan.origin)}"), scan.frame())

# %% [markdown]
# ## Try it
#
# *Load your own TGA curve* (two columns `temperature_C,mass_percent`, or a headed CSV/TXT). Set `MY_TGA` to its path
# and run the cell. `analyse_tga` finds the steps from the DTG, reads the residue at the hottest point and compares
# it with both formulas' oxide residues.
#
# **Expected observation:** for a sample burnt in air, the residue should sit a little *below* the dry formula's
# oxide residue (solvent adds mass that leaves no oxide); the table then tells you how many CH3OH per cluster that
# corresponds to. A residue *above* it points to an incomplete combustion (e.g. under N2) rather than to less solvent.
#
# Also try `composition("sp", "[H6Ti10Cu2(μ2-O)6(μ3-O)2(sal)8(OCH3)17]", origin)` (one OMe removed, with `origin`
# any Origin, e.g. `registry.get("formula", "sp").origin`) and look at `.charge_balance`: the formula is no longer
# neutral — which is why losing "a terminal –OMe" must go with another change (the cs formula also has fewer H).
#
# And compare the two molar masses in the table above with `parse_formula("CH3OH")`: the sp formula is exactly the cs
# repeat unit plus two methanol molecules.

# %%
# the classroom example (synthetic: sp holding 2 CH3OH per cluster) until you set your own file
MY_TGA = example_file("tga_sp_2MeOH.csv")  # or e.g. "my_tga_sp.csv"
tga = analyse_tga(read_dataset(MY_TGA, "tga", form="sp"), comps)
display(p.value_md("residue", tga.residue_percent, "%", origin=tga.origin, fmt="{:.2f}"))
display(p.results_table([p.Row(f"CH3OH per cluster lost below {tga.solvent_loss_end_C:g} °C ({c.form} formula)",
                               c.loss_below_solvent_end_methanol_equivalents, "", tga.origin)
                         for c in tga.comparisons], fmt="{:.1f}"))
