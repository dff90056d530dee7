"""Bonds from covalent radii, across periodic images, with CIF symmetry codes.

Rule (the one PLATON uses): atoms i and j are bonded when

    d(i, j) ≤ r_i + r_j + tolerance,      tolerance = 0.40 Å by default,

with r the covalent radii of Cordero et al., "Covalent radii revisited", Dalton Trans. 2008, 2832–2838
(:data:`COVALENT_RADII`; C is the sp3 value 0.76 Å, Mn/Fe/Co the low-spin values). pymatgen's JmolNN uses
+0.45 Å. Not bonds by default: H–H pairs, pairs closer than ``min_distance`` (0.5 Å: coincident disorder
alternatives), pairs in different disorder groups or, for a negative (SHELXL) disorder group, an atom and a
symmetry copy of its own group, and metal–metal pairs — except in a structure that has no other bond at all
(an intermetallic compound or a metal): there the metal–metal contacts within the same rule are its bonds
(``metal_metal=None``, the default, decides so; ``True``/``False`` always/never counts them), and
:attr:`BondSet.notes` says so.

Long metal···donor contacts — e.g. the Jahn–Teller elongated Cu···O, up to 2.86 Å in the article — fall
outside the rule at the default tolerance (Cu–O cut-off 1.32 + 0.66 + 0.40 = 2.38 Å). They are kept in
:attr:`BondSet.long_contacts` (metal to O or N, up to ``long_contact_max`` = 3.0 Å) instead of being dropped.

Every bond starts at an asymmetric-unit atom at its CIF position (``label1``) and reaches ``label2`` moved
by the symmetry code ``symop`` (``n_klm``, see :mod:`.symmetry`): the same convention as SHELXL's
``_geom_bond_site_symmetry_2``, except that the identity is written ``1_555`` instead of ``.``.
Distances are in Å.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.symmetry import locate, symmetry_code

DEFAULT_TOLERANCE = 0.40  # Å, PLATON's
DEFAULT_LONG_CONTACT_MAX = 3.0  # Å
DEFAULT_MIN_DISTANCE = 0.5  # Å
LONG_CONTACT_DONORS = ("O", "N")

#: Covalent radii (Å), Cordero et al., Dalton Trans. 2008, 2832, Table 2 (C: sp3; Mn, Fe, Co: low spin).
COVALENT_RADII: dict[str, float] = {
    "H": 0.31, "He": 0.28, "Li": 1.28, "Be": 0.96, "B": 0.84, "C": 0.76, "N": 0.71, "O": 0.66, "F": 0.57,
    "Ne": 0.58, "Na": 1.66, "Mg": 1.41, "Al": 1.21, "Si": 1.11, "P": 1.07, "S": 1.05, "Cl": 1.02, "Ar": 1.06,
    "K": 2.03, "Ca": 1.76, "Sc": 1.70, "Ti": 1.60, "V": 1.53, "Cr": 1.39, "Mn": 1.39, "Fe": 1.32, "Co": 1.26,
    "Ni": 1.24, "Cu": 1.32, "Zn": 1.22, "Ga": 1.22, "Ge": 1.20, "As": 1.19, "Se": 1.20, "Br": 1.20, "Kr": 1.16,
    "Rb": 2.20, "Sr": 1.95, "Y": 1.90, "Zr": 1.75, "Nb": 1.64, "Mo": 1.54, "Tc": 1.47, "Ru": 1.46, "Rh": 1.42,
    "Pd": 1.39, "Ag": 1.45, "Cd": 1.44, "In": 1.42, "Sn": 1.39, "Sb": 1.39, "Te": 1.38, "I": 1.39, "Xe": 1.40,
    "Cs": 2.44, "Ba": 2.15, "La": 2.07, "Ce": 2.04, "Pr": 2.03, "Nd": 2.01, "Pm": 1.99, "Sm": 1.98, "Eu": 1.98,
    "Gd": 1.96, "Tb": 1.94, "Dy": 1.92, "Ho": 1.92, "Er": 1.89, "Tm": 1.90, "Yb": 1.87, "Lu": 1.87, "Hf": 1.75,
    "Ta": 1.70, "W": 1.62, "Re": 1.51, "Os": 1.44, "Ir": 1.41, "Pt": 1.36, "Au": 1.36, "Hg": 1.32, "Tl": 1.45,
    "Pb": 1.46, "Bi": 1.48, "Po": 1.40, "At": 1.50, "Rn": 1.50, "Fr": 2.60, "Ra": 2.21, "Ac": 2.15, "Th": 2.06,
    "Pa": 2.00, "U": 1.96, "Np": 1.90, "Pu": 1.87, "Am": 1.80, "Cm": 1.69,
}

#: Elements treated as metals (metalloids B, Si, Ge, As, Sb, Te are not).
_METAL_SYMBOLS = (
    "Li Be Na Mg Al K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Cs Ba "
    "La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po Fr Ra Ac Th Pa U "
    "Np Pu Am Cm")
METALS: frozenset[str] = frozenset(_METAL_SYMBOLS.split())


def is_metal(element: str) -> bool:
    """True for the elements in :data:`METALS`."""
    return element in METALS


def covalent_radius(element: str) -> float:
    """Cordero covalent radius (Å); raises :class:`InputError` for an element without one."""
    try:
        return COVALENT_RADII["H" if element == "D" else element]
    except KeyError:
        raise InputError(f"no covalent radius for element '{element}'",
                         fix="check the _atom_site_type_symbol of that site") from None


def site_radii(structure: CrystalStructure) -> np.ndarray:
    """Covalent radius (Å) of every site; an element without one is an :class:`InputError` naming the site."""
    radii = []
    for site in structure.sites:
        radius = COVALENT_RADII.get(site.element)
        if radius is None:
            raise InputError(f"site '{site.label}' (type symbol '{site.type_symbol}'): no covalent radius for element "
                             f"'{site.element}'", path=structure.source,
                             fix="check the _atom_site_type_symbol of that site (Cordero 2008 radii cover H–Cm)")
        radii.append(radius)
    return np.array(radii, dtype=float)


def bond_cutoff(element1: str, element2: str, tolerance: float = DEFAULT_TOLERANCE) -> float:
    """Largest bonded distance (Å): r1 + r2 + tolerance."""
    return covalent_radius(element1) + covalent_radius(element2) + tolerance


@dataclass(frozen=True)
class Bond:
    """A bond (or contact) from asymmetric-unit site ``label1`` (at its CIF position) to ``label2`` at ``symop``.

    ``distance`` in Å; ``frac2`` is the fractional position of the second atom; ``site1``/``site2`` are
    site indices, ``op`` the 0-based operation and ``shift`` the lattice translation behind ``symop``.
    """

    label1: str
    label2: str
    symop: str
    distance: float
    element1: str
    element2: str
    site1: int
    site2: int
    op: int
    shift: tuple[int, int, int]
    frac2: tuple[float, float, float]
    reverse: tuple[int, tuple[int, int, int]] | None = None  # (op, shift) of the same bond seen from site2

    def row(self) -> dict:
        """``{label1, label2, symop, distance}`` (distance rounded to 1e-4 Å)."""
        return {"label1": self.label1, "label2": self.label2, "symop": self.symop,
                "distance": round(self.distance, 4)}

    @property
    def key(self) -> tuple[int, int, int, tuple[int, int, int]]:
        """(site1, site2, op, shift): identifies the directed bond."""
        return self.site1, self.site2, self.op, self.shift


@dataclass(frozen=True, eq=False)
class BondSet(Result):
    """All bonds around every asymmetric-unit site (each bond seen from both ends), plus long contacts."""

    bonds: tuple[Bond, ...]
    long_contacts: tuple[Bond, ...]
    tolerance: float
    long_contact_max: float
    rule: str
    origin: Origin
    notes: tuple[str, ...] = ()  # sentences a reader needs (e.g. metal–metal contacts counted as bonds)

    def around(self, site: int) -> tuple[Bond, ...]:
        """Bonds starting at site index ``site``."""
        return tuple(b for b in self.bonds if b.site1 == site)

    def contacts_around(self, site: int) -> tuple[Bond, ...]:
        """Long contacts starting at site index ``site``."""
        return tuple(b for b in self.long_contacts if b.site1 == site)

    def unique(self) -> tuple[Bond, ...]:
        """Each bond once: of the two directions i→j and j→i (inverse symmetry), the one with i < j is kept;
        for i = j the one whose (operation, translation) sorts first."""
        return _unique(self.bonds)

    def unique_long_contacts(self) -> tuple[Bond, ...]:
        """Each long contact once (as :meth:`unique`)."""
        return _unique(self.long_contacts)

    def to_dict(self) -> dict:
        return {"bonds": [b.row() for b in self.unique()],
                "long_contacts": [b.row() for b in self.unique_long_contacts()],
                "tolerance": self.tolerance, "long_contact_max": self.long_contact_max, "rule": self.rule,
                "notes": list(self.notes), "provenance": self.origin.to_dict()}


def _unique(bonds: Iterable[Bond]) -> tuple[Bond, ...]:
    out = []
    for b in bonds:
        if b.site1 < b.site2 or (b.site1 == b.site2 and (b.reverse is None or (b.op, b.shift) <= b.reverse)):
            out.append(b)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------
# neighbour search


def neighbour_images(structure: CrystalStructure, centres: np.ndarray, cutoff: float,
                     nodes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All atom images within ``cutoff`` (Å) of each fractional point in ``centres`` (K, 3).

    Returns ``(k, node, shift, distance)`` arrays: the image is cell node ``node`` (see
    :class:`~.symmetry.CellImages`) moved by the integer lattice ``shift``; ``distance`` in Å. ``nodes``
    restricts the search to those cell nodes. Vectorised: every centre against every cell node, over the
    lattice translations a sphere of radius ``cutoff`` can reach.
    """
    images = structure.images
    centres = np.atleast_2d(np.asarray(centres, dtype=float))
    node_idx = np.arange(len(images)) if nodes is None else np.asarray(nodes, dtype=int)
    pos = images.pos[node_idx]
    orth = structure.orth
    recip_len = np.linalg.norm(structure.frac_matrix, axis=1)  # |a*|, |b*|, |c*| in 1/Å
    reach = np.floor(0.5 + cutoff * recip_len + 1e-9).astype(int)
    ranges = [np.arange(-r, r + 1) for r in reach]
    extra = np.array(np.meshgrid(*ranges, indexing="ij")).reshape(3, -1).T  # (S, 3)
    out_k, out_node, out_shift, out_d = [], [], [], []
    for k, centre in enumerate(centres):
        d = pos - centre  # (M, 3)
        base = -np.rint(d)
        for s in extra:
            shift = base + s
            cart = (d + shift) @ orth.T
            dist = np.sqrt(np.einsum("ij,ij->i", cart, cart))
            hit = np.flatnonzero(dist <= cutoff)
            if hit.size:
                out_k.append(np.full(hit.size, k))
                out_node.append(node_idx[hit])
                out_shift.append(shift[hit].astype(int))
                out_d.append(dist[hit])
    if not out_k:
        return (np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros((0, 3), dtype=int), np.zeros(0))
    return (np.concatenate(out_k), np.concatenate(out_node), np.concatenate(out_shift), np.concatenate(out_d))


