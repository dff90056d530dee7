"""Read a small-molecule CIF (gemmi) into a typed :class:`CrystalStructure`, and recognise the {Ti10Cu2} form.

Units: cell lengths in Å, angles in degrees, volume in Å³, Uiso in Å², coordinates fractional (as listed
in the CIF, not wrapped). Symmetry operations keep the CIF order, so ``n_klm`` symmetry codes mean what
they mean in the CIF's own ``_geom_*`` tables (see :mod:`.symmetry`).

Every problem with the file is an :class:`~ti10cu2_lib.core.errors.InputError` naming the file, the problem
and a fix. Disorder (partial occupancy, disorder groups) and missing hydrogen atoms are *reported* in
``CrystalStructure.warnings`` and ``CrystalStructure.disorder``, never fatal.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import gemmi
import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.tables import clip, clip_list, read_text
from ti10cu2_lib.structure.symmetry import (
    CellImages,
    SymOps,
    check_group,
    check_isometries,
    expand_sites,
    repeated_sites,
)

#: First line of a CIF 2.0 file.
CIF2_MAGIC = "#\\#CIF_2.0"

#: Files larger than this are refused (a small-molecule CIF is kilobytes to a few MiB).
MAX_CIF_BYTES = 50 * 1024 * 1024

#: Tags kept as database identifiers of the entry (plus every other ``_database_code_*`` tag); the first
#: found, in this order, is ``CrystalStructure.database_code``.
DATABASE_CODE_TAGS = (
    "_cod_database_code",
    "_database_code_depnum_ccdc_archive",
    "_database_code_depnum_ccdc_fiz",
    "_database_code_CSD",
    "_database_code_ICSD",
)

@dataclass(frozen=True)
class Cell:
    """Unit cell: lengths in Å, angles in degrees, volume in Å³."""

    a: float
    b: float
    c: float
    alpha: float
    beta: float
    gamma: float
    volume: float


@dataclass(frozen=True)
class Site:
    """One asymmetric-unit site as listed in the CIF.

    ``fract`` is fractional (unwrapped), ``u_iso`` in Å² (``nan`` if absent), ``disorder_group`` 0 when the
    site is not in a disorder group (negative groups follow SHELXL: disordered about a symmetry element).
    """

    label: str
    element: str
    type_symbol: str
    fract: tuple[float, float, float]
    occupancy: float
    u_iso: float
    disorder_group: int = 0


@dataclass(frozen=True)
class DisorderReport:
    """What the CIF says about disorder and hydrogen atoms (reported, never fatal)."""

    partial_occupancy: tuple[str, ...] = ()  # labels of sites with occupancy < 1
    disorder_groups: tuple[int, ...] = ()  # distinct non-zero _atom_site_disorder_group values
    disordered_sites: tuple[str, ...] = ()  # labels of sites in a disorder group
    hydrogen_sites: int = 0  # H/D sites in the asymmetric unit
    hydrogen_in_formula: float | None = None  # H per formula unit in _chemical_formula_sum
    hydrogen_from_sites: float | None = None  # H per formula unit from the sites (occupancy-weighted)

    @property
    def missing_hydrogen(self) -> bool:
        """True when the sum formula has H atoms the site list does not."""
        if not self.hydrogen_in_formula or (self.hydrogen_from_sites is None and self.hydrogen_sites):
            return False  # no H in the formula, or H sites but no Z to count them per formula unit
        return (self.hydrogen_from_sites or 0.0) < self.hydrogen_in_formula - 0.5

    def messages(self) -> list[str]:
        """Human sentences, one per finding."""
        out = []
        if self.partial_occupancy:
            out.append(f"{len(self.partial_occupancy)} site(s) partly occupied: {_short_list(self.partial_occupancy)}")
        if self.disorder_groups:
            groups = ", ".join(str(g) for g in self.disorder_groups)
            out.append(f"disorder groups (alternative locations) {groups} on {len(self.disordered_sites)} site(s): "
                       f"{_short_list(self.disordered_sites)}; bonds are not made between different groups")
        if self.missing_hydrogen:
            if self.hydrogen_sites == 0:
                out.append("no H atoms in the site list, but the sum formula has "
                           f"H{format_count(self.hydrogen_in_formula)}: "
                           "H-dependent results (formula, C–H···π contacts, packing) are incomplete")
            else:
                out.append(f"H atoms missing: the sites give H{format_count(self.hydrogen_from_sites)} "
                           "per formula unit, "
                           f"the sum formula H{format_count(self.hydrogen_in_formula)}")
        return out


@dataclass(frozen=True, eq=False)
class CrystalStructure(Result):
    """One data block of a CIF: cell, space group, asymmetric-unit sites and symmetry operations (CIF order)."""

    name: str  # data block name (without ``data_``)
    source: str  # file the block was read from
    cell: Cell
    space_group: str  # Hermann–Mauguin symbol as written in the CIF (or gemmi's, if the CIF has none)
    space_group_number: int | None
    z: int | None  # _cell_formula_units_Z
    formula_sum: str | None  # _chemical_formula_sum as written
    sites: tuple[Site, ...]
    symops: tuple[str, ...]  # symmetry operations as x,y,z triplets, CIF order
    database_code: str | None = None
    database_codes: Mapping[str, str] = field(default_factory=dict)
    disorder: DisorderReport = field(default_factory=DisorderReport)
    warnings: tuple[str, ...] = ()
    origin: Origin = field(default_factory=lambda: Origin(Provenance.USER, "user file"))

    # -- derived arrays (cached; not part of to_dict) ------------------------------------------------
    @functools.cached_property
    def frac(self) -> np.ndarray:
        """(N, 3) fractional coordinates of the sites, as listed."""
        return np.array([s.fract for s in self.sites], dtype=float).reshape(-1, 3)

    @functools.cached_property
    def orth(self) -> np.ndarray:
        """3×3 matrix turning fractional into Cartesian coordinates (Å), gemmi's (PDB) convention."""
        c = self.cell
        return np.array(gemmi.UnitCell(c.a, c.b, c.c, c.alpha, c.beta, c.gamma).orth.mat.tolist())

    @functools.cached_property
    def frac_matrix(self) -> np.ndarray:
        """Inverse of :attr:`orth`: Cartesian (Å) → fractional."""
        return np.linalg.inv(self.orth)

    @functools.cached_property
    def ops(self) -> SymOps:
        """The symmetry operations, parsed."""
        return SymOps.from_triplets(self.symops)

    @functools.cached_property
    def images(self) -> CellImages:
        """The distinct images of every site in the cell."""
        return expand_sites(self.frac, self.ops, self.orth)

    @functools.cached_property
    def elements(self) -> tuple[str, ...]:
        """Element symbol of every site."""
        return tuple(s.element for s in self.sites)

    @functools.cached_property
    def labels(self) -> tuple[str, ...]:
        """Label of every site."""
        return tuple(s.label for s in self.sites)

    @functools.cached_property
    def _label_index(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for i, s in enumerate(self.sites):
            out.setdefault(s.label, i)
            out.setdefault(s.label.upper(), i)
        return out

    def site_index(self, label: str) -> int:
        """Index of the site called ``label`` (exact match first, then case-insensitive)."""
        idx = self._label_index.get(label, self._label_index.get(label.upper()))
        if idx is None:
            raise InputError(f"no atom site labelled '{label}' in block {self.name}", path=self.source,
                             fix=f"use one of the labels: {_short_list(self.labels, 12)}")
        return idx

    def cartesian(self, frac: np.ndarray) -> np.ndarray:
        """Cartesian coordinates (Å) of fractional coordinates (shape (3,) or (k, 3))."""
        return np.asarray(frac, dtype=float) @ self.orth.T

    @property
    def n_atoms_cell(self) -> int:
        """Number of atom sites in the unit cell (distinct symmetry images, disordered alternatives included)."""
        return int(self.images.multiplicity.sum())

    def cell_composition(self) -> dict[str, float]:
        """Occupancy-weighted element counts of the whole unit cell."""
        comp: dict[str, float] = {}
        for site, mult in zip(self.sites, self.images.multiplicity, strict=True):
            comp[site.element] = comp.get(site.element, 0.0) + site.occupancy * int(mult)
        return comp

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["n_atoms_cell"] = self.n_atoms_cell
        return out


# ---------------------------------------------------------------------------------------------------
# formulas


_FORMULA_TOKEN = re.compile(r"([A-Z][a-z]?)\s*([0-9]*\.?[0-9]*)")


def parse_formula(text: str) -> dict[str, float]:
    """``'C16 H14 Cu2 I2 N6'`` → ``{'C': 16, 'H': 14, ...}`` (repeated elements add up; D counts as H)."""
    comp: dict[str, float] = {}
    cleaned = re.sub(r"[^A-Za-z0-9.\s]", " ", text)
    for element, count in _FORMULA_TOKEN.findall(cleaned):
        element = "H" if element == "D" else element
        comp[element] = comp.get(element, 0.0) + (float(count) if count not in ("", ".") else 1.0)
    return comp


def format_formula(comp: Mapping[str, float]) -> str:
    """Hill order (C, H, then alphabetical; alphabetical if there is no C); counts rounded to 0.01."""
    items = {el: n for el, n in comp.items() if abs(n) > 1e-6}
    if "C" in items:
        order = ["C"] + (["H"] if "H" in items else []) + sorted(k for k in items if k not in ("C", "H"))
    else:
        order = sorted(items)
    return "".join(f"{el}{format_count(items[el], blank_one=True)}" for el in order)


def formula_of(obj: CrystalStructure | Iterable[Site]) -> str:
    """Sum formula (Hill order, occupancy-weighted).

    For a :class:`CrystalStructure`: the cell contents divided by Z (``_cell_formula_units_Z``), i.e. the
    formula the CIF's ``_chemical_formula_sum`` should state; without Z, the cell contents divided by the
    number of symmetry operations (the asymmetric-unit formula). For an iterable of :class:`Site`: the plain
    occupancy-weighted sum over those sites.
    """
    return format_formula(composition_of(obj))


def composition_of(obj: CrystalStructure | Iterable[Site]) -> dict[str, float]:
    """Element counts behind :func:`formula_of`."""
    if isinstance(obj, CrystalStructure):
        cell = obj.cell_composition()
        per = obj.z if obj.z else len(obj.symops)
        return {el: n / per for el, n in cell.items()}
    comp: dict[str, float] = {}
    for site in obj:
        comp[site.element] = comp.get(site.element, 0.0) + site.occupancy
    return comp


def format_count(value: float | None, blank_one: bool = False) -> str:
    """A count for messages: ``2`` for 2.0, ``0.5`` for 0.5, ``?`` for None (``""`` for 1 with ``blank_one``)."""
    if value is None:
        return "?"
    if abs(value - round(value)) < 0.01:
        n = int(round(value))
        return "" if blank_one and n == 1 else str(n)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short_list(items: Iterable[str], limit: int = 8) -> str:
    items = list(items)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", … ({len(items)} in all)"


# ---------------------------------------------------------------------------------------------------
# reading


def user_origin(path: str | Path) -> Origin:
    """Provenance of a CIF the user supplied: ``user file NAME``."""
    return Origin(Provenance.USER, f"user file {Path(path).name}")


def _read_text(path: Path) -> str:
    return read_text(path, max_bytes=MAX_CIF_BYTES, what="small-molecule CIF")


def _is_cif2(text: str) -> bool:
    """True when the first line is the CIF 2.0 magic code (:data:`CIF2_MAGIC`)."""
    return text.lstrip("\ufeff").startswith(CIF2_MAGIC)


_GEMMI_LOCATION = re.compile(r"^[^:]*:(\d+)(?::\d+)?(?:\(\d+\))?(?: in [^:]*)?:\s*(.*)$", re.DOTALL)


def _parse_document(text: str, path: Path) -> gemmi.cif.Document:
    try:
        return gemmi.cif.read_string(text)
    except (RuntimeError, ValueError) as exc:
        m = _GEMMI_LOCATION.match(str(exc))
        where = clip(f"line {m.group(1)}: {m.group(2)}" if m else exc)
        if _is_cif2(text):
            raise InputError(f"CIF 2.0 is not supported: the file declares CIF 2.0 ({CIF2_MAGIC}) and uses CIF 2.0 "
                             f"syntax the reader cannot read ({where})", path=path,
                             fix="save the structure as CIF 1.1 (no [lists], {tables} or triple-quoted strings)"
                             ) from None
        raise InputError(f"not a readable CIF ({where}): the file is truncated or corrupted", path=path,
                         fix="re-download or re-export the CIF; check the file is complete (it ends after the "
                             "last loop) and that text fields opened with ';' are closed") from None


def has_atom_sites(block: gemmi.cif.Block) -> bool:
    """True when the block has fractional coordinates (an _atom_site_fract_x value or loop)."""
    return block.find_value("_atom_site_fract_x") is not None or bool(block.find_loop("_atom_site_fract_x"))


def read_document(path: str | Path) -> gemmi.cif.Document:
    """The parsed CIF file: checked (exists, regular file, size), decoded (UTF-8/16/32) and parsed by gemmi, with
    every problem an :class:`InputError` naming the file (and line). The one way this package opens a CIF."""
    path = Path(path)
    return _parse_document(_read_text(path), path)


def block_names(path: str | Path) -> list[tuple[str, bool]]:
    """``(name, has_atom_sites)`` for every data block of the file, in file order."""
    return [(b.name, has_atom_sites(b)) for b in read_document(path)]


def load_cif(path: str | Path, block: str | None = None, *, origin: Origin | None = None) -> CrystalStructure:
    """Read one data block of a CIF file.

    ``block``: the data block name (with or without ``data_``, case-insensitive); default the first block
    that has atom sites. ``origin`` defaults to ``user file NAME``.
    """
    path = Path(path)
    chosen = _choose_block(read_document(path), block, path)
    return structure_from_block(chosen, source=str(path), origin=origin or user_origin(path))


def load_cif_blocks(path: str | Path, *, origin: Origin | None = None) -> list[CrystalStructure]:
    """Every data block of the file that has atom sites (a multi-block file split), in file order."""
    path = Path(path)
    doc = read_document(path)
    blocks = [b for b in doc if has_atom_sites(b)]
    if not blocks:
        raise _no_atoms_error(path, [b.name for b in doc])
    return [structure_from_block(b, source=str(path), origin=origin or user_origin(path)) for b in blocks]


def parse_cif_text(text: str, *, source: str = "<text>", block: str | None = None,
                   origin: Origin | None = None) -> CrystalStructure:
    """Like :func:`load_cif` for CIF text already in memory."""
    path = Path(source)
    doc = _parse_document(text, path)
    return structure_from_block(_choose_block(doc, block, path), source=source,
                                origin=origin or Origin(Provenance.USER, f"user text {source}"))


def _no_atoms_error(path: Path, names: list[str]) -> InputError:
    return InputError(f"no atom sites (_atom_site_fract_x loop) in any data block (blocks: "
                      f"{clip_list(names) or 'none'})", path=path,
                      fix="give a CIF with the refined structure (the coordinates loop), not only a header or "
                          "a structure-factor (fcf/hkl) file")


def _choose_block(doc: gemmi.cif.Document, name: str | None, path: Path) -> gemmi.cif.Block:
    names = [b.name for b in doc]
    if len(doc) == 0:
        raise InputError("no data_ block in the file", path=path, fix="give a CIF file (it starts with data_NAME)")
    if name is not None:
        wanted = name[5:] if name.lower().startswith("data_") else name
        for b in doc:
            if b.name.lower() == wanted.lower():
                return b
        raise InputError(f"no data block '{clip(wanted)}' (blocks: {clip_list(names)})", path=path,
                         fix=f"use --block with one of: {clip_list(names)}")
    for b in doc:
        if has_atom_sites(b):
            return b
    raise _no_atoms_error(path, names)


def _value(block: gemmi.cif.Block, *tags: str) -> str | None:
    for tag in tags:
        raw = block.find_value(tag)
        if raw is not None and not gemmi.cif.is_null(raw):
            return gemmi.cif.as_string(raw).strip()
    return None


def _number(block: gemmi.cif.Block, *tags: str) -> float | None:
    raw = _value(block, *tags)
    if raw is None:
        return None
    value = gemmi.cif.as_number(raw)
    return None if math.isnan(value) else float(value)


def _loop_line(block: gemmi.cif.Block, *tags: str) -> str:
    """`` (TAG loop at line N)`` (or ``(TAG at line N)`` for a single value) for the first of ``tags`` in
    ``block``; empty when none is there."""
    for tag in tags:
        item = block.find_loop_item(tag)
        kind = " loop"
        if item is None:
            item, kind = block.find_pair_item(tag), ""
        if item is not None and item.line_number > 0:
            return f" ({tag}{kind} at line {item.line_number})"
    return ""


def structure_from_block(block: gemmi.cif.Block, *, source: str, origin: Origin) -> CrystalStructure:
    """Turn one gemmi CIF block into a :class:`CrystalStructure` (raises :class:`InputError` on bad content)."""
    return _read_block(block, source=source, origin=origin)[0]


def small_structure_from_block(block: gemmi.cif.Block, *, source: str | Path
                               ) -> tuple[gemmi.SmallStructure, tuple[str, ...]]:
    """gemmi's ``SmallStructure`` of one block after exactly the validation of :func:`structure_from_block`.

    For code that needs gemmi's own model (e.g. anisotropic U for a powder pattern): skipped sites (dummy atoms,
    occupancy 0, repeated sites) are removed, ``symops`` is the validated list (CIF order, or generated from the
    space group) and the cell is the one :func:`load_cif` uses. Returns the structure and the warnings
    :func:`load_cif` gives; every problem is the same :class:`InputError`.
    """
    structure, small = _read_block(block, source=str(source), origin=user_origin(source))
    return small, structure.warnings


def _read_block(block: gemmi.cif.Block, *, source: str, origin: Origin
                ) -> tuple[CrystalStructure, gemmi.SmallStructure]:
    """Validate one block; the structure and gemmi's model reduced to the same sites, operations and cell."""
    path = Path(source)
    where = f"block {clip(block.name, 40)}"
    warnings: list[str] = []
    try:
        small = gemmi.make_small_structure_from_block(block)
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"{where}: gemmi cannot read the structure ({clip(exc)})", path=path,
                         fix="check the _atom_site loop and the symmetry operations") from None
    ops, fix = _symmetry_operations(small, block, where, path, warnings)
    cell = _cell(block, where, path, warnings)
    small.cell = gemmi.UnitCell(cell.a, cell.b, cell.c, cell.alpha, cell.beta, cell.gamma)
    orth = np.array(small.cell.orth.mat.tolist())
    if _ANGLES_MISSING in warnings:
        fix += " (the cell angles are missing and were taken as 90°: add them)"
    _check_symmetry(check_isometries, (ops, orth.T @ orth), block, where, path, fix=fix)
    kept = _kept_sites(small, block, where, path, warnings)
    kept = _without_repeated_sites(kept, ops, orth, warnings)
    _keep_only(small, [i for i, _ in kept])
    small.symops = list(ops.triplets)
    structure = _structure(block, small, cell, tuple(site for _, site in kept), ops.triplets, source, origin)
    warnings.extend(_space_group_warnings(block, small.spacegroup, structure.space_group))
    disorder = _disorder_report(structure)
    warnings.extend(disorder.messages())
    warnings.extend(_formula_warnings(structure))
    object.__setattr__(structure, "disorder", disorder)
    object.__setattr__(structure, "warnings", tuple(warnings))
    return structure, small


