"""Printed or derived: every registry value says whether the article prints it, and a value we derived is never shown
with the ``reported`` badge (CLI text and JSON, claims table, the dashboard's overview and claims tabs).

The classification is checked against the article text itself: every number marked ``printed`` occurs in it, and no
number marked ``derived`` does.
"""

from __future__ import annotations

import html
import re
import tomllib

import pytest

from ti10cu2_lib.data.registry import DERIVED_FROM_REPORTED, REGISTRY_PATH, default_registry
from ti10cu2_lib.report.claims import Status

from .conftest import REPO, run_cli

PAPER_DIR = REPO.parent / "shared" / "paper"
DERIVED = [e for e in default_registry().values if e.is_derived]
PRINTED = [e for e in default_registry().values if not e.is_derived]


@pytest.fixture(scope="module")
def article() -> str:
    """The article text, normalised: TeX markup and spaces removed, minus signs ASCII, μ as 'mu'."""
    texts = sorted(PAPER_DIR.glob("*.txt")) if PAPER_DIR.is_dir() else []
    if not texts:
        pytest.skip(f"article text not found in {PAPER_DIR}")
    text = "\n".join(t.read_text(encoding="utf-8") for t in texts)
    return _normalised(text)


def _normalised(text: str) -> str:
    text = text.replace("−", "-").replace("–", "-").replace("\\mu", "mu").replace("μ", "mu")
    text = re.sub(r"\\(times|cdot)", r" \1 ", text)
    text = re.sub(r"\\text\{([^}]*)\}", r"\1", text)
    return re.sub(r"[\s_{}$\\]", "", text)


def _spellings(value: float | int | str) -> list[str]:
    """How the article would print ``value`` (normalised like the text): 2.27, 82.370, 4.1 × 10^-10 → 4.1times10^-10."""
    if isinstance(value, str):
        return [_normalised(value)]
    if isinstance(value, float) and value != 0 and abs(value) < 1e-3:
        mantissa, exponent = f"{value:.1e}".split("e")
        return [f"{mantissa}times10^{int(exponent)}"]
    out = {f"{value:g}", repr(value)} | ({f"{value:.2f}", f"{value:.3f}", f"{value:.4f}"}
                                         if isinstance(value, float) else set())
    return sorted(out)


def _occurs(spelling: str, text: str) -> bool:
    """``spelling`` in ``text`` as a whole number (14.4 is not found inside 14.420)."""
    return re.search(rf"(?<!\d)(?<!\d\.){re.escape(spelling)}(?!\d)", text) is not None


def _values(entry) -> tuple:
    return entry.value if isinstance(entry.value, tuple) else (entry.value,)


def test_every_registry_entry_states_its_basis_in_the_file():
    raw = tomllib.loads(REGISTRY_PATH.read_text(encoding="utf-8"))["value"]
    assert all(v.get("reported_basis") in ("printed", "derived") for v in raw), "an entry without reported_basis"
    assert {(e.id, e.form) for e in DERIVED} >= {("sum_formula", "sp"), ("molar_mass", "cs"), ("homo", "sp"),
                                                 ("conductivity_ratio", "both")}
    for entry in DERIVED:
        assert entry.derivation and entry.provenance_label == DERIVED_FROM_REPORTED, entry.id
    assert all(e.provenance_label == "reported" and not e.derivation for e in PRINTED)


def test_a_registry_without_basis_or_derivation_is_refused(tmp_path):
    from ti10cu2_lib.core.errors import InputError
    from ti10cu2_lib.data.registry import load_registry

    head = '[[value]]\nid="x"\nquantity="q"\nform="sp"\nvalue=1.5\nunit="nm"\nsource="s"\n'
    for body, message in ((head, "reported_basis"), (head + 'reported_basis="derived"\n', "derivation"),
                          (head + 'reported_basis="printed"\nderivation="x/y"\n', "derivation")):
        path = tmp_path / "reported.toml"
        path.write_text(body, encoding="utf-8")
        with pytest.raises(InputError, match=message):
            load_registry(path)


@pytest.mark.parametrize("entry", DERIVED, ids=lambda e: f"{e.id}-{e.form}")
def test_a_derived_value_is_not_printed_in_the_article(article, entry):
    if entry.value == 0:  # 'none detected' in words: no '0 µmol g−1' anywhere
        assert not re.search(r"(?<![\d.])0(\.0+)?(mu|µ)molg", article)
        return
    for value in _values(entry):
        for spelling in _spellings(value):
            assert not _occurs(spelling, article), f"{entry.id} ({entry.form}) = {spelling} is printed in the article"


NONTRIVIAL_PRINTED = [e for e in PRINTED if e.unit in ("formula", "text")
                      or any(isinstance(v, float) or (isinstance(v, int) and abs(v) >= 100) for v in _values(e))]


