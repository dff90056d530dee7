"""Composition of the printed cluster formulas: sum formula, molar mass, elemental analysis, charge balance.

The article prints the formulas with the ligand abbreviation ``sal`` and bridging descriptors, e.g.
``[H6Ti10Cu2(μ2-O)6(μ3-O)2(sal)8(OCH3)18]``. Conventions used here:

- ``sal`` = salicylate dianion, ⁻OOC–C6H4–O⁻ = C7H4O3 (salicylic acid C7H6O3 less two H⁺).
- ``μn-`` descriptors only say how many metals an atom bridges; they add no atoms and are dropped.
- Atomic weights: IUPAC/CIAAW abridged standard atomic weights, 2021 table (five significant figures; for H,
  C, O, N, Cl the conventional values of the abridged table). Sum formulas are written in Hill order.
- Charge balance uses formal charges: H⁺, Ti(IV), Cu(II) against O²⁻, sal²⁻ and OMe⁻ (OCH3⁻).
- The theoretical TGA residue assumes complete combustion in air to TiO2 (rutile/anatase) and CuO, i.e.
  10 TiO2 + 2 CuO per {Ti10Cu2}; it is given in mass % of the formula.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.registry import Registry

ATOMIC_WEIGHTS_SOURCE = ("IUPAC/CIAAW abridged standard atomic weights (2021 table; "
                         "conventional values for H, C, N, O, Cl)")
ATOMIC_WEIGHTS_G_PER_MOL: dict[str, float] = {
    "H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "Cl": 35.45, "Ti": 47.867, "Cu": 63.546,
}
LIGAND_ABBREVIATIONS: dict[str, str] = {"sal": "C7H4O3"}
ABBREVIATIONS_TEXT = "sal = C7H4O3, salicylate dianion ⁻OOC–C6H4–O⁻ (salicylic acid less two H⁺)"
FORMAL_CHARGES: dict[str, int] = {"H": +1, "Ti": +4, "Cu": +2, "O": -2, "sal": -2, "OCH3": -1}
RESIDUE_OXIDES: dict[str, str] = {"Ti": "TiO2", "Cu": "CuO"}  # combustion products in air

_BRIDGING = re.compile(r"(μ|µ|mu)\d*-")
_TOKEN = re.compile(r"([A-Z][a-z]?|[a-z]+|[()\[\]]|\d+)")


@dataclass(frozen=True)
class FormulaComponent:
    """One top-level unit of a printed formula, e.g. ``(μ2-O)6`` → species ``O``, count 6."""

    species: str
    count: int
    atoms_per_unit: Mapping[str, int]


@dataclass(frozen=True)
class ParsedFormula:
    """A printed formula split into its top-level components, with the total atom counts."""

    text: str
    components: tuple[FormulaComponent, ...]
    atoms: Mapping[str, int]


def _read_count(tokens: list[str], i: int) -> tuple[int, int]:
    if i < len(tokens) and tokens[i].isdigit():
        return int(tokens[i]), i + 1
    return 1, i


def _parse_units(tokens: list[str], i: int, text: str, abbreviations: Mapping[str, str],
                 closing: str | None) -> tuple[list[tuple[str, int, Counter]], int]:
    """Units until ``closing``: (species text, count, atoms per unit) each; returns them and the next index."""
    units: list[tuple[str, int, Counter]] = []
    while i < len(tokens):
        token = tokens[i]
        if token in ")]":
            if token != closing:
                raise InputError(f"unbalanced '{token}' in formula '{text}'", fix="check the brackets")
            return units, i + 1
        if token in "([":
            inner, i = _parse_units(tokens, i + 1, text, abbreviations, ")" if token == "(" else "]")
            atoms = Counter()
            for _, count, unit_atoms in inner:
                for element, n in unit_atoms.items():
                    atoms[element] += n * count
            species = "".join(s if c == 1 else f"{s}{c}" for s, c, _ in inner)
        elif token in abbreviations:
            atoms = Counter(parse_formula(abbreviations[token], {}).atoms)
            species = token
            i += 1
        elif token in ATOMIC_WEIGHTS_G_PER_MOL:
            atoms, species = Counter({token: 1}), token
            i += 1
        else:
            raise InputError(f"unknown element or abbreviation '{token}' in formula '{text}'",
                             fix=f"use elements {', '.join(ATOMIC_WEIGHTS_G_PER_MOL)} or abbreviations "
                                 f"{', '.join(abbreviations) or '(none)'}")
        count, i = _read_count(tokens, i)
        units.append((species, count, atoms))
    if closing is not None:
        raise InputError(f"missing '{closing}' in formula '{text}'", fix="check the brackets")
    return units, i


def _strip_outer_brackets(text: str) -> str:
    """``[...]`` → ``...`` when the first bracket closes at the very end."""
    if not (text.startswith("[") and text.endswith("]")):
        return text
    depth = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if depth == 0:
            return text[1:-1] if i == len(text) - 1 else text
    return text


def parse_formula(text: str, abbreviations: Mapping[str, str] = LIGAND_ABBREVIATIONS) -> ParsedFormula:
    """Parse a printed formula: nested () and [] groups with counts, ligand abbreviations, μn- descriptors.

    One outer pair of brackets (``[...]``) is taken as the whole molecule; its top-level units become the
    components (used for the charge balance).
    """
    cleaned = _strip_outer_brackets(_BRIDGING.sub("", text.replace(" ", "")))
    tokens = _TOKEN.findall(cleaned)
    if "".join(tokens) != cleaned or not tokens:
        raise InputError(f"cannot read formula '{text}'", fix="write it like [H6Ti10Cu2(μ2-O)6(sal)8]")
    units, _ = _parse_units(tokens, 0, text, abbreviations, None)
    components = tuple(FormulaComponent(species, count, dict(atoms)) for species, count, atoms in units)
    total: Counter = Counter()
    for component in components:
        for element, n in component.atoms_per_unit.items():
            total[element] += n * component.count
    return ParsedFormula(text=text, components=components, atoms=dict(total))


def hill_order(atoms: Mapping[str, int]) -> list[str]:
    """Elements in Hill order: C, then H, then the others alphabetically (all alphabetical without C)."""
    first = ("C", "H") if "C" in atoms else ()
    return [*(e for e in first if e in atoms), *sorted(e for e in atoms if e not in first)]


def hill_formula(atoms: Mapping[str, int]) -> str:
    """Sum formula in Hill order (counts of 1 omitted), e.g. ``C74H92Cu2O50Ti10``."""
    return "".join(e if atoms[e] == 1 else f"{e}{atoms[e]}" for e in hill_order(atoms) if atoms[e])


def molar_mass_g_per_mol(atoms: Mapping[str, int]) -> float:
    """Molar mass (g/mol) from the abridged standard atomic weights."""
    return sum(ATOMIC_WEIGHTS_G_PER_MOL[e] * n for e, n in atoms.items())


def mass_percent(atoms: Mapping[str, int]) -> dict[str, float]:
    """Elemental analysis: mass % of every element, in Hill order (sums to 100)."""
    total = molar_mass_g_per_mol(atoms)
    return {e: 100.0 * ATOMIC_WEIGHTS_G_PER_MOL[e] * atoms[e] / total for e in hill_order(atoms)}


@dataclass(frozen=True)
class ChargeBalance:
    """Formal charges of the components and their sum (e): neutral when the sum is 0."""

    contributions: Mapping[str, int]
    total_charge: int
    neutral: bool


def charge_balance(formula: ParsedFormula, charges: Mapping[str, int] = FORMAL_CHARGES) -> ChargeBalance:
    """Sum of formal charges (count × charge) over the components of a printed formula."""
    contributions: dict[str, int] = {}
    for component in formula.components:
        if component.species not in charges:
            raise InputError(f"no formal charge known for '{component.species}' in '{formula.text}'",
                             fix=f"use components {', '.join(charges)}")
        contributions[component.species] = (contributions.get(component.species, 0)
                                            + component.count * charges[component.species])
    total = sum(contributions.values())
    return ChargeBalance(contributions=contributions, total_charge=total, neutral=total == 0)


def oxide_residue(atoms: Mapping[str, int]) -> tuple[str, float]:
    """The oxides left by complete combustion in air (e.g. ``10 TiO2 + 2 CuO``) and their mass (g/mol)."""
    parts, mass = [], 0.0
    for metal, oxide in RESIDUE_OXIDES.items():
        n = atoms.get(metal, 0)
        if n:
            parts.append(f"{n} {oxide}")
            mass += n * molar_mass_g_per_mol(parse_formula(oxide, {}).atoms)
    return " + ".join(parts), mass


@dataclass(frozen=True)
class CompositionResult(Result):
    """Sum formula, molar mass, mass %, charge balance and theoretical TGA residue of one form's formula."""

    form: str
    printed_formula: str
    sum_formula: str
    molar_mass_g_per_mol: float
    mass_percent: Mapping[str, float]
    charge_balance: ChargeBalance
    residue_oxides: str
    tga_residue_percent: float
    abbreviations: str
    atomic_weights: str
    origin: Origin


