"""Simulated X-ray powder diffraction (PXRD) pattern of a crystal structure read from a CIF.

Conventions (every one is repeated in :attr:`PxrdPattern.conventions`, so a reader of the output sees them):

* **Reflections**: every (h k l) with 0 < 2θ ≤ 2θ_max for the wavelength λ (Bragg: λ = 2 d sin θ), d from the
  cell metric. Systematic absences of the space group are removed with gemmi's
  ``GroupOps.systematic_absences``; symmetry-equivalent reflections (the Laue group: rotation parts of the
  space-group operations plus Friedel pairs, no anomalous scattering) are merged into one family whose
  multiplicity is the number of distinct (h k l) in it. Different families that happen to share a d spacing
  are listed separately (pymatgen merges peaks closer than 1e-5° 2θ).
* **Structure factor**: F(h) = Σ_j occ_j f_j(s) exp(−8π² U_j s²) exp(2πi h·x_j) over every atom of the unit
  cell, s = sin θ/λ = 1/(2d). Atoms are generated from the CIF sites with the space-group operations; images of
  one site closer than 0.1 Å are one atom on a special position (gemmi's own expansion uses 0.5 Å, which would
  merge disordered partial sites straddling a symmetry element). Occupancies are the CIF's
  ``_atom_site_occupancy`` (chemical occupancy, the CIF convention).
* **Atomic scattering factors**: neutral atoms, International Tables for Crystallography Vol. C (1992),
  Table 6.1.1.4, 4-Gaussian + constant fit f(s) = Σ a_i exp(−b_i s²) + c, coefficients as shipped by gemmi
  (``gemmi.Element(symbol).it92``). Ionic charges in the CIF type symbols are ignored. Another table can be
  passed as a :class:`ScatteringFactors` (the tests use pymatgen's to compare like with like).
* **Debye–Waller**: isotropic, exp(−8π² U s²) with U the CIF's ``_atom_site_U_iso_or_equiv`` (or, when only
  anisotropic U_ij are given, U_eq = trace(U_cart)/3) — ``displacement="cif"``; sites without any U get none.
  ``displacement="none"`` switches it off (pymatgen's default); a number is a fixed U_iso (Å²) for every atom
  (Mercury uses 0.05 Å² for all non-H atoms by default).
* **Lorentz–polarisation** (laboratory source, unpolarised beam, Bragg–Brentano):
  LP = (1 + K cos² 2θ) / (sin² θ cos θ), with K = 1 without a monochromator (pymatgen's formula) and
  K = cos² 2θ_M for a crystal monochromator at 2θ_M whose diffraction plane is the sample's (the usual
  equatorial, *coplanar* geometry of a diffracted- or incident-beam monochromator): the polarisation factor
  (1 + cos² 2θ_M cos² 2θ)/(1 + cos² 2θ_M) without its constant denominator, which cancels in relative
  intensities. (A monochromator diffracting perpendicular to the sample's plane would give
  (cos² 2θ_M + cos² 2θ)/(1 + cos² 2θ_M); it is not modelled.) No absorption, no background (as Mercury).
* **Intensity** of a family: I = m |F|² LP · P_MD, scaled so the strongest family is 100.
* **Preferred orientation** (optional): March–Dollase, P(α) = (r² cos² α + sin² α / r)^(−3/2), α the angle between
  the diffraction vector and the reciprocal-lattice vector of the chosen (h k l) (the normal of the platy/
  needle-axis planes), averaged over the members of each family (Dollase, J. Appl. Cryst. 19 (1986) 267).
  r < 1 enhances reflections parallel to the direction (platelets lying flat), r = 1 is a random powder. A
  real-space axis [u v w] (a needle axis) is converted to the parallel reciprocal direction h = G·(u, v, w),
  G the metric tensor (:func:`reciprocal_direction_of_axis`); for oblique cells this is not (u v w).
* **Profile**: pseudo-Voigt η L + (1 − η) G, Gaussian and Lorentzian of the same FWHM (constant in 2θ), each of
  unit area; default FWHM 0.1° 2θ as Mercury; η = 0.5 is our choice (Mercury does not state its mixing).
  Optional Kα2 line: the same reflections at λ₂ with intensity ratio I(Kα2)/I(Kα1). The pattern is sampled on a
  regular 2θ grid and scaled so that its maximum is 100.
* **Wavelength** default: Cu Kα1, 1.540562 Å (Hölzer et al., Phys. Rev. A 56 (1997) 4554).
* **Limits and memory**: structure factors, symmetry expansion and profile are computed in chunks of at most
  :data:`CHUNK_ENTRIES` array entries, so memory does not grow with the cell (≈ 90 MB for 5 000 atoms, was
  ≈ 3.5 GB) and the result does not depend on the chunk size. More than :data:`MAX_ATOMS_PER_CELL` atoms,
  :data:`MAX_REFLECTIONS` reflections, :data:`MAX_PHASE_TERMS` families × atoms or :data:`MAX_PROFILE_TERMS`
  pattern points × peaks is refused with an :class:`~ti10cu2_lib.core.errors.InputError` before the work starts.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gemmi
import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.results import Result, to_jsonable
from ti10cu2_lib.structure.cif import read_document, small_structure_from_block

CU_KA1 = 1.540562  # Å, Hölzer et al. 1997
CU_KA2 = 1.544390  # Å, Hölzer et al. 1997
SPECIAL_POSITION_TOLERANCE = 0.1  # Å: symmetry images of one site closer than this are one atom

# Limits: one visitor's CIF must not freeze the server or exhaust its memory (numbers measured with
# benchmarks/bench_limits.py on the 2-core test machine, P1 cells of random atoms, 18 Å^3 per atom, Cu Kα1).
# Memory no longer depends on the input (working arrays of CHUNK_ENTRIES entries: ≈ 90 MB added for 5 000 atoms);
# the limits bound the time, which grows with reflection families × atoms: ≈ 50 ns per term on the idle machine,
# up to ≈ 160 ns under load (5 000 P1 atoms, 2θ ≤ 50°: 1.5e8 terms, 8–25 s).
MAX_ATOMS_PER_CELL = 20_000  # 10× the largest COD test cell (Fddd, 1 840 atoms); 4× the 5 000-atom benchmark cell
MAX_REFLECTIONS = 1_000_000  # (h k l) in the 2θ range before merging into families: ≈ 160 MB of index arrays
MAX_PHASE_TERMS = 300_000_000  # families × atoms (one per centring coset): ≈ 15 s idle, ≈ 50 s loaded
MAX_PROFILE_TERMS = 2_000_000_000  # grid points × peaks of the untruncated Lorentzian tails: ≈ 3 ns per term
CHUNK_ENTRIES = 2_000_000  # entries (16 MB in float64) of any (n × m) working array held at once


# ----------------------------------------------------------------------------------------------------------
# bounded working memory


def chunks(n_items: int, width: int | np.ndarray) -> Iterator[slice]:
    """Consecutive slices of ``range(n_items)`` whose working arrays hold at most :data:`CHUNK_ENTRIES` entries.

    ``width`` is the number of entries one item adds (an int, or an array with one value per item). Every slice
    holds at least one item, so a single item wider than the budget gets a slice of its own.
    """
    budget = CHUNK_ENTRIES
    if np.ndim(width) == 0:
        rows = max(1, budget // max(1, int(width)))
        yield from (slice(start, min(start + rows, n_items)) for start in range(0, n_items, rows))
        return
    ends = np.cumsum(np.asarray(width, dtype=np.int64))
    start = 0
    while start < n_items:
        before = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, before + budget, side="right")))
        yield slice(start, stop)
        start = stop


# ----------------------------------------------------------------------------------------------------------
# scattering factors


@dataclasses.dataclass(frozen=True)
class ScatteringFactors:
    """A table of X-ray atomic scattering factors: ``func(symbol, s2) -> f`` (electrons).

    ``s2`` is (sin θ/λ)² in Å⁻² (numpy array); ``symbol`` an element symbol as gemmi spells it ("Cu", "O").
    ``name`` is written into the output metadata.
    """

    name: str
    func: Callable[[str, np.ndarray], np.ndarray]

    def __call__(self, symbol: str, s2: np.ndarray) -> np.ndarray:
        return self.func(symbol, s2)


def _it92(symbol: str, s2: np.ndarray) -> np.ndarray:
    coef = gemmi.Element(symbol).it92
    if coef is None:
        raise InputError(f"no IT92 X-ray scattering factor for element '{symbol}'",
                         fix="check the _atom_site_type_symbol column of the CIF")
    a = np.asarray(coef.a, dtype=float)
    b = np.asarray(coef.b, dtype=float)
    return np.exp(-np.multiply.outer(s2, b)) @ a + float(coef.c)


IT92 = ScatteringFactors(
    "International Tables Vol. C (1992) Table 6.1.1.4: neutral-atom 4-Gaussian + c fit "
    "f(s) = sum a_i exp(-b_i s^2) + c, s = sin(theta)/lambda; coefficients from gemmi.Element(...).it92",
    _it92,
)


# ----------------------------------------------------------------------------------------------------------
# crystal model


@dataclasses.dataclass(frozen=True, eq=False)
class Crystal:
    """What a diffraction calculation needs from a CIF: cell, symmetry operations and atoms.

    ``fract`` etc. describe the asymmetric-unit sites as given in the CIF; ``cell_fract`` / ``cell_site`` the
    atoms of the whole unit cell (``cell_site[j]`` = index of the CIF site atom j is an image of);
    ``prim_fract`` / ``prim_site`` one atom per centring coset (the cell content divided by the centring), so that
    F = ``centring_factor`` · Σ over them for every reflection that is not systematically absent.
    ``u_iso`` is the isotropic U (Å²) per site (U_eq from U_ij where only those are given; 0 where the CIF has
    none) and ``u_source`` says which.
    """

    name: str
    cell: tuple[float, float, float, float, float, float]
    spacegroup: str
    ops: gemmi.GroupOps
    labels: tuple[str, ...]
    elements: tuple[str, ...]
    fract: np.ndarray
    occupancy: np.ndarray
    u_iso: np.ndarray
    u_source: tuple[str, ...]
    cell_fract: np.ndarray
    cell_site: np.ndarray
    prim_fract: np.ndarray
    prim_site: np.ndarray
    centring_factor: int
    origin: Origin
    source: str = "structure"  # the file the crystal was read from (named in error messages)

    @property
    def unit_cell(self) -> gemmi.UnitCell:
        return gemmi.UnitCell(*self.cell)

    @property
    def reciprocal_basis(self) -> np.ndarray:
        """3×3 matrix B with g_cart = B @ (h, k, l) in Å⁻¹ (|g| = 1/d)."""
        return np.array(self.unit_cell.frac.mat, dtype=float).T

    @property
    def rotations(self) -> np.ndarray:
        """Integer rotation parts of the symmetry operations (centring removed, duplicates removed), (n, 3, 3)."""
        rots = {tuple(np.asarray(op.rot).ravel() // gemmi.Op.DEN) for op in self.ops.sym_ops}
        return np.array(sorted(rots), dtype=np.int64).reshape(-1, 3, 3)

    @property
    def inversion_at_origin(self) -> bool:
        """True when −x, −y, −z is an operation: then F(h) is real."""
        return any(np.array_equal(np.asarray(op.rot), -gemmi.Op.DEN * np.eye(3, dtype=int))
                   and not any(int(t) % gemmi.Op.DEN for t in op.tran) for op in self.ops)

    @property
    def n_atoms_cell(self) -> int:
        return int(self.cell_fract.shape[0])


def _read_block(path: Path, block: str | None) -> gemmi.cif.Block:
    doc = read_document(path)  # checked, decoded and parsed as every structure command reads a CIF
    if block is not None:
        found = doc.find_block(block)
        if found is None:
            names = ", ".join(b.name for b in doc)
            raise InputError(f"no data block '{block}' (blocks: {names})", path=path, fix="pick one of those names")
        return found
    with_atoms = [b for b in doc if b.find_values("_atom_site_fract_x")]
    if not with_atoms:
        raise InputError("no data block with atom sites (_atom_site_fract_x)", path=path,
                         fix="give a CIF that contains a crystal structure")
    if len(with_atoms) > 1:
        names = ", ".join(b.name for b in with_atoms)
        raise InputError(f"{len(with_atoms)} structures in one file ({names})", path=path,
                         fix="choose one with --block NAME")
    return with_atoms[0]


def _ops_of(st: gemmi.SmallStructure, path: Path | str) -> tuple[gemmi.GroupOps, str]:
    if st.spacegroup is not None:
        return st.spacegroup.operations(), st.spacegroup.xhm()
    if st.symops:
        try:
            ops = gemmi.GroupOps([gemmi.Op(s) for s in st.symops])
        except Exception:
            raise InputError("unreadable symmetry operations in the CIF", path=path,
                             fix="check _space_group_symop_operation_xyz") from None
        return ops, st.spacegroup_hm or "from symmetry operations"
    raise InputError("no space group or symmetry operations found", path=path,
                     fix="add _space_group_name_H-M_alt or _space_group_symop_operation_xyz to the CIF")


def _images(fract: np.ndarray, op_list: list[gemmi.Op], orth: np.ndarray, shifts: np.ndarray, tol: float,
            max_images: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct images of each site under ``op_list``; two images closer than ``tol`` Å modulo a lattice vector
    plus one of ``shifts`` (fractional translations) are one atom. Returns (fract (N, 3), site index (N,)).

    Sites are processed in chunks (the pairwise image distances take sites × ops² × 3 entries); the expansion
    stops as soon as more than ``max_images`` images are found (the caller then refuses the structure).
    """
    rot = np.array([np.asarray(op.rot, dtype=float) for op in op_list]) / gemmi.Op.DEN  # (o, 3, 3)
    tran = np.array([np.asarray(op.tran, dtype=float) for op in op_list]) / gemmi.Op.DEN  # (o, 3)
    n_ops = len(op_list)
    earlier = np.tril(np.ones((n_ops, n_ops), dtype=bool), k=-1)  # k < i
    found: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    total = 0
    for sl in chunks(fract.shape[0], 3 * n_ops * n_ops):
        images = np.einsum("oij,nj->noi", rot, fract[sl]) + tran[None, :, :]  # (n, o, 3)
        images -= np.floor(images)
        dist = np.full((images.shape[0], n_ops, n_ops), np.inf)
        for shift in shifts:  # the few centring vectors (or just 0)
            diff = images[:, :, None, :] - images[:, None, :, :] - shift
            diff -= np.round(diff)
            dist = np.minimum(dist, np.linalg.norm(diff @ orth.T, axis=-1))
        keep = ~np.any((dist < tol) & earlier[None, :, :], axis=2)  # image i does not repeat an earlier one
        site_index = np.broadcast_to(np.arange(sl.start, sl.stop)[:, None], keep.shape)
        found.append(images[keep])
        owners.append(site_index[keep])
        total += found[-1].shape[0]
        if max_images is not None and total > max_images:
            break
    return np.concatenate(found), np.concatenate(owners)


