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
# # 8 · CO2 photoreduction and photocurrent
#
# The article irradiates both forms under CO2 (Fig. 5c,d): cs gives CH4 and CO, sp gives CH4 only; it reports the
# yields after the last irradiation time and makes three worded claims about them. A transient photocurrent of cs
# (Fig. S24) is described only in words.
#
# The time courses are **reconstructed** from the reported end-point yields (linear growth is an assumption, listed
# below); the photocurrent traces are **illustrative** — invented shapes, because the article gives no number at all.

# %%
import panel as pn
from IPython.display import display

from ti10cu2_lib.analysis.photocatalysis import ELECTRONS_PER_MOLECULE, analyse_co2_timecourse
from ti10cu2_lib.core.paths import example_file
from ti10cu2_lib.data.readers import read_dataset
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.present import figures as figs
from ti10cu2_lib.present import numbers as n
from ti10cu2_lib.report.claims import check_claims
from ti10cu2_lib.report.overview import analyse_form

pn.extension(inline=True)
FORMS = ("sp", "cs")
registry = default_registry()
analyses = {form: analyse_form(form) for form in FORMS}

# %% [markdown]
# ## 1. What the article reports

# %%
p.join_md(p.reported_md("irradiation_time"),
          *(p.reported_md(id_, form, label=f"{product} after the last irradiation time ({form})")
            for id_, product in (("ch4_yield_4h", "CH4"), ("co_yield_4h", "CO")) for form in FORMS))

# %%
for form in FORMS:
    display(p.dataset_md(analyses[form].datasets["co2_timecourse"]))

# %% [markdown]
# ## 2. Time courses, rates and electron-based selectivity
#
# Rate = slope of yield against time (least squares through the origin: nothing forms before the light is on).
# Every product consumes a known number of electrons per molecule; summing nₑ × yield gives the electrons that went
# into CO2 reduction, and each product's share of them is its electron-based selectivity. Beside each fitted rate
# stands the endpoint average (final yield / final time); when a line through the origin does not describe the
# course (lack-of-fit F test against a quadratic, or the two rates differing by more than 10 %) a warning says so
# (induction period or saturation).

# %%
display(p.Md("Electrons per molecule: " + ", ".join(f"{k} {v}" for k, v in ELECTRONS_PER_MOLECULE.items())))
rows = []
for form in FORMS:
    co2 = analyses[form].co2
    for product, r in co2.products.items():
        rows.append(p.Row(f"{product}: rate", r.rate_umol_per_g_h, "µmol g⁻¹ h⁻¹", co2.origin,
                          uncertainty=r.rate_uncertainty_umol_per_g_h, form=form,
                          note=f"endpoint average {n.rounded(r.average_rate_umol_per_g_h)}; lack-of-fit p = "
                               f"{r.lack_of_fit_p_value:.2g}"))
        rows.append(p.Row(f"{product}: yield at {co2.final_time_h:g} h", r.final_yield_umol_per_g, "µmol/g",
                          co2.origin, form=form))
        rows.append(p.Row(f"{product}: electron-based selectivity", r.electron_selectivity_percent, "%", co2.origin,
                          form=form))
    rows.append(p.Row("electrons consumed (Σ nₑ·yield)", co2.total_electrons_umol_per_g, "µmol e⁻/g", co2.origin,
                      form=form))
display(p.style_provenance(p.results_table(n.rounded_rows(rows)).drop(columns="source")))
display(p.Md("\n".join(f"- **{form}**: {w}" for form in FORMS for w in analyses[form].co2.warnings)
             or "No time course departs from a line through the origin."))

# %%
pn.panel(figs.co2_figure(analyses["cs"].datasets["co2_timecourse"], analyses["cs"].co2)
         + figs.co2_figure(analyses["sp"].datasets["co2_timecourse"], analyses["sp"].co2))

# %% [markdown]
# ## 2b. How much is that per cluster?
#
# A yield in µmol per gram times the molar mass of the cluster (from the formula the article prints) gives molecules
# per cluster over the run; Σ nₑ × yield the same way gives electrons per cluster and, divided by the 10 Ti atoms,
# electrons per Ti.

# %%
rows = []
for form in FORMS:
    co2 = analyses[form].co2
    for product, r in co2.products.items():
        rows.append(p.Row(f"{product} molecules per cluster ({co2.final_time_h:g} h)", r.molecules_per_cluster, "",
                          co2.origin, form=form))
    rows += [p.Row("electrons per cluster", co2.electrons_per_cluster, "", co2.origin, form=form,
                   note=f"M = {n.rounded(co2.cluster_molar_mass_g_per_mol)} g/mol"),
             p.Row("electrons per Ti", co2.electrons_per_ti, "", co2.origin, form=form)]
display(p.style_provenance(p.results_table(n.rounded_rows(rows)).drop(columns="source")))

