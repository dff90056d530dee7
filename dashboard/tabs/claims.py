"""Claims tab: every reported number and worded claim against what our code computes, filterable, with CSV.

Each row says whether the article prints its value (badge ``reported``) or we derived it from printed values (badge
``derived from reported``); the status legend above the table explains every status; the note column holds every
caveat (assumptions, ambiguities, what data would decide a claim)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import panel as pn

from ti10cu2_lib.data.registry import DERIVED_FROM_REPORTED
from ti10cu2_lib.present.badges import STATUS_COLORS, badge, claims_summary, format_number

from ..components import Context, Html, download, esc, html_pane, html_table
from ..panels import SharedPanel
from ..state import DashboardState, claims_rows

TITLE = "Claims"


def basis_badge(reported_basis: str) -> str:
    """The badge of a reported value: ``reported`` when the article prints it, ``derived from reported`` when not."""
    return badge(DERIVED_FROM_REPORTED if reported_basis == "derived" else "reported")


def claims_frame(state: DashboardState) -> pd.DataFrame:
    """The claims table with HTML status and provenance badges (for the Tabulator)."""
    rows = []
    for check, r in zip(state.claims, claims_rows(state.claims), strict=True):
        color = STATUS_COLORS.get(r["status"], "#4d4d4d")
        rows.append({"form": r["form"], "status": r["status"],
                     "status_html": f'<span style="background:{color};color:white;border-radius:4px;padding:1px 6px">'
                                    f"{esc(r['status'])}</span>",
                     "quantity": r["quantity"], "reported": format_number(r["reported"]),
                     "article": basis_badge(check.reported_basis), "unit": r["unit"],
                     "computed": format_number(r["computed"]), "provenance": badge(r["origin"]),
                     "method": r["method"], "note": r["note"], "id": r["id"]})
    return pd.DataFrame(rows)


def claims_csv(state: DashboardState) -> str:
    rows = []
    for check, r in zip(state.claims, claims_rows(state.claims), strict=True):
        origin = r.pop("origin")
        rows.append({**{k: format_number(v) if isinstance(v, tuple | list | float) else v for k, v in r.items()},
                     "reported basis": check.reported_basis, "provenance": origin.label(), "source": origin.source})
    return pd.DataFrame(rows).to_csv(index=False)


def claims_summary_pane(state: DashboardState) -> pn.pane.HTML:
    rows = []
    for r in claims_summary(state.claims).to_dict("records"):
        color = STATUS_COLORS.get(r["status"], "#4d4d4d")
        rows.append({"status": Html(f'<span style="background:{color};color:white;border-radius:4px;'
                                    f'padding:1px 6px">{esc(r["status"])}</span>'),
                     "count": r["count"], "meaning": r["meaning"]})
    return html_pane(html_table(rows, max_rows=None))


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    frame = claims_frame(state)
    tabulator = pn.widgets.Tabulator(
        frame.drop(columns=["status_html"]), show_index=False, disabled=True, layout="fit_columns", height=620,
        sizing_mode="stretch_width", pagination=None, css_classes=["ti-claims"],
        formatters={"provenance": {"type": "html"}, "article": {"type": "html"},  # badges; the rest escaped, wrapped
                    **{c: {"type": "textarea"} for c in ("quantity", "reported", "computed", "method", "note")}},
        hidden_columns=["id"],
        header_filters={"status": {"type": "list", "valuesLookup": True, "clearable": True,
                                   "placeholder": "filter status"},
                        "form": {"type": "list", "valuesLookup": True, "clearable": True},
                        "quantity": {"type": "input", "func": "like", "placeholder": "search"}},
        # shares of the page width, so no column is cut off at any width (long values wrap)
        widths={"form": "4%", "status": "10%", "quantity": "14%", "reported": "8%", "article": "8%", "unit": "4%",
                "computed": "9%", "provenance": "10%", "method": "11%", "note": "22%"})
    tabulator.style.map(lambda v: f"background-color:{STATUS_COLORS.get(v, '#4d4d4d')};color:white",
                        subset=["status"])
    summary = SharedPanel(state, ctx, lambda s: (s.claims,), lambda s, c: [claims_summary_pane(s)],
                          "claims summary", ("claims",))

    def follow_form(*_: Any) -> None:
        """Only the rows of the form(s) shown (and the cross-form rows): the toggle decides, live."""
        full = claims_frame(state).drop(columns=["status_html"])
        tabulator.value = full[full["form"].isin([*state.shown_forms, "both"])].reset_index(drop=True)

    if not ctx.static:
        state.param.watch(follow_form, ["claims", "form"])
        follow_form()
    return pn.Column(
        pn.pane.Markdown("Every reported number and worded claim against what our code computes. Column *article*: "
                         "*reported* when the article prints the value, *derived from reported* when it does not and "
                         "we derived it from printed values (the note says how). The legend below explains every "
                         "status; the note column holds the caveats. Filter by status or form in the column headers"
                         + ("" if ctx.static else "; the form toggle hides the other form's rows") + ".",
                         margin=(0, 10)),
        summary, tabulator,
        download(ctx, "claims.csv", lambda: claims_csv(state), "claims.csv (all rows, CSV)"),
        sizing_mode="stretch_width")
