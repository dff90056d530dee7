"""Shared figures (HoloViews, Bokeh backend) used by both the notebooks and the dashboard.

Each function takes a dataset and/or a result and returns a HoloViews object; nothing is computed here beyond
drawing what the result says (fit lines are evaluated from the result's own parameters). Every title carries the
data provenance, so a figure never loses where its numbers come from.
"""

from __future__ import annotations

from collections.abc import Sequence

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (loads the Bokeh backend without notebook output)
import numpy as np

from ti10cu2_lib.analysis.band_edges import REDOX_COUPLES, BandEdges
from ti10cu2_lib.analysis.conductivity import ConductivityResult
from ti10cu2_lib.analysis.ir import IRResult
from ti10cu2_lib.analysis.mott_schottky import MottSchottkyResult, inverse_square_capacitance
from ti10cu2_lib.analysis.photocatalysis import CO2ReductionResult
from ti10cu2_lib.analysis.photocurrent import PhotocurrentResult
from ti10cu2_lib.analysis.tauc import TaucResult, absorption_spectrum, tauc_ordinate
from ti10cu2_lib.analysis.tga import TGAResult
from ti10cu2_lib.analysis.uvvis import UVVisResult
from ti10cu2_lib.core.provenance import Origin
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM

FORM_COLORS = {"sp": "#1f77b4", "cs": "#d62728"}  # one colour per form, everywhere
HEIGHT = 340  # px; the width follows the page (responsive), at least MIN_WIDTH
WIDTH = 520  # px: the width of fixed-size figures (the structure figures)
MIN_WIDTH = 320
_COMMON = {"responsive": True, "min_width": MIN_WIDTH, "height": HEIGHT, "tools": ["hover"], "show_grid": True}


def provenance_label(origin: Origin) -> str:
    """Short text for a title: ``data: reconstructed`` / ``data: user`` …"""
    return "data: " + "+".join(origin.root_provenances())


def _title(what: str, form: str | None, origin: Origin) -> str:
    """Two lines, so that a title is never cut off at half the page's width: what (form), then its data."""
    return f"{what}{f' ({form})' if form else ''}\n{provenance_label(origin)}"


def _color(form: str | None) -> str:
    return FORM_COLORS.get(form or "", "#444444")


def uvvis_figure(dataset: Dataset, result: UVVisResult | None = None) -> hv.Overlay:
    """Absorbance vs wavelength (nm) with the band maxima marked."""
    frame = dataset.frame
    curve = hv.Curve((frame["wavelength_nm"], frame["absorbance"]), "wavelength (nm)", "absorbance").opts(
        color=_color(dataset.form))
    layers = [curve]
    if result is not None:
        layers += [hv.VLine(p).opts(color="grey", line_dash="dashed") for p in result.peaks_nm]
        layers += [hv.Text(p, float(frame["absorbance"].max()) * 1.02, f"{p:.0f} nm", fontsize=9)
                   for p in result.peaks_nm]
    return hv.Overlay(layers).opts(title=_title("UV-vis in CHCl3", dataset.form, dataset.origin), **_COMMON)


def tauc_figure(dataset: Dataset, result: TaucResult) -> hv.Overlay:
    """Tauc plot of a DRS dataset with the shaded fit window, the edge line extrapolated to Eg and Eg marked."""
    energy, absorption, _ = absorption_spectrum(dataset)
    tauc_y = tauc_ordinate(energy, absorption, result.transition)
    lo, hi = result.fit_window_eV
    eg = result.band_gap_eV
    ylabel = "(F(R)·hν)^(1/n)" if result.absorption == "kubelka_munk" else "(A·hν)^(1/n)"
    dims = ("photon energy (eV)", ylabel)
    curve = hv.Curve((energy, tauc_y), *dims).opts(color=_color(dataset.form))
    x_line = np.linspace(eg - 0.1, hi + 0.1, 50)
    layers = [curve, hv.VSpan(lo, hi).opts(color="orange", alpha=0.2),
              hv.Curve((x_line, result.edge_slope_per_eV * x_line + result.edge_intercept), *dims).opts(
                  color="black", line_dash="dashed"),
              hv.VLine(eg).opts(color="black", line_width=1)]
    if result.baseline_slope_per_eV is not None:
        layers.append(hv.Curve((x_line, result.baseline_slope_per_eV * x_line + result.baseline_intercept),
                               *dims).opts(
            color="grey", line_dash="dotted"))
    top = float(np.nanmax(tauc_y))
    layers.append(hv.Text(eg, top * 0.9, f" Eg = {eg:.3f} ± {result.band_gap_uncertainty_eV:.3f} eV",
                          halign="left", fontsize=10))
    title = _title(f"Tauc ({result.transition})", dataset.form, result.origin)
    return hv.Overlay(layers).opts(title=title, ylim=(0, top * 1.05), xlim=(max(1.5, eg - 0.8), eg + 1.5), **_COMMON)


