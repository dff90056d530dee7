"""Shared structure and sensitivity figures (HoloViews, Bokeh backend) for the notebooks and the dashboard.

Same conventions as :mod:`ti10cu2_lib.present.figures`: every function takes results (never files), draws what the
result says without re-analysing, and puts the data provenance in the title (``data: user``, ``data:
reconstructed`` …). Units: 2θ in degrees, distances in Å, energies in eV.

- :func:`pxrd_pattern_figure` — a simulated powder pattern (profile + sticks).
- :func:`pxrd_patterns_figure` — several simulated patterns overlaid (e.g. random powder vs preferred orientation).
- :func:`pxrd_comparison_figure` — measured vs calculated pattern after the scale/background fit, difference curve
  below, observed peaks marked (matched / unmatched).
- :func:`pxrd_refinement_figure` — the same after a profile refinement, unexplained peaks (phase purity) marked.
- :func:`centroid_figure` — centroids of the packing units in a supercell, projected down a lattice direction.
- :func:`neighbour_shells_figure` — centroid–centroid distances with the neighbour-shell counts.
- :func:`bfdh_forms_figure` — BFDH forms on the habit and their share of the surface.
- :func:`habit_extents_figure` — BFDH extents L1 ≥ L2 ≥ L3 (relative to L3) of several crystals side by side.
- :func:`tauc_sensitivity_figure` — band gap against fit-window centre for each exponent and window width.
- :func:`schematic_supercrystal_figure` (:func:`schematic_supercrystal_views`) — a schematic supercrystal
  (illustrative) seen from the side and down its stacking or chain axis: the static picture of the 3D view;
  :func:`schematic_supercrystal_svg` the same as one inline SVG (a static page needs no JavaScript for it).
- :func:`core_schematic_figure` — the labelled diagram of one cluster's building units (illustrative).
- :func:`structure_projection_figure` — the atoms of a crystal structure (molecules kept whole) projected down c.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (loads the Bokeh backend without notebook output)
import numpy as np

from ti10cu2_lib.core.provenance import Origin
from ti10cu2_lib.present.figures import HEIGHT, MIN_WIDTH, WIDTH, provenance_label
from ti10cu2_lib.report.sensitivity import TaucSensitivity
from ti10cu2_lib.structure.cif import CrystalStructure
from ti10cu2_lib.structure.morphology import Morphology
from ti10cu2_lib.structure.packing import Packing, supercell_centroids
from ti10cu2_lib.structure.pxrd import PxrdPattern
from ti10cu2_lib.structure.pxrd_compare import PxrdComparison
from ti10cu2_lib.structure.pxrd_refine import ProfileRefinement
from ti10cu2_lib.structure.schematic import DRAW_SCALE, SchematicSupercrystal
from ti10cu2_lib.structure.schematic_core import KINDS as CORE_KINDS
from ti10cu2_lib.structure.schematic_core import CoreSchematic

_COMMON = {"responsive": True, "min_width": MIN_WIDTH, "height": HEIGHT, "tools": ["hover"], "show_grid": True}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
TWO_THETA = "2θ (°)"
_COUNTS = "intensity (counts)"


def _title(what: str, *origins: Origin) -> str:
    """Two lines, so that a title is never cut off in a half-width column: what, then the data's provenance."""
    labels = []
    for origin in origins:
        label = provenance_label(origin)
        if label not in labels:
            labels.append(label)
    return f"{what}\n{'; '.join(labels)}"


