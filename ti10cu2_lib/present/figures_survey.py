"""The survey's descriptor landscape: packing coefficient against the number of centroids in the first neighbour
shell, one colour per dimensionality of the bond network, the forms shown placed on it as stars.

Example:
    >>> import pandas as pd
    >>> rows = landscape_rows(pd.DataFrame({"dimensionality": [0, None], "metal_elements": [["Ti"], []],
    ...                                     "status": ["ok", "error"], "centroid_cn": [12, None],
    ...                                     "packing_coefficient": [0.68, None]}))
    >>> list(rows["dimensionality_label"]), len(plotted(rows))
    (['0D', 'undetermined'], 1)
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import pandas as pd

from ti10cu2_lib.present.figures import FORM_COLORS, HEIGHT, MIN_WIDTH

ALL_METALS = "all metals"
#: most points drawn (a deterministic sample beyond): Bokeh stays responsive
MAX_POINTS = 20_000
DIMENSIONALITY_COLORS = {"0D": "#2ca02c", "1D": "#ff7f0e", "2D": "#9467bd", "3D": "#8c564b",
                         "undetermined": "#7f7f7f"}
HOVER = ["file", "formula", "space_group", "metals", "dimensionality_label", "nearest_centroid_A"]


def landscape_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The survey rows with the columns the landscape shows: ``dimensionality_label`` ("0D" … "3D", "undetermined")
    and ``metals`` (space-separated element symbols)."""
    return frame.assign(
        dimensionality_label=["undetermined" if pd.isna(d) else f"{int(d)}D" for d in frame["dimensionality"]],
        metals=[" ".join(m) for m in frame["metal_elements"]])


def plotted(frame: pd.DataFrame, metal: str = ALL_METALS) -> pd.DataFrame:
    """The rows on the landscape: analysed, with a centroid coordination number, having ``metal`` (if not all)."""
    ok = frame[(frame["status"] == "ok") & frame["centroid_cn"].notna() & frame["packing_coefficient"].notna()]
    if metal != ALL_METALS:
        ok = ok[[metal in m for m in ok["metal_elements"]]]
    return ok if len(ok) <= MAX_POINTS else ok.sample(MAX_POINTS, random_state=0).sort_index()


def landscape_figure(rows: pd.DataFrame, placed: list[dict[str, Any]], title: str) -> hv.Overlay:
    """Packing coefficient vs centroid coordination number, one colour per dimensionality; stars for ``placed``
    (dicts with ``form``, ``packing_coefficient``, ``centroid_cn``, ``label`` and optionally a short ``legend``)."""
    kdims = [hv.Dimension("packing_coefficient", label="packing coefficient (vdW, Monte-Carlo)"),
             hv.Dimension("centroid_cn", label="centroids in the first neighbour shell")]
    layers = []
    for label, color in DIMENSIONALITY_COLORS.items():
        part = rows[rows["dimensionality_label"] == label]
        if len(part):
            layers.append(hv.Points(part[[d.name for d in kdims] + HOVER], kdims, HOVER, label=label).opts(
                color=color, size=7, alpha=0.7, tools=["hover"]))
    for p in placed:
        layers.append(hv.Points([(p["packing_coefficient"], p["centroid_cn"])], kdims,
                                label=p.get("legend", p["label"])).opts(
            marker="star", size=20, color=FORM_COLORS[p["form"]], line_color="black", tools=["hover"]))
    if not layers:
        layers.append(hv.Points([], kdims))
    return hv.Overlay(layers).opts(title=title, responsive=True, min_width=MIN_WIDTH, height=HEIGHT + 80,
                                   show_grid=True, legend_position="right")
