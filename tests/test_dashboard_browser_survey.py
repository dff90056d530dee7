"""The Survey tab in a real (headless) Chromium: the embedded survey table's points are in the plot, the metal
filter narrows them, and sp and cs are placed as the demo stand-ins (marked NOT the article's structures)."""

from __future__ import annotations

import time

import pyarrow.parquet as pq
import pytest

from tests.browser_support import PageGuard
from tests.test_dashboard_browser import TIMEOUT_MS, open_tab
from ti10cu2_lib.survey.embedded import EMBEDDED_PATH

pytestmark = pytest.mark.browser

#: points in the Bokeh plot: the length of every data source that carries a 'file' column (the survey points)
COUNT_POINTS_JS = """() => {
  let n = 0;
  for (const doc of Bokeh.documents) {
    for (const m of doc.all_models) {
      const data = m.data;
      if (!data) continue;
      const files = data instanceof Map ? data.get("file") : data["file"];
      if (files && m.visible !== false) n += files.length;
    }
  }
  return n;
}"""


def expected_points(metal: str | None = None) -> int:
    """Rows of the embedded table with a status 'ok', a centroid coordination number and a packing coefficient."""
    rows = pq.read_table(EMBEDDED_PATH).to_pylist()
    return sum(1 for r in rows if r["status"] == "ok" and r["centroid_cn"] is not None
               and r["packing_coefficient"] is not None and (metal is None or metal in r["metal_elements"]))


def wait_for_points(page, expected: int) -> int:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    found = -1
    while time.monotonic() < deadline:
        found = page.evaluate(COUNT_POINTS_JS)
        if found == expected:
            return found
        page.wait_for_timeout(250)
    return found


def test_survey_tab_shows_the_embedded_points_and_filters_by_metal(browser, server):
    total, with_ti = expected_points(), expected_points("Ti")
    assert total > 50 and 0 < with_ti < total
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    guard = PageGuard(page)
    try:
        page.goto(server.url)
        page.locator(".bk-tab", has_text="Overview").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        open_tab(page, "Survey")
        intro = page.locator("[data-survey-points]").first
        intro.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert int(intro.get_attribute("data-survey-points")) == total
        assert wait_for_points(page, total) == total
        assert "computed" in intro.inner_text()  # the provenance badge of the table
        placed = page.get_by_text("demo stand-in, NOT the article's structure")
        placed.first.wait_for(state="visible", timeout=TIMEOUT_MS)  # sp and cs placed, marked as stand-ins
        assert placed.count() >= 2
        page.locator("select").filter(has_text="all metals").first.select_option("Ti")
        assert wait_for_points(page, with_ti) == with_ti
        guard.assert_clean()
    finally:
        context.close()