# ---------------------------------------------------------------------------------------------------- PXRD
def pxrd_pattern_figure(pattern: PxrdPattern, *, label: str | None = None, sticks: bool = True,
                        color: str = PALETTE[0]) -> hv.Overlay:
    """Simulated profile (maximum 100) with the reflection sticks (strongest 100) beneath it; hover shows hkl."""
    name = label or pattern.structure.get("name", "structure")
    profile = hv.Curve((pattern.grid, pattern.profile), TWO_THETA, "intensity (max 100)", label=name).opts(
        color=color, line_width=1.5)
    layers = [profile]
    if sticks and len(pattern.two_theta):
        inside = (pattern.two_theta >= pattern.grid[0]) & (pattern.two_theta <= pattern.grid[-1])
        hkl = [" ".join(str(int(v)) for v in row) for row in pattern.hkl[inside]]
        data = {"two_theta": pattern.two_theta[inside], "intensity": pattern.intensity[inside], "hkl": hkl,
                "d": pattern.d[inside]}
        layers.append(hv.Spikes(data, kdims=[hv.Dimension("two_theta", label=TWO_THETA)],
                                vdims=["intensity", "hkl", "d"]).opts(color="black", alpha=0.5, line_width=1,
                                                                      tools=["hover"]))
    s = pattern.settings
    po = ("random powder" if s.po_hkl is None and s.po_uvw is None
          else f"March–Dollase ({' '.join(map(str, s.po_hkl))}), r = {s.po_r:g}" if s.po_hkl is not None
          else f"March–Dollase along [{' '.join(f'{v:g}' for v in s.po_uvw)}], r = {s.po_r:g}")
    title = _title(f"Simulated PXRD of {name} (λ {s.wavelength:g} Å, FWHM {s.fwhm:g}°, {po})", pattern.origin)
    return hv.Overlay(layers).opts(title=title, legend_position="top_right", **_COMMON)


def pxrd_patterns_figure(patterns: Mapping[str, PxrdPattern], *, offset: float = 0.0) -> hv.Overlay:
    """Several simulated profiles on one plot, each ``offset`` (intensity units) above the previous one."""
    if not patterns:
        raise ValueError("no patterns to draw")
    layers = []
    for i, (label, pattern) in enumerate(patterns.items()):
        layers.append(hv.Curve((pattern.grid, pattern.profile + i * offset), TWO_THETA, "intensity (max 100)",
                               label=label).opts(color=PALETTE[i % len(PALETTE)], line_width=1.5))
    origins = [p.origin for p in patterns.values()]
    return hv.Overlay(layers).opts(title=_title("Simulated PXRD", *origins), legend_position="top_right", **_COMMON)


def _fit_layers(fit: Mapping[str, np.ndarray], rwp: float, difference_offset: float | None) -> list:
    """Measured points, calculated curve, background and the difference curve drawn below the pattern."""
    x, obs, calc, bg = fit["two_theta"], fit["observed"], fit["calculated"], fit["background"]
    diff = obs - calc
    offset = difference_offset if difference_offset is not None else float(obs.min() - 0.1 * np.ptp(obs)
                                                                           - diff.max())
    return [
        hv.Scatter((x, obs), TWO_THETA, _COUNTS, label="measured").opts(color="#777777", size=2),
        hv.Curve((x, calc), TWO_THETA, _COUNTS, label=f"calculated (Rwp {rwp:.1f} %)").opts(
            color="#d62728", line_width=1),
        hv.Curve((x, bg), TWO_THETA, _COUNTS, label="background").opts(color="#444444", line_dash="dotted"),
        hv.Curve((x, diff + offset), TWO_THETA, _COUNTS, label="measured − calculated").opts(color="#1f77b4",
                                                                                             line_width=1),
    ]


def _peak_marks(positions: Sequence[float], height: float, label: str, **style: object) -> list:
    """Markers above the pattern at ``positions`` (none when empty)."""
    if not positions:
        return []
    return [hv.Scatter((list(positions), [height] * len(positions)), TWO_THETA, _COUNTS,
                       label=f"{label} ({len(positions)})").opts(**style)]


def _fit_overlay(layers: list, title: str) -> hv.Overlay:
    return hv.Overlay(layers).opts(title=title, legend_position="right", responsive=True, min_width=MIN_WIDTH,
                                   height=HEIGHT + 40, tools=["hover"], show_grid=True)


