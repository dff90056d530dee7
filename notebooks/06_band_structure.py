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
# # 6 · Band structure: Mott–Schottky, flat band, band diagram and CO2 reduction
#
# The article measures Mott–Schottky plots at three frequencies (Fig. 5a,b), takes the flat-band potential as the
# LUMO (conduction band) of each form, adds the optical band gap to get the HOMO, and draws band diagrams beside the
# CO2-reduction potentials. Its explanation of why CO forms only on cs rests on this diagram.
#
# The capacitance data are not published: the datasets here are **reconstructed** from the reported flat bands
# (assumptions listed below). They demonstrate the method — and let us test how the *conclusion* depends on two
# conventions the article does not discuss: the reference electrode, and CB = E_fb.

# %%
import panel as pn
from IPython.display import display

from ti10cu2_lib.analysis.band_edges import COUPLES_SOURCE, band_edges, couple
from ti10cu2_lib.analysis.electrodes import REFERENCES, from_nhe, reference_potential_V_vs_NHE, to_nhe
from ti10cu2_lib.analysis.mott_schottky import analyse_mott_schottky  # noqa: F401 (Try it)
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.present import figures as figs
from ti10cu2_lib.present import numbers as n
from ti10cu2_lib.report.claims import check_claims
from ti10cu2_lib.report.overview import analyse_form
from ti10cu2_lib.report.sensitivity import band_offset_scan, reference_electrode_scan

pn.extension(inline=True)
FORMS = ("sp", "cs")
registry = default_registry()
analyses = {form: analyse_form(form) for form in FORMS}
COUPLES = Origin(Provenance.COMPUTED, f"Nernst shift of literature couples: {COUPLES_SOURCE}")

# %% [markdown]
# ## 1. What the article reports

# %%
p.join_md(p.reported_md("ms_frequencies"),
          *(p.reported_md("flat_band", form, label=f"flat band = LUMO ({form})") for form in FORMS),
          *(p.reported_md("homo", form, label=f"HOMO = LUMO + Eg ({form})") for form in FORMS))

# %% [markdown]
# ## 2. Mott–Schottky at three frequencies
#
# 1/C² against the electrode potential is straight in depletion; for an n-type semiconductor the slope is positive
# and the line meets the axis at the flat-band potential (the kT/e term is dropped, as usual and as in the article).
# The library finds the linear region automatically at each frequency and converts the intercept from the
# measurement reference to NHE. A stable intercept over the frequencies is the usual sign that the flat band is
# meaningful: the library flags a flat band that drifts with frequency by more than twice the combined uncertainty
# of two frequencies. A bare "Ag/AgCl" is read as saturated KCl (+0.197 V vs NHE) with a warning; give e.g.
# "Ag/AgCl (3 M KCl)" (+0.210 V) when the filling is known.

# %%
for form in FORMS:
    display(p.dataset_md(analyses[form].datasets["mott_schottky"]))

# %%
rows = []
for form in FORMS:
    ms = analyses[form].mott_schottky
    for fit in ms.frequencies:
        rows.append(p.Row(f"{fit.frequency_Hz:g} Hz: E_fb", fit.flat_band_V_vs_NHE, "V vs NHE", ms.origin,
                          uncertainty=fit.flat_band_uncertainty_V, form=form,
                          note=f"intercept {fit.intercept_V:+.3f} V vs {ms.reference_electrode}; window "
                               f"{fit.fit_window_V[0]:+.2f}…{fit.fit_window_V[1]:+.2f} V; R² {fit.r_squared:.4f}; "
                               f"{fit.carrier_type}-type"))
    rows.append(p.Row("E_fb, mean of the frequencies", ms.flat_band_V_vs_NHE, "V vs NHE", ms.origin,
                      uncertainty=ms.flat_band_uncertainty_V, form=form, note="larger of spread and fit error"))
    rows.append(p.Row("flat-band drift over the frequencies", n.uncertainty_text(ms.frequency_drift_V), "V",
                      ms.origin, form=form, note="beyond 2 × its uncertainty: E_fb uncertain by at least the drift"
                      if ms.frequency_drift_significant else "within 2 × its uncertainty"))
