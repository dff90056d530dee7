"""The registry of reported values: every number of the article, with its source, its basis and its ambiguities.

Loaded from ``data/reported.toml`` into typed :class:`ReportedValue` and :class:`Claim` objects and validated
on load: an unknown unit, a missing source or basis, a bad form or a duplicated (id, form) raise
:class:`~ti10cu2_lib.core.errors.InputError`.

Each value says whether the article *prints* it (``reported_basis = "printed"``, provenance ``reported``) or we
*derived* it from printed values (``"derived"``, with a ``derivation`` saying how; badge ``derived from reported``):
a sum formula, a molar mass, HOMO = LUMO + Eg or the σ ratio are ours, not the article's.

>>> entry = default_registry().get("conductivity_ratio")
>>> entry.reported_basis, entry.provenance_label
('derived', 'derived from reported')
>>> default_registry().get("band_gap", "sp").provenance_label
'reported'
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
REPORTED_BASES = ("printed", "derived")
#: badge text of a value the article does not print but we derived from printed ones (never the green ``reported``)
DERIVED_FROM_REPORTED = "derived from reported"

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
    reported_basis: str  # "printed" (the article prints it) or "derived" (we derived it from printed values)
    derivation: str = ""  # for a derived value: how, from which printed values
    notes: str = ""

    @property
    def is_derived(self) -> bool:
        """True when the article does not print this value and we derived it from printed ones."""
        return self.reported_basis == "derived"

    @property
    def provenance_label(self) -> str:
        """Badge text: ``reported`` for a printed value, ``derived from reported`` for a derived one."""
        return DERIVED_FROM_REPORTED if self.is_derived else str(Provenance.REPORTED)

    @property
    def origin(self) -> Origin:
        """Provenance ``reported`` with the place in the article; a derived value is ``computed`` from it."""
        printed = Origin(Provenance.REPORTED, f"article: {self.source}")
        if not self.is_derived:
            return printed
        return Origin(Provenance.COMPUTED, f"not printed in the article; derived by us: {self.derivation} "
                                           f"(article: {self.source})", derived_from=(printed,))

    def applies_to(self, form: str) -> bool:
        """True when this entry is the value for ``form`` ('sp' or 'cs')."""
        return self.form in (form, "both")

    def to_dict(self) -> dict:
        """JSON-ready form."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"id": self.id, "quantity": self.quantity, "form": self.form, "value": value,
                "unit": self.unit, "source": self.source, "reported_basis": self.reported_basis,
                "derivation": self.derivation, "notes": self.notes, "provenance": self.provenance_label}


@dataclass(frozen=True)
class Claim:
    """A claim the article makes in words, checked against numbers by :mod:`ti10cu2_lib.report.claims`."""

    id: str
    text: str
    source: str
    notes: str = ""
    forms: tuple[str, ...] = ("both",)  # the forms the claim is checked for, one row each


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
    basis = raw.get("reported_basis")
    if basis not in REPORTED_BASES:
        raise InputError(f"{where} has reported_basis {basis!r}", path=path,
                         fix='add reported_basis = "printed" (the article prints it) or "derived" (with a derivation)')
    if (basis == "derived") != bool(raw.get("derivation")):
        raise InputError(f"{where}: a derivation belongs to a derived value and only to one", path=path,
                         fix="say how a derived value follows from printed ones; drop 'derivation' from a printed one")
    value = raw["value"]
    if isinstance(value, list):
        value = tuple(value)
    elif raw["unit"] not in ("formula", "text") and not isinstance(value, int | float):
        raise InputError(f"{where} has a non-numeric value with unit '{raw['unit']}'", path=path,
                         fix="give a number, or use unit 'text'")
    unknown = set(raw) - {"id", "quantity", "form", "value", "unit", "source", "reported_basis", "derivation", "notes"}
    if unknown:
        raise InputError(f"{where} has unknown field(s) {sorted(unknown)}", path=path, fix="remove or rename them")
    return ReportedValue(id=raw["id"], quantity=raw["quantity"], form=raw["form"], value=value, unit=raw["unit"],
                         source=raw["source"], reported_basis=basis, derivation=raw.get("derivation", ""),
                         notes=raw.get("notes", ""))


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
        forms = tuple(c.get("forms", ("both",)))
        if not forms or not set(forms) <= set(FORMS):
            raise InputError(f"[[claim]] #{i + 1} has forms {list(forms)}", path=path, fix="use a list of sp, cs, both")
        claims.append(Claim(id=c["id"], text=c["text"], source=c["source"], notes=c.get("notes", ""), forms=forms))
    return Registry(values=values, claims=tuple(claims))


@cache
def default_registry() -> Registry:
    """The project's registry (``data/reported.toml``), loaded once."""
    return load_registry(REGISTRY_PATH)
