"""Demo app for the 3D viewer's browser test: ``panel serve tests/apps/viewer_demo.py``.

Two structures and a button that swaps them in the same viewer (as the dashboard's sp ↔ cs toggle will):
A is the real COD 2231779 CIF (catena-CuI imidazolylpyridine, read in place from ../shared/reference-data;
a built molecule when that file is absent), B a small Ti/Cu–oxo model built in code (not a real structure:
it only has to look different and show Ti green, Cu blue, O red; no cell, so Cu1 is drawn at the centre).
A selector switches the representation.
"""

from pathlib import Path

import panel as pn

from ti10cu2_lib.present.viewer3d import REPRESENTATIONS, structure_scene, structure_view

pn.extension()

COD_CIF = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "cif" / \
    "COD_2231779_catena_CuI_imidazolylpyridine.cif"


def model_cluster() -> list[tuple[str, float, float, float, str]]:
    """A made-up Ti–O–Cu–O–Ti fragment with terminal O atoms (Å); not a real structure."""
    return [
        ("Ti", -3.8, 0.0, 0.0, "Ti1"), ("O", -1.9, 0.0, 0.0, "O1"), ("Cu", 0.0, 0.0, 0.0, "Cu1"),
        ("O", 1.9, 0.0, 0.0, "O2"), ("Ti", 3.8, 0.0, 0.0, "Ti2"),
        ("O", -3.8, 1.8, 0.0, "O3"), ("O", -3.8, -1.8, 0.0, "O4"), ("O", -3.8, 0.0, 1.8, "O5"),
        ("O", 3.8, 1.8, 0.0, "O6"), ("O", 3.8, -1.8, 0.0, "O7"), ("O", 3.8, 0.0, -1.8, "O8"),
        ("O", 0.0, 1.95, 0.0, "O9"), ("O", 0.0, -1.95, 0.0, "O10"),
    ]


def structure_a() -> dict:
    if COD_CIF.is_file():
        return structure_scene(COD_CIF, title="A: COD 2231779")
    water = [("O", 0, 0, 0, "O1"), ("H", 0.96, 0, 0, "H1"), ("H", -0.24, 0.93, 0, "H2")]
    return structure_scene(water, cell=(4, 4, 4, 90, 90, 90), title="A: water")


SCENES = {"A": structure_a(), "B": structure_scene(model_cluster(), title="B: model")}

viewer = structure_view(SCENES["A"], height=420, width=560)
shown = pn.widgets.StaticText(name="showing", value="A")
switch = pn.widgets.Button(name="Switch structure", button_type="primary")
representation = pn.widgets.Select(name="Representation", options=list(REPRESENTATIONS), value="ball+stick",
                                   width=200)


def _switch(_event) -> None:
    shown.value = "B" if shown.value == "A" else "A"
    viewer.scene = SCENES[shown.value]


switch.on_click(_switch)
representation.link(viewer, value="representation")

pn.Column(pn.pane.Markdown("## 3D viewer demo"), pn.Row(switch, representation, shown), viewer).servable()
