"""The claims check: every reported number and worded claim against what our code computes.

Status vocabulary (honest by design):

- ``reproduced`` / ``not reproduced`` — computed from **user or deposited** data; agrees / disagrees within tolerance.
- ``consistent by construction`` — computed from **reconstructed** data, which our forward model made from this very
  number: the agreement demonstrates the method and is not evidence.
- ``consistent (arithmetic)`` / ``inconsistent`` — follows (or fails to follow) from other reported numbers.
- ``derived from printed values — arithmetic only`` — the article does not print this value; we derived it (sum
  formula, molar mass, …) and our code derives it again: our arithmetic against our own, not a check of the article.
- ``holds only under an assumption`` — the article's numbers support the claim only under an assumption the note names
  (e.g. CB = E_fb for ``co_only_on_cs``).
- ``ambiguous in the article`` — the article's own statements admit more than one reading (both recorded).
- ``needs deposited CIF`` — a structural number; import the authors' CIF to compute it.
- ``not checkable`` — the article gives no data to check it against.
- ``recorded`` — text or conditions (formula as printed, CCDC numbers, synthesis conditions): nothing to compute.

Every row says whether the article prints its reported value (``reported_basis = "printed"``) or we derived it
(``"derived"``), and names its place in the article.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ti10cu2_lib.analysis.band_edges import couple, feasibility_table
from ti10cu2_lib.analysis.photocatalysis import total_electrons_umol_per_g
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.core.rounding import format_with_uncertainty, uncertainty_text
from ti10cu2_lib.data.registry import Claim, Registry, ReportedValue, default_registry
from ti10cu2_lib.report.overview import FormAnalysis, analyse_form
from ti10cu2_lib.structure.reported_geometry import StructuralNumbers, space_group_number_of


class Status(StrEnum):
    REPRODUCED = "reproduced"
    NOT_REPRODUCED = "not reproduced"
    BY_CONSTRUCTION = "consistent by construction"
    ARITHMETIC = "consistent (arithmetic)"
    DERIVED_ARITHMETIC = "derived from printed values — arithmetic only"
    CONDITIONAL = "holds only under an assumption"
    INCONSISTENT = "inconsistent"
    AMBIGUOUS = "ambiguous in the article"
    NEEDS_CIF = "needs deposited CIF"
    NOT_CHECKABLE = "not checkable"
    RECORDED = "recorded"


#: what each status means for a reader (the legend of the claims table)
STATUS_MEANINGS: dict[Status, str] = {
    Status.REPRODUCED: "computed from user or deposited data, agrees with the article",
    Status.NOT_REPRODUCED: "computed, disagrees (on our own reconstruction: a bug to look at)",
    Status.BY_CONSTRUCTION: "computed from reconstructed data made from this very number: demonstrates the method, "
                            "not evidence",
    Status.ARITHMETIC: "follows from other numbers the article prints",
    Status.DERIVED_ARITHMETIC: "the article does not print this value: we derived it and recomputed it (our "
                               "arithmetic against our own, not a check of the article)",
    Status.CONDITIONAL: "follows from the article's numbers only under an assumption named in the note",
    Status.INCONSISTENT: "contradicted by other numbers the article prints",
    Status.AMBIGUOUS: "the article admits more than one reading (both in the note)",
    Status.NEEDS_CIF: "structural: import the authors' deposited CIF to compute it",
    Status.NOT_CHECKABLE: "no data to check it against (the note says which data would decide it)",
    Status.RECORDED: "text or conditions: nothing to compute",
}


#: a difference is called significant when it exceeds this many combined standard uncertainties
SIGNIFICANCE_SIGMAS = 2.0

#: the usual offset of the conduction-band edge below the Mott–Schottky flat band of an n-type semiconductor (V)
CB_OFFSET_V = (0.1, 0.2)


@dataclass(frozen=True)
class ClaimCheck(Result):
    """One registry entry (or worded claim) for one form, compared with our computation."""

    id: str
    form: str
    quantity: str
    reported: Any
    reported_basis: str  # "printed" (the article prints it) or "derived" (we derived it from printed values)
    unit: str
    computed: Any
    tolerance: float | None
    status: str
    data_provenance: str
    method: str
    note: str
    origin: Origin


@dataclass(frozen=True)
class _Computed:
    value: Any
    origin: Origin
    method: str
    tolerance: float | None = None
    note: str = ""


Checker = Callable[[ReportedValue, FormAnalysis], _Computed | None]


def _status_from_data(origin: Origin, agrees: bool) -> tuple[Status, str]:
    roots = set(origin.root_provenances())
    label = " + ".join(sorted(roots))
    if roots & {Provenance.USER, Provenance.DEPOSITED}:
        return (Status.REPRODUCED if agrees else Status.NOT_REPRODUCED), label
    if roots & {Provenance.RECONSTRUCTED, Provenance.ILLUSTRATIVE}:
        if agrees:
            return Status.BY_CONSTRUCTION, label
        return Status.NOT_REPRODUCED, label  # our own reconstruction disagrees: a bug to look at
    return (Status.ARITHMETIC if agrees else Status.INCONSISTENT), label


def _agrees(reported: Any, computed: Any, tolerance: float | None) -> bool:
    if isinstance(reported, tuple):
        return (isinstance(computed, tuple) and len(reported) == len(computed)
                and all(_agrees(r, c, tolerance) for r, c in zip(reported, computed, strict=True)))
    if isinstance(reported, str) or isinstance(computed, str):
        return str(reported).replace(" ", "") == str(computed).replace(" ", "")
    return abs(float(computed) - float(reported)) <= (tolerance or 0.0) + 1e-12


def _tol(absolute: float, uncertainty: float | None = None) -> float:
    """Tolerance: the larger of an absolute floor and twice the computed uncertainty."""
    return max(absolute, 2.0 * uncertainty) if uncertainty is not None and math.isfinite(uncertainty) else absolute


# ---------------------------------------------------------------- per-entry checkers
def _composition(entry: ReportedValue, a: FormAnalysis) -> _Computed:
    comp = a.composition
    if entry.id == "sum_formula":
        return _Computed(comp.sum_formula, comp.origin, "formula parser (sal = C7H4O3)")
    if entry.id == "molar_mass":
        return _Computed(round(comp.molar_mass_g_per_mol, 2), comp.origin, "IUPAC standard atomic weights", 0.1)
    element = {"n_ti": "Ti", "n_cu": "Cu"}[entry.id]
    atoms = comp.to_dict()["sum_formula"]
    count = int(re.search(rf"{element}(\d*)", atoms).group(1) or 1)
    return _Computed(count, comp.origin, f"{element} atoms in the printed formula", 0)


def _bridging_oxo(entry: ReportedValue, a: FormAnalysis) -> _Computed:
    mu = {"n_mu3_o": 3, "n_mu2_o": 2}[entry.id]
    printed = a.composition.printed_formula
    match = re.search(rf"\(μ{mu}-O\)(\d+)", printed)
    return _Computed(int(match.group(1)) if match else 0, a.composition.origin, f"(μ{mu}-O) count in the formula", 0)


def _n_sal(entry: ReportedValue, a: FormAnalysis) -> _Computed:
    match = re.search(r"\(sal\)(\d+)", a.composition.printed_formula)
    return _Computed(int(match.group(1)), a.composition.origin, "(sal) count in the printed formula", 0)


def _uvvis(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    if a.uvvis is None:
        return None
    target = float(entry.value)
    nearest = min(a.uvvis.peaks_nm, key=lambda p: abs(p - target)) if a.uvvis.peaks_nm else float("nan")
    return _Computed(round(float(nearest), 1), a.uvvis.origin, f"UV-vis band maximum ({a.uvvis.method}) nearest "
                     "to the reported one", 3.0)


def _drs_range(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    drs = a.datasets.get("drs")
    if drs is None:
        return None
    wl = drs.frame["wavelength_nm"]
    return _Computed((round(float(wl.min())), round(float(wl.max()))), drs.origin, "wavelength range of the DRS data",
                     5.0)


def _band_gap(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    if a.tauc is None:
        return None
    t = a.tauc
    return _Computed(round(t.band_gap_eV, 3), t.origin,
                     f"Tauc ({t.transition}, {t.method}) window {t.fit_window_eV[0]:.2f}–{t.fit_window_eV[1]:.2f} eV",
                     _tol(0.02, t.band_gap_uncertainty_eV), f"± {uncertainty_text(t.band_gap_uncertainty_eV)} eV")


def _ms_frequencies(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    ms = a.datasets.get("mott_schottky")
    if ms is None:
        return None
    freqs = tuple(sorted(round(float(f)) for f in ms.frame["frequency_Hz"].unique()))
    return _Computed(freqs, ms.origin, "frequencies present in the Mott–Schottky data", 0.5)


def _flat_band(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    if a.mott_schottky is None:
        return None
    ms = a.mott_schottky
    return _Computed(round(ms.flat_band_V_vs_NHE, 3), ms.origin,
                     f"Mott–Schottky x-intercept, mean of {len(ms.frequencies)} frequencies, "
                     f"{ms.reference_electrode} → NHE", _tol(0.02, ms.flat_band_uncertainty_V),
                     f"± {uncertainty_text(ms.flat_band_uncertainty_V)} V")


def _homo(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    if a.bands is None:
        return None
    b = a.bands
    return _Computed(round(b.valence_band_V_vs_NHE, 3), b.origin, "VB = E_fb + Eg (article's convention, no offset)",
                     _tol(0.03, b.valence_band_uncertainty_V))


def _iv_sweep(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    iv = a.datasets.get("iv")
    if iv is None:
        return None
    v = iv.frame["voltage_V"]
    return _Computed((round(float(v.min()), 3), round(float(v.max()), 3)), iv.origin, "voltage range of the I–V data",
                     0.005)


def _conductivity(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    if a.conductivity is None:
        return None
    c = a.conductivity
    return _Computed(float(f"{c.conductivity_S_per_m:.3g}"), c.origin,
                     f"σ = G·L/A, L = {c.length_mm:g} mm, A = {c.area_mm2:g} mm² (geometry not given in the article)",
                     # the fit alone: the reconstruction used the same assumed geometry, so its ±20 % must not widen
                     # a check of the data against the printed σ
                     _tol(0.05 * float(entry.value), c.conductivity_fit_uncertainty_S_per_m))


def _co2_yield(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    if a.co2 is None:
        return None
    product = {"ch4_yield_4h": "CH4", "co_yield_4h": "CO"}[entry.id]
    found = a.co2.products.get(product)
    value = found.final_yield_umol_per_g if found else 0.0
    return _Computed(round(value, 2), a.co2.origin, f"{product} yield at {a.co2.final_time_h:g} h", 0.5)


def _irradiation_time(entry: ReportedValue, a: FormAnalysis) -> _Computed | None:
    return None if a.co2 is None else _Computed(a.co2.final_time_h, a.co2.origin, "last time of the time course", 0.01)


CHECKERS: dict[str, Checker] = {
    "sum_formula": _composition, "molar_mass": _composition, "n_ti": _composition, "n_cu": _composition,
    "n_mu3_o": _bridging_oxo, "n_mu2_o": _bridging_oxo, "n_sal": _n_sal,
    "uvvis_band_1": _uvvis, "uvvis_band_2": _uvvis, "drs_range": _drs_range, "band_gap": _band_gap,
    "ms_frequencies": _ms_frequencies, "flat_band": _flat_band, "homo": _homo, "iv_sweep": _iv_sweep,
    "conductivity": _conductivity, "ch4_yield_4h": _co2_yield, "co_yield_4h": _co2_yield,
    "irradiation_time": _irradiation_time,
}
DATA_KIND = {"uvvis_band_1": "uvvis_solution", "uvvis_band_2": "uvvis_solution", "drs_range": "drs", "band_gap": "drs",
             "ms_frequencies": "mott_schottky", "flat_band": "mott_schottky", "homo": "drs", "iv_sweep": "iv",
             "conductivity": "iv", "ch4_yield_4h": "co2_timecourse", "co_yield_4h": "co2_timecourse",
             "irradiation_time": "co2_timecourse"}
STRUCTURAL = {"cu_o_min", "cu_o_max", "cu_o_mean", "cu_o_ome_1", "cu_o_ome_2", "cu_o_linker_ooc", "cu_o_linker_ome",
              "cu_o_c_angle_1", "cu_o_c_angle_2", "plane_angle_ab", "plane_angle_ac", "n_mu2_o_ti8",
              "n_sal_core_bridging", "n_sal_ti_cu_ti", "space_group"}
AMBIGUOUS = {
    "n_mu3_o_per_ti4": "two μ3-O per {Ti4} × two {Ti4} = 4, but the formula has (μ3-O)2 per cluster",
    "cu_coordination_number": "'eight-coordinated', yet the sphere is 'defined by three COO− and two CH3O−' (5 O)",
}
NOT_CHECKABLE = {"tga_solvent_loss_end": "the article gives no TGA numbers (mass losses, residue)"}
TEXT_ONLY = {"formula", "ccdc_numbers", "synthesis_temperature", "synthesis_time"}


def _check_entry(entry: ReportedValue, form: str, analysis: FormAnalysis) -> ClaimCheck:
    reported_origin = entry.origin
    base = {"id": entry.id, "form": form, "quantity": entry.quantity, "reported": entry.value,
            "reported_basis": entry.reported_basis, "unit": entry.unit}
    if entry.id in CHECKERS:
        found = CHECKERS[entry.id](entry, analysis)
        if found is None:
            kind = DATA_KIND.get(entry.id, "")
            problem = analysis.problems.get(kind, f"no {kind} data")
            return ClaimCheck(**base, computed=None, tolerance=None, status=Status.NOT_CHECKABLE,
                              data_provenance="none", method="", note=problem, origin=reported_origin)
        status, label = _status_from_data(found.origin, _agrees(entry.value, found.value, found.tolerance))
        if entry.is_derived and status == Status.ARITHMETIC:
            status = Status.DERIVED_ARITHMETIC
        derivation = f"not printed in the article, derived by us: {entry.derivation}" if entry.is_derived else ""
        note = "; ".join(n for n in (found.note, derivation, entry.notes) if n)
        return ClaimCheck(**base, computed=found.value, tolerance=found.tolerance, status=status, data_provenance=label,
                          method=found.method, note=note, origin=found.origin)
    if entry.id in AMBIGUOUS:
        return ClaimCheck(**base, computed=None, tolerance=None, status=Status.AMBIGUOUS, data_provenance="reported",
                          method="", note=AMBIGUOUS[entry.id], origin=reported_origin)
    if entry.id in STRUCTURAL and analysis.structure is not None:
        return _structural_check(entry, base, analysis.structure)
    if entry.id in STRUCTURAL:
        return ClaimCheck(**base, computed=None, tolerance=None, status=Status.NEEDS_CIF, data_provenance="none",
                          method="", note="import the authors' CIF with 'ti10cu2 import-cif FILE'; " + entry.notes,
                          origin=reported_origin)
    if entry.id in NOT_CHECKABLE:
        return ClaimCheck(**base, computed=None, tolerance=None, status=Status.NOT_CHECKABLE, data_provenance="none",
                          method="", note=NOT_CHECKABLE[entry.id], origin=reported_origin)
    return ClaimCheck(**base, computed=None, tolerance=None, status=Status.RECORDED, data_provenance="reported",
                      method="", note=entry.notes, origin=reported_origin)


def _structural_check(entry: ReportedValue, base: dict, numbers: StructuralNumbers) -> ClaimCheck:
    """A geometry number of the article against the imported (deposited) structure."""
    computed: Any = None
    tolerance: float | None = None
    if entry.id == "space_group":
        expected = space_group_number_of(str(entry.value))
        computed, method = numbers.space_group_number, f"space-group number (article: No. {expected})"
        agrees = computed is not None and computed == expected
    elif entry.id in ("cu_o_min", "cu_o_max", "cu_o_mean"):
        value = getattr(numbers, entry.id)
        computed = None if value is None else round(value, 4)
        tolerance, method = 0.002, f"{entry.id[5:]} of {len(numbers.cu_o_distances)} Cu–O distances ≤ 3.0 Å"
        agrees = computed is not None and abs(computed - float(entry.value)) <= tolerance
    else:
        pool, tolerance, what = {
            "cu_o_ome_1": (numbers.cu_o_methoxide_distances, 0.002, "Cu–O(methoxide) distances"),
            "cu_o_ome_2": (numbers.cu_o_methoxide_distances, 0.002, "Cu–O(methoxide) distances"),
            "cu_o_linker_ooc": (numbers.cu_o_distances, 0.002, "Cu–O distances"),
            "cu_o_linker_ome": (numbers.cu_o_distances, 0.002, "Cu–O distances"),
            "cu_o_c_angle_1": (numbers.cu_o_c_angles, 0.05, "Cu–O–C angles"),
            "cu_o_c_angle_2": (numbers.cu_o_c_angles, 0.05, "Cu–O–C angles"),
        }.get(entry.id, ((), None, ""))
        if not what:
            return ClaimCheck(**base, computed=None, tolerance=None, status=Status.NOT_CHECKABLE,
                              data_provenance="deposited", method="",
                              note="which atoms or ligands are meant is shown only in ESI figures: compute it with "
                                   "'ti10cu2 planes' / 'ti10cu2 coordination' on the imported CIF",
                              origin=numbers.origin)
        computed = min(pool, key=lambda v: abs(v - float(entry.value)), default=None)
        computed = None if computed is None else round(computed, 4)
        method = f"closest of {len(pool)} {what} (which one the article means is shown only in the ESI)"
        agrees = computed is not None and abs(computed - float(entry.value)) <= tolerance
    status, label = _status_from_data(numbers.origin, agrees)
    return ClaimCheck(**base, computed=computed, tolerance=tolerance, status=status, data_provenance=label,
                      method=method, note=entry.notes, origin=numbers.origin)


# ---------------------------------------------------------------- cross-form numbers and worded claims
def _pair_check(entry: ReportedValue, computed: float | None, origins: Iterable[Origin], method: str,
                tolerance: float, note: str = "") -> ClaimCheck:
    """A cross-form number of the registry (``entry``) against ours from both forms' data."""
    origins = tuple(origins)
    derivation = f"not printed in the article, derived by us: {entry.derivation}" if entry.is_derived else ""
    base = {"id": entry.id, "form": "both", "quantity": entry.quantity, "reported": entry.value,
            "reported_basis": entry.reported_basis, "unit": entry.unit, "method": method}
    if computed is None:
        return ClaimCheck(**base, computed=None, tolerance=None, status=Status.NOT_CHECKABLE, data_provenance="none",
                          note="; ".join(n for n in ("data for one of the forms could not be analysed", derivation)
                                         if n), origin=entry.origin)
    origin = computed_from(*origins, method=method)
    status, label = _status_from_data(origin, _agrees(entry.value, computed, tolerance))
    return ClaimCheck(**base, computed=computed, tolerance=tolerance, status=status, data_provenance=label,
                      note="; ".join(n for n in (note, derivation) if n), origin=origin)


