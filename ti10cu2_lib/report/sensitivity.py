"""Sensitivity scans: how much a number moves with the choices the article does not state.

Each scan reruns one of the library's analyses (or its closed-form relation) over a small grid of choices and
returns a frozen result with one row per choice, a ``frame()`` for display and an :class:`Origin` naming the
data it rests on. Nothing here introduces a new method; the point is to show the spread.

- :func:`tauc_window_scan` — band gap vs Tauc fit window and exponent (direct n = 1/2, indirect n = 2);
  windows are placed relative to the automatic window of each exponent (shift of its centre, width in eV)
  unless given explicitly.
- :func:`conductivity_geometry_scan` — σ = G·L/A (S/m) for a grid of assumed crystal lengths L (mm) and
  cross-sections A (mm²), the measured conductance G fixed; plus G(cs)/G(sp), the ratio of conductivities the
  data imply if both crystals had the same shape.
- :func:`band_offset_scan` — CB = E_fb + offset (V vs NHE) and which CO2-reduction products are then allowed;
  offset 0 is the article's convention, −0.1…−0.2 V the common n-type rule (see :mod:`.band_edges`).
- :func:`reference_electrode_scan` — the flat band (V vs NHE) if the Mott–Schottky potentials had been
  measured against another reference electrode (the article does not name one).
- :func:`coordination_tolerance_scan` — metal coordination numbers over the bond tolerance of the covalent-radius
  rule (0.40 Å PLATON, 0.45 Å JmolNN): whether long Cu–O (Jahn–Teller) contacts count as bonds.
- :func:`solvent_loss_scan` — the TGA mass loss and oxide residue (mass %) expected if each cluster carried
  n molecules of lattice/coordinated solvent (the article reports only "continuous mass loss to 300 °C").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ti10cu2_lib.analysis.band_edges import BandEdges, feasibility_table
from ti10cu2_lib.analysis.composition import CompositionResult, molar_mass_g_per_mol, parse_formula
from ti10cu2_lib.analysis.conductivity import ConductivityResult, conductivity_from_conductance
from ti10cu2_lib.analysis.electrodes import canonical_reference, reference_potential_V_vs_NHE
from ti10cu2_lib.analysis.mott_schottky import analyse_mott_schottky
from ti10cu2_lib.analysis.tauc import TAUC_EXPONENT_N, analyse_tauc
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.structure.cif import CrystalStructure

DEFAULT_SHIFTS_EV = (-0.10, -0.05, 0.0, 0.05, 0.10)
DEFAULT_WIDTHS_EV = (0.15, 0.30)


# ---------------------------------------------------------------------------------------------------- Tauc
@dataclass(frozen=True)
class TaucScanRow:
    """One Tauc fit of the scan; ``band_gap_eV`` is None when the window could not be fitted (``note`` says why).

    ``shift_eV``/``width_eV`` place a manual window relative to the automatic window of the same exponent
    (None for the automatic row and for explicitly given windows).
    """

    transition: str
    tauc_exponent_n: float
    window_selection: str  # "automatic" or "manual"
    window_eV: tuple[float, float] | None
    shift_eV: float | None
    width_eV: float | None
    band_gap_eV: float | None
    band_gap_uncertainty_eV: float | None
    r_squared: float | None
    linear_quality: str  # "good", "poorly linear" or "failed"
    note: str = ""


@dataclass(frozen=True)
class TaucSensitivity(Result):
    """Band gaps (eV) of one DRS dataset over fit windows and exponents."""

    form: str | None
    method: str
    rows: tuple[TaucScanRow, ...]
    origin: Origin

    def frame(self) -> pd.DataFrame:
        """One row per fit: transition, n, window (eV), Eg ± u (eV), R², quality, note."""
        return pd.DataFrame([{
            "transition": r.transition, "n": r.tauc_exponent_n, "window": r.window_selection,
            "window_lo_eV": None if r.window_eV is None else round(r.window_eV[0], 3),
            "window_hi_eV": None if r.window_eV is None else round(r.window_eV[1], 3),
            "shift_eV": r.shift_eV, "width_eV": r.width_eV,
            "Eg_eV": None if r.band_gap_eV is None else round(r.band_gap_eV, 3),
            "u_Eg_eV": None if r.band_gap_uncertainty_eV is None else round(r.band_gap_uncertainty_eV, 3),
            "R2": None if r.r_squared is None else round(r.r_squared, 4),
            "quality": r.linear_quality, "note": r.note} for r in self.rows])

    def automatic(self, transition: str) -> TaucScanRow:
        """The automatic-window row of ``transition``."""
        for row in self.rows:
            if row.transition == transition and row.window_selection == "automatic":
                return row
        raise KeyError(f"no automatic row for transition '{transition}'")

    def band_gap_range(self, transition: str | None = None, *, good_only: bool = False) -> tuple[float, float] | None:
        """(min, max) of the fitted band gaps (eV) — of one transition, or all; None when nothing was fitted."""
        gaps = [r.band_gap_eV for r in self.rows if r.band_gap_eV is not None
                and (transition is None or r.transition == transition)
                and (not good_only or r.linear_quality == "good")]
        return (min(gaps), max(gaps)) if gaps else None


def _tauc_row(dataset: Dataset, transition: str, method: str, window: tuple[float, float] | None,
              shift: float | None, width: float | None) -> TaucScanRow:
    try:
        result = analyse_tauc(dataset, transition=transition, method=method, window=window)
    except InputError as exc:
        return TaucScanRow(transition, TAUC_EXPONENT_N[transition], "manual" if window else "automatic", window,
                           shift, width, None, None, None, "failed", exc.problem)
    return TaucScanRow(transition, result.tauc_exponent_n, result.window_selection, result.fit_window_eV, shift,
                       width, result.band_gap_eV, result.band_gap_uncertainty_eV, result.r_squared,
                       result.linear_quality, "; ".join(result.warnings))


def tauc_window_scan(dataset: Dataset, *, transitions: Sequence[str] = ("direct", "indirect"), method: str = "axis",
                     shifts_eV: Iterable[float] = DEFAULT_SHIFTS_EV, widths_eV: Iterable[float] = DEFAULT_WIDTHS_EV,
                     windows: Iterable[tuple[float, float]] | None = None) -> TaucSensitivity:
    """Tauc band gap of ``dataset`` for each exponent: the automatic window, then manual windows.

    Manual windows are ``(c + shift − width/2, c + shift + width/2)`` with c the centre of that exponent's automatic
    window (eV), for every shift × width; or exactly ``windows`` (eV) when given (the same for every exponent).
    A window that cannot be fitted gives a row with ``linear_quality = "failed"`` instead of an error.
    """
    shifts, widths = tuple(shifts_eV), tuple(widths_eV)
    explicit = None if windows is None else tuple((float(lo), float(hi)) for lo, hi in windows)
    rows: list[TaucScanRow] = []
    for transition in transitions:
        if transition not in TAUC_EXPONENT_N:
            raise InputError(f"unknown transition '{transition}'", fix="use direct or indirect")
        auto = _tauc_row(dataset, transition, method, None, None, None)
        rows.append(auto)
        if explicit is not None:
            rows += [_tauc_row(dataset, transition, method, w, None, None) for w in explicit]
            continue
        if auto.window_eV is None:
            continue
        centre = 0.5 * (auto.window_eV[0] + auto.window_eV[1])
        for width in widths:
            for shift in shifts:
                window = (round(centre + shift - width / 2, 4), round(centre + shift + width / 2, 4))
                rows.append(_tauc_row(dataset, transition, method, window, float(shift), float(width)))
    what = ("explicit windows" if explicit is not None else
            f"windows shifted by {', '.join(f'{s:+g}' for s in shifts)} eV, "
            f"widths {', '.join(f'{w:g}' for w in widths)} eV around each automatic window")
    origin = computed_from(dataset.origin, method=f"Tauc window/exponent scan ({', '.join(transitions)}; {what}; "
                                                  f"{method} crossing)")
    return TaucSensitivity(form=dataset.form, method=method, rows=tuple(rows), origin=origin)


# ---------------------------------------------------------------------------------------------------- conductivity
@dataclass(frozen=True)
class GeometryRow:
    """σ (S/m) of one form for one assumed crystal length L (mm) and cross-section A (mm²)."""

    form: str
    length_mm: float
    area_mm2: float
    conductivity_S_per_m: float


@dataclass(frozen=True)
class ConductivityGeometryScan(Result):
    """σ = G·L/A over assumed geometries for each form, G the measured conductance (S).

    ``conductance_ratio_cs_sp`` = G(cs)/G(sp): the σ ratio if both crystals had the same L/A (None without both).
    """

    conductance_S: Mapping[str, float]
    used_geometry: Mapping[str, tuple[float, float]]  # (L mm, A mm²) of each result
    rows: tuple[GeometryRow, ...]
    conductance_ratio_cs_sp: float | None
    origin: Origin

    def frame(self) -> pd.DataFrame:
        """Long table: form, L (mm), A (mm²), L/A (1/mm), σ (S/m)."""
        return pd.DataFrame([{"form": r.form, "length_mm": r.length_mm, "area_mm2": r.area_mm2,
                              "L_over_A_per_mm": r.length_mm / r.area_mm2,
                              "sigma_S_per_m": r.conductivity_S_per_m} for r in self.rows])

    def table(self, form: str) -> pd.DataFrame:
        """σ (S/m) of ``form`` as a grid: rows L (mm), columns A (mm²)."""
        frame = self.frame()
        return frame[frame["form"] == form].pivot(index="length_mm", columns="area_mm2", values="sigma_S_per_m")

    def sigma_range(self, form: str) -> tuple[float, float]:
        """(min, max) of σ (S/m) of ``form`` over the scanned geometries."""
        values = [r.conductivity_S_per_m for r in self.rows if r.form == form]
        if not values:
            raise KeyError(f"no rows for form '{form}'")
        return min(values), max(values)


def conductivity_geometry_scan(results: Mapping[str, ConductivityResult], lengths_mm: Iterable[float],
                               areas_mm2: Iterable[float]) -> ConductivityGeometryScan:
    """σ for every (L, A) in ``lengths_mm`` × ``areas_mm2`` for each form's fitted conductance."""
    lengths, areas = tuple(float(v) for v in lengths_mm), tuple(float(v) for v in areas_mm2)
    if not lengths or not areas:
        raise InputError("no crystal lengths or cross-sections to scan", fix="give at least one of each")
    rows = [GeometryRow(form, length, area, conductivity_from_conductance(r.conductance_S, length, area))
            for form, r in results.items() for length in lengths for area in areas]
    ratio = None
    if "sp" in results and "cs" in results and results["sp"].conductance_S != 0:
        ratio = results["cs"].conductance_S / results["sp"].conductance_S
    origin = computed_from(*(r.origin for r in results.values()),
                           method="σ = G·L/A over assumed crystal dimensions (the article gives none)")
    return ConductivityGeometryScan(conductance_S={f: r.conductance_S for f, r in results.items()},
                                    used_geometry={f: (r.length_mm, r.area_mm2) for f, r in results.items()},
                                    rows=tuple(rows), conductance_ratio_cs_sp=ratio, origin=origin)


