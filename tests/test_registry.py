"""The reported-value registry: complete against FACTS.md, validated on load."""

from __future__ import annotations

import re

import pytest

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data.registry import KNOWN_UNITS, default_registry, load_registry

from .conftest import REPO

FACTS = REPO.parent / "shared" / "paper" / "FACTS.md"


def test_every_entry_has_source_and_known_unit():
    registry = default_registry()
    assert len(registry.values) > 40
    for entry in registry.values:
        assert entry.source.strip()
        assert entry.unit in KNOWN_UNITS


def test_numbers_in_facts_measurement_and_geometry_tables_are_in_the_registry():
    """Every decimal number in FACTS.md's geometry and measurement tables appears as a registry value."""
    if not FACTS.exists():
        pytest.skip(f"{FACTS} not found")
    text = FACTS.read_text(encoding="utf-8")
    section = text[text.index("## Geometry numbers"): text.index("## Claims made in words")]
    section = section.replace("−", "-").replace("× 10−", "e-").replace(" × 10", "e")
    numbers = {float(m) for m in re.findall(r"(?<![\w.])-?\d+\.\d+(?:e-?\d+)?", section)}
    values: set[float] = set()
    for entry in default_registry().values:
        vals = entry.value if isinstance(entry.value, tuple) else (entry.value,)
        values |= {round(float(v), 6) for v in vals if isinstance(v, int | float)}
    missing = {n for n in numbers if round(n, 6) not in values}
    assert not missing, f"numbers in FACTS.md without a registry entry: {sorted(missing)}"


def test_lookup_by_form_falls_back_to_both():
    registry = default_registry()
    assert registry.value("band_gap", "sp") == pytest.approx(2.27)
    assert registry.value("band_gap", "cs") == pytest.approx(2.35)
    assert registry.value("uvvis_band_1", "cs") == 310
    with pytest.raises(KeyError):
        registry.get("band_gap", "both")


def test_ccdc_ambiguity_is_recorded():
    entry = default_registry().get("ccdc_numbers", "both")
    assert entry.value == (2277134, 2277142)
    assert "never says which" in entry.notes


PRINTED = 'reported_basis="printed"\n'


@pytest.mark.parametrize("bad, message", [
    ('[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue=1\nunit="furlong"\nsource="s"\n' + PRINTED, "unknown unit"),
    ('[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue=1\nunit="nm"\n' + PRINTED, "no 'source'"),
    ('[[value]]\nid="x"\nquantity="q"\nform="xx"\nvalue=1\nunit="nm"\nsource="s"\n' + PRINTED, "form 'xx'"),
    ('[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue="abc"\nunit="nm"\nsource="s"\n' + PRINTED, "non-numeric"),
    ("[[value]\n", "not valid TOML"),
    (('[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue=1\nunit="nm"\nsource="s"\n' + PRINTED) * 2, "duplicate"),
    ('[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue=1\nunit="nm"\nsource="s"\nreported_basis="stated"\n',
     "reported_basis 'stated'"),
    ('[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue=1\nunit="nm"\nsource="s"\n' + PRINTED
     + '[[claim]]\nid="c"\ntext="t"\nsource="s"\nforms=["xx"]\n', "forms"),
])
def test_bad_registry_files_raise_clear_errors(tmp_path, bad, message):
    path = tmp_path / "reported.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_registry(path)
    assert str(path) in str(info.value)
    assert "Fix:" in str(info.value)
