"""The optical, band-structure, conductivity and CO2 tabs (built without a browser) round every number they print
and show the issue-9 checks: method spread, geometry assumption, σ = n·e·μ, per-cluster turnover, band-edge caveats."""

from __future__ import annotations

import html
import re

import pytest

from dashboard.components import Context
from dashboard.state import DashboardState
from dashboard.tabs import band_structure, co2_photocurrent, conductivity, optical

from .test_printed_precision import too_precise

SECTIONS = {"optical": (optical.uvvis_section, optical.tauc_section),
            "band_structure": (band_structure.mott_schottky_section, band_structure.bands_section),
            "conductivity": (conductivity.conductivity_section,),
            "co2": (co2_photocurrent.co2_section,)}


def text_of(parts) -> str:
    """The visible text of panes (HTML tags and their attributes dropped). The assumptions of a reconstructed dataset
    (model inputs written by the forward models, folded away under "assumptions of this dataset") are left out."""
    found = []

    def walk(obj):
        for child in getattr(obj, "objects", None) or ():
            walk(child)
        content = getattr(obj, "object", None)
        if isinstance(content, str):
            found.append(content)

    for part in parts:
        walk(part)
    text = re.sub(r"<details>.*?</details>", " ", " ".join(found), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


@pytest.fixture(scope="module")
def texts() -> dict[tuple[str, str], str]:
    state = DashboardState()
    return {(tab, form): text_of(part for section in sections for part in section(state, form, Context(static=True)))
            for tab, sections in SECTIONS.items() for form in ("sp", "cs")}


@pytest.mark.parametrize("tab", SECTIONS)
@pytest.mark.parametrize("form", ["sp", "cs"])
def test_numbers_are_rounded(texts, tab, form):
    assert too_precise(texts[tab, form]) == [], texts[tab, form]


def test_the_new_checks_are_shown(texts):
    assert "method spread" in texts["optical", "sp"]
    assert "exciton" in texts["band_structure", "cs"] and "pH" in texts["band_structure", "cs"]
    assert "drift" in texts["band_structure", "sp"]
    cs = texts["conductivity", "cs"]
    assert "±20%" in cs and "implied mobility" in cs and "far outside" in cs and "measurable" in cs
    co2 = texts["co2", "cs"]
    assert "electrons per cluster" in co2 and "endpoint average" in co2 and "Ar (CO2-free) control" in co2
