"""A classroom worksheet on the article's argument, and its answer key computed by the library.

The questions walk from the measurements (band gap, flat band, conductivity, CO2 yields) to the article's
conclusions and to what holds only under an assumption. The answers are computed from the data in use (the
reconstructions by default, a teacher's own files when registered), so the key stays true when the code or the
data change. Numbers the article prints are read from the registry; differences of them are ours (derived).

>>> [q.id for q in QUESTIONS][:3]
['band_gap_difference', 'conduction_bands', 'co_only_on_cs']
"""

from __future__ import annotations

from dataclasses import dataclass

from ti10cu2_lib.data.registry import Registry, default_registry
from ti10cu2_lib.report.overview import FormAnalysis, analyse_form
from ti10cu2_lib.report.sensitivity import band_offset_scan


@dataclass(frozen=True)
class Question:
    """One question: where to look (dashboard tab / notebook) and a hint."""

    id: str
    text: str
    where: str
    hint: str


@dataclass(frozen=True)
class Answer:
    """The computed answer to a question: one paragraph and the numbers behind it."""

    id: str
    text: str
    values: dict


QUESTIONS: tuple[Question, ...] = (
    Question("band_gap_difference", "How much wider is the optical band gap of cs than that of sp, and is the "
             "difference larger than the uncertainty of the Tauc analysis?", "Optical tab; notebook 05",
             "Compare the two Eg values and their uncertainties (the Overview's sp vs cs table does it)."),
    Question("conduction_bands", "Where are the conduction bands of the two forms (V vs NHE), taking CB = E_fb "
             "as the article does?", "Band structure tab; notebook 06",
             "The flat band is measured vs Ag/AgCl and converted to NHE (+0.197 V)."),
    Question("co_only_on_cs", "Which form can reduce CO2 to CO (−0.53 V vs NHE at pH 7)? Does the answer survive "
             "if the CB lies 0.1 V above the flat band, as is common for n-type semiconductors?",
             "Band structure tab; notebook 06 (CB offset slider)",
             "More negative than the couple means reducing enough."),
    Question("conductivity_ratio", "By what factor does cs conduct better than sp? Why do the two raw I–V sweeps "
             "look alike?", "Conductivity tab (J vs E); notebook 07", "σ = G·L/A: look at the assumed L and A."),
    Question("ch4_claim", "Which form gives more CH4 after 4 h, and which consumes more electrons in total? What "
             "does the article's 'higher efficacy of CO2 reduction to CH4' for cs rest on?",
             "CO2 & photocurrent tab; notebook 08", "Count 8 e⁻ per CH4 and 2 e⁻ per CO."),
    Question("molar_mass_difference", "The two printed formulas differ by how many g/mol? Which small molecule(s) "
             "would account for it?", "Composition tab; notebook 01", "CH3OH is 32.04 g/mol."),
    Question("provenance", "Which of the numbers on the Overview were measured by the authors and published as "
             "raw data here?", "any tab: the badges", "Hover a badge for its source."),
)


def _analyses(registry: Registry) -> dict[str, FormAnalysis]:
    return {form: analyse_form(form, registry=registry) for form in ("sp", "cs")}