def composition(form: str, printed_formula: str, formula_origin: Origin) -> CompositionResult:
    """Composition of ``printed_formula`` (the article's formula for ``form``)."""
    parsed = parse_formula(printed_formula)
    molar_mass = molar_mass_g_per_mol(parsed.atoms)
    oxides, oxide_mass = oxide_residue(parsed.atoms)
    return CompositionResult(
        form=form, printed_formula=printed_formula, sum_formula=hill_formula(parsed.atoms),
        molar_mass_g_per_mol=molar_mass, mass_percent=mass_percent(parsed.atoms),
        charge_balance=charge_balance(parsed), residue_oxides=oxides,
        tga_residue_percent=100.0 * oxide_mass / molar_mass,
        abbreviations=ABBREVIATIONS_TEXT,
        atomic_weights=ATOMIC_WEIGHTS_SOURCE,
        origin=computed_from(formula_origin,
                             method=f"formula parsed with {ABBREVIATIONS_TEXT}; {ATOMIC_WEIGHTS_SOURCE}"))


def composition_of(form: str, registry: Registry) -> CompositionResult:
    """Composition of the formula the article prints for ``form`` (registry id ``formula``)."""
    entry = registry.get("formula", form)
    return composition(form, str(entry.value), entry.origin)


def cluster_mass_and_ti(form: str, registry: Registry) -> tuple[float, int]:
    """Molar mass (g/mol) of the formula the article prints for ``form`` and its number of Ti atoms.

    >>> from ti10cu2_lib.data.registry import default_registry
    >>> mass, ti = cluster_mass_and_ti("sp", default_registry())
    >>> round(mass, 1), ti
    (2387.3, 10)
    """
    entry = registry.get("formula", form)
    atoms = parse_formula(str(entry.value)).atoms
    return molar_mass_g_per_mol(atoms), int(atoms.get("Ti", 0))
