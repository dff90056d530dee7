# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 · Survey: where do sp and cs sit among other cluster crystals?
#
# The article's question — do clusters pack as hard spheres (sp: "hexagonal superlattice, ABAB close packing",
# main text and Fig. S4) or as chains (cs: "1D chains stacked parallel") — is a question about many structures, not
# two. The survey measures every CIF in some folders with the **same code** as notebooks 2–3 and the `structure` /
# `packing` commands: dimensionality of the bond network, the packing units' centroids and how many sit in the
# first neighbour shell (12 in a close packing of equal spheres), the packing coefficient, the close-packed
# stacking, the chain axis, the metals' coordination numbers and the BFDH habit. Every number here is **computed**
# by our code from the CIF it names; none is read off the article.
#
# It runs on Dask (`dask.distributed`): here a local cluster of two worker processes; the same command runs on a
# cluster of many machines (README, section "Survey").

# %%
import tempfile
from pathlib import Path

import pandas as pd
import panel as pn
from IPython.display import display

from ti10cu2_lib.core.paths import DATA_DIR, reference_data_dir
from ti10cu2_lib.core.rounding import format_with_uncertainty
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.present.figures_survey import landscape_figure, landscape_rows, plotted
from ti10cu2_lib.structure.schematic import schematic_supercrystal
from ti10cu2_lib.survey.embedded import EMBEDDED_PATH
from ti10cu2_lib.survey.run import read_survey, run_survey

pn.extension(inline=True)

# %% [markdown]
# ## A survey of the shipped and reference CIFs
#
# The demo structures in `data/demo/` (public COD entries, **not** the article's structures) and, when
# `../shared/reference-data` is present, the reference CIFs beside them. `run_survey` is what `ti10cu2 survey PATH
# --out DIR --workers 2` calls; each data block with atom sites gives one row, a block that cannot be analysed a row
# with `status` "error" and a one-line message.

# %%
paths = [DATA_DIR / "demo"]
if reference_data_dir() is not None:
    paths.append(reference_data_dir() / "cif")
out = Path(tempfile.mkdtemp()) / "survey.parquet"
summary = run_survey(paths, out, workers=2)
display(pd.DataFrame([summary.to_dict()]))

rows = read_survey(out)
shown = rows.assign(
    file=[Path(f).name for f in rows["file"]],
    packing_coefficient=[format_with_uncertainty(v, se) for v, se in
                         zip(rows["packing_coefficient"], rows["packing_coefficient_se"], strict=True)])
display(shown[["file", "formula", "space_group", "dimensionality", "units_per_cell", "centroid_cn",
               "nearest_centroid_A", "packing_coefficient", "stacking", "chain_axis", "metal_elements", "metal_cns",
               "habit"]])

# %% [markdown]
# ## The landscape: packing coefficient against centroid coordination number
#
# The embedded survey table (computed from public COD structures; the list of sources with COD ids is in the
# file's metadata) is the background; the stars are the two demo stand-ins measured above — **illustrative, not
# sp and cs**. A deposited CIF (`ti10cu2 import-cif`) would put the real forms on the same axes (dashboard, Survey
# tab). Hover a point for its file and formula.

# %%
background = landscape_rows(read_survey(EMBEDDED_PATH))
stand_ins = {"sp": "COD_7050234_Ti4_alkoxide.cif", "cs": "COD_1518798_Ru2Co_cyanide_chain.cif"}
placed = []
for form, name in stand_ins.items():
    row = rows[rows["file"].str.endswith(name)].iloc[0]
    placed.append({"form": form, "label": f"{form} demo stand-in {name} (illustrative, NOT the article's)",
                   "legend": f"{form} demo stand-in (illustrative)",
                   "packing_coefficient": row["packing_coefficient"], "centroid_cn": row["centroid_cn"]})
landscape_figure(plotted(background), placed, "Supercrystal landscape (computed; stars: demo stand-ins)")

# %% [markdown]
# What the article's words imply, measured on the schematic supercrystals (notebook 3; **illustrative**): the sp
# schematic has 12 centroids in the first shell, the cs schematic's chains fewer. Their space filling is of
# spheres, not van der Waals atoms, so they are not drawn on the packing-coefficient axis.

# %%
display(pd.DataFrame([{"form": form, "dimensionality": d.dimensionality, "centroids in the first shell":
                       d.coordination_number, "provenance": p.provenance_text(d.origin)}
                      for form in ("sp", "cs") for d in [schematic_supercrystal(form).descriptors]]))

# %% [markdown]
# ## Try it
#
# 1. **Filter by metal.** Run `plotted(background, "Cu")`. *Expected:* only structures with a Cu site remain; their
#    number is the count of "Cu" in `background["metal_elements"]` among the plotted rows.
# 2. **Your own folder.** `run_survey(["/path/to/cifs"], "/tmp/mine.parquet", workers=2)`, then `read_survey`.
#    *Expected:* one row per data block with atom sites; broken files give rows with `status` "error" and a one-line
#    message, never an exception; a second call with `resume=True` skips every file already done.

# %%
cu = plotted(background, "Cu")
print(f"{len(cu)} of {len(plotted(background))} plotted structures contain Cu")
