"""The 3D structure viewer in a real (headless) browser, with no network: `panel serve` + system Chromium.

Fails when the page asks any host other than localhost for anything, or logs a JavaScript error; checks the
viewer draws something (screenshot not blank, several colours, Ti green and Cu blue present), that
swapping the structure (the dashboard's sp ↔ cs toggle) and the representation redraw, that hovering an
atom shows its label and that dragging rotates; the same component in JupyterLab. Screenshots and timings go
to test-artifacts/. The last tests (no browser) check the scenes the Python side builds.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
import pytest

from tests.browser_support import (
    ARTIFACTS,
    JupyterLabServer,
    browser_page,
    chromium_or_skip,
    image_difference,
    pixel_stats,
    run_notebook_cell,
    served_page,
    write_notebook,
)

APP = Path(__file__).resolve().parent / "apps" / "viewer_demo.py"
VIEWER = "[data-viewer3d]"
WHITE = (255, 255, 255)


def _draws(page) -> int:
    return int(page.locator(VIEWER).get_attribute("data-draws") or 0)


def _wait_drawn(page, draws: int, timeout_ms: int = 60_000) -> None:
    try:
        page.wait_for_selector(f'{VIEWER}[data-state="ready"][data-draws="{draws}"]', timeout=timeout_ms)
    except Exception as exc:  # playwright's TimeoutError: keep what the page showed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"viewer3d-timeout-draw{draws}.png"))
        boxes = page.locator(VIEWER)
        found = [(boxes.nth(i).get_attribute("data-state"), boxes.nth(i).get_attribute("data-draws"))
                 for i in range(boxes.count())]
        raise AssertionError(f"viewer did not finish draw {draws} in {timeout_ms} ms; viewers (state, draws): "
                             f"{found}; page screenshot in test-artifacts/") from exc
    page.wait_for_timeout(250)  # let the compositor show the frame before a screenshot


def _hue_fractions(png: bytes) -> dict[str, float]:
    """Fractions of pixels that are clearly green (Ti), blue (Cu) and red (O)."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return {"green": float(((g > r + 40) & (g > b + 40)).mean()),
            "blue": float(((b > r + 60) & (b > g + 30)).mean()),
            "red": float(((r > g + 60) & (r > b + 60)).mean())}


def _shot(page, name: str) -> bytes:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return page.locator(VIEWER).screenshot(path=str(ARTIFACTS / name))


def _require_bundle() -> None:
    from ti10cu2_lib.present import _vendor

    if _vendor.ensure_bundle() is None:
        pytest.fail("the viewer's NGL bundle is missing: run `make vendor` (python -m ti10cu2_lib.present._vendor)")


