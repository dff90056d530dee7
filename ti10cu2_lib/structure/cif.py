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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import gemmi
import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.tables import check_file
from ti10cu2_lib.structure.symmetry import CellImages, SymOps, expand_sites

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
        if not self.hydrogen_in_formula:
            return False
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
    check_file(path, max_bytes=MAX_CIF_BYTES, what="small-molecule CIF")
    raw = path.read_bytes()
    head = raw[:65536]
    if head[:2] == b"\x1f\x8b":
        raise InputError("file is gzip-compressed (binary)", path=path, fix="decompress it first (gunzip)")
    if b"\x00" in head or _binary_fraction(head) > 0.10:
        raise InputError("file is binary, not a text CIF", path=path,
                         fix="give the CIF text file (not a .cif.gz, .zip, .res.gz or image)")
    return raw.decode("utf-8", errors="replace")  # CIF 1.1 is ASCII; odd bytes only occur in free text


def _binary_fraction(data: bytes) -> float:
    if not data:
        return 0.0
    text_bytes = set(range(32, 127)) | {9, 10, 12, 13}
    # bytes >= 128 may be UTF-8 text (e.g. author names): count only control characters as binary
    control = sum(1 for b in data if b < 128 and b not in text_bytes)
    return control / len(data)


def _parse_document(text: str, path: Path) -> gemmi.cif.Document:
    try:
        return gemmi.cif.read_string(text)
    except (RuntimeError, ValueError) as exc:
        msg = str(exc)
        m = re.match(r"^[^:]*:(\d+):(\d+)(?:\(\d+\))?:\s*(.*)$", msg)
        where = f"line {m.group(1)}: {m.group(3)}" if m else msg
        raise InputError(f"not a readable CIF ({where}): the file is truncated or corrupted", path=path,
                         fix="re-download or re-export the CIF; check the file is complete (it ends after the "
                             "last loop) and that text fields opened with ';' are closed") from None


def _has_atoms(block: gemmi.cif.Block) -> bool:
    return block.find_value("_atom_site_fract_x") is not None or bool(block.find_loop("_atom_site_fract_x"))


def block_names(path: str | Path) -> list[tuple[str, bool]]:
    """``(name, has_atom_sites)`` for every data block of the file, in file order."""
    path = Path(path)
    doc = _parse_document(_read_text(path), path)
    return [(b.name, _has_atoms(b)) for b in doc]


def load_cif(path: str | Path, block: str | None = None, *, origin: Origin | None = None) -> CrystalStructure:
    """Read one data block of a CIF file.

    ``block``: the data block name (with or without ``data_``, case-insensitive); default the first block
    that has atom sites. ``origin`` defaults to ``user file NAME``.
    """
    path = Path(path)
    doc = _parse_document(_read_text(path), path)
    chosen = _choose_block(doc, block, path)
    return structure_from_block(chosen, source=str(path), origin=origin or user_origin(path))


