"""Per-session state of the dashboard: one :class:`DashboardState` per browser session.

Nothing here is module-global and mutable. What is shared between sessions is read-only and keyed on immutable
inputs (``pn.cache``): the embedded/registered datasets and their analyses (keyed on the form, the Tauc options
and a fingerprint of the dataset manifests) and the analyses of server-side structures (keyed on path and
modification time). A user's uploads live only in their own session's state: they are validated with the same
readers as the CLI (:func:`ti10cu2_lib.data.readers.read_dataset`, :func:`ti10cu2_lib.structure.cif.load_cif`), written
to a private temporary directory only for the time of reading, never executed or unpickled, and never registered
in the server's data area.

Every number comes from :mod:`ti10cu2_lib`: :func:`~ti10cu2_lib.report.overview.analyse_form` for the properties,
:func:`~ti10cu2_lib.report.claims.check_claims` for the claims, :mod:`ti10cu2_lib.structure` for structures.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import panel as pn
import param

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance, computed_from
from ti10cu2_lib.core.results import to_jsonable
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.kinds import KINDS, Dataset
from ti10cu2_lib.data.readers import read_dataset
from ti10cu2_lib.data.readers_pxrd import PowderPattern, read_powder_pattern
from ti10cu2_lib.report.claims import ClaimCheck, check_claims
from ti10cu2_lib.report.overview import FormAnalysis, TaucOptions, analyse_form, check_dataset, form_datasets
from ti10cu2_lib.structure.cif import CrystalStructure, load_cif_blocks
from ti10cu2_lib.structure.geometry import AngleSet, angles_at
from ti10cu2_lib.structure.morphology import Morphology, bfdh_from_cif
from ti10cu2_lib.structure.pxrd import Crystal, PxrdPattern, load_crystal, simulate_pxrd
from ti10cu2_lib.structure.pxrd_compare import PxrdComparison, compare_pattern
from ti10cu2_lib.structure.recognition import FormMatch, expected_form
from ti10cu2_lib.structure.report import Anatomy, anatomy
from ti10cu2_lib.structure.reported_geometry import StructuralNumbers, structural_numbers
from ti10cu2_lib.structure.schematic import DEMO_FOR_FORM

FORMS = ("sp", "cs")
#: what the global toggle can show → the forms shown
#: what the toggle can show: one form, both side by side, or both overlaid on shared axes
VIEWS: dict[str, tuple[str, ...]] = {"sp": ("sp",), "cs": ("cs",), "both": ("sp", "cs"), "overlay": ("sp", "cs")}
FORM_LABELS = {"sp": "(Ti10Cu2)sp", "cs": "(Ti10Cu2)cs", "both": "both, side by side",
               "overlay": "both, overlaid"}
FORM_DESCRIPTIONS = {"sp": "hard-sphere-like packing", "cs": "1D chain stacking"}

LOG = logging.getLogger(__name__)
UPLOAD_LIMIT_BYTES = 20 * 1000 * 1000
UPLOAD_LIMIT_TEXT = "20 MB"
#: measurement kinds a user may upload (the CLI's kinds), plus "cif" for a structure
UPLOAD_KINDS = tuple(KINDS)
#: the upload form's reference electrodes: label → name the analysis reads (a bare "Ag/AgCl" would be taken as
#: saturated KCl with a warning; here the filling is chosen explicitly)
REFERENCE_ELECTRODES = {"Ag/AgCl (saturated KCl)": "Ag/AgCl (sat. KCl)", "Ag/AgCl (3.5 M KCl)": "Ag/AgCl (3.5 M KCl)",
                        "Ag/AgCl (3 M KCl)": "Ag/AgCl (3 M KCl)", "Ag/AgCl (1 M KCl)": "Ag/AgCl (1 M KCl)",
                        "SCE": "SCE", "NHE": "NHE", "RHE": "RHE"}
TRANSITIONS = ("direct", "indirect")

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


# ------------------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class Upload:
    """A measurement file the user uploaded in this session, validated into a dataset."""

    form: str
    kind: str
    filename: str
    size: int
    dataset: Dataset


@dataclass(frozen=True)
class PatternUpload:
    """A measured powder pattern uploaded in this session (read like ``ti10cu2 pxrd --compare FILE``)."""

    form: str
    filename: str
    size: int
    pattern: PowderPattern


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


# ------------------------------------------------------------------------------- shared, read-only caches


def data_fingerprint() -> tuple:
    """Identity of the dataset manifests in use (embedded + user area): cached analyses are keyed on it."""
    parts: list[tuple] = [(str(datasets.user_data_dir()),)]
    for path in (datasets.MANIFEST_PATH, datasets.user_data_dir() / "manifest.json"):
        try:
            stat = path.stat()
            parts.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            parts.append((str(path), None, None))
    return tuple(parts)


@pn.cache(max_items=16)
def base_datasets(form: str, fingerprint: tuple) -> tuple[dict[str, Dataset], dict[str, str]]:
    """The datasets registered for ``form`` (user > deposited > reconstructed) and load problems. Read-only."""
    return form_datasets(form)


@pn.cache(max_items=64)
def default_analysis(form: str, transition: str, window: tuple[float, float] | None,
                     fingerprint: tuple) -> FormAnalysis:
    """:func:`analyse_form` on the registered datasets (no session uploads). Shared between sessions: read-only."""
    data, problems = base_datasets(form, fingerprint)
    result = analyse_form(form, data, tauc=TaucOptions(transition=transition, window_eV=window))
    return dataclasses.replace(result, problems={**problems, **result.problems})


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
        problems["cif"] = _one_line(exc, path, filename)
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
                problems[step] = _one_line(exc, path, filename)
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


# ------------------------------------------------------------------------------------------------ helpers


def safe_filename(name: str, default: str = "upload.csv") -> str:
    """The base name of an uploaded file with only ``[A-Za-z0-9._-]`` kept (at most 100 characters)."""
    base = Path(str(name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    return cleaned or default


def _one_line(exc: Exception, temp_path: Path | None = None, filename: str | None = None) -> str:
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


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def size_problem(size: int) -> str | None:
    """The refusal message when ``size`` bytes exceed the upload limit, else None."""
    if size > UPLOAD_LIMIT_BYTES:
        return (f"file is {size / 1e6:.1f} MB, larger than the {UPLOAD_LIMIT_TEXT} upload limit. "
                "Fix: upload only the measurement (a spectrum or I–V sweep is far smaller).")
    if size == 0:
        return "file is empty. Fix: upload a file with a header row and numeric rows."
    return None


class Refused(Exception):
    """An upload refused; the message is the one line the visitor reads."""


def _accepted_bytes(name: str, form: str, data: bytes | str) -> bytes:
    """The upload's bytes when the form is known and the size within the limit; otherwise :class:`Refused`."""
    if form not in FORMS:
        raise Refused(f"{name}: unknown form '{form}'. Fix: choose sp or cs.")
    raw = _as_bytes(data)
    refused = size_problem(len(raw))
    if refused:
        raise Refused(f"{name}: {refused}")
    return raw


