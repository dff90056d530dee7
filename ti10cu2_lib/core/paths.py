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
#: Public example files (COD CIFs, PbSO4 powder pattern) read in place: ``../shared/reference-data`` beside the
#: repository, or ``$TI10CU2_REFERENCE_DATA``.
REFERENCE_DATA_ENV = "TI10CU2_REFERENCE_DATA"
DEFAULT_REFERENCE_DATA = REPO_DIR.parent / "shared" / "reference-data"


def reference_data_dir() -> Path | None:
    """The folder of public example files, or None when it is absent (the notebooks then skip those parts)."""
    folder = Path(os.environ.get(REFERENCE_DATA_ENV) or DEFAULT_REFERENCE_DATA)
    return folder if folder.is_dir() else None