@pytest.mark.browser
def test_viewer_draws_offline_and_redraws():
    chromium_or_skip()
    _require_bundle()
    metrics: dict = {}
    with served_page(APP, measure=("viewer3d.bundle.js",)) as (server, page, guard):
        metrics["panel_serve_start_to_http_200_s"] = round(server.startup_seconds, 2)
        t0 = time.monotonic()
        page.goto(server.url)
        _wait_drawn(page, 1)
        metrics["goto_to_ready_wall_s"] = round(time.monotonic() - t0, 2)
        metrics["navigation_to_first_frame_ms"] = int(page.locator(VIEWER).get_attribute("data-first-frame-ms"))

        shot_a = _shot(page, "viewer3d-A-ballstick.png")
        stats_a = pixel_stats(shot_a, background=WHITE)
        assert stats_a.changed > 0.01, f"viewer looks blank: {stats_a}"
        assert stats_a.colors >= 16, f"too few colours drawn: {stats_a}"

        # swap the structure in the same component (the dashboard's sp <-> cs toggle)
        page.get_by_role("button", name="Switch structure").click()
        _wait_drawn(page, 2)
        shot_b = _shot(page, "viewer3d-B-ballstick.png")
        stats_b = pixel_stats(shot_b, background=WHITE)
        assert stats_b.changed > 0.01, f"viewer blank after switching: {stats_b}"
        assert stats_b.colors >= 16, f"too few colours drawn after switching: {stats_b}"
        diff_ab = image_difference(shot_a, shot_b)
        assert diff_ab > 0.02, f"switching the structure did not change the image ({diff_ab:.3%} pixels differ)"
        hues = _hue_fractions(shot_b)
        assert hues["green"] > 0.001 and hues["blue"] > 0.0005 and hues["red"] > 0.001, \
            f"Ti green / Cu blue / O red not all visible: {hues}"

        # change the representation
        page.locator("select").select_option("spacefill")
        _wait_drawn(page, 3)
        shot_c = _shot(page, "viewer3d-B-spacefill.png")
        diff_bc = image_difference(shot_b, shot_c)
        assert diff_bc > 0.02, f"spacefill looks like ball+stick ({diff_bc:.3%} pixels differ)"

        # hover: the model is centred on Cu1, so the centre of the view shows it
        box = page.locator(VIEWER).bounding_box()
        tooltip = page.locator("[data-viewer3d-tooltip]")
        text = ""
        for dx, dy in [(0, 0), (3, 0), (0, 3), (-3, 0), (0, -3)]:
            page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
            try:
                tooltip.wait_for(state="visible", timeout=1500)
            except Exception:  # playwright TimeoutError: try a nearby point
                continue
            text = tooltip.inner_text()
            break
        assert "Cu1" in text and "Å" in text, f"hover label missing or wrong: {text!r}"

        # drag to rotate (NGL's mouse handling must work inside Panel's shadow DOM)
        before = _shot(page, "viewer3d-B-before-drag.png")
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(cx - 60, cy + 40)
        page.mouse.down()
        page.mouse.move(cx + 40, cy - 30, steps=8)
        page.mouse.up()
        page.mouse.move(box["x"] + 5, box["y"] + 5)  # away from the atoms: no tooltip in the next shot
        page.wait_for_timeout(600)
        rotated = _shot(page, "viewer3d-B-rotated.png")
        diff_rot = image_difference(before, rotated)
        assert diff_rot > 0.02, f"dragging did not rotate the view ({diff_rot:.3%} pixels differ)"

        guard.assert_clean()
        assert guard.responses, "the viewer bundle was not fetched from the app's own server"
        (status, size, encoding), = guard.responses.values()
        assert status == 200
        metrics.update({"bundle_bytes_transferred": size, "bundle_content_encoding": encoding,
                        "changed_fraction": {"A": round(stats_a.changed, 4), "B": round(stats_b.changed, 4)},
                        "diff_A_B": round(diff_ab, 4), "diff_ballstick_spacefill": round(diff_bc, 4),
                        "diff_drag_rotate": round(diff_rot, 4),
                        "hover_text": text, "console_warnings": len(guard.warnings)})
    (ARTIFACTS / "viewer3d-metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


NOTEBOOK_CELLS = [
    # inline=True: bokeh and panel JavaScript come from the kernel, not from a CDN (needed offline)
    "import panel as pn\npn.extension(inline=True)\nfrom ti10cu2_lib.present.viewer3d import structure_view",
    "v = structure_view([('Ti', -1.9, 0, 0, 'Ti1'), ('O', 0, 0, 0, 'O1'), ('Cu', 1.9, 0, 0, 'Cu1'),\n"
    "                    ('O', 0, 1.8, 0, 'O2')], height=300, width=400)\nv",
    "v.show([('Cu', 0, 0, 0, 'Cu1'), ('O', 1.9, 0, 0, 'O1'), ('O', -1.9, 0, 0, 'O2'), ('O', 0, 1.9, 0, 'O3'),\n"
    "        ('O', 0, -1.9, 0, 'O4'), ('Ti', 3.8, 0, 0, 'Ti1'), ('Ti', -3.8, 0, 0, 'Ti2')],\n"
    "       cell=(8, 8, 8, 90, 90, 90));",
]


@pytest.mark.browser
def test_viewer_in_jupyterlab_offline(tmp_path):
    """The same component in JupyterLab: the bundle is inlined in the output, so nothing is fetched either."""
    chromium_or_skip()
    pytest.importorskip("jupyterlab", reason="jupyterlab not installed (pip install -e '.[dev]')")
    pytest.importorskip("nbformat")
    _require_bundle()
    write_notebook(tmp_path / "viewer.ipynb", NOTEBOOK_CELLS)
    with JupyterLabServer(tmp_path) as lab, browser_page(viewport=(1200, 900)) as (page, guard):
        page.goto(lab.notebook_url("viewer.ipynb"))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        run_notebook_cell(page, 0)
        t0 = time.monotonic()
        run_notebook_cell(page, 1)
        _wait_drawn(page, 1, timeout_ms=120_000)
        seconds = time.monotonic() - t0
        shot1 = _shot(page, "viewer3d-jupyterlab-1.png")
        stats = pixel_stats(shot1, background=WHITE)
        assert stats.changed > 0.005 and stats.colors >= 16, f"viewer blank in JupyterLab: {stats}"
        # a later cell replaces the structure: the same output redraws (Python -> browser update over comms)
        run_notebook_cell(page, 2)
        _wait_drawn(page, 2, timeout_ms=60_000)
        shot2 = _shot(page, "viewer3d-jupyterlab-2.png")
        assert image_difference(shot1, shot2) > 0.01, "v.show(...) in a later cell did not redraw the view"
        guard.assert_clean()
    print(f"JupyterLab: {seconds:.1f} s from running the viewer cell to its first frame")


# ---------------------------------------------------------------------------------------------------
# the Python side (no browser)


def test_scene_from_atoms_is_mol2_with_labels_bonds_and_cell():
    from ti10cu2_lib.present.viewer3d import structure_scene

    scene = structure_scene([("Ti", 0, 0, 0, "Ti1"), ("o", 1.9, 0, 0), ("CU", 0, 2.6, 0, "Cu 1")],
                            cell=(10, 11, 12, 90, 100, 90))
    assert scene["format"] == "mol2" and scene["n_atoms"] == 3
    assert scene["labels"] == ["Ti1", "O1", "Cu_1"]
    lines = scene["text"].splitlines()
    atoms = lines[lines.index("@<TRIPOS>ATOM") + 1:lines.index("@<TRIPOS>BOND")]
    bonds = lines[lines.index("@<TRIPOS>BOND") + 1:]
    assert [a.split()[5] for a in atoms] == ["Ti", "O", "Cu"]
    assert bonds == ["1 1 2 1"]  # Ti–O 1.9 Å bonded; Cu–O 3.2 Å and metal–metal pairs are not
    cell = np.array(scene["cell"])
    volume = 10 * 11 * 12 * np.sin(np.radians(100))
    assert abs(abs(np.linalg.det(cell)) - volume) < 1e-6
    assert np.allclose(cell[0], [10, 0, 0])  # a along x


def test_explicit_bonds_and_text_passthrough():
    from ti10cu2_lib.core.errors import InputError
    from ti10cu2_lib.present.viewer3d import structure_scene

    scene = structure_scene([("C", 0, 0, 0), ("C", 5, 0, 0)], bonds=[(0, 1)])
    assert scene["text"].rstrip().endswith("1 1 2 1")
    pdb = ("CRYST1   10.000   10.000   10.000  90.00  90.00  90.00 P 1\n"
           "HETATM    1 TI   MOL A   1       0.000   0.000   0.000  1.00  0.00          TI\n")
    assert structure_scene(pdb)["format"] == "pdb"
    assert structure_scene(structure_scene(pdb)) == structure_scene(pdb)  # a scene passes through
    with pytest.raises(InputError):
        structure_scene([("Xx", 0, 0, 0)])
    with pytest.raises(InputError):
        structure_scene([("C", 0, 0, 0)], bonds=[(0, 1)])
    with pytest.raises(InputError):
        structure_scene("no structure here\n")


def test_crystal_molecules_are_whole(reference_data):
    """In a molecular crystal every bond of the covalent-radius rule is drawn once the molecules are completed;
    wrapping atoms into the cell cuts some; the same counts as the library's periodic bond search."""
    from ti10cu2_lib.present.viewer3d import crystal_atoms
    from ti10cu2_lib.structure.bonds import find_bonds
    from ti10cu2_lib.structure.cif import load_cif

    st = load_cif(reference_data / "cif" / "COD_7050234_Ti4_alkoxide.cif")
    expected = sum(st.images.multiplicity[b.site1] for b in find_bonds(st).bonds) / 2
    atoms, bonds = crystal_atoms(st, contents="molecules")
    assert len(atoms) == st.n_atoms_cell
    assert len(bonds) == expected
    _, cut = crystal_atoms(st, contents="cell")
    assert len(cut) < expected
    asym, _ = crystal_atoms(st, contents="asymmetric")
    assert len(asym) == len(st.sites)