_ANGLES_MISSING = "cell angle(s) missing: taken as 90°"


def _cell(block: gemmi.cif.Block, where: str, path: Path, warnings: list[str]) -> Cell:
    """The unit cell (Å, °, Å³); missing angles are taken as 90° (with a warning)."""
    lengths = [_number(block, f"_cell_length_{x}", f"_cell.length_{x}") for x in "abc"]
    if any(v is None or not 0 < v < math.inf for v in lengths):
        raise InputError(f"{where} has no unit cell (_cell_length_a/b/c missing or not positive)", path=path,
                         fix="give the CIF of the refined structure, which states the cell")
    angles = [_number(block, f"_cell_angle_{x}", f"_cell.angle_{x}") for x in ("alpha", "beta", "gamma")]
    if any(v is None for v in angles):
        warnings.append(_ANGLES_MISSING)
        angles = [90.0 if v is None else v for v in angles]
    if any(not 0 < v < 180 for v in angles):  # type: ignore[operator]
        raise InputError(f"{where} has an impossible cell angle {angles}", path=path, fix="check the cell angles")
    try:
        volume = gemmi.UnitCell(*lengths, *angles).volume  # type: ignore[arg-type]
    except (RuntimeError, ValueError):
        volume = float("nan")
    if not volume > 0:
        raise InputError(f"{where}: the cell parameters do not describe a cell (volume {volume})", path=path,
                         fix="check _cell_length_* and _cell_angle_*")
    cif_volume = _number(block, "_cell_volume")
    if cif_volume and abs(cif_volume - volume) > max(1.0, 0.005 * volume):
        warnings.append(f"_cell_volume {cif_volume} Å³ differs from {volume:.1f} Å³ computed from the cell")
    return Cell(*lengths, *angles, volume=float(volume))  # type: ignore[arg-type]