def mott_schottky_figure(dataset: Dataset, result: MottSchottkyResult, *, by_form: bool = False) -> hv.Overlay:
    """1/C² vs potential per frequency (vs the measurement reference) with each fitted line.

    Frequencies get their own colours; with ``by_form`` they share the form's colour and differ by marker (for
    drawing both forms on one pair of axes)."""
    frame = dataset.frame
    layers = []
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]
    markers = ["circle", "square", "triangle", "diamond", "inverted_triangle"]
    dims = (f"E (V vs {result.reference_electrode})", "1/C² (F⁻²)")
    for i, fit in enumerate(result.frequencies):
        part = frame[frame["frequency_Hz"] == fit.frequency_Hz]
        y = inverse_square_capacitance(part["capacitance_F"].to_numpy())
        color = _color(dataset.form) if by_form else palette[i % len(palette)]
        label = f"{dataset.form} {fit.frequency_Hz:g} Hz" if by_form else f"{fit.frequency_Hz:g} Hz"
        layers.append(hv.Scatter((part["potential_V"], y), *dims, label=label).opts(
            color=color, size=4 if by_form else 3, marker=markers[i % len(markers)] if by_form else "circle"))
        x = np.linspace(fit.intercept_V, fit.fit_window_V[1], 20)
        layers.append(hv.Curve((x, fit.slope * (x - fit.intercept_V)), *dims).opts(
            color=color if by_form else "black", line_dash="dashed", line_width=1))
    title = _title(f"Mott–Schottky, E_fb {result.flat_band_V_vs_NHE:+.3f} V vs NHE", dataset.form, result.origin)
    return hv.Overlay(layers).opts(title=title, legend_position="top_left", **_COMMON)


#: the couple the article's argument turns on (CO only on cs): drawn bold
DECISIVE_PRODUCT = "CO"


def spread_labels(positions: Sequence[float], min_gap: float) -> list[float]:
    """Label heights near ``positions`` (same order) with at least ``min_gap`` between neighbours, moved as little
    as possible (sorted, pushed apart, then centred on the originals).

    >>> spread_labels([-0.53, -0.48, -0.41, -0.38], 0.1)
    [-0.6, -0.5, -0.4, -0.3]
    """
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed: list[float] = []
    for i in order:
        placed.append(positions[i] if not placed else max(positions[i], placed[-1] + min_gap))
    shift = (sum(positions[i] for i in order) - sum(placed)) / len(placed) if placed else 0.0
    out = [0.0] * len(positions)
    for rank, i in enumerate(order):
        out[i] = round(placed[rank] + shift, 6)
    return out


def _couple(product: str) -> str:
    return "H⁺/H2" if product == "H2" else f"CO2/{product}"


