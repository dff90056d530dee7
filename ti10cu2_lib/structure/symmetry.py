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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import gemmi
import numpy as np

#: Cartesian tolerance (Å) below which two images of one site are the same position.
SAME_POSITION_TOL = 0.05


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