def _expand_sites(fract: np.ndarray, ops: gemmi.GroupOps, orth: np.ndarray, tol: float, path: Path | str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit-cell atoms and, for structure factors, one atom per centring coset.

    Returns (cell_fract, cell_site, prim_fract, prim_site): all images under every operation, and the images
    under the coset representatives ``ops.sym_ops`` with images that differ by a centring vector merged. For a
    reflection that is not systematically absent, exp(2πi h·t_c) = 1 for every centring vector t_c, so
    F = n_centring · Σ over the second list (n_centring = len(ops.cen_ops)). More than
    :data:`MAX_ATOMS_PER_CELL` atoms in the cell is an :class:`InputError`.
    """
    cell_fract, cell_site = _images(fract, list(ops), orth, np.zeros((1, 3)), tol, max_images=MAX_ATOMS_PER_CELL)
    _check_atom_count(cell_fract.shape[0], path)
    cen = np.array([np.asarray(c, dtype=float) for c in ops.cen_ops]) / gemmi.Op.DEN
    prim_fract, prim_site = _images(fract, list(ops.sym_ops), orth, cen, tol)
    return cell_fract, cell_site, prim_fract, prim_site


def _check_atom_count(at_least: int, path: Path | str) -> None:
    """:class:`InputError` when the unit cell holds at least ``at_least`` > :data:`MAX_ATOMS_PER_CELL` atoms."""
    if at_least > MAX_ATOMS_PER_CELL:
        raise InputError(f"at least {at_least:,} atoms in the unit cell, more than the "
                         f"{MAX_ATOMS_PER_CELL:,} a PXRD simulation accepts (pxrd.MAX_ATOMS_PER_CELL; time "
                         "grows with atoms × reflections)", path=path,
                         fix="simulate a smaller cell (e.g. the reduced cell, or one disorder component)")


def _u_eq(aniso: gemmi.SMat33d, cell: gemmi.UnitCell) -> float:
    return float(cell.calculate_u_eq(aniso))


def crystal_from_small_structure(st: gemmi.SmallStructure, origin: Origin, *, path: Path | str = "structure",
                                 special_position_tolerance: float = SPECIAL_POSITION_TOLERANCE) -> Crystal:
    """A :class:`Crystal` from a gemmi ``SmallStructure`` (``origin`` says where it came from)."""
    if not st.sites:
        raise InputError("no atom sites", path=path, fix="give a CIF with an _atom_site_ loop")
    cell = st.cell
    if not (cell.a > 0 and cell.b > 0 and cell.c > 0 and cell.volume > 0):
        raise InputError("missing or invalid unit cell", path=path, fix="check the _cell_length_/_cell_angle_ items")
    _check_atom_count(len(st.sites), path)  # every site is at least one atom
    ops, sg_name = _ops_of(st, path)
    labels, elements, u_source = [], [], []
    u_iso = np.zeros(len(st.sites))
    for i, site in enumerate(st.sites):
        el = site.element.name
        if el == "X" or site.element.atomic_number == 0:
            raise InputError(f"site '{site.label}' has no recognisable element (type symbol "
                             f"'{site.type_symbol}')", path=path, fix="set _atom_site_type_symbol to an element")
        labels.append(site.label)
        elements.append(el)
        if site.u_iso > 0:
            u_iso[i] = site.u_iso
            u_source.append("Uiso")
        elif site.aniso.nonzero():
            u_iso[i] = _u_eq(site.aniso, cell)
            u_source.append("Ueq from Uij")
        else:
            u_source.append("none")
    fract = np.array([[s.fract.x, s.fract.y, s.fract.z] for s in st.sites], dtype=float)
    occ = np.array([s.occ for s in st.sites], dtype=float)
    if np.any(occ < 0) or np.any(occ > 1.0 + 1e-6):
        bad = st.sites[int(np.flatnonzero((occ < 0) | (occ > 1.0 + 1e-6))[0])]
        raise InputError(f"site '{bad.label}' has occupancy {bad.occ:g}, outside 0–1", path=path,
                         fix="correct _atom_site_occupancy")
    orth = np.array(cell.orth.mat, dtype=float)
    cell_fract, cell_site, prim_fract, prim_site = _expand_sites(fract, ops, orth, special_position_tolerance, path)
    centring_factor = len(ops.cen_ops)
    if prim_fract.shape[0] * centring_factor != cell_fract.shape[0]:
        # images merged differently with and without the centring (coordinates on a special position given
        # with too few decimals): use every atom of the cell, which is exact for any reflection
        prim_fract, prim_site, centring_factor = cell_fract, cell_site, 1
    return Crystal(
        name=st.name, cell=(cell.a, cell.b, cell.c, cell.alpha, cell.beta, cell.gamma), spacegroup=sg_name,
        ops=ops, labels=tuple(labels), elements=tuple(elements), fract=fract, occupancy=occ, u_iso=u_iso,
        u_source=tuple(u_source), cell_fract=cell_fract, cell_site=cell_site, prim_fract=prim_fract,
        prim_site=prim_site, centring_factor=centring_factor, origin=origin, source=str(path))


def load_crystal(path: str | Path, *, block: str | None = None, origin: Origin | None = None) -> Crystal:
    """Read one structure from a CIF with gemmi (``block`` picks a data block in a multi-block file).

    The origin defaults to ``user file <name>`` (provenance ``user``).
    """
    path = Path(path)
    cif_block = _read_block(path, block)
    st, _warnings = small_structure_from_block(cif_block, source=path)  # the validation of every structure command
    if origin is None:
        origin = Origin(Provenance.USER, f"user file {path.name}" + (f" (block {block})" if block else ""))
    return crystal_from_small_structure(st, origin, path=path)


# ----------------------------------------------------------------------------------------------------------
# reflections


@dataclasses.dataclass(frozen=True, eq=False)
class Reflections:
    """Unique reflection families (not systematically absent) with |F|², d and multiplicity.

    ``hkl`` (n, 3) is one representative per family (the member with the lexicographically largest (h, k, l));
    ``members`` (M, 3) lists every (h k l) of every family with ``member_family`` (M,) pointing into ``hkl``.
    ``f_squared`` is |F|² in electrons² (occupancies and Debye–Waller included). Sorted by decreasing d.
    """

    hkl: np.ndarray
    d: np.ndarray
    multiplicity: np.ndarray
    f_squared: np.ndarray
    members: np.ndarray
    member_family: np.ndarray
    reciprocal_basis: np.ndarray
    d_min: float
    scattering: str
    displacement: str

    def two_theta(self, wavelength: float) -> np.ndarray:
        """Bragg angles 2θ (degrees) for ``wavelength`` (Å); NaN where d < λ/2."""
        with np.errstate(invalid="ignore"):
            return np.degrees(2.0 * np.arcsin(wavelength / (2.0 * self.d)))

    def march_dollase(self, po_hkl: tuple[int, int, int] | np.ndarray, r: float) -> np.ndarray:
        """March–Dollase factor per family, averaged over the family's members (see module docstring)."""
        if not r > 0:
            raise InputError(f"March–Dollase r must be > 0 (got {r:g})", fix="give r > 0 (1 = no texture)")
        direction = self.reciprocal_basis @ np.asarray(po_hkl, dtype=float)
        norm = np.linalg.norm(direction)
        if norm == 0:
            raise InputError("preferred-orientation direction 0,0,0", fix="give a non-zero h,k,l")
        g = self.members @ self.reciprocal_basis.T
        cos2 = ((g @ direction) / (np.linalg.norm(g, axis=1) * norm)) ** 2
        cos2 = np.clip(cos2, 0.0, 1.0)
        p = (r * r * cos2 + (1.0 - cos2) / r) ** -1.5
        total = np.bincount(self.member_family, weights=p, minlength=len(self.d))
        return total / self.multiplicity


def reciprocal_direction_of_axis(cell: tuple[float, ...], uvw: tuple[float, float, float] | np.ndarray
                                 ) -> np.ndarray:
    """Reciprocal-lattice coordinates (h, k, l) = G·(u, v, w) of the direction parallel to the real-space axis
    [u v w]; G is the metric tensor of ``cell`` (a, b, c in Å, α, β, γ in degrees), so the result is in Å².

    Example (monoclinic, β = 100°: the c axis is not parallel to c*):
        >>> np.round(reciprocal_direction_of_axis((10.0, 12.0, 8.0, 90.0, 100.0, 90.0), (0, 0, 1)), 3)
        array([-13.892,   0.   ,  64.   ])
    """
    uvw = np.asarray(uvw, dtype=float)
    if uvw.shape != (3,) or not np.any(uvw) or not np.all(np.isfinite(uvw)):
        raise InputError(f"axis [u v w] must be three finite numbers, not all zero (got {uvw.tolist()})",
                         fix="give e.g. --po-uvw 0,0,1")
    a, b, c = cell[:3]
    ca, cb, cg = (math.cos(math.radians(angle)) for angle in cell[3:6])
    metric = np.array([[a * a, a * b * cg, a * c * cb],
                       [a * b * cg, b * b, b * c * ca],
                       [a * c * cb, b * c * ca, c * c]])
    return metric @ uvw


def lorentz_polarisation(two_theta_deg: np.ndarray, monochromator_two_theta: float | None = None) -> np.ndarray:
    """LP = (1 + K cos² 2θ)/(sin² θ cos θ); K = 1, or cos² 2θ_M for a monochromator at 2θ_M (degrees) in the
    coplanar (equatorial) geometry (constant 1/(1 + cos² 2θ_M) omitted)."""
    tt = np.radians(two_theta_deg)
    k = 1.0 if monochromator_two_theta is None else math.cos(math.radians(monochromator_two_theta)) ** 2
    theta = tt / 2.0
    return (1.0 + k * np.cos(tt) ** 2) / (np.sin(theta) ** 2 * np.cos(theta))


def _hkl_in_sphere(recip: np.ndarray, cell: tuple[float, ...], g_max: float) -> np.ndarray:
    """Every (h k l) ≠ 0 with |g| ≤ ``g_max`` (Å⁻¹), h slowest and l fastest; built one h-slab at a time."""
    a, b, c = cell[:3]
    lim = np.floor(g_max * np.array([a, b, c]) + 1e-9).astype(int)  # |h| ≤ |g|·a since h = g·a
    kl = np.stack(np.meshgrid(np.arange(-lim[1], lim[1] + 1), np.arange(-lim[2], lim[2] + 1), indexing="ij"),
                  axis=-1).reshape(-1, 2)
    slabs = []
    for h in range(-lim[0], lim[0] + 1):
        grid = np.column_stack([np.full(kl.shape[0], h), kl])
        g = grid @ recip.T
        g2 = (g * g).sum(axis=1)
        slabs.append(grid[(g2 > 0) & (g2 <= g_max * g_max * (1 + 1e-12))])
    return np.concatenate(slabs)


def _check_reflection_count(crystal: Crystal, g_max: float) -> None:
    """:class:`InputError` before enumerating when the 2θ range holds more than :data:`MAX_REFLECTIONS` (h k l).

    The count is the number of reciprocal-lattice points in the sphere |g| ≤ g_max: (4π/3) g_max³ V_cell.
    """
    expected = 4.0 * math.pi / 3.0 * g_max**3 * crystal.unit_cell.volume
    if expected > MAX_REFLECTIONS:
        raise InputError(f"about {round(expected):,} reflections up to d = {1 / g_max:.3g} Å, more than "
                         f"the {MAX_REFLECTIONS:,} a PXRD simulation accepts (pxrd.MAX_REFLECTIONS)",
                         path=crystal.source,
                         fix="lower the 2θ maximum (--two-theta-max; the count grows as sin³θ_max) or simulate a "
                             "smaller cell")


def _check_phase_terms(crystal: Crystal, n_families: int) -> None:
    """:class:`InputError` when families × atoms (the cost of the structure factors) exceeds :data:`MAX_PHASE_TERMS`."""
    terms = n_families * crystal.prim_fract.shape[0]
    if terms > MAX_PHASE_TERMS:
        raise InputError(f"{n_families:,} reflection families × {crystal.prim_fract.shape[0]:,} "
                         f"atoms = {terms:.2g} structure-factor terms, more than the {MAX_PHASE_TERMS:.2g} a PXRD "
                         "simulation accepts (pxrd.MAX_PHASE_TERMS)", path=crystal.source,
                         fix="lower the 2θ maximum (--two-theta-max) or simulate a smaller cell")


def _family_keys(hkl: np.ndarray, rotations: np.ndarray) -> tuple[np.ndarray, int]:
    """Canonical integer key of each reflection's family: max over h·R and −h·R of the encoded index."""
    offset = int(np.abs(hkl).max()) + 1
    size = 2 * offset + 1

    def encode(x: np.ndarray) -> np.ndarray:
        return ((x[:, 0] + offset) * size + (x[:, 1] + offset)) * size + (x[:, 2] + offset)

    best = np.full(hkl.shape[0], -1, dtype=np.int64)
    for rot in rotations:  # loop over the few point-group operations, vectorised over reflections
        eq = hkl @ rot
        best = np.maximum(best, encode(eq))
        best = np.maximum(best, encode(-eq))
    return best, offset


def _decode(keys: np.ndarray, offset: int) -> np.ndarray:
    size = 2 * offset + 1
    l_ = keys % size - offset
    k = (keys // size) % size - offset
    h = keys // (size * size) - offset
    return np.stack([h, k, l_], axis=1)


def _site_u(crystal: Crystal, displacement: str | float) -> tuple[np.ndarray, str]:
    if isinstance(displacement, str):
        if displacement == "cif":
            n_none = sum(1 for s in crystal.u_source if s == "none")
            text = ("isotropic exp(-8 pi^2 U s^2), U = CIF Uiso or Ueq (from Uij)"
                    + (f"; {n_none} site(s) without U: none applied" if n_none else ""))
            return crystal.u_iso, text
        if displacement == "none":
            return np.zeros_like(crystal.u_iso), "none (U = 0 for every atom)"
        raise InputError(f"unknown displacement setting '{displacement}'",
                         fix="use 'cif', 'none' or a fixed U_iso in Å^2")
    u = float(displacement)
    if not (u >= 0 and math.isfinite(u)):
        raise InputError(f"fixed U_iso must be ≥ 0 Å² (got {u:g})", fix="give e.g. 0.05")
    return np.full_like(crystal.u_iso, u), f"isotropic exp(-8 pi^2 U s^2) with fixed U = {u:g} A^2 for every atom"


def compute_reflections(crystal: Crystal, d_min: float, *, scattering: ScatteringFactors = IT92,
                        displacement: str | float = "cif") -> Reflections:
    """All non-absent reflection families with d ≥ ``d_min`` (Å), their |F|² and multiplicities.

    Vectorised: reflections are generated on an index box and filtered by |g| ≤ 1/d_min; |F|² is computed only
    for one representative per family (:func:`squared_structure_factors`). Refuses (:class:`InputError`) more than
    :data:`MAX_REFLECTIONS` reflections or :data:`MAX_PHASE_TERMS` families × atoms.
    """
    if not d_min > 0:
        raise InputError(f"d_min must be > 0 Å (got {d_min:g})", fix="choose a larger wavelength-limited range")
    recip = crystal.reciprocal_basis
    g_max = 1.0 / d_min
    _check_reflection_count(crystal, g_max)
    hkl = _hkl_in_sphere(recip, crystal.cell, g_max)
    if hkl.size:
        absent = crystal.ops.systematic_absences(np.ascontiguousarray(hkl, dtype=np.int32))
        hkl = hkl[~np.asarray(absent, dtype=bool)]
    u, dw_text = _site_u(crystal, displacement)
    if hkl.size == 0:
        empty = np.zeros((0, 3), dtype=np.int64)
        z = np.zeros(0)
        return Reflections(empty, z, z.astype(np.int64), z, empty, z.astype(np.int64), recip, d_min,
                           scattering.name, dw_text)
    keys, offset = _family_keys(hkl, crystal.rotations)
    fam_keys, member_family, counts = np.unique(keys, return_inverse=True, return_counts=True)
    reps = _decode(fam_keys, offset)
    _check_phase_terms(crystal, reps.shape[0])
    d = 1.0 / np.linalg.norm(reps @ recip.T, axis=1)
    f2 = squared_structure_factors(crystal, reps, 1.0 / (4.0 * d * d), u, scattering)

    by_d = np.argsort(-d, kind="stable")
    inverse_order = np.empty_like(by_d)
    inverse_order[by_d] = np.arange(len(by_d))
    return Reflections(hkl=reps[by_d], d=d[by_d], multiplicity=counts[by_d].astype(np.int64),
                       f_squared=f2[by_d], members=hkl, member_family=inverse_order[member_family],
                       reciprocal_basis=recip, d_min=d_min, scattering=scattering.name, displacement=dw_text)


def squared_structure_factors(crystal: Crystal, hkl: np.ndarray, s2: np.ndarray, u: np.ndarray,
                              scattering: ScatteringFactors = IT92) -> np.ndarray:
    """|F|² (electrons²) of the reflections ``hkl`` (n, 3), with s² = (sin θ/λ)² ``s2`` (Å⁻²) and U per site ``u``.

    F = n_cen Σ_sites w_j(s) Σ_images exp(2πi h·x), w_j = occ_j f_j(s) exp(−8π² U_j s²), over one atom per centring
    coset (exact for every reflection that is not systematically absent); with −x, −y, −z an operation only the
    cosine sum is evaluated (F is real). The reflections are taken in chunks (:func:`chunks`) so that no
    (reflections × atoms) working array holds more than :data:`CHUNK_ENTRIES` entries: memory does not grow with
    the cell, and the result does not depend on the chunk size.
    """
    elements = sorted(set(crystal.elements))
    f_table = np.column_stack([scattering(el, s2) for el in elements])  # (n, elements)
    site_element = np.array([elements.index(el) for el in crystal.elements])
    order = np.argsort(crystal.prim_site, kind="stable")
    x = crystal.prim_fract[order].T  # (3, atoms), grouped by site (every site has at least one image)
    site_of = crystal.prim_site[order]
    starts = np.flatnonzero(np.r_[True, site_of[1:] != site_of[:-1]])  # first atom of each site
    one_image_each = starts.size == x.shape[1]
    centric = crystal.inversion_at_origin
    two_pi_hkl = 2.0 * math.pi * np.asarray(hkl, dtype=float)
    f2 = np.empty(len(s2))
    for sl in chunks(len(s2), max(x.shape[1], len(crystal.labels))):
        weights = f_table[sl][:, site_element] * crystal.occupancy  # (rows, sites)
        weights *= np.exp(-8.0 * math.pi**2 * np.multiply.outer(s2[sl], u))
        phase = two_pi_hkl[sl] @ x
        f2[sl] = 0.0
        for part in (np.cos(phase),) if centric else (np.cos(phase), np.sin(phase)):  # real, imaginary part of F
            per_site = part if one_image_each else np.add.reduceat(part, starts, axis=1)
            f = np.einsum("fj,fj->f", weights, per_site)
            f2[sl] += f * f
    return f2 * crystal.centring_factor**2


# ----------------------------------------------------------------------------------------------------------
# profile


def pseudo_voigt(x: np.ndarray, fwhm: float, eta: float) -> np.ndarray:
    """Unit-area pseudo-Voigt η L + (1−η) G centred at 0 (x and fwhm in the same unit)."""
    gauss = (2.0 / fwhm) * math.sqrt(math.log(2.0) / math.pi) * np.exp(-4.0 * math.log(2.0) * (x / fwhm) ** 2)
    lorentz = (2.0 / (math.pi * fwhm)) / (1.0 + 4.0 * (x / fwhm) ** 2)
    return eta * lorentz + (1.0 - eta) * gauss


def _check_profile(fwhm: float, eta: float) -> None:
    if not (fwhm > 0 and math.isfinite(fwhm)):
        raise InputError(f"FWHM must be > 0° (got {fwhm:g})", fix="give e.g. --fwhm 0.1")
    if not 0.0 <= eta <= 1.0:
        raise InputError(f"pseudo-Voigt mixing η must be in 0–1 (got {eta:g})", fix="give e.g. 0.5")


def profile_sum(grid: np.ndarray, positions: np.ndarray, intensities: np.ndarray, fwhm: float,
                eta: float) -> np.ndarray:
    """Σ_k I_k pV(grid − x_k): each peak keeps its area I_k (the Lorentzian tails are not truncated).

    The Gaussian part is evaluated within ±6 FWHM of each peak only (beyond, it is below 1e-43 of its height);
    the Lorentzian part on the whole grid. Peaks are taken in chunks (:func:`chunks`), so the working arrays stay
    within :data:`CHUNK_ENTRIES` entries whatever the number of peaks, grid points and FWHM.
    """
    _check_profile(fwhm, eta)
    grid = np.asarray(grid, dtype=float)
    out = np.zeros(grid.shape, dtype=float)
    positions = np.asarray(positions, dtype=float)
    intensities = np.asarray(intensities, dtype=float)
    keep = intensities != 0
    positions, intensities = positions[keep], intensities[keep]
    if positions.size == 0:
        return out
    if eta > 0:
        lorentz = np.zeros(grid.shape, dtype=float)
        scale = 2.0 / fwhm
        for sl in chunks(positions.size, grid.size):
            u = (grid[:, None] - positions[None, sl]) * scale
            lorentz += (1.0 / (1.0 + u * u)) @ intensities[sl]
        out += eta * 2.0 / (math.pi * fwhm) * lorentz
    if eta < 1:
        reach = 6.0 * fwhm
        lo = np.searchsorted(grid, positions - reach, side="left")
        hi = np.searchsorted(grid, positions + reach, side="right")
        for sl in chunks(positions.size, hi - lo):
            out += (1.0 - eta) * _gaussian_sum(grid, positions[sl], intensities[sl], lo[sl], hi[sl], fwhm)
    return out


def _gaussian_sum(grid: np.ndarray, positions: np.ndarray, intensities: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray, fwhm: float) -> np.ndarray:
    """Σ_k I_k G(grid − x_k), peak k evaluated on grid[lo_k:hi_k] only (unit-area Gaussian of ``fwhm``)."""
    idx, peak = window_indices(lo, hi)
    g = (2.0 / fwhm) * math.sqrt(math.log(2.0) / math.pi) * np.exp(
        -4.0 * math.log(2.0) * ((grid[idx] - positions[peak]) / fwhm) ** 2)
    return np.bincount(idx, weights=g * intensities[peak], minlength=grid.size)


def window_indices(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(grid index, peak index) of every point i with lo_k ≤ i < hi_k, peak by peak (Σ (hi − lo) pairs)."""
    lengths = hi - lo
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(lo, lengths) + offsets, np.repeat(np.arange(lengths.size), lengths)


# ----------------------------------------------------------------------------------------------------------
# the simulated pattern


@dataclasses.dataclass(frozen=True)
class PxrdSettings:
    """Every choice behind a simulated pattern (angles in degrees 2θ, wavelengths in Å, U in Å²)."""

    wavelength: float = CU_KA1
    two_theta_min: float = 5.0
    two_theta_max: float = 50.0
    step: float = 0.02
    fwhm: float = 0.1
    eta: float = 0.5
    displacement: str | float = "cif"
    monochromator_two_theta: float | None = None
    po_hkl: tuple[int, int, int] | None = None
    po_uvw: tuple[float, float, float] | None = None  # real-space needle axis (instead of po_hkl)
    po_r: float = 1.0
    kalpha2: tuple[float, float] | None = None  # (λ₂ in Å, intensity ratio Kα2/Kα1), e.g. (1.54439, 0.5)

    def validate(self) -> None:
        if not (self.wavelength > 0 and math.isfinite(self.wavelength)):
            raise InputError(f"wavelength must be > 0 Å (got {self.wavelength:g})", fix="give e.g. 1.540562")
        if not (0 < self.two_theta_max < 180):
            raise InputError(f"2θ max must be in (0, 180)° (got {self.two_theta_max:g})", fix="give e.g. 50")
        if not (0 <= self.two_theta_min < self.two_theta_max):
            raise InputError(f"2θ min {self.two_theta_min:g}° must be ≥ 0 and below 2θ max "
                             f"{self.two_theta_max:g}°", fix="give a range like 5–50")
        if not (self.step > 0 and (self.two_theta_max - self.two_theta_min) / self.step <= 2_000_000):
            raise InputError(f"step {self.step:g}° is not usable for this range", fix="give e.g. --step 0.02")
        _check_profile(self.fwhm, self.eta)
        if self.po_hkl is not None and self.po_uvw is not None:
            raise InputError("two preferred-orientation directions", fix="give --po-hkl or --po-uvw, not both")
        if (self.po_hkl is not None or self.po_uvw is not None) and not self.po_r > 0:
            raise InputError(f"March–Dollase r must be > 0 (got {self.po_r:g})", fix="give e.g. --po-r 0.8")
        if self.monochromator_two_theta is not None and not 0 <= self.monochromator_two_theta < 180:
            raise InputError("monochromator 2θ must be in 0–180°", fix="give e.g. 26.6 (graphite 002, Cu Kα)")
        if self.kalpha2 is not None and not (self.kalpha2[0] > 0 and self.kalpha2[1] >= 0):
            raise InputError("Kα2 needs a wavelength > 0 and a ratio ≥ 0", fix="give e.g. 1.54439, 0.5")


def conventions(settings: PxrdSettings, reflections: Reflections) -> dict[str, str]:
    """Human-readable statement of every convention used (goes into the JSON output)."""
    mono = settings.monochromator_two_theta
    lp = ("laboratory, unpolarised: LP = (1 + cos^2 2theta)/(sin^2 theta cos theta) (as pymatgen)" if mono is None
          else f"laboratory with monochromator at 2theta_M = {mono:g} deg, coplanar (equatorial) geometry: "
               "LP = (1 + cos^2 2theta_M cos^2 2theta)/(sin^2 theta cos theta) (constant 1/(1 + cos^2 2theta_M) "
               "omitted)")
    along = (f"reciprocal vector ({','.join(map(str, settings.po_hkl))})" if settings.po_hkl is not None
             else f"real-space axis [{','.join(f'{v:g}' for v in settings.po_uvw)}] (reciprocal direction G.uvw)"
             if settings.po_uvw is not None else None)
    po = ("none (random powder)" if along is None
          else f"March-Dollase along {along}, r = {settings.po_r:g}: "
               "P = (r^2 cos^2 a + sin^2 a / r)^-1.5, averaged over each family")
    k2 = ("single wavelength" if settings.kalpha2 is None
          else f"plus Kalpha2 at {settings.kalpha2[0]:g} A with ratio {settings.kalpha2[1]:g} in the profile "
                "(stick list: Kalpha1 only)")
    return {
        "wavelength": f"{settings.wavelength:g} A ({'Cu Kalpha1' if settings.wavelength == CU_KA1 else 'user'}); {k2}",
        "reflections": "all (h k l) with 2theta <= 2theta_max, systematic absences removed (gemmi), Laue-group "
                       "families (Friedel pairs merged) with multiplicity; families with equal d listed separately",
        "scattering_factors": reflections.scattering,
        "debye_waller": reflections.displacement,
        "lorentz_polarisation": lp,
        "intensity": "I = multiplicity * |F|^2 * LP * P_MD, strongest family = 100",
        "preferred_orientation": po,
        "profile": f"pseudo-Voigt, FWHM {settings.fwhm:g} deg 2theta (constant), eta {settings.eta:g} "
                   "(Lorentzian fraction), unit-area peaks; pattern maximum scaled to 100",
        "absorption_background": "none (as Mercury)",
    }


@dataclasses.dataclass(frozen=True, eq=False)
class PxrdPattern(Result):
    """A simulated powder pattern: stick list (one row per reflection family) plus a profile on a 2θ grid."""

    hkl: np.ndarray
    two_theta: np.ndarray
    d: np.ndarray
    multiplicity: np.ndarray
    intensity: np.ndarray  # strongest = 100
    grid: np.ndarray
    profile: np.ndarray  # maximum = 100
    settings: PxrdSettings
    conventions: dict[str, str]
    structure: dict[str, Any]
    origin: Origin

    def peaks(self, min_intensity: float = 0.0) -> list[dict[str, Any]]:
        """Rows {h, k, l, two_theta, d, multiplicity, intensity} with intensity ≥ ``min_intensity``."""
        rows = []
        for i in np.flatnonzero(self.intensity >= min_intensity):
            h, k, l_ = (int(v) for v in self.hkl[i])
            rows.append({"h": h, "k": k, "l": l_, "two_theta": float(self.two_theta[i]), "d": float(self.d[i]),
                         "multiplicity": int(self.multiplicity[i]), "intensity": float(self.intensity[i])})
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "peaks": self.peaks(),
            "pattern": {"two_theta": to_jsonable(self.grid), "intensity": to_jsonable(self.profile)},
            "settings": to_jsonable(self.settings),
            "conventions": dict(self.conventions),
            "structure": to_jsonable(self.structure),
            "provenance": self.origin.to_dict(),
        }


def stick_intensities(reflections: Reflections, wavelength: float, *, monochromator_two_theta: float | None = None,
                      po_hkl: tuple[int, int, int] | np.ndarray | None = None, po_r: float = 1.0
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(2θ, unscaled m|F|²·LP·P_MD) for ``wavelength``; reflections beyond 2θ = 180° get NaN / 0.

    ``po_hkl`` is the March–Dollase direction in reciprocal-lattice coordinates (need not be integers)."""
    tt = reflections.two_theta(wavelength)
    ok = np.isfinite(tt)
    inten = np.zeros_like(reflections.d)
    inten[ok] = reflections.multiplicity[ok] * reflections.f_squared[ok] * lorentz_polarisation(
        tt[ok], monochromator_two_theta)
    if po_hkl is not None:
        inten = inten * reflections.march_dollase(po_hkl, po_r)
    return tt, inten


def _check_profile_terms(crystal: Crystal, n_points: int, n_peaks: int) -> None:
    """:class:`InputError` when grid points × peaks (the cost of the Lorentzian tails) exceeds the limit."""
    terms = n_points * n_peaks
    if terms > MAX_PROFILE_TERMS:
        raise InputError(f"{n_points:,} pattern points × {n_peaks:,} peaks = {terms:.2g} profile "
                         f"terms, more than the {MAX_PROFILE_TERMS:.2g} a PXRD simulation accepts "
                         "(pxrd.MAX_PROFILE_TERMS)", path=crystal.source,
                         fix="use a coarser --step, a narrower 2θ range or a smaller cell")


def simulate_pxrd(crystal: Crystal | str | Path, settings: PxrdSettings | None = None, *,
                  scattering: ScatteringFactors = IT92, block: str | None = None,
                  min_relative_intensity: float = 1e-9) -> PxrdPattern:
    """Simulated powder pattern of ``crystal`` (a :class:`Crystal` or a CIF path) with ``settings``.

    Families whose intensity is below ``min_relative_intensity`` × the strongest (numerical zeros, e.g. from
    special positions) are dropped from the stick list.
    """
    settings = settings or PxrdSettings()
    settings.validate()
    if not isinstance(crystal, Crystal):
        crystal = load_crystal(crystal, block=block)
    lam = settings.wavelength
    d_min = lam / (2.0 * math.sin(math.radians(settings.two_theta_max) / 2.0))
    refl = compute_reflections(crystal, d_min, scattering=scattering, displacement=settings.displacement)
    po_direction = (reciprocal_direction_of_axis(crystal.cell, settings.po_uvw) if settings.po_uvw is not None
                    else settings.po_hkl)
    tt, inten = stick_intensities(refl, lam, monochromator_two_theta=settings.monochromator_two_theta,
                                  po_hkl=po_direction, po_r=settings.po_r)
    if inten.size == 0 or inten.max() <= 0:
        raise InputError(f"no reflections up to 2θ = {settings.two_theta_max:g}°", path=crystal.source,
                         fix="raise --two-theta-max or check the cell")
    keep = inten >= min_relative_intensity * inten.max()
    n_points = int(math.floor((settings.two_theta_max - settings.two_theta_min) / settings.step + 1e-9)) + 1
    with_kalpha2 = settings.kalpha2 is not None and settings.kalpha2[1] > 0
    _check_profile_terms(crystal, n_points, int(np.count_nonzero(inten)) * (2 if with_kalpha2 else 1))
    grid = settings.two_theta_min + settings.step * np.arange(n_points)
    profile = profile_sum(grid, tt, inten, settings.fwhm, settings.eta)
    if with_kalpha2:
        lam2, ratio = settings.kalpha2
        tt2, inten2 = stick_intensities(refl, lam2, monochromator_two_theta=settings.monochromator_two_theta,
                                        po_hkl=po_direction, po_r=settings.po_r)
        ok = np.isfinite(tt2)
        profile = profile + ratio * profile_sum(grid, tt2[ok], inten2[ok], settings.fwhm, settings.eta)
    top = profile.max()
    profile = profile * (100.0 / top) if top > 0 else profile
    scale = 100.0 / inten.max()
    structure = {"name": crystal.name, "cell": list(crystal.cell), "space_group": crystal.spacegroup,
                 "sites": len(crystal.labels), "atoms_in_cell": crystal.n_atoms_cell}
    origin = computed_from(crystal.origin, method=f"PXRD simulation (lambda {lam:g} A, 2theta <= "
                                                  f"{settings.two_theta_max:g} deg, {refl.scattering.split(':')[0]})")
    return PxrdPattern(hkl=refl.hkl[keep], two_theta=tt[keep], d=refl.d[keep], multiplicity=refl.multiplicity[keep],
                       intensity=inten[keep] * scale, grid=grid, profile=profile, settings=settings,
                       conventions=conventions(settings, refl), structure=structure, origin=origin)