# ---------------------------------------------------------------------------------------------------- band edges
@dataclass(frozen=True)
class BandOffsetRow:
    """Band edges of one form for one CB offset, and whether each product's couple is reachable."""

    form: str | None
    offset_V: float
    conduction_band_V_vs_NHE: float
    valence_band_V_vs_NHE: float
    allowed: Mapping[str, bool]
    margin_V: Mapping[str, float]  # E_couple − CB for reductions (positive = allowed)


@dataclass(frozen=True)
class BandOffsetScan(Result):
    """CB = E_fb + offset for several offsets (V), per form, with the product feasibility at pH ``pH``."""

    products: tuple[str, ...]
    pH: float
    rows: tuple[BandOffsetRow, ...]
    origin: Origin

    def frame(self) -> pd.DataFrame:
        """One row per form and offset: CB, VB (V vs NHE) and '✓'/'✗' with the margin per product."""
        out = []
        for r in self.rows:
            row = {"form": r.form, "offset_V": r.offset_V, "CB_V_vs_NHE": round(r.conduction_band_V_vs_NHE, 3),
                   "VB_V_vs_NHE": round(r.valence_band_V_vs_NHE, 3)}
            for p in self.products:
                row[p] = f"{'✓' if r.allowed[p] else '✗'} ({r.margin_V[p]:+.2f} V)"
            out.append(row)
        return pd.DataFrame(out)

    def allowed(self, form: str, offset_V: float, product: str) -> bool:
        """Whether ``product`` is allowed for ``form`` at ``offset_V``."""
        for r in self.rows:
            if r.form == form and math.isclose(r.offset_V, offset_V, abs_tol=1e-9):
                return r.allowed[product]
        raise KeyError(f"no row for form '{form}' at offset {offset_V:+g} V")


