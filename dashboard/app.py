"""ti10cu2 dashboard (placeholder until the dashboard issue): the reported values per form, with provenance.

Serve with ``make serve`` or ``panel serve dashboard/app.py``.
"""

import panel as pn

from ti10cu2_lib.registry import default_registry

pn.extension(sizing_mode="stretch_width")

form = pn.widgets.RadioButtonGroup(name="form", options={"(Ti10Cu2)sp": "sp", "(Ti10Cu2)cs": "cs"}, value="sp")


def reported_table(selected: str) -> pn.pane.DataFrame:
    """Every reported value for the selected form, with its provenance and source."""
    import pandas as pd

    rows = [{"quantity": v.quantity, "value": v.value, "unit": v.unit, "provenance": "reported",
             "source": v.source, "notes": v.notes}
            for v in default_registry().values if v.applies_to(selected)]
    return pn.pane.DataFrame(pd.DataFrame(rows), index=False, escape=True)


pn.Column(
    pn.pane.Markdown("# ti10cu2 — {Ti10Cu2} supercrystals (Meng et al., Inorg. Chem. Front. 2023, 10, 5694)"),
    pn.pane.Markdown("Placeholder dashboard: the numbers the article reports for each form. "
                     "Provenance **reported** = read off the article."),
    form,
    pn.bind(reported_table, form),
).servable()