def load_cif_blocks(path: str | Path, *, origin: Origin | None = None) -> list[CrystalStructure]:
    """Every data block of the file that has atom sites (a multi-block file split), in file order."""
    path = Path(path)
    doc = _parse_document(_read_text(path), path)
    blocks = [b for b in doc if _has_atoms(b)]
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
    blocks = ", ".join(names) if names else "none"
    return InputError(f"no atom sites (_atom_site_fract_x loop) in any data block (blocks: {blocks})", path=path,
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
        raise InputError(f"no data block '{wanted}' (blocks: {', '.join(names)})", path=path,
                         fix=f"use --block with one of: {', '.join(names)}")
    for b in doc:
        if _has_atoms(b):
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


def structure_from_block(block: gemmi.cif.Block, *, source: str, origin: Origin) -> CrystalStructure:
    """Turn one gemmi CIF block into a :class:`CrystalStructure` (raises :class:`InputError` on bad content)."""
    path = Path(source)
    warnings: list[str] = []
    where = f"block {block.name}"

    lengths = [_number(block, f"_cell_length_{x}", f"_cell.length_{x}") for x in "abc"]
    if any(v is None or v <= 0 for v in lengths):
        raise InputError(f"{where} has no unit cell (_cell_length_a/b/c missing or not positive)", path=path,
                         fix="give the CIF of the refined structure, which states the cell")
    angles = [_number(block, f"_cell_angle_{x}", f"_cell.angle_{x}") for x in ("alpha", "beta", "gamma")]
    if any(v is None for v in angles):
        warnings.append("cell angle(s) missing: taken as 90°")
        angles = [90.0 if v is None else v for v in angles]
    if any(not 0 < v < 180 for v in angles):  # type: ignore[operator]
        raise InputError(f"{where} has an impossible cell angle {angles}", path=path, fix="check the cell angles")
    try:
        gcell = gemmi.UnitCell(*lengths, *angles)  # type: ignore[arg-type]
        volume = gcell.volume
    except (RuntimeError, ValueError):
        volume = float("nan")
    if not volume > 0:
        raise InputError(f"{where}: the cell parameters do not describe a cell (volume {volume})", path=path,
                         fix="check _cell_length_* and _cell_angle_*")
    cif_volume = _number(block, "_cell_volume")
    if cif_volume and abs(cif_volume - volume) > max(1.0, 0.005 * volume):
        warnings.append(f"_cell_volume {cif_volume} Å³ differs from {volume:.1f} Å³ computed from the cell")
    cell = Cell(*lengths, *angles, volume=float(volume))  # type: ignore[arg-type]

    try:
        small = gemmi.make_small_structure_from_block(block)
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"{where}: gemmi cannot read the structure ({exc})", path=path,
                         fix="check the _atom_site loop and the symmetry operations") from None

    sites = []
    for s in small.sites:
        element = s.element.name
        if element == "D":
            element = "H"
        if element == "X":
            warnings.append(f"site {s.label}: element not recognised from type symbol '{s.type_symbol}'")
        sites.append(Site(label=s.label, element=element, type_symbol=s.type_symbol,
                          fract=(float(s.fract.x), float(s.fract.y), float(s.fract.z)), occupancy=float(s.occ),
                          u_iso=float(s.u_iso) if s.u_iso else float("nan"), disorder_group=int(s.disorder_group)))
    if not sites:
        raise InputError(f"{where} has no atom sites", path=path,
                         fix="give the CIF of the refined structure (it has an _atom_site_fract_x loop)")
    bad = [s.label for s in sites if not all(math.isfinite(v) for v in s.fract)]
    if bad:
        raise InputError(f"{where}: sites without coordinates: {_short_list(bad)}", path=path,
                         fix="remove or complete those _atom_site rows")

    symops = [op.strip() for op in small.symops]
    sg = small.spacegroup
    hm = _value(block, "_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M", "_space_group.name_H-M_alt")
    if not symops:
        if sg is None:
            warnings.append("no symmetry operations and no recognisable space group: P1 assumed")
            symops = ["x,y,z"]
        else:
            symops = [op.triplet() for op in sg.operations()]
            warnings.append(f"no symmetry operations listed: generated from the space group {sg.xhm()}")
    for op in symops:
        try:
            gemmi.Op(op)
        except (RuntimeError, ValueError):
            raise InputError(f"{where}: symmetry operation '{op}' cannot be parsed", path=path,
                             fix="correct it in the _space_group_symop_operation_xyz / _symmetry_equiv_pos_as_xyz "
                                 "loop (form 'x, -y+1/2, z+1/2')") from None
    if symops and gemmi.Op(symops[0]) != gemmi.Op("x,y,z"):
        warnings.append(f"the first symmetry operation is '{symops[0]}', not the identity")
    number = _number(block, "_space_group_IT_number", "_symmetry_Int_Tables_number")
    sg_number = int(number) if number is not None else (sg.number if sg is not None else None)
    if sg is not None and number is not None and sg.number != int(number):
        warnings.append(f"space-group number {int(number)} does not match the symbol {hm!r}")
    if hm is None:
        hm = sg.xhm() if sg is not None else "P 1"

    z_value = _number(block, "_cell_formula_units_Z")
    z = int(round(z_value)) if z_value else None
    formula_sum = _value(block, "_chemical_formula_sum")
    codes = {tag: v for tag in DATABASE_CODE_TAGS if (v := _value(block, tag)) is not None}
    for item in block:
        pair = item.pair
        if pair is not None and pair[0].lower().startswith("_database_code_") and pair[0] not in codes \
                and not gemmi.cif.is_null(pair[1]):
            codes[pair[0]] = gemmi.cif.as_string(pair[1]).strip()

    structure = CrystalStructure(
        name=block.name, source=str(source), cell=cell, space_group=hm, space_group_number=sg_number, z=z,
        formula_sum=formula_sum, sites=tuple(sites), symops=tuple(symops),
        database_code=next(iter(codes.values()), None), database_codes=codes, origin=origin)
    disorder = _disorder_report(structure)
    warnings.extend(disorder.messages())
    warnings.extend(_formula_warnings(structure))
    object.__setattr__(structure, "disorder", disorder)
    object.__setattr__(structure, "warnings", tuple(warnings))
    return structure


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
