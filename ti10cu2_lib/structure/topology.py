"""Connected components across periodic images: molecules (0D), chains (1D), layers (2D), frameworks (3D).

The bond graph is built on the atoms of one unit cell (the distinct images of the asymmetric-unit sites);
an edge carries the lattice translation between its two atoms. A breadth-first walk gives each atom of a
component a lattice offset (unfolding the component); every edge that closes a loop with a non-zero net
translation is a lattice vector along which the component repeats. The rank of those vectors is the
dimensionality; for a chain, their greatest common generator is the propagation vector ``[u, v, w]``
(in cell axes; length in Å) and the bonds crossing from one repeat unit to the next are the *linking bonds*.

Components related by a space-group operation are one *class* (e.g. the four molecules of a P2_1/c cell
with Z = 4 form one class with ``count_per_cell`` 4). Formulas are occupancy-weighted (Hill order);
``n_atoms`` counts atom sites, disordered alternatives included.

A structure without any bond (not even metal–metal contacts, see :mod:`.bonds`) has no connectivity to
speak of: its dimensionality is *undetermined* (``Topology.determined`` False, ``null`` in JSON, and a note),
never "0D". Every bond is an edge in both directions, so components never depend on which end a bond was
found from.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.bonds import METALS, Bond, BondSet, find_bonds
from ti10cu2_lib.structure.cif import CrystalStructure, format_formula
from ti10cu2_lib.structure.symmetry import SAME_POSITION_TOL, locate

_INSTANCE_WORDS = {0: "molecule", 1: "chain", 2: "layer", 3: "framework"}


@dataclass(frozen=True, eq=False)
class Component:
    """One connected component of the cell's bond graph (modulo lattice translations).

    ``nodes`` are cell-image indices (:class:`~.symmetry.CellImages`), ``offsets`` their lattice offsets
    in the unfolded component: atom ``nodes[i]`` sits at ``images.pos[nodes[i]] + offsets[i]``.
    ``lattice`` is an echelon (Hermite-form) basis of the translations that map the component onto itself.
    """

    index: int
    nodes: np.ndarray
    offsets: np.ndarray
    formula: str
    n_atoms: int
    dimensionality: int
    lattice: tuple[tuple[int, int, int], ...]
    propagation: tuple[int, int, int] | None  # 1D only: the repeat vector in cell axes
    propagation_length: float | None  # Å
    linking_bonds: tuple[Bond, ...]  # 1D: distinct bonds from one repeat unit to the next
    links_per_repeat: int  # 1D: how many bonds join one repeat unit to the next
    symmetry_class: int
    centroid_frac: tuple[float, float, float]  # centroid of the unfolded atoms (repeat unit for chains)

    def to_dict(self) -> dict:
        return {"index": self.index, "formula": self.formula, "n_atoms": self.n_atoms,
                "dimensionality": self.dimensionality, "propagation": self.propagation,
                "propagation_length": self.propagation_length,
                "linking_bonds": [b.row() for b in self.linking_bonds], "links_per_repeat": self.links_per_repeat,
                "symmetry_class": self.symmetry_class}


@dataclass(frozen=True)
class ComponentClass:
    """Symmetry-distinct component: formula, size, dimensionality, and how many are in one cell."""

    formula: str
    n_atoms: int
    dimensionality: int
    count_per_cell: int
    representative: int  # index into Topology.components
    propagation: tuple[int, int, int] | None = None
    propagation_length: float | None = None  # Å
    linking_bonds: tuple[dict, ...] = ()
    links_per_repeat: int = 0
    labels: tuple[str, ...] = ()  # asymmetric-unit labels present in the component

    def to_dict(self) -> dict:
        out = {"formula": self.formula, "dimensionality": self.dimensionality, "n_atoms": self.n_atoms,
               "count_per_cell": self.count_per_cell}
        if self.dimensionality == 1:
            out["propagation"] = list(self.propagation or ())
            out["propagation_length"] = self.propagation_length
        if self.linking_bonds:
            out["linking_bonds"] = list(self.linking_bonds)
            out["links_per_repeat"] = self.links_per_repeat
        return out


@dataclass(frozen=True, eq=False)
class Topology(Result):
    """Connected components of a structure (every one in the cell) and their symmetry classes."""

    components: tuple[Component, ...]
    classes: tuple[ComponentClass, ...]
    node_component: np.ndarray  # component index of every cell node
    node_offset: np.ndarray  # lattice offset of every cell node in its unfolded component
    origin: Origin = field(repr=False)
    notes: tuple[str, ...] = ()  # sentences a reader needs (metal–metal bonds used, dimensionality undetermined)
    determined: bool = True  # False when there is no bond at all: the dimensionality means nothing

    @property
    def dimensionality(self) -> int:
        """Highest dimensionality of any component (0 when :attr:`determined` is False: see there)."""
        return max((c.dimensionality for c in self.components), default=0)

    def instance(self, node: int, shift: np.ndarray | tuple[int, int, int]) -> tuple[int, tuple[int, ...]]:
        """Which component instance the atom at ``images.pos[node] + shift`` belongs to.

        Returns ``(component index, translation)``: two atoms are in the same molecule/chain/layer exactly
        when these are equal (the translation is reduced modulo the component's own lattice).
        """
        comp = int(self.node_component[node])
        t = np.asarray(shift, dtype=int) - self.node_offset[node]
        return comp, _reduce(t, self.components[comp].lattice)

    def word(self, dimensionality: int | None = None) -> str:
        """'molecule', 'chain', 'layer' or 'framework' for the given (default: highest) dimensionality."""
        return _INSTANCE_WORDS[self.dimensionality if dimensionality is None else dimensionality]

    def to_dict(self) -> dict:
        return {"dimensionality": self.dimensionality if self.determined else None,
                "components": [c.to_dict() | ({} if self.determined else {"dimensionality": None})
                               for c in self.classes],
                "notes": list(self.notes), "provenance": self.origin.to_dict()}


def connected_components(structure: CrystalStructure, bonds: BondSet | None = None, *,
                         include_long_contacts: bool = False) -> Topology:
    """Connected components of the bond graph over periodic images.

    ``bonds`` defaults to :func:`~.bonds.find_bonds` with its defaults; ``include_long_contacts`` also
    joins atoms through the long metal···donor contacts (e.g. Jahn–Teller Cu···O).
    """
    bonds = bonds if bonds is not None else find_bonds(structure)
    images = structure.images
    n_nodes = len(images)
    adjacency: list[list[tuple[int, np.ndarray, Bond]]] = [[] for _ in range(n_nodes)]
    for u, v, shift, bond in _both_directions(cell_edges(structure, bonds.bonds + (
            bonds.long_contacts if include_long_contacts else ()))):
        adjacency[u].append((v, shift, bond))

    comp_of = np.full(n_nodes, -1, dtype=int)
    offset = np.zeros((n_nodes, 3), dtype=int)
    raw: list[tuple[list[int], list[np.ndarray]]] = []
    for root in range(n_nodes):
        if comp_of[root] >= 0:
            continue
        c = len(raw)
        comp_of[root] = c
        members = [root]
        cycles: list[np.ndarray] = []
        queue = deque([root])
        while queue:
            u = queue.popleft()
            for v, shift, _bond in adjacency[u]:
                expected = offset[u] + shift
                if comp_of[v] < 0:
                    comp_of[v] = c
                    offset[v] = expected
                    members.append(v)
                    queue.append(v)
                else:
                    loop = expected - offset[v]
                    if loop.any():
                        cycles.append(loop)
        raw.append((members, cycles))

    components = []
    for c, (members, cycles) in enumerate(raw):
        nodes = np.array(members, dtype=int)
        lattice = _hnf(cycles)
        dim = len(lattice)
        prop = length = None
        linking: tuple[Bond, ...] = ()
        n_links = 0
        if dim == 1:
            prop = _positive(lattice[0])
            length = float(np.linalg.norm(structure.orth @ np.array(prop, dtype=float)))
            linking, n_links = _compact_repeat_unit(nodes, offset, np.array(prop), adjacency)
        unfolded = images.pos[nodes] + offset[nodes]
        comp: dict[str, float] = {}
        for u in nodes:
            site = structure.sites[images.site[u]]
            comp[site.element] = comp.get(site.element, 0.0) + site.occupancy
        centroid = structure.frac_matrix @ structure.cartesian(unfolded).mean(axis=0)
        components.append(Component(
            index=c, nodes=nodes, offsets=offset[nodes].copy(), formula=format_formula(comp), n_atoms=len(nodes),
            dimensionality=dim, lattice=lattice, propagation=prop, propagation_length=length,
            linking_bonds=linking, links_per_repeat=n_links, symmetry_class=-1,
            centroid_frac=tuple(float(x) for x in centroid)))  # type: ignore[arg-type]

    classes = _classify(structure, components, comp_of)
    method = "connected components of the periodic bond graph"
    if include_long_contacts:
        method += " (long metal···donor contacts counted as links)"
    origin = computed_from(bonds.origin, method=method)
    determined = bool(bonds.bonds)
    notes = bonds.notes + (() if determined else (NO_BONDS_NOTE,))
    return Topology(tuple(components), classes, comp_of, offset, origin, notes, determined)


#: What a structure without any bond gets instead of a dimensionality.
NO_BONDS_NOTE = ("no bond at all (every atom farther from every other than r1 + r2 + tolerance): the "
                 "dimensionality is undetermined, not 0D; check the cell and coordinates, or raise --tolerance")


#: Cost of cutting a bond when choosing a chain's repeat unit: bonds to metals are cheap (coordination links),
#: bonds between non-metals (inside organic ligands) expensive; longer bonds slightly cheaper.
_CUT_COST_METAL, _CUT_COST_OTHER, _CUT_COST_PER_ANGSTROM = 1.0, 100.0, 0.001


def _compact_repeat_unit(nodes: np.ndarray, offset: np.ndarray, prop: np.ndarray,
                         adjacency: list[list[tuple[int, np.ndarray, Bond]]]) -> tuple[tuple[Bond, ...], int]:
    """Choose the repeat unit of a chain that cuts the fewest (coordination) bonds.

    Returns the distinct cut bonds (as asymmetric-unit bonds) and how many bonds are cut per repeat.

    Each atom gets an integer label ℓ (which repeat unit it is assigned to); a bond whose ends end up in
    units k and k+δ is cut |δ| times. Minimising the weighted number of cuts is a linear programme whose
    constraint matrix is totally unimodular (the dual of a min-cost flow), so its vertex solution is
    integral. ``offset`` is updated in place so that each node sits in the chosen repeat unit.
    """
    from scipy.optimize import linprog

    index = {int(u): k for k, u in enumerate(nodes)}
    axis = int(np.flatnonzero(prop)[0])
    rows = []  # (k_u, k_v, delta, weight, bond)
    for u in nodes:
        for v, shift, bond in adjacency[int(u)]:
            loop = offset[u] + shift - offset[v]
            delta = int(round(loop[axis] / prop[axis]))
            metal = bond.element1 in METALS or bond.element2 in METALS
            weight = (_CUT_COST_METAL if metal else _CUT_COST_OTHER) - _CUT_COST_PER_ANGSTROM * bond.distance
            rows.append((index[int(u)], index[int(v)], delta, weight, bond))
    n, m = len(nodes), len(rows)
    if m == 0:
        return (), 0
    # variables: labels ℓ (n, free; ℓ_0 = 0) then slacks s (m, ≥ 0); s_e ≥ ±(δ_e − ℓ_u + ℓ_v)
    cost = np.concatenate([np.zeros(n), [r[3] for r in rows]])
    a_ub = np.zeros((2 * m, n + m))
    b_ub = np.zeros(2 * m)
    for e, (ku, kv, delta, _w, _b) in enumerate(rows):
        # δ − ℓu + ℓv − s ≤ 0  and  −δ + ℓu − ℓv − s ≤ 0
        a_ub[2 * e, ku] -= 1
        a_ub[2 * e, kv] += 1
        a_ub[2 * e, n + e] = -1
        b_ub[2 * e] = -delta
        a_ub[2 * e + 1, ku] += 1
        a_ub[2 * e + 1, kv] -= 1
        a_ub[2 * e + 1, n + e] = -1
        b_ub[2 * e + 1] = delta
    bounds = [(0, 0)] + [(None, None)] * (n - 1) + [(0, None)] * m
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if not result.success:
        return (), 0
    labels = np.rint(result.x[:n]).astype(int)
    for k, u in enumerate(nodes):
        offset[u] = offset[u] - labels[k] * prop
    cut = [(bond, abs(delta - labels[ku] + labels[kv])) for ku, kv, delta, _w, bond in rows
           if delta - labels[ku] + labels[kv] != 0]
    # every bond of the cell graph is stored from both ends
    return _dedupe_links([b for b, _ in cut]), sum(n for _, n in cut) // 2


def cell_edges(structure: CrystalStructure, bonds: tuple[Bond, ...]) -> list[tuple[int, int, np.ndarray, Bond]]:
    """Every bond of every cell atom: (node u, node v, lattice shift of v, generating asymmetric-unit bond).

    Node u is site i moved by operation m; the bond i → j@(n, s) becomes u → op_m(op_n(x_j) + s), which is the
    image of site j under op_m∘op_n (:attr:`~.symmetry.SymOps.table`) plus a lattice shift; where that does
    not hold to :data:`~.symmetry.SAME_POSITION_TOL`, the image is searched for.
    """
    images, ops, orth = structure.images, structure.ops, structure.orth
    edges = []
    for bond in bonds:
        nodes_u = images.nodes_of_site(bond.site1)
        m = images.op[nodes_u]
        q = np.einsum("kab,b->ka", ops.rot[m], np.array(bond.frac2)) + ops.tran[m]  # where op_m takes the atom
        product = ops.table[m, bond.op]
        nodes_v = images.node_of[bond.site2, np.maximum(product, 0)]
        d = q - images.pos[nodes_v]
        shifts = np.rint(d)
        fits = (product >= 0) & (np.linalg.norm((d - shifts) @ orth.T, axis=1) < SAME_POSITION_TOL)
        for k, u in enumerate(nodes_u):
            found = (int(nodes_v[k]), shifts[k].astype(int)) if fits[k] else locate(images, orth, bond.site2, q[k])
            if found is not None:
                edges.append((int(u), found[0], found[1], bond))
    return edges


def _both_directions(edges: list[tuple[int, int, np.ndarray, Bond]]) -> list[tuple[int, int, np.ndarray, Bond]]:
    """``edges`` plus the reverse (v → u, −shift) of every edge whose reverse is missing (a bond right at the
    cut-off can be found from one end only, through rounding)."""
    seen = {(u, v, tuple(shift)) for u, v, shift, _ in edges}
    missing = [(v, u, -shift, bond) for u, v, shift, bond in edges if (v, u, tuple(-shift)) not in seen]
    return edges + missing


def _classify(structure: CrystalStructure, components: list[Component], comp_of: np.ndarray
              ) -> tuple[ComponentClass, ...]:
    images, ops = structure.images, structure.ops
    parent = list(range(len(components)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for comp in components:
        u = int(comp.nodes[0])
        site = int(images.site[u])
        for n in range(len(ops)):
            product = int(ops.table[n, images.op[u]])  # op_n∘op_m: node_of says where it puts the site
            node = images.node_of[site, product] if product >= 0 else None
            if node is None:
                found = locate(images, structure.orth, site, ops.apply(n, images.pos[u]))
                node = None if found is None else found[0]
            if node is not None:
                a, b = find(comp.index), find(int(comp_of[node]))
                if a != b:
                    parent[b] = a
    groups: dict[int, list[int]] = {}
    for comp in components:
        groups.setdefault(find(comp.index), []).append(comp.index)
    classes = []
    ordered = sorted(groups.values(), key=lambda g: (-components[g[0]].n_atoms, g[0]))
    for k, members in enumerate(ordered):
        for idx in members:
            object.__setattr__(components[idx], "symmetry_class", k)
        rep = components[members[0]]
        labels = tuple(sorted({structure.sites[images.site[u]].label for u in rep.nodes},
                              key=lambda lab: structure.site_index(lab)))
        classes.append(ComponentClass(
            formula=rep.formula, n_atoms=rep.n_atoms, dimensionality=rep.dimensionality,
            count_per_cell=len(members), representative=rep.index, propagation=rep.propagation,
            propagation_length=rep.propagation_length, linking_bonds=tuple(b.row() for b in rep.linking_bonds),
            links_per_repeat=rep.links_per_repeat, labels=labels))
    return tuple(classes)


def _dedupe_links(links: list[Bond]) -> tuple[Bond, ...]:
    """One entry per asymmetric-unit bond (i→j and its reverse j→i count once)."""
    out, seen = [], set()
    for b in links:
        key = (min(b.site1, b.site2), max(b.site1, b.site2), round(b.distance, 4))
        if key in seen:
            continue
        seen.add(key)
        out.append(b)
    return tuple(out)


def _hnf(vectors: list[np.ndarray]) -> tuple[tuple[int, int, int], ...]:
    """Row-echelon integer basis (Hermite normal form, positive pivots) of the lattice the vectors span."""
    rows = [list(map(int, v)) for v in vectors if np.any(v)]
    # de-duplicate up to sign to keep the reduction short
    unique: dict[tuple[int, ...], list[int]] = {}
    for r in rows:
        key = tuple(r) if next(x for x in r if x) > 0 else tuple(-x for x in r)
        unique[key] = list(key)
    rows = list(unique.values())
    basis: list[list[int]] = []
    for col in range(3):
        while True:
            nonzero = [r for r in rows if r[col] != 0]
            if len(nonzero) <= 1:
                break
            nonzero.sort(key=lambda r: abs(r[col]))
            pivot = nonzero[0]
            new_rows = [pivot]
            for r in rows:
                if r is pivot:
                    continue
                if r[col] != 0:
                    q = r[col] // pivot[col]
                    r = [a - q * b for a, b in zip(r, pivot, strict=True)]
                if any(r):
                    new_rows.append(r)
            rows = new_rows
        nonzero = [r for r in rows if r[col] != 0]
        if nonzero:
            p = nonzero[0]
            if p[col] < 0:
                p = [-a for a in p]
            basis.append(p)
            rows = [r for r in rows if r[col] == 0]
    # reduce entries above the pivots (canonical Hermite form)
    for k in range(len(basis)):
        col = next(c for c in range(3) if basis[k][c] != 0)
        for above in range(k):
            q = basis[above][col] // basis[k][col]
            basis[above] = [a - q * b for a, b in zip(basis[above], basis[k], strict=True)]
    return tuple(tuple(r) for r in basis)  # type: ignore[misc]


def _reduce(t: np.ndarray, lattice: tuple[tuple[int, int, int], ...]) -> tuple[int, ...]:
    """Canonical representative of the translation ``t`` modulo the echelon basis ``lattice``."""
    t = np.array(t, dtype=int)
    for row in lattice:
        r = np.array(row, dtype=int)
        col = int(np.flatnonzero(r)[0])
        q = math.floor(t[col] / r[col])
        t = t - q * r
    return tuple(int(x) for x in t)


def _positive(v: tuple[int, ...]) -> tuple[int, int, int]:
    first = next(x for x in v if x)
    return tuple(int(x) if first > 0 else -int(x) for x in v)  # type: ignore[return-value]