def band_offset_scan(bands: Iterable[BandEdges], offsets_V: Iterable[float] = (0.0, -0.1, -0.2),
                     products: Sequence[str] = ("CO", "HCOOH", "H2", "CH4")) -> BandOffsetScan:
    """Feasibility of ``products`` for CB = E_fb + offset (each offset in V; VB = CB + Eg), at each band's pH."""
    bands, offsets = tuple(bands), tuple(float(v) for v in offsets_V)
    if not bands:
        raise InputError("no band edges to scan", fix="give the BandEdges of at least one form")
    rows = []
    for b in bands:
        for offset in offsets:
            cb = b.flat_band_V_vs_NHE + offset
            vb = cb + b.band_gap_eV
            table = {f.product: f for f in feasibility_table(cb, vb, pH=b.pH)}
            missing = [p for p in products if p not in table]
            if missing:
                raise InputError(f"no redox couple for {', '.join(missing)}",
                                 fix=f"use products among {', '.join(table)}")
            rows.append(BandOffsetRow(b.form, offset, cb, vb, {p: table[p].allowed for p in products},
                                      {p: table[p].margin_V for p in products}))
    origin = computed_from(*(b.origin for b in bands), method="CB = E_fb + offset scan, VB = CB + Eg, couples at pH "
                                                              f"{bands[0].pH:g}")
    return BandOffsetScan(products=tuple(products), pH=bands[0].pH, rows=tuple(rows), origin=origin)


