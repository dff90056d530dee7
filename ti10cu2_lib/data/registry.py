"""The registry of reported values: every number the article prints, with its source and ambiguities.

Loaded from ``data/reported.toml`` into typed :class:`ReportedValue` and :class:`Claim` objects and validated
on load: an unknown unit, a missing source, a bad form or a duplicated (id, form) raise
:class:`~ti10cu2_lib.core.errors.InputError`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.core.provenance import Origin, Provenance

REGISTRY_PATH = DATA_DIR / "reported.toml"

KNOWN_UNITS = frozenset(
    {"nm", "eV", "V vs NHE", "V", "S/m", "µmol/g", "Hz", "Å", "°", "g/mol", "°C", "h", "count", "1",
     "formula", "text"}
)
FORMS = ("sp", "cs", "both")
BASES = ("stated", "derived")

Scalar = float | int | str


@dataclass(frozen=True)
class ReportedValue:
    """One number (or text, or list of numbers) as the article reports it for one form."""

    id: str
    quantity: str
    form: str
    value: Scalar | tuple[float | int, ...]
    unit: str
    source: str
    basis: str = "stated"
    notes: str = ""

    @property
    def origin(self) -> Origin:
        """Provenance ``reported`` with the location in the article."""
        return Origin(Provenance.REPORTED, f"article: {self.source}")

    def applies_to(self, form: str) -> bool:
        """True when this entry is the value for ``form`` ('sp' or 'cs')."""
        return self.form in (form, "both")

    def to_dict(self) -> dict:
        """JSON-ready form."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"id": self.id, "quantity": self.quantity, "form": self.form, "value": value,
                "unit": self.unit, "source": self.source, "basis": self.basis, "notes": self.notes,
                "provenance": str(Provenance.REPORTED)}


@dataclass(frozen=True)
class Claim:
    """A claim the article makes in words, checked against numbers by :mod:`ti10cu2_lib.report.claims`."""

    id: str
    text: str
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Registry:
    """All reported values and worded claims."""

    values: tuple[ReportedValue, ...]
    claims: tuple[Claim, ...]

    def get(self, id: str, form: str = "both") -> ReportedValue:
        """The entry ``id`` for ``form`` ('sp', 'cs'; 'both' for form-independent entries)."""
        for entry in self.values:
            if entry.id == id and (entry.form == form or (form in ("sp", "cs") and entry.form == "both")):
                return entry
        raise KeyError(f"no reported value '{id}' for form '{form}'")

    def value(self, id: str, form: str = "both") -> float:
        """The numeric value of entry ``id`` for ``form``."""
        entry = self.get(id, form)
        if not isinstance(entry.value, int | float):
            raise TypeError(f"reported value '{id}' ({form}) is not a single number: {entry.value!r}")
        return float(entry.value)

    def claim(self, id: str) -> Claim:
        """The worded claim ``id``."""
        for claim in self.claims:
            if claim.id == id:
                return claim
        raise KeyError(f"no claim '{id}'")


def _parse_value(raw: dict, path: Path, index: int) -> ReportedValue:
    where = f"[[value]] #{index + 1} ({raw.get('id', '?')})"
    for key in ("id", "quantity", "form", "value", "unit", "source"):
        if key not in raw or raw[key] in ("", None):
            raise InputError(f"{where} has no '{key}'", path=path, fix=f"add a '{key}' field to that entry")
    if raw["unit"] not in KNOWN_UNITS:
        raise InputError(f"{where} has unknown unit '{raw['unit']}'", path=path,
                         fix=f"use one of: {', '.join(sorted(KNOWN_UNITS))}")
    if raw["form"] not in FORMS:
        raise InputError(f"{where} has form '{raw['form']}'", path=path, fix="use sp, cs or both")
    basis = raw.get("basis", "stated")
    if basis not in BASES:
        raise InputError(f"{where} has basis '{basis}'", path=path, fix="use 'stated' or 'derived'")
    value = raw["value"]
    if isinstance(value, list):
        value = tuple(value)
    elif raw["unit"] not in ("formula", "text") and not isinstance(value, int | float):
        raise InputError(f"{where} has a non-numeric value with unit '{raw['unit']}'", path=path,
                         fix="give a number, or use unit 'text'")
    unknown = set(raw) - {"id", "quantity", "form", "value", "unit", "source", "basis", "notes"}
    if unknown:
        raise InputError(f"{where} has unknown field(s) {sorted(unknown)}", path=path, fix="remove or rename them")
    return ReportedValue(id=raw["id"], quantity=raw["quantity"], form=raw["form"], value=value, unit=raw["unit"],
                         source=raw["source"], basis=basis, notes=raw.get("notes", ""))


def load_registry(path: str | Path = REGISTRY_PATH) -> Registry:
    """Load and validate the registry file (TOML with ``[[value]]`` and ``[[claim]]`` tables)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("registry file not found", path=path, fix="restore data/reported.toml from git") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML ({exc})", path=path, fix="correct the syntax at that line") from None
    values = tuple(_parse_value(v, path, i) for i, v in enumerate(raw.get("value", [])))
    if not values:
        raise InputError("no [[value]] entries", path=path, fix="restore data/reported.toml from git")
    seen: set[tuple[str, str]] = set()
    for v in values:
        if (v.id, v.form) in seen:
            raise InputError(f"duplicate entry id='{v.id}' form='{v.form}'", path=path, fix="keep one of them")
        seen.add((v.id, v.form))
    claims = []
    for i, c in enumerate(raw.get("claim", [])):
        for key in ("id", "text", "source"):
            if not c.get(key):
                raise InputError(f"[[claim]] #{i + 1} has no '{key}'", path=path, fix=f"add a '{key}' field")
        claims.append(Claim(id=c["id"], text=c["text"], source=c["source"], notes=c.get("notes", "")))
    return Registry(values=values, claims=tuple(claims))


@cache
def default_registry() -> Registry:
    """The project's registry (``data/reported.toml``), loaded once."""
    return load_registry(REGISTRY_PATH)
