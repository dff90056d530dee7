"""Angles, least-squares planes, interplanar angles and aromatic six-membered rings.

Angles in degrees, distances in Å. Atoms are named ``LABEL`` (the site at its CIF position) or
``LABEL@n_klm`` (moved by a CIF symmetry code, see :mod:`.symmetry`). Least-squares planes are our own
fit: the SVD of the centred Cartesian coordinates, the normal being the singular vector of the smallest
singular value (gemmi's plane helper is meant for macromolecules).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.bonds import BondSet, find_bonds
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.symmetry import code_for_position, parse_symmetry_code, position_from_code, symmetry_code


@dataclass(frozen=True)
class Angle:
    """Angle ``label1(symop1) – centre – label3(symop3)`` in degrees (centre at its CIF position)."""

    label1: str
    symop1: str
    centre: str
    label3: str
    symop3: str
    angle: float
    distance1: float  # Å, centre–atom1
    distance3: float  # Å, centre–atom3


@dataclass(frozen=True, eq=False)
class AngleSet(Result):
    """All angles at one centre atom over pairs of its bonds (long contacts included if asked)."""

    centre: str
    angles: tuple[Angle, ...]
    origin: Origin


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def angles_at(structure: CrystalStructure, centre: str, bonds: BondSet | None = None, *,
              include_long_contacts: bool = False) -> AngleSet:
    """Every angle X–centre–Y over the bonds of ``centre`` (a site label), each pair once."""
    bonds = bonds if bonds is not None else find_bonds(structure)
    i = structure.site_index(centre)
    around = list(bonds.around(i)) + (list(bonds.contacts_around(i)) if include_long_contacts else [])
    c = structure.cartesian(structure.frac[i])
    out = []
    for b1, b2 in combinations(around, 2):
        v1 = structure.cartesian(np.array(b1.frac2)) - c
        v2 = structure.cartesian(np.array(b2.frac2)) - c
        out.append(Angle(b1.label2, b1.symop, structure.sites[i].label, b2.label2, b2.symop, _angle(v1, v2),
                         b1.distance, b2.distance))
    origin = computed_from(bonds.origin, method=f"bond angles at {structure.sites[i].label}")
    return AngleSet(structure.sites[i].label, tuple(out), origin)


# ---------------------------------------------------------------------------------------------------
# atom references and planes


def parse_atom_ref(structure: CrystalStructure, ref: str) -> tuple[int, str, np.ndarray]:
    """``'C1'`` or ``'C1@2_565'`` → (site index, symmetry code, fractional position)."""
    label, _, code = ref.strip().partition("@")
    i = structure.site_index(label)
    code = code.strip() or "1_555"
    try:
        pos = position_from_code(structure.ops, structure.frac[i], code)
        n, shift = parse_symmetry_code(code)
    except ValueError as exc:
        raise InputError(f"atom '{ref}': {exc}", path=structure.source,
                         fix="write LABEL or LABEL@n_klm (e.g. C3@2_565)") from None
    return i, symmetry_code(n, shift), pos


@dataclass(frozen=True, eq=False)
class Plane(Result):
    """Least-squares plane: centroid (Cartesian, Å), unit normal, rms and per-atom deviations (Å)."""

    atoms: tuple[str, ...]
    centroid: tuple[float, float, float]
    normal: tuple[float, float, float]
    rms_deviation: float
    max_deviation: float
    deviations: tuple[float, ...]
    origin: Origin


def plane_through(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SVD plane of Cartesian points (k ≥ 3, Å): (centroid, unit normal, signed deviations)."""
    pts = np.asarray(points, dtype=float)
    if len(pts) < 3:
        raise InputError(f"a plane needs at least 3 atoms, got {len(pts)}", fix="give 3 or more atoms")
    centroid = pts.mean(axis=0)
    _, sv, vt = np.linalg.svd(pts - centroid)
    normal = vt[-1]
    if sv[1] < 1e-6:
        raise InputError("the atoms are collinear: no unique plane", fix="choose atoms that are not on one line")
    first = next((x for x in normal if abs(x) > 1e-9), 1.0)
    normal = normal if first > 0 else -normal
    return centroid, normal, (pts - centroid) @ normal


