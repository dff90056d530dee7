"""Base for analysis results: a frozen dataclass with an :class:`Origin` and a JSON-ready ``to_dict``."""

from __future__ import annotations

import dataclasses
import math
from enum import Enum
from typing import Any

import numpy as np

from ti10cu2_lib.core.provenance import Origin


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples, enums, dataclasses and Origins into plain JSON types.

    Non-finite floats become ``None`` (JSON has no NaN).
    """
    if isinstance(value, Origin):
        return value.to_dict()
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


@dataclasses.dataclass(frozen=True)
class Result:
    """Mixin for analysis results. Subclasses are frozen dataclasses with an ``origin`` field.

    ``to_dict()`` gives every field in JSON-ready form and puts the origin under ``provenance``.
    """

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "origin":
                out["provenance"] = to_jsonable(value)
            else:
                out[field.name] = to_jsonable(value)
        return out
