"""The Structure tab's "What the article reports" tables line up side by side: same rows, same order, as printed."""

from __future__ import annotations

import re

from dashboard.tabs.structure import REPORTED_STRUCTURE_IDS, reported_structure_rows
from ti10cu2_lib.data.registry import default_registry


def _shown(cell) -> str:
    return re.sub(r"<[^>]+>", " ", str(cell)).split()[0] if str(cell).strip() else ""


def test_both_forms_list_the_same_rows_in_the_same_order():
    sp, cs = reported_structure_rows("sp"), reported_structure_rows("cs")
    assert [r["quantity"] for r in sp] == [r["quantity"] for r in cs]
    assert len(sp) >= 14


def test_a_number_given_for_one_form_only_says_so_on_the_other():
    sp = {r["quantity"]: r for r in reported_structure_rows("sp")}
    registry = default_registry()
    linker = registry.get("cu_o_linker_ooc", "cs").quantity
    assert str(sp[linker]["article"]) == "—"
    assert "(Ti10Cu2)cs only" in sp[linker]["notes"]


def _entry(id: str, form: str):
    try:
        return default_registry().get(id, form)
    except KeyError:
        return None


def test_values_are_shown_as_the_article_prints_them():
    """2.0694 Å stays 2.0694 (not 2.069), 134.655° stays 134.655, 82.37° stays 82.37."""
    ids = [id for id in REPORTED_STRUCTURE_IDS if _entry(id, "sp") or _entry(id, "cs")]
    checked = 0
    for form in ("sp", "cs"):
        for id, row in zip(ids, reported_structure_rows(form), strict=True):
            entry = _entry(id, form)
            if entry is not None and isinstance(entry.value, float):
                assert _shown(row["article"]) == repr(entry.value), (id, form)
                checked += 1
    assert checked >= 15
