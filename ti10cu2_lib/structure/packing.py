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
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import gemmi
import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.topology import Topology, connected_components

DEFAULT_SHELL_GAP = 0.5  # Å
DEFAULT_MC_POINTS = 100_000
DEFAULT_SEED = 20230  # fixed: the estimate is reproducible


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