# %% [markdown]
# **Reading it.** Over the whole run each cluster has passed on about one electron or less and formed about a tenth
# of a CH4 molecule: less than one turnover. At that level the products need not come from CO2 by catalysis at all.
# The carbon could come from the salicylate or methoxide ligands, and the electrons from a one-time reduction of the
# cluster itself. A ¹³CO2 label and an Ar (CO2-free) control would tell these apart, but the article reports neither.
# It also reports no oxidation product and no hole scavenger, so where the electrons came from is open. "No gas
# without light or catalyst" (article) does not exclude either.
#
# ## 3. The claims, checked against the numbers
#
# - **"CO only on cs"** — true of the reported yields; the band-structure explanation is examined in notebook 6.
# - **"(Ti10Cu2)cs … higher efficacy of CO2 reduction to CH4"** — the reported CH4 yields say the *opposite*: sp
#   produced slightly more CH4 than cs. The claim holds only if "efficacy" is read as total electrons used for CO2
#   reduction, where cs's CO tips the balance (and the article's conclusion speaks of "reduction to CO").
# - **Light and catalyst are required** — no control data are given, so this cannot be checked.

# %%
ids = ("ch4_yield_4h", "co_yield_4h", "co_only_on_cs", "ch4_efficacy", "light_and_catalyst_required")
co2_checks = [c for c in check_claims() if c.id in ids]
p.style_provenance(p.claims_table(co2_checks)[["id", "form", "quantity", "reported", "computed", "status",
                                               "data provenance", "note"]])

# %%
p.join_md(*(p.Md(f"> **{c.text}** — <small>{c.source}; {c.notes}</small>") for c in registry.claims
            if c.id in ("ch4_efficacy", "light_and_catalyst_required")))

# %% [markdown]
# ## 4. Transient photocurrent — ILLUSTRATIVE ONLY
#
# **The traces below are not data.** The article shows a photocurrent trace for cs only and describes it in words
# ("rapid rise on light-on, rapid decay on light-off"); no amplitude, time constant or dark current is given. The
# library's default traces are invented shapes so that the analysis (light edges, amplitudes, rise and decay times)
# can be demonstrated; their numbers are labelled `illustrative`, never enter the claims check, and a comparison of
# sp with cs from them is meaningless.

# %%
for form in FORMS:
    display(p.dataset_md(analyses[form].datasets["photocurrent"]))

# %%
pc = analyses["cs"].photocurrent
display(p.join_md(
    p.value_md("light edges found (on/off)", len(pc.edges), "", origin=pc.origin, source=False),
    p.value_md("mean amplitude", pc.mean_amplitude_A, "A", origin=pc.origin, source=False),
    p.value_md("mean rise / decay time constant", (pc.mean_rise_tau_s, pc.mean_decay_tau_s), "s", origin=pc.origin,
               fmt="{:.2f}", source=False),
    p.Md(f"<small>{pc.caveat or ''}</small>")))
pn.panel(figs.photocurrent_figure(analyses["cs"].datasets["photocurrent"], pc))

# %% [markdown]
# ## 5. Interactive: rate model and form

# %%
form_w = pn.widgets.RadioButtonGroup(name="form", options=list(FORMS), value="cs", button_type="primary")
origin_w = pn.widgets.Checkbox(name="rate line through the origin", value=True)


def co2_view(form, through_origin):
    dataset = analyses[form].datasets["co2_timecourse"]
    result = analyse_co2_timecourse(dataset, through_origin=through_origin)
    text = p.join_md(*(p.value_md(f"{product} rate ({form})",
                                  n.rounded(r.rate_umol_per_g_h, r.rate_uncertainty_umol_per_g_h), "µmol g⁻¹ h⁻¹",
                                  origin=result.origin, source=False) for product, r in result.products.items()),
                     p.Md(f"<small>{result.fit}</small>"), *(p.Md(f"⚠ {w}") for w in result.warnings))
    return pn.Column(pn.pane.Markdown(text), figs.co2_figure(dataset, result))


pn.Column(pn.Row(form_w, origin_w), pn.bind(co2_view, form_w, origin_w))

# %% [markdown]
# ## Try it
#
# 1. **Your own GC time course.** A CSV with `time_h` (or `time_min`) and one `<product>_umol_per_g` column per
#    product, e.g. `time_h,CH4_umol_per_g,CO_umol_per_g,H2_umol_per_g`. Set `MY_CO2` below, or register it with
#    `ti10cu2 data add cs co2_timecourse FILE` so that notebook 9 and the dashboard use it. *Expected:* an H2 column
#    enters the electron balance (2 e⁻ per H2) and lowers the CO2-reduction selectivity; a curved time course
#    (deactivation) shows as a rate with intercept that differs from the rate through the origin.
# 2. **The rate checkbox.** *Expected:* on these linear reconstructed courses the two fits agree; on real data with
#    an induction period they do not, and the lack-of-fit warning names it.

# %%
# the classroom example (synthetic, with an invented H2) until you set your own file
MY_CO2 = example_file("co2_cs_with_H2.csv")  # or e.g. "my_gc_cs.csv"
mine = analyse_co2_timecourse(read_dataset(MY_CO2, "co2_timecourse", form="cs"))
display(p.results_table(n.rounded_rows([p.Row(f"{k}: rate", r.rate_umol_per_g_h, "µmol g⁻¹ h⁻¹", mine.origin,
                                             uncertainty=r.rate_uncertainty_umol_per_g_h)
                                       for k, r in mine.products.items()])))
