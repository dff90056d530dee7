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
# # 10 · Worksheet: the article's argument, step by step
#
# Seven questions that walk from the measurements to the conclusions of Meng et al. (*Inorg. Chem. Front.* 2023,
# **10**, 5694) — and to what holds only under an assumption. Work with the dashboard (`make serve`) or the
# notebooks 01–09; each question says where to look. Write your answer under it.
#
# The answer key is computed by the library from the data in use, so it stays true when the code or the data
# change (teachers: `.venv/bin/ti10cu2 worksheet --answers`, or the last cell of this notebook).

# %%
from IPython.display import Markdown, display

from ti10cu2_lib.report.overview import analyse_form
from ti10cu2_lib.report.worksheet import QUESTIONS, worksheet_answers

analyses = {form: analyse_form(form) for form in ("sp", "cs")}
display(Markdown("\n".join(f"{i}. **{q.text}**  \n   *Where:* {q.where}. *Hint:* {q.hint}"
                           for i, q in enumerate(QUESTIONS, start=1))))

# %% [markdown]
# ## Working space
#
# The numbers you need, with their provenance (hover the badges in the dashboard for their sources):

# %%
rows = []
for form, a in analyses.items():
    rows.append({"form": form, "Eg (eV)": f"{a.tauc.band_gap_eV:.3f} ± {a.tauc.band_gap_uncertainty_eV:.3f}",
                 "E_fb (V vs NHE)": f"{a.mott_schottky.flat_band_V_vs_NHE:+.3f}",
                 "σ (S/m)": f"{a.conductivity.conductivity_S_per_m:.2g}",
                 "CH4 4 h (µmol/g)": f"{a.co2.products['CH4'].final_yield_umol_per_g:.1f}",
                 "data": a.tauc.origin.label()})
display(Markdown("| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
                 + "\n".join("| " + " | ".join(str(v) for v in r.values()) + " |" for r in rows)))

# %% [markdown]
# ## Try it
#
# Register a file of your own (`ti10cu2 data add cs iv FILE --length-mm L --area-mm2 A`, or the classroom examples
# in `data/examples/`) and run this notebook again. *Expected:* the working space and the answer key below change
# with the data — the key is computed, not written down.

# %%
SHOW_ANSWERS = True  # teachers: set False before handing the executed notebook out
if SHOW_ANSWERS:
    display(Markdown("\n".join(f"{i}. {a.text}" for i, a in enumerate(worksheet_answers(analyses), start=1))))
