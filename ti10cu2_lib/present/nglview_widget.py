"""nglview widgets for JupyterLab and the offline book: any structure we hold, our colours, the cell, its provenance.

:func:`nglview_widget` shows what the dashboard's own viewer (:mod:`ti10cu2_lib.present.viewer3d`) shows — a CIF path
or :class:`~ti10cu2_lib.structure.cif.CrystalStructure` (deposited, uploaded or a public demo; cell contents with
molecules completed, bonds by the library's covalent-radius rule), PDB/SDF/MOL2 text, a list of atoms, or a
:class:`~ti10cu2_lib.structure.schematic.SchematicSupercrystal` (spheres and hinges) — as an ``nglview.NGLWidget``
(Rose et al., Bioinformatics 2018; Nguyen et al., Bioinformatics 2018) under a line with its provenance badge.
Both viewers get their scene from the same function (:func:`~ti10cu2_lib.present.viewer3d.structure_scene`), so
the two never draw different atoms.

:func:`plan` is the pure part: the structure text handed to NGL, one representation coloured by an NGL selection
scheme with :data:`~ti10cu2_lib.present.viewer3d.ARTICLE_COLORS` (Ti green, Cu blue, O red, C grey, H white; other
elements NGL's CPK colours), and the unit-cell edges as cylinders (a red, b green, c blue from the origin, others
grey).
:func:`form_toggle` puts one view per form under an sp/cs ``ToggleButtons`` linked in the browser (``jslink`` to a
``Stack``), so the toggle also works in the executed notebooks of the offline book, where no kernel runs.

nglview and ipywidgets are imported only when a widget is built: importing this module loads neither (the
dashboard and the CLI never import it).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.present.badges import badge
from ti10cu2_lib.present.viewer3d import ARTICLE_COLORS, REPRESENTATIONS, schematic_scene, structure_scene
from ti10cu2_lib.structure.schematic import CAPTION, SchematicSupercrystal, demo_cif

#: Colours of the cell edges from the origin (a, b, c) and of the other nine edges.
CELL_AXIS_COLORS = ("#d62728", "#2ca02c", "#1f77b4")
CELL_EDGE_COLOR = "#7f7f7f"
#: Radius of the cell-edge cylinders (Å).
CELL_EDGE_RADIUS_A = 0.08


def _rgb(hex_color: str) -> list[float]:
    """``"#rrggbb"`` → ``[r, g, b]`` in 0–1 (NGL shape colours)."""
    value = hex_color.lstrip("#")
    return [round(int(value[k:k + 2], 16) / 255.0, 4) for k in (0, 2, 4)]


def cell_edges(cell_matrix: Any, radius_A: float = CELL_EDGE_RADIUS_A) -> list[tuple]:
    """The 12 edges of the cell whose rows are a, b, c (Å) as NGL ``cylinder`` shapes.

    Example:
        >>> edges = cell_edges([[10.0, 0, 0], [0, 5.0, 0], [0, 0, 2.0]])
        >>> len(edges), edges[0][:3], edges[0][5]
        (12, ('cylinder', [0.0, 0.0, 0.0], [10.0, 0.0, 0.0]), 'a')
    """
    rows = np.asarray(cell_matrix, dtype=float).reshape(3, 3)
    shapes = []
    for axis in range(3):
        others = [k for k in range(3) if k != axis]
        for start in ([], [others[0]], [others[1]], others):
            p0 = rows[start].sum(axis=0) if start else np.zeros(3)
            p1 = p0 + rows[axis]
            from_origin = not start
            color = CELL_AXIS_COLORS[axis] if from_origin else CELL_EDGE_COLOR
            name = "abc"[axis] if from_origin else "cell"
            shapes.append(("cylinder", [round(float(v), 4) for v in p0], [round(float(v), 4) for v in p1],
                           _rgb(color), radius_A, name))
    shapes.sort(key=lambda s: s[-1] == "cell")  # a, b, c first
    return shapes


@dataclass(frozen=True)
class NglPlan:
    """What an NGL view of one structure draws: structure text (or none), representations, shapes, label."""

    title: str
    origin: Origin
    text: str = ""
    ext: str = ""
    representation: str = "ball+stick"
    color_scheme: list[list[str]] = field(default_factory=list)  # NGL selection scheme: [colour, selection] pairs
    shapes: list[tuple] = field(default_factory=list)  # NGL shape tuples: cell edges, schematic spheres
    caption: str = ""

    def label_html(self) -> str:
        """One line: the provenance badge (source on hover), the title, and the caption when there is one."""
        text = f"{badge(self.origin)} <b>{html.escape(self.title)}</b>"
        if self.caption:
            text += f"<br><small>{html.escape(self.caption)}</small>"
        return f'<div class="ti10cu2-ngl-label" style="font:13px sans-serif;margin:2px 0">{text}</div>'


def _elements_of(scene: Mapping[str, Any]) -> list[str]:
    if scene["format"] == "mol2":  # our own MOL2: element in the 6th column of the ATOM records
        block = scene["text"].split("@<TRIPOS>ATOM")[1].split("@<TRIPOS>BOND")[0]
        return sorted({line.split()[5] for line in block.strip().splitlines()})
    return sorted(ARTICLE_COLORS)


def _origin_of(structure: Any, origin: Origin | None) -> Origin:
    if origin is not None:
        return origin
    found = getattr(structure, "origin", None)
    if isinstance(found, Origin):
        return found
    if isinstance(structure, (str, Path)) and Path(structure).is_file():
        return Origin(Provenance.USER, f"file {Path(structure).name}")
    return Origin(Provenance.USER, "structure given in the notebook")


def plan(structure: Any, *, origin: Origin | None = None, title: str | None = None,
         representation: str = "ball+stick", show_cell: bool = True,
         colors: Mapping[str, str] | None = None) -> NglPlan:
    """What :func:`nglview_widget` draws for ``structure`` (anything :func:`~ti10cu2_lib.present.viewer3d.
    structure_scene` accepts, or a schematic supercrystal); ``origin`` defaults to the structure's own.

    Example:
        >>> atoms = [("Ti", 0.0, 0.0, 0.0, "Ti1"), ("O", 1.8, 0.0, 0.0, "O1")]
        >>> p = plan(atoms, title="TiO")
        >>> p.ext, p.color_scheme, p.origin.provenance.value
        ('mol2', [['#e3211c', '_O'], ['#2ca02c', '_Ti'], ['element', '*']], 'user')
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"representation must be one of {REPRESENTATIONS}")
    if isinstance(structure, SchematicSupercrystal):
        scene = schematic_scene(structure, caption=False)
        shapes = [("sphere", s[:3], _rgb(s[4]), s[3], s[5]) for s in scene["shapes"]["spheres"]]
        shapes += [("cylinder", c[:3], c[3:6], _rgb(c[7]), c[6], c[8]) for c in scene["shapes"]["cylinders"]]
        return NglPlan(title=title or scene["title"], origin=structure.origin,
                       shapes=cell_edges(scene["cell"], radius_A=0.25) + shapes, caption=CAPTION[structure.form])
    scene = structure_scene(structure, title=title)
    palette = dict(ARTICLE_COLORS)
    palette.update(colors or {})
    scheme = [[palette[el], f"_{el}"] for el in _elements_of(scene) if el in palette] + [["element", "*"]]
    shapes = cell_edges(scene["cell"]) if show_cell and scene.get("cell") else []
    return NglPlan(title=scene["title"], origin=_origin_of(structure, origin), text=scene["text"],
                   ext=scene["format"], representation=representation, color_scheme=scheme, shapes=shapes)