_SYMOP_TAGS = ("_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz", "_space_group_symop.operation_xyz")
_SYMOP_FIX = ("correct the symmetry operations (form 'x, -y+1/2, z+1/2') or delete their loop to use the "
              "space-group symbol; if they are right, check the cell")


def _symmetry_operations(small: gemmi.SmallStructure, block: gemmi.cif.Block, where: str, path: Path,
                         warnings: list[str]) -> tuple[SymOps, str]:
    """The CIF's operations (CIF order), or the space group's when the CIF lists none, checked to be a group;
    with the fix to suggest if they do not fit the cell."""
    symops = [op.strip() for op in small.symops]
    sg = small.spacegroup
    fix = _SYMOP_FIX
    if not symops:
        if sg is None:
            warnings.append("no symmetry operations and no recognisable space group: P1 assumed")
            symops = ["x,y,z"]
        else:
            symops = [op.triplet() for op in sg.operations()]
            warnings.append(f"no symmetry operations listed: generated from the space group {sg.xhm()}")
            fix = (f"the operations come from the space-group symbol '{sg.xhm()}', which does not fit this cell: "
                   "add the symmetry-operation loop of this cell's setting, or give the conventional cell")
    try:
        ops = SymOps.from_triplets(symops)
    except ValueError as exc:
        raise InputError(f"{where}: symmetry operation '{clip(exc)}' cannot be parsed"
                         f"{_loop_line(block, *_SYMOP_TAGS)}", path=path, fix=_SYMOP_FIX) from None
    _check_symmetry(check_group, (ops,), block, where, path, fix=fix)
    if gemmi.Op(symops[0]) != gemmi.Op("x,y,z"):
        warnings.append(f"the first symmetry operation is '{clip(symops[0])}', not the identity")
    return ops, fix