def band_diagram_figure(bands: Sequence[BandEdges], products: Sequence[str] = ("CO", "HCOOH", "HCHO", "CH3OH",
                                                                                  "CH4", "H2")) -> hv.Overlay:
    """CB/VB of each form (V vs NHE, more negative = up) beside the CO2-reduction potentials at the bands' pH.

    Each form's bars are labelled in its colour (the legend); the couples' labels are spread so that potentials
    within 0.2 V stay legible, joined to their lines by short leaders; CO2/CO, the couple the article's argument
    turns on, is drawn bold. Few glyphs on purpose (Segments and Labels) so that it redraws quickly.
    """
    dims = ["x", "potential (V vs NHE)", "x1", "y1"]
    label_dims = ["x", "potential (V vs NHE)"]
    edges, edge_labels, form_labels = [], [], []
    for i, b in enumerate(bands):
        x0, x1 = i * 1.5, i * 1.5 + 1.0
        for level, name in ((b.conduction_band_V_vs_NHE, "CB"), (b.valence_band_V_vs_NHE, "VB")):
            edges.append((x0, level, x1, level, _color(b.form)))
            edge_labels.append(((x0 + x1) / 2, level, f"{name} {level:+.2f} V"))
        form_labels.append(((x0 + x1) / 2, (b.conduction_band_V_vs_NHE + b.valence_band_V_vs_NHE) / 2,
                            f"({'Ti10Cu2'}){b.form}\nEg {b.band_gap_eV:.2f} eV", _color(b.form)))
    x_lines = len(bands) * 1.5 - 0.2
    x_label = x_lines + 0.45
    ph = bands[0].pH if bands else 7.0
    shown = sorted((c for c in REDOX_COUPLES if c.product in products), key=lambda c: c.potential_V_vs_NHE(ph))
    levels = [c.potential_V_vs_NHE(ph) for c in shown]
    span = max([b.valence_band_V_vs_NHE for b in bands] + levels, default=1.0) - min(
        [b.conduction_band_V_vs_NHE for b in bands] + levels, default=-1.0)
    heights = spread_labels(levels, min_gap=0.045 * span)
    decisive = [i for i, c in enumerate(shown) if c.product == DECISIVE_PRODUCT]
    couples = [(-0.2, y, x_lines, y) for i, y in enumerate(levels) if i not in decisive]
    leaders = [(x_lines, y, x_label - 0.05, h) for y, h in zip(levels, heights, strict=True)]
    couple_labels = [(x_label, h, f"{_couple(c.product)} {y:+.2f}")
                     for c, y, h in zip(shown, levels, heights, strict=True) if c.product != DECISIVE_PRODUCT]
    layers = [
        hv.Segments(couples, dims).opts(color="grey", line_dash="dotted", line_width=1),
        hv.Segments(leaders, dims).opts(color="lightgrey", line_width=1),
        hv.Segments(edges, dims, "color").opts(color="color", line_width=5),
        hv.Labels(edge_labels, label_dims, "text").opts(text_font_size="9pt", text_baseline="bottom",
                                                        text_color="black"),
        hv.Labels(form_labels, label_dims, ["text", "color"]).opts(text_font_size="11pt", text_color="color",
                                                                    text_font_style="bold"),
        hv.Labels(couple_labels, label_dims, "text").opts(text_font_size="8pt", text_align="left",
                                                          text_color="dimgrey"),
    ]
    for i in decisive:  # CO2/CO: solid, bold, its own label
        y, h = levels[i], heights[i]
        layers += [hv.Segments([(-0.2, y, x_lines, y)], dims).opts(color="#b35806", line_width=2.5),
                   hv.Labels([(x_label, h, f"CO2/CO {y:+.2f} (decisive)")], label_dims, "text").opts(
                       text_font_size="9pt", text_align="left", text_color="#b35806", text_font_style="bold")]
    provenance = ", ".join(f"{b.form} {'+'.join(b.origin.root_provenances())}" for b in bands)
    return hv.Overlay(layers).opts(title=f"Band edges and CO2 couples, pH {ph:g}\ndata: {provenance}",
                                   invert_yaxis=True, xaxis=None, ylabel="potential (V vs NHE)",
                                   xlim=(-0.2, x_label + 1.6), responsive=True, min_width=MIN_WIDTH,
                                   height=HEIGHT + 80)


def iv_figure(dataset: Dataset, result: ConductivityResult, blank: Dataset | None = None) -> hv.Overlay:
    """I–V (pA) with the least-squares line, and the blank trace when given."""
    frame = dataset.frame
    scale = 1e12
    dims = ("voltage (V)", "current (pA)")
    points = hv.Scatter((frame["voltage_V"], frame["current_A"] * scale), *dims,
                        label=f"crystal ({dataset.form})").opts(color=_color(dataset.form), size=4)
    v = np.linspace(frame["voltage_V"].min(), frame["voltage_V"].max(), 10)
    line = hv.Curve((v, (result.conductance_S * v + result.intercept_A) * scale), *dims, label="fit").opts(
        color="black", line_dash="dashed")
    layers = [points, line]
    if blank is not None:
        layers.append(hv.Scatter((blank.frame["voltage_V"], blank.frame["current_A"] * scale), *dims,
                                 label="blank (no crystal)").opts(color="grey", size=3))
    title = _title(f"I–V, σ = {result.conductivity_S_per_m:.2e} S/m", dataset.form, result.origin)
    return hv.Overlay(layers).opts(title=title, legend_position="top_left", **_COMMON)