def _measurement_metadata(name: str, kind: str, length_mm: float | None, area_mm2: float | None,
                          reference_electrode: str | None, pH: float | None) -> dict[str, Any]:
    """What the analysis needs beyond the table (crystal dimensions, reference electrode); checked."""
    metadata: dict[str, Any] = {}
    if kind == "iv" and (length_mm is None or area_mm2 is None):
        raise Refused(f"{name}: the conductivity needs your crystal's length between the contacts and its "
                      "cross-section. Fix: fill in L (mm) and A (mm²) before dropping the file.")
    if kind in ("iv", "iv_blank"):
        for key, value in (("length_mm", length_mm), ("area_mm2", area_mm2)):
            if value is not None:
                if not float(value) > 0:
                    raise Refused(f"{name}: {key} must be positive. Fix: give your crystal's dimensions.")
                metadata[key] = float(value)
    if kind == "mott_schottky":
        metadata["reference_electrode"] = reference_electrode or "Ag/AgCl"
        if pH is not None:
            metadata["pH"] = float(pH)
    return metadata


def prepare_upload(form: str, kind: str, filename: str, data: bytes | str, *, length_mm: float | None = None,
                   area_mm2: float | None = None, reference_electrode: str | None = None, pH: float | None = None,
                   x_unit: str | None = None, y_kind: str | None = None) -> Upload | PatternUpload:
    """Validate and read an uploaded measurement and run its analysis once (as ``ti10cu2 data add`` does);
    :class:`Refused` with a one-line message when it cannot be used. Pure: safe on a worker thread."""
    name = safe_filename(filename)
    if kind not in KINDS:
        raise Refused(f"{name}: unknown data kind '{kind}'. Fix: choose one of {', '.join(KINDS)}.")
    raw = _accepted_bytes(name, form, data)
    problems: list[str] = []  # every problem of the file at once: missing dimensions and a bad header together
    try:
        metadata = _measurement_metadata(name, kind, length_mm, area_mm2, reference_electrode, pH)
    except Refused as refused:
        problems.append(str(refused))
        metadata = {}
    units = {"x": x_unit} if x_unit in ("nm", "eV") else None
    with tempfile.TemporaryDirectory(prefix="ti10cu2-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        try:
            if kind == "pxrd_experimental":
                return PatternUpload(form, name, len(raw), read_powder_pattern(path))
            dataset = read_dataset(path, kind, form=form, units=units,
                                   y_kind=y_kind if y_kind in ("reflectance", "absorbance") else None,
                                   metadata=metadata, origin=Origin(Provenance.USER, f"user file {name}"))
            if not problems:
                check_dataset(dataset, path)  # used only when its analysis runs cleanly, as `ti10cu2 data add`
        except Exception as exc:  # InputError: the file's fault; anything else: ours, said as such
            problems.append(_one_line(exc, path, name))
    if problems:
        raise Refused(" — and ".join(problems))
    return Upload(form, kind, name, len(raw), dataset)


def prepare_cif(form: str, filename: str, data: bytes | str) -> StructureBundle:
    """Read an uploaded CIF and run every structural analysis on it; :class:`Refused` when it is not a readable
    CIF. Pure: safe on a worker thread."""
    name = safe_filename(filename, "upload.cif")
    raw = _accepted_bytes(name, form, data)
    origin = Origin(Provenance.USER, f"user file {name}")
    with tempfile.TemporaryDirectory(prefix="ti10cu2-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        bundle = build_structure_bundle(path, origin=origin, role="user", label=f"your CIF {name}",
                                        form=form, filename=name)
    if bundle.structure is None:
        raise Refused(bundle.problems.get("cif", f"{name}: not a readable CIF"))
    return bundle


# ------------------------------------------------------------------------------------------------- state


class DashboardState(param.Parameterized):
    """Everything one browser session sees. Create one per session; never share an instance."""

    form = param.Selector(default="sp", objects=list(VIEWS), doc="form(s) shown: sp, cs, both or overlay")
    transition = param.Selector(default="direct", objects=list(TRANSITIONS), doc="Tauc transition type")
    tauc_windows = param.Dict(default=None, doc="form → (lo, hi) eV manual Tauc window; absent = automatic")
    svg = param.Boolean(default=False, doc="render figures as SVG (the toolbar's save button then writes SVG)")
    demo = param.String(default=DEMO_AUTO, doc="COD demo shown where a form has no structure: 'auto' (sp → a 0D "
                                                "cluster crystal, cs → a 1D chain), '' (none) or one file name")
    uploads = param.Dict(default=None, doc="(form, kind) → Upload of this session")
    user_structures = param.Dict(default=None, doc="form → StructureBundle uploaded in this session")
    patterns = param.Dict(default=None, doc="form → PatternUpload (measured PXRD) of this session")

    analyses = param.Dict(default=None, doc="form → FormAnalysis (derived)")
    structures = param.Dict(default=None, doc="form → StructureBundle | None shown (derived)")
    comparisons = param.Dict(default=None, doc="form → PxrdComparison or problem text (derived)")
    claims = param.List(default=None, doc="ClaimCheck rows (derived)")
    message = param.String(default="", doc="last upload/validation message (one line)")
    message_level = param.Selector(default="info", objects=["info", "success", "error"])
    message_topic = param.Selector(default="upload", objects=["upload", "tauc", "demo"],
                                   doc="which control the message is about (it is shown beside that control)")

    def __init__(self, **params: Any) -> None:
        for name in ("tauc_windows", "uploads", "user_structures", "patterns", "analyses", "structures",
                     "comparisons"):
            params.setdefault(name, {})
        params.setdefault("claims", [])
        super().__init__(**params)
        self._compared: dict[tuple[int, int], PxrdComparison | str] = {}  # this session's comparisons
        self.fingerprint = data_fingerprint()
        self.recompute()

    # ---------------------------------------------------------------- derived values
    @property
    def shown_forms(self) -> tuple[str, ...]:
        return VIEWS[self.form]

    def _analysis(self, form: str) -> FormAnalysis:
        window = self.tauc_windows.get(form)
        own = {kind: up.dataset for (f, kind), up in self.uploads.items() if f == form}
        user_structure = self.user_structures.get(form)
        if not own and user_structure is None:
            return default_analysis(form, self.transition, window, self.fingerprint)
        base, problems = base_datasets(form, self.fingerprint)
        data = {**base, **own}
        problems = {k: v for k, v in problems.items() if k not in own}
        result = analyse_form(form, data, tauc=TaucOptions(transition=self.transition, window_eV=window))
        result = dataclasses.replace(result, problems={**problems, **result.problems})
        if user_structure is not None and self._counts_for_claims(form, user_structure):
            result = dataclasses.replace(result, structure=user_structure.numbers)
        return result

    @staticmethod
    def _counts_for_claims(form: str, bundle: StructureBundle) -> bool:
        return (bundle.numbers is not None and bundle.form_match is not None and bundle.form_match.form == form)

    def _structure(self, form: str) -> StructureBundle | None:
        """user (this session) > deposited (server) > demo (the form's own by default, see :func:`demo_for`)."""
        name = demo_for(form, self.demo)
        return self.user_structures.get(form) or deposited_bundle(form) or (demo_bundle(name) if name else None)

    def recompute(self, forms: tuple[str, ...] = FORMS) -> None:
        """Recompute the analyses of ``forms`` (the others are kept), the structures and the claims."""
        self._publish(self._derive(forms))

    def _derive(self, forms: tuple[str, ...]) -> dict[str, Any]:
        """The derived values from the current inputs (reads the session, changes nothing: may run on a thread)."""
        analyses = dict(self.analyses)
        for form in forms:
            analyses[form] = self._analysis(form)
        structures = {form: self._structure(form) for form in FORMS}
        comparisons = {form: self._comparison(structures[form], self.patterns.get(form)) for form in FORMS}
        return {"analyses": analyses, "structures": structures, "comparisons": comparisons,
                "claims": list(check_claims(analyses=analyses))}

    def _publish(self, derived: dict[str, Any]) -> None:
        with param.parameterized.batch_call_watchers(self):
            for name, value in derived.items():
                setattr(self, name, value)

    def _comparison(self, bundle: StructureBundle | None, upload: PatternUpload | None) -> PxrdComparison | str | None:
        """Measured vs simulated pattern (``ti10cu2 pxrd FILE --compare``), once per (structure, pattern)."""
        if upload is None:
            return None
        if bundle is None or bundle.crystal is None:
            return "no structure to compare with: import or upload a CIF"
        key = (id(bundle), id(upload))
        if key not in self._compared:
            try:
                self._compared = {key: compare_pattern(bundle.crystal, upload.pattern)}  # keep only the latest
            except InputError as exc:
                self._compared = {key: _one_line(exc)}
        return self._compared[key]

    def _say(self, text: str, level: str = "info", topic: str = "upload") -> None:
        """One line for the visitor, shown next to the control it is about (``topic``: upload, tauc, demo)."""
        with param.parameterized.batch_call_watchers(self):
            self.message_level = level
            self.message_topic = topic
            self.message = " ".join(text.split())

    # ---------------------------------------------------------------- user actions
    def set_transition(self, transition: str) -> None:
        if transition not in TRANSITIONS:
            self._say(f"unknown transition '{transition}'. Fix: use direct or indirect.", "error", "tauc")
            return
        self.transition = transition
        self.recompute()

    def set_tauc_window(self, form: str, window: tuple[float, float] | None) -> None:
        """A manual Tauc fit window (eV) for ``form``, or None for the automatic rule; recomputes that form."""
        windows = dict(self.tauc_windows)
        if window is None:
            windows.pop(form, None)
        else:
            lo, hi = (round(float(v), 3) for v in window)
            if not lo < hi:
                self._say(f"Tauc window {lo:g}–{hi:g} eV is empty. Fix: give LO < HI.", "error", "tauc")
                return
            windows[form] = (lo, hi)
        self.tauc_windows = windows
        self.recompute((form,))
        problem = self.analyses[form].problems.get("drs")
        if problem:
            self._say(f"Tauc ({form}): {problem}", "error", "tauc")

    # ---------------------------------------------------------------- uploads
    # Each upload is *prepared* (validated, read, analysed: pure, may run on a worker thread), then *taken* into
    # the session's inputs and the derived results recomputed. The async variants, used by the page, do the
    # heavy parts off the server's event loop, so one visitor's large file never blocks the others.

    def upload(self, form: str, kind: str, filename: str, data: bytes | str, **options: Any) -> bool:
        """Validate an uploaded measurement for (form, kind) and use it in this session only (options:
        ``length_mm``, ``area_mm2``, ``reference_electrode``, ``pH``, ``x_unit``, ``y_kind``).

        Returns True when it was accepted; otherwise :attr:`message` says why, in one line, and nothing changes.
        """
        self._say(f"{safe_filename(filename)}: reading and analysing … (large files take a few seconds)")
        return self._accept(lambda: prepare_upload(form, kind, filename, data, **options))

    async def upload_async(self, form: str, kind: str, filename: str, data: bytes | str, **options: Any) -> bool:
        """:meth:`upload` with reading and analysis on a worker thread."""
        self._say(f"{safe_filename(filename)}: reading and analysing … (large files take a few seconds)")
        return await self._accept_async(lambda: prepare_upload(form, kind, filename, data, **options))

    def upload_cif(self, form: str, filename: str, data: bytes | str) -> bool:
        """Validate an uploaded CIF and show it as ``form``'s structure in this session (provenance ``user``)."""
        self._say(f"{safe_filename(filename, 'upload.cif')}: reading and analysing the structure … (a large cell "
                  "takes a few seconds)")
        return self._accept(lambda: prepare_cif(form, filename, data))

    async def upload_cif_async(self, form: str, filename: str, data: bytes | str) -> bool:
        """:meth:`upload_cif` with the structure analyses on a worker thread."""
        self._say(f"{safe_filename(filename, 'upload.cif')}: reading and analysing the structure … (a large cell "
                  "takes a few seconds)")
        return await self._accept_async(lambda: prepare_cif(form, filename, data))

    def _accept(self, prepare: Callable[[], Upload | PatternUpload | StructureBundle]) -> bool:
        try:
            item = prepare()
        except Refused as refused:
            self._say(str(refused), "error")
            return False
        self.recompute(self._take(item))
        self._say(*self._accepted_message(item))
        return True

    async def _accept_async(self, prepare: Callable[[], Upload | PatternUpload | StructureBundle]) -> bool:
        try:
            item = await asyncio.to_thread(prepare)
        except Refused as refused:
            self._say(str(refused), "error")
            return False
        forms = self._take(item)
        self._publish(await asyncio.to_thread(self._derive, forms))
        self._say(*self._accepted_message(item))
        return True

    def _take(self, item: Upload | PatternUpload | StructureBundle) -> tuple[str, ...]:
        """Put a prepared upload into the session's inputs; returns the forms whose analyses change."""
        if isinstance(item, Upload):
            self.uploads = {**self.uploads, (item.form, item.kind): item}
            return (item.form,)
        if isinstance(item, PatternUpload):
            self.patterns = {**self.patterns, item.form: item}
            return ()
        self.user_structures = {**self.user_structures, item.form: item}
        return (item.form,)

    def _accepted_message(self, item: Upload | PatternUpload | StructureBundle) -> tuple[str, str]:
        if isinstance(item, Upload):
            problem = self.analyses[item.form].problems.get(item.kind)
            if problem:
                return (f"{item.filename} accepted for {item.form} {item.kind}, but its analysis failed: {problem}",
                        "error")
            return (f"{item.filename} ({item.size / 1e3:.1f} kB) is now used for {FORM_LABELS[item.form]} "
                    f"{item.kind} in this browser session only (provenance: user).", "success")
        if isinstance(item, PatternUpload):
            found = self.comparisons.get(item.form)
            tail = ("compared with the simulated pattern on the PXRD tab" if not isinstance(found, str)
                    else f"not compared: {found}")
            return (f"{item.filename}: measured powder pattern for {FORM_LABELS[item.form]} in this browser session "
                    f"only (provenance: user); {tail}.", "success")
        form, match = item.form, item.form_match
        if match is not None and match.form == form:
            note = f"it matches {FORM_LABELS[form]}, so the claims check uses its geometry"
        else:
            why = "; ".join(match.mismatches) if match is not None and match.mismatches else "composition differs"
            note = f"it does not match {FORM_LABELS[form]} ({why}), so the claims check does not use it"
        return (f"{item.filename}: shown as the {form} structure in this browser session only (provenance: user); "
                f"{note}.", "success")

    def remove_upload(self, form: str, kind: str) -> None:
        if kind == "pxrd_experimental" and form in self.patterns:
            self.patterns = {k: v for k, v in self.patterns.items() if k != form}
            self.recompute(())
            self._say(f"your measured powder pattern for {form} is no longer used.")
            return
        if (form, kind) in self.uploads:
            self.uploads = {k: v for k, v in self.uploads.items() if k != (form, kind)}
            self.recompute((form,))
            self._say(f"your {kind} file for {form} is no longer used; back to the registered dataset.")

    def remove_cif(self, form: str) -> None:
        if form in self.user_structures:
            self.user_structures = {k: v for k, v in self.user_structures.items() if k != form}
            self.recompute((form,))
            self._say(f"your CIF for {form} is no longer shown.")

    def set_demo(self, name: str) -> None:
        """Show the COD demo structure ``name`` where a form has no structure ("" to hide it, "auto" for each
        form's own: a 0D cluster crystal for sp, a 1D chain for cs)."""
        if name and name != DEMO_AUTO and name not in demo_cifs():
            self._say(f"no demo CIF '{name}'.", "error", "demo")
            return
        self.demo = name
        self.recompute(())

    # ---------------------------------------------------------------- tables and bundle
    def dataset_rows(self) -> list[dict]:
        """One row per (form, kind): the dataset used in this session, with its provenance."""
        rows = []
        for form in FORMS:
            analysis = self.analyses[form]
            for kind, info in KINDS.items():
                ds = analysis.datasets.get(kind)
                if ds is None:
                    upload = self.uploads.get((form, kind))
                    ds = upload.dataset if upload else None
                rows.append({"form": form, "kind": kind, "description": info.description,
                             "origin": ds.origin if ds is not None else None,
                             "problem": analysis.problems.get(kind, "" if ds is not None else "no data")})
        return rows

    def results_bundle(self) -> dict:
        """JSON-ready bundle: every result of both forms with its provenance, the claims and the session's inputs."""
        forms: dict[str, Any] = {}
        for form in FORMS:
            a = self.analyses[form]
            results = {name: getattr(a, name) for name in ("composition", "uvvis", "tauc", "mott_schottky", "bands",
                                                           "conductivity", "co2", "photocurrent", "structure")}
            bundle = self.structures.get(form)
            forms[form] = {
                "label": FORM_LABELS[form],
                "datasets": {kind: {**ds.origin.to_dict(), "assumptions": list(ds.assumptions),
                                    "metadata": to_jsonable(dict(ds.metadata))} for kind, ds in a.datasets.items()},
                "results": {k: to_jsonable(v) for k, v in results.items() if v is not None},
                "problems": dict(a.problems),
                "structure_shown": None if bundle is None else {
                    "role": bundle.role, "label": bundle.label, "provenance": bundle.origin.to_dict(),
                    "summary": bundle.anatomy.summary() if bundle.anatomy is not None else None,
                    "packing": bundle.anatomy.packing if bundle.anatomy is not None else None,
                    "morphology": bundle.morphology, "problems": dict(bundle.problems)},
                "pxrd_comparison": (self.comparisons.get(form).to_dict()
                                    if isinstance(self.comparisons.get(form), PxrdComparison)
                                    else self.comparisons.get(form)),
            }
        return to_jsonable({
            "article": "Meng et al., Inorg. Chem. Front. 2023, 10, 5694 (doi:10.1039/d3qi01334k)",
            "generated_by": "ti10cu2 dashboard",
            "options": {"tauc_transition": self.transition,
                        "tauc_windows_eV": {f: list(w) for f, w in self.tauc_windows.items()}},
            "session_uploads": [{"form": u.form, "kind": u.kind, "file": u.filename, "bytes": u.size}
                                for u in self.uploads.values()]
            + [{"form": p.form, "kind": "pxrd_experimental", "file": p.filename, "bytes": p.size}
               for p in self.patterns.values()]
            + [{"form": f, "kind": "cif", "file": b.filename} for f, b in self.user_structures.items()],
            "forms": forms,
            "claims": [c.to_dict() for c in self.claims],
        })


def claims_rows(claims: list[ClaimCheck]) -> list[dict]:
    """Plain rows of the claims table (values as the library gives them)."""
    return [{"id": c.id, "form": c.form, "quantity": c.quantity, "reported": c.reported, "unit": c.unit,
             "computed": c.computed, "status": str(c.status), "data provenance": c.data_provenance,
             "method": c.method, "note": c.note, "origin": c.origin} for c in claims]
