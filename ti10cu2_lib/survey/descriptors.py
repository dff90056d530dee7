"""One CIF file → one row of supercrystal descriptors per data block with atom sites.

The row is computed by the same library code as ``ti10cu2 structure`` and ``ti10cu2 packing``: the CIF reader
(:mod:`ti10cu2_lib.structure.cif`), bonds by covalent radii (Cordero 2008 + 0.40 Å), the bond-network topology,
the centroid packing and supercrystal descriptors (:mod:`ti10cu2_lib.structure.packing`), the metal coordination
numbers (:mod:`ti10cu2_lib.structure.coordination`) and the BFDH habit (:mod:`ti10cu2_lib.structure.morphology`).
C–H···π contacts are not computed (minutes on large cages). Units: Å, Å³, seconds. Every value is ``computed``
from the file it names; a block (or a file) that cannot be analysed gives a row with ``status`` ``"error"`` and a
one-line ``error`` instead of an exception.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gemmi

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data.tables import clip
from ti10cu2_lib.structure.bonds import DEFAULT_TOLERANCE, find_bonds
from ti10cu2_lib.structure.cif import (
    CrystalStructure,
    formula_of,
    has_atom_sites,
    read_document,
    structure_from_block,
    user_origin,
)
from ti10cu2_lib.structure.coordination import coordination
from ti10cu2_lib.structure.morphology import bfdh
from ti10cu2_lib.structure.packing import packing, supercrystal_descriptors
from ti10cu2_lib.structure.topology import connected_components

#: Monte-Carlo points of the packing coefficient in a survey: standard error ≤ 0.0035 for any coefficient (the
#: ``packing`` command's 100 000 points take 4× longer, ≈ 70 % of a survey's time, for ≤ 0.0016).
SURVEY_MC_POINTS = 20_000

#: Neighbour centroid distances kept per row (Å, from the first unit, nearest first).
N_NEIGHBOUR_DISTANCES = 12

#: Every column of a survey row, in order: name → (pyarrow type name, description with unit).
COLUMNS: dict[str, tuple[str, str]] = {
    "file": ("string", "path of the CIF as found under the surveyed path"),
    "block": ("string", "data block name ('' when the whole file is unreadable)"),
    "block_index": ("int32", "position of the block among the file's blocks with atom sites (0 first)"),
    "status": ("string", "'ok', 'error' (one-line message in 'error') or 'timeout'"),
    "error": ("string", "one-line error message ('' when ok)"),
    "database_code": ("string", "COD/CSD/ICSD code of the entry, if the block states one"),
    "formula": ("string", "sum formula from the sites per Z (Hill order)"),
    "formula_sum": ("string", "_chemical_formula_sum as written"),
    "space_group": ("string", "Hermann–Mauguin symbol"),
    "space_group_number": ("int32", "International Tables number"),
    "z": ("int32", "_cell_formula_units_Z"),
    "cell_volume_A3": ("float64", "unit-cell volume (Å³)"),
    "n_atoms_cell": ("int32", "atom sites in the unit cell"),
    "dimensionality": ("int32", "largest dimensionality of the bond network's components (0–3; null: no bond)"),
    "n_component_kinds": ("int32", "symmetry-distinct kinds of connected component"),
    "n_components_cell": ("int32", "connected components in the cell"),
    "unit_formula": ("string", "formula of the packing unit (largest component kind; chain repeat unit)"),
    "unit_dimensionality": ("int32", "dimensionality of the packing unit"),
    "units_per_cell": ("int32", "packing units (cluster or chain repeat unit centroids) per cell"),
    "centroid_cn": ("float64", "centroids in the first neighbour shell, per unit"),
    "nearest_centroid_A": ("float64", "nearest centroid–centroid distance (Å)"),
    "first_shell_max_A": ("float64", "outer edge of the first neighbour shell (Å)"),
    "neighbour_distances_A": ("list<float64>", "centroid distances from the first unit, nearest first (Å)"),
    "packing_coefficient": ("float64", "Kitaigorodskii packing coefficient (Monte-Carlo, fixed seed)"),
    "packing_coefficient_se": ("float64", "its standard error"),
    "close_packing_cn": ("float64", "mean centroids within the adaptive common-neighbour cut-off (12: close-packed)"),
    "stacking": ("string", "close packing of the centroids: 'ABAB', 'ABC', 'mixed' or '' (not close-packed)"),
    "stacking_axis": ("string", "shortest lattice vector [u v w] along which the units stack"),
    "chain_axis": ("string", "chain propagation [u v w] (1D units only)"),
    "chain_period_A": ("float64", "chain repeat length (Å)"),
    "metal_elements": ("list<string>", "distinct metal elements, alphabetical"),
    "metal_labels": ("list<string>", "metal sites of the asymmetric unit"),
    "metal_cns": ("list<int32>", "coordination number of each metal site (bonds, H and C not counted)"),
    "habit": ("string", "BFDH habit class: needle/rod-like, plate-like or block-like"),
    "habit_aspect_ratio": ("float64", "BFDH L1/L3"),
    "n_warnings": ("int32", "reader warnings (disorder, missing H, skipped dummy atoms, …)"),
    "elapsed_s": ("float64", "analysis time of the block (s); not part of the deterministic result"),
}


def empty_row(file: str, block: str = "") -> dict[str, Any]:
    """A row with only ``file`` and ``block`` set (every descriptor null, lists empty)."""
    row: dict[str, Any] = {name: ([] if kind.startswith("list") else None) for name, (kind, _) in COLUMNS.items()}
    row.update(file=file, block=block, block_index=0, status="ok", error="")
    return row


def error_row(file: str, block: str, message: str, status: str = "error") -> dict[str, Any]:
    """The row of a block (or file) that could not be analysed: ``status`` and a one-line ``error``."""
    row = empty_row(file, block)
    row.update(status=status, error=clip(" ".join(str(message).split()), 300))
    return row


def _uvw(v: tuple[int, int, int] | None) -> str | None:
    return None if v is None else "[" + " ".join(str(int(x)) for x in v) + "]"


def block_row(structure: CrystalStructure, file: str, *, mc_points: int = SURVEY_MC_POINTS) -> dict[str, Any]:
    """The descriptors of one read structure (raises :class:`InputError` where the analysis cannot proceed).

    Example:
        >>> from ti10cu2_lib.core.paths import DATA_DIR
        >>> from ti10cu2_lib.structure.cif import load_cif
        >>> cif = DATA_DIR / "demo" / "COD_7050234_Ti4_alkoxide.cif"
        >>> row = block_row(load_cif(cif), cif.name, mc_points=2000)
        >>> row["status"], row["dimensionality"], row["metal_elements"]
        ('ok', 0, ['Ti'])
    """
    row = empty_row(file, structure.name)
    row.update(database_code=structure.database_code, formula=formula_of(structure),
               formula_sum=structure.formula_sum, space_group=structure.space_group,
               space_group_number=structure.space_group_number, z=structure.z,
               cell_volume_A3=structure.cell.volume, n_atoms_cell=structure.n_atoms_cell,
               n_warnings=len(structure.warnings))
    bonds = find_bonds(structure, DEFAULT_TOLERANCE)
    topo = connected_components(structure, bonds)
    row.update(dimensionality=max((k.dimensionality for k in topo.classes), default=None) if topo.determined
               else None, n_component_kinds=len(topo.classes), n_components_cell=len(topo.components))
    pk = packing(structure, topo, mc_points=mc_points)
    sc = supercrystal_descriptors(structure, topo, pk)
    row.update(unit_formula=pk.unit_formula, unit_dimensionality=pk.unit_dimensionality,
               units_per_cell=pk.n_units_cell, centroid_cn=sc.coordination_number,
               nearest_centroid_A=pk.nearest_distance,
               first_shell_max_A=sc.first_shell[1] if sc.first_shell else None,
               neighbour_distances_A=[float(d) for d in pk.neighbour_distances[:N_NEIGHBOUR_DISTANCES]],
               packing_coefficient=pk.packing_coefficient, packing_coefficient_se=pk.packing_coefficient_se,
               close_packing_cn=(sum(sc.close_packing.coordination_numbers) / len(sc.close_packing.coordination_numbers)
                                 if sc.close_packing and sc.close_packing.coordination_numbers else None),
               stacking=sc.stacking or "", stacking_axis=_uvw(pk.stacking.direction) if pk.stacking else None,
               chain_axis=_uvw(sc.chain_axis), chain_period_A=sc.chain_period)
    metals = coordination(structure, bonds).metals
    row.update(metal_elements=sorted({m.element for m in metals}), metal_labels=[m.label for m in metals],
               metal_cns=[int(m.coordination_number) for m in metals])
    cell = structure.cell
    ops = gemmi.GroupOps([gemmi.Op(t) for t in structure.symops])
    morph = bfdh((cell.a, cell.b, cell.c, cell.alpha, cell.beta, cell.gamma), ops)
    row.update(habit=morph.habit, habit_aspect_ratio=morph.aspect_ratio)
    return row


def _failure(exc: BaseException) -> str:
    """One line for an exception: an :class:`InputError` as it is, anything else named as an internal error."""
    if isinstance(exc, InputError):
        return str(exc)
    return f"internal error ({type(exc).__name__}: {exc}); please report it with the file"


def survey_file(path: str | Path, *, mc_points: int = SURVEY_MC_POINTS) -> list[dict[str, Any]]:
    """Rows for every data block with atom sites of one CIF (file order); never raises for a bad file.

    An unreadable file, or one without any block with atom sites, gives one error row with ``block`` ''.

    Example:
        >>> from ti10cu2_lib.core.paths import DATA_DIR
        >>> rows = survey_file(DATA_DIR / "demo" / "COD_7050234_Ti4_alkoxide.cif", mc_points=2000)
        >>> [(r["block"], r["status"]) for r in rows]
        [('7050234', 'ok')]
    """
    file = str(path)
    try:
        doc = read_document(path)
    except Exception as exc:  # noqa: BLE001 — a bad file gives an error row, never stops a survey
        return [error_row(file, "", _failure(exc))]
    blocks = [b for b in doc if has_atom_sites(b)]
    if not blocks:
        names = ", ".join(b.name for b in doc) or "none"
        return [error_row(file, "", f"{file}: no atom sites (_atom_site_fract_x) in any data block "
                                    f"(blocks: {clip(names, 80)})")]
    rows = []
    for index, block in enumerate(blocks):
        start = time.perf_counter()
        try:
            row = block_row(structure_from_block(block, source=file, origin=user_origin(file)), file,
                            mc_points=mc_points)
        except Exception as exc:  # noqa: BLE001 — one bad block gives an error row
            row = error_row(file, block.name, _failure(exc))
        row.update(block_index=index, elapsed_s=time.perf_counter() - start)
        rows.append(row)
    return rows
