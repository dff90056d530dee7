"""Nothing from an uploaded file runs in the page: every user-derived string reaching HTML or Markdown is escaped.

Payloads go into every field a file can carry — CIF block names, site labels, chemical names, symmetry operators;
table headers and cells; file names — and every HTML, Markdown and alert pane of the built page (all tabs, both
forms) plus every card title is searched for a live tag. The browser test (test_dashboard_browser.py) drops the
same files in Chromium and listens for dialogs.
"""

from __future__ import annotations

import re
from pathlib import Path

import panel as pn
import pytest

from dashboard.components import handle_drop, newly_dropped, safe_markdown
from dashboard.layout import build_all_tabs, build_dashboard
from dashboard.state import DashboardState

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC_SP = REPO / "tests" / "data" / "cif" / "synthetic_sp_composition.cif"
LIVE_TAG = re.compile(r"<\s*(img|script|svg|iframe)\b", re.IGNORECASE)


def payload_cif() -> str:
    """The synthetic sp fixture with script payloads in block name, a site label, a chemical name."""
    text = SYNTHETIC_SP.read_text()
    text = text.replace("data_synthetic_sp_composition", "data_x<img/src=x/onerror=alert(1)>")
    text = re.sub(r"^Ti1 ", "Ti1<img/src=x/onerror=alert(2)> ", text, flags=re.MULTILINE)
    return text.replace("_chemical_formula_sum", "_chemical_name_systematic '<img src=x onerror=alert(3)>'\n"
                                                 "_chemical_formula_sum", 1)


def bad_symop_cif() -> str:
    """A CIF whose symmetry operator is a script payload (refused; the message quotes it)."""
    return SYNTHETIC_SP.read_text().replace("'-x, y+1/2, -z+1/2'", "'<img src=x onerror=alert(21)>'")


CSV_PAYLOADS = {
    "duplicated <script> header": "wavelength_nm,<script>alert(4)</script>,<script>alert(4)</script>\n300,0.1,0.1\n",
    "<img> cell": "wavelength_nm,absorbance\n300,<img src=x onerror=alert(5)>\n310,0.2\n",
    "<svg> unit": "wavelength_<svg/onload=alert(6)>,absorbance\n300,0.1\n310,0.2\n",
}


def rendered_texts(layout: pn.viewable.Viewable) -> list[str]:
    """Every string of the page that the browser renders as HTML: HTML/Markdown/alert panes and card titles."""
    texts = [str(p.object) for p in layout.select(pn.pane.HTML) if p.object]
    texts += [str(p.object) for p in layout.select(pn.pane.Markdown) if p.object]  # Alert is a Markdown pane
    texts += [c.title for c in layout.select(pn.Card) if c.title]
    return texts


def page_texts(state: DashboardState) -> list[str]:
    layout, _, _ = build_dashboard(state)
    build_all_tabs(layout)
    state.form = "both"
    return rendered_texts(layout)


def assert_shown_but_inert(state: DashboardState) -> None:
    """No live tag anywhere, and the payload does reach the page (escaped), so the search is not vacuous."""
    texts = page_texts(state)
    assert [t[:160] for t in texts if LIVE_TAG.search(t)] == []
    assert any(re.search(r"&lt;\s*(img|script|svg)", t) for t in texts)


def test_a_cif_with_payloads_in_every_field_runs_nothing():
    state = DashboardState()
    assert state.upload_cif("sp", "payload.cif", payload_cif()), state.message
    assert_shown_but_inert(state)


def test_a_refused_cif_quoting_its_symop_runs_nothing():
    state = DashboardState()
    assert not state.upload_cif("cs", "symop.cif", bad_symop_cif())
    assert "onerror" in state.message
    assert_shown_but_inert(state)


@pytest.mark.parametrize("what", sorted(CSV_PAYLOADS))
def test_a_table_with_payloads_runs_nothing(what):
    state = DashboardState()
    state.upload("sp", "uvvis_solution", f"{what}.csv", CSV_PAYLOADS[what])
    assert state.message  # refused or accepted, the message quotes the file
    assert_shown_but_inert(state)


def test_the_checks_can_fail():
    """Unescaped, the payload would be found: the message pane text is escaped, the raw text is not."""
    raw = "wavelength_nm: column '<img src=x onerror=alert(7)>' is not numeric"
    assert LIVE_TAG.search(raw)
    assert not LIVE_TAG.search(safe_markdown(raw))
    assert "&lt;img" in safe_markdown(raw)


def test_each_drop_handles_only_the_new_file():
    """The dropper's value keeps the page's earlier files; only new or changed ones are handled."""
    first = {"a.csv": "x"}
    assert newly_dropped({}, first) == first
    assert newly_dropped(first, {**first, "b.csv": "y"}) == {"b.csv": "y"}
    assert newly_dropped(first, {"a.csv": "changed"}) == {"a.csv": "changed"}
    assert newly_dropped(first, {}) == {}


def test_the_dropper_hands_each_file_on_once():
    """Panel's FileDropper mutates its value in place (event.old is event.new): three drops, three calls."""
    dropper = pn.widgets.FileDropper()
    calls: list[str] = []
    handle_drop(dropper, lambda name, data: calls.append(name))
    for name in ("a.csv", "b.csv", "c.csv"):
        dropper.value[name] = f"content of {name}"
        dropper.param.trigger("value")
    assert calls == ["a.csv", "b.csv", "c.csv"]
    del dropper.value["a.csv"]
    dropper.param.trigger("value")
    dropper.value["a.csv"] = "content of a.csv"
    dropper.param.trigger("value")
    assert calls == ["a.csv", "b.csv", "c.csv", "a.csv"]


def test_the_file_tile_tells_a_refused_file_from_a_used_one():
    """FilePond says "Upload complete" for any file that reached the server; the tile is relabelled with what our
    readers made of it (the handler's return value)."""
    dropper = pn.widgets.FileDropper()
    handle_drop(dropper, lambda name, data: name.startswith("good"))
    for name, outcome in (("good.csv", "ti-drop-accepted"), ("bad.csv", "ti-drop-refused"),
                          ("good2.csv", "ti-drop-accepted")):
        dropper.value[name] = "x"
        dropper.param.trigger("value")
        assert outcome in dropper.css_classes
        assert len([c for c in dropper.css_classes if c.startswith("ti-drop-")]) == 1
    assert any("refused" in sheet for sheet in dropper.stylesheets if isinstance(sheet, str))
