"""Survey tab: the supercrystal descriptor landscape of many crystal structures, with sp and cs placed on it.

Each point is one data block of a surveyed CIF (``ti10cu2 survey``): packing coefficient against the number of
centroids in the first neighbour shell, coloured by the dimensionality of the bond network; hover shows the file,
formula and space group; a metal filter narrows it. The table shown is the embedded one (computed from public COD
structures) unless the server was started with ``ti10cu2 serve --survey FILE`` (``$TI10CU2_SURVEY``). The structure
shown for each form (deposited or uploaded CIF, else the public demo stand-in, marked as such) is measured by the
same code and drawn as a star; the schematic descriptors from the article's words are listed beside, marked
illustrative.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pandas as pd
import panel as pn
import pyarrow.parquet as pq

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.rounding import format_with_uncertainty
from ti10cu2_lib.present.badges import badge
from ti10cu2_lib.present.figures_survey import ALL_METALS, landscape_figure, landscape_rows, plotted
from ti10cu2_lib.structure.packing import supercrystal_descriptors
from ti10cu2_lib.structure.schematic import schematic_supercrystal
from ti10cu2_lib.survey.embedded import EMBEDDED_PATH, survey_table_path
from ti10cu2_lib.survey.run import read_survey

from ..components import Context, download, esc, figure, html_pane, note, table
from ..state import FORM_LABELS, FORMS, DashboardState

TITLE = "Survey"


@functools.lru_cache(maxsize=4)
def _survey(path: str, mtime: float) -> tuple[pd.DataFrame, dict[str, str]]:
    frame = landscape_rows(read_survey(path))
    meta_file = path if Path(path).is_file() else next(iter(sorted(Path(path).glob("part-*.parquet"))))
    meta = {k.decode(): v.decode() for k, v in (pq.read_schema(meta_file).metadata or {}).items()}
    return frame, meta


def survey_table(path: Path | None = None) -> tuple[pd.DataFrame, dict[str, str], Path]:
    """The survey rows (shared, read-only: do not modify), the Parquet metadata and the path they came from."""
    path = path or survey_table_path()
    frame, meta = _survey(str(path), path.stat().st_mtime)
    return frame, meta, path


def table_origin(path: Path, meta: dict[str, str]) -> Origin:
    """``computed`` from the surveyed CIFs; the source says which table and how many sources."""
    n = len(json.loads(meta.get("sources", "[]")))
    which = (f"embedded survey of {n} public COD structures (list with COD ids in the table's metadata)"
             if path == EMBEDDED_PATH else f"survey table {path.name}")
    return Origin(Provenance.COMPUTED, f"{which}, by ti10cu2 survey (same code as the Structure tab)")


def placed_structures(state: DashboardState) -> list[dict[str, Any]]:
    """sp and cs as measured from the structure shown for each (deposited, uploaded or the demo stand-in)."""
    out = []
    for form in FORMS:
        bundle = state.structures.get(form)
        if bundle is None or bundle.anatomy is None or bundle.structure is None:
            continue
        anat = bundle.anatomy
        found = supercrystal_descriptors(bundle.structure, anat.topology, anat.packing)
        if found.coordination_number is None:
            continue
        what = "demo stand-in, NOT the article's structure" if bundle.is_demo else bundle.role
        out.append({"form": form, "label": f"{FORM_LABELS[form]} shown: {bundle.filename} ({what})",
                    "legend": f"{FORM_LABELS[form]} ({'demo stand-in' if bundle.is_demo else bundle.role})",
                    "packing_coefficient": anat.packing.packing_coefficient,
                    "packing_coefficient_se": anat.packing.packing_coefficient_se,
                    "centroid_cn": found.coordination_number,
                    "origin": found.origin, "is_demo": bundle.is_demo})
    return out


def schematic_rows() -> list[dict[str, Any]]:
    """The schematic supercrystals' descriptors (illustrative): dimensionality and centroid coordination number."""
    rows = []
    for form in FORMS:
        d = schematic_supercrystal(form).descriptors
        rows.append({"form": FORM_LABELS[form],
                     "dimensionality": "—" if d.dimensionality is None else f"{d.dimensionality}D",
                     "centroids in the first shell": d.coordination_number, "provenance": d.origin})
    return rows