def pxrd_comparison_figure(comparison: PxrdComparison, *, difference_offset: float | None = None) -> hv.Overlay:
    """Measured (grey points) vs fitted calculated pattern (red), background (dotted) and the difference (blue)
    drawn below; observed peaks marked green when matched to a calculated line, black × when not."""
    layers = _fit_layers(comparison.fit, comparison.rwp, difference_offset)
    top = 1.04 * float(comparison.fit["observed"].max())
    layers += _peak_marks([m["two_theta_obs"] for m in comparison.matches if m["matched"]], top, "matched peaks",
                          color="#2ca02c", marker="inverted_triangle", size=7)
    layers += _peak_marks([m["two_theta_obs"] for m in comparison.matches if not m["matched"]], top,
                          "unmatched peaks", color="black", marker="x", size=8)
    direction = comparison.po_hkl or comparison.po_uvw
    po = "" if direction is None else (f", March–Dollase {'(' if comparison.po_hkl else '['}"
                                       f"{' '.join(f'{v:g}' for v in direction)}"
                                       f"{')' if comparison.po_hkl else ']'} r = {comparison.po_r:.2f}")
    title = _title(f"PXRD comparison: {comparison.n_matched}/{len(comparison.matches)} peaks matched, "
                   f"zero {comparison.zero_shift:+.3f}°{po}", comparison.origin)
    return _fit_overlay(layers, title)


def pxrd_refinement_figure(refinement: ProfileRefinement, *, difference_offset: float | None = None) -> hv.Overlay:
    """Measured vs profile-refined calculated pattern with background and difference curve (as
    :func:`pxrd_comparison_figure`); observed peaks the phase explains marked green, unexplained ones red ×."""
    layers = _fit_layers(refinement.fit, refinement.rwp, difference_offset)
    top = 1.04 * float(refinement.fit["observed"].max())
    layers += _peak_marks([q["two_theta_obs"] for q in refinement.observed_peaks if q["explained"]], top,
                          "explained peaks", color="#2ca02c", marker="inverted_triangle", size=7)
    layers += _peak_marks([q["two_theta_obs"] for q in refinement.unexplained_peaks], top, "unexplained peaks",
                          color="#d62728", marker="x", size=10)
    title = _title(f"PXRD profile refinement: Rwp {refinement.rwp:.1f} % (Rexp {refinement.rexp:.1f} %), "
                   f"{len(refinement.unexplained_peaks)} unexplained of {len(refinement.observed_peaks)} peaks",
                   refinement.origin)
    return _fit_overlay(layers, title)