# ---------------------------------------------------------------------------------------------------- reference
@dataclass(frozen=True)
class ReferenceRow:
    """Flat band (V vs NHE) if the potentials were measured against ``reference``."""

    reference: str
    reference_potential_V_vs_NHE: float
    flat_band_V_vs_NHE: float
    shift_V: float  # relative to the dataset's recorded reference


@dataclass(frozen=True)
class ReferenceScan(Result):
    """Mott–Schottky flat band under different assumed reference electrodes."""

    form: str | None
    recorded_reference: str | None
    pH: float | None
    rows: tuple[ReferenceRow, ...]
    origin: Origin

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"assumed reference": r.reference,
                              "E_ref (V vs NHE)": round(r.reference_potential_V_vs_NHE, 4),
                              "E_fb (V vs NHE)": round(r.flat_band_V_vs_NHE, 3), "shift (V)": round(r.shift_V, 3)}
                             for r in self.rows])


def reference_electrode_scan(dataset: Dataset, references: Sequence[str] = ("Ag/AgCl", "SCE", "NHE", "RHE"), *,
                             pH: float = 7.0) -> ReferenceScan:
    """Re-run the Mott–Schottky analysis as if ``dataset``'s potentials were vs each of ``references``.

    ``pH`` is used for RHE only. The fit (automatic window) is the same for every reference; only the conversion
    to NHE changes, which is the point: an unstated reference moves E_fb by up to ≈ 0.4 V.
    """
    recorded = dataset.metadata.get("reference_electrode")
    found = []
    for reference in references:
        name = canonical_reference(reference)
        relabelled = dataclasses.replace(dataset, metadata={**dataset.metadata, "reference_electrode": name})
        result = analyse_mott_schottky(relabelled, pH=pH if name == "RHE" else None)
        found.append((name, result.reference_potential_V_vs_NHE, result.flat_band_V_vs_NHE))
    if not found:
        raise InputError("no reference electrodes to scan", fix="give at least one, e.g. Ag/AgCl")
    intercept = found[0][2] - found[0][1]  # the same fit for every reference: E_fb(NHE) − E_ref
    base = found[0][2] if recorded is None else intercept + reference_potential_V_vs_NHE(
        canonical_reference(recorded), pH)
    origin = computed_from(dataset.origin, method="Mott–Schottky flat band under assumed reference electrodes")
    return ReferenceScan(form=dataset.form, recorded_reference=recorded, pH=pH,
                         rows=tuple(ReferenceRow(n, e, fb, fb - base) for n, e, fb in found), origin=origin)


# ---------------------------------------------------------------------------------------------------- TGA
@dataclass(frozen=True)
class SolventRow:
    """Expected TGA numbers (mass %) for ``n_solvent`` solvent molecules per formula unit."""

    n_solvent: float
    molar_mass_g_per_mol: float
    solvent_loss_percent: float
    oxide_residue_percent: float


@dataclass(frozen=True)
class SolventScan(Result):
    """What a TGA curve would show for several solvent contents of one form's formula."""

    form: str
    solvent: str
    residue_oxides: str
    rows: tuple[SolventRow, ...]
    origin: Origin

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{f"{self.solvent} per cluster": r.n_solvent, "M (g/mol)": round(r.molar_mass_g_per_mol, 1),
                              "loss of solvent (%)": round(r.solvent_loss_percent, 2),
                              f"residue {self.residue_oxides} (%)": round(r.oxide_residue_percent, 2)}
                             for r in self.rows])


