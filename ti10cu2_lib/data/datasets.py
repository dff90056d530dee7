"""Datasets with provenance, the dataset manifest and the user > deposited > reconstructed resolution.

- ``data/manifest.json`` (committed) lists the embedded **reconstructed** defaults under ``data/default/``.
- The user area (``data/user/`` by default, or ``$TI10CU2_USER_DATA``; never committed) holds the files a user
  registered with ``ti10cu2 data add`` (provenance ``user``) and imported CIFs (provenance ``deposited``), each
  listed in its own ``manifest.json``. Manifests are written atomically (temporary file, then rename).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import FORMS, KINDS, Dataset
from ti10cu2_lib.data.readers import read_dataset

MANIFEST_PATH = DATA_DIR / "manifest.json"


def user_data_dir() -> Path:
    """The user area: ``$TI10CU2_USER_DATA`` or ``data/user`` next to the embedded defaults."""
    return Path(os.environ.get("TI10CU2_USER_DATA") or DATA_DIR / "user")


def _read_manifest(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["datasets"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"manifest is not valid ({exc})", path=path,
                         fix="restore it from git (data/manifest.json) or delete the user manifest") from None
    for entry in entries:
        for key in ("form", "kind", "file", "provenance", "source"):
            if key not in entry:
                raise InputError(f"manifest entry {entry.get('form')}/{entry.get('kind')} has no '{key}'", path=path,
                                 fix="restore the manifest from git or re-register the file")
        Provenance(entry["provenance"])
    return entries


def write_manifest_atomically(path: Path, entries: list[dict]) -> None:
    """Write ``{"datasets": entries}`` to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"datasets": entries}, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def manifest_entries() -> list[dict]:
    """All entries: user area first (user, deposited), then the embedded defaults; each with ``_base`` dir."""
    user = user_data_dir()
    out = [dict(e, _base=str(user)) for e in _read_manifest(user / "manifest.json")]
    out += [dict(e, _base=str(DATA_DIR)) for e in _read_manifest(MANIFEST_PATH)]
    return out


_RANK = {Provenance.USER: 0, Provenance.DEPOSITED: 1, Provenance.RECONSTRUCTED: 2, Provenance.ILLUSTRATIVE: 3}


def candidates(form: str, kind: str) -> list[dict]:
    """Manifest entries for (form, kind) in resolution order: user > deposited > reconstructed > illustrative."""
    found = [e for e in manifest_entries() if e["form"] == form and e["kind"] == kind]
    return sorted(found, key=lambda e: _RANK.get(Provenance(e["provenance"]), 9))


def entry_path(entry: Mapping) -> Path:
    """Absolute path of a manifest entry's file."""
    return Path(entry["_base"]) / entry["file"]


def origin_of(entry: Mapping) -> Origin:
    """The Origin recorded in a manifest entry."""
    return Origin(Provenance(entry["provenance"]), entry["source"])


def load(form: str, kind: str) -> Dataset:
    """The dataset used for (form, kind): the first of user > deposited > reconstructed that exists."""
    if form not in FORMS:
        raise InputError(f"unknown form '{form}'", fix="use sp or cs")
    if kind not in KINDS:
        raise InputError(f"unknown data kind '{kind}'", fix=f"use one of: {', '.join(KINDS)}")
    found = candidates(form, kind)
    if not found:
        hint = ("the article gives no numbers for it, so there is no embedded default" if not KINDS[kind].has_default
                else "run 'ti10cu2 data reconstruct' to regenerate the embedded defaults")
        raise InputError(f"no {kind} data for {form}: {hint}",
                         fix=f"register a file with 'ti10cu2 data add {form} {kind} FILE'")
    entry = found[0]
    dataset = read_dataset(entry_path(entry), kind, form=form, units=entry.get("units"),
                           y_kind=entry.get("y_kind"), metadata=entry.get("metadata", {}), origin=origin_of(entry))
    return dataclasses.replace(dataset, assumptions=tuple(entry.get("assumptions", ())))


