"""The survey table that ships with the project (``data/survey/embedded.parquet``) and where the dashboard finds one.

The embedded table is *computed* (provenance ``computed``) by :func:`~.descriptors.survey_file` from public-domain
Crystallography Open Database entries: the demo structures (``data/demo/``), the reference CIFs and the plain COD
entries (``NNNNNNN.cif``) of the cod-tools test inputs, read in place from ``../shared/reference-data`` (only the
table ships, never the CIFs). Its Parquet metadata lists every source with its COD id. Regenerate it with
``python -m ti10cu2_lib.survey.embedded``. The dashboard reads ``$TI10CU2_SURVEY`` instead when it is set
(``ti10cu2 serve --survey FILE`` sets it).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ti10cu2_lib.core.paths import DATA_DIR, REPO_DIR, reference_data_dir

#: The environment variable naming another survey table (a Parquet file or a ``ti10cu2 survey`` output directory).
SURVEY_ENV = "TI10CU2_SURVEY"
EMBEDDED_PATH = DATA_DIR / "survey" / "embedded.parquet"
_COD_NAME = re.compile(r"^(?:COD_)?(\d{7})(?:[_.])")
LICENCE = ("Crystallography Open Database entries, public domain (\"All data on this site have been placed in the "
           "public domain by the contributors\"); the cod-tools test-input copies come from cod-developers/cod-tools "
           "at commit e9a0ca0f (repository GPL-2.0)")


def survey_table_path() -> Path:
    """The survey table the dashboard shows: ``$TI10CU2_SURVEY`` when set, else the embedded one.

    Example:
        >>> EMBEDDED_PATH.relative_to(DATA_DIR).as_posix(), EMBEDDED_PATH.is_file()
        ('survey/embedded.parquet', True)
    """
    return Path(os.environ[SURVEY_ENV]) if os.environ.get(SURVEY_ENV) else EMBEDDED_PATH


def embedded_sources(reference: Path | None = None) -> list[tuple[Path, str]]:
    """(CIF path, portable label) of every source of the embedded table, one per COD id (demo copy first)."""
    reference = reference if reference is not None else reference_data_dir()
    candidates = sorted((DATA_DIR / "demo").glob("*.cif"))
    if reference is not None:
        candidates += sorted((reference / "cif").glob("*.cif"))
        candidates += sorted(p for p in (reference / "cod-tools-inputs" / "tests" / "inputs").glob("*.cif")
                             if re.fullmatch(r"\d{7}\.cif", p.name))
    seen: set[str] = set()
    out = []
    for path in candidates:
        cod_id = _COD_NAME.match(path.name).group(1)  # type: ignore[union-attr]
        if cod_id in seen:
            continue
        seen.add(cod_id)
        label = (path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR)
                 else Path("reference-data") / path.relative_to(reference))  # type: ignore[arg-type]
        out.append((path, label.as_posix()))
    return out


def write_embedded(path: Path = EMBEDDED_PATH, reference: Path | None = None) -> int:
    """Compute the embedded survey table from :func:`embedded_sources` into ``path``; returns its row count."""
    # local: `ti10cu2 serve` needs only SURVEY_ENV from this module, not gemmi and pyarrow
    from ti10cu2_lib.survey.descriptors import survey_file
    from ti10cu2_lib.survey.run import write_rows

    sources = embedded_sources(reference)
    rows = []
    for cif, label in sources:
        for row in survey_file(cif):
            row["file"] = label
            row["error"] = row["error"].replace(str(cif), label)
            rows.append(row)
    listing = [{"file": label, "cod_id": _COD_NAME.match(cif.name).group(1)}  # type: ignore[union-attr]
               for cif, label in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(rows, path, metadata={"sources": json.dumps(listing), "licence": LICENCE,
                                     "description": "packing descriptors of public COD structures, computed by "
                                                    "ti10cu2 survey's code (python -m ti10cu2_lib.survey.embedded)"})
    return len(rows)


if __name__ == "__main__":
    print(f"{write_embedded()} rows written to {EMBEDDED_PATH}")
