"""Bonds, angles, components, coordination, planes, rings, C–H···π contacts and packing.

Checked against the _geom_bond / _geom_angle tables SHELXL wrote into real COD CIFs (read in place from
../shared/reference-data/cif; skipped when absent), against an independent dimensionality algorithm
(pymatgen's Larsen et al. implementation) and against synthetic structures with known answers.

Tolerances: 0.002 Å and 0.05° as a rule. Two documented widenings, both computed per entry: (1) a table
value printed with fewer decimals (e.g. "1.47(1)") can only be matched to half its last digit; (2) atoms
whose CIF coordinates carry only four decimals (riding H, fixed disordered atoms — no s.u.) have positions
uncertain by up to 0.5e-4 of each cell edge, which on the 65.8 Å axis of COD 4111132 alone is 0.003 Å;
the bound that rounding implies is added. Every entry with refined (s.u.-carrying) coordinates is held to
0.002 Å / 0.05°.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import gemmi
import numpy as np
import pytest

from ti10cu2_lib.core.provenance import Provenance
from ti10cu2_lib.structure.bonds import find_bonds
from ti10cu2_lib.structure.cif import load_cif, parse_cif_text
from ti10cu2_lib.structure.contacts import ch_pi_contacts
from ti10cu2_lib.structure.coordination import coordination
from ti10cu2_lib.structure.geometry import angles_at, find_rings, fit_plane, interplanar_angle, plane_through
from ti10cu2_lib.structure.packing import packing, packing_coefficient, supercell_centroids
from ti10cu2_lib.structure.symmetry import parse_symmetry_code
from ti10cu2_lib.structure.topology import cell_edges, connected_components

from .conftest import run_cli

REF = Path(__file__).parents[1].parent / "shared" / "reference-data" / "cif"
CUI = "COD_2231779_catena_CuI_imidazolylpyridine.cif"
TI4 = "COD_7050234_Ti4_alkoxide.cif"
CU = "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif"
FDDD = "COD_4111132_AgFe_MOF_large_cell.cif"
ALL = [CUI, TI4, CU, FDDD]


def ref(name: str) -> Path:
    path = REF / name
    if not path.is_file():
        pytest.skip(f"real reference CIF {name} not found under {REF} (needs ../shared/reference-data beside the repo)")
    return path


# -- reading the SHELXL tables ---------------------------------------------------------------------------


def _decimals(text: str) -> int:
    m = re.match(r"^-?\d*\.(\d+)", text.strip())
    return len(m.group(1)) if m else 0


def _half_unit(text: str) -> float:
    return 0.5 * 10 ** -_decimals(text)


def _code(text: str) -> str:
    """SHELXL's '.' and 'n' written out as '1_555' and 'n_555' (independently of the library's parser)."""
    text = text.strip()
    if text in (".", "?"):
        return "1_555"
    return text if "_" in text else f"{text}_555"


def _coordinate_bounds(path: Path) -> dict[str, float]:
    """Per label: the largest Cartesian error (Å) that rounding of its printed coordinates allows
    (half a unit of the last printed digit, times each cell edge, summed)."""
    block = gemmi.cif.read(str(path)).sole_block()
    table = block.find("_atom_site_", ["label", "fract_x", "fract_y", "fract_z"])
    cell = [gemmi.cif.as_number(block.find_value(f"_cell_length_{x}")) for x in "abc"]
    return {row[0].upper(): sum(_half_unit(row[k + 1]) * cell[k] for k in range(3)) for row in table}


def _bond_table(path: Path) -> list[tuple[str, str, str, float, float]]:
    """(label1, label2, symop2, distance, tolerance) for every row of the _geom_bond loop."""
    block = gemmi.cif.read(str(path)).sole_block()
    tags = ["atom_site_label_1", "atom_site_label_2", "?site_symmetry_2", "distance", "?site_symmetry_1"]
    bounds = _coordinate_bounds(path)
    rows = []
    for row in block.find("_geom_bond_", tags):
        sym2 = row[2] if row.has(2) else "."
        assert not row.has(4) or row[4] in (".", "?"), "tables with symmetry on atom 1 not expected"
        distance = gemmi.cif.as_number(row[3])
        l1, l2 = row[0].upper(), row[1].upper()
        tol = 0.002 + _half_unit(row[3]) + bounds[l1] + bounds[l2]
        rows.append((l1, l2, _code(sym2), distance, tol))
    return rows


def _angle_table(path: Path) -> list[tuple[str, str, str, str, str, float, float, float]]:
    """(label1, sym1, centre, label3, sym3, angle, half unit of the printed angle, coordinate rounding bound
    in Å) for every row of the _geom_angle loop."""
    block = gemmi.cif.read(str(path)).sole_block()
    tags = ["_atom_site_label_1", "_atom_site_label_2", "_atom_site_label_3", "", "?_site_symmetry_1",
            "?_site_symmetry_3"]
    bounds = _coordinate_bounds(path)
    rows = []
    for row in block.find("_geom_angle", tags):
        s1 = row[4] if row.has(4) else "."
        s3 = row[5] if row.has(5) else "."
        value = gemmi.cif.as_number(row[3])
        l1, c, l3 = row[0].upper(), row[1].upper(), row[2].upper()
        rows.append((l1, _code(s1), c, l3, _code(s3), value, _half_unit(row[3]),
                     bounds[l1] + bounds[l3] + 2 * bounds[c]))
    return rows


# -- bonds and angles against SHELXL ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_shelxl_bond_is_found_with_its_symmetry_code_and_length(name):
    path = ref(name)
    st = load_cif(path)
    bonds = find_bonds(st)
    found = {(b.label1.upper(), b.label2.upper(), b.symop): (b.distance, kind)
             for kind, group in (("bond", bonds.bonds), ("long contact", bonds.long_contacts)) for b in group}
    table = _bond_table(path)
    assert len(table) == {TI4: 45, CU: 26, CUI: 25, FDDD: 78}[name]  # the README's counts
    plain = 0
    for l1, l2, code, distance, tol in table:
        assert (l1, l2, code) in found, f"{name}: table bond {l1}-{l2} {code} not found"
        got, kind = found[(l1, l2, code)]
        assert got == pytest.approx(distance, abs=tol), f"{name}: {l1}-{l2} {code}"
        plain += abs(got - distance) <= 0.002
        if kind == "long contact":  # only Cu–OW2 (2.392 Å) is beyond Cordero + 0.40 Å in these files
            assert (name, l1, l2) == (CU, "CU", "OW2")
    assert plain >= 0.85 * len(table)


def test_ti4_bond_table_is_incomplete_but_geometry_finds_all_ti_o_bonds():
    st = load_cif(ref(TI4))
    ti_o = [b for b in find_bonds(st).unique() if {b.element1, b.element2} == {"Ti", "O"}]
    table_ti_o = [r for r in _bond_table(ref(TI4)) if r[0].startswith("TI")]
    assert len(table_ti_o) == 13
    assert len(ti_o) == 22  # 5 + 5 + 6 + 6 (Ti1, Ti2 five-, Ti3, Ti4 six-coordinate)
    assert max(b.distance for b in ti_o) == pytest.approx(2.106, abs=0.001)  # bridging Ti3–O12, not in the table


def test_cui_bond_list_matches_the_complete_shelxl_table_both_ways():
    path = ref(CUI)
    table = [(frozenset((l1, l2)), d) for l1, l2, _, d, _ in _bond_table(path)]
    mine = [(frozenset((b.label1.upper(), b.label2.upper())), b.distance) for b in find_bonds(load_cif(path)).unique()]
    assert len(mine) == 23  # the table's 25 rows list Cu1–I1 2_465 and Cu1–N3 2_565 from both ends
    for pairs, others in ((mine, table), (table, mine)):
        for pair, d in pairs:
            assert any(pair == p and abs(d - e) <= 0.002 for p, e in others), (pair, d)


@pytest.mark.parametrize("name", ALL)
def test_every_shelxl_angle_is_found_with_its_symmetry_codes(name):
    path = ref(name)
    st = load_cif(path)
    bonds = find_bonds(st)
    cache: dict[str, dict] = {}
    plain = 0
    table = _angle_table(path)
    assert len(table) == {TI4: 50, CU: 43, CUI: 40, FDDD: 143}[name]  # the README's counts
    for l1, s1, centre, l3, s3, value, half_unit, bound in table:
        if centre not in cache:
            angles = angles_at(st, centre, bonds, include_long_contacts=True).angles
            cache[centre] = {}
            for a in angles:
                cache[centre][(a.label1.upper(), a.symop1, a.label3.upper(), a.symop3)] = a
                cache[centre][(a.label3.upper(), a.symop3, a.label1.upper(), a.symop1)] = a
        key = (l1, s1, l3, s3)
        assert key in cache[centre], f"{name}: angle {l1}({s1})-{centre}-{l3}({s3}) not found"
        got = cache[centre][key]
        d_min = min(got.distance1, got.distance3)
        tol = 0.05 + half_unit + math.degrees(bound / d_min)
        assert got.angle == pytest.approx(value, abs=tol), f"{name}: {l1}-{centre}-{l3}"
        plain += abs(got.angle - value) <= 0.05 + half_unit
    assert plain >= 0.70 * len(table)


def test_tolerance_is_exposed_and_decides_the_jahn_teller_contact():
    st = load_cif(ref(CU))
    default = find_bonds(st)
    jmol = find_bonds(st, 0.45)  # pymatgen JmolNN's tolerance
    has = lambda bs: any(b.label1 == "Cu" and b.label2 == "OW2" for b in bs.bonds)  # noqa: E731
    assert not has(default) and has(jmol)
    assert any(b.label1 == "Cu" and b.label2 == "OW2" for b in default.long_contacts)


def test_bonds_have_computed_provenance_from_the_user_file():
    bonds = find_bonds(load_cif(ref(CUI)))
    assert bonds.origin.provenance is Provenance.COMPUTED
    assert bonds.origin.root_provenances() == (Provenance.USER,)


# -- components and dimensionality -----------------------------------------------------------------------


def _translation_from_table_codes() -> np.ndarray:
    """The CuI chain's repeat, read off the SHELXL table: the product of the two inversion centres
    it passes through (the Cu2I2 rhomb, code 2_465, and the Cu2(ligand)2 ring, code 2_565)."""
    table = _bond_table(ref(CUI))
    rhomb = next(c for l1, l2, c, _, _ in table if {l1, l2} == {"I1", "CU1"} and c != "1_555")
    ring = next(c for l1, l2, c, _, _ in table if {l1, l2} == {"N3", "CU1"})
    # x -> -x + t1 then x -> -x + t2 is the translation t2 - t1 (operation 2 is -x,-y,-z)
    (n1, t1), (n2, t2) = parse_symmetry_code(rhomb), parse_symmetry_code(ring)
    assert n1 == n2 == 1
    return np.array(t2) - np.array(t1)


def test_catena_cui_is_one_dimensional_along_the_axis_the_table_implies():
    st = load_cif(ref(CUI))
    topo = connected_components(st)
    assert topo.dimensionality == 1
    (chain,) = topo.classes
    expected = _translation_from_table_codes()
    assert tuple(abs(expected)) == (1, 0, 0)
    assert chain.propagation in (tuple(int(x) for x in expected), tuple(-int(x) for x in expected))
    assert chain.propagation_length == pytest.approx(st.cell.a, abs=1e-6)
    assert chain.formula == "C16H14Cu2I2N6" and chain.n_atoms == 40 and chain.count_per_cell == 1
    # the repeat unit is cut through coordination bonds, not through the ligands: the two symmetry-equivalent
    # long Cu–I bonds of the Cu2I2 rhomb (cutting the two Cu–N or the two short Cu–I would do as well)
    assert chain.linking_bonds == ({"label1": "I1", "label2": "Cu1", "symop": "2_465", "distance": 2.7887},)
    assert chain.links_per_repeat == 2


def test_chain_instances_distinguish_intra_from_inter_chain():
    st = load_cif(ref(CUI))
    topo = connected_components(st)
    node = int(st.images.nodes_of_site(st.site_index("Cu1"))[0])
    here = topo.instance(node, (0, 0, 0))
    assert topo.instance(node, (1, 0, 0)) == here  # one repeat further along the same chain
    assert topo.instance(node, (-3, 0, 0)) == here
    assert topo.instance(node, (0, 1, 0)) != here  # the neighbouring chain
    assert topo.instance(node, (1, 0, 1)) != here


@pytest.mark.parametrize(("name", "formula", "count"), [
    (TI4, "C29H68O16Ti4", 2),
    (CU, "C11H8CuN4O6", 4),  # the Cu complex with its short-bonded water; the other waters are separate
])
def test_molecular_fixtures_are_zero_dimensional(name, formula, count):
    topo = connected_components(load_cif(ref(name)))
    assert topo.dimensionality == 0
    assert topo.classes[0].formula == formula and topo.classes[0].count_per_cell == count
    if name == CU:
        assert [c.formula for c in topo.classes[1:]] == ["H2O"] * 4
        # counting the long Cu···OW2 contact as a link puts the second water on the complex
        linked = connected_components(load_cif(ref(name)), include_long_contacts=True)
        assert linked.classes[0].formula == "C11H10CuN4O7"


def test_large_framework_is_three_dimensional_and_twofold():
    topo = connected_components(load_cif(ref(FDDD)))
    assert topo.dimensionality == 3
    assert [(c.count_per_cell, c.n_atoms) for c in topo.classes] == [(2, 920)]


@pytest.mark.parametrize("name", ALL)
def test_dimensionality_agrees_with_pymatgens_larsen_algorithm(name):
    pytest.importorskip("pymatgen")
    from pymatgen.analysis.dimensionality import get_dimensionality_larsen
    from pymatgen.analysis.graphs import StructureGraph
    from pymatgen.core import Lattice, Structure

    st = load_cif(ref(name))
    bonds = find_bonds(st)
    c = st.cell
    lattice = Lattice.from_parameters(c.a, c.b, c.c, c.alpha, c.beta, c.gamma)
    pmg = Structure(lattice, [st.elements[j] for j in st.images.site], st.images.pos)
    graph = StructureGraph.from_empty_graph(pmg)
    for u, v, shift, _ in cell_edges(st, bonds.bonds):
        if u < v or (u == v and tuple(shift) > (0, 0, 0)):
            graph.add_edge(u, v, from_jimage=(0, 0, 0), to_jimage=tuple(int(x) for x in shift),
                           warn_duplicates=False)
    assert get_dimensionality_larsen(graph) == connected_components(st, bonds).dimensionality


# -- coordination ------------------------------------------------------------------------------------------


def test_ti4_coordination_and_oxo_bridging_modes():
    st = load_cif(ref(TI4))
    result = coordination(st)
    assert [(m.label, m.coordination_number) for m in result.metals] == [("TI1", 5), ("TI2", 5), ("TI3", 6),
                                                                       ("TI4", 6)]
    # every Ti–O bond is seen once from the Ti and once from the O
    assert sum(m.coordination_number for m in result.metals) == sum(o.mu for o in result.oxygens)
    counts = result.mu_counts()
    # [Ti4(μ4-C(CH2O)4)(μ2-OEt)4(OEt)8]: at least 4 μ2 (the bridging ethoxides) and 8 μ1 (terminal ones)
    assert counts == {"μ1": 10, "μ2": 6}


def test_copper_donors_split_at_the_stated_jahn_teller_threshold():
    st = load_cif(ref(CU))
    cu = coordination(st).metal("Cu")
    assert cu.jahn_teller_threshold == 2.30
    assert [d.label for d in cu.short] == ["O1'", "O6", "N8", "OW1"]
    assert [d.label for d in cu.long] == ["OW2", "N7"]
    assert cu.coordination_number == 4 and cu.coordination_number_with_long == 6
    assert cu.donors[4].long_contact and cu.donors[4].distance == pytest.approx(2.392, abs=0.001)
    tighter = coordination(st, jahn_teller_threshold=2.0).metal("Cu")
    assert [d.label for d in tighter.short] == ["O1'", "O6", "N8"]


# -- planes, rings ------------------------------------------------------------------------------------------


def test_plane_fit_and_interplanar_angle_on_exact_geometry():
    square = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0.0]])
    centroid, normal, dev = plane_through(square)
    assert np.allclose(abs(normal), [0, 0, 1]) and np.allclose(dev, 0) and np.allclose(centroid, [0.5, 0.5, 0])
    tilt = math.radians(30)
    tilted = np.array([[0, 0, 0], [1, 0, 0], [0, math.cos(tilt), math.sin(tilt)], [1, math.cos(tilt),
                                                                                    math.sin(tilt)]])
    assert interplanar_angle(normal, plane_through(tilted)[1]) == pytest.approx(30.0)
    assert interplanar_angle(normal, -normal) == pytest.approx(0.0)
    assert interplanar_angle(np.array([0, 0, 1.0]), np.array([1.0, 0, 0])) == pytest.approx(90.0)


def test_rings_and_planes_in_real_structures():
    st = load_cif(ref(CU))
    rings = find_rings(st).rings
    assert len(rings) == 1 and sorted(rings[0].atoms) == ["C1'", "C2'", "C3'", "C4'", "C5'", "C6'"]
    assert rings[0].rms_deviation < 0.01
    phenyl = fit_plane(st, ["C1'", "C2'", "C3'", "C4'", "C5'", "C6'"])
    assert phenyl.rms_deviation == pytest.approx(rings[0].rms_deviation, abs=1e-9)
    assert interplanar_angle(phenyl, np.array(rings[0].normal)) == pytest.approx(0.0, abs=1e-6)
    # CuI: the pyridine ring has N, so no all-carbon six-ring; with N allowed it is found (imidazole is 5-ring)
    cui = load_cif(ref(CUI))
    assert find_rings(cui).rings == ()
    (pyridine,) = find_rings(cui, elements=("C", "N")).rings
    assert sorted(pyridine.atoms) == ["C4", "C5", "C6", "C7", "C8", "N3"]
    # Fddd: the phenyl ring and the disordered one lying across the 2-fold axis
    assert len(find_rings(load_cif(ref(FDDD))).rings) == 2


def test_plane_atoms_accept_symmetry_codes():
    st = load_cif(ref(CUI))
    plane = fit_plane(st, ["Cu1", "I1", "Cu1@2_465", "I1@2_465"])  # the centrosymmetric Cu2I2 rhomb
    assert plane.rms_deviation == pytest.approx(0.0, abs=1e-6)
    assert plane.atoms[2] == "Cu1@2_465"


# -- C–H···π (synthetic, known geometry) -----------------------------------------------------------------


def _benzene_and_donor(h_offset: tuple[float, float, float]) -> str:
    """SYNTHETIC P1 cell (20 Å cube): benzene at the centre, plus a C–H donor whose H sits at
    ``h_offset`` (Å) from the ring centroid and whose C is 1.09 Å further along the same direction."""
    centre = np.array([10.0, 10.0, 10.0])
    atoms = []
    for k in range(6):
        phi = math.radians(60 * k)
        atoms.append((f"C{k + 1}", "C", centre + 1.39 * np.array([math.cos(phi), math.sin(phi), 0])))
        atoms.append((f"H{k + 1}", "H", centre + 2.47 * np.array([math.cos(phi), math.sin(phi), 0])))
    h = centre + np.array(h_offset)
    direction = np.array(h_offset) / np.linalg.norm(h_offset)
    atoms.append(("H20", "H", h))
    atoms.append(("C20", "C", h + 1.09 * direction))
    rows = "\n".join(f"{lab} {el} {x / 20:.6f} {y / 20:.6f} {z / 20:.6f}" for lab, el, (x, y, z) in atoms)
    return ("# SYNTHETIC - not a real structure\ndata_synthetic_ch_pi\n_cell_length_a 20\n_cell_length_b 20\n"
            "_cell_length_c 20\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
            "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
            "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n" + rows + "\n")


def test_ch_pi_contact_geometry_on_a_synthetic_pair():
    st = parse_cif_text(_benzene_and_donor((0.0, 0.0, 2.6)))
    (c,) = ch_pi_contacts(st).contacts
    assert c.hydrogen == "H20" and c.donor == "C20"
    assert c.h_cg == pytest.approx(2.6, abs=1e-5)
    assert c.x_cg == pytest.approx(3.69, abs=1e-5)
    assert c.gamma == pytest.approx(0.0, abs=1e-3)
    assert c.x_h_cg_angle == pytest.approx(180.0, abs=1e-3)
    assert c.h_perp == pytest.approx(2.6, abs=1e-5) and c.offset == pytest.approx(0.0, abs=1e-3)
    assert c.relation == "inter-molecular"


def test_ch_pi_thresholds_are_applied():
    # H 2.8 Å from Cg but 45° off the normal: out by the 40° rule, in with a 50° limit
    off = 2.8 * np.array([math.sin(math.radians(45)), 0, math.cos(math.radians(45))])
    st = parse_cif_text(_benzene_and_donor(tuple(off)))
    assert ch_pi_contacts(st).contacts == ()
    (c,) = ch_pi_contacts(st, max_gamma=50).contacts
    assert c.gamma == pytest.approx(45.0, abs=1e-3)
    assert c.offset == pytest.approx(2.8 * math.sin(math.radians(45)), abs=1e-4)
    # too far: 3.2 Å on the normal
    assert ch_pi_contacts(parse_cif_text(_benzene_and_donor((0, 0, 3.2)))).contacts == ()


# -- packing ---------------------------------------------------------------------------------------------------


def _one_atom_cif(centering_ops: list[str], a: float, element: str = "Ar") -> str:
    ops = "\n".join(f"'{o}'" for o in centering_ops)
    return (f"# SYNTHETIC - not a real structure\ndata_synthetic_{len(centering_ops)}\n_cell_length_a {a}\n"
            f"_cell_length_b {a}\n_cell_length_c {a}\n_cell_angle_alpha 90\n_cell_angle_beta 90\n"
            f"_cell_angle_gamma 90\nloop_\n_symmetry_equiv_pos_as_xyz\n{ops}\nloop_\n_atom_site_label\n"
            f"_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
            f"{element}1 {element} 0 0 0\n")


def test_packing_shells_of_simple_and_face_centred_cubic_lattices():
    sc = packing(parse_cif_text(_one_atom_cif(["x,y,z"], 10.0)))
    assert sc.n_units_cell == 1 and sc.nearest_distance == pytest.approx(10.0)
    assert (sc.shells[0].count, sc.shells[1].count) == (6, 12)
    assert sc.stacking.period == pytest.approx(10.0) and sc.stacking.stacks_per_cell == 1
    fcc = packing(parse_cif_text(_one_atom_cif(["x,y,z", "x,y+1/2,z+1/2", "x+1/2,y,z+1/2", "x+1/2,y+1/2,z"], 10.0)))
    assert fcc.n_units_cell == 4
    assert fcc.nearest_distance == pytest.approx(10 / math.sqrt(2))
    assert fcc.shells[0].count == 12  # close packing
    assert fcc.shells[1].count == 6 and fcc.shells[1].mean == pytest.approx(10.0)
    points = supercell_centroids(fcc, parse_cif_text(_one_atom_cif(["x,y,z"], 10.0)), (2, 2, 2))
    assert len(points) == 32


def test_packing_coefficient_of_one_sphere_per_cell():
    st = parse_cif_text(_one_atom_cif(["x,y,z"], 5.0))  # sphere centred on a corner: tests periodic images
    r = gemmi.Element("Ar").vdw_r
    value, se = packing_coefficient(st, n_points=200_000, seed=1)
    assert value == pytest.approx(4 / 3 * math.pi * r**3 / 125.0, abs=4 * se)
    assert packing_coefficient(st, n_points=200_000, seed=1) == (value, se)  # fixed seed: reproducible


def test_packing_of_real_structures():
    ti4 = packing(load_cif(ref(TI4)))
    assert ti4.unit_formula == "C29H68O16Ti4" and ti4.n_units_cell == 2
    assert ti4.nearest_distance == pytest.approx(9.5168, abs=1e-3)  # the a axis: molecules stack along [100]
    assert ti4.stacking.direction == (1, 0, 0)
    assert 0.55 < ti4.packing_coefficient < 0.8  # typical of molecular crystals (Kitaigorodskii)
    chain = packing(load_cif(ref(CUI)))
    assert chain.unit_dimensionality == 1 and chain.stacking.direction == (1, 0, 0)
    assert packing(load_cif(ref(FDDD))).shells == ()  # a 3D framework has no molecular packing units


# -- CLI JSON contract -----------------------------------------------------------------------------------------


def test_cli_structure_json_contract():
    proc = run_cli("structure", str(ref(CUI)), "--json", check_json=True)
    out = proc.json
    for key in ("formula_sum", "space_group", "cell", "z", "n_atoms_cell", "components", "warnings", "provenance"):
        assert key in out
    assert set(out["cell"]) == {"a", "b", "c", "alpha", "beta", "gamma", "volume"}
    assert out["n_atoms_cell"] == 40 and out["z"] == 1 and out["space_group"] == "P -1"
    (comp,) = out["components"]
    assert {"formula", "dimensionality", "n_atoms"} <= set(comp)
    assert (comp["formula"], comp["dimensionality"], comp["n_atoms"]) == ("C16H14Cu2I2N6", 1, 40)
    assert out["provenance"]["data_provenance"] == ["user"]


def _cli_json(capsys, *args: str):
    """Run the CLI in-process (same cli.main as the entry point) and parse its JSON output."""
    import json

    from ti10cu2_lib.cli import main

    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_bonds_angles_planes_contacts_coordination_packing_json(capsys):
    path = str(ref(CUI))
    bonds = _cli_json(capsys, "bonds", path, "--pair", "Cu-I")
    assert isinstance(bonds, list) and len(bonds) == 2
    assert all(set(b) == {"label1", "label2", "symop", "distance"} for b in bonds)
    assert {(b["symop"], round(b["distance"], 3)) for b in bonds} == {("1_555", 2.733), ("2_465", 2.789)}
    assert len(_cli_json(capsys, "bonds", path)) == 23
    assert _cli_json(capsys, "bonds", str(ref(CU)), "--long-contacts") == [
        {"label1": "Cu", "label2": "OW2", "symop": "1_555", "distance": 2.3917},
        {"label1": "Cu", "label2": "N7", "symop": "1_555", "distance": 2.8893}]
    angles = _cli_json(capsys, "angles", path, "--center", "Cu1")
    assert len(angles["angles"]) == 6 and angles["provenance"]["provenance"] == "computed"
    planes = _cli_json(capsys, "planes", path, "--atoms", "C4,C5,C6,C7,N3,C8", "--atoms", "N1,C1,C2,N2,C3")
    assert len(planes["planes"]) == 2 and planes["interplanar_angles"][0]["plane1"] == 1
    # the twist between the ligand's two rings; its N1-C3-C4-C8 torsion is 39.7° in the CIF
    assert 30 < planes["interplanar_angles"][0]["angle"] < 50
    contacts = _cli_json(capsys, "contacts", path)
    assert contacts["contacts"] == [] and "3.0" in contacts["criteria"]
    coord = _cli_json(capsys, "coordination", str(ref(CU)))
    assert coord["metals"][0]["jahn_teller_threshold"] == 2.3 and coord["mu_counts"] == {"free": 7, "μ1": 3}
    pack = _cli_json(capsys, "packing", path, "--supercell", "2,1,1")
    assert pack["n_units_cell"] == 1 and len(pack["supercell"]) == 2

    from ti10cu2_lib.cli import main

    assert main(["angles", path, "--center", "XX9"]) == 2
    assert "no atom site labelled 'XX9'" in capsys.readouterr().err