def fit_plane(structure: CrystalStructure, atoms: Sequence[str]) -> Plane:
    """Least-squares plane through ``atoms`` (labels or ``LABEL@n_klm``)."""
    refs = [parse_atom_ref(structure, a) for a in atoms]
    points = structure.cartesian(np.array([r[2] for r in refs]))
    centroid, normal, dev = plane_through(points)
    names = tuple(structure.sites[i].label + ("" if code == "1_555" else f"@{code}") for i, code, _ in refs)
    origin = computed_from(structure.origin, method="least-squares plane (SVD of centred Cartesian coordinates)")
    return Plane(names, tuple(map(float, centroid)), tuple(map(float, normal)),  # type: ignore[arg-type]
                 float(np.sqrt(np.mean(dev**2))), float(np.abs(dev).max()), tuple(map(float, dev)), origin)


def interplanar_angle(plane1: Plane | np.ndarray, plane2: Plane | np.ndarray) -> float:
    """Angle between two planes (or two normals) in degrees, 0–90."""
    n1 = np.asarray(plane1.normal if isinstance(plane1, Plane) else plane1, dtype=float)
    n2 = np.asarray(plane2.normal if isinstance(plane2, Plane) else plane2, dtype=float)
    cos = abs(float(n1 @ n2)) / (np.linalg.norm(n1) * np.linalg.norm(n2))
    return math.degrees(math.acos(min(1.0, cos)))


# ---------------------------------------------------------------------------------------------------
# rings


@dataclass(frozen=True, eq=False)
class Ring:
    """A planar ring: atoms as ``LABEL`` / ``LABEL@n_klm``, centroid Cg, unit normal, planarity (Å)."""

    atoms: tuple[str, ...]
    sites: tuple[int, ...]
    frac: np.ndarray  # (k, 3) fractional positions of the ring atoms
    centroid_frac: tuple[float, float, float]
    centroid: tuple[float, float, float]  # Cartesian, Å
    normal: tuple[float, float, float]
    rms_deviation: float

    @property
    def name(self) -> str:
        """``Cg(C1,C2,…)``."""
        return f"Cg({','.join(self.atoms)})"

    def to_dict(self) -> dict:
        return {"name": self.name, "atoms": list(self.atoms), "centroid": list(self.centroid),
                "normal": list(self.normal), "rms_deviation": self.rms_deviation}


@dataclass(frozen=True, eq=False)
class RingSet(Result):
    """The symmetry-distinct rings of a structure."""

    rings: tuple[Ring, ...]
    criteria: str
    origin: Origin = field(repr=False)


def find_rings(structure: CrystalStructure, bonds: BondSet | None = None, *, size: int = 6,
               elements: Iterable[str] = ("C",), max_rms: float = 0.1) -> RingSet:
    """Rings of ``size`` atoms of ``elements`` bonded in a cycle, planar within ``max_rms`` Å.

    With the defaults: aromatic six-membered carbon rings (phenyl, the salicylate ring). Each
    symmetry-distinct ring is reported once, in a frame where as many of its atoms as possible sit at
    their CIF positions.
    """
    bonds = bonds if bonds is not None else find_bonds(structure)
    allowed = set(elements)
    ops, frac = structure.ops, structure.frac
    steps: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
    for b in bonds.bonds:
        if b.element1 in allowed and b.element2 in allowed:
            steps.setdefault(b.site1, []).append(
                (b.site2, ops.rot[b.op], ops.tran[b.op] + np.array(b.shift, dtype=float)))
    found: dict[tuple, Ring] = {}
    raw_seen: set[frozenset] = set()

    def on_cycle(path: list) -> None:
        raw = frozenset(_key(p[0], p[3]) for p in path)
        if raw not in raw_seen:
            raw_seen.add(raw)
            _record(structure, [p[0] for p in path], np.array([p[3] for p in path]), found, max_rms)

    for start in sorted(steps):
        start_key = _key(start, frac[start])
        _walk([(start, np.eye(3), np.zeros(3), frac[start])], {start_key}, start_key, steps, frac, size, on_cycle)
    rings = tuple(sorted(found.values(), key=lambda r: r.sites))
    crit = f"{size}-membered rings of {'/'.join(sorted(allowed))} bonded in a cycle, planar within {max_rms} Å rms"
    return RingSet(rings, crit, computed_from(bonds.origin, method=f"ring search ({crit})"))