def current_density_figure(dataset: Dataset, result: ConductivityResult) -> hv.Overlay:
    """Current density J = I/A (A/m²) vs field E = V/L (V/m) with the fitted line, whose slope is σ (S/m).

    Unlike the raw I–V, this puts crystals of different shapes on a common footing: the slopes *are* the
    conductivities. A and L are the crystal dimensions the result was computed with (stated in its method)."""
    frame = dataset.frame
    area_m2, length_m = result.area_mm2 * 1e-6, result.length_mm * 1e-3
    field = frame["voltage_V"].to_numpy() / length_m
    density = frame["current_A"].to_numpy() / area_m2
    dims = ("field E = V/L (V/m)", "current density J = I/A (A/m²)")
    points = hv.Scatter((field, density), *dims, label=f"{dataset.form}: σ = {result.conductivity_S_per_m:.2g} S/m"
                        ).opts(color=_color(dataset.form), size=4)
    e = np.linspace(field.min(), field.max(), 10)
    line = hv.Curve((e, result.conductivity_S_per_m * e + result.intercept_A / area_m2), *dims).opts(
        color=_color(dataset.form), line_dash="dashed")
    title = _title("J vs E: slope = σ", dataset.form, result.origin)
    return hv.Overlay([points, line]).opts(title=title, legend_position="top_left", **_COMMON)


def co2_figure(dataset: Dataset, result: CO2ReductionResult) -> hv.Overlay:
    """Yields (µmol/g) vs irradiation time (h) per product, with the fitted production rates."""
    frame = dataset.frame
    layers = []
    markers = {"CH4": "circle", "CO": "square", "H2": "triangle"}
    for product, found in result.products.items():
        column = f"{product}_umol_per_g"
        layers.append(hv.Curve((frame["time_h"], frame[column]), "irradiation time (h)", "yield (µmol/g)",
                               label=f"{dataset.form} {product}: {found.final_yield_umol_per_g:g} µmol/g").opts(
                                   color=_color(dataset.form), line_dash="solid" if product == "CH4" else "dashed"))
        layers.append(hv.Scatter((frame["time_h"], frame[column]), "irradiation time (h)", "yield (µmol/g)").opts(
            color=_color(dataset.form), marker=markers.get(product, "diamond"), size=7))
    return hv.Overlay(layers).opts(title=_title("CO2 photoreduction", dataset.form, result.origin),
                                   legend_position="top_left", **_COMMON)


def photocurrent_figure(dataset: Dataset, result: PhotocurrentResult | None = None) -> hv.Overlay:
    """Current (nA) vs time (s) with the detected light-on/off edges."""
    frame = dataset.frame
    layers = [hv.Curve((frame["time_s"], frame["current_A"] * 1e9), "time (s)", "current (nA)").opts(
        color=_color(dataset.form))]
    if result is not None:
        layers += [hv.VLine(e.time_s).opts(color="gold" if e.direction == "on" else "grey", line_dash="dotted")
                   for e in result.edges]
    origin = result.origin if result is not None else dataset.origin
    return hv.Overlay(layers).opts(title=_title("Transient photocurrent", dataset.form, origin), **_COMMON)