@pytest.mark.parametrize("entry", NONTRIVIAL_PRINTED, ids=lambda e: f"{e.id}-{e.form}")
def test_a_printed_value_occurs_in_the_article(article, entry):
    """Small counts (2, 6, 8 …) are skipped: the article spells them as words and digits occur everywhere."""
    for value in _values(entry):
        assert any(_occurs(s, article) for s in _spellings(value)), f"{entry.id} ({entry.form}) = {value!r}"


def test_cli_reported_badges_derived_values_as_derived():
    out = run_cli("reported", "--json", check_json=True).json
    for row in out["values"]:
        expected = DERIVED_FROM_REPORTED if row["reported_basis"] == "derived" else "reported"
        assert row["provenance"] == expected, row
    assert {(r["id"], r["form"]) for r in out["values"] if r["reported_basis"] == "derived"} == {
        (e.id, e.form) for e in DERIVED}
    text = run_cli("reported").stdout.splitlines()
    for entry in DERIVED:
        line = next(x for x in text if re.match(rf"{entry.id}\s+{entry.form}\s", x))
        assert DERIVED_FROM_REPORTED in line, line


def test_cli_claims_never_call_a_derived_value_printed():
    out = run_cli("claims", "--json", check_json=True).json
    derived_ids = {(e.id, e.form) for e in DERIVED}
    rows = [r for r in out["claims"] if (r["id"], r["form"]) in derived_ids
            or (r["id"], "both") in derived_ids]
    assert len(rows) >= len(DERIVED)
    for row in rows:
        assert row["reported_basis"] == "derived", row
        assert row["status"] != Status.ARITHMETIC, row  # never 'consistent (arithmetic)' as if the article were checked
        assert "derived by us" in row["note"], row
    assert {r["status"] for r in rows if r["id"] in ("sum_formula", "molar_mass")} == {Status.DERIVED_ARITHMETIC}
    text = run_cli("claims").stdout.splitlines()
    line = next(x for x in text if re.match(r"molar_mass\s+sp\s", x))
    assert re.search(r"\sderived\s", line) and Status.DERIVED_ARITHMETIC in line


# ---------------------------------------------------------------- the dashboard's overview and claims tabs, rendered
@pytest.fixture(scope="module")
def rendered():
    """Text of every Bokeh model (HTML panes, Tabulator data) of the overview and claims tabs, built for both forms."""
    pytest.importorskip("panel")
    from bokeh.models import ColumnDataSource

    from dashboard.components import Context
    from dashboard.state import DashboardState
    from dashboard.tabs import claims, overview

    state = DashboardState()
    state.form = "both"
    out = {}
    for name, module in (("overview", overview), ("claims", claims)):
        root = module.build(state, Context()).get_root()
        texts = [html.unescape(m.text) for m in root.references() if isinstance(getattr(m, "text", None), str)]
        tables = [m.data for m in root.references() if isinstance(m, ColumnDataSource) and "article" in m.data]
        out[name] = ("\n".join(texts), tables)
    return out


def test_overview_shows_derived_values_with_the_derived_badge(rendered):
    text, _ = rendered["overview"]
    shown = re.findall(r'data-key="reported:(\w+)" data-form="(\w+)" data-provenance="([^"]+)">[^<]*</span>\s*'
                       r"<span[^>]*>([^<]+)</span>", text)
    registry = default_registry()
    assert {f for _, f, _, _ in shown} == {"sp", "cs"}
    for id_, form, provenance, badge_text in shown:
        expected = registry.get(id_, form).provenance_label
        assert provenance == badge_text == expected, (id_, form, provenance, badge_text)
    assert {(i, f) for i, f, p, _ in shown if p == DERIVED_FROM_REPORTED} >= {("homo", "sp"), ("molar_mass", "cs"),
                                                                           ("co_yield_4h", "sp")}
    # the article prints the band-gap difference (0.08 eV) but not the σ ratio, which is ours
    assert re.search(r"\+0\.08 eV <span[^>]*>reported</span>", text)
    assert re.search(rf"cs/sp = 14\.4 <span[^>]*>{DERIVED_FROM_REPORTED}</span>", text)
    assert "not printed in the article: derived by us" in text  # the badge legend explains the derived badge


def test_claims_tab_badges_each_row_by_its_basis(rendered):
    _, tables = rendered["claims"]
    assert tables, "no claims table rendered"
    data = tables[0]
    derived_ids = {e.id for e in DERIVED}
    seen = set()
    for id_, form, article_cell in zip(data["id"], data["form"], data["article"], strict=True):
        entry = next((e for e in default_registry().values if e.id == id_ and e.form in (form, "both")), None)
        if entry is not None and entry.is_derived:
            assert DERIVED_FROM_REPORTED in article_cell and ">reported<" not in article_cell, (id_, form)
            seen.add(id_)
        elif entry is not None:
            assert ">reported<" in article_cell, (id_, form)
    assert seen == derived_ids
    assert all(s in rendered["claims"][0] for s in (Status.CONDITIONAL, Status.DERIVED_ARITHMETIC))  # the legend