p.style_provenance(p.results_table(n.rounded_rows(rows)).drop(columns="source"))

# %%
pn.panel(figs.mott_schottky_figure(analyses["cs"].datasets["mott_schottky"], analyses["cs"].mott_schottky)
         + figs.mott_schottky_figure(analyses["sp"].datasets["mott_schottky"], analyses["sp"].mott_schottky))

# %% [markdown]
# ## 3. Reference electrodes
#
# Potentials are only comparable on one scale. The article gives its values vs NHE but does not name the reference
# it measured against. The same flat bands on the other usual scales (RHE at pH 7):

# %%
rows = []
for form in FORMS:
    entry = registry.get("flat_band", form)
    for reference in REFERENCES:
        ph = 7.0 if reference == "RHE" else None
        converted = computed_from(entry.origin, method=f"conversion NHE → {reference}")
        rows.append(p.Row(f"reported E_fb vs {reference}", from_nhe(entry.value, reference, ph), f"V vs {reference}",
                          converted, form=form,
                          note=f"E_ref = {reference_potential_V_vs_NHE(reference, ph):+.3f} V vs NHE"))
p.results_table(rows, fmt="{:+.3f}").drop(columns="source")

# %% [markdown]
# And the other way round: if the (reconstructed) capacitance data had been measured against another reference than
# the one recorded with them, the flat band on the NHE scale would move by the difference of the reference
# potentials. `reference_electrode_scan` reruns the whole analysis for each assumption:

# %%
for form in FORMS:
    scan = reference_electrode_scan(analyses[form].datasets["mott_schottky"])
    display(p.Md(f"**{form}** (recorded reference: {scan.recorded_reference}) {p.badge(scan.origin)}"),
            n.rounded_frame(scan.frame()))

# %% [markdown]
# ## 4. Band diagram and CO2-reduction potentials
#
# CB = E_fb (the article's convention), VB = CB + Eg, against the CO2-reduction couples at pH 7 (more negative = up).
# A product is thermodynamically allowed when the CB lies above (more negative than) its couple. HOMO = LUMO + Eg is
# *derived*, not measured, and carries these caveats:

# %%
bands = [analyses[form].bands for form in FORMS]
display(p.Md("\n".join(f"- {caveat}" for caveat in bands[0].caveats)))
pn.panel(figs.band_diagram_figure(bands))

# %%
rows = []
for b in bands:
    for f in b.feasibility:
        if f.direction == "reduction" and f.product != "CO2•−":
            rows.append(p.Row(f"{f.reaction}: margin E_couple − CB", f.margin_V, "V", b.origin,
                              uncertainty=f.margin_uncertainty_V, form=b.form,
                              note="allowed" if f.allowed else "NOT allowed"))
p.style_provenance(p.results_table(n.rounded_rows(rows)).drop(columns="source"))

# %% [markdown]
# ## 5. Why CO only on cs — and what that rests on
#
# The article: CO appears only on cs because its LUMO is negative enough for CO2 → CO and that of sp is not. The
# claims check evaluates this on the article's own numbers:

# %%
co_claim = [c for c in check_claims() if c.id == "co_only_on_cs"]
p.style_provenance(p.claims_table(co_claim)[["quantity", "computed", "status", "data provenance", "note"]])

# %% [markdown]
# The margin for sp is small and it hinges on **CB = E_fb**. For n-type semiconductors the conduction band is
# commonly placed 0.1–0.2 V *above* (more negative than) the flat band. `band_offset_scan` recomputes the
# feasibility for both offsets:

