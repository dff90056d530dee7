"""Files a visitor drops on the page: validated with the same readers as the CLI, written to a private temporary
directory only for the time of reading, never executed or unpickled, never registered in the server's data area.
:func:`prepare_upload` and :func:`prepare_cif` are pure (safe on a worker thread); a refusal is one line
(:class:`Refused`) that names every problem of the file at once.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import FORMS, KINDS, Dataset
from ti10cu2_lib.data.readers import read_dataset
from ti10cu2_lib.data.readers_pxrd import PowderPattern, read_powder_pattern
from ti10cu2_lib.report.overview import check_dataset

from .structures import StructureBundle, build_structure_bundle, one_line

UPLOAD_LIMIT_BYTES = 20 * 1000 * 1000
UPLOAD_LIMIT_TEXT = "20 MB"
#: measurement kinds a user may upload (the CLI's kinds), plus "cif" for a structure
UPLOAD_KINDS = tuple(KINDS)
#: the upload form's reference electrodes: label → name the analysis reads (a bare "Ag/AgCl" would be taken as
#: saturated KCl with a warning; here the filling is chosen explicitly)
REFERENCE_ELECTRODES = {"Ag/AgCl (saturated KCl)": "Ag/AgCl (sat. KCl)", "Ag/AgCl (3.5 M KCl)": "Ag/AgCl (3.5 M KCl)",
                        "Ag/AgCl (3 M KCl)": "Ag/AgCl (3 M KCl)", "Ag/AgCl (1 M KCl)": "Ag/AgCl (1 M KCl)",
                        "SCE": "SCE", "NHE": "NHE", "RHE": "RHE"}


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


def safe_filename(name: str, default: str = "upload.csv") -> str:
    """The base name of an uploaded file with only ``[A-Za-z0-9._-]`` kept (at most 100 characters)."""
    base = Path(str(name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    return cleaned or default


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
            problems.append(one_line(exc, path, name))
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
