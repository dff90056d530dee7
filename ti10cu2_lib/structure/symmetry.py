"""Symmetry operations, the images of asymmetric-unit sites in the cell, and CIF symmetry codes.

Conventions
-----------
* Fractional coordinates are used exactly as the CIF lists them (not wrapped into [0, 1)), and the
  symmetry operations are used in the order, and with the translations, the CIF lists them
  (``_space_group_symop_operation_xyz`` or ``_symmetry_equiv_pos_as_xyz``).
* A symmetry code ``n_klm`` (the CIF ``_geom_*_site_symmetry_*`` convention that SHELXL writes) means:
  apply operation number ``n`` (1-based, CIF order) to the CIF coordinates of the atom, then add the
  lattice translation ``(k-5, l-5, m-5)``. ``1_555`` is the atom as listed. SHELXL writes ``.`` for
  ``1_555`` and ``n`` alone for ``n_555``; :func:`parse_symmetry_code` accepts both.
* When several operations put an atom on the same position (an atom on a special position), the
  lowest operation number is used (what SHELXL does).
* A CIF's operations must be a space group: each rotation part integral with determinant ±1, the list
  closed under composition (modulo lattice translations; repeats allowed) and every operation an isometry
  of the cell metric. :func:`check_group` and :func:`check_isometries` say which operation breaks which rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import gemmi
import numpy as np

#: Cartesian tolerance (Å) below which two images of one site are the same position.
SAME_POSITION_TOL = 0.05

#: Largest relative change of a cell length or angle cosine an operation may make (an isometry makes none);
#: the relative error of the metric tensor entry G_ij is measured against sqrt(G_ii G_jj).
METRIC_TOLERANCE = 0.02

#: Translations are multiples of 1/24 (gemmi's denominator): they are compared in these units.
_TRANSLATION_DENOMINATOR = 24


@dataclass(frozen=True, eq=False)
class SymOps:
    """Symmetry operations in CIF order: ``x' = rot[n] @ x + tran[n]`` on fractional coordinates."""

    triplets: tuple[str, ...]
    rot: np.ndarray  # (n_ops, 3, 3) float
    tran: np.ndarray  # (n_ops, 3) float, as written (not wrapped)

    @classmethod
    def from_triplets(cls, triplets: list[str] | tuple[str, ...]) -> SymOps:
        """Parse ``'x, y, z'``-style strings; raises ``ValueError(triplet)`` for one gemmi cannot parse."""
        rots, trans = [], []
        for text in triplets:
            try:
                seitz = np.array(gemmi.Op(text).float_seitz())
            except (RuntimeError, ValueError) as exc:
                raise ValueError(text) from exc
            rots.append(seitz[:3, :3])
            trans.append(seitz[:3, 3])
        return cls(tuple(triplets), np.array(rots, dtype=float).reshape(-1, 3, 3),
                   np.array(trans, dtype=float).reshape(-1, 3))

    def __len__(self) -> int:
        return len(self.triplets)

    def apply(self, n: int, frac: np.ndarray) -> np.ndarray:
        """Operation ``n`` (0-based) applied to fractional coordinates (shape (3,) or (k, 3))."""
        return np.asarray(frac, dtype=float) @ self.rot[n].T + self.tran[n]

    @functools.cached_property
    def table(self) -> np.ndarray:
        """(n, n) multiplication table: ``table[a, b]`` is the (lowest) index of the operation equal to
        op_a ∘ op_b modulo lattice translations, −1 when that product is not in the list."""
        index: dict[bytes, int] = {}
        for n, key in enumerate(_op_keys(self.rot, self.tran)):
            index.setdefault(key.tobytes(), n)
        rot = np.einsum("aij,bjk->abik", self.rot, self.rot)
        tran = np.einsum("aij,bj->abi", self.rot, self.tran) + self.tran[:, None, :]
        keys = _op_keys(rot.reshape(-1, 3, 3), tran.reshape(-1, 3))
        n_ops = len(self)
        return np.array([index.get(k.tobytes(), -1) for k in keys], dtype=int).reshape(n_ops, n_ops)