def find_bonds(structure: CrystalStructure, tolerance: float = DEFAULT_TOLERANCE, *,
               long_contact_max: float = DEFAULT_LONG_CONTACT_MAX,
               long_contact_donors: Iterable[str] = LONG_CONTACT_DONORS, metal_metal: bool | None = None,
               hydrogen_hydrogen: bool = False, min_distance: float = DEFAULT_MIN_DISTANCE) -> BondSet:
    """Bonds of every asymmetric-unit site by the covalent-radius rule (see the module docstring).

    ``tolerance`` (Å) is added to the sum of covalent radii. Metal···donor (``long_contact_donors``)
    pairs longer than the bond cut-off and up to ``long_contact_max`` Å go to ``long_contacts``.
    ``metal_metal``: count metal–metal pairs as bonds always (True), never (False), or only when the structure
    has no other bond (None: intermetallics and metals).
    """
    if not 0 <= tolerance <= 2.0:
        raise InputError(f"bond tolerance {tolerance} Å is outside 0–2 Å", fix="use e.g. --tolerance 0.4")
    elements = structure.elements
    radii = site_radii(structure)
    donors = set(long_contact_donors)
    cutoff = max(2 * radii.max() + tolerance, long_contact_max)
    images = structure.images
    k, node, shift, dist = neighbour_images(structure, structure.frac, cutoff)
    groups = np.array([s.disorder_group for s in structure.sites])
    bonds: list[Bond] = []
    metal_pairs: list[Bond] = []
    contacts: list[Bond] = []
    for a, u, sh, d in zip(k, node, shift, dist, strict=True):
        b, n = images.site[u], images.op[u]
        e1, e2 = elements[a], elements[b]
        if d < min_distance or (not hydrogen_hydrogen and e1 == "H" and e2 == "H"):
            continue
        m1, m2 = e1 in METALS, e2 in METALS
        if (m1 and m2 and metal_metal is False) or _other_disorder_alternative(groups[a], groups[b], n, sh):
            continue
        if d <= radii[a] + radii[b] + tolerance:
            target = metal_pairs if m1 and m2 else bonds
        elif d <= long_contact_max and ((m1 and e2 in donors) or (m2 and e1 in donors)):
            target = contacts
        else:
            continue
        target.append(_bond(structure, int(a), int(b), int(n), sh, float(d), images.pos[u] + sh))
    metal_bonds = bool(metal_pairs) and (metal_metal is True or (metal_metal is None and not bonds))
    notes = ()
    if metal_bonds and metal_metal is None:
        notes = (f"no bond but metal–metal contacts (an intermetallic compound or a metal): the "
                 f"{len(_unique(metal_pairs))} metal–metal contact(s) within r1 + r2 + tolerance are its bonds",)
    bonds = bonds + metal_pairs if metal_bonds else bonds
    order = {id(b): i for i, b in enumerate(bonds)}
    bonds.sort(key=lambda b: (b.site1, b.distance, order[id(b)]))
    contacts.sort(key=lambda b: (b.site1, b.distance))
    rule = _rule_text(tolerance, hydrogen_hydrogen, metal_bonds, min_distance, donors, long_contact_max)
    origin = computed_from(structure.origin, method=f"bonds by covalent radii (Cordero 2008) + {tolerance:.2f} Å"
                           + (", metal–metal contacts included" if metal_bonds else ""))
    return BondSet(tuple(bonds), tuple(contacts), float(tolerance), float(long_contact_max), rule, origin, notes)


