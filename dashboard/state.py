"""Per-session state of the dashboard: one :class:`DashboardState` per browser session.

Nothing here is module-global and mutable. What is shared between sessions is read-only and keyed on immutable
inputs (``pn.cache``): the embedded/registered datasets and their analyses (keyed on the form, the Tauc options
and a fingerprint of the dataset manifests) and the analyses of server-side structures (keyed on path and
modification time). A user's uploads live only in their own session's state (read and checked by :mod:`.uploads`;
structures analysed by :mod:`.structures`).

Every number comes from :mod:`ti10cu2_lib`: :func:`~ti10cu2_lib.report.overview.analyse_form` for the properties,
:func:`~ti10cu2_lib.report.claims.check_claims` for the claims, :mod:`ti10cu2_lib.structure` for structures.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import panel as pn
import param

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.results import to_jsonable
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.kinds import FORMS, KINDS, Dataset
from ti10cu2_lib.report.claims import ClaimCheck, check_claims
from ti10cu2_lib.report.overview import FormAnalysis, TaucOptions, analyse_form, form_datasets
from ti10cu2_lib.structure.pxrd_compare import PxrdComparison, compare_pattern

from .structures import DEMO_AUTO, StructureBundle, demo_bundle, demo_cifs, demo_for, deposited_bundle, one_line
from .uploads import PatternUpload, Refused, Upload, prepare_cif, prepare_upload, safe_filename

#: what the global toggle can show → the forms shown
#: what the toggle can show: one form, both side by side, or both overlaid on shared axes
VIEWS: dict[str, tuple[str, ...]] = {"sp": ("sp",), "cs": ("cs",), "both": ("sp", "cs"), "overlay": ("sp", "cs")}
FORM_LABELS = {"sp": "(Ti10Cu2)sp", "cs": "(Ti10Cu2)cs", "both": "both, side by side",
               "overlay": "both, overlaid"}
FORM_DESCRIPTIONS = {"sp": "hard-sphere-like packing", "cs": "1D chain stacking"}

TRANSITIONS = ("direct", "indirect")


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
                self._compared = {key: one_line(exc)}
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