def _verdict(claim: Claim, holds_reported: bool | None, reported_reading: str, holds_data: bool | None,
             data_origins: Iterable[Origin], data_reading: str, method: str, note: str = "", *, form: str = "both",
             assumption: str = "") -> ClaimCheck:
    """A worded claim: judged on user/deposited data when present, otherwise on the article's own numbers.

    On reconstructed data the data verdict is circular: it is shown in the note and sets the status (``consistent by
    construction``) only when the article prints no numbers for the claim. ``assumption``: the claim follows from
    the article's numbers only if it holds (status ``holds only under an assumption``).
    """
    origins = tuple(data_origins)
    where = f"article: {claim.source}"
    base = {"id": claim.id, "form": form, "quantity": claim.text, "reported": "claim", "reported_basis": "printed",
            "unit": "text", "tolerance": None, "method": method}
    note = "; ".join(n for n in (f"holds only if {assumption}" if assumption else "", note) if n)
    data_origin = computed_from(*origins, method=method) if origins and holds_data is not None else None
    roots = set(data_origin.root_provenances()) if data_origin else set()
    if data_origin and roots & {Provenance.USER, Provenance.DEPOSITED}:
        status, label = _status_from_data(data_origin, holds_data)
        return ClaimCheck(**base, computed=data_reading, status=status, data_provenance=label,
                          note="; ".join(n for n in (f"article's numbers: {reported_reading}", note) if n),
                          origin=data_origin)
    if holds_reported is None and data_origin is not None:
        status, label = _status_from_data(data_origin, holds_data)
        return ClaimCheck(**base, computed=data_reading, status=status, data_provenance=label,
                          note="; ".join(n for n in (f"on our {'+'.join(sorted(roots))} data, made by a forward model: "
                                                     "agreement is by construction, not evidence", reported_reading,
                                                     note) if n), origin=data_origin)
    if holds_reported is None:
        return ClaimCheck(**base, computed=None, status=Status.NOT_CHECKABLE, data_provenance="none", note=note,
                          origin=Origin(Provenance.REPORTED, where))
    extra = f"on the {'+'.join(sorted(roots))} data (circular): {data_reading}" if data_origin else ""
    status = Status.INCONSISTENT if not holds_reported else Status.CONDITIONAL if assumption else Status.ARITHMETIC
    return ClaimCheck(**base, computed=reported_reading, status=status, data_provenance="reported",
                      note="; ".join(n for n in (note, extra) if n),
                      origin=Origin(Provenance.COMPUTED, f"{method}, from the article's own numbers",
                                    derived_from=(Origin(Provenance.REPORTED, where),)))


