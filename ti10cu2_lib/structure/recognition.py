"""Which {Ti10Cu2} form a crystal structure is: its sum formula (and space group) against the article's.

A block is recognised from ``_chemical_formula_sum``, from the formula of its atom sites, or from the formulas of
its connected components (:mod:`.topology`), so a CIF whose sum formula includes solvent is still recognised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ti10cu2_lib.structure.cif import CrystalStructure, composition_of, format_count, format_formula, parse_formula
from ti10cu2_lib.structure.topology import connected_components

#: The {Ti10Cu2} sum formulas (article, Experimental section; sal = C7H4O3 dianion): sp per cluster, cs per repeat
#: unit of the chain.
EXPECTED_FORMS: dict[str, dict[str, float]] = {
    "sp": {"C": 74, "H": 92, "Cu": 2, "O": 50, "Ti": 10},
    "cs": {"C": 72, "H": 84, "Cu": 2, "O": 48, "Ti": 10},
}
#: Space group (International Tables number) stated in the article; cs has none in the text.
EXPECTED_SPACE_GROUP: dict[str, tuple[int, str] | None] = {"sp": (14, "P2_1/c"), "cs": None}




@dataclass(frozen=True)
class FormMatch:
    """Which {Ti10Cu2} form a block is (``form`` is ``'sp'``, ``'cs'`` or ``None``), and why."""

    form: str | None
    matched_by: str | None  # which site-derived formula matched: "atom sites" or "component …"
    mismatches: tuple[str, ...]  # precise reasons each form did not match
    notes: tuple[str, ...] = ()


def _compare(found: Mapping[str, float], expected: Mapping[str, float], *, ignore_h: bool) -> list[str]:
    out = []
    for el in sorted(set(found) | set(expected)):
        if ignore_h and el == "H":
            continue
        f, e = found.get(el, 0.0), expected.get(el, 0.0)
        if abs(f - e) > 0.05:
            out.append(f"{el} {format_count(f)} (expected {format_count(e)})")
    return out


def _difference(found: Mapping[str, float], target: Mapping[str, float], ignore_h: bool) -> tuple[list[str], int]:
    """Differences of ``found`` from ``target`` by element ([] when equal or ``found`` = k × ``target``), and k."""
    diff = _compare(found, target, ignore_h=ignore_h)
    k = round(found.get("Ti", 0.0) / target["Ti"])
    if diff and k > 1 and not _compare({el: n / k for el, n in found.items()}, target, ignore_h=ignore_h):
        return [], k
    return diff, 1


def expected_form(structure: CrystalStructure, component_formulas: Iterable[str] | None = None) -> FormMatch:
    """Recognise the {Ti10Cu2} form of a block from the atoms it holds.

    The evidence is the atom sites: their formula per formula unit (sites expanded by symmetry, divided by Z, so
    a wrong Z or missing atoms show), then the formulas of the connected components (a 0D cluster for sp, the
    repeat unit of a 1D chain for cs; computed with :mod:`.topology` when ``component_formulas`` is not given),
    so a CIF whose sum formula includes solvent is still recognised. ``_chemical_formula_sum`` alone never
    suffices: a file that declares the formula but lacks the atoms is refused. When the sites carry no (or too
    few) H atoms, the non-H elements are compared and a note says so. sp must also be in space group P2_1/c
    (No. 14), as the article states.
    """
    notes: list[str] = []
    declared = parse_formula(structure.formula_sum) if structure.formula_sum else None
    missing_h = structure.disorder.missing_hydrogen or not any(s.element == "H" for s in structure.sites)
    if missing_h:
        notes.append("the atom sites lack H atoms: only non-H elements of the site-derived formulas are compared")
    evidence: list[tuple[str, dict[str, float]]] = []
    if structure.z:
        evidence.append(("atom sites", composition_of(structure)))
    if component_formulas is None:
        component_formulas = [c.formula for c in connected_components(structure).classes]
    evidence += [(f"component {formula}", parse_formula(formula)) for formula in component_formulas]

    mismatches: list[str] = []
    for form, target in EXPECTED_FORMS.items():
        declared_matches = False
        if declared is not None:
            diff, k = _difference(declared, target, ignore_h=False)
            declared_matches = not diff
            if diff:
                mismatches.append(f"not {form}: _chemical_formula_sum {format_formula(declared)} differs from "
                                  f"{format_formula(target)} in {'; '.join(diff)}")
            elif k > 1:
                notes.append(f"_chemical_formula_sum is {k} × the {form} formula (formula unit holds {k} clusters)")
        hit = None
        for source, comp in evidence:
            diff, k = _difference(comp, target, ignore_h=missing_h)
            if not diff:
                hit = source
                if k > 1:
                    notes.append(f"{source} is {k} × the {form} formula (formula unit holds {k} clusters)")
                break
            if source == "atom sites":
                mismatches.append(f"not {form}: atom sites (per formula unit, Z = {format_count(structure.z)}) "
                                  f"{format_formula(comp)} differ from {format_formula(target)} in {'; '.join(diff)}"
                                  + (" although _chemical_formula_sum matches: atoms missing or a wrong Z"
                                     if declared_matches else ""))
        if hit is None:
            if declared_matches and not structure.z:
                mismatches.append(f"not {form}: _chemical_formula_sum matches but neither Z nor any connected "
                                  "component confirms it from the atom sites")
            continue
        sg = EXPECTED_SPACE_GROUP[form]
        if sg is not None and structure.space_group_number != sg[0]:
            mismatches.append(f"not {form}: composition matches ({hit}) but the space group is "
                              f"{structure.space_group} (No. {structure.space_group_number}), expected {sg[1]} "
                              f"(No. {sg[0]})")
            continue
        if sg is None:
            notes.append(f"{form}: the article states no space group, so only the composition was checked")
        return FormMatch(form, hit, tuple(mismatches), tuple(notes))
    if declared is None and not evidence:
        mismatches.append("no formula to compare: no _chemical_formula_sum, no Z and no components")
    elif not any(m.startswith("not ") for m in mismatches):
        mismatches.append("no component formula matches either form")
    return FormMatch(None, None, tuple(mismatches), tuple(notes))