def _check_symmetry(check: Callable[..., None], args: tuple, block: gemmi.cif.Block, where: str, path: Path, *,
                    fix: str) -> None:
    """``check(*args)`` (a check of :mod:`.symmetry`) with its ``ValueError`` as an :class:`InputError` naming the
    file, block and the line of the operations loop."""
    try:
        check(*args)
    except ValueError as exc:
        raise InputError(f"{where}: {clip(exc, 240)}{_loop_line(block, *_SYMOP_TAGS)}", path=path, fix=fix) from None


#: Largest occupancy accepted as 1 (rounding in the CIF); above it a site is refused.
MAX_OCCUPANCY = 1.01

#: Type symbols (or labels) starting so are pseudo-atoms, not elements: water as one scatterer ('Wat'), dummy
#: atoms ('Du', 'Dum'), ring centroids ('Cg'), lone pairs ('Lp'). Compared case-insensitively.
PSEUDO_ATOM_PREFIXES = ("wat", "du", "cg", "lp")

_SYMBOL_START = re.compile(r"^([A-Za-z])([A-Za-z]?)")


def _element_of(site: gemmi.SmallStructure.Site) -> tuple[str | None, bool]:
    """(element, guessed) of a site, D read as H; element ``None`` for a dummy or pseudo-atom.

    gemmi's reading of the type symbol comes first (e.g. 'Cu2+' → Cu, 'Fea' → Fe), then, for a site without
    a type symbol, its label's element prefix ('Ca1' → Ca, 'P2' → P). Symbols gemmi does not read are mineral
    site names (AMCSD: 'Oa1', 'Dw', 'Hw', 'Sl', 'KK') or pseudo-atoms ('Wat', 'X', 'Q1'): the first kind gets the
    element of its first letter (``guessed`` True, reported in a warning), the pseudo-atoms (see
    :data:`PSEUDO_ATOM_PREFIXES`) and anything else are ``None``.
    """
    element, guessed = site.element, False
    from_label = site.type_symbol in ("", "?", ".")
    symbol = site.label if from_label else site.type_symbol
    m = _SYMBOL_START.match(symbol)
    if element.atomic_number == 0 and m and not symbol.lower().startswith(PSEUDO_ATOM_PREFIXES):
        first, second = m.group(1).upper(), m.group(2)
        pair = gemmi.Element(first + second) if second.islower() else None
        if from_label and pair is not None and pair.atomic_number > 0:  # a label such as 'Ca1'
            element = pair
        elif gemmi.Element(first).atomic_number > 0:
            element, guessed = gemmi.Element(first), bool(second)
    if element.atomic_number == 0:
        return None, False
    return ("H" if element.name == "D" else element.name), guessed