def _co_allowed(cb_V_vs_NHE: float) -> bool:
    return next(f for f in feasibility_table(cb_V_vs_NHE, cb_V_vs_NHE + 2.0) if f.product == "CO").allowed


def _band_gap_significance(sp: FormAnalysis, cs: FormAnalysis) -> tuple[float, float, bool] | None:
    """Eg(cs) − Eg(sp), its uncertainty from the Tauc results' total uncertainties (eV), and whether |Δ| > 2σ."""
    if sp.tauc is None or cs.tauc is None:
        return None
    diff = cs.tauc.band_gap_eV - sp.tauc.band_gap_eV
    unc = math.hypot(sp.tauc.band_gap_uncertainty_eV, cs.tauc.band_gap_uncertainty_eV)
    return diff, unc, abs(diff) > SIGNIFICANCE_SIGMAS * unc


def _significance_text(diff: float, unc: float, significant: bool) -> str:
    sign = "+" if diff > 0 else ""
    return (f"ΔEg = {sign}{format_with_uncertainty(diff, unc)} eV with the Tauc total uncertainties (fit, window "
            "and method spread): "
            f"{'significant' if significant else 'not significant'} at {SIGNIFICANCE_SIGMAS:g}σ"
            + (f" ({abs(diff) / unc:.1f}σ)" if unc > 0 else ""))