def _op_keys(rot: np.ndarray, tran: np.ndarray) -> np.ndarray:
    """(k, 12) integer keys of operations: the rotation entries and the translations in 1/24 modulo 1."""
    r = np.rint(rot).astype(np.int64).reshape(-1, 9)
    t = np.mod(np.rint(tran * _TRANSLATION_DENOMINATOR), _TRANSLATION_DENOMINATOR).astype(np.int64)
    return np.ascontiguousarray(np.concatenate([r, t.reshape(-1, 3)], axis=1))


def check_group(ops: SymOps) -> None:
    """Raise ``ValueError(sentence)`` unless ``ops`` are the operations of a space group (the cell aside).

    Every rotation part must be an integer matrix with determinant ±1 (invertible), and the list must hold the
    identity and be closed under composition modulo lattice translations (repeats allowed). The sentence names
    the first operation (1-based, CIF order) that breaks a rule.
    """
    for n, rot in enumerate(ops.rot):
        det = float(np.linalg.det(rot))
        if not np.allclose(rot, np.rint(rot), atol=1e-6) or abs(abs(det) - 1.0) > 1e-6:
            raise ValueError(f"symmetry operation {n + 1} '{ops.triplets[n]}' is not invertible (its rotation part "
                             f"has determinant {det:.3g}, not ±1)")
    identity = _op_keys(np.eye(3)[None], np.zeros((1, 3)))[0]
    if not (_op_keys(ops.rot, ops.tran) == identity).all(axis=1).any():
        raise ValueError("the symmetry operations do not form a group: the identity 'x,y,z' is not in the list "
                         "(the list is incomplete)")
    missing = np.argwhere(ops.table < 0)
    if missing.size:
        a, b = (int(v) for v in missing[0])
        product = (gemmi.Op(ops.triplets[a]) * gemmi.Op(ops.triplets[b])).wrap().triplet()
        raise ValueError(f"the symmetry operations do not form a group: operation {a + 1} '{ops.triplets[a]}' "
                         f"after operation {b + 1} '{ops.triplets[b]}' gives '{product}', which is not in the list")


def check_isometries(ops: SymOps, metric: np.ndarray) -> None:
    """Raise ``ValueError(sentence)`` unless every operation keeps the cell's lengths and angles.

    ``metric`` is the metric tensor G = Oᵀ O of the cell (Å², O the fractional → Cartesian matrix); an operation
    with rotation R passes when |Rᵀ G R − G|_ij ≤ :data:`METRIC_TOLERANCE` · sqrt(G_ii G_jj) for every i, j.
    """
    scale = np.sqrt(np.outer(np.diag(metric), np.diag(metric)))
    for n, rot in enumerate(ops.rot):
        if (np.abs(rot.T @ metric @ rot - metric) / scale).max() > METRIC_TOLERANCE:
            raise ValueError(f"symmetry operation {n + 1} '{ops.triplets[n]}' is not a symmetry of this cell (it "
                             "changes the cell's lengths or angles)")


@dataclass(frozen=True, eq=False)
class CellImages:
    """The distinct images of every asymmetric-unit site under the symmetry operations (the cell contents).

    Node ``u`` is site ``site[u]`` moved by operation ``op[u]``; its position ``pos[u]`` is
    ``op(x_site)`` without wrapping. ``node_of[j, n]`` and ``shift_of[j, n]`` say which node operation
    ``n`` maps site ``j`` onto: ``op_n(x_j) = pos[node_of[j, n]] + shift_of[j, n]``.
    """

    site: np.ndarray  # (M,) int
    op: np.ndarray  # (M,) int, 0-based
    pos: np.ndarray  # (M, 3) float, fractional, unwrapped
    node_of: np.ndarray  # (N_sites, n_ops) int
    shift_of: np.ndarray  # (N_sites, n_ops, 3) int
    multiplicity: np.ndarray  # (N_sites,) int: distinct images per site in the cell

    def __len__(self) -> int:
        return len(self.site)

    def nodes_of_site(self, j: int) -> np.ndarray:
        """Node indices of the images of site ``j``."""
        return np.flatnonzero(self.site == j)


