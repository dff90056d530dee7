"""The narrative notebooks: paired with a plain-text twin, stored without outputs, and executable from a clean kernel.

The execution test runs ``pytest --nbmake`` in a subprocess (each notebook in a fresh kernel, headless) with the
test's isolated, empty user-data area, so the notebooks see exactly the embedded defaults. It is marked
``notebooks``: skip it with ``pytest -m "not notebooks"``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import jupytext
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")


def _stems(suffix: str) -> list[str]:
    return sorted(p.stem for p in NOTEBOOKS.glob(f"*{suffix}") if NAME.match(p.stem))


def test_notebooks_exist_and_are_numbered_in_reading_order():
    stems = _stems(".ipynb")
    assert len(stems) >= 9, stems
    assert [int(NAME.match(s).group(1)) for s in stems] == list(range(1, len(stems) + 1))


def test_every_notebook_has_a_plain_text_twin_and_vice_versa():
    assert _stems(".ipynb") == _stems(".py")


@pytest.mark.parametrize("stem", _stems(".ipynb"))
def test_twins_are_in_sync(stem):
    """The .py twin is exactly what jupytext writes from the .ipynb (percent format), and the pairing is declared."""
    notebook = jupytext.read(NOTEBOOKS / f"{stem}.ipynb")
    assert notebook.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    twin = (NOTEBOOKS / f"{stem}.py").read_text(encoding="utf-8")
    assert jupytext.writes(notebook, fmt="py:percent") == twin, (
        f"{stem}.ipynb and {stem}.py differ: run `.venv/bin/jupytext --sync notebooks/{stem}.py`")


@pytest.mark.parametrize("stem", _stems(".ipynb"))
def test_no_outputs_are_committed(stem):
    raw = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(raw["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{stem}.ipynb cell {i} has outputs: clear them before committing"
            assert cell.get("execution_count") is None, f"{stem}.ipynb cell {i} has an execution count"
            assert "execution" not in cell.get("metadata", {}), f"{stem}.ipynb cell {i} has execution timings"


@pytest.mark.parametrize("stem", _stems(".ipynb"))
def test_each_notebook_has_a_try_it_cell(stem):
    text = (NOTEBOOKS / f"{stem}.py").read_text(encoding="utf-8")
    assert "## Try it" in text and "Expected" in text


@pytest.mark.notebooks
def test_every_notebook_executes_from_a_clean_kernel(tmp_path):
    """``pytest --nbmake notebooks/``: every notebook top to bottom in a fresh kernel; fails on any error."""
    started = time.perf_counter()
    report = tmp_path / "report.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=300", "-p", "no:cacheprovider", "-q",
         f"--junitxml={report}", "--rootdir", str(NOTEBOOKS), str(NOTEBOOKS)],
        cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, f"notebook execution failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    times = {case.get("name"): float(case.get("time")) for case in ElementTree.parse(report).iter("testcase")}
    assert sorted(times) == [f"{stem}.ipynb" for stem in _stems(".ipynb")], times
    print(f"\nnotebooks executed in {elapsed:.1f} s: "
          + ", ".join(f"{name} {t:.1f} s" for name, t in sorted(times.items())))


def _run_all_cells(page, name: str) -> None:
    """Run every code cell of the open notebook ``name``, in order, each until its prompt shows ``[n]:``."""
    from tests.browser_support import ARTIFACTS, run_notebook_cell

    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_timeout(2000)
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        text = dialog.first.text_content()
        (ARTIFACTS / "notebook-dialog.txt").write_text(text or "")
        raise AssertionError(f"JupyterLab opened {name} with a dialog: {text}")
    cells = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            run_notebook_cell(page, index, timeout_ms=180_000)


@pytest.mark.notebooks
@pytest.mark.browser
def test_widgets_respond_in_jupyterlab(tmp_path, monkeypatch):
    """In JupyterLab 4 (headless Chromium, offline): run notebooks 05 and 02, toggle sp → cs in the Tauc widget and
    see the band gap text follow; the 3D viewer of notebook 2 draws; no error output, no external request."""
    import shutil

    from tests.browser_support import ARTIFACTS, JupyterLabServer, browser_page, chromium_or_skip

    chromium_or_skip()
    for stem in ("02_cluster", "05_optical"):  # both twins: jupytext's contents manager opens the pair
        for suffix in (".ipynb", ".py"):
            shutil.copy(NOTEBOOKS / f"{stem}{suffix}", tmp_path / f"{stem}{suffix}")
    # render every cell (JupyterLab 4 detaches off-screen cells by default, hiding their prompts from the test)
    settings = tmp_path / ".lab-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(settings))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with JupyterLabServer(tmp_path) as lab, browser_page(viewport=(1300, 1000)) as (page, guard):
        page.goto(lab.notebook_url("05_optical.ipynb"))
        _run_all_cells(page, "05_optical.ipynb")
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
        page.get_by_text("Eg (sp, direct, axis)").first.wait_for(timeout=60_000)
        page.get_by_role("button", name="cs", exact=True).last.click()
        page.get_by_text("Eg (cs, direct, axis)").first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "notebook05-tauc-widget-cs.png"), full_page=False)

        page.goto(lab.notebook_url("02_cluster.ipynb") + "?reset")  # a fresh workspace: only this notebook open
        _run_all_cells(page, "02_cluster.ipynb")
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
        page.get_by_text("No deposited CIF imported for sp").first.wait_for(timeout=60_000)
        page.get_by_text("No deposited CIF imported for cs").first.wait_for(timeout=60_000)
        labels = page.locator(".ti10cu2-ngl-label")  # nglview views of section 5, badged illustrative (demo)
        labels.first.wait_for(timeout=120_000)
        assert "illustrative" in labels.first.inner_text()
        canvas = page.locator(".widget-box:has(.ti10cu2-ngl-label) canvas").first
        canvas.wait_for(timeout=120_000)
        canvas.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        canvas.screenshot(path=str(ARTIFACTS / "notebook02-nglview.png"))
        guard.assert_clean()


def test_try_it_cells_run_on_the_shipped_examples():
    """Every 'Try it' input defaults to a shipped classroom example (so the cell does something visible without a
    file of one's own); executing the notebooks (above) then runs those cells on them."""
    import re

    for twin in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.py")):
        text = twin.read_text(encoding="utf-8")
        assert "No file given" not in text, twin.name
        for line in re.findall(r"^MY_[A-Z0-9_]+.*=.*$", text, flags=re.MULTILINE):
            assert "example_file(" in line, f"{twin.name}: {line}"
