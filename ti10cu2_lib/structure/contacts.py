"""C–H···π contacts to aromatic rings (PLATON convention).

A contact X–H···Cg is listed when H···Cg < ``max_h_cg`` (3.0 Å) and the angle γ between the vector Cg→H
and the ring normal is < ``max_gamma`` (40°), as in the project's DESIGN notes (PLATON's CALC X-H..Cg
criteria, Spek, Acta Cryst. D65, 148 (2009)). Reported for each: H···Cg, X···Cg (Å), the X–H···Cg angle,
γ, the perpendicular distance of H from the ring plane ("H-perp") and the lateral offset of H from Cg in
the plane (Å).

Each contact is labelled by whether H and the ring belong to the same connected component image
(:mod:`.topology`): ``intra-molecular``/``inter-molecular`` for molecules, ``intra-chain``/``inter-chain``
for chains (``layer``/``framework`` likewise).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.bonds import BondSet, find_bonds, neighbour_images
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.geometry import RingSet, find_rings
from ti10cu2_lib.structure.symmetry import locate, symmetry_code
from ti10cu2_lib.structure.topology import Topology, connected_components

DEFAULT_MAX_H_CG = 3.0  # Å
DEFAULT_MAX_GAMMA = 40.0  # degrees


@dataclass(frozen=True)
class CHPiContact:
    """One X–H···Cg contact; H and X are given with the symmetry code that puts them next to the ring."""

    donor: str  # X label (with @n_klm if not at the CIF position)
    hydrogen: str  # H label (with @n_klm)
    ring: str  # Cg(...) name, ring atoms as in RingSet
    h_cg: float  # Å
    x_cg: float  # Å
    x_h_cg_angle: float  # degrees
    gamma: float  # degrees, between Cg→H and the ring normal
    h_perp: float  # Å, H to the ring plane
    offset: float  # Å, H projection to Cg, in the plane
    relation: str  # intra-/inter-molecular, -chain, -layer, -framework
    hydrogen_symop: str
    donor_symop: str


@dataclass(frozen=True, eq=False)
class ContactSet(Result):
    """All C–H···π contacts found, with the criteria used."""

    contacts: tuple[CHPiContact, ...]
    max_h_cg: float
    max_gamma: float
    criteria: str
    origin: Origin = field(repr=False)


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _ref(label: str, code: str) -> str:
    return label if code == "1_555" else f"{label}@{code}"


def ch_pi_contacts(structure: CrystalStructure, bonds: BondSet | None = None, *, rings: RingSet | None = None,
                   topology: Topology | None = None, max_h_cg: float = DEFAULT_MAX_H_CG,
                   max_gamma: float = DEFAULT_MAX_GAMMA, donor_elements: Iterable[str] = ("C",)) -> ContactSet:
    """X–H···π contacts to the rings (default: aromatic C6 rings from :func:`~.geometry.find_rings`).

    Only H atoms bonded to an atom of ``donor_elements`` count (C–H···π by default).
    """
    bonds = bonds if bonds is not None else find_bonds(structure)
    rings = rings if rings is not None else find_rings(structure, bonds)
    topology = topology if topology is not None else connected_components(structure, bonds)
    donors = set(donor_elements)
    images, ops = structure.images, structure.ops
    h_nodes = np.flatnonzero(np.array([structure.elements[s] == "H" for s in images.site]))
    parent = {}
    for b in bonds.bonds:
        if b.element1 == "H" and b.element2 in donors and b.site1 not in parent:
            parent[b.site1] = b
    out = []
    for ring in rings.rings:
        cg_frac = np.array(ring.centroid_frac)
        cg = np.array(ring.centroid)
        normal = np.array(ring.normal)
        ring_instance = _instance_of(structure, topology, ring.sites[0], ring.frac[0])
        if h_nodes.size == 0:
            break
        _, node, shift, dist = neighbour_images(structure, cg_frac[None, :], max_h_cg, nodes=h_nodes)
        for u, sh, d in zip(node, shift, dist, strict=True):
            h_site = int(images.site[u])
            if h_site not in parent or d >= max_h_cg:
                continue
            h_frac = images.pos[u] + sh
            h = structure.cartesian(h_frac)
            gamma = _angle(h - cg, normal)
            gamma = min(gamma, 180.0 - gamma)
            if gamma >= max_gamma:
                continue
            n = int(images.op[u])
            bond = parent[h_site]
            rot, tran = ops.rot[n], ops.tran[n] + sh
            x_frac = rot @ np.array(bond.frac2) + tran
            x = structure.cartesian(x_frac)
            x_code = _code(structure, bond.site2, x_frac)
            h_code = symmetry_code(n, sh)
            h_perp = abs(float((h - cg) @ normal))
            relation = _relation(topology, ring_instance, _instance_of(structure, topology, h_site, h_frac))
            out.append(CHPiContact(
                donor=_ref(bond.label2, x_code), hydrogen=_ref(structure.sites[h_site].label, h_code), ring=ring.name,
                h_cg=float(d), x_cg=float(np.linalg.norm(x - cg)), x_h_cg_angle=_angle(x - h, cg - h), gamma=gamma,
                h_perp=h_perp, offset=math.sqrt(max(0.0, float(d) ** 2 - h_perp**2)), relation=relation,
                hydrogen_symop=h_code, donor_symop=x_code))
    out.sort(key=lambda c: (c.ring, c.h_cg))
    criteria = (f"H···Cg < {max_h_cg} Å and angle(Cg→H, ring normal) < {max_gamma}° (PLATON convention); "
                f"donors {'/'.join(sorted(donors))}–H; {rings.criteria}")
    origin = computed_from(bonds.origin, method=f"C–H···π contacts ({criteria})")
    return ContactSet(tuple(out), max_h_cg, max_gamma, criteria, origin)


def _code(structure: CrystalStructure, site: int, frac: np.ndarray) -> str:
    found = locate(structure.images, structure.orth, site, frac)
    if found is None:
        return "?"
    return symmetry_code(int(structure.images.op[found[0]]), found[1])


def _instance_of(structure: CrystalStructure, topology: Topology, site: int, frac: np.ndarray
                 ) -> tuple[int, tuple[int, ...]] | None:
    found = locate(structure.images, structure.orth, site, frac)
    if found is None:
        return None
    return topology.instance(found[0], found[1])


def _relation(topology: Topology, a: tuple | None, b: tuple | None) -> str:
    if a is None or b is None:
        return "unknown"
    dims = [topology.components[x[0]].dimensionality for x in (a, b)]
    word = {0: "molecular", 1: "chain", 2: "layer", 3: "framework"}[max(dims)]
    return f"intra-{word}" if a == b else f"inter-{word}"