def expand_sites(frac: np.ndarray, ops: SymOps, orth: np.ndarray, tol: float = SAME_POSITION_TOL) -> CellImages:
    """All distinct images of the sites ``frac`` (N, 3) under ``ops``; ``orth`` is the frac→Cartesian matrix."""
    n_sites, n_ops = len(frac), len(ops)
    # all[j, n] = op_n(x_j)
    allpos = np.einsum("nab,jb->jna", ops.rot, frac) + ops.tran[None, :, :]
    sites, opidx, positions = [], [], []
    node_of = np.zeros((n_sites, n_ops), dtype=int)
    shift_of = np.zeros((n_sites, n_ops, 3), dtype=int)
    multiplicity = np.zeros(n_sites, dtype=int)
    for j in range(n_sites):
        first = len(sites)
        d = allpos[j][:, None, :] - allpos[j][None, :, :]  # (n_ops, n_ops, 3)
        shift = np.rint(d)
        same = np.linalg.norm((d - shift) @ orth.T, axis=2) < tol
        rep = np.argmax(same, axis=1)  # lowest operation giving the same position
        reps = np.flatnonzero(rep == np.arange(n_ops))
        index_of = {int(m): first + k for k, m in enumerate(reps)}
        for m in reps:
            sites.append(j)
            opidx.append(int(m))
            positions.append(allpos[j, m])
        node_of[j] = [index_of[int(m)] for m in rep]
        shift_of[j] = shift[np.arange(n_ops), rep].astype(int)
        multiplicity[j] = len(reps)
    return CellImages(np.array(sites, dtype=int), np.array(opidx, dtype=int),
                      np.array(positions, dtype=float).reshape(-1, 3), node_of, shift_of, multiplicity)


def repeated_sites(frac: np.ndarray, elements: Sequence[str], occupancy: np.ndarray, groups: Sequence[int],
                   ops: SymOps, orth: np.ndarray, *, occupancy_limit: float = 1.01,
                   tol: float = SAME_POSITION_TOL) -> list[tuple[int, int]]:
    """Sites listed twice: ``(j, k)`` for every site ``j`` within ``tol`` Å of an image (any operation, any
    lattice translation) of an earlier site ``k < j`` of the same element, when together they would hold more
    than ``occupancy_limit`` atoms and are not alternatives of different disorder groups. ``k`` is the lowest
    such site. Expanded or repeated asymmetric units (e.g. a P1 block listing one atom per cell corner) give
    these; partial sites sharing a position (mixed or split occupancy) do not.
    """
    frac = np.asarray(frac, dtype=float).reshape(-1, 3)
    elements = np.asarray(elements)
    groups = np.asarray(groups)
    allpos = np.einsum("nab,jb->jna", ops.rot, frac) + ops.tran[None, :, :]  # (N, n_ops, 3)
    out = []
    for j in range(1, len(frac)):
        earlier = np.arange(j)
        candidates = earlier[(elements[:j] == elements[j]) & (occupancy[:j] + occupancy[j] > occupancy_limit)
                             & ((groups[:j] == groups[j]) | (groups[:j] == 0) | (groups[j] == 0))]
        if candidates.size == 0:
            continue
        d = allpos[candidates] - frac[j]
        d -= np.rint(d)
        close = (np.linalg.norm(d @ orth.T, axis=2) < tol).any(axis=1)
        if close.any():
            out.append((j, int(candidates[np.argmax(close)])))
    return out


def locate(images: CellImages, orth: np.ndarray, site: int, frac: np.ndarray,
           tol: float = SAME_POSITION_TOL) -> tuple[int, np.ndarray] | None:
    """The node of ``site`` at fractional position ``frac`` and the lattice shift: ``frac = pos[node] + shift``."""
    nodes = images.nodes_of_site(site)
    d = np.asarray(frac, dtype=float)[None, :] - images.pos[nodes]
    shift = np.rint(d)
    resid = np.linalg.norm((d - shift) @ orth.T, axis=1)
    k = int(np.argmin(resid))
    if resid[k] >= tol:
        return None
    return int(nodes[k]), shift[k].astype(int)


