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
# # 9 · Reproduce everything: every reported number and claim against our computation
#
# `check_claims()` runs every analysis of both forms on the datasets in use and compares each number of the
# article's registry — and each worded claim — with what the library computes, with an honest status:
#
# - **reproduced / not reproduced** — only from *your* data or the *deposited* CIFs;
# - **consistent by construction** — from reconstructed data that our forward model made from that very number:
#   it shows the method works, it is **not** evidence;
# - **consistent (arithmetic) / inconsistent** — follows (or fails to follow) from the article's other numbers;
# - **ambiguous in the article**, **needs deposited CIF**, **not checkable**, **recorded** (text only).
#
# The same table comes from the shell: `.venv/bin/ti10cu2 claims` (add `--json` for machines).

# %%
import panel as pn
from IPython.display import display

from ti10cu2_lib.data import datasets
from ti10cu2_lib.present import badges as p
from ti10cu2_lib.report.claims import check_claims

pn.extension("tabulator", inline=True)

# %% [markdown]
# ## Which data are in use?
#
# For each form and measurement: your file (`user`) beats the authors' deposited file (`deposited`), which beats the
# embedded reconstruction (`reconstructed`). Register your own with `ti10cu2 data add FORM KIND FILE` and re-run.

# %%
datasets.status_table()[["form", "kind", "provenance", "why"]]

# %% [markdown]
# ## The check

# %%
checks = check_claims()
table = p.claims_table(checks)
summary = p.claims_summary(checks)
display(p.Md(f"**{len(checks)} checks** {p.badge('computed')}"), summary)

# %% [markdown]
# ### The full table, filterable
#
# Type in the header filters (e.g. `inconsistent` in *status*, `cs` in *form*, `flat` in *id*); click a column to
# sort. Long notes are truncated in the cells — hover or widen the column.

# %%
pn.widgets.Tabulator(table, header_filters=True, pagination="local", page_size=20, show_index=False, disabled=True,
                     layout="fit_data_table", widths={"note": 400, "method": 300, "quantity": 260}, height=620,
                     sizing_mode="stretch_width")

# %% [markdown]
# ### Filter by status

# %%
status_w = pn.widgets.MultiChoice(name="status", options=sorted(table["status"].unique()),
                                  value=["inconsistent", "ambiguous in the article"])


def by_status(statuses):
    shown = table[table["status"].isin(statuses)] if statuses else table
    return pn.pane.DataFrame(shown[["id", "form", "quantity", "reported", "computed", "status", "note"]],
                             index=False, sizing_mode="stretch_width", max_rows=200)


pn.Column(status_w, pn.bind(by_status, status_w))

# %% [markdown]
# ### The points a reader should not miss
#
# The rows where the article's own statements do not fit together — printed here in full, with colours, so they
# survive a static export of this notebook:

# %%
flagged = table[table["status"].isin(["inconsistent", "ambiguous in the article"])]
p.style_provenance(flagged[["id", "form", "quantity", "reported", "computed", "status", "note"]])

# %% [markdown]
# ## Try it
#
# - **Make a claim reproducible.** Register a measured file, e.g. `ti10cu2 data add cs drs my_drs.csv`, or import the
#   deposited CIFs (`ti10cu2 import-cif FILE`), then re-run this notebook. *Expected:* the matching rows change from
#   `consistent by construction` (or `needs deposited CIF`) to `reproduced` or `not reproduced`, and their
#   *data provenance* column says `user` or `deposited`.
# - **Remove it again** with `ti10cu2 data remove cs drs` (or delete `data/user/`). *Expected:* back to the
#   reconstructed defaults.
