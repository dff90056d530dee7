"""Overview tab: what the page is, the key numbers of the selected form and of both forms, the badge legend."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Origin
from ti10cu2_lib.core.rounding import format_with_uncertainty, printed_decimals
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present.badges import badge, provenance_legend

from ..components import (
    Context,
    Html,
    csv_frame,
    download,
    esc,
    form_header,
    html_pane,
    html_table,
    reported_html,
    value_html,
)
from ..panels import FormPanels, SharedPanel
from ..state import FORMS, DashboardState
from ..structures import StructureBundle
from ..uploads import UPLOAD_LIMIT_TEXT

TITLE = "Overview"


INTRO = """
**{{Ti10Cu2}} supercrystals** — executable supplement to L.-C. Meng, Z.-M. Feng, Z.-G. Jiang, C.-H. Zhan,
*Inorg. Chem. Front.* 2023, **10**, 5694 ([doi:10.1039/d3qi01334k](https://doi.org/10.1039/d3qi01334k)).
The same {{Ti10Cu2}} cluster crystallises as **(Ti10Cu2)sp** (hard-sphere-like packing) and **(Ti10Cu2)cs**
(1D chains). The toggle above switches every tab between the forms, or shows both side by side or overlaid on
shared axes.

Every number carries a provenance badge — hover it for its source. The authors' raw data are not available:
{data} the analyses run on **reconstructed** data made by our forward models *from the reported numbers*, so
agreement with the article is by construction, not evidence.
"""
INTRO_DATA = {False: f"unless you upload your own files (tab *Data & uploads*, at most {UPLOAD_LIMIT_TEXT}, this "
                     "browser session only),",
              True: "in this static page (precomputed at export time)"}


def analysis_key(state: DashboardState, form: str) -> tuple:
    return (state.analyses[form], state.structures.get(form))


@dataclass(frozen=True)
class KeyNumber:
    key: str
    label: str
    unit: str
    reported_id: str | None
    fmt: str | None
    get: Callable[[Any], tuple[Any, float | None, Origin] | None]


def _co_allowed(a: Any) -> tuple[Any, None, Origin] | None:
    if a.bands is None:
        return None
    co = next((f for f in a.bands.feasibility if f.product == "CO"), None)
    return None if co is None else (co.allowed, None, a.bands.origin)


def _yield(product: str) -> Callable[[Any], tuple[Any, None, Origin] | None]:
    def get(a: Any) -> tuple[Any, None, Origin] | None:
        if a.co2 is None:
            return None
        found = a.co2.products.get(product)
        return (found.final_yield_umol_per_g if found else 0.0), None, a.co2.origin
    return get


KEY_NUMBERS: tuple[KeyNumber, ...] = (
    KeyNumber("band_gap", "Optical band gap Eg (Tauc)", "eV", "band_gap", "{:.3f}",
              lambda a: None if a.tauc is None else (a.tauc.band_gap_eV, a.tauc.band_gap_uncertainty_eV,
                                                     a.tauc.origin)),
    KeyNumber("flat_band", "Flat band E_fb (= LUMO / CB)", "V vs NHE", "flat_band", "{:+.3f}",
              lambda a: None if a.mott_schottky is None else (a.mott_schottky.flat_band_V_vs_NHE,
                                                              a.mott_schottky.flat_band_uncertainty_V,
                                                              a.mott_schottky.origin)),
    KeyNumber("homo", "HOMO / VB = CB + Eg", "V vs NHE", "homo", "{:+.3f}",
              lambda a: None if a.bands is None else (a.bands.valence_band_V_vs_NHE,
                                                      a.bands.valence_band_uncertainty_V, a.bands.origin)),
    KeyNumber("co_allowed", "CO2 → CO allowed (CB below −0.53 V)", "", None, None, _co_allowed),
    KeyNumber("conductivity", "Electrical conductivity σ", "S/m", "conductivity", "{:.3g}",
              lambda a: None if a.conductivity is None else (a.conductivity.conductivity_S_per_m,
                                                             a.conductivity.conductivity_uncertainty_S_per_m,
                                                             a.conductivity.origin)),
    KeyNumber("ch4_yield_4h", "CH4 after 4 h", "µmol/g", "ch4_yield_4h", "{:.1f}", _yield("CH4")),
    KeyNumber("co_yield_4h", "CO after 4 h", "µmol/g", "co_yield_4h", "{:.1f}", _yield("CO")),
    KeyNumber("uvvis", "UV-vis maxima in CHCl3", "nm", None, "{:.0f}",
              lambda a: None if a.uvvis is None else (a.uvvis.peaks_nm, None, a.uvvis.origin)),
    KeyNumber("molar_mass", "Molar mass (printed formula)", "g/mol", "molar_mass", "{:.1f}",
              lambda a: (a.composition.molar_mass_g_per_mol, None, a.composition.origin)),
)


def key_number_cells(state: DashboardState, form: str, item: KeyNumber, prefix: str = "") -> tuple[Html, Html]:
    a = state.analyses[form]
    found = item.get(a)
    key = prefix + item.key
    if found is None:
        computed = Html(f'<span class="ti-value" data-key="{key}" data-form="{form}" data-provenance="none">'
                        "—</span>")
    else:
        value, unc, origin = found
        computed = value_html(value, origin=origin, unit=item.unit, uncertainty=unc, fmt=item.fmt, key=key,
                              form=form)
    if item.key == "uvvis":
        reported = Html(f"{reported_html('uvvis_band_1', form)}, {reported_html('uvvis_band_2', form)}")
    else:
        reported = reported_html(item.reported_id, form) if item.reported_id else Html("—")
    return computed, reported


def keynumbers_section(state: DashboardState, form: str, ctx: Context) -> list:
    """Key numbers of one form (follows the sp/cs toggle)."""
    rows = []
    for item in KEY_NUMBERS:
        computed, reported = key_number_cells(state, form, item)
        rows.append({"quantity": item.label, "computed (our code)": computed, "article": reported})
    bundle = state.structures.get(form)
    rows.append({"quantity": "Crystal structure",
                 "computed (our code)": Html(structure_summary_html(bundle)),
                 "article": reported_html("space_group", form) if form == "sp" else Html("not given")})
    return [form_header(form), html_pane(html_table(rows, max_rows=None, css_class="ti-table ti-keynums")),
            download(ctx, f"key_numbers_{form}.csv", lambda: csv_frame(rows).to_csv(index=False),
                     f"key_numbers_{form}.csv (CSV)")]


def structure_summary_html(bundle: StructureBundle | None) -> str:
    if bundle is None:
        return "no deposited CIF imported (see the Structure tab)"
    st = bundle.structure
    text = f"{esc(bundle.label)} {badge(bundle.origin)}"
    if st is not None:
        text += f"<br><small>{esc(st.space_group)}, {esc(st.formula_sum or '')}</small>"
    return text


#: key numbers compared as a ratio cs/sp (the others as a difference cs − sp)
RATIO_KEYS = {"conductivity"}
#: the registry entry that holds the article's difference (or ratio) of a key number, where it has one
DIFFERENCE_ENTRIES = {"band_gap": "band_gap_difference", "conductivity": "conductivity_ratio"}


def difference_cells(state: DashboardState, item: KeyNumber) -> tuple[Html, Html]:
    """cs − sp (cs/sp for σ) from our results, with its propagated uncertainty, and the article's: its registry entry
    where it has one (printed: ``reported``, e.g. ΔEg = 0.08 eV; derived: ``derived from reported``), otherwise derived
    by us from the printed values at their printed precision and badged ``derived from reported``."""
    found = {form: item.get(state.analyses[form]) for form in FORMS}
    ours = Html("—")
    if all(f is not None and isinstance(f[0], int | float) and not isinstance(f[0], bool) for f in found.values()):
        (sp, usp, origin), (cs, ucs, _) = found["sp"], found["cs"]
        if item.key in RATIO_KEYS:
            value = cs / sp
            unc = value * math.hypot((usp or 0) / sp, (ucs or 0) / cs) if usp or ucs else None
            text = f"cs/sp = {format_with_uncertainty(value, unc)}"
        else:
            value, unc = cs - sp, (math.hypot(usp or 0, ucs or 0) if usp or ucs else None)
            text = f"{'+' if value > 0 else ''}{format_with_uncertainty(value, unc)} {item.unit}".strip()
        ours = Html(f'<span class="ti-value" data-key="diff:{item.key}">{esc(text)}</span> {badge(origin)}')
    article = Html("—")
    if item.key in DIFFERENCE_ENTRIES:
        entry = default_registry().get(DIFFERENCE_ENTRIES[item.key])
        value = float(entry.value)
        text = (f"cs/sp = {value:g}" if item.key in RATIO_KEYS
                else f"{'+' if value > 0 else ''}{value:g} {item.unit}".strip())
        return ours, Html(f"{esc(text)} {badge(entry.origin)}")
    if item.reported_id:
        try:
            printed = {form: default_registry().get(item.reported_id, form) for form in FORMS}
            sp, cs = (float(printed[f].value) for f in FORMS)
        except (KeyError, TypeError, ValueError):
            return ours, article
        if item.key in RATIO_KEYS:
            text = f"cs/sp = {cs / sp:.1f}"
        else:
            decimals = max(printed_decimals(sp), printed_decimals(cs))
            text = f"{cs - sp:+.{decimals}f} {item.unit}".strip()
        article = Html(f"{esc(text)} {badge('derived from reported')}")
    return ours, article


def overview_shared(state: DashboardState, ctx: Context) -> list:
    """The two forms in one row-aligned table with their difference, ours and the article's."""
    rows = []
    for item in KEY_NUMBERS:
        row: dict[str, Any] = {"quantity": item.label}
        for form in FORMS:
            computed, reported = key_number_cells(state, form, item, prefix="both:")
            row[f"{form}: computed"] = computed
            row[f"{form}: article"] = reported
        row["cs − sp: computed"], row["cs − sp: article"] = difference_cells(state, item)
        rows.append(row)
    parts: list[Any] = [pn.pane.Markdown("### sp vs cs, row by row", margin=(4, 10, 0, 10)),
                        pn.pane.Markdown("The article prints only the band-gap difference (0.08 eV, badge "
                                         "*reported*); its other differences and the σ ratio are derived by us from "
                                         "its printed values, at their printed precision (badge *derived from "
                                         "reported*); ours carry the propagated uncertainty.",
                                         margin=(0, 10)),
                        html_pane(html_table(rows, max_rows=None, css_class="ti-table ti-keynums")),
                        download(ctx, "overview_both_forms.csv", lambda: csv_frame(rows).to_csv(index=False),
                                 "overview_both_forms.csv (CSV)")]
    return parts


def legend_pane() -> pn.pane.HTML:
    rows = [{"badge": Html(badge(r["provenance"])), "meaning": r["meaning"]}
            for r in provenance_legend().to_dict("records")]
    return html_pane(html_table(rows, max_rows=None))


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return pn.Column(
        pn.pane.Markdown(INTRO.format(data=INTRO_DATA[ctx.static]), sizing_mode="stretch_width"),
        pn.pane.Markdown("### Key numbers of the selected form", margin=(0, 10)),
        FormPanels(state, ctx, [(analysis_key, keynumbers_section)], "key numbers"),
        SharedPanel(state, ctx, lambda s: (s.analyses["sp"], s.analyses["cs"], s.structures["sp"],
                                           s.structures["cs"]), overview_shared, "overview"),
        pn.pane.Markdown("### Provenance badges", margin=(0, 10)), legend_pane(),
        sizing_mode="stretch_width")