def nglview_widget(structure: Any, *, origin: Origin | None = None, title: str | None = None,
                   representation: str = "ball+stick", show_cell: bool = True,
                   colors: Mapping[str, str] | None = None, height_px: int = 420) -> Any:
    """An ``ipywidgets.VBox``: the provenance line over an ``nglview.NGLWidget`` of ``structure`` (see :func:`plan`).

    The NGL view is ``box.children[1]``; mouse: left drag rotates, wheel zooms. ``height_px`` in pixels.

    Example:
        >>> box = nglview_widget([("Cu", 0.0, 0.0, 0.0), ("O", 1.95, 0.0, 0.0)], title="CuO")
        >>> type(box.children[1]).__name__, "user" in box.children[0].value
        ('NGLWidget', True)
    """
    import ipywidgets
    import nglview

    drawn = plan(structure, origin=origin, title=title, representation=representation, show_cell=show_cell,
                 colors=colors)
    view = nglview.NGLWidget()
    view.layout = ipywidgets.Layout(width="100%", height=f"{int(height_px)}px")
    view._set_size("100%", f"{int(height_px)}px")
    view.camera = "orthographic"
    if drawn.text:
        view.add_component(nglview.TextStructure(drawn.text, ext=drawn.ext), default_representation=False)
        # one representation (bonds between differently coloured atoms stay drawn), coloured by a selection
        # scheme that travels inside the message, so the replayed state of the offline book has it too
        colours = nglview.color._ColorScheme(drawn.color_scheme, "ti10cu2_article_colors")
        view.add_representation(drawn.representation, selection="all", color=colours, component=0)
    if drawn.shapes:
        view._add_shape(drawn.shapes, name="cell" if drawn.text else "schematic")
    view.center()
    return ipywidgets.VBox([ipywidgets.HTML(drawn.label_html()), view],
                           layout=ipywidgets.Layout(width="100%"))


def form_structure(form: str) -> tuple[Path, str | None, Origin] | None:
    """(CIF path, block, origin) to show for ``form``: the imported (deposited) CIF, else the form's public demo
    CIF with provenance ``illustrative``; None when neither exists."""
    from ti10cu2_lib.data.datasets import deposited_structure

    found = deposited_structure(form)
    if found is not None:
        path, block, found_origin = found
        return path, block or None, found_origin
    path = demo_cif(form)
    if path is None:
        return None
    return path, None, Origin(Provenance.ILLUSTRATIVE,
                              f"DEMO — public COD structure {path.name}, NOT the article's structure")


def form_toggle(views: Mapping[str, Any], *, description: str = "form") -> Any:
    """One widget per form (e.g. ``{"sp": ..., "cs": ...}``) under a ``ToggleButtons``: an ``ipywidgets.VBox``.

    The toggle's index is ``jslink``-ed to a ``Stack`` of the views, so switching happens in the browser — in
    JupyterLab and in the static book alike.

    Example:
        >>> import ipywidgets
        >>> box = form_toggle({"sp": ipywidgets.HTML("sp"), "cs": ipywidgets.HTML("cs")})
        >>> box.children[0].options, box.children[1].selected_index
        (('sp', 'cs'), 0)
    """
    import ipywidgets

    names = list(views)
    buttons = ipywidgets.ToggleButtons(options=names, value=names[0], description=description,
                                       tooltips=[f"show {n}" for n in names], style={"button_width": "auto"})
    stack = ipywidgets.Stack(children=[views[n] for n in names], selected_index=0)
    ipywidgets.jslink((buttons, "index"), (stack, "selected_index"))
    return ipywidgets.VBox([buttons, stack], layout=ipywidgets.Layout(width="100%"))
