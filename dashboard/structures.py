"""Structures the dashboard shows for a form: the deposited CIF (imported server-wide), a CIF uploaded in the session,
or a public COD demo ("NOT the article's structure"), each with every structural analysis of the library run once
(:class:`StructureBundle`). Server-side files are analysed once and shared between sessions (``pn.cache``, keyed on
path and modification time); read-only.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import panel as pn

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.data import datasets
from ti10cu2_lib.structure.cif import CrystalStructure, load_cif_blocks
from ti10cu2_lib.structure.geometry import AngleSet, angles_at
from ti10cu2_lib.structure.morphology import Morphology, bfdh_from_cif
from ti10cu2_lib.structure.pxrd import Crystal, PxrdPattern, load_crystal, simulate_pxrd
from ti10cu2_lib.structure.recognition import FormMatch, expected_form
from ti10cu2_lib.structure.report import Anatomy, anatomy
from ti10cu2_lib.structure.reported_geometry import StructuralNumbers, structural_numbers
from ti10cu2_lib.structure.schematic import DEMO_FOR_FORM

LOG = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]
#: public-domain COD CIFs shipped for the structure demo (data/demo/README.md says what each is and where it is from)
DEMO_DIR = REPO / "data" / "demo"
#: the demo each form shows by default (state.demo == DEMO_AUTO; ti10cu2_lib.structure.schematic.DEMO_FOR_FORM): a
#: 0D cluster crystal for sp (a titanium–oxo cluster, closest in kind to the article's), a 1D chain for cs
DEMO_KIND = {"COD_7050234_Ti4_alkoxide.cif": "0D cluster crystal",
             "COD_1518798_Ru2Co_cyanide_chain.cif": "1D chains of linked units",
             "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif": "0D Cu(II) complex"}
DEMO_AUTO = "auto"
MAX_ANGLE_CENTRES = 4  # bond-angle tables for at most this many metal sites (Cu first)


@dataclass(frozen=True, eq=False)
class StructureBundle:
    """Everything the Structure, Supercrystal and PXRD tabs show for one structure (all computed by the library).

    ``role`` is ``deposited`` (imported server-wide with ``ti10cu2 import-cif``), ``user`` (uploaded in this
    session) or ``demo`` (a public COD structure, *not* the article's). ``numbers`` feed the claims check only
    when the structure is the form's own (deposited, or a user CIF that matches the form).
    """

    role: str
    label: str
    filename: str
    origin: Origin
    structure: CrystalStructure | None
    anatomy: Anatomy | None
    angles: tuple[AngleSet, ...]
    crystal: Crystal | None
    pxrd: PxrdPattern | None
    morphology: Morphology | None
    numbers: StructuralNumbers | None
    form_match: FormMatch | None
    problems: Mapping[str, str]
    form: str | None = None  # the form it is shown for (uploads, deposited); None for a demo offered to both

    @property
    def is_demo(self) -> bool:
        return self.role == "demo"


def one_line(exc: Exception, temp_path: Path | None = None, filename: str | None = None) -> str:
    """The error as one line, naming the user's file instead of the temporary path it was read from.

    An exception other than :class:`InputError` is a fault of ours, not of the file: it is logged with its
    traceback on the server and the visitor reads one line saying so (never silence)."""
    if isinstance(exc, InputError):
        text = str(exc)
    else:
        LOG.exception("unexpected failure on %s", filename or temp_path)
        text = (f"{filename or temp_path}: could not be analysed — an internal error ({type(exc).__name__}: "
                f"{str(exc)[:80]}); the file may still be fine: please report it")
    if temp_path is not None and filename:
        text = text.replace(str(temp_path), filename)
    return " ".join(text.split())


def build_structure_bundle(path: Path, *, origin: Origin, role: str, label: str, form: str | None = None,
                           block: str | None = None, filename: str | None = None) -> StructureBundle:
    """Read ``path`` and run every structural analysis of the library on it; problems are kept per step."""
    problems: dict[str, str] = {}
    structure = anat = pattern = morph = numbers = match = crystal = None
    angles: list[AngleSet] = []
    try:
        blocks = load_cif_blocks(path, origin=origin)
        if block:
            blocks = [b for b in blocks if b.name.lower() == block.lower()] or blocks
        structure = blocks[0]
        if form is not None and len(blocks) > 1:
            structure = next((b for b in blocks if expected_form(b).form == form), blocks[0])
    except Exception as exc:  # InputError: the file's fault; anything else: ours, said as such (see _one_line)
        problems["cif"] = one_line(exc, path, filename)
    if structure is not None:
        for step in ("anatomy", "angles", "pxrd", "morphology", "numbers"):
            try:
                if step == "anatomy":
                    anat = anatomy(structure)
                    match = anat.form
                elif step == "angles" and anat is not None:
                    metals = sorted(anat.coordination.metals, key=lambda m: (m.element != "Cu", m.label))
                    angles = [angles_at(structure, m.label, anat.bonds, include_long_contacts=True)
                              for m in metals[:MAX_ANGLE_CENTRES]]
                elif step == "pxrd":
                    crystal = load_crystal(path, block=structure.name, origin=origin)
                    pattern = simulate_pxrd(crystal)
                elif step == "morphology":
                    found = bfdh_from_cif(path, block=structure.name)
                    morph = dataclasses.replace(found, origin=computed_from(origin, method=found.method))
                elif step == "numbers":
                    numbers = structural_numbers(structure, anat.bonds if anat is not None else None)
            except Exception as exc:  # per step, so one failing analysis does not hide the others
                problems[step] = one_line(exc, path, filename)
    return StructureBundle(role=role, label=label, filename=filename or path.name, origin=origin,
                           structure=structure, anatomy=anat, angles=tuple(angles), crystal=crystal, pxrd=pattern,
                           morphology=morph, numbers=numbers, form_match=match, problems=problems, form=form)


@pn.cache(max_items=8)
def server_structure(path: str, block: str, mtime_ns: int, provenance: str, source: str, role: str,
                     label: str, form: str | None) -> StructureBundle:
    """:func:`build_structure_bundle` for a file on the server (deposited or demo). Shared: read-only."""
    return build_structure_bundle(Path(path), origin=Origin(Provenance(provenance), source), role=role,
                                  label=label, form=form, block=block or None)


def deposited_bundle(form: str) -> StructureBundle | None:
    """The deposited structure imported server-wide for ``form`` (``ti10cu2 import-cif``), or None."""
    found = datasets.deposited_structure(form)
    if found is None:
        return None
    path, block, origin = found
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return server_structure(str(path), block, mtime, str(origin.provenance), origin.source, "deposited",
                            f"deposited CIF {path.name}", form)


def demo_cifs() -> tuple[str, ...]:
    """File names of the public COD CIFs offered as a demo, the per-form defaults first (empty when the folder
    is absent)."""
    if not DEMO_DIR.is_dir():
        return ()
    names = sorted(p.name for p in DEMO_DIR.glob("*.cif"))
    first = list(DEMO_FOR_FORM.values())
    return tuple(sorted(names, key=lambda n: first.index(n) if n in first else len(first)))


def demo_label(name: str) -> str:
    """``DEMO — COD 1518798 (…), 1D chains of linked units: … NOT the article's structure`` (COD id read off the
    file name)."""
    match = re.match(r"COD_(\d+)_?(.*)\.cif$", name)
    what = f"COD {match.group(1)} ({match.group(2).replace('_', ' ')})" if match else name
    kind = f", {DEMO_KIND[name]}" if name in DEMO_KIND else ""
    return f"DEMO — {what}{kind}: a public Crystallography Open Database structure, NOT the article's structure"


def demo_for(form: str, choice: str = DEMO_AUTO) -> str | None:
    """The demo file shown for ``form`` under the session's ``choice`` ("auto": the form's own default, "": none,
    or one file for both forms); None when there is none."""
    name = DEMO_FOR_FORM.get(form) if choice == DEMO_AUTO else choice
    return name if name and name in demo_cifs() else None


def demo_bundle(name: str) -> StructureBundle | None:
    """The demo structure ``name`` from :data:`DEMO_DIR` (provenance ``illustrative``), or None."""
    if name not in demo_cifs():
        return None
    path = DEMO_DIR / name
    label = demo_label(name)
    return server_structure(str(path), "", path.stat().st_mtime_ns, str(Provenance.ILLUSTRATIVE),
                            f"{label} (file {name})", "demo", label, None)