def solvent_loss_scan(composition: CompositionResult, n_solvent: Iterable[float] = (0, 1, 2, 4, 6), *,
                      solvent: str = "CH3OH") -> SolventScan:
    """Mass loss (%) on removing n ``solvent`` per formula unit, and the oxide residue (%) of the solvated solid.

    The residue is the formula's oxide residue (:mod:`.composition`, combustion to TiO2 + CuO) rescaled to the
    solvated molar mass.
    """
    solvent_mass = molar_mass_g_per_mol(parse_formula(solvent, {}).atoms)
    dry = composition.molar_mass_g_per_mol
    oxide_mass = composition.tga_residue_percent / 100.0 * dry
    rows = []
    for n in n_solvent:
        n = float(n)
        if n < 0:
            raise InputError(f"negative solvent count {n:g}", fix="give counts ≥ 0")
        total = dry + n * solvent_mass
        rows.append(SolventRow(n, total, 100.0 * n * solvent_mass / total, 100.0 * oxide_mass / total))
    origin = computed_from(composition.origin, method=f"TGA expectations for n {solvent} per formula unit")
    return SolventScan(form=composition.form, solvent=solvent, residue_oxides=composition.residue_oxides,
                       rows=tuple(rows), origin=origin)


# ---------------------------------------------------------------------------------------------------- bonds
@dataclass(frozen=True)
class CoordinationRow:
    """One metal site's coordination at one bond tolerance (Å)."""

    tolerance: float
    cutoff: float  # Å, metal–O bond cut-off r_M + r_O + tolerance
    site: str
    coordination_number: int  # bonds by the covalent-radius rule
    coordination_number_with_long: int  # plus long M···O/N contacts up to ``long_contact_max``
    longest_bond: float | None  # Å
    longest_contact: float | None  # Å, including long contacts


@dataclass(frozen=True)
class CoordinationScan(Result):
    """Coordination numbers of the ``element`` sites of one structure over bond tolerances."""

    element: str
    long_contact_max: float
    rows: tuple[CoordinationRow, ...]
    origin: Origin

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"tolerance (Å)": r.tolerance, f"{self.element}–O cut-off (Å)": round(r.cutoff, 3),
                              "site": r.site, "CN (bonds)": r.coordination_number,
                              f"CN (+ contacts ≤ {self.long_contact_max:g} Å)": r.coordination_number_with_long,
                              "longest bond (Å)": _round(r.longest_bond),
                              "longest contact (Å)": _round(r.longest_contact)} for r in self.rows])


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def coordination_tolerance_scan(structure: CrystalStructure, element: str = "Cu",
                                tolerances: Iterable[float] = (0.30, 0.40, 0.45, 0.60), *,
                                long_contact_max: float = 3.0) -> CoordinationScan:
    """Coordination of every ``element`` site for each bond tolerance (Å) of the covalent-radius rule.

    PLATON adds 0.40 Å, pymatgen's JmolNN 0.45 Å (:mod:`.structure.bonds`); for Cu(II) the tolerance decides
    whether the long Jahn–Teller Cu–O contacts count as bonds, which is why it is scanned rather than fixed.
    """
    from ti10cu2_lib.structure.bonds import bond_cutoff, find_bonds
    from ti10cu2_lib.structure.coordination import coordination

    rows = []
    for tolerance in tolerances:
        bonds = find_bonds(structure, float(tolerance), long_contact_max=long_contact_max)
        for metal in coordination(structure, bonds).metals:
            if metal.element != element:
                continue
            bonded = [d.distance for d in metal.donors if not d.long_contact]
            rows.append(CoordinationRow(float(tolerance), bond_cutoff(element, "O", float(tolerance)), metal.label,
                                        metal.coordination_number, metal.coordination_number_with_long,
                                        max(bonded) if bonded else None,
                                        max((d.distance for d in metal.donors), default=None)))
    if not rows:
        raise InputError(f"no {element} site in {structure.name}", fix="choose an element present in the structure")
    origin = computed_from(structure.origin, method=f"{element} coordination over bond tolerances "
                                                    f"{', '.join(f'{t:g}' for t in tolerances)} Å")
    return CoordinationScan(element=element, long_contact_max=long_contact_max, rows=tuple(rows), origin=origin)