def _kept_sites(small: gemmi.SmallStructure, block: gemmi.cif.Block, where: str, path: Path,
                warnings: list[str]) -> list[tuple[int, Site]]:
    """(index in ``small.sites``, Site) of the sites kept: dummy atoms and empty sites (occupancy 0) are skipped
    with a warning; a site with an impossible occupancy or without coordinates is refused."""
    at = _loop_line(block, "_atom_site_label", "_atom_site_fract_x")
    kept: list[tuple[int, Site]] = []
    dummies, guessed, empty, no_xyz = [], [], [], []
    for i, s in enumerate(small.sites):
        element, is_guess = _element_of(s)
        if element is None:
            dummies.append(f"{s.label or '?'} ('{s.type_symbol or '?'}')")
            continue
        if is_guess:
            guessed.append(f"{s.type_symbol or s.label} → {element}")
        occupancy = float(s.occ)
        if not 0 <= occupancy <= MAX_OCCUPANCY:
            raise InputError(f"{where}: site '{clip(s.label, 30)}' has occupancy {occupancy:g}, outside 0–1{at}",
                             path=path, fix="correct its _atom_site_occupancy (a fraction of 1)")
        if occupancy == 0:
            empty.append(s.label)
            continue
        s.element = gemmi.Element(element)
        fract = (float(s.fract.x), float(s.fract.y), float(s.fract.z))
        if not all(math.isfinite(v) for v in fract):
            no_xyz.append(s.label)
        kept.append((i, Site(label=s.label, element=element, type_symbol=s.type_symbol, fract=fract,
                             occupancy=min(occupancy, 1.0), u_iso=float(s.u_iso) if s.u_iso else float("nan"),
                             disorder_group=int(s.disorder_group))))
    if no_xyz:
        raise InputError(f"{where}: site(s) without numeric coordinates: {clip_list(no_xyz)}{at}", path=path,
                         fix="remove or complete those _atom_site rows")
    if guessed:
        warnings.append(f"element read from the first letter of {len(guessed)} type symbol(s) or label(s) that are "
                        f"not element symbols (check them): {clip_list(sorted(set(guessed)))}")
    if dummies:
        warnings.append(f"{len(dummies)} dummy or pseudo-atom site(s) skipped (not an element): {clip_list(dummies)}")
    if empty:
        warnings.append(f"{len(empty)} site(s) with occupancy 0 skipped: {clip_list(empty)}")
    if not kept:
        what = "atom sites" if not small.sites else "sites with an element and a non-zero occupancy"
        raise InputError(f"{where} has no {what}{at}", path=path,
                         fix="give the CIF of the refined structure (an _atom_site loop with element type symbols)")
    return kept