def ir_figure(dataset: Dataset, result: IRResult) -> hv.Overlay:
    """IR spectrum (wavenumber decreasing to the right, as usual) with the carboxylate bands νas/νs marked."""
    frame = dataset.frame
    column = "transmittance_percent" if "transmittance_percent" in frame else "absorbance"
    ylabel = "transmittance (%)" if column == "transmittance_percent" else "absorbance"
    layers = [hv.Curve((frame["wavenumber_cm1"], frame[column]), "wavenumber (cm⁻¹)", ylabel).opts(
        color=_color(dataset.form))]
    for name, nu in (("νas(COO⁻)", result.nu_as_coo_cm1), ("νs(COO⁻)", result.nu_s_coo_cm1)):
        if nu is not None:
            layers += [hv.VLine(nu).opts(color="grey", line_dash="dashed"),
                       hv.Text(nu, float(frame[column].max()), f"{name} {nu:.0f}", fontsize=9)]
    return hv.Overlay(layers).opts(title=_title("IR", dataset.form, result.origin), invert_xaxis=True, **_COMMON)


def tga_figure(dataset: Dataset, result: TGAResult) -> hv.Overlay:
    """Mass (%) vs temperature (°C) with the measured residue and each form's oxide residue (10 TiO2 + 2 CuO)."""
    frame = dataset.frame
    dims = ("temperature (°C)", "mass (%)")
    layers = [hv.Curve((frame["temperature_C"], frame["mass_percent"]), *dims, label="measured").opts(
        color=_color(dataset.form)),
        hv.HLine(result.residue_percent).opts(color="black", line_dash="dashed")]
    for c in result.comparisons:
        layers.append(hv.HLine(c.theoretical_residue_percent).opts(color=_color(c.form), line_dash="dotted"))
        layers.append(hv.Text(float(frame["temperature_C"].min()), c.theoretical_residue_percent,
                              f" {c.residue_oxides} from the {c.form} formula: {c.theoretical_residue_percent:.1f} %",
                              halign="left", valign="bottom", fontsize=8))
    return hv.Overlay(layers).opts(title=_title("TGA", dataset.form, result.origin), legend_position="top_right",
                                   **_COMMON)


def wavelength_to_energy(wavelength_nm: np.ndarray) -> np.ndarray:
    """Photon energy (eV) of a wavelength (nm): E = hc/λ."""
    return HC_EV_NM / np.asarray(wavelength_nm, dtype=float)


# ------------------------------------------------------------------------------------------ comparing the forms

_DATA_ELEMENTS = (hv.Curve, hv.Scatter)


def data_range(fig: hv.Overlay, axis: int) -> tuple[float, float] | None:
    """The x (``axis`` 0) or y (1) range a figure shows: its explicit limit, else the span of its curves and points."""
    explicit = fig.opts.get("plot").kwargs.get("xlim" if axis == 0 else "ylim")
    if explicit is not None:
        return float(explicit[0]), float(explicit[1])
    spans = []
    for element in fig:
        if isinstance(element, _DATA_ELEMENTS) and len(element):
            dim = element.kdims[0] if axis == 0 else element.vdims[0]
            lo, hi = element.range(dim)
            if np.isfinite(lo) and np.isfinite(hi):
                spans.append((float(lo), float(hi)))
    if not spans:
        return None
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    pad = 0.04 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _union(ranges: Sequence[tuple[float, float] | None]) -> tuple[float, float] | None:
    found = [r for r in ranges if r is not None]
    return (min(r[0] for r in found), max(r[1] for r in found)) if found else None


def shared_axes(figs: dict[str, hv.Overlay]) -> dict[str, hv.Overlay]:
    """The same figures, each with the x and y limits of all of them, so that side-by-side panels compare at a
    glance (a yield twice as high looks twice as high)."""
    limits = {}
    for axis, name in ((0, "xlim"), (1, "ylim")):
        span = _union([data_range(f, axis) for f in figs.values()])
        if span is not None:
            limits[name] = span
    return {form: fig.opts(clone=True, **limits) for form, fig in figs.items()}


def overlaid(figs: dict[str, hv.Overlay], title: str) -> hv.Overlay:
    """Both forms' figures drawn on one pair of axes (each layer keeps its form's colour), titled ``title`` with the
    provenance of each form's data."""
    limits = shared_axes(figs)
    first = next(iter(limits.values()))
    layers = [layer for fig in figs.values() for layer in fig]
    options = {k: v for k, v in first.opts.get("plot").kwargs.items() if k in ("xlim", "ylim", "invert_yaxis")}
    return hv.Overlay(layers).opts(title=title, legend_position="top_left", **{**_COMMON, **options})