def _cross_checks(registry: Registry, sp: FormAnalysis, cs: FormAnalysis) -> list[ClaimCheck]:
    checks = []
    gap_sp, gap_cs = sp.tauc, cs.tauc
    significance = _band_gap_significance(sp, cs)
    diff = None if significance is None else round(significance[0], 3)
    diff_unc = None if significance is None else significance[1]
    data_kind = "" if significance is None else "+".join(
        sorted({p for g in (gap_sp, gap_cs) for p in g.origin.root_provenances()}))
    significance_note = "" if significance is None else (f"{_significance_text(*significance)} (on the {data_kind} "
                                                          "data; the article prints no uncertainty)")
    checks.append(_pair_check(registry.get("band_gap_difference", "both"), diff,
                              [g.origin for g in (gap_sp, gap_cs) if g], "Eg(cs) − Eg(sp) from the two Tauc fits",
                              _tol(0.03, diff_unc), significance_note))
    c_sp, c_cs = sp.conductivity, cs.conductivity
    ratio = round(c_cs.conductivity_S_per_m / c_sp.conductivity_S_per_m, 2) if c_sp and c_cs else None
    entry = registry.get("conductivity_ratio", "both")
    checks.append(_pair_check(entry, ratio, [c.origin for c in (c_sp, c_cs) if c], "σ(cs)/σ(sp)",
                              0.15 * float(entry.value)))

    sigma = {f: registry.value("conductivity", f) for f in ("sp", "cs")}
    checks.append(_verdict(
        registry.claim("cs_conducts_better"), sigma["cs"] > sigma["sp"],
        f"σ(cs)/σ(sp) = {sigma['cs'] / sigma['sp']:.1f}", None if ratio is None else ratio > 1,
        [c.origin for c in (c_sp, c_cs) if c], f"σ(cs)/σ(sp) = {ratio}", "σ(cs) > σ(sp)",
        "both conductivities rest on crystal dimensions the article does not give"))

    gap = {f: registry.value("band_gap", f) for f in ("sp", "cs")}
    checks.append(_verdict(
        registry.claim("band_gaps_similar"), abs(gap["cs"] - gap["sp"]) < 0.1,
        f"Eg(cs) − Eg(sp) = {gap['cs'] - gap['sp']:.2f} eV", None if significance is None else not significance[2],
        [g.origin for g in (gap_sp, gap_cs) if g], "" if significance is None else _significance_text(*significance),
        "Eg(cs) − Eg(sp) against the Tauc total uncertainty", "the data verdict is statistical: |ΔEg| ≤ "
        f"{SIGNIFICANCE_SIGMAS:g}σ of the Tauc total uncertainties",
        assumption="'not significantly altered' means |ΔEg| < 0.1 eV (the article states neither a criterion nor an "
                   "uncertainty for its band gaps)"))

    fb = {f: registry.value("flat_band", f) for f in ("sp", "cs")}
    bands = (sp.bands, cs.bands)
    holds_data = None if None in bands else (_co_allowed(cs.bands.conduction_band_V_vs_NHE)
                                               and not _co_allowed(sp.bands.conduction_band_V_vs_NHE))
    data_reading = ("" if None in bands else f"CB sp {sp.bands.conduction_band_V_vs_NHE:+.3f}, "
                    f"cs {cs.bands.conduction_band_V_vs_NHE:+.3f} V vs NHE")
    co_V = couple("CO").potential_V_vs_NHE()
    offset_reaches_co = _co_allowed(fb["sp"] - CB_OFFSET_V[0])
    checks.append(_verdict(
        registry.claim("co_only_on_cs"), _co_allowed(fb["cs"]) and not _co_allowed(fb["sp"]),
        f"CB = E_fb: sp {fb['sp']:+.2f}, cs {fb['cs']:+.2f} V vs NHE against CO2/CO {co_V:+.2f} V",
        holds_data, [b.origin for b in bands if b], data_reading, "CO2/CO feasibility at pH 7 from CB = E_fb",
        "what would decide it: a CB position measured independently of the flat band, or a CO analysis on sp with its "
        "detection limit",
        assumption=(f"CB = E_fb (the article's convention); with the usual {CB_OFFSET_V[0]:g}–{CB_OFFSET_V[1]:g} V "
                    f"offset sp's CB ({fb['sp'] - CB_OFFSET_V[0]:+.2f}…{fb['sp'] - CB_OFFSET_V[1]:+.2f} V vs NHE) "
                    f"reaches CO2/CO ({co_V:+.2f} V) too") if offset_reaches_co else ""))

    ch4 = {f: registry.value("ch4_yield_4h", f) for f in ("sp", "cs")}
    co = {f: registry.value("co_yield_4h", f) for f in ("sp", "cs")}
    electrons = {f: total_electrons_umol_per_g({"CH4": ch4[f], "CO": co[f]}) for f in ("sp", "cs")}
    co2 = (sp.co2, cs.co2)
    holds_data = None if None in co2 else (cs.co2.products["CH4"].final_yield_umol_per_g
                                           > sp.co2.products["CH4"].final_yield_umol_per_g)
    data_reading = ("" if None in co2 else f"CH4 cs {cs.co2.products['CH4'].final_yield_umol_per_g:g} vs "
                    f"sp {sp.co2.products['CH4'].final_yield_umol_per_g:g} µmol/g")
    checks.append(_verdict(
        registry.claim("ch4_efficacy"), ch4["cs"] > ch4["sp"],
        f"CH4 at 4 h: cs {ch4['cs']:g} vs sp {ch4['sp']:g} µmol/g", holds_data, [c.origin for c in co2 if c],
        data_reading, "CH4 yield at 4 h, cs > sp",
        f"electron-based reading (8 e⁻ per CH4, 2 per CO): cs {electrons['cs']:g} vs sp {electrons['sp']:g} "
        "µmol e⁻/g, where cs is ahead; the article's conclusion says 'efficacy of CO2 reduction to CO'"))

    checks.append(_verdict(registry.claim("light_and_catalyst_required"), None, "", None, [], "",
                           "control experiments", f"{registry.claim('light_and_catalyst_required').notes} What would "
                           "decide it: the control runs (dark, no catalyst)"))
    checks.append(_ome_loss_check(registry.claim("cs_lost_terminal_ome"), sp, cs))
    return checks


