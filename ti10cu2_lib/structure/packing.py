"""Packing of molecules (or chain repeat units): centroids, neighbour shells, stacking, packing coefficient.

Distances in Å, volumes in Å³. The *units* are the connected components of :mod:`.topology` — molecules
(0D) or the repeat units of chains (1D, the compact repeat unit chosen there) — by default only those of
the largest symmetry-distinct kind (the cluster, not solvent). Their centroids are unweighted means of
the atom positions (Cartesian), occupancy ignored.

* Neighbour shells: centroid–centroid distances to all periodic images up to ``max_distance``
  (default 2.5 × the shortest one), grouped into shells wherever consecutive distances differ by more than
  ``shell_gap`` (0.5 Å). A close-packed arrangement of equal spheres gives 12 in the first shell.
* Stacking: the shortest lattice vector ``[u, v, w]`` (cell axes) — the period along which identical
  units stack — and, for the centroids projected on the plane perpendicular to it, the distances between
  neighbouring stacks.
* Packing coefficient (Kitaigorodskii): volume of the union of van der Waals spheres in the cell / cell
  volume, by Monte-Carlo with a fixed seed (standard error reported). Radii: gemmi's ``Element.vdw_r``
  (Bondi 1964 for the common elements). All sites count, disordered alternatives included (they overlap).
* Close packing (:func:`close_packing`): adaptive common-neighbour analysis of the centroids (Honeycutt &
  Andersen, J. Phys. Chem. 1987, 91, 4950; local cut-off of Stukowski, Modelling Simul. Mater. Sci. Eng. 2012,
  20, 045021). Twelve neighbours all with the signature (4,2,1) are a cubic (ABC…) environment, six (4,2,1) and
  six (4,2,2) a hexagonal (ABAB…) one; anything else is not close-packed.
* Supercrystal descriptors (:func:`supercrystal_descriptors`): what the article says about the packing, as
  numbers any structure can be measured by — the units' dimensionality, the first-shell coordination number,
  the close-packed stacking, and for chains their axis, the links per unit and the distances between chains.
  The schematic supercrystals (:mod:`.schematic`) are measured by this same code.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import gemmi
import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result, to_jsonable
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.topology import Topology, connected_components

DEFAULT_SHELL_GAP = 0.5  # Å
DEFAULT_MC_POINTS = 100_000
DEFAULT_SEED = 20230  # fixed: the estimate is reproducible
#: adaptive CNA: the local cut-off is this factor × the mean distance of the 12 nearest neighbours — halfway
#: between the first (1) and second (√2) neighbour distances of fcc and hcp
CNA_CUTOFF_FACTOR = (1.0 + math.sqrt(2.0)) / 2.0
#: two chains are parallel when the angle between their axes is below this (degrees)
PARALLEL_TOLERANCE_DEG = 5.0


@dataclass(frozen=True)
class Shell:
    """Neighbour centroids between ``r_min`` and ``r_max`` (Å); ``count`` per unit, ``cumulative`` up to here."""

    r_min: float
    r_max: float
    mean: float
    count: float
    cumulative: float


@dataclass(frozen=True)
class Stacking:
    """Stacking along the shortest lattice vector: direction ``[u, v, w]``, period (Å), stacks per cell and
    the distances (Å) from one stack to its nearest neighbouring stacks."""

    direction: tuple[int, int, int]
    period: float
    stacks_per_cell: int
    interstack_distances: tuple[float, ...]
    description: str


@dataclass(frozen=True, eq=False)
class Packing(Result):
    """Centroids of the packing units in the cell, their neighbour shells, stacking and packing coefficient."""

    unit_formula: str
    unit_dimensionality: int
    n_units_cell: int
    centroids_frac: tuple[tuple[float, float, float], ...]  # wrapped into [0, 1)
    nearest_distance: float | None  # Å
    neighbour_distances: tuple[float, ...]  # Å, from the first unit, sorted, up to max_distance
    shells: tuple[Shell, ...]
    stacking: Stacking | None
    packing_coefficient: float
    packing_coefficient_se: float
    cell_volume: float  # Å³
    method: str
    origin: Origin = field(repr=False)


def _shortest_lattice_vectors(orth: np.ndarray, limit: int = 3) -> list[tuple[float, tuple[int, int, int]]]:
    out = []
    for uvw in itertools.product(range(-limit, limit + 1), repeat=3):
        if not any(uvw):
            continue
        first = next(x for x in uvw if x)
        if first < 0 or math.gcd(*[abs(x) for x in uvw]) != 1:
            continue
        out.append((float(np.linalg.norm(orth @ np.array(uvw, dtype=float))), uvw))
    out.sort()
    return out  # type: ignore[return-value]


def packing(structure: CrystalStructure, topology: Topology | None = None, *, units: str = "largest",
            max_distance: float | None = None, shell_gap: float = DEFAULT_SHELL_GAP,
            mc_points: int = DEFAULT_MC_POINTS, seed: int = DEFAULT_SEED) -> Packing:
    """Packing analysis; ``units`` is ``'largest'`` (the biggest kind of component) or ``'all'``."""
    if units not in ("largest", "all"):
        raise InputError(f"units '{units}' is not 'largest' or 'all'", fix="use units='largest' or 'all'")
    topology = topology if topology is not None else connected_components(structure)
    orth = structure.orth
    comps = list(topology.components)
    if units == "largest" and topology.classes:
        keep = {0}  # classes are sorted by size, largest first
        comps = [c for c in comps if c.symmetry_class in keep]
    unit_dim = max((c.dimensionality for c in comps), default=0)
    centroids = np.array([np.mod(c.centroid_frac, 1.0) for c in comps]).reshape(-1, 3)
    formula = comps[0].formula if comps else ""

    distances: list[float] = []
    nearest = None
    shells: tuple[Shell, ...] = ()
    stacking = None
    if unit_dim <= 1 and len(centroids):
        # distances from every unit to every image of every unit (translations reaching max_distance)
        lattice = _shortest_lattice_vectors(orth)
        if max_distance is None:
            probe = _pair_distances(structure, centroids, lattice[0][0] * 1.01 + 1e-6)
            nn = float(probe[probe > 1e-6].min()) if np.any(probe > 1e-6) else lattice[0][0]
            max_distance = 2.5 * nn
        per_unit = [np.sort(d[d > 1e-6]) for d in _pair_distances(structure, centroids, max_distance, by_unit=True)]
        distances = per_unit[0].tolist()
        nearest = float(min(d[0] for d in per_unit if len(d))) if any(len(d) for d in per_unit) else None
        shells = _shells(np.concatenate(per_unit), len(per_unit), shell_gap)
        stacking = _stacking(structure, centroids, lattice[0])
    pc, se = packing_coefficient(structure, n_points=mc_points, seed=seed)
    method = (f"centroids of {units} components; shells split at gaps > {shell_gap} Å; packing coefficient by "
              f"Monte-Carlo ({mc_points} points, seed {seed}), gemmi vdW radii")
    origin = computed_from(topology.origin, method="packing analysis")
    return Packing(formula, unit_dim, len(comps), tuple(tuple(map(float, c)) for c in centroids),  # type: ignore[misc]
                   nearest, tuple(distances), shells, stacking, pc, se, structure.cell.volume, method, origin)


def _pair_distances(structure: CrystalStructure, centroids: np.ndarray, cutoff: float, *, by_unit: bool = False):
    """Distances (Å) from each centroid to every lattice image of every centroid within ``cutoff``."""
    orth = structure.orth
    recip = np.linalg.norm(structure.frac_matrix, axis=1)
    reach = np.ceil(cutoff * recip + 1.0).astype(int)
    grid = np.array(list(itertools.product(*[range(-r, r + 1) for r in reach])), dtype=float)
    out = []
    for c in centroids:
        d = (centroids[None, :, :] - c[None, None, :] + grid[:, None, :]).reshape(-1, 3) @ orth.T
        dist = np.linalg.norm(d, axis=1)
        out.append(dist[dist <= cutoff])
    return out if by_unit else np.concatenate(out)


def _shells(distances: np.ndarray, n_units: int, gap: float) -> tuple[Shell, ...]:
    if not len(distances):
        return ()
    d = np.sort(distances)
    groups, start = [], 0
    for k in range(1, len(d) + 1):
        if k == len(d) or d[k] - d[k - 1] > gap:
            groups.append(d[start:k])
            start = k
    shells, total = [], 0.0
    for g in groups:
        count = len(g) / n_units
        total += count
        shells.append(Shell(float(g[0]), float(g[-1]), float(g.mean()), count, total))
    return tuple(shells)


def _stacking(structure: CrystalStructure, centroids: np.ndarray, shortest: tuple[float, tuple[int, int, int]]
              ) -> Stacking:
    period, uvw = shortest
    orth = structure.orth
    axis = orth @ np.array(uvw, dtype=float)
    axis /= np.linalg.norm(axis)
    # project centroids (and their lattice images) onto the plane perpendicular to the stacking axis
    cart = centroids @ orth.T
    perp = cart - np.outer(cart @ axis, axis)
    # stacks: centroids whose projections coincide modulo the projected lattice
    grid = np.array(list(itertools.product(range(-2, 3), repeat=3)), dtype=float) @ orth.T
    grid_perp = grid - np.outer(grid @ axis, axis)
    stack_of = list(range(len(perp)))
    for i in range(len(perp)):
        for j in range(i):
            if np.min(np.linalg.norm(perp[i] - perp[j] + grid_perp, axis=1)) < 0.5:
                stack_of[i] = stack_of[j]
                break
    n_stacks = len(set(stack_of))
    d = np.linalg.norm(perp[None, :, :] - perp[0][None, None, :] + grid_perp[:, None, :], axis=2).ravel()
    d = np.unique(np.round(d[d > 0.5], 3))[:6]
    desc = (f"units stack along [{' '.join(str(x) for x in uvw)}] with a period of {period:.3f} Å; "
            f"{n_stacks} stack(s) per cell; nearest neighbouring stacks at "
            f"{', '.join(f'{x:.2f}' for x in d[:3])} Å")
    return Stacking(tuple(int(x) for x in uvw), period, n_stacks,  # type: ignore[arg-type]
                    tuple(float(x) for x in d), desc)


def packing_coefficient(structure: CrystalStructure, *, n_points: int = DEFAULT_MC_POINTS,
                        seed: int = DEFAULT_SEED) -> tuple[float, float]:
    """Fraction of the cell inside the union of van der Waals spheres (Monte-Carlo): (value, standard error)."""
    from scipy.spatial import cKDTree  # local: keeps the CLI start-up light

    images = structure.images
    radii = np.array([gemmi.Element(structure.elements[s]).vdw_r for s in images.site])
    orth = structure.orth
    rmax = float(radii.max())
    wrapped = np.mod(images.pos, 1.0)
    margin = rmax * np.linalg.norm(structure.frac_matrix, axis=1)
    pts, rad = [], []
    for shift in itertools.product((-1, 0, 1), repeat=3):
        p = wrapped + np.array(shift, dtype=float)
        inside = np.all((p > -margin) & (p < 1 + margin), axis=1)
        pts.append(p[inside])
        rad.append(radii[inside])
    atoms = np.concatenate(pts) @ orth.T
    atom_r = np.concatenate(rad)
    rng = np.random.default_rng(seed)
    probe = rng.random((n_points, 3)) @ orth.T
    covered = np.zeros(n_points, dtype=bool)
    for r in np.unique(atom_r):
        tree = cKDTree(atoms[atom_r == r])
        dist, _ = tree.query(probe[~covered], k=1, distance_upper_bound=r)
        idx = np.flatnonzero(~covered)
        covered[idx[np.isfinite(dist)]] = True
    p = covered.mean()
    return float(p), float(math.sqrt(p * (1 - p) / n_points))


def supercell_centroids(result: Packing, structure: CrystalStructure, repeats: tuple[int, int, int] = (2, 2, 2)
                        ) -> list[dict]:
    """Centroids of the packing units in a ``repeats`` supercell, for a schematic "supercrystal" plot.

    Each item: ``{"unit": k, "cell": [i, j, l], "frac": [...], "xyz": [x, y, z] (Å)}``.
    """
    out = []
    for cell in itertools.product(*[range(n) for n in repeats]):
        for k, c in enumerate(result.centroids_frac):
            frac = np.array(c) + np.array(cell, dtype=float)
            out.append({"unit": k, "cell": list(cell), "frac": frac.tolist(),
                        "xyz": structure.cartesian(frac).tolist()})
    return out


# ------------------------------------------------------------------------------------------ close packing


@dataclass(frozen=True, eq=False)
class ClosePacking(Result):
    """Adaptive common-neighbour analysis of the unit centroids (see the module docstring).

    ``environments`` per unit in the cell: ``"hcp"``, ``"fcc"`` or ``"other"``; ``signatures`` per unit:
    ``{"421": 6, "422": 6}`` (common neighbours, bonds among them, largest cluster of connected bonds).
    ``stacking`` is ``"ABAB"`` when every unit is hcp-like, ``"ABC"`` when every unit is fcc-like, ``"mixed"``
    for both kinds (e.g. ABAC, stacking faults) and None otherwise. ``layer_normal`` (Cartesian unit vector) and
    ``layer_normal_uvw`` (the nearest small-index lattice direction, None if none is within 5°) are the normal
    of the close-packed layers, for an ABAB arrangement.
    """

    stacking: str | None
    environments: tuple[str, ...]
    signatures: tuple[dict[str, int], ...]
    coordination_numbers: tuple[int, ...]  # neighbours within each unit's local cut-off
    local_cutoffs: tuple[float, ...]  # Å
    layer_normal: tuple[float, float, float] | None
    layer_normal_uvw: tuple[int, int, int] | None
    description: str
    method: str
    origin: Origin = field(repr=False)


def _neighbour_vectors(structure: CrystalStructure, centroids: np.ndarray, index: int, cutoff: float) -> np.ndarray:
    """Cartesian vectors (Å) from centroid ``index`` to every lattice image of every centroid within ``cutoff``,
    sorted by length (the unit itself excluded)."""
    recip = np.linalg.norm(structure.frac_matrix, axis=1)
    reach = np.ceil(cutoff * recip + 1.0).astype(int)
    grid = np.array(list(itertools.product(*[range(-r, r + 1) for r in reach])), dtype=float)
    d = (centroids[None, :, :] - centroids[index][None, None, :] + grid[:, None, :]).reshape(-1, 3) @ structure.orth.T
    length = np.linalg.norm(d, axis=1)
    keep = (length > 1e-6) & (length <= cutoff)
    order = np.argsort(length[keep], kind="stable")
    return d[keep][order]


def _largest_bond_cluster(bonds: list[tuple[int, int]]) -> int:
    """Number of bonds in the largest set of bonds connected through shared atoms."""
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in bonds:
        parent[find(a)] = find(b)
    sizes: dict[int, int] = {}
    for a, _ in bonds:
        root = find(a)
        sizes[root] = sizes.get(root, 0) + 1
    return max(sizes.values(), default=0)


def _cna_environment(vectors: np.ndarray) -> tuple[str, dict[str, int], int, float, np.ndarray | None]:
    """(environment, signature counts, neighbours, local cut-off, normal of the hcp layer or None) of one unit."""
    if len(vectors) < 12:
        return "other", {}, len(vectors), float("nan"), None
    lengths = np.linalg.norm(vectors, axis=1)
    cutoff = CNA_CUTOFF_FACTOR * float(lengths[:12].mean())
    near = vectors[lengths <= cutoff]
    if len(near) != 12:
        return "other", {}, len(near), cutoff, None
    pair = np.linalg.norm(near[:, None, :] - near[None, :, :], axis=2) <= cutoff
    np.fill_diagonal(pair, False)
    counts: dict[str, int] = {}
    kinds = []
    for j in range(12):
        common = [k for k in range(12) if pair[j, k]]
        bonds = [(k, m) for a, k in enumerate(common) for m in common[a + 1:] if pair[k, m]]
        key = f"{len(common)}{len(bonds)}{_largest_bond_cluster(bonds)}"
        counts[key] = counts.get(key, 0) + 1
        kinds.append(key)
    if counts == {"421": 12}:
        return "fcc", counts, 12, cutoff, None
    if counts == {"421": 6, "422": 6}:
        # the six (4,2,2) neighbours lie in the unit's own close-packed layer: its normal is the stacking axis
        layer = near[[k == "422" for k in kinds]]
        normal = np.linalg.svd(layer)[2][-1]  # the plane through the unit's own centroid
        return "hcp", counts, 12, cutoff, normal
    return "other", counts, 12, cutoff, None


def _small_uvw(structure: CrystalStructure, direction: np.ndarray, max_index: int = 6,
               tolerance_deg: float = 5.0) -> tuple[int, int, int] | None:
    """The lattice direction [u v w] with the smallest indices within ``tolerance_deg`` of a Cartesian direction."""
    frac = structure.frac_matrix @ direction
    frac = frac / np.abs(frac).max()
    unit = direction / np.linalg.norm(direction)
    for scale in range(1, max_index + 1):
        uvw = np.rint(frac * scale).astype(int)
        if not uvw.any():
            continue
        g = math.gcd(*[abs(int(x)) for x in uvw])
        uvw = uvw // g
        cart = structure.orth @ uvw
        angle = math.degrees(math.acos(min(1.0, abs(float(cart @ unit)) / float(np.linalg.norm(cart)))))
        if angle <= tolerance_deg:
            first = next(x for x in uvw if x)
            return tuple(int(x) if first > 0 else -int(x) for x in uvw)  # type: ignore[return-value]
    return None


def close_packing(structure: CrystalStructure, result: Packing) -> ClosePacking | None:
    """Is the centroid arrangement of ``result`` close-packed, and how are its layers stacked (ABAB or ABC)?

    None when there are no 0D/1D units to analyse. Each unit's 12 nearest centroids (all lattice images) set its
    local cut-off (:data:`CNA_CUTOFF_FACTOR` × their mean distance); a unit with other than 12 centroids inside is
    ``"other"``. Tolerant to the moderate distortion of a real molecular crystal; not to a missing neighbour.
    """
    centroids = np.array(result.centroids_frac, dtype=float).reshape(-1, 3)
    if not len(centroids) or result.unit_dimensionality > 1 or result.nearest_distance is None:
        return None
    search = 2.0 * result.nearest_distance
    found = [_cna_environment(_neighbour_vectors(structure, centroids, i, search)) for i in range(len(centroids))]
    envs = tuple(f[0] for f in found)
    kinds = set(envs)
    stacking = ("ABAB" if kinds == {"hcp"} else "ABC" if kinds == {"fcc"} else
                "mixed" if kinds == {"hcp", "fcc"} else None)
    normal = uvw = None
    normals = [f[4] for f in found if f[4] is not None]
    if stacking == "ABAB" and normals:
        ref = normals[0]
        mean = np.mean([n if n @ ref >= 0 else -n for n in normals], axis=0)
        mean /= np.linalg.norm(mean)
        normal = tuple(float(x) for x in mean)
        uvw = _small_uvw(structure, mean)
    cns = tuple(f[2] for f in found)
    n = len(envs)
    if stacking == "ABAB":
        where = f" ⟂ [{' '.join(map(str, uvw))}]" if uvw else ""
        text = (f"all {n} unit(s) have 12 neighbours, 6 × (4,2,1) + 6 × (4,2,2): hexagonal close packing, "
                f"ABAB stacking of close-packed layers{where}")
    elif stacking == "ABC":
        text = f"all {n} unit(s) have 12 neighbours, 12 × (4,2,1): cubic close packing, ABC stacking"
    elif stacking == "mixed":
        text = (f"{envs.count('hcp')} hcp-like and {envs.count('fcc')} fcc-like unit(s): close-packed layers in a "
                "mixed sequence (e.g. ABAC, or stacking faults)")
    else:
        text = (f"not close-packed: neighbours within the local cut-off {', '.join(str(c) for c in sorted(set(cns)))}"
                f" (12 in a close packing)" + (f"; {envs.count('hcp') + envs.count('fcc')} of {n} unit(s) "
                                                "close-packed" if kinds & {"hcp", "fcc"} else ""))
    method = (f"adaptive common-neighbour analysis of the unit centroids (Honeycutt & Andersen 1987; local cut-off "
              f"{CNA_CUTOFF_FACTOR:.3f} × mean distance of the 12 nearest, Stukowski 2012)")
    return ClosePacking(stacking, envs, tuple(f[1] for f in found), cns, tuple(float(f[3]) for f in found),
                        normal, uvw, text, method,  # type: ignore[arg-type]
                        computed_from(result.origin, method="common-neighbour analysis"))


def stacking_along(structure: CrystalStructure, centroids_frac: np.ndarray | tuple,
                   direction: tuple[int, int, int]) -> Stacking:
    """How the units stack along the lattice direction ``[u v w]`` (e.g. a chain axis): the stacks (units whose
    projections on the perpendicular plane coincide) per cell and the distances (Å) between neighbouring stacks."""
    uvw = tuple(int(x) for x in direction)
    if not any(uvw):
        raise InputError("[0 0 0] is not a direction", fix="give a lattice direction such as 0,0,1")
    period = float(np.linalg.norm(structure.orth @ np.array(uvw, dtype=float)))
    centroids = np.mod(np.array(centroids_frac, dtype=float).reshape(-1, 3), 1.0)
    return _stacking(structure, centroids, (period, uvw))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ supercrystal descriptors


@dataclass(frozen=True, eq=False)
class SupercrystalDescriptors(Result):
    """The article's packing words as numbers, for any structure (a CIF or a schematic): see the module docstring.

    ``dimensionality`` of the packing units (None when the bond network is undetermined); ``coordination_number``
    the units in the first neighbour shell (:attr:`Packing.shells`, per unit); ``close_packing`` the
    common-neighbour analysis; for a chain (1D) its ``chain_axis`` [u v w] and ``chain_period`` (Å), the bonds
    cut between consecutive repeat units (``links_per_repeat``) and the links each unit has to its neighbours
    in the chain (``links_per_unit`` = 2 × ``links_per_repeat``: each cut bond joins two units), whether all
    chains run parallel, and the distances (Å) from one chain to its nearest neighbouring chains.
    """

    dimensionality: int | None
    unit_formula: str
    units_per_cell: int
    nearest_distance: float | None  # Å
    coordination_number: float | None
    first_shell: tuple[float, float] | None  # Å, (r_min, r_max)
    close_packing: ClosePacking | None
    chain_axis: tuple[int, int, int] | None
    chain_period: float | None  # Å
    links_per_repeat: int | None
    links_per_unit: int | None
    chains_parallel: bool | None
    chains_per_cell: int | None
    interchain_distances: tuple[float, ...]  # Å
    origin: Origin = field(repr=False)

    @property
    def stacking(self) -> str | None:
        return self.close_packing.stacking if self.close_packing is not None else None

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["stacking"] = self.stacking
        out["dimensionality_label"] = None if self.dimensionality is None else f"{self.dimensionality}D"
        return to_jsonable(out)


def supercrystal_descriptors(structure: CrystalStructure, topology: Topology, result: Packing
                             ) -> SupercrystalDescriptors:
    """:class:`SupercrystalDescriptors` of a structure from its topology and packing (as in an anatomy)."""
    dim = result.unit_dimensionality if topology.determined and result.centroids_frac else None
    shell = result.shells[0] if result.shells else None
    axis = period = links = per_unit = parallel = chains = None
    distances: tuple[float, ...] = ()
    if dim == 1 and topology.classes:
        kind = topology.classes[0]
        axis, period, links = kind.propagation, kind.propagation_length, int(kind.links_per_repeat)
        per_unit = 2 * links
        members = [c for c in topology.components if c.symmetry_class == 0 and c.propagation is not None]
        vectors = [structure.orth @ np.array(c.propagation, dtype=float) for c in members]
        vectors = [v / np.linalg.norm(v) for v in vectors]
        cos_min = math.cos(math.radians(PARALLEL_TOLERANCE_DEG))
        parallel = all(abs(float(v @ vectors[0])) >= cos_min for v in vectors)
        if parallel and axis is not None:
            along = stacking_along(structure, result.centroids_frac, axis)
            chains, distances = along.stacks_per_cell, along.interstack_distances
    return SupercrystalDescriptors(
        dimensionality=dim, unit_formula=result.unit_formula, units_per_cell=result.n_units_cell,
        nearest_distance=result.nearest_distance, coordination_number=shell.count if shell else None,
        first_shell=(shell.r_min, shell.r_max) if shell else None, close_packing=close_packing(structure, result),
        chain_axis=axis, chain_period=period, links_per_repeat=links, links_per_unit=per_unit,
        chains_parallel=parallel, chains_per_cell=chains, interchain_distances=distances,
        origin=computed_from(result.origin, method="supercrystal descriptors (shells, close packing, chains)"))
