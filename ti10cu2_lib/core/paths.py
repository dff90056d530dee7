"""Where the project's files are: the repository, its ``data/`` folder and the public reference data.

>>> (DATA_DIR / "reported.toml").is_file()
True
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository checkout (the library is installed editable from it; ``data/`` and ``dashboard/`` sit beside it).
REPO_DIR = Path(__file__).resolve().parents[2]
#: The article's numbers, the dataset manifest and the embedded defaults.
DATA_DIR = REPO_DIR / "data"
#: The classroom kit: small synthetic example files, one per upload kind (``ti10cu2 data examples`` writes them).
EXAMPLES_DIR = DATA_DIR / "examples"
#: Public example files (COD CIFs, PbSO4 powder pattern) read in place: ``../shared/reference-data`` beside the
#: repository, or ``$TI10CU2_REFERENCE_DATA``.
REFERENCE_DATA_ENV = "TI10CU2_REFERENCE_DATA"
DEFAULT_REFERENCE_DATA = REPO_DIR.parent / "shared" / "reference-data"


def reference_data_dir() -> Path | None:
    """The folder of public example files, or None when it is absent (the notebooks then skip those parts)."""
    folder = Path(os.environ.get(REFERENCE_DATA_ENV) or DEFAULT_REFERENCE_DATA)
    return folder if folder.is_dir() else None


def example_file(name: str) -> Path:
    """The classroom example file ``name`` (synthetic, labelled as such in its first line).

    >>> example_file("drs_sp_percent.csv").name
    'drs_sp_percent.csv'
    """
    path = EXAMPLES_DIR / name
    if not path.is_file():
        names = ", ".join(sorted(p.name for p in EXAMPLES_DIR.glob("*.csv"))) or "none"
        raise FileNotFoundError(f"no example file {name!r} in {EXAMPLES_DIR} (there are: {names}); "
                                "run `ti10cu2 data examples` to write them")
    return path
