"""Schematic supercrystals and the cluster diagram: built from the article's words, measured by the shared code.

The descriptors of the schematics come from the packing code that analyses real CIFs; the checks here are
independent of it (analytic packing fractions, lattices with known close packing, a control without hinges) so
that a fault in that code, or in the schematic, fails a test.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.structure.cif import parse_cif_text
from ti10cu2_lib.structure.packing import close_packing, packing, stacking_along, supercrystal_descriptors
from ti10cu2_lib.structure.recognition import EXPECTED_FORMS
from ti10cu2_lib.structure.schematic import (
    CLOSE_PACKING_FRACTION,
    VOLUME_PER_NON_H_ATOM,
    cluster_size,
    scaffold_structure,
    schematic_supercrystal,
)
from ti10cu2_lib.structure.schematic_core import READINGS, core_schematic
from ti10cu2_lib.structure.topology import connected_components


def _cif(ops: list[str], a: float, c: float | None = None, gamma: float = 90.0,
         sites: tuple = (("Ar1", "Ar", 0.0, 0.0, 0.0),)) -> str:
    c = c or a
    lines = ["data_t", f"_cell_length_a {a}", f"_cell_length_b {a}", f"_cell_length_c {c}", "_cell_angle_alpha 90",
             "_cell_angle_beta 90", f"_cell_angle_gamma {gamma}", "loop_", "_symmetry_equiv_pos_as_xyz",
             *[f"'{o}'" for o in ops], "loop_", "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x",
             "_atom_site_fract_y", "_atom_site_fract_z", *[f"{lab} {el} {x} {y} {z}" for lab, el, x, y, z in sites]]
    return "\n".join(lines) + "\n"


def _p63mmc() -> list[str]:
    import gemmi

    return [op.triplet() for op in gemmi.SpaceGroup("P 63/m m c").operations()]


FCC = ["x,y,z", "x,y+1/2,z+1/2", "x+1/2,y,z+1/2", "x+1/2,y+1/2,z"]


def _close(text: str):
    st = parse_cif_text(text)
    return close_packing(st, packing(st, mc_points=500))


# -- the close-packing analysis on lattices whose answer is known -------------------------------------------------


def test_close_packing_tells_hcp_fcc_and_the_rest():
    hcp = _close(_cif(_p63mmc(), 10.0, 10.0 * math.sqrt(8 / 3), 120.0, (("Ar1", "Ar", 1 / 3, 2 / 3, 0.25),)))
    assert hcp.stacking == "ABAB" and hcp.environments == ("hcp", "hcp")
    assert hcp.signatures[0] == {"421": 6, "422": 6} and hcp.layer_normal_uvw == (0, 0, 1)
    fcc = _close(_cif(FCC, 10.0))
    assert fcc.stacking == "ABC" and set(fcc.environments) == {"fcc"} and fcc.layer_normal is None
    simple = _close(_cif(["x,y,z"], 10.0))
    assert simple.stacking is None and simple.coordination_numbers == (18,)  # 6 + 12 inside the fcc/hcp cut-off
    bcc = _close(_cif(["x,y,z", "x+1/2,y+1/2,z+1/2"], 10.0))
    assert bcc.stacking is None
    # double hexagonal (ABAC): half the layers hcp-like, half fcc-like (two site classes: analyse all units)
    dhcp = parse_cif_text(_cif(_p63mmc(), 10.0, 2 * 10.0 * math.sqrt(8 / 3), 120.0,
                               (("Ar1", "Ar", 0.0, 0.0, 0.0), ("Ar2", "Ar", 1 / 3, 2 / 3, 0.25))))
    mixed = close_packing(dhcp, packing(dhcp, mc_points=500, units="all"))
    assert mixed.stacking == "mixed" and sorted(mixed.environments) == ["fcc", "fcc", "hcp", "hcp"]


def test_close_packing_tolerates_a_distorted_hcp_but_not_a_missing_neighbour():
    rng = np.random.default_rng(7)
    a, c = 10.0, 10.0 * math.sqrt(8 / 3)
    base = [(1 / 3, 2 / 3, 0.25), (2 / 3, 1 / 3, 0.75)]
    # a 2 × 2 × 1 supercell in P1 with every centroid moved by up to 2 % of the contact distance, one symmetry class
    sites = []
    for i in range(2):
        for j in range(2):
            for k, (x, y, z) in enumerate(base):
                d = rng.uniform(-0.2, 0.2, 3) / np.array([2 * a, 2 * a, c])
                sites.append((f"Ar{i}{j}{k}", "Ar", (x + i) / 2 + d[0], (y + j) / 2 + d[1], z + d[2]))
    st = parse_cif_text(_cif(["x,y,z"], 2 * a, c, 120.0, tuple(sites)))
    result = packing(st, mc_points=500, units="all")
    found = close_packing(st, result)
    assert found.stacking == "ABAB" and found.layer_normal_uvw == (0, 0, 1)
    holed = parse_cif_text(_cif(["x,y,z"], 2 * a, c, 120.0, tuple(sites[:-1])))  # one cluster missing
    assert close_packing(holed, packing(holed, mc_points=500, units="all")).stacking != "ABAB"


def test_stacking_along_a_given_axis_counts_the_stacks():
    st = parse_cif_text(_cif(FCC, 10.0))
    along = stacking_along(st, packing(st, mc_points=500).centroids_frac, (0, 0, 1))
    # the four atoms of the cubic cell project on four distinct points of the (001) plane, half an edge apart
    assert along.period == pytest.approx(10.0) and along.stacks_per_cell == 4
    assert along.interstack_distances[0] == pytest.approx(5.0)
    diagonal = stacking_along(st, packing(st, mc_points=500).centroids_frac, (1, 1, 0))
    assert diagonal.period == pytest.approx(10.0 * math.sqrt(2)) and diagonal.stacks_per_cell == 2


# -- cluster size ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_cluster_diameter_follows_the_stated_rule(form):
    size = cluster_size(form)
    heavy = sum(n for el, n in EXPECTED_FORMS[form].items() if el != "H")
    assert size.non_h_atoms == heavy
    sphere = math.pi * size.diameter ** 3 / 6
    assert sphere == pytest.approx(CLOSE_PACKING_FRACTION * VOLUME_PER_NON_H_ATOM * heavy)
    assert 1.3 < size.diameter_nm < 1.7  # a cluster of ~136 non-H atoms is about 1.5 nm across
    assert "18 Å³" in size.method and EXPECTED_FORMS and str(heavy) in size.method


# -- the schematics, measured by the shared packing code -------------------------------------------------------------


def test_sp_schematic_is_hexagonal_close_packing_of_0d_clusters():
    model = schematic_supercrystal("sp")
    d = model.descriptors
    assert d.dimensionality == 0 and d.units_per_cell == 2
    assert d.coordination_number == 12 and d.stacking == "ABAB"
    assert d.close_packing.layer_normal_uvw == (0, 0, 1)
    assert d.nearest_distance == pytest.approx(model.size.diameter, rel=1e-6)  # touching spheres
    assert model.packing_fraction == pytest.approx(math.pi / math.sqrt(18), rel=1e-6)  # hcp, analytic
    assert d.chain_axis is None and d.links_per_unit is None and model.links == ()
    layers = {s["group"] for s in model.spheres}
    assert layers == {"A", "B"} and len(model.spheres) >= 20


def test_cs_schematic_is_parallel_chains_with_two_hinges_per_cluster():
    model = schematic_supercrystal("cs")
    d = model.descriptors
    assert d.dimensionality == 1 and d.chain_axis == (0, 0, 1)
    assert d.links_per_repeat == 1 and d.links_per_unit == 2
    assert d.chains_parallel is True and d.chains_per_cell == 1
    assert d.interchain_distances[0] == pytest.approx(model.size.diameter, rel=1e-6)
    assert d.coordination_number == 8 and d.stacking is None  # 2 along the chain + 6 around: not close-packed
    assert model.packing_fraction == pytest.approx(math.pi / (3 * math.sqrt(3)), rel=1e-6)  # simple hexagonal
    # every link joins consecutive clusters of one chain, one period apart along the chain axis
    for link in model.links:
        a, b = model.spheres[link["from"]], model.spheres[link["to"]]
        assert a["group"] == b["group"]
        assert b["z"] - a["z"] == pytest.approx(d.chain_period, rel=1e-6)


def test_the_chains_come_from_the_hinges():
    """Control: the same cs cell without its hinge atoms is 0D — the chain is found, not assumed."""
    with_hinges = connected_components(scaffold_structure("cs"))
    without = connected_components(scaffold_structure("cs", hinges=False))
    assert with_hinges.dimensionality == 1 and without.dimensionality == 0
    assert without.determined


def test_descriptors_of_a_real_structure_use_the_same_code(reference_data):
    from ti10cu2_lib.structure.cif import load_cif
    from ti10cu2_lib.structure.report import anatomy

    chain = anatomy(load_cif(reference_data / "cif" / "COD_2231779_catena_CuI_imidazolylpyridine.cif"),
                    mc_points=2000)
    d = supercrystal_descriptors(chain.structure, chain.topology, chain.packing)
    assert d.dimensionality == 1 and d.chain_axis == (1, 0, 0)
    assert d.links_per_repeat == 2 and d.links_per_unit == 4  # a double (di-μ-iodido) bridge on each side


def test_schematics_are_illustrative_and_never_evidence():
    from ti10cu2_lib.report.claims import check_claims

    for form in ("sp", "cs"):
        model = schematic_supercrystal(form)
        assert str(model.origin.provenance) == "illustrative"
        assert "schematic from the article's text" in model.origin.source
        assert model.descriptors.origin.root_provenances() == ("illustrative",)
    assert not [c for c in check_claims() if "illustrative" in str(c.data_provenance)]


# -- the cluster diagram ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_core_counts_agree_with_the_registry_and_the_formula(form):
    reg = default_registry()
    formula = core_schematic(form, "formula")
    text = core_schematic(form, "text")
    metals = {el: int(n) for el, n in EXPECTED_FORMS[form].items() if el in ("Ti", "Cu")}
    assert formula.metals() == metals == {"Ti": 10, "Cu": 2}
    assert formula.bridging_oxygen()["mu3_O"] == reg.get("n_mu3_o").value
    assert formula.bridging_oxygen()["mu2_O"] == reg.get("n_mu2_o").value
    assert text.bridging_oxygen()["mu3_O"] == 2 * reg.get("n_mu3_o_per_ti4").value
    assert text.bridging_oxygen()["mu2_O"] == reg.get("n_mu2_o_ti8").value
    assert formula.bridging_oxygen()["oxo_total"] == text.bridging_oxygen()["oxo_total"] == 8
    modes = list(formula.ligand_binding_modes().values())
    assert modes == [reg.get("n_sal_core_bridging").value, reg.get("n_sal_ti_cu_ti").value]
    assert sum(modes) == reg.get("n_sal").value
    for cu in ("Cu1", "Cu2"):  # three carboxylates on each Cu, as the text's Cu sphere says
        assert formula.donors_of(cu)["sal_ticu"] == 3


def test_core_cs_lost_one_methoxide_and_has_two_hinges():
    sp, cs = core_schematic("sp"), core_schematic("cs")
    assert (sp.count("OMe"), sp.count("OMe_lost"), sp.count("hinge")) == (4, 0, 0)
    assert (cs.count("OMe"), cs.count("OMe_lost"), cs.count("hinge")) == (3, 1, 2)
    ids = {n.id for n in cs.nodes}
    assert all(e.a in ids and e.b in ids for e in cs.edges)


def test_cli_schematic_json(capsys):
    assert main(["schematic", "supercrystal", "--form", "sp", "--json"]) == 0
    sp = json.loads(capsys.readouterr().out)
    for key in ("provenance", "form", "n_clusters", "cluster_diameter_nm", "dimensionality",
                "centroid_coordination_number", "stacking", "packing_fraction"):
        assert key in sp
    assert sp["provenance"]["provenance"] == "illustrative"
    assert (sp["dimensionality"], sp["centroid_coordination_number"], sp["stacking"]) == ("0D", 12, "ABAB")
    assert "model" not in sp
    assert main(["schematic", "supercrystal", "--form", "cs", "--json", "--model"]) == 0
    cs = json.loads(capsys.readouterr().out)
    assert (cs["dimensionality"], cs["chain_axis"], cs["links_per_cluster"]) == ("1D", [0, 0, 1], 2)
    assert len(cs["model"]["spheres"]) == cs["n_clusters"] and cs["model"]["links"]
    assert main(["schematic", "core", "--json"]) == 0
    core = json.loads(capsys.readouterr().out)
    assert core["metals"] == {"Ti": 10, "Cu": 2} and set(core["bridging_oxygen"]) == set(READINGS)
    assert core["bridging_oxygen"]["formula"]["mu3_O"] == 2 and core["bridging_oxygen"]["text"]["mu3_O"] == 4
    assert sum(core["ligand_binding_modes"].values()) == 8
    assert main(["schematic", "supercrystal", "--form", "cs"]) == 0
    assert "ILLUSTRATIVE" in capsys.readouterr().out


# -- pictures ---------------------------------------------------------------------------------------------------------


def test_viewer_scenes_differ_between_the_forms_and_carry_the_badge():
    from ti10cu2_lib.present.viewer3d import schematic_scene

    sp, cs = schematic_scene(schematic_supercrystal("sp")), schematic_scene(schematic_supercrystal("cs"))
    assert (sp["kind"], cs["kind"]) == ("schematic-sp", "schematic-cs")
    assert sp["badge"]["text"] == cs["badge"]["text"] == "illustrative"
    assert not sp["shapes"]["cylinders"] and len(cs["shapes"]["cylinders"]) == len(schematic_supercrystal("cs").links)
    assert {s[4] for s in sp["shapes"]["spheres"]} != {s[4] for s in cs["shapes"]["spheres"]}
    assert sp["cell"] is not None and len(sp["cell"]) == 3


def test_static_pictures_are_titled_illustrative():
    import holoviews as hv

    from ti10cu2_lib.present import figures_structure as fs

    for form in ("sp", "cs"):
        model = schematic_supercrystal(form)
        svg = fs.schematic_supercrystal_svg(model)
        assert svg.startswith("<svg") and "illustrative" in svg
        assert svg.count("<circle") == 2 * (len(model.spheres) + len(model.links))  # side view and top view
        side, top = fs.schematic_supercrystal_views(model)
        assert "illustrative" in hv.Store.lookup_options("bokeh", side, "plot").kwargs["title"]
        hv.render(fs.schematic_supercrystal_figure(model), backend="bokeh")
        core = fs.core_schematic_figure(core_schematic(form))
        assert "illustrative" in hv.Store.lookup_options("bokeh", core, "plot").kwargs["title"]
        hv.render(core, backend="bokeh")
