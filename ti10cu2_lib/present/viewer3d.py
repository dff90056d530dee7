"""A 3D crystal-structure viewer that works with no network: one Panel component for dashboard and notebooks.

:func:`structure_view` builds a :class:`StructureViewer` (a Panel ``JSComponent``) from

* a CIF file path, or a :class:`~ti10cu2_lib.structure.cif.CrystalStructure` (read with gemmi via
  :func:`~ti10cu2_lib.structure.cif.load_cif`): the unit-cell contents, by default with every molecule
  completed across cell faces (``contents="molecules"``), plus the unit-cell box;
* the text (or path) of a PDB, mmCIF, SDF/MOL, MOL2 or GRO file, handed to NGL's own reader;
* a list of atoms ``(element, x, y, z)`` or ``(element, x, y, z, label)`` in Å (Cartesian), with optional
  ``cell`` (a, b, c in Å, α, β, γ in degrees, or a 3×3 matrix whose rows are the a, b, c vectors in Å) and
  ``bonds`` (pairs of 0-based atom indices).

Bonds, when not given, follow the library's covalent-radius rule (:mod:`ti10cu2_lib.structure.bonds`:
d ≤ r1 + r2 + 0.40 Å, Cordero et al. 2008 radii, PLATON's tolerance; no H–H and no metal–metal bonds, none
shorter than 0.5 Å nor between different disorder groups). Long Cu···O (Jahn–Teller) contacts are therefore
not drawn at the default tolerance; pass ``tolerance`` or explicit ``bonds`` to show them.

Drawing is done in the browser by NGL (Rose et al., "NGL viewer: web-based molecular graphics for large
complexes", Bioinformatics 2018, 34, 3755), installed at set-up time from the npm registry by
:mod:`ti10cu2_lib.present._vendor` and bundled with ``viewer3d.js``. Under ``panel serve`` the bundle is served by
the app itself (one cacheable request); in JupyterLab it is inlined in the cell output. Either way nothing
is fetched from another host. Without the bundle the component shows how to install it instead.

Colours: element colours of NGL (CPK/Jmol) overridden by :data:`ARTICLE_COLORS` (the article's Ti green,
Cu blue, O red, C grey, H white; N light blue so it is not mistaken for Cu). Unit-cell box: a red, b green,
c blue from the origin, the other edges grey. Hovering an atom shows its label, element and coordinates
(Å); hovering a bond shows its two labels and length (Å). Mouse: left drag rotates, wheel zooms, right drag
translates.

Updating :attr:`StructureViewer.scene` (e.g. with :meth:`StructureViewer.show`) redraws in place, so a form
toggle (sp ↔ cs) needs no new component.

Schematic pictures (:func:`schematic_scene`, :func:`schematic_view`): the illustrative supercrystals of
:mod:`ti10cu2_lib.structure.schematic` are drawn as shapes — one sphere per cluster (sp: layer A dark blue, B light
blue; cs: red, the hinges blue), the cell — with the provenance badge ``illustrative`` and one sentence of what
the picture does and does not show drawn over the view.
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gemmi
import numpy as np
import param
from panel.custom import JSComponent
from scipy.spatial import cKDTree

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.present import _vendor
from ti10cu2_lib.present.badges import PROVENANCE_COLORS
from ti10cu2_lib.structure.bonds import COVALENT_RADII, DEFAULT_MIN_DISTANCE, DEFAULT_TOLERANCE, METALS
from ti10cu2_lib.structure.cif import CrystalStructure, load_cif, parse_cif_text
from ti10cu2_lib.structure.schematic import DRAW_SCALE, SchematicSupercrystal

#: Element colours used by the article's structure figures (Ti green, Cu blue, O red, C grey, H white).
ARTICLE_COLORS: dict[str, str] = {
    "Ti": "#2ca02c", "Cu": "#1f5bd6", "O": "#e3211c", "C": "#8c8c8c", "H": "#ffffff", "N": "#9ab4ff",
}

REPRESENTATIONS = ("ball+stick", "spacefill", "licorice", "line")

#: File suffix → NGL parser name, for text handed to NGL unchanged.
NGL_FORMATS: dict[str, str] = {
    ".pdb": "pdb", ".ent": "pdb", ".cif": "cif", ".mmcif": "cif", ".mcif": "cif", ".sdf": "sdf", ".sd": "sdf",
    ".mol": "sdf", ".mol2": "mol2", ".gro": "gro",
}

CONTENTS = ("molecules", "cell", "asymmetric")

_FALLBACK_ESM = """
export function render({ el }) {
  const box = document.createElement("div")
  box.dataset.viewer3d = "1"
  box.dataset.state = "unavailable"
  box.style.cssText = "padding:1em;font:14px sans-serif;color:#555;border:1px dashed #bbb"
  box.textContent = "3D viewer unavailable: its JavaScript (NGL) is not installed. " +
    "Run `make vendor` (or `python -m ti10cu2_lib.present._vendor`) once while the npm registry is reachable."
  el.appendChild(box)
}
"""


@dataclass(frozen=True)
class Atom:
    """One atom to draw: element symbol, Cartesian position in Å, label (shown on hover)."""

    element: str
    x: float
    y: float
    z: float
    label: str = ""


# ---------------------------------------------------------------------------------------------------
# bonds


def _element(symbol: str) -> str:
    name = gemmi.Element(str(symbol).strip()).name
    if name == "X":
        raise InputError(f"unknown element symbol {symbol!r}", fix="use element symbols such as Ti, Cu, O")
    return name


def _radius(element: str) -> float:
    return COVALENT_RADII.get("H" if element == "D" else element, 1.5)


def bonds_by_distance(elements: Sequence[str], xyz: np.ndarray, tolerance: float = DEFAULT_TOLERANCE, *,
                      groups: Sequence[int] | None = None, metal_metal: bool = False,
                      hydrogen_hydrogen: bool = False, min_distance: float = DEFAULT_MIN_DISTANCE) -> np.ndarray:
    """Pairs ``(i, j)``, i < j, of atoms at Cartesian ``xyz`` (N, 3; Å) bonded by the covalent-radius rule.

    d ≤ r_i + r_j + ``tolerance`` (Å, Cordero 2008 radii; 1.5 Å for an element without one); no pairs closer
    than ``min_distance``; no H–H or metal–metal pairs unless asked; with ``groups`` (disorder group per
    atom, 0 = none) no pairs between different non-zero groups. Returns an (M, 2) int array.
    """
    xyz = np.asarray(xyz, dtype=float).reshape(-1, 3)
    if len(xyz) < 2:
        return np.zeros((0, 2), dtype=int)
    radii = np.array([_radius(e) for e in elements])
    pairs = cKDTree(xyz).query_pairs(2 * radii.max() + tolerance, output_type="ndarray")
    if not len(pairs):
        return np.zeros((0, 2), dtype=int)
    i, j = pairs[:, 0], pairs[:, 1]
    d = np.linalg.norm(xyz[i] - xyz[j], axis=1)
    keep = (d <= radii[i] + radii[j] + tolerance) & (d >= min_distance)
    el = np.array(elements)
    if not hydrogen_hydrogen:
        keep &= ~((el[i] == "H") & (el[j] == "H"))
    if not metal_metal:
        metal = np.array([e in METALS for e in elements])
        keep &= ~(metal[i] & metal[j])
    if groups is not None:
        g = np.asarray(groups)
        keep &= ~((g[i] != 0) & (g[j] != 0) & (g[i] != g[j]))
    out = pairs[keep]
    return out[np.lexsort((out[:, 1], out[:, 0]))]


# ---------------------------------------------------------------------------------------------------
# crystal structures → atoms


def crystal_atoms(structure: CrystalStructure, *, contents: str = "molecules",
                  tolerance: float = DEFAULT_TOLERANCE) -> tuple[list[Atom], np.ndarray]:
    """Atoms (Cartesian, Å) and bonds of a crystal structure for display.

    ``contents``: ``"asymmetric"`` the sites as listed; ``"cell"`` every symmetry image wrapped into the unit
    cell (molecules cut at the cell faces); ``"molecules"`` every image once, each bonded fragment kept whole
    and moved so that its centroid lies in the cell (a polymer chain is shown as one repeat unit's atoms).
    Periodic neighbours are searched in the 27 cells around the origin cell, enough for cell edges longer
    than the longest bond cut-off (≈ 3.6 Å for metals).
    """
    if contents not in CONTENTS:
        raise InputError(f"contents={contents!r} is not one of {', '.join(CONTENTS)}")
    sites = structure.sites
    orth = structure.orth
    if contents == "asymmetric":
        elements = [s.element for s in sites]
        xyz = structure.frac @ orth.T
        groups = [s.disorder_group for s in sites]
        atoms = [Atom(e, *map(float, p), s.label) for e, p, s in zip(elements, xyz, sites, strict=True)]
        return atoms, bonds_by_distance(elements, xyz, tolerance, groups=groups)

    images = structure.images
    frac = images.pos - np.floor(images.pos)
    n = len(frac)
    elements = [sites[j].element for j in images.site]
    labels = [sites[j].label for j in images.site]
    groups = np.array([sites[j].disorder_group for j in images.site])
    radii = np.array([_radius(e) for e in elements])
    metal = np.array([e in METALS for e in elements])
    is_h = np.array([e == "H" for e in elements])

    shifts = np.array(list(itertools.product((-1, 0, 1), repeat=3)))
    zero = int(np.flatnonzero((shifts == 0).all(axis=1))[0])
    centre = frac @ orth.T
    supercell = (frac[None, :, :] + shifts[:, None, :]).reshape(-1, 3) @ orth.T
    hits = cKDTree(supercell).query_ball_point(centre, 2 * radii.max() + tolerance)
    u = np.repeat(np.arange(n), [len(h) for h in hits])
    h = np.concatenate([np.asarray(x, dtype=int) for x in hits]) if n else np.zeros(0, dtype=int)
    s, v = np.divmod(h, n)
    d = np.linalg.norm(supercell[h] - centre[u], axis=1)
    ok = ~((u == v) & (s == zero))
    ok &= (d <= radii[u] + radii[v] + tolerance) & (d >= DEFAULT_MIN_DISTANCE)
    ok &= ~(is_h[u] & is_h[v]) & ~(metal[u] & metal[v])
    g1, g2 = groups[u], groups[v]
    ok &= ~((g1 != 0) & (g2 != 0) & ((g1 != g2) | ((g1 < 0) & (images.op[u] != images.op[v]))))
    u, v, shift = u[ok], v[ok], shifts[s[ok]]

    offset = np.zeros((n, 3), dtype=int)
    if contents == "molecules":
        neighbours: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
        for a, b, t in zip(u, v, shift, strict=True):
            neighbours[int(a)].append((int(b), t))
        seen = np.zeros(n, dtype=bool)
        for start in range(n):
            if seen[start]:
                continue
            seen[start] = True
            members, queue = [start], deque([start])
            while queue:
                a = queue.popleft()
                for b, t in neighbours[a]:
                    if not seen[b]:
                        seen[b] = True
                        offset[b] = offset[a] + t
                        members.append(b)
                        queue.append(b)
            centroid = (frac[members] + offset[members]).mean(axis=0)
            offset[members] -= np.floor(centroid).astype(int)
    # a periodic bond is drawn when both ends were placed next to each other
    drawn = (u < v) & (offset[v] - offset[u] == shift).all(axis=1)
    bonds = np.unique(np.stack([u[drawn], v[drawn]], axis=1).reshape(-1, 2), axis=0)
    xyz = (frac + offset) @ orth.T
    atoms = [Atom(e, *map(float, p), lab) for e, p, lab in zip(elements, xyz, labels, strict=True)]
    return atoms, bonds


# ---------------------------------------------------------------------------------------------------
# scene (what the browser draws)


def cell_matrix(cell: Any) -> list[list[float]] | None:
    """Rows a, b, c (Å, Cartesian, gemmi/PDB orientation: a along x, b in the xy plane) of a unit cell.

    Accepts None, six numbers (a, b, c in Å; α, β, γ in degrees), a 3×3 matrix of row vectors, a
    ``gemmi.UnitCell``, or any object with ``a, b, c, alpha, beta, gamma`` attributes.
    """
    if cell is None:
        return None
    if isinstance(cell, gemmi.UnitCell):
        return np.array(cell.orth.mat.tolist()).T.tolist()
    if all(hasattr(cell, k) for k in ("a", "b", "c", "alpha", "beta", "gamma")):
        cell = [cell.a, cell.b, cell.c, cell.alpha, cell.beta, cell.gamma]
    arr = np.asarray(cell, dtype=float)
    if arr.shape == (6,):
        if not (arr[:3] > 0).all() or not ((arr[3:] > 0) & (arr[3:] < 180)).all():
            raise InputError(f"unit cell {arr.tolist()} is not a valid a, b, c (Å), α, β, γ (°)")
        return np.array(gemmi.UnitCell(*arr).orth.mat.tolist()).T.tolist()
    if arr.shape == (3, 3):
        if abs(np.linalg.det(arr)) < 1e-6:
            raise InputError("unit cell matrix is singular", fix="give the rows a, b, c as Cartesian vectors in Å")
        return arr.tolist()
    raise InputError(f"cannot read a unit cell from {cell!r}",
                     fix="give (a, b, c, alpha, beta, gamma) or a 3×3 matrix of row vectors a, b, c in Å")


def _atoms_from(items: Iterable[Any]) -> list[Atom]:
    atoms = []
    for k, item in enumerate(items):
        if isinstance(item, Atom):
            atoms.append(Atom(_element(item.element), float(item.x), float(item.y), float(item.z), item.label))
            continue
        if isinstance(item, Mapping):
            el, x, y, z, lab = (item["element"], item["x"], item["y"], item["z"], item.get("label", ""))
        else:
            row = tuple(item)
            if len(row) not in (4, 5):
                raise InputError(f"atom {k}: expected (element, x, y, z[, label]), got {row!r}")
            el, x, y, z, lab = (*row, "") if len(row) == 4 else row
        atoms.append(Atom(_element(el), float(x), float(y), float(z), str(lab)))
    return atoms


def _labels(atoms: Sequence[Atom]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    out = []
    for a in atoms:
        counts[a.element] += 1
        out.append("_".join(a.label.split()) or f"{a.element}{counts[a.element]}")
    return out


def _mol2(atoms: Sequence[Atom], labels: Sequence[str], bonds: np.ndarray, title: str) -> str:
    title = " ".join(title.split()) or "structure"
    lines = ["@<TRIPOS>MOLECULE", title, f"{len(atoms)} {len(bonds)} 1 0 0", "SMALL", "NO_CHARGES", "",
             "@<TRIPOS>ATOM"]
    for k, (a, name) in enumerate(zip(atoms, labels, strict=True), start=1):
        lines.append(f"{k} {name} {a.x:.4f} {a.y:.4f} {a.z:.4f} {a.element} 1 MOL 0.0")
    lines.append("@<TRIPOS>BOND")
    for k, (i, j) in enumerate(bonds, start=1):
        lines.append(f"{k} {int(i) + 1} {int(j) + 1} 1")
    return "\n".join(lines) + "\n"


def _sniff(text: str) -> str | None:
    head = text[:20000]
    if "@<TRIPOS>" in head:
        return "mol2"
    if "_atom_site_fract_x" in head or "_atom_site.fract_x" in head:
        return "smallcif"
    if "_atom_site." in head:
        return "cif"
    if "V2000" in head or "V3000" in head or "$$$$" in head:
        return "sdf"
    if any(line.startswith(("ATOM  ", "HETATM", "CRYST1")) for line in head.splitlines()):
        return "pdb"
    return None


def structure_scene(structure: Any, cell: Any = None, bonds: Iterable[Sequence[int]] | None = None, *,
                    format: str | None = None, title: str | None = None, contents: str = "molecules",
                    tolerance: float = DEFAULT_TOLERANCE) -> dict:
    """The viewer's ``scene`` dict ``{text, format, cell, title, labels, n_atoms}`` for any accepted input.

    See the module docstring for the inputs; a scene dict is returned unchanged (a copy). ``format`` names
    the text's format (an NGL parser name or a suffix such as ``"pdb"``); guessed from the text or the file
    suffix when None. For text handed to NGL, ``bonds`` and ``tolerance`` do not apply (NGL makes its own
    bonds), but ``cell`` still draws a box.
    """
    if isinstance(structure, Mapping) and "text" in structure and "format" in structure:
        return dict(structure)  # already a scene
    if isinstance(structure, (str, os.PathLike)) and not (isinstance(structure, str) and "\n" in structure):
        path = Path(structure)
        if not path.is_file():
            raise InputError(f"{path}: no such file", fix="give a CIF/PDB/SDF/MOL2 path, file text, or a list of atoms")
        text = path.read_text(encoding="utf-8", errors="replace")
        fmt = format or NGL_FORMATS.get(path.suffix.lower()) or _sniff(text)
        if fmt == "cif" and _sniff(text) == "smallcif":
            structure = load_cif(path)
        else:
            structure = text
            format = fmt
        title = title or path.name
    if isinstance(structure, str):
        fmt = (format or _sniff(structure) or "").lower().lstrip(".")
        fmt = NGL_FORMATS.get("." + fmt, fmt)
        if fmt == "smallcif" or (fmt == "cif" and _sniff(structure) == "smallcif"):
            structure = parse_cif_text(structure)
        elif fmt not in set(NGL_FORMATS.values()):
            raise InputError(f"cannot tell the format of the structure text (got format={format!r})",
                             fix=f"pass format= one of {', '.join(sorted(set(NGL_FORMATS.values())))}")
        else:
            return {"text": structure, "format": fmt, "cell": cell_matrix(cell), "title": title or "structure",
                    "labels": None, "n_atoms": None}
    if isinstance(structure, CrystalStructure):
        atoms, found = crystal_atoms(structure, contents=contents, tolerance=tolerance)
        cell = structure.cell if cell is None else cell
        title = title or structure.name
    else:
        atoms = _atoms_from(structure)
        found = None
    if bonds is not None:
        pairs = np.asarray([tuple(b)[:2] for b in bonds], dtype=int).reshape(-1, 2)
        if len(pairs) and (pairs.min() < 0 or pairs.max() >= len(atoms)):
            raise InputError(f"bond indices must be 0-based atom indices below {len(atoms)}")
    elif found is not None:
        pairs = found
    else:
        xyz = np.array([(a.x, a.y, a.z) for a in atoms]).reshape(-1, 3)
        pairs = bonds_by_distance([a.element for a in atoms], xyz, tolerance)
    title = title or "structure"
    labels = _labels(atoms)
    return {"text": _mol2(atoms, labels, pairs, title), "format": "mol2", "cell": cell_matrix(cell),
            "title": title, "labels": labels, "n_atoms": len(atoms)}


#: Colours of the schematic pictures: sp layers A/B in the sp colour (dark/light), cs clusters in the cs colour,
#: the hinges in the article's Cu blue.
SCHEMATIC_COLORS: dict[str, str] = {"A": "#1f77b4", "B": "#9ecae1", "cs": "#d62728", "hinge": "#1f5bd6"}


def _side_view(tilt_deg: float = 12.0, turn_deg: float = 28.0) -> np.ndarray:
    """Rotation that puts a model's z axis (the stacking or chain axis of the schematics) up on the screen, seen
    slightly from above (``tilt_deg``) and from the side (``turn_deg``): the viewer looks along −z, x right."""
    swap = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])  # (x, y, z) → (x, z, −y)
    t, u = np.radians(tilt_deg), np.radians(turn_deg)
    tilt = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(t), -np.sin(t)], [0.0, np.sin(t), np.cos(t)]])
    turn = np.array([[np.cos(u), 0.0, np.sin(u)], [0.0, 1.0, 0.0], [-np.sin(u), 0.0, np.cos(u)]])
    return tilt @ turn @ swap


def schematic_scene(model: SchematicSupercrystal, *, title: str | None = None, caption: bool = True) -> dict:
    """The viewer scene of a schematic supercrystal: spheres (drawn at :data:`~ti10cu2_lib.structure.schematic.
    DRAW_SCALE` of the diameter, so contacts stay visible), the cs hinges, the cell, and the ``illustrative``
    badge with the model's one-sentence caption (``caption=False`` leaves the sentence to the page). The picture is
    turned so that the stacking (sp) or chain (cs) axis points up, seen obliquely from the side."""
    rot = _side_view()

    def xyz(item: Mapping[str, Any]) -> list[float]:
        return [round(float(v), 3) for v in rot @ np.array([item["x"], item["y"], item["z"]], dtype=float)]

    radius = DRAW_SCALE * model.size.diameter / 2.0
    spheres = []
    for s in model.spheres:
        color = SCHEMATIC_COLORS["cs"] if model.form == "cs" else SCHEMATIC_COLORS[str(s["group"])]
        spheres.append([*xyz(s), round(radius, 3), color, str(s["label"])])
    cylinders = []
    hinge_r = 0.12 * model.size.diameter
    for link in model.links:
        a, b = model.spheres[link["from"]], model.spheres[link["to"]]
        cylinders.append([*xyz(a), *xyz(b), round(0.6 * hinge_r, 3), SCHEMATIC_COLORS["hinge"], str(link["label"])])
        spheres.append([*xyz(link), round(hinge_r, 3), SCHEMATIC_COLORS["hinge"], str(link["label"])])
    origin = model.origin
    badge = {"text": str(origin.provenance), "color": PROVENANCE_COLORS.get(str(origin.provenance), "#b2182b"),
             "title": origin.source, "caption": model.caption if caption else ""}
    cell = (np.array(model.cell_matrix) @ rot.T).round(4).tolist()
    return {"text": "", "format": "shapes", "cell": cell, "cell_radius": 0.25,
            "title": title or f"schematic ({model.form}) supercrystal", "labels": None, "n_atoms": None,
            "shapes": {"spheres": spheres, "cylinders": cylinders, "opacity": 1.0}, "badge": badge,
            "kind": f"schematic-{model.form}"}


def schematic_view(model: SchematicSupercrystal, *, height: int = 420, width: int | None = None,
                   caption: bool = True, **params: Any) -> StructureViewer:
    """A :class:`StructureViewer` showing the schematic supercrystal ``model`` (see :func:`schematic_scene`)."""
    sizing: dict[str, Any] = {"height": int(height)}
    if width is None:
        sizing["sizing_mode"] = params.pop("sizing_mode", "stretch_width")
    else:
        sizing["width"] = int(width)
    return StructureViewer(scene=schematic_scene(model, caption=caption), **sizing, **params)


# ---------------------------------------------------------------------------------------------------
# the component


def _bundle() -> Path | None:
    try:
        return _vendor.ensure_bundle()
    except Exception:  # never let asset preparation break an import
        return None


_BUNDLE = _bundle()


class StructureViewer(JSComponent):
    """Interactive 3D view of one structure (NGL in the browser; no network needed).

    Set :attr:`scene` (see :func:`structure_scene`) or call :meth:`show` to replace what is drawn; the
    view redraws in place. Needs an explicit ``height`` (pixels) and either ``width`` or a stretching
    ``sizing_mode``.
    """

    scene = param.Dict(default={}, doc="What to draw: {text, format, cell, title} (see structure_scene)")
    representation = param.Selector(default="ball+stick", objects=list(REPRESENTATIONS), doc="NGL representation")
    show_cell = param.Boolean(default=True, doc="Draw the unit-cell box (a red, b green, c blue)")
    colors = param.Dict(default=dict(ARTICLE_COLORS), doc="Element symbol → colour, over NGL's CPK colours")
    background = param.Color(default="#ffffff", doc="Background colour")
    camera = param.Selector(default="orthographic", objects=["orthographic", "perspective"], doc="Projection")

    available: bool = _BUNDLE is not None
    _bundle = _BUNDLE
    _esm = "" if _BUNDLE is not None else _FALLBACK_ESM

    def show(self, structure: Any, cell: Any = None, bonds: Iterable[Sequence[int]] | None = None,
             **kwargs: Any) -> StructureViewer:
        """Replace the drawn structure (arguments as :func:`structure_scene`); returns self."""
        self.scene = structure_scene(structure, cell, bonds, **kwargs)
        return self


def structure_view(structure: Any, cell: Any = None, bonds: Iterable[Sequence[int]] | None = None, *,
                   height: int = 450, width: int | None = None, representation: str = "ball+stick",
                   show_cell: bool = True, colors: Mapping[str, str] | None = None, format: str | None = None,
                   title: str | None = None, contents: str = "molecules", tolerance: float = DEFAULT_TOLERANCE,
                   **params: Any) -> StructureViewer:
    """A :class:`StructureViewer` showing ``structure`` (a CIF path, a CrystalStructure, structure file text,
    or atoms ``(element, x, y, z[, label])`` in Å), with optional ``cell`` and ``bonds``.

    ``height``/``width`` in pixels (``width=None`` stretches to the container's width); ``colors`` overrides
    single element colours on top of :data:`ARTICLE_COLORS`; other keyword arguments go to the component.
    """
    scene = structure_scene(structure, cell, bonds, format=format, title=title, contents=contents,
                            tolerance=tolerance)
    palette = dict(ARTICLE_COLORS)
    palette.update(colors or {})
    sizing: dict[str, Any] = {"height": int(height)}
    if width is None:
        sizing["sizing_mode"] = params.pop("sizing_mode", "stretch_width")
    else:
        sizing["width"] = int(width)
    return StructureViewer(scene=scene, representation=representation, show_cell=show_cell, colors=palette,
                           **sizing, **params)