def _count_in_formula(printed_formula: str, group: str) -> int:
    """How many ``group`` (``OCH3``, ``H``) the printed cluster formula lists, e.g. ``(OCH3)18`` → 18, ``[H6`` → 6."""
    pattern = r"\[H(\d*)" if group == "H" else rf"\({re.escape(group)}\)(\d*)"
    match = re.search(pattern, printed_formula)
    return 0 if match is None else int(match.group(1) or 1)


def _ome_loss_check(claim: Claim, sp: FormAnalysis, cs: FormAnalysis) -> ClaimCheck:
    """'cs lost a terminal –OMe' against the OMe and H counts of the two printed formulas."""
    lost = {g: _count_in_formula(sp.composition.printed_formula, g) - _count_in_formula(cs.composition.printed_formula,
                                                                                         g)
            for g in ("OCH3", "H")}
    origin = computed_from(sp.composition.origin, cs.composition.origin, method="OMe and H counted in the printed "
                                                                                "formulas (sp − cs)")
    reading = f"sp − cs: {lost['OCH3']} OCH3 and {lost['H']} H"
    base = {"id": claim.id, "form": "both", "quantity": claim.text, "reported": "claim", "reported_basis": "printed",
            "unit": "text", "computed": reading, "tolerance": None, "data_provenance": "reported",
            "method": "OMe and H counted in the printed formulas", "origin": origin}
    if lost["OCH3"] == 1:
        return ClaimCheck(**base, status=Status.ARITHMETIC, note="the printed formulas differ by one OCH3")
    return ClaimCheck(**base, status=Status.AMBIGUOUS, note=(
        f"The printed formulas differ by {lost['OCH3']} OCH3 and {lost['H']} H ({lost['OCH3']} CH3OH per cluster). "
        "Reading 1: one terminal –OMe is lost at each of the two Sal–Cu linker hinges of a cluster (two per cluster, "
        "as the formula says; the text counts per hinge). Reading 2: literally one –OMe per cluster, which the printed "
        "cs formula does not match. What would decide it: the deposited cs CIF (count the OMe per cluster)"))


