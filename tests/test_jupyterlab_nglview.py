"""The nglview helper in JupyterLab 4: a notebook calling :func:`ti10cu2_lib.present.nglview_widget.nglview_widget`
runs in a real ``jupyter lab`` (free port, token, no browser) opened in headless Chromium.

Fails when the NGL canvas stays blank (pixel variance), when a mouse drag does not change it (rotation), when the
sp/cs toggle does not switch the structure, or when the page asks any host other than localhost for anything.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
import secrets

import pytest

from tests.browser_support import (
    ARTIFACTS,
    JupyterLabServer,
    browser_page,
    chromium_or_skip,
    image_difference,
    run_notebook_cell,
    write_notebook,
)

CELLS = [
    "from ti10cu2_lib.present import nglview_widget as ngl\n"
    "from ti10cu2_lib.structure.cif import load_cif\n"
    "from ti10cu2_lib.structure.schematic import schematic_supercrystal",
    "views = {}\n"
    "for form in ('sp', 'cs'):\n"
    "    path, block, origin = ngl.form_structure(form)\n"
    "    views[form] = ngl.nglview_widget(load_cif(path, block, origin=origin), origin=origin, height_px=380)\n"
    "ngl.form_toggle(views)",
]
CANVAS = ".jp-OutputArea-output canvas"


class TokenLab(JupyterLabServer):
    """The shared JupyterLab server, but protected by a random token (as a reader's would be)."""

    def __init__(self, root_dir, **kwargs) -> None:
        self.token = secrets.token_hex(16)
        super().__init__(root_dir, **kwargs)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/lab?token={self.token}"

    def notebook_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{name}?token={self.token}"

    def command(self) -> list[str]:
        return [f"--IdentityProvider.token={self.token}" if arg == "--IdentityProvider.token=" else arg
                for arg in super().command()]


def _accept_kernel_dialog(page, wait_ms: int = 5000) -> None:
    """JupyterLab may ask which kernel to start: take the preselected Python 3."""
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.wait_for(state="visible", timeout=wait_ms)
    except Exception:  # playwright's TimeoutError: no dialog
        return
    dialog.get_by_role("button", name="Select").click()
    dialog.wait_for(state="hidden", timeout=wait_ms)


def _variance(png: bytes) -> float:
    import numpy as np
    from PIL import Image

    return float(np.asarray(Image.open(io.BytesIO(png)).convert("L")).astype(float).var())


def _canvas_shot(page, name: str) -> bytes:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    canvas = page.locator(CANVAS).first
    return canvas.screenshot(path=str(ARTIFACTS / name))


def _wait_non_blank(page, name: str, timeout_s: float = 60.0) -> bytes:
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        shot = _canvas_shot(page, name)
        if _variance(shot) > 50.0 or time.monotonic() > deadline:
            return shot
        page.wait_for_timeout(500)


@pytest.mark.browser
def test_nglview_in_jupyterlab_renders_rotates_toggles_offline(tmp_path):
    chromium_or_skip()
    pytest.importorskip("nglview", reason="nglview not installed (pip install -e '.[dev]')")
    pytest.importorskip("nbformat")
    write_notebook(tmp_path / "nglview.ipynb", CELLS)
    with TokenLab(tmp_path) as lab, browser_page(viewport=(1200, 900)) as (page, guard):
        page.goto(lab.notebook_url("nglview.ipynb"))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        _accept_kernel_dialog(page)
        for index in range(len(CELLS)):
            run_notebook_cell(page, index)
        page.wait_for_selector(CANVAS, timeout=60_000)
        page.locator(CANVAS).first.scroll_into_view_if_needed()
        sp = _wait_non_blank(page, "nglview-lab-sp.png")
        assert _variance(sp) > 50.0, f"NGL canvas blank in JupyterLab (grey-level variance {_variance(sp):.1f})"

        box = page.locator(CANVAS).first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 120, y + 40, steps=12)
        page.mouse.up()
        page.wait_for_timeout(800)
        rotated = _canvas_shot(page, "nglview-lab-sp-rotated.png")
        assert image_difference(sp, rotated) > 0.01, "dragging did not rotate the NGL view"

        page.get_by_role("button", name="cs").first.click()
        page.wait_for_timeout(1500)
        cs = _wait_non_blank(page, "nglview-lab-cs.png")
        assert _variance(cs) > 50.0, "the cs view is blank after the toggle"
        assert image_difference(rotated, cs) > 0.05, "the sp/cs toggle did not change the structure shown"
        labels = page.locator(".ti10cu2-ngl-label").all_inner_texts()
        assert any("illustrative" in t or "deposited" in t for t in labels), labels
        assert not guard.external, f"requests outside localhost: {guard.external}"


# ---------------------------------------------------------------------------------------------------
# the Python side (no browser)


def test_nglview_is_loaded_only_when_a_widget_is_built():
    import subprocess
    import sys

    code = ("import sys, ti10cu2_lib.cli, ti10cu2_lib.present.nglview_widget as w\n"
            "print('nglview' in sys.modules, 'ipywidgets' in sys.modules)\n"
            "w.nglview_widget([('Ti', 0.0, 0.0, 0.0), ('O', 1.8, 0.0, 0.0)])\n"
            "print('nglview' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "False", "True"], out.stdout + out.stderr


def test_plan_of_a_cif_colours_its_elements_and_draws_its_cell():
    import numpy as np

    from ti10cu2_lib.present.nglview_widget import ARTICLE_COLORS, plan
    from ti10cu2_lib.structure.cif import composition_of, load_cif
    from ti10cu2_lib.structure.schematic import demo_cif

    path = demo_cif("sp")
    structure = load_cif(path)
    drawn = plan(structure)
    elements = {el for el in composition_of(structure) if el in ARTICLE_COLORS}
    assert {sel[1:] for _, sel in drawn.color_scheme[:-1]} == elements
    assert all(colour == ARTICLE_COLORS[sel[1:]] for colour, sel in drawn.color_scheme[:-1])
    assert drawn.color_scheme[-1] == ["element", "*"] and drawn.ext == "mol2"
    axes = {s[5]: np.subtract(s[2], s[1]) for s in drawn.shapes if s[5] in "abc"}
    lengths = [float(np.linalg.norm(axes[k])) for k in "abc"]
    assert np.allclose(lengths, [structure.cell.a, structure.cell.b, structure.cell.c], atol=1e-3)
    assert len(drawn.shapes) == 12


def test_plan_of_a_schematic_has_one_sphere_per_cluster_and_hinge_and_says_illustrative():
    from ti10cu2_lib.present.nglview_widget import plan
    from ti10cu2_lib.structure.schematic import CAPTION, schematic_supercrystal

    model = schematic_supercrystal("cs")
    drawn = plan(model)
    spheres = [s for s in drawn.shapes if s[0] == "sphere"]
    hinges = [s for s in drawn.shapes if s[0] == "cylinder" and s[-1] not in ("a", "b", "c", "cell")]
    assert len(spheres) == len(model.spheres) + len(model.links) and len(hinges) == len(model.links) > 0
    assert drawn.origin.provenance.value == "illustrative" and drawn.caption == CAPTION["cs"]
    assert "illustrative" in drawn.label_html() and drawn.text == ""
