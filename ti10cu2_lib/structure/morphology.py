"""BFDH (Bravais–Friedel–Donnay–Harker) crystal morphology from the cell and space group alone.

Method (Donnay & Harker, Am. Mineral. 22 (1937) 446; as in Mercury's BFDH tool):

1. Candidate faces: every (h k l) with max(|h|, |k|, |l|) ≤ ``max_index`` and gcd(h, k, l) = 1.
2. Reflection conditions: a face whose (h k l) is systematically absent in the space group (gemmi's
   ``GroupOps.systematic_absences``, i.e. lattice centring, glide planes and screw axes) takes the first
   allowed multiple n(h k l), n = 2, 3, …; e.g. (0 1 0) → (0 2 0) in P2₁ or P2₁/c. The morphological
   importance then follows d_eff = d_hkl / n.
3. Growth rate ∝ 1/d_eff (relative growth rate: d_max / d_eff, so the slowest-growing, most important form has
   1.0). Faces are grouped into forms {h k l} with the Laue group (rotations of the space group plus inversion).
4. Habit: the BFDH polyhedron is the intersection of the half-spaces n̂·x ≤ 1/d_eff over all faces of all
   candidate forms (n̂ the unit normal of the plane, i.e. the reciprocal-lattice direction). A form is on the
   habit when its faces have non-zero area; ``area_fraction`` is its share of the surface.
5. Aspect ratio: the polyhedron's principal axes are the eigenvectors of its (solid) second-moment tensor; L1 ≥ L2
   ≥ L3 are its extents (max − min of the vertex projections) along them. ``aspect_ratio`` = L1/L3,
   ``elongation`` = L1/L2, ``flatness`` = L2/L3. :func:`classify_habit` turns them into needle/rod-like,
   plate-like or block-like (thresholds stated there).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import gemmi
import numpy as np
from scipy.spatial import ConvexHull, HalfspaceIntersection

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.results import Result

NEEDLE_THRESHOLD = 2.0  # elongation L1/L2 at or above which a habit is needle/rod-like
PLATE_THRESHOLD = 2.0  # flatness L2/L3 at or above which a habit is plate-like


def classify_habit(elongation: float, flatness: float, *, needle_threshold: float = NEEDLE_THRESHOLD,
                   plate_threshold: float = PLATE_THRESHOLD) -> str:
    """Habit class from the extents L1 ≥ L2 ≥ L3 of a crystal.

    * ``"needle/rod-like"``: elongation L1/L2 ≥ ``needle_threshold`` (default 2) and L1/L2 ≥ L2/L3;
    * ``"plate-like"``: flatness L2/L3 ≥ ``plate_threshold`` (default 2) and L2/L3 > L1/L2;
    * ``"block-like"``: neither (all three extents within a factor 2 of each other in sequence).
    A lath (both ratios above threshold) is classed by the larger of the two ratios.
    """
    if elongation < 1 or flatness < 1:
        raise ValueError("elongation and flatness are ratios of sorted extents and must be ≥ 1")
    if elongation >= needle_threshold and elongation >= flatness:
        return "needle/rod-like"
    if flatness >= plate_threshold:
        return "plate-like"
    if elongation >= needle_threshold:
        return "needle/rod-like"
    return "block-like"


@dataclasses.dataclass(frozen=True)
class CrystalForm:
    """One form {h k l}: ``hkl`` is the face used (after reflection conditions), ``primitive`` its lowest indices."""

    hkl: tuple[int, int, int]
    primitive: tuple[int, int, int]
    multiple: int
    d: float  # d_eff in Å
    relative_growth_rate: float  # d_max / d_eff
    central_distance: float  # 1/d_eff in Å⁻¹ (the BFDH distance of the faces from the centre)
    multiplicity: int  # faces in the form
    area_fraction: float  # share of the polyhedron surface (0 when the form does not appear)

    @property
    def on_habit(self) -> bool:
        return self.area_fraction > 1e-9


@dataclasses.dataclass(frozen=True, eq=False)
class Morphology(Result):
    """BFDH morphology: forms ranked by d_eff (largest first) and the shape of the polyhedron."""

    cell: tuple[float, float, float, float, float, float]
    space_group: str
    forms: tuple[CrystalForm, ...]
    extents: tuple[float, float, float]  # L1 ≥ L2 ≥ L3, in units of 1/d (Å⁻¹)
    principal_axes: tuple[tuple[float, float, float], ...]  # Cartesian unit vectors (gemmi orthogonalisation)
    principal_axes_uvw: tuple[tuple[float, float, float], ...]  # the same as fractional lattice directions
    aspect_ratio: float
    elongation: float
    flatness: float
    habit: str
    thresholds: dict[str, float]
    method: str
    origin: Origin

    def leading_forms(self, n: int = 6) -> tuple[CrystalForm, ...]:
        """The ``n`` largest-d forms that appear on the habit."""
        return tuple(f for f in self.forms if f.on_habit)[:n]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["forms"] = [{**dataclasses.asdict(f), "on_habit": f.on_habit} for f in self.forms]
        return out


def _ops_for(spacegroup: str | gemmi.SpaceGroup | gemmi.GroupOps) -> tuple[gemmi.GroupOps, str]:
    if isinstance(spacegroup, gemmi.GroupOps):
        return spacegroup, "from symmetry operations"
    if isinstance(spacegroup, gemmi.SpaceGroup):
        return spacegroup.operations(), spacegroup.xhm()
    sg = gemmi.find_spacegroup_by_name(str(spacegroup))
    if sg is None:
        raise InputError(f"unknown space group '{spacegroup}'", fix="give a Hermann–Mauguin symbol like 'P 21/c'")
    return sg.operations(), sg.xhm()


def _candidates(max_index: int) -> np.ndarray:
    r = np.arange(-max_index, max_index + 1)
    grid = np.stack(np.meshgrid(r, r, r, indexing="ij"), axis=-1).reshape(-1, 3)
    grid = grid[np.any(grid != 0, axis=1)]
    g = np.gcd.reduce(np.abs(grid), axis=1)
    return grid[g == 1]


def _laue_rotations(ops: gemmi.GroupOps) -> np.ndarray:
    rots = {tuple(np.asarray(op.rot).ravel() // gemmi.Op.DEN) for op in ops.sym_ops}
    rots = np.array(sorted(rots), dtype=np.int64).reshape(-1, 3, 3)
    return np.concatenate([rots, -rots])


def bfdh(cell: tuple[float, float, float, float, float, float] | gemmi.UnitCell,
         spacegroup: str | gemmi.SpaceGroup | gemmi.GroupOps, *, max_index: int = 3, origin: Origin | None = None,
         needle_threshold: float = NEEDLE_THRESHOLD, plate_threshold: float = PLATE_THRESHOLD) -> Morphology:
    """BFDH morphology for a cell (a, b, c in Å; α, β, γ in degrees) and a space group (see module docstring)."""
    if not 1 <= max_index <= 6:
        raise InputError(f"max index {max_index} outside 1–6", fix="give e.g. 3")
    uc = cell if isinstance(cell, gemmi.UnitCell) else gemmi.UnitCell(*cell)
    if not (uc.volume > 0 and math.isfinite(uc.volume)):
        raise InputError("invalid unit cell (zero or undefined volume)", fix="check the cell lengths and angles")
    ops, sg_name = _ops_for(spacegroup)
    recip = np.array(uc.frac.mat, dtype=float).T  # g_cart = recip @ hkl
    prim = _candidates(max_index)
    multiple = np.zeros(len(prim), dtype=np.int64)
    for n in range(1, 13):  # first allowed multiple (≤ 12 covers 6₁ screws and d-glides)
        todo = multiple == 0
        if not todo.any():
            break
        absent = np.asarray(ops.systematic_absences(np.ascontiguousarray(prim[todo] * n, dtype=np.int32)), bool)
        idx = np.flatnonzero(todo)[~absent]
        multiple[idx] = n
    prim = prim[multiple > 0]
    multiple = multiple[multiple > 0]
    hkl = prim * multiple[:, None]
    d_eff = 1.0 / np.linalg.norm(hkl @ recip.T, axis=1)

    # group into forms with the Laue group: canonical key = max encoded member
    rots = _laue_rotations(ops)
    span = 12 * max_index * 4 + 1
    off = span // 2

    def encode(x: np.ndarray) -> np.ndarray:
        return ((x[..., 0] + off) * span + (x[..., 1] + off)) * span + (x[..., 2] + off)

    members_all = np.einsum("fi,rij->frj", prim, rots)  # (F, R, 3): all equivalents of each primitive face
    member_keys = encode(members_all)
    best = member_keys.argmax(axis=1)
    keys = member_keys[np.arange(len(prim)), best]
    _, first = np.unique(keys, return_index=True)
    form_prim = members_all[first, best[first]]  # representative: the member with the largest (h, k, l)
    form_mult = multiple[first]
    form_d = d_eff[first]
    order = np.lexsort((-encode(form_prim), -form_d))  # by d (desc), ties by index
    form_prim, form_mult, form_d = form_prim[order], form_mult[order], form_d[order]

    # faces of every form (all Laue equivalents) → half-spaces n̂·x ≤ 1/d
    normals, dists, face_form = [], [], []
    multiplicity = np.zeros(len(form_prim), dtype=np.int64)
    for f, (p, m) in enumerate(zip(form_prim, form_mult, strict=True)):
        faces = np.unique(np.einsum("i,rij->rj", p, rots), axis=0) * m
        g = faces @ recip.T
        normals.append(g / np.linalg.norm(g, axis=1)[:, None])
        dists.append(np.full(len(faces), 1.0 / form_d[f]))
        face_form.append(np.full(len(faces), f))
        multiplicity[f] = len(faces)
    normals_a = np.concatenate(normals)
    dists_a = np.concatenate(dists)
    face_form_a = np.concatenate(face_form)
    halfspaces = np.column_stack([normals_a, -dists_a])
    hs = HalfspaceIntersection(halfspaces, np.zeros(3))
    hull = ConvexHull(hs.intersections)
    vertices = hs.intersections

    # facet areas → forms
    area = np.zeros(len(form_prim))
    tri = vertices[hull.simplices]  # (T, 3, 3)
    tri_area = 0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    which = np.argmax(hull.equations[:, :3] @ normals_a.T, axis=1)
    np.add.at(area, face_form_a[which], tri_area)
    area_fraction = area / area.sum()

    # solid second moment via tetrahedra (origin, triangle)
    v0, v1, v2 = tri[:, 0], tri[:, 1], tri[:, 2]
    vol = np.abs(np.einsum("ti,ti->t", v0, np.cross(v1, v2))) / 6.0
    s = v0 + v1 + v2
    second = np.einsum("t,tij->ij", vol / 20.0,
                       np.einsum("ti,tj->tij", v0, v0) + np.einsum("ti,tj->tij", v1, v1)
                       + np.einsum("ti,tj->tij", v2, v2) + np.einsum("ti,tj->tij", s, s))
    total = vol.sum()
    centroid = (vol[:, None] * s).sum(axis=0) / (4.0 * total)
    cov = second / total - np.outer(centroid, centroid)
    _, axes = np.linalg.eigh(cov)
    proj = vertices @ axes
    ext = proj.max(axis=0) - proj.min(axis=0)
    order_ax = np.argsort(-ext)
    ext = ext[order_ax]
    axes = axes[:, order_ax]
    orth_inv = np.array(uc.frac.mat, dtype=float)  # Cartesian → fractional
    uvw = []
    for k in range(3):
        frac = orth_inv @ axes[:, k]
        frac = frac / np.abs(frac).max()
        uvw.append(tuple(round(float(v), 3) for v in frac))
    elongation = float(ext[0] / ext[1])
    flatness = float(ext[1] / ext[2])
    habit = classify_habit(elongation, flatness, needle_threshold=needle_threshold, plate_threshold=plate_threshold)

    d_max = float(form_d.max())
    forms = tuple(
        CrystalForm(hkl=tuple(int(v) for v in form_prim[f] * form_mult[f]),
                    primitive=tuple(int(v) for v in form_prim[f]),
                    multiple=int(form_mult[f]), d=float(form_d[f]), relative_growth_rate=float(d_max / form_d[f]),
                    central_distance=float(1.0 / form_d[f]), multiplicity=int(multiplicity[f]),
                    area_fraction=float(area_fraction[f]))
        for f in range(len(form_prim)))
    base = origin or Origin(Provenance.USER, f"cell {tuple(round(v, 4) for v in uc.parameters)}, {sg_name}")
    result_origin = computed_from(base, method=f"BFDH morphology (max index {max_index}, reflection conditions of "
                                               f"{sg_name})")
    return Morphology(
        cell=tuple(float(v) for v in uc.parameters), space_group=sg_name, forms=forms,
        extents=tuple(float(v) for v in ext),
        principal_axes=tuple(tuple(float(v) for v in axes[:, k]) for k in range(3)),
        principal_axes_uvw=tuple(uvw), aspect_ratio=float(ext[0] / ext[2]), elongation=elongation, flatness=flatness,
        habit=habit, thresholds={"needle_elongation": needle_threshold, "plate_flatness": plate_threshold},
        method="BFDH: growth rate ∝ 1/d_eff, faces at central distance 1/d_eff; extents along the principal axes "
               "of the polyhedron's second-moment tensor; aspect ratio = L1/L3", origin=result_origin)


def bfdh_from_cif(path: str | Path, *, block: str | None = None, max_index: int = 3) -> Morphology:
    """BFDH morphology for the cell and space group of a CIF (atoms are not needed)."""
    from ti10cu2_lib.structure.pxrd import _ops_of, _read_block  # same CIF handling as the PXRD simulation

    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=path, fix="check the path")
    try:
        doc = gemmi.cif.read(str(path))
    except Exception as exc:
        raise InputError(f"not a readable CIF ({str(exc).splitlines()[0][:120] if str(exc) else 'parse error'})",
                         path=path, fix="give a CIF file") from None
    if block is None and not any(b.find_values("_atom_site_fract_x") for b in doc):
        cif_block = next((b for b in doc if b.find_value("_cell_length_a")), None)
        if cif_block is None:
            raise InputError("no data block with a unit cell", path=path, fix="give a CIF with _cell_length_a etc.")
    else:
        cif_block = _read_block(path, block)
    st = gemmi.make_small_structure_from_block(cif_block)
    if not (st.cell.a > 0 and st.cell.volume > 0):
        raise InputError("missing or invalid unit cell", path=path, fix="check the _cell_length_/_cell_angle_ items")
    ops, _ = _ops_of(st, path)
    sg = st.spacegroup if st.spacegroup is not None else ops
    origin = Origin(Provenance.USER, f"user file {path.name}" + (f" (block {block})" if block else ""))
    return bfdh(st.cell, sg, max_index=max_index, origin=origin)
