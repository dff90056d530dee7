"""The shipped public demo structures (data/demo/): licensed, labelled, following the sp/cs toggle, replaced by a
form's own CIF, and pictured in every structural tab — live and in the static export — with no ../shared.
"""

from __future__ import annotations

import re
from pathlib import Path

import panel as pn
import pytest

from dashboard import structures
from dashboard.components import Context
from dashboard.layout import build_all_tabs, build_dashboard
from dashboard.state import DEMO_AUTO, DashboardState
from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.structure.cif import load_cif
from ti10cu2_lib.structure.schematic import DEMO_DIR, DEMO_FOR_FORM, demo_cif
from ti10cu2_lib.structure.topology import connected_components

CIF_DIR = Path(__file__).resolve().parent / "data" / "cif"


def test_the_demo_cifs_ship_with_the_project_and_keep_their_licence_line():
    assert DEMO_DIR == DATA_DIR / "demo" and DEMO_DIR.is_dir()
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    files = sorted(DEMO_DIR.glob("*.cif"))
    assert len(files) >= 2 and set(DEMO_FOR_FORM.values()) <= {f.name for f in files}
    for path in files:
        head = path.read_text(encoding="utf-8", errors="replace")[:1200]
        assert "Crystallography Open Database" in head
        assert "placed in the public domain" in head, f"{path.name}: not a public-domain COD entry"
        cod = re.match(r"COD_(\d+)_", path.name).group(1)
        assert re.search(rf"^data_{cod}\s*$", head, re.MULTILINE), f"{path.name}: data block is not COD {cod}"
        assert path.name in readme and cod in readme


def test_sp_demo_is_a_0d_cluster_crystal_and_cs_demo_a_1d_chain():
    sp = connected_components(load_cif(demo_cif("sp")))
    cs = connected_components(load_cif(demo_cif("cs")))
    assert sp.dimensionality == 0 and "Ti4" in sp.classes[0].formula
    assert cs.dimensionality == 1 and cs.classes[0].links_per_repeat == 1  # two links per unit, as cs's hinges


def test_the_demos_follow_the_form_and_are_labelled_not_the_articles():
    state = DashboardState()
    sp, cs = state.structures["sp"], state.structures["cs"]
    assert state.demo == DEMO_AUTO
    assert (sp.filename, cs.filename) == (DEMO_FOR_FORM["sp"], DEMO_FOR_FORM["cs"])
    for bundle in (sp, cs):
        assert bundle.is_demo and str(bundle.origin.provenance) == "illustrative"
        assert "NOT the article's structure" in bundle.label
    assert sp.anatomy.topology.dimensionality == 0 and cs.anatomy.topology.dimensionality == 1
    assert all("illustrative" not in str(c.data_provenance) for c in state.claims)
    assert not [c for c in state.claims if str(c.status) == "reproduced" and c.id in ("space_group", "n_mu3_o")]
    state.set_demo("")
    assert state.structures == {"sp": None, "cs": None}
    state.set_demo(DEMO_FOR_FORM["cs"])
    assert state.structures["sp"].filename == state.structures["cs"].filename == DEMO_FOR_FORM["cs"]
    state.set_demo("no-such.cif")
    assert state.message_level == "error" and state.structures["sp"].filename == DEMO_FOR_FORM["cs"]


def test_a_forms_own_cif_replaces_its_demo_only():
    state = DashboardState()
    text = (CIF_DIR / "synthetic_sp_composition.cif").read_text()
    assert state.upload_cif("sp", "synthetic_sp_composition.cif", text)
    assert state.structures["sp"].role == "user" and state.structures["cs"].is_demo
    state.remove_cif("sp")
    assert state.structures["sp"].is_demo


def test_a_deposited_cif_replaces_the_demo_for_its_form():
    from ti10cu2_lib.structure.deposit import import_cif

    import_cif(CIF_DIR / "synthetic_sp_composition.cif")
    state = DashboardState()
    assert state.structures["sp"].role == "deposited" and state.structures["cs"].is_demo


def _pictures(layout, ctx: Context, form: str) -> list:
    """Pictures (HoloViews figures, 3D views, inline SVG) in the per-form columns of ``form``."""
    out = []
    for role, holder in ctx.form_holders:
        if role.rstrip("+") != form:
            continue
        out += [p for p in holder.select(pn.pane.HoloViews)]
        out += [p for p in holder.select(pn.pane.HTML) if "<svg" in str(p.object)]
        out += [v for v in holder.select(lambda o: type(o).__name__ == "StructureViewer")]
    return out


@pytest.mark.parametrize("static", [False, True])
def test_every_structural_tab_has_a_picture_for_both_forms(static):
    from dashboard.tabs import pxrd, structure, supercrystal

    state = DashboardState()
    for tab in (structure, supercrystal, pxrd):
        ctx = Context(static=static)
        pn.Column(tab.build(state, ctx))
        for form in ("sp", "cs"):
            pictures = _pictures(None, ctx, form)
            assert pictures, f"{tab.TITLE} ({form}, static={static}): no picture"
            text = " ".join(str(getattr(p, "object", "")) for p in pictures if isinstance(p, pn.pane.HTML))
            if tab is supercrystal and static:
                assert f'data-schematic-svg="{form}"' in text and "illustrative" in text


def test_without_the_demo_folder_the_layout_still_builds(monkeypatch, tmp_path):
    monkeypatch.setattr(structures, "DEMO_DIR", tmp_path / "absent")
    state = DashboardState()
    assert state.structures == {"sp": None, "cs": None}
    layout, _, _ = build_dashboard(state)
    build_all_tabs(layout)
    assert not [a for a in layout.select(pn.pane.Alert) if "could not display" in str(a.object)]


def test_the_static_export_carries_the_structural_pictures(tmp_path):
    from dashboard.export import export_dashboard

    index, files, _ = export_dashboard(tmp_path / "site")
    text = index.read_text(encoding="utf-8")
    for form in ("sp", "cs"):  # the pictures sit in the page's embedded (escaped) document
        quote = r"(&amp;quot;|&quot;|\\\\?\")"
        assert re.search(rf"data-schematic-svg={quote}+{form}{quote}", text), form
    assert "NOT the article" in text and "cluster from the text" in text
    assert "cell's contents down c" in text  # the demo structures' 2D projection
    assert (tmp_path / "site" / "tables" / "supercrystal_descriptors_sp.csv").is_file()
    descriptors = (tmp_path / "site" / "tables" / "supercrystal_descriptors_cs.csv").read_text()
    assert "links per unit in the chain" in descriptors
