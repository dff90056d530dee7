"""PXRD tab: the powder pattern simulated from each form's structure (deposited, uploaded or, by default, the public
demo shown for the form: sp a 0D cluster crystal, cs a 1D chain), compared with a measured one if uploaded."""

from __future__ import annotations

from typing import Any

import panel as pn

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.present import figures_structure
from ti10cu2_lib.present.badges import badge
from ti10cu2_lib.structure.pxrd_compare import PxrdComparison

from ..components import Context, bundle_banner, esc, figure, form_header, html_pane, note, table
from ..panels import FormPanels
from ..state import DashboardState

TITLE = "PXRD"


def pxrd_key(state: DashboardState, form: str) -> tuple:
    upload = state.patterns.get(form)
    return (state.svg, state.structures.get(form), upload, state.comparisons.get(form))


def pxrd_section(state: DashboardState, form: str, ctx: Context) -> list:
    bundle = state.structures.get(form)
    article = Origin(Provenance.REPORTED, "article, main text; Fig. S13–S14")
    parts: list[Any] = [form_header(form), html_pane(
        f"<p>Article: the experimental pattern matches the one simulated from the single-crystal structure; "
        f"intensity differences are put down to preferred orientation {badge(article)}</p>")]
    upload = state.patterns.get(form)
    if upload is not None:
        parts.append(html_pane(f"<p>Your measured pattern: {esc(upload.filename)} {badge(upload.pattern.origin)}"
                               "</p>"))
    if bundle is None or bundle.pxrd is None:
        return [*parts, note("A simulated pattern needs a structure: import the deposited CIF "
                             "(`ti10cu2 import-cif FILE`), upload a CIF (Structure tab) or show the demo.")]
    parts.append(bundle_banner(bundle))
    if bundle.is_demo:
        parts.append(html_pane("<p><small>Simulated from the public demo structure shown for this form, to show the "
                               "method on a real cell; it is not the article's pattern. Import or upload the "
                               "form's CIF to simulate its own.</small></p>"))
    parts.append(figure(figures_structure.pxrd_pattern_figure(bundle.pxrd, label=bundle.filename), state))
    comparison = state.comparisons.get(form)
    if isinstance(comparison, PxrdComparison):
        parts.append(figure(figures_structure.pxrd_comparison_figure(comparison), state))
        parts.append(html_pane(f"<p>Rwp {comparison.rwp:.2f} % (Rexp {comparison.rexp:.2f} %), zero shift "
                               f"{comparison.zero_shift:+.4f}°, {comparison.n_matched}/{len(comparison.matches)} "
                               f"observed peaks matched {badge(comparison.origin)}</p>"))
    elif isinstance(comparison, str):
        parts.append(note(comparison, kind="problem"))
    peaks = [{"h": p["h"], "k": p["k"], "l": p["l"], "2θ (°)": round(p["two_theta"], 3), "d (Å)": round(p["d"], 4),
              "mult": p["multiplicity"], "I (max 100)": round(p["intensity"], 2), "provenance": bundle.pxrd.origin}
             for p in bundle.pxrd.peaks(min_intensity=1.0)]
    parts.append(table(ctx, peaks, f"pxrd_peaks_{form}.csv", title="Reflections with I ≥ 1 % of the strongest",
                       collapsed=True))
    parts.append(html_pane("<details><summary><small>conventions of the simulation</small></summary><ul>"
                           + "".join(f"<li><small><b>{esc(k)}</b>: {esc(v)}</small></li>"
                                     for k, v in bundle.pxrd.conventions.items()) + "</ul></details>"))
    return parts


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(pxrd_key, pxrd_section)], "PXRD")
