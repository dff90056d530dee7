"""Layer 3, forward models that generate the embedded **reconstructed** datasets from reported values.

Each module here exposes ``RECONSTRUCTORS: dict[kind, Reconstructor]``. A reconstructor takes the form
('sp' or 'cs'), the :class:`~ti10cu2_lib.data.registry.Registry` and a seeded ``numpy.random.Generator`` and returns
a :class:`~ti10cu2_lib.data.kinds.Dataset` whose origin is ``reconstructed`` (or ``illustrative`` where the
article gives no numbers), with its assumptions spelled out. Nothing here is measured data.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import numpy as np

from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.registry import Registry

Reconstructor = Callable[[str, Registry, np.random.Generator], Dataset]


def reconstructors() -> dict[str, Reconstructor]:
    """Every registered reconstructor, by data kind."""
    found: dict[str, Reconstructor] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.update(getattr(module, "RECONSTRUCTORS", {}))
    return found
