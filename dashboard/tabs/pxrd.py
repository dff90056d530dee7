"""PXRD tab: the powder pattern simulated from each form's structure (deposited, uploaded or, by default, the public
demo shown for the form: sp a 0D cluster crystal, cs a 1D chain), compared with a measured one if uploaded."""

from __future__ import annotations

import asyncio
from typing import Any

import panel as pn

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.rounding import format_with_uncertainty
from ti10cu2_lib.data.readers_pxrd import PowderPattern
from ti10cu2_lib.present import figures_structure
from ti10cu2_lib.present.badges import badge
from ti10cu2_lib.structure.pxrd import CU_KA2, Crystal
from ti10cu2_lib.structure.pxrd_compare import PxrdComparison
from ti10cu2_lib.structure.pxrd_refine import ProfileRefinement, refine_profile

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
    if upload is not None and bundle.crystal is not None and not ctx.static:  # a static page runs no Python
        parts += refinement_controls(bundle.crystal, upload.pattern, ctx, state, form)
    peaks = [{"h": p["h"], "k": p["k"], "l": p["l"], "2θ (°)": round(p["two_theta"], 3), "d (Å)": round(p["d"], 4),
              "mult": p["multiplicity"], "I (max 100)": round(p["intensity"], 2), "provenance": bundle.pxrd.origin}
             for p in bundle.pxrd.peaks(min_intensity=1.0)]
    parts.append(table(ctx, peaks, f"pxrd_peaks_{form}.csv", title="Reflections with I ≥ 1 % of the strongest",
                       collapsed=True))
    parts.append(html_pane("<details><summary><small>conventions of the simulation</small></summary><ul>"
                           + "".join(f"<li><small><b>{esc(k)}</b>: {esc(v)}</small></li>"
                                     for k, v in bundle.pxrd.conventions.items()) + "</ul></details>"))
    return parts


def refinement_controls(crystal: Crystal, pattern: PowderPattern, ctx: Context, state: DashboardState,
                        form: str) -> list:
    """A "refine profile" checkbox and the refinement's results below it. The refinement (10–30 s) runs on a worker
    thread, once per structure and pattern of this session, so the server keeps serving the other visitors."""
    refine = pn.widgets.Checkbox(label="refine profile (TCH widths U, V, W, X, Y, asymmetry, zero shift, cell, "
                                      "overall ΔU, Cu Kα2 with ratio 0.5; takes 10–30 s)", value=False)
    done: list[ProfileRefinement | str] = []

    async def shown(on: bool):
        if not on:
            yield pn.Column()
            return
        if not done:
            yield note("Refining the profile … (10–30 s; the rest of the page stays usable)")
            done.append(await asyncio.to_thread(refined, crystal, pattern))
        yield pn.Column(*refinement_section(done[0], ctx, state, form), sizing_mode="stretch_width")

    return [refine, pn.panel(pn.bind(shown, refine), sizing_mode="stretch_width")]


def refined(crystal: Crystal, pattern: PowderPattern) -> ProfileRefinement | str:
    """``ti10cu2 pxrd CIF --compare FILE --refine-profile`` for this structure and pattern, or the one-line reason
    it failed."""
    try:
        return refine_profile(crystal, pattern, kalpha2=(CU_KA2, 0.5))
    except InputError as exc:
        return str(exc).splitlines()[0]


def refinement_section(result: ProfileRefinement | str, ctx: Context, state: DashboardState, form: str) -> list:
    """Profile refinement of the structure against the uploaded pattern: figure, Rwp, parameters, phase purity."""
    if isinstance(result, str):
        return [note(f"Profile refinement failed: {result}", kind="problem")]
    origin = result.origin
    parts: list[Any] = [figure(figures_structure.pxrd_refinement_figure(result), state), html_pane(
        f"<p>Profile refinement: Rwp {result.rwp:.2f} % (Rp {result.rp:.2f} %, Rexp {result.rexp:.2f} %, "
        f"χ²<sub>ν</sub> {result.chi2_reduced:.3g}) {badge(origin)}. The structure (atoms) is kept as in the CIF; "
        "only profile, zero shift, cell, background and an overall displacement change.</p>"
        f"<p><b>Phase purity</b>: {esc(result.verdict)} {badge(origin)}</p>")]
    names = ("a", "b", "c", "alpha", "beta", "gamma")
    rows = [{"parameter": f"cell {n}", "value ± esd": format_with_uncertainty(v, e or None),
             "unit": "Å" if n in "abc" else "°", "refined": bool(e), "provenance": origin}
            for n, v, e in zip(names, result.cell, result.cell_esd, strict=True)]
    rows += [{"parameter": name, "value ± esd": format_with_uncertainty(item["value"], item["esd"]),
              "unit": item["unit"], "refined": item["refined"], "provenance": origin}
             for name, item in result.parameters.items() if name not in names]
    parts.append(table(ctx, rows, f"pxrd_refinement_{form}.csv",
                       title="Refined parameters (uncertainty: least-squares esd × √χ²ν, a lower bound)"))
    unexplained = [{"2θ obs (°)": round(q["two_theta_obs"], 3), "height (rel.)": round(q["relative_height_obs"], 3),
                    "explained by the phase": f"{100 * q['explained_fraction']:.0f} %", "provenance": origin}
                   for q in result.unexplained_peaks]
    if unexplained:
        parts.append(table(ctx, unexplained, f"pxrd_unexplained_{form}.csv", title="Unexplained observed peaks"))
    return parts


def build(state: DashboardState, ctx: Context) -> pn.viewable.Viewable:
    return FormPanels(state, ctx, [(pxrd_key, pxrd_section)], "PXRD")