# ---------------------------------------------------------------------------------------------------- packing
def _projection_basis(structure: CrystalStructure, along: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Two orthonormal Cartesian vectors spanning the plane perpendicular to lattice direction ``along``."""
    axis = structure.orth @ np.asarray(along, dtype=float)
    axis /= np.linalg.norm(axis)
    trial = np.array([1.0, 0.0, 0.0]) if abs(axis[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = trial - axis * (trial @ axis)
    e1 /= np.linalg.norm(e1)
    return e1, np.cross(axis, e1)


def centroid_figure(packing: Packing, structure: CrystalStructure, *, repeats: tuple[int, int, int] = (3, 3, 3),
                    along: Sequence[int] | None = None, label: str | None = None) -> hv.Overlay:
    """Centroids of the packing units in a ``repeats`` supercell, seen down the lattice direction ``along``
    ([u v w]; default: the stacking direction, i.e. the shortest lattice vector). Colour = unit in the cell."""
    if along is None:
        along = packing.stacking.direction if packing.stacking is not None else (0, 0, 1)
    e1, e2 = _projection_basis(structure, along)
    points = supercell_centroids(packing, structure, repeats)
    xyz = np.array([p["xyz"] for p in points]).reshape(-1, 3)
    units = [p["unit"] for p in points]
    layers = []
    for k in sorted(set(units)):
        sel = np.array([u == k for u in units])
        layers.append(hv.Scatter((xyz[sel] @ e1, xyz[sel] @ e2), "x (Å)", "y (Å)", label=f"unit {k + 1}").opts(
            color=PALETTE[k % len(PALETTE)], size=10, alpha=0.8))
    dims = {0: "0D molecules", 1: "1D chain repeat units"}.get(packing.unit_dimensionality, "units")
    name = label or structure.name
    uvw = " ".join(str(int(v)) for v in along)
    title = _title(f"{name}: centroids of {dims} ({'×'.join(map(str, repeats))} cells) down [{uvw}]",
                   packing.origin)
    return hv.Overlay(layers).opts(title=title, data_aspect=1, legend_position="right", frame_width=300,
                                   tools=["hover"], show_grid=True)


def neighbour_shells_figure(packing: Packing, *, label: str | None = None, label_shells: int = 4) -> hv.Overlay:
    """Centroid–centroid distances (Å) from one unit, one spike per neighbour, shells shaded; the first
    ``label_shells`` shells are labelled with their neighbour count and the cumulative count."""
    d = np.asarray(packing.neighbour_distances, dtype=float)
    name = label or packing.unit_formula
    dims = (hv.Dimension("distance", label="centroid–centroid distance (Å)"), "neighbour")
    layers = [hv.Spikes((d, np.ones_like(d)), *dims).opts(color="black", line_width=2)]
    for i, shell in enumerate(packing.shells):
        layers.append(hv.VSpan(shell.r_min - 0.1, shell.r_max + 0.1).opts(color=PALETTE[i % len(PALETTE)],
                                                                          alpha=0.15))
        if i < label_shells:
            layers.append(hv.Text(shell.mean, 1.1 + 0.12 * (i % 2), f"{shell.count:g} (Σ {shell.cumulative:g})",
                                  fontsize=8))
    title = _title(f"{name}: neighbour shells", packing.origin)
    return hv.Overlay(layers).opts(title=title, ylim=(0, 1.35), yaxis=None, responsive=True, min_width=MIN_WIDTH,
                                   height=HEIGHT - 60,
                                   xlabel="centroid–centroid distance (Å); labels: neighbours in the shell (Σ so far)")


# ---------------------------------------------------------------------------------------------------- BFDH
def _hkl(f) -> str:
    return "{" + " ".join(str(v) for v in f.hkl) + "}"


def bfdh_forms_figure(morphology: Morphology, *, n: int = 8, label: str | None = None) -> hv.Bars:
    """Share of the BFDH surface (%) of the ``n`` most important forms on the habit, with d_eff in the hover."""
    forms = morphology.leading_forms(n)
    data = [(_hkl(f), 100.0 * f.area_fraction, f.d, f.multiplicity) for f in forms]
    bars = hv.Bars(data, hv.Dimension("form", label="form {h k l}"),
                   [hv.Dimension("area", label="surface share (%)"), hv.Dimension("d_eff", label="d_eff (Å)"),
                    "faces"])
    name = label or "crystal"
    title = _title(f"BFDH {name}: {morphology.habit}, L1/L3 = {morphology.aspect_ratio:.2f}", morphology.origin)
    return bars.opts(title=title, color="#8c8c8c", responsive=True, min_width=MIN_WIDTH, height=HEIGHT,
                     tools=["hover"], show_grid=True)


def habit_extents_figure(morphologies: Mapping[str, Morphology]) -> hv.Bars:
    """BFDH extents L1, L2, L3 of each crystal relative to its own L3 (1 = as thick as it is thin)."""
    if not morphologies:
        raise ValueError("no morphologies to draw")
    data = []
    for name, m in morphologies.items():
        l1, l2, l3 = m.extents
        for axis, value in (("L1", l1), ("L2", l2), ("L3", l3)):
            data.append((f"{name} ({m.habit})", axis, value / l3))
    bars = hv.Bars(data, ["crystal", "axis"], hv.Dimension("extent", label="extent / L3"))
    title = _title("BFDH habit: extents along the principal axes", *(m.origin for m in morphologies.values()))
    return bars.opts(title=title, responsive=True, min_width=MIN_WIDTH, height=HEIGHT, tools=["hover"],
                     show_grid=True,
                     multi_level=True, xrotation=0)


# ---------------------------------------------------------------------------------------------------- Tauc scan
def tauc_sensitivity_figure(scan: TaucSensitivity, *, reported_eV: float | None = None,
                            reported_label: str = "reported") -> hv.Overlay:
    """Band gap (eV) against the centre of the fit window, one series per exponent and window width, ± its
    uncertainty; the automatic window is a star; ``reported_eV`` (the article's value) a dashed line.
    Failed fits are left out; poorly linear fits are drawn hollow."""
    layers = []
    series: dict[tuple[str, float | None], list] = {}
    for row in scan.rows:
        if row.band_gap_eV is None or row.window_eV is None:
            continue
        key = (row.transition, row.width_eV)
        series.setdefault(key, []).append(row)
    dims = (hv.Dimension("centre", label="fit-window centre (eV)"), hv.Dimension("Eg", label="band gap Eg (eV)"))
    markers = {"direct": "circle", "indirect": "square"}
    for i, ((transition, width), rows) in enumerate(sorted(series.items(), key=lambda kv: (kv[0][0],
                                                                                            kv[0][1] or 0.0))):
        centre = [0.5 * (r.window_eV[0] + r.window_eV[1]) for r in rows]
        gap = [r.band_gap_eV for r in rows]
        err = [r.band_gap_uncertainty_eV or 0.0 for r in rows]
        color = PALETTE[i % len(PALETTE)]
        automatic = width is None
        name = f"{transition}, automatic window" if automatic else f"{transition}, width {width:g} eV"
        good = [r.linear_quality == "good" for r in rows]
        layers.append(hv.ErrorBars((centre, gap, err), dims[0], [dims[1], "err"]).opts(color=color))
        if not automatic:
            layers.append(hv.Curve((centre, gap), *dims).opts(color=color, alpha=0.5))
        if any(good):
            layers.append(hv.Scatter(([c for c, g in zip(centre, good, strict=True) if g],
                                      [e for e, g in zip(gap, good, strict=True) if g]), *dims, label=name).opts(
                color=color, marker="star" if automatic else markers.get(transition, "circle"),
                size=14 if automatic else 8))
        if not all(good):
            layers.append(hv.Scatter(([c for c, g in zip(centre, good, strict=True) if not g],
                                      [e for e, g in zip(gap, good, strict=True) if not g]), *dims,
                                     label=f"{name} (poorly linear)").opts(
                color="white", line_color=color, marker="star" if automatic else markers.get(transition, "circle"),
                size=14 if automatic else 8))
    if reported_eV is not None:
        layers.append(hv.HLine(reported_eV).opts(color="black", line_dash="dashed", line_width=1))
        layers.append(hv.Text(min((0.5 * (r.window_eV[0] + r.window_eV[1]) for r in scan.rows if r.window_eV),
                                  default=2.0), reported_eV, f" {reported_label} {reported_eV:g} eV",
                              halign="left", valign="bottom", fontsize=9))
    form = f" ({scan.form})" if scan.form else ""
    title = _title(f"Tauc band gap vs fit window{form}", scan.origin)
    return hv.Overlay(layers).opts(title=title, legend_position="right", responsive=True, min_width=MIN_WIDTH,
                                   height=HEIGHT + 40,
                                   tools=["hover"], show_grid=True)


# ---------------------------------------------------------------------------------------------------- schematics
#: sp layers A/B (dark/light sp blue), cs clusters (cs red), hinges (the article's Cu blue): as in the 3D view
SCHEMATIC_FILL = {"A": "#1f77b4", "B": "#9ecae1", "cs": "#d62728", "hinge": "#1f5bd6"}


def _circle(x: float, y: float, r: float, n: int = 48) -> np.ndarray:
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return np.column_stack([x + r * np.cos(t), y + r * np.sin(t)])


def _schematic_panel(model: SchematicSupercrystal, axes: tuple[int, int], depth: int, title: str,
                     xlabel: str, ylabel: str, view: str) -> hv.Polygons:
    r = DRAW_SCALE * model.size.diameter / 2.0 / 10.0  # nm
    # dimension names of their own, so no two views (of either form) share, and fight over, an axis range
    kx, ky = f"{model.form}_{view}_x", f"{model.form}_{view}_y"
    items = []
    for s in model.spheres:
        xyz = np.array([s["x"], s["y"], s["z"]], dtype=float) / 10.0
        fill = SCHEMATIC_FILL["cs"] if model.form == "cs" else SCHEMATIC_FILL[str(s["group"])]
        items.append((xyz[depth], {(kx, ky): _circle(xyz[axes[0]], xyz[axes[1]], r), "fill": fill,
                                   "cluster": str(s["label"])}))
    for link in model.links:
        xyz = np.array([link["x"], link["y"], link["z"]], dtype=float) / 10.0
        items.append((xyz[depth] + 1e-3, {(kx, ky): _circle(xyz[axes[0]], xyz[axes[1]], 0.12 * model.size.diameter
                                                              / 10.0, 24),
                                          "fill": SCHEMATIC_FILL["hinge"], "cluster": str(link["label"])}))
    items.sort(key=lambda item: item[0])  # back to front: nearer spheres are drawn over farther ones
    polygons = hv.Polygons([item for _, item in items], kdims=[hv.Dimension(kx, label=xlabel),
                                                               hv.Dimension(ky, label=ylabel)],
                           vdims=["fill", "cluster"]).opts(color="fill", line_color="#333333", line_width=0.6,
                                                           tools=["hover"])
    # equal scales on both axes from explicit limits (no aspect constraint for the page layout to fight over)
    pts = np.concatenate([item[(kx, ky)] for _, item in items])
    lo, hi = pts.min(axis=0) - 0.15, pts.max(axis=0) + 0.15
    frame = np.array([250.0, 280.0])  # px
    scale = float(max((hi - lo) / frame))  # nm per pixel
    centre, half = (lo + hi) / 2.0, scale * frame / 2.0
    return polygons.opts(title=title, frame_width=int(frame[0]), frame_height=int(frame[1]),
                         xlim=(centre[0] - half[0], centre[0] + half[0]),
                         ylim=(centre[1] - half[1], centre[1] + half[1]),
                         show_grid=False, fontsize={"title": 9})


def schematic_supercrystal_views(model: SchematicSupercrystal) -> tuple[hv.Polygons, hv.Polygons]:
    """Side view (stacking/chain axis up) and the view down that axis of a schematic supercrystal; sizes in nm.

    The spheres are drawn at the same reduced size as in the 3D view (contacts visible), nearer ones over farther
    ones; hover names a cluster (sp: its layer) or a hinge (cs). Titles carry ``illustrative``."""
    label = provenance_label(model.origin).replace("data: ", "")
    axis = "stacking" if model.form == "sp" else "chain"
    what = "layers A dark, B light" if model.form == "sp" else "hinges blue"
    side = _schematic_panel(model, (0, 2), 1, f"({model.form}) side view, {what} — {label}", "x (nm)",
                            f"{axis} axis (nm)", "side")
    top = _schematic_panel(model, (0, 1), 2, f"({model.form}) down the {axis} axis — {label}", "x (nm)", "y (nm)",
                           "top")
    return side, top


def schematic_supercrystal_figure(model: SchematicSupercrystal) -> hv.Layout:
    """:func:`schematic_supercrystal_views` side by side (for notebooks; a page that may start hidden should lay
    the two views out itself)."""
    side, top = schematic_supercrystal_views(model)
    return (side + top).opts(shared_axes=False)


def schematic_supercrystal_svg(model: SchematicSupercrystal, *, size: int = 280) -> str:
    """The side view and the view down the stacking/chain axis as one inline SVG picture (no JavaScript): for a
    static page. Same drawing as :func:`schematic_supercrystal_views` (spheres at the drawn size, nearer over
    farther, hinges blue), titled with the ``illustrative`` provenance; scale bar 1 nm."""
    import html as _html

    axis = "stacking" if model.form == "sp" else "chain"
    label = provenance_label(model.origin).replace("data: ", "")
    r = DRAW_SCALE * model.size.diameter / 2.0 / 10.0
    panels = []
    for (ix, iy), depth, title in (((0, 2), 1, f"side view ({axis} axis up)"), ((0, 1), 2, f"down the {axis} axis")):
        items = []
        for s in model.spheres:
            xyz = np.array([s["x"], s["y"], s["z"]], dtype=float) / 10.0
            fill = SCHEMATIC_FILL["cs"] if model.form == "cs" else SCHEMATIC_FILL[str(s["group"])]
            items.append((xyz[depth], xyz[ix], xyz[iy], r, fill, str(s["label"])))
        for link in model.links:
            xyz = np.array([link["x"], link["y"], link["z"]], dtype=float) / 10.0
            items.append((xyz[depth] + 1e-3, xyz[ix], xyz[iy], 0.12 * model.size.diameter / 10.0,
                          SCHEMATIC_FILL["hinge"], str(link["label"])))
        items.sort(key=lambda item: item[0])
        xs = np.array([i[1] for i in items])
        ys = np.array([i[2] for i in items])
        lo = np.array([xs.min() - r, ys.min() - r]) - 0.1
        hi = np.array([xs.max() + r, ys.max() + r]) + 0.1
        scale = (size - 20) / float(max(hi - lo))  # px per nm, equal on both axes
        body = []
        for _, x, y, rad, fill, name in items:
            cx = 10 + (x - lo[0]) * scale
            cy = 10 + (hi[1] - y) * scale
            body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{rad * scale:.1f}" fill="{fill}" stroke="#333" '
                        f'stroke-width="0.6"><title>{_html.escape(name)}</title></circle>')
        bar = (f'<line x1="10" y1="{size - 4}" x2="{10 + scale:.1f}" y2="{size - 4}" stroke="#333" stroke-width="2"/>'
               f'<text x="{14 + scale:.1f}" y="{size - 1}" font-size="10">1 nm</text>')
        panels.append((title, "".join(body) + bar))
    width = 2 * size + 20
    # scales down with a narrow column (width 100 %, at most its natural size), keeping its proportions
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width:{width}px;height:auto" '
           f'viewBox="0 0 {width} {size + 24}" role="img" data-schematic-svg="{model.form}" '
           f'aria-label="schematic ({model.form}) supercrystal, {label}">']
    for k, (title, body) in enumerate(panels):
        x0 = k * (size + 20)
        out.append(f'<g transform="translate({x0},0)"><text x="10" y="14" font-size="12" font-weight="600">'
                   f"({model.form}) {_html.escape(title)} — {_html.escape(label)}</text>"
                   f'<g transform="translate(0,20)">{body}</g></g>')
    out.append("</svg>")
    return "".join(out)


def core_schematic_figure(core: CoreSchematic) -> hv.Overlay:
    """The building units of one cluster as a labelled graph (layout units, no scale): unit boxes, nodes coloured
    by kind (hover: what the text says), edges as the text names them (dotted: phenolate to 'a further Ti')."""
    nodes = {n.id: n for n in core.nodes}
    layers: list = []
    boxes = [{("x", "y"): np.array([[u.box[0], u.box[1]], [u.box[2], u.box[1]], [u.box[2], u.box[3]],
                                    [u.box[0], u.box[3]]]), "unit": u.name} for u in core.units]
    layers.append(hv.Polygons(boxes, vdims=["unit"]).opts(fill_alpha=0.06, color="#444444", line_color="#888888",
                                                            line_dash="dashed"))
    layers += [hv.Text(u.box[0] + 0.05, u.box[3] + 0.12, u.name, halign="left", fontsize=8)
               for u in core.units if u.name != "{Ti8}"]
    ti8 = next((u for u in core.units if u.name == "{Ti8}"), None)
    if ti8 is not None:
        layers.append(hv.Text(ti8.box[2] + 0.05, ti8.box[1] + 0.1, "{Ti8} double layer", halign="left",
                              valign="bottom", fontsize=8))
    for kind, dash in (("solid", "solid"), ("phenolate", "dotted")):
        segs = [(nodes[e.a].x, nodes[e.a].y, nodes[e.b].x, nodes[e.b].y) for e in core.edges
                if (e.kind == "phenolate") == (kind == "phenolate")]
        if segs:
            layers.append(hv.Segments(segs, ["x0", "y0", "x1", "y1"]).opts(color="#555555", line_width=1.2,
                                                                          line_dash=dash))
    for kind, (legend, color) in CORE_KINDS.items():
        pts = [(n.x, n.y, n.label, n.note or legend) for n in core.nodes if n.kind == kind]
        if not pts:
            continue
        size = 16 if kind in ("Ti", "Cu") else 11
        layers.append(hv.Points(pts, ["x", "y"], ["name", "what"], label=legend).opts(
            color=color, size=size, line_color="#222222", tools=["hover"]))
    layers.append(hv.Labels([(n.x, n.y - 0.32, n.label) for n in core.nodes if n.kind in ("Ti", "Cu")],
                            ["x", "y"], "text").opts(text_font_size="8pt", text_color="#222222"))
    layers.append(hv.Labels([(n.x, n.y + 0.3, n.label) for n in core.nodes if n.kind == "hinge"
                             or n.kind == "OMe_lost" or n.label.endswith("(not placed)")],
                            ["x", "y"], "text").opts(text_font_size="8pt", text_color="#6a3d9a"))
    o = core.bridging_oxygen()
    label = provenance_label(core.origin).replace("data: ", "")
    title = f"({core.form}) cluster from the text: {o['mu3_O']} μ3-O + {o['mu2_O']} μ2-O ({core.reading}) — {label}"
    xs = [n.x for n in core.nodes]
    return hv.Overlay(layers).opts(title=title, responsive=True, min_width=MIN_WIDTH, height=HEIGHT + 280,
                                   xaxis=None, yaxis=None, legend_position="bottom", legend_cols=2, show_grid=False,
                                   xlim=(min(xs) - 1.6, max(xs) + 1.6), ylim=(-3.8, 3.6), fontsize={"title": 9})


def structure_projection_figure(structure: CrystalStructure, *, label: str | None = None,
                                origin: Origin | None = None) -> hv.Overlay:
    """The cell's atoms (every molecule kept whole, a chain as one repeat unit) projected down c: bonds grey,
    atoms in the article's element colours, the cell outline; hover names the atom. Distances in Å."""
    from ti10cu2_lib.present.viewer3d import ARTICLE_COLORS, crystal_atoms

    atoms, bonds = crystal_atoms(structure)
    xy = np.array([(a.x, a.y) for a in atoms]).reshape(-1, 2)
    depth = np.array([a.z for a in atoms])
    layers: list = []
    a_vec, b_vec = structure.orth[:2, 0], structure.orth[:2, 1]
    corners = np.array([[0, 0], a_vec, a_vec + b_vec, b_vec, [0, 0]])
    layers.append(hv.Curve(corners, "x (Å)", "y (Å)").opts(color="#999999", line_dash="dashed", line_width=1))
    if len(bonds):
        segs = [(xy[i, 0], xy[i, 1], xy[j, 0], xy[j, 1]) for i, j in bonds]
        layers.append(hv.Segments(segs, ["x0", "y0", "x1", "y1"]).opts(color="#9a9a9a", line_width=1.2))
    order = np.argsort(depth)
    elements = sorted({a.element for a in atoms}, key=lambda e: (e == "H", e))
    for el in elements:
        idx = [k for k in order if atoms[k].element == el]
        pts = [(xy[k, 0], xy[k, 1], atoms[k].label) for k in idx]
        size = 4 if el == "H" else 9 if el in ("C", "N", "O") else 13
        layers.append(hv.Points(pts, ["x (Å)", "y (Å)"], ["atom"], label=el).opts(
            color=ARTICLE_COLORS.get(el, "#b15928"), size=size, line_color="#555555", tools=["hover"]))
    name = label or structure.name
    what = origin if origin is not None else structure.origin
    title = _title(f"{name}: the cell's contents down c ({len(atoms)} atoms)", what)
    return hv.Overlay(layers).opts(title=title, data_aspect=1, width=WIDTH - 60, height=HEIGHT + 80,
                                   legend_position="right", show_grid=False)