def symmetry_code(op_index: int, shift: tuple[int, int, int] | np.ndarray) -> str:
    """``n_klm`` for 0-based operation ``op_index`` and lattice translation ``shift``.

    Translations outside −4…+4 cannot be written with one digit; they are written ``n_k_l_m`` with
    ``k = 5 + shift`` as full integers (never produced for ordinary bonds).
    """
    k = [5 + int(s) for s in shift]
    if all(0 <= v <= 9 for v in k):
        return f"{op_index + 1}_{k[0]}{k[1]}{k[2]}"
    return f"{op_index + 1}_{k[0]}_{k[1]}_{k[2]}"


_CODE = re.compile(r"^\s*(\d+)(?:_(?:(\d)(\d)(\d)|(-?\d+)_(-?\d+)_(-?\d+)))?\s*$")


def parse_symmetry_code(code: str) -> tuple[int, tuple[int, int, int]]:
    """``'2_565'`` → ``(1, (0, 1, 0))`` (0-based operation, translation); ``'.'`` → identity; ``'3'`` → ``3_555``."""
    text = code.strip()
    if text in (".", "?", ""):
        return 0, (0, 0, 0)
    match = _CODE.match(text)
    if not match:
        raise ValueError(f"not a symmetry code: {code!r} (expected n_klm, e.g. 2_565)")
    n = int(match.group(1)) - 1
    if match.group(2) is not None:
        shift = tuple(int(match.group(i)) - 5 for i in (2, 3, 4))
    elif match.group(5) is not None:
        shift = tuple(int(match.group(i)) - 5 for i in (5, 6, 7))
    else:
        shift = (0, 0, 0)
    return n, shift  # type: ignore[return-value]


def position_from_code(ops: SymOps, frac: np.ndarray, code: str) -> np.ndarray:
    """Fractional position of an atom at CIF coordinates ``frac`` under the symmetry code ``code``."""
    n, shift = parse_symmetry_code(code)
    if not 0 <= n < len(ops):
        raise ValueError(f"symmetry code {code!r} names operation {n + 1}, but the CIF lists {len(ops)}")
    return ops.apply(n, frac) + np.array(shift, dtype=float)


def code_for_position(images: CellImages, orth: np.ndarray, site: int, frac: np.ndarray) -> str | None:
    """The symmetry code (lowest operation number) that puts ``site`` at ``frac``; ``None`` if none does."""
    found = locate(images, orth, site, frac)
    if found is None:
        return None
    node, shift = found
    # pos[node] = op_n(x_site) exactly (n the lowest such operation), so the translation is the shift
    return symmetry_code(int(images.op[node]), shift)


def _fmt_coef(value: float) -> str:
    frac = Fraction(value).limit_denominator(48)
    return str(frac)


def triplet(ops: SymOps, op_index: int, shift: tuple[int, int, int] | np.ndarray = (0, 0, 0)) -> str:
    """The operation plus lattice translation as an ``x,y,z`` triplet, e.g. ``-x-1,-y+1,-z``."""
    out = []
    for row in range(3):
        terms = ""
        for col, axis in enumerate("xyz"):
            c = ops.rot[op_index, row, col]
            if abs(c) < 1e-9:
                continue
            sign = "-" if c < 0 else ("+" if terms else "")
            mag = "" if abs(abs(c) - 1) < 1e-9 else _fmt_coef(abs(c)) + "*"
            terms += f"{sign}{mag}{axis}"
        t = ops.tran[op_index, row] + float(shift[row])
        if abs(t) > 1e-9:
            terms += ("+" if t > 0 and terms else "-" if t < 0 else "") + _fmt_coef(abs(t))
        out.append(terms or "0")
    return ",".join(out)