def _without_repeated_sites(kept: list[tuple[int, Site]], ops: SymOps, orth: np.ndarray,
                            warnings: list[str]) -> list[tuple[int, Site]]:
    """``kept`` without the sites that repeat an earlier site (see :func:`~.symmetry.repeated_sites`)."""
    sites = [site for _, site in kept]
    repeats = repeated_sites(np.array([s.fract for s in sites]), [s.element for s in sites],
                             np.array([s.occupancy for s in sites]), [s.disorder_group for s in sites], ops, orth,
                             occupancy_limit=MAX_OCCUPANCY)
    if not repeats:
        return kept
    warnings.append(f"{len(repeats)} site(s) repeat an earlier site of the same element at the same position (a "
                    f"lattice or symmetry copy; occupancies would add up above 1): dropped: "
                    f"{clip_list(sites[j].label + ' = ' + sites[k].label for j, k in repeats)}")
    dropped = {j for j, _ in repeats}
    return [pair for n, pair in enumerate(kept) if n not in dropped]


def _keep_only(small: gemmi.SmallStructure, indices: list[int]) -> None:
    """Remove every site of ``small`` whose index is not in ``indices``."""
    keep = set(indices)
    for i in reversed(range(len(small.sites))):
        if i not in keep:
            del small.sites[i]