def _walk(path: list, seen: set, start_key: tuple, steps: dict, frac: np.ndarray, size: int, on_cycle) -> None:
    """Depth-first extension of ``path`` (site, rot, tran, position); ``on_cycle(path)`` for each closed ring."""
    site, rot, tran, _ = path[-1]
    for j, r2, t2 in steps.get(site, ()):
        rot_j, tran_j = rot @ r2, rot @ t2 + tran
        pos = rot_j @ frac[j] + tran_j
        k = _key(j, pos)
        if k == start_key:
            if len(path) == size:
                on_cycle(path)
            continue
        if len(path) == size or k in seen:
            continue
        seen.add(k)
        path.append((j, rot_j, tran_j, pos))
        _walk(path, seen, start_key, steps, frac, size, on_cycle)
        path.pop()
        seen.discard(k)


def _key(site: int, pos: np.ndarray) -> tuple:
    return (site, *np.round(np.asarray(pos, dtype=float) + 0.0, 3).tolist())


def _record(structure: CrystalStructure, sites: list[int], positions: np.ndarray, found: dict, max_rms: float
            ) -> None:
    """Canonicalise a ring up to symmetry (the least key over every frame that puts one of its atoms at its
    CIF position) and store it if new and planar."""
    ops, frac, orth = structure.ops, structure.frac, structure.orth
    best = None
    for k, site in enumerate(sites):
        for n in range(len(ops)):
            d = positions[k] - ops.apply(n, frac[site])
            shift = np.rint(d)
            if np.linalg.norm((d - shift) @ orth.T) > 0.05:
                continue
            rot, tran = ops.rot[n], ops.tran[n] + shift
            local = (positions - tran) @ np.linalg.inv(rot).T  # g⁻¹ applied to every ring atom
            key = tuple(sorted(_key(s, p) for s, p in zip(sites, local, strict=True)))
            at_cif = sum(np.linalg.norm((p - frac[s]) @ orth.T) < 0.05 for s, p in zip(sites, local, strict=True))
            rank = (-int(at_cif), key)
            if best is None or rank < best[0]:
                best = (rank, local)
    if best is None:
        return
    (_, key), local = best
    if key in found:
        return
    cart = structure.cartesian(local)
    centroid, normal, dev = _plane(cart)
    rms = float(np.sqrt(np.mean(dev**2)))
    if rms > max_rms:
        return
    names = []
    for s, p in zip(sites, local, strict=True):
        code = code_for_position(structure.images, orth, s, p) or "?"
        names.append(structure.sites[s].label + ("" if code == "1_555" else f"@{code}"))
    cg_frac = structure.frac_matrix @ centroid
    found[key] = Ring(tuple(names), tuple(sites), local, tuple(map(float, cg_frac)),  # type: ignore[arg-type]
                      tuple(map(float, centroid)), tuple(map(float, normal)), rms)  # type: ignore[arg-type]


def _plane(cart: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    centroid = cart.mean(axis=0)
    _, _, vt = np.linalg.svd(cart - centroid)
    normal = vt[-1]
    first = next((x for x in normal if abs(x) > 1e-9), 1.0)
    normal = normal if first > 0 else -normal
    return centroid, normal, (cart - centroid) @ normal