def worksheet_answers(analyses: dict[str, FormAnalysis] | None = None,
                      registry: Registry | None = None) -> list[Answer]:
    """The answer key, computed from ``analyses`` (default: every analysis of both forms on the data in use)."""
    registry = registry or default_registry()
    a = analyses or _analyses(registry)
    sp, cs = a["sp"], a["cs"]
    answers = []

    gap = cs.tauc.band_gap_eV - sp.tauc.band_gap_eV
    unc = (sp.tauc.band_gap_uncertainty_eV ** 2 + cs.tauc.band_gap_uncertainty_eV ** 2) ** 0.5
    printed = registry.value("band_gap", "cs") - registry.value("band_gap", "sp")
    answers.append(Answer("band_gap_difference",
                          f"cs − sp = {gap:.3f} ± {unc:.3f} eV on the data in use (the article's printed gaps give "
                          f"{printed:.2f} eV); the difference is {gap / unc:.0f} times its uncertainty"
                          + (", so it is resolved." if abs(gap) > 3 * unc else ", so it is not resolved."),
                          {"difference_eV": gap, "uncertainty_eV": unc, "printed_difference_eV": printed}))

    cb = {f: x.bands.conduction_band_V_vs_NHE for f, x in a.items()}
    answers.append(Answer("conduction_bands", f"CB(sp) = {cb['sp']:+.2f} V, CB(cs) = {cb['cs']:+.2f} V vs NHE: cs "
                          "lies higher (more negative), i.e. its electrons are more reducing.", {"cb_V": cb}))

    scan = band_offset_scan([sp.bands, cs.bands], offsets_V=(0.0, -0.1), products=("CO",))
    allowed = {(r.form, r.offset_V): r.allowed["CO"] for r in scan.rows}
    at_fb = [f for f in ("sp", "cs") if allowed[(f, 0.0)]]
    shifted = [f for f in ("sp", "cs") if allowed[(f, -0.1)]]
    answers.append(Answer("co_only_on_cs",
                          f"With CB = E_fb only {', '.join(at_fb) or 'neither'} can reduce CO2 to CO; with CB = E_fb "
                          f"− 0.1 V: {', '.join(shifted) or 'neither'}. "
                          + ("The 'CO only on cs' argument holds only under the article's assumption CB = E_fb."
                             if set(shifted) != set(at_fb) else "The verdict does not depend on that assumption."),
                          {"allowed_at_flat_band": at_fb, "allowed_with_0.1_V_offset": shifted}))

    ratio = cs.conductivity.conductivity_S_per_m / sp.conductivity.conductivity_S_per_m
    g_ratio = cs.conductivity.conductance_S / sp.conductivity.conductance_S
    answers.append(Answer("conductivity_ratio",
                          f"σ(cs)/σ(sp) = {ratio:.1f} on the data in use (printed values: "
                          f"{registry.value('conductivity', 'cs') / registry.value('conductivity', 'sp'):.1f}); the "
                          f"conductances differ by only {g_ratio:.2f}×: the ratio lives in the crystals' L/A, which "
                          "the article does not give (our reconstructions assume them).",
                          {"sigma_ratio": ratio, "conductance_ratio": g_ratio}))

    ch4 = {f: x.co2.products["CH4"].final_yield_umol_per_g for f, x in a.items()}
    electrons = {f: x.co2.total_electrons_umol_per_g for f, x in a.items()}
    answers.append(Answer("ch4_claim",
                          f"CH4 after 4 h: sp {ch4['sp']:.1f}, cs {ch4['cs']:.1f} µmol/g — "
                          f"{max(ch4, key=ch4.get)} makes more. Electrons consumed: sp {electrons['sp']:.0f}, cs "
                          f"{electrons['cs']:.0f} µmol e⁻/g — {max(electrons, key=electrons.get)} uses more (CO "
                          "counts 2 e⁻, CH4 8 e⁻). "
                          + ("'Higher efficacy of CO2 reduction to CH4' for cs is not supported by the CH4 yield "
                             "itself; only the total electron count favours cs (the conclusion says 'to CO')."
                             if ch4["cs"] < ch4["sp"] else "The CH4 yield itself favours cs, as the article says."),
                          {"ch4_umol_per_g": ch4, "electrons_umol_per_g": electrons}))

    dm = sp.composition.molar_mass_g_per_mol - cs.composition.molar_mass_g_per_mol
    answers.append(Answer("molar_mass_difference",
                          f"{dm:.1f} g/mol ≈ {dm / 32.04:.2f} × CH3OH: the cs repeat unit has 2 OMe and 2 H fewer, "
                          "i.e. two methanol equivalents (the text speaks of one lost terminal –OMe: ambiguous).",
                          {"difference_g_per_mol": dm}))

    kinds = sorted({ds.origin.provenance.value for x in a.values() for ds in x.datasets.values()})
    answers.append(Answer("provenance",
                          f"None of the raw data are the authors': the datasets in use are {', '.join(kinds)}. Every "
                          "number computed from them is badged 'computed from …' that provenance; only the article's "
                          "printed values are 'reported'.", {"dataset_provenances": kinds}))
    return answers