# %%
offsets = band_offset_scan(bands, offsets_V=(0.0, -0.1, -0.2), products=("CO", "HCOOH", "H2", "CH4"))
display(p.value_md("CO2/CO at pH 7", couple("CO").potential_V_vs_NHE(), "V vs NHE", origin=COUPLES, fmt="{:+.2f}"),
        p.Md(f"Offset scan {p.badge(offsets.origin)}"))
n.rounded_frame(offsets.frame())

# %% [markdown]
# **Reading it.** With the article's convention only cs reaches CO2/CO; with either usual offset sp reaches it as
# well, and the thermodynamic argument no longer separates the two forms. The difference in CO formation may still
# be real — kinetics, adsorption, charge transport — but the band positions alone do not explain it.
#
# ## 6. Interactive band diagram
#
# Move the CB offset and the pH; the diagram and the CO verdict follow.

# %%
offset_w = pn.widgets.FloatSlider(name="CB − E_fb (V)", start=-0.3, end=0.1, step=0.01, value=0.0)
ph_w = pn.widgets.FloatSlider(name="pH", start=0.0, end=14.0, step=0.5, value=7.0)


def diagram(offset, ph):
    shifted = [band_edges(a.mott_schottky.flat_band_V_vs_NHE, a.tauc.band_gap_eV,
                          flat_band_origin=a.mott_schottky.origin, band_gap_origin=a.tauc.origin, offset_V=offset,
                          pH=ph, form=form) for form, a in analyses.items()]
    co = {b.form: next(f for f in b.feasibility if f.product == "CO").allowed for b in shifted}
    verdicts = ", ".join(f"{form}: CO {'allowed' if ok else 'not allowed'}" for form, ok in co.items())
    return pn.Column(pn.pane.Markdown(f"**{verdicts}** {p.badge(shifted[0].origin)}"),
                     figs.band_diagram_figure(shifted))


pn.Column(pn.Row(offset_w, ph_w), pn.bind(diagram, offset_w, ph_w))

# %% [markdown]
# ## Try it
#
# 1. **Swap the reference electrode.** The cell below takes the reported sp flat band as a reading vs Ag/AgCl and
#    converts it back to NHE as if it had been read vs SCE (`to_nhe(reading, "SCE")`). Change `"SCE"` to `"NHE"` or
#    `"RHE"`. For your own data: `ti10cu2 data add cs mott_schottky FILE --reference SCE`, then
#    `analyse_mott_schottky(dataset)` uses that reference.
#    *Expected:* SCE instead of Ag/AgCl moves every potential by the difference of the two reference potentials (a
#    few tens of mV) — the CO verdict survives; declaring Ag/AgCl data to be "vs NHE" moves them by about two tenths
#    of a volt, enough to change it.
# 2. **The CB offset slider** at −0.1 V. *Expected:* "sp: CO allowed".
# 3. **The pH slider.** *Expected:* all proton-coupled couples move together (−0.059 V per pH unit) while the band
#    edges, measured at one pH, stay: the verdicts change at extreme pH — a reminder that the diagram holds for the
#    pH of the experiment.

# %%
SWAP_TO = "SCE"
entry = registry.get("flat_band", "sp")
reading = from_nhe(entry.value, "Ag/AgCl")
converted = computed_from(entry.origin, method=f"reference conversion (Ag/AgCl reading taken vs {SWAP_TO})")
p.join_md(p.value_md("sp flat band as a reading vs Ag/AgCl", reading, "V vs Ag/AgCl", origin=converted,
                     fmt="{:+.3f}", source=False),
          p.value_md(f"the same reading taken vs {SWAP_TO}", to_nhe(reading, SWAP_TO, 7.0), "V vs NHE",
                     origin=converted, fmt="{:+.3f}", source=False),
          p.value_md("CO2/CO at pH 7 (CO allowed when the CB is more negative)", couple("CO").potential_V_vs_NHE(),
                     "V vs NHE", origin=COUPLES, fmt="{:+.2f}", source=False))
