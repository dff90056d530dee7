"""The article's structural numbers, computed from a (deposited) structure for the claims check.

What can be identified without the ESI figures:

- space group (by its International Tables number: the article's P2_1/c is No. 14);
- Cu–O distances: every O within 3.0 Å of a Cu (covalent-radius bonds plus the long Jahn–Teller contacts,
  which the article's range up to 2.863 Å includes): min, max, mean;
- Cu–O(methoxide) distances: O bonded to Cu and to exactly one C that has no other non-H neighbour;
- Cu–O–C angles at every O bonded (or in long contact) to Cu.

Which ligands are "A", "B", "C" (plane angles) and which two Cu–O–C angles the article quotes are only shown in
ESI figures: those numbers are matched against the full computed list instead ("is it among them?").
"""

from __future__ import annotations

from dataclasses import dataclass

import gemmi

from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.bonds import BondSet, find_bonds
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.geometry import angles_at

CU_O_MAX_DISTANCE = 3.0  # Å: bonds plus long Cu···O contacts (the article's range reaches 2.863 Å)


@dataclass(frozen=True)
class StructuralNumbers(Result):
    """Numbers comparable with the article's geometry paragraph, from one structure."""

    space_group_number: int | None
    cu_o_distances: tuple[float, ...]  # Å, sorted
    cu_o_methoxide_distances: tuple[float, ...]  # Å, sorted
    cu_o_c_angles: tuple[float, ...]  # degrees, sorted
    origin: Origin

    @property
    def cu_o_min(self) -> float | None:
        return min(self.cu_o_distances) if self.cu_o_distances else None

    @property
    def cu_o_max(self) -> float | None:
        return max(self.cu_o_distances) if self.cu_o_distances else None

    @property
    def cu_o_mean(self) -> float | None:
        return sum(self.cu_o_distances) / len(self.cu_o_distances) if self.cu_o_distances else None


def _space_group_number(structure: CrystalStructure) -> int | None:
    if structure.space_group_number:
        return int(structure.space_group_number)
    try:
        return gemmi.SpaceGroup(structure.space_group).number
    except (ValueError, RuntimeError):
        return None


def space_group_number_of(symbol: str) -> int | None:
    """International Tables number of an H-M symbol such as 'P2_1/c' or 'P 1 21/c 1' (None if unknown)."""
    try:
        return gemmi.SpaceGroup(symbol.replace("_", "")).number
    except (ValueError, RuntimeError):
        return None


def _is_methoxide_oxygen(structure: CrystalStructure, bonds: BondSet, o_site: int) -> bool:
    carbons = [b for b in bonds.around(o_site) if b.element2 == "C"]
    if len(carbons) != 1:
        return False
    heavy = [b for b in bonds.around(carbons[0].site2) if b.element2 != "H" and b.site2 != o_site]
    return not heavy


def structural_numbers(structure: CrystalStructure, bonds: BondSet | None = None) -> StructuralNumbers:
    """Cu–O distances (all, methoxide), Cu–O–C angles and the space-group number of ``structure``."""
    bonds = bonds if bonds is not None else find_bonds(structure, long_contact_max=CU_O_MAX_DISTANCE)
    distances, methoxide, angles = [], [], []
    oxygen_sites: set[int] = set()
    for i, site in enumerate(structure.sites):
        if site.element != "Cu":
            continue
        for b in (*bonds.around(i), *bonds.contacts_around(i)):
            if b.element2 == "O" and b.distance <= CU_O_MAX_DISTANCE:
                distances.append(b.distance)
                oxygen_sites.add(b.site2)
                if _is_methoxide_oxygen(structure, bonds, b.site2):
                    methoxide.append(b.distance)
    for o in sorted(oxygen_sites):
        found = angles_at(structure, structure.sites[o].label, bonds, include_long_contacts=True)
        for angle in found.angles:
            pair = {_element(structure, angle.label1), _element(structure, angle.label3)}
            if pair == {"Cu", "C"}:
                angles.append(angle.angle)
    origin = computed_from(structure.origin, method="Cu–O distances ≤ 3.0 Å, Cu–O–C angles, space group")
    return StructuralNumbers(_space_group_number(structure), tuple(sorted(distances)), tuple(sorted(methoxide)),
                             tuple(sorted(angles)), origin)


def _element(structure: CrystalStructure, label: str) -> str:
    return structure.sites[structure.site_index(label)].element
