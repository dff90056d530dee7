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
# - **derived from printed values — arithmetic only** — the article does not print the value (a sum formula, a molar
#   mass): we derived it and our code derives it again, so the agreement checks our arithmetic, not the article;
# - **holds only under an assumption** — the article's numbers support the claim only if the assumption in the note
#   holds (e.g. CO only on cs: only if the conduction band sits at the flat band);
# - **ambiguous in the article**, **needs deposited CIF**, **not checkable**, **recorded** (text only).
#
# Every row also says whether the article **prints** its reported value (column *reported basis* = `printed`) or we
# **derived** it from printed values (`derived`: HOMO = LUMO + Eg, the σ ratio, sum formulas, molar masses, sp's CO
# yield of 0 read from "only CH4"); derived values carry the badge *derived from reported*, never *reported*.
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
display(p.Md(f"**{len(checks)} checks** {p.badge('computed')} — the legend: every status, how often it occurs and "
             "what it means"), p.style_provenance(summary))

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
                                  value=["inconsistent", "ambiguous in the article", "holds only under an assumption"])


def by_status(statuses):
    shown = table[table["status"].isin(statuses)] if statuses else table
    return pn.pane.DataFrame(shown[["id", "form", "quantity", "reported", "reported basis", "computed", "status",
                                    "note"]],
                             index=False, sizing_mode="stretch_width", max_rows=200)


pn.Column(status_w, pn.bind(by_status, status_w))

# %% [markdown]
# ### The points a reader should not miss
#
# The rows where the article's own statements do not fit together, or hold only under an assumption — printed here
# in full, with colours, so they survive a static export of this notebook:

# %%
flagged = table[table["status"].isin(["inconsistent", "ambiguous in the article", "holds only under an assumption"])]
p.style_provenance(flagged[["id", "form", "quantity", "reported", "computed", "status", "note"]])

# %% [markdown]
# ### Numbers the article does not print
#
# These rows compare a value *we* derived from the article's printed numbers; the note says how. Their agreement is
# not a check of the article.

# %%
derived = table[table["reported basis"] == "derived"]
p.style_provenance(derived[["id", "form", "quantity", "reported", "reported basis", "computed", "status", "note"]])

# %% [markdown]
# ### Every caveat
#
# The note of every row that has one — assumptions, ambiguities, and what data would decide a claim (the same list
# `ti10cu2 claims` prints under its table).

# %%
p.Md("\n".join(f"- **{c.id}** ({c.form}) — *{c.status}*: {c.note}" for c in checks if c.note))

# %% [markdown]
# ## Try it
#
# - **Make a claim reproducible.** Register a measured file, e.g. `ti10cu2 data add cs drs my_drs.csv`, or import the
#   deposited CIFs (`ti10cu2 import-cif FILE`), then re-run this notebook. *Expected:* the matching rows change from
#   `consistent by construction` (or `needs deposited CIF`) to `reproduced` or `not reproduced`, and their
#   *data provenance* column says `user` or `deposited`.
# - **Remove it again** with `ti10cu2 data remove cs drs` (or delete `data/user/`). *Expected:* back to the
#   reconstructed defaults.