def _space_group_number(block: gemmi.cif.Block) -> int | None:
    """``_space_group_IT_number`` (or the old tag) when it is a space-group number 1–230."""
    number = _number(block, "_space_group_IT_number", "_symmetry_Int_Tables_number")
    return int(number) if number is not None and 1 <= number <= 230 and number == int(number) else None


def _space_group_warnings(block: gemmi.cif.Block, sg: gemmi.SpaceGroup | None, symbol: str) -> list[str]:
    """A warning when the space-group number is not 1–230 or does not match the symbol."""
    raw = _value(block, "_space_group_IT_number", "_symmetry_Int_Tables_number")
    number = _space_group_number(block)
    if raw is not None and number is None:
        return [f"space-group number '{clip(raw, 20)}' is not a number 1–230: ignored"]
    if sg is not None and number is not None and sg.number != number:
        return [f"space-group number {number} does not match the symbol {clip(symbol, 30)!r}"]
    return []


def _structure(block: gemmi.cif.Block, small: gemmi.SmallStructure, cell: Cell, sites: tuple[Site, ...],
               symops: tuple[str, ...], source: str, origin: Origin) -> CrystalStructure:
    """The :class:`CrystalStructure` of validated parts, with the block's space group, Z, formula and codes."""
    sg = small.spacegroup
    hm = _value(block, "_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M", "_space_group.name_H-M_alt")
    number = _space_group_number(block)
    sg_number = number if number is not None else (sg.number if sg is not None else None)
    z_value = _number(block, "_cell_formula_units_Z")
    z = int(round(z_value)) if z_value and 0 < z_value < 1e6 else None
    codes = {tag: v for tag in DATABASE_CODE_TAGS if (v := _value(block, tag)) is not None}
    for item in block:
        pair = item.pair
        if pair is not None and pair[0].lower().startswith("_database_code_") and pair[0] not in codes \
                and not gemmi.cif.is_null(pair[1]):
            codes[pair[0]] = gemmi.cif.as_string(pair[1]).strip()
    return CrystalStructure(
        name=block.name, source=str(source), cell=cell,
        space_group=hm if hm is not None else (sg.xhm() if sg is not None else "P 1"), space_group_number=sg_number,
        z=z, formula_sum=_value(block, "_chemical_formula_sum"), sites=sites, symops=symops,
        database_code=next(iter(codes.values()), None), database_codes=codes, origin=origin)