def _structure_claim(claim: Claim, form: str, analysis: FormAnalysis, command: str, also_needs: str = "") -> ClaimCheck:
    """A structural worded claim: needs the deposited CIF; with it, names the command that computes it."""
    base = {"id": claim.id, "form": form, "quantity": claim.text, "reported": "claim", "reported_basis": "printed",
            "unit": "text", "computed": None, "tolerance": None, "method": command}
    if analysis.structure is None:
        return ClaimCheck(**base, status=Status.NEEDS_CIF, data_provenance="none",
                          note="; ".join(n for n in (f"what would decide it: the authors' {form} CIF (CCDC 2277134/"
                                                     f"2277142; import it with 'ti10cu2 import-cif FILE'), then "
                                                     f"'{command}'" + (f", and {also_needs}" if also_needs else ""),
                                                     claim.notes) if n),
                          origin=Origin(Provenance.REPORTED, f"article: {claim.source}"))
    return ClaimCheck(**base, status=Status.NOT_CHECKABLE, data_provenance="deposited",
                      note="; ".join(n for n in (f"the claims check does not run this search: run '{command}' on the "
                                                 "imported CIF" + (f"; it also needs {also_needs}" if also_needs
                                                                  else ""), claim.notes) if n),
                      origin=analysis.structure.origin)