def add_user_file(form: str, kind: str, path: str | Path, *, units: Mapping[str, str] | None = None,
                  y_kind: str | None = None, metadata: Mapping | None = None) -> dict:
    """Validate ``path`` as (form, kind), copy it into the user area and record it (provenance ``user``).

    Nothing is written when validation fails. Returns the new manifest entry.
    """
    if form not in FORMS:
        raise InputError(f"unknown form '{form}'", fix="use sp or cs")
    path = Path(path)
    read_dataset(path, kind, form=form, units=units, y_kind=y_kind, metadata=metadata)  # raises on bad input
    user = user_data_dir()
    files = user / "files"
    files.mkdir(parents=True, exist_ok=True)
    target = files / f"{form}_{kind}_{path.name}"
    shutil.copyfile(path, target)
    entry = {"form": form, "kind": kind, "file": str(target.relative_to(user)), "provenance": "user",
             "source": f"user file {path.name}", "units": dict(units or {}), "y_kind": y_kind,
             "metadata": dict(metadata or {}), "added": datetime.now(UTC).isoformat(timespec="seconds")}
    manifest = user / "manifest.json"
    kept = [e for e in _read_manifest(manifest)
            if not (e["form"] == form and e["kind"] == kind and e["provenance"] == "user")]
    write_manifest_atomically(manifest, [*kept, entry])
    return entry


def remove_user_file(form: str, kind: str) -> bool:
    """Forget the user's file for (form, kind); True when one was registered."""
    manifest = user_data_dir() / "manifest.json"
    entries = _read_manifest(manifest)
    kept = [e for e in entries if not (e["form"] == form and e["kind"] == kind and e["provenance"] == "user")]
    if len(kept) == len(entries):
        return False
    write_manifest_atomically(manifest, kept)
    return True


def status_table() -> pd.DataFrame:
    """One row per (form, kind): the file used, its provenance, and why (what it overrides)."""
    rows = []
    for kind, info in KINDS.items():
        for form in FORMS:
            found = candidates(form, kind)
            if found:
                used = found[0]
                others = ", ".join(e["provenance"] for e in found[1:])
                why = f"{used['provenance']} has priority" + (f" over {others}" if others else "")
                rows.append({"form": form, "kind": kind, "provenance": used["provenance"],
                             "file": str(entry_path(used)), "why": why, "source": used["source"]})
            else:
                why = ("no embedded default (the article gives no numbers)" if not info.has_default
                       else "missing: run 'ti10cu2 data reconstruct'")
                rows.append({"form": form, "kind": kind, "provenance": "none", "file": "", "why": why,
                             "source": ""})
    for form in FORMS:
        found = deposited_structure(form)
        rows.append({"form": form, "kind": "structure", "provenance": "deposited" if found else "none",
                     "file": str(found[0]) if found else "",
                     "why": "imported by you" if found else
                     "not shipped (CCDC 2277134/2277142 may not be redistributed): use 'ti10cu2 import-cif FILE'",
                     "source": found[2].source if found else ""})
    return pd.DataFrame(rows)


def register_deposited_structure(form: str, cif_path: str | Path, *, block: str, source: str) -> dict:
    """Store an imported (validated) CIF for ``form`` in the user area as provenance ``deposited``.

    The caller validates the CIF first; this only copies it and records it atomically. Returns the entry.
    """
    if form not in FORMS:
        raise InputError(f"unknown form '{form}'", fix="use sp or cs")
    user = user_data_dir()
    target_dir = user / "deposited"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{form}_{Path(cif_path).name}"
    shutil.copyfile(cif_path, target)
    entry = {"form": form, "kind": "structure", "file": str(target.relative_to(user)), "provenance": "deposited",
             "source": source, "metadata": {"block": block},
             "added": datetime.now(UTC).isoformat(timespec="seconds")}
    manifest = user / "manifest.json"
    kept = [e for e in _read_manifest(manifest) if not (e["form"] == form and e["kind"] == "structure")]
    write_manifest_atomically(manifest, [*kept, entry])
    return entry


def deposited_structure(form: str) -> tuple[Path, str, Origin] | None:
    """(CIF path, block name, origin) of the imported structure of ``form``, or None when none is imported."""
    found = [e for e in manifest_entries() if e["form"] == form and e["kind"] == "structure"]
    if not found:
        return None
    entry = found[0]
    return entry_path(entry), entry.get("metadata", {}).get("block", ""), origin_of(entry)