def _other_disorder_alternative(g1: int, g2: int, op: int, shift: np.ndarray) -> bool:
    """True when two atoms cannot coexist: different disorder groups, or a negative (SHELXL) group and a
    symmetry copy of it (``op``, ``shift`` not the identity)."""
    identity = op == 0 and not shift.any()
    return bool(g1 and g2 and (g1 != g2 or (g1 < 0 and not identity)))


def _bond(structure: CrystalStructure, a: int, b: int, op: int, shift: np.ndarray, distance: float,
          pos: np.ndarray) -> Bond:
    """The bond from site ``a`` (as listed) to site ``b`` moved by operation ``op`` and lattice ``shift``."""
    shift_t = (int(shift[0]), int(shift[1]), int(shift[2]))
    reverse = _reverse_of(structure, a, op, shift_t) if a == b else None
    return Bond(structure.sites[a].label, structure.sites[b].label, symmetry_code(op, shift), distance,
                structure.elements[a], structure.elements[b], a, b, op, shift_t,
                (float(pos[0]), float(pos[1]), float(pos[2])), reverse)


def _rule_text(tolerance: float, hydrogen_hydrogen: bool, metal_metal: bool, min_distance: float,
               donors: set[str], long_contact_max: float) -> str:
    """The bond rule in words (what counts, what does not, where the long contacts go)."""
    excluded = [x for x, on in (("H–H", not hydrogen_hydrogen), ("metal–metal", not metal_metal)) if on]
    excluded += [f"d < {min_distance} Å", "different disorder groups"]
    return (f"d ≤ r1 + r2 + {tolerance:.2f} Å, Cordero et al. 2008 covalent radii; not bonded: "
            f"{', '.join(excluded)}; long metal···{'/'.join(sorted(donors))} contacts up to {long_contact_max} Å "
            "listed separately")


def _reverse_of(structure: CrystalStructure, site: int, op: int, shift: tuple[int, int, int]
                ) -> tuple[int, tuple[int, int, int]] | None:
    """(op, shift) of the bond site→site@g seen from the other end: site→site@g⁻¹."""
    rot, tran = structure.ops.rot[op], structure.ops.tran[op] + np.array(shift, dtype=float)
    back = np.linalg.solve(rot, structure.frac[site] - tran)
    found = locate(structure.images, structure.orth, site, back)
    if found is None:
        return None
    node, sh = found
    return int(structure.images.op[node]), (int(sh[0]), int(sh[1]), int(sh[2]))


def bond_pair_filter(bonds: Iterable[Bond], pair: str) -> tuple[Bond, ...]:
    """Bonds whose elements are the pair ``'Cu-O'`` (either order; case-insensitive)."""
    parts = [p.strip().capitalize() for p in pair.replace("–", "-").split("-")]
    if len(parts) != 2 or not all(parts):
        raise InputError(f"--pair '{pair}' is not two elements joined by '-'", fix="write e.g. --pair Cu-O")
    want = sorted(parts)
    return tuple(b for b in bonds if sorted((b.element1, b.element2)) == want)