def _blank_check(claim: Claim, form: str, analysis: FormAnalysis) -> ClaimCheck:
    """'Blank controls show only instrument noise': the I–V signal against the blank sweep of the same form."""
    c = analysis.conductivity
    blank = None if c is None else c.blank
    reading = "" if blank is None else (f"signal/blank rms = {blank.signal_to_noise:.3g}, slope differs from the "
                                        f"blank's by {blank.slope_difference_sigma:.3g}σ")
    return _verdict(claim, None, "", None if blank is None else blank.distinguishable,
                    [] if blank is None else [c.origin], reading,
                    "I–V slope against the blank sweep (distinguishable when signal/rms ≥ 3 and ≥ 3σ)",
                    f"{claim.notes} What would decide it: the measured blank and crystal I–V sweeps (Fig. S23, Fig. 4)",
                    form=form)


def _co_ch4_check(claim: Claim, form: str, analysis: FormAnalysis, registry: Registry) -> ClaimCheck:
    """'CO and CH4 increase simultaneously at different rates' against the CO2 time course of ``form``."""
    r = analysis.co2
    printed = {p: registry.value(f"{p.lower()}_yield_4h", form) for p in ("CH4", "CO")}
    hours = registry.value("irradiation_time")
    reported_reading = ("4 h averages from the printed yields: " + ", ".join(
        f"{p} {v / hours:.3g} µmol g⁻¹ h⁻¹" for p, v in printed.items()) + " (the time course itself is only in "
        "Fig. 5c)")
    holds, reading = None, ""
    if r is not None and {"CH4", "CO"} <= set(r.products):
        ch4, co = r.products["CH4"], r.products["CO"]
        both_rise = all(a > 0 and b > 0 for t, a, b in zip(r.time_h, ch4.yields_umol_per_g, co.yields_umol_per_g,
                                                            strict=True) if t > 0)
        combined = math.hypot(ch4.rate_uncertainty_umol_per_g_h, co.rate_uncertainty_umol_per_g_h)
        differ = abs(co.rate_umol_per_g_h - ch4.rate_umol_per_g_h) > SIGNIFICANCE_SIGMAS * combined
        holds = both_rise and differ
        reading = (f"both present at every time > 0: {'yes' if both_rise else 'no'}; rates CH4 "
                   f"{format_with_uncertainty(ch4.rate_umol_per_g_h, ch4.rate_uncertainty_umol_per_g_h)}, CO "
                   f"{format_with_uncertainty(co.rate_umol_per_g_h, co.rate_uncertainty_umol_per_g_h)} µmol g⁻¹ h⁻¹ "
                   f"({'different' if differ else 'not different'} at {SIGNIFICANCE_SIGMAS:g}σ)")
    return _verdict(claim, None, reported_reading, holds, [] if r is None else [r.origin], reading,
                    "CO and CH4 time courses: both non-zero from the first time point, rates compared",
                    f"{claim.notes} What would decide it: the measured time course (Fig. 5c)", form=form)