def _disorder_report(st: CrystalStructure) -> DisorderReport:
    partial = tuple(s.label for s in st.sites if s.occupancy < 0.999)
    groups = tuple(sorted({s.disorder_group for s in st.sites if s.disorder_group}))
    in_groups = tuple(s.label for s in st.sites if s.disorder_group)
    n_h = sum(1 for s in st.sites if s.element == "H")
    h_formula = parse_formula(st.formula_sum).get("H", 0.0) if st.formula_sum else None
    h_sites = composition_of(st).get("H", 0.0) if st.z else None
    return DisorderReport(partial, groups, in_groups, n_h, h_formula, h_sites)


def _formula_warnings(st: CrystalStructure) -> list[str]:
    if not st.formula_sum:
        return ["no _chemical_formula_sum in the block"]
    if not st.z:
        return ["no _cell_formula_units_Z: the formula from the sites is per asymmetric unit"]
    given = parse_formula(st.formula_sum)
    found = composition_of(st)
    diffs = [el for el in sorted(set(given) | set(found)) if el != "H"
             and abs(given.get(el, 0.0) - found.get(el, 0.0)) > 0.05 * max(given.get(el, 0.0), 1.0)]
    if diffs:
        return [f"the sites give {format_formula(found)} per formula unit (Z = {st.z}) but _chemical_formula_sum "
                f"says {format_formula(given)} (differs in {', '.join(diffs)}): solvent removed (SQUEEZE), "
                "atoms missing (truncated file?) or a Z mistake"]
    return []
