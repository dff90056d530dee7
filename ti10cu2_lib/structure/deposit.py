"""Importing the authors' deposited CIF(s): recognise which block is which form, validate, store as ``deposited``.

A multi-block file is split; each block with atoms is matched against the two expected compositions
(:func:`~ti10cu2_lib.structure.recognition.expected_form`). A block that matches neither form is refused with the
precise mismatches, unless ``force`` is given together with ``form`` (then it is stored with a warning in its
source text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data import datasets
from ti10cu2_lib.structure.cif import CrystalStructure, load_cif_blocks
from ti10cu2_lib.structure.recognition import expected_form


@dataclass(frozen=True)
class ImportedBlock:
    """One block stored as the deposited structure of ``form``."""

    form: str
    block: str
    matched_by: str | None
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    stored_as: str


def _describe(structure: CrystalStructure) -> str:
    return f"block '{structure.name}' ({structure.formula_sum or 'no formula'}, {structure.space_group})"


def import_cif(path: str | Path, *, form: str | None = None, block: str | None = None,
               force: bool = False) -> list[ImportedBlock]:
    """Validate ``path`` and store its recognised block(s) as provenance ``deposited``; nothing is stored on error."""
    if form is not None and form not in datasets.FORMS:
        raise InputError(f"unknown form '{form}'", fix="use --form sp or --form cs")
    if force and form is None:
        raise InputError("--force needs --form", fix="say which form the block is: --form sp or --form cs")
    path = Path(path)
    blocks = [b for b in load_cif_blocks(path, origin=Origin(Provenance.DEPOSITED, f"CIF {path.name}"))
              if block is None or b.name == block]
    if not blocks:
        raise InputError(f"no block named '{block}' with atoms", path=path, fix="list the blocks with 'ti10cu2 "
                         "structure FILE' and pass one of their names with --block")
    chosen: dict[str, tuple[CrystalStructure, object]] = {}
    refused = []
    for structure in blocks:
        match = expected_form(structure)
        if match.form is not None and (form is None or match.form == form):
            chosen.setdefault(match.form, (structure, match))
        elif force and len(blocks) == 1:
            chosen[form] = (structure, match)
        else:
            refused.append(f"{_describe(structure)}: " + "; ".join(match.mismatches or ("not the requested form",)))
    if not chosen:
        wanted = f"(Ti10Cu2){form}" if form else "either {Ti10Cu2} form"
        raise InputError(f"no block matches {wanted}: " + " | ".join(refused), path=path,
                         fix="check that this is the deposited CIF (CCDC 2277134/2277142); "
                             "to import it anyway give --form and --force")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    imported = []
    for matched_form, (structure, match) in sorted(chosen.items()):
        forced = match.form != matched_form
        source = (f"deposited CIF {path.name}, block {structure.name}, imported {stamp}"
                  + (" — FORCED: composition/symmetry do not match the article" if forced else ""))
        entry = datasets.register_deposited_structure(matched_form, path, block=structure.name, source=source)
        imported.append(ImportedBlock(form=matched_form, block=structure.name, matched_by=match.matched_by,
                                      notes=tuple(match.notes) + (tuple(match.mismatches) if forced else ()),
                                      warnings=tuple(structure.warnings), stored_as=entry["file"]))
    return imported