def _placed_table(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    placed = placed_structures(state)
    if not placed:
        return note("No structure shown for sp or cs (Structure tab), so neither is placed.")
    rows = [{"structure": x["label"], "centroids in the first shell": x["centroid_cn"],
             "packing coefficient": format_with_uncertainty(x["packing_coefficient"], x["packing_coefficient_se"]),
             "provenance": x["origin"]} for x in placed]
    return table(ctx, rows, "survey_placed.csv", title="sp and cs on the landscape (the structures shown)")


def _figure_section(state: DashboardState, frame: pd.DataFrame, origin: Origin, metal: str) -> pn.viewable.Viewable:
    rows = plotted(frame, metal)
    title = f"Supercrystal landscape: {len(rows)} structures ({metal}) — {origin.label()}"
    return figure(landscape_figure(rows, placed_structures(state), title), state)


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    try:
        frame, meta, path = survey_table()
    except (OSError, ValueError) as exc:
        return note(f"No survey table to show ({esc(exc)}). Make one with `ti10cu2 survey FOLDER --out FILE` and "
                    "serve it with `ti10cu2 serve --survey FILE`.", kind="problem")
    origin = table_origin(path, meta)
    ok = frame[frame["status"] == "ok"]
    n_points = len(plotted(frame))
    metals = sorted({m for ms in ok["metal_elements"] for m in ms})
    intro = html_pane(
        f"<p data-survey-rows='{len(frame)}' data-survey-points='{n_points}'>How do crystals of clusters pack? "
        f"Each point is one crystal structure: {len(ok)} of {len(frame)} data blocks analysed ({n_points} with "
        f"discrete or chain units on the plot; {len(frame) - len(ok)} could not be read) {badge(origin)}. "
        "The article calls sp's packing hard-sphere-like (hexagonal ABAB close packing, 12 neighbours) and cs's "
        "1D chains stacked in parallel (main text; Fig. S4): a crystal of separate clusters sits at 12 in a close "
        "packing, fewer for other packings. Stars: the structure shown for each form, measured by the same code"
        "; until the authors' CIFs are imported or uploaded (Structure tab) these are the demo stand-ins, NOT the "
        "article's structures.</p>")
    parts: list[Any] = [intro]
    if ctx.static:
        parts.append(_figure_section(state, frame, origin, ALL_METALS))
    else:
        chooser = pn.widgets.Select(name="metal", options=[ALL_METALS, *metals], value=ALL_METALS, width=200)
        # redrawn when the metal or the structures shown (an upload, an import) change
        parts += [chooser, pn.bind(lambda metal, _: _figure_section(state, frame, origin, metal), chooser,
                                   state.param.structures),
                  pn.bind(lambda _: _placed_table(state, ctx), state.param.structures)]
    if ctx.static:
        parts.append(_placed_table(state, ctx))
    parts.append(table(ctx, schematic_rows(), "survey_schematic.csv",
                       title="Schematic supercrystals from the article's words (illustrative, not plotted: their "
                             "space filling is of spheres, not van der Waals atoms)"))
    columns = ["file", "block", "formula", "space_group", "dimensionality_label", "centroid_cn",
               "packing_coefficient", "stacking", "chain_axis", "metals", "habit", "status", "error"]
    parts.append(download(ctx, "survey.csv", lambda: frame[columns].to_csv(index=False),
                          f"survey table ({len(frame)} rows, CSV)"))
    sources = json.loads(meta.get("sources", "[]"))
    if sources:
        parts.append(html_pane("<details><summary><small>sources of the table (COD ids)</small></summary><small>"
                               + esc(", ".join(s["cod_id"] for s in sources)) + f"<br>{esc(meta.get('licence', ''))}"
                               "</small></details>"))
    which = "the embedded survey of public COD structures" if path == EMBEDDED_PATH else esc(path.name)
    parts.append(html_pane(f"<p><small>Table: {which}. Columns and units: see <code>ti10cu2 survey "
                           "--help</code>; packing coefficient by Monte-Carlo (standard error ≤ 0.004).</small></p>"))
    return pn.Column(*parts, sizing_mode="stretch_width")