def _photocurrent_check(claim: Claim, form: str, analysis: FormAnalysis) -> ClaimCheck:
    """'Rapid photocurrent on light-on, rapid decay on light-off': only a measured (user) trace can say."""
    r = analysis.photocurrent
    measured = r is not None and set(r.origin.root_provenances()) & {Provenance.USER, Provenance.DEPOSITED}
    reading = "" if not measured else (f"mean amplitude {r.mean_amplitude_A:.3g} A, rise τ {r.mean_rise_tau_s:.3g} s, "
                                       f"decay τ {r.mean_decay_tau_s:.3g} s")
    return _verdict(claim, None, "", (r.mean_amplitude_A > 0) if measured else None, [r.origin] if measured else [],
                    reading, "light-on/off cycles of the photocurrent trace (response present when the amplitude > 0)",
                    f"{claim.notes} What would decide it: a measured photocurrent trace (Fig. S24); our default trace "
                    "is illustrative (shape only) and never enters the claims check", form=form)


def _worded_form_checks(registry: Registry, analyses: dict[str, FormAnalysis]) -> list[ClaimCheck]:
    """The worded claims that are checked per form (structure, PXRD, blank, photocurrent, CO/CH4 time course)."""
    checks = []
    for claim_id, check in (
        ("ch_pi_contacts", lambda c, f, a: _structure_claim(c, f, a, "ti10cu2 contacts CIF")),
        ("abab_packing", lambda c, f, a: _structure_claim(c, f, a, "ti10cu2 packing CIF")),
        ("pxrd_match", lambda c, f, a: _structure_claim(c, f, a, "ti10cu2 pxrd CIF --compare PATTERN",
                                                        "the experimental powder pattern (Fig. S13–S14)")),
        ("photocurrent_response", _photocurrent_check),
        ("iv_blank_noise", _blank_check),
        ("co_ch4_simultaneous", lambda c, f, a: _co_ch4_check(c, f, a, registry)),
    ):
        claim = registry.claim(claim_id)
        checks += [check(claim, form, analyses[form]) for form in claim.forms]
    return checks


def check_claims(registry: Registry | None = None, analyses: dict[str, FormAnalysis] | None = None) -> list[ClaimCheck]:
    """Every registry entry (per form) and every worded claim, with status and the provenance of the data used."""
    registry = registry or default_registry()
    analyses = analyses or {form: analyse_form(form, registry=registry) for form in ("sp", "cs")}
    checks = []
    for entry in registry.values:
        if entry.id in ("band_gap_difference", "conductivity_ratio"):
            continue  # cross-form numbers, checked below
        forms = ("sp", "cs") if entry.form == "both" and entry.id in CHECKERS else (entry.form,)
        for form in forms:
            analysis = analyses["sp" if form == "both" else form]
            checks.append(_check_entry(entry, form, analysis))
    checks += _cross_checks(registry, analyses["sp"], analyses["cs"])
    checks += _worded_form_checks(registry, analyses)
    return checks
