"""CIF reading (structure/cif.py): real COD files, bad files, multi-block files, form recognition.

The COD files are read in place from ../shared/reference-data/cif (skipped when absent). Bad and
multi-block CIFs are synthetic, written into tmp_path by the tests themselves.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import gemmi
import pytest

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Provenance
from ti10cu2_lib.structure.bonds import COVALENT_RADII
from ti10cu2_lib.structure.cif import (
    block_names,
    format_formula,
    formula_of,
    load_cif,
    load_cif_blocks,
    parse_cif_text,
    parse_formula,
)
from ti10cu2_lib.structure.recognition import expected_form
from ti10cu2_lib.structure.symmetry import parse_symmetry_code, symmetry_code, triplet

from .conftest import run_cli

REF = Path(__file__).parents[1].parent / "shared" / "reference-data" / "cif"
SYNTHETIC_SP = Path(__file__).parent / "data" / "cif" / "synthetic_sp_composition.cif"

CUI = "COD_2231779_catena_CuI_imidazolylpyridine.cif"
TI4 = "COD_7050234_Ti4_alkoxide.cif"
CU = "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif"
FDDD = "COD_4111132_AgFe_MOF_large_cell.cif"


def ref(name: str) -> Path:
    path = REF / name
    if not path.is_file():
        pytest.skip(f"real reference CIF {name} not found under {REF} (needs ../shared/reference-data beside the repo)")
    return path


# -- real files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sg", "number", "z", "formula", "cell_a", "volume", "n_cell"), [
    (CUI, "P -1", 2, 1, "C16H14Cu2I2N6", 8.141, 473.1, 40),
    (TI4, "P -1", 2, 2, "C29H68O16Ti4", 9.5168, 2178.6, 234),
    (CU, "P 1 21/c 1", 14, 4, "C11H16CuN4O10", None, None, 168),
    (FDDD, "F d d d :2", 70, 16, "C54H36AgFeN9", 24.601, 26774, 1840),
])
def test_cod_files_load_with_their_cell_symmetry_and_formula(name, sg, number, z, formula, cell_a, volume, n_cell):
    st = load_cif(ref(name))
    assert st.space_group == sg
    assert st.space_group_number == number
    assert st.z == z
    assert format_formula(parse_formula(st.formula_sum)) == formula
    # the sites, expanded by symmetry and divided by Z, reproduce the CIF's sum formula
    assert formula_of(st) == formula
    if cell_a is not None:
        assert st.cell.a == pytest.approx(cell_a)
        assert st.cell.volume == pytest.approx(volume, rel=1e-3)
    # README's sites/cell column; gemmi's own expansion agrees
    assert st.n_atoms_cell == n_cell
    assert len(gemmi.read_small_structure(str(ref(name))).get_all_unit_cell_sites()) == n_cell
    assert st.database_code == name.split("_")[1]  # _cod_database_code kept as metadata
    assert st.origin.provenance is Provenance.USER
    assert st.origin.source == f"user file {name}"


def test_symmetry_operations_keep_cif_order_and_translations():
    st = load_cif(ref(FDDD))
    assert len(st.symops) == 32
    assert st.symops[1] == "-x+3/4, -y+3/4, z"
    assert st.ops.tran[9].tolist() == [1.25, 0.75, 0.5]  # '-x+5/4, -y+3/4, z+1/2' is not wrapped


def test_mis_encoded_utf8_text_field_loads():
    path = ref(TI4)
    raw = path.read_bytes()
    mojibake = b"\xc3\x83\xc2\x82\xc3\x82\xc2\xb52"  # "µ2" encoded to UTF-8 three times over
    assert mojibake in raw  # in _chemical_name_systematic
    st = load_cif(path)
    assert len(st.sites) == 117 and st.sites[0].label == "TI1" and st.sites[0].element == "Ti"
    # and really invalid UTF-8 (a Latin-1 byte) in a text field does not stop the reader either
    latin1 = raw.replace(mojibake, b"\xb52")
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert len(parse_cif_text(latin1.decode("utf-8", errors="replace")).sites) == 117


def test_large_fddd_file_reports_partial_occupancy_and_disorder_groups():
    st = load_cif(ref(FDDD))
    partial = set(st.disorder.partial_occupancy)
    assert {"C25", "C26", "C27", "C28", "C29", "C30", "C31", "C32"} <= partial
    assert len(partial) == 14
    assert st.disorder.disorder_groups == (-1,)
    assert any("partly occupied" in w and "C25" in w for w in st.warnings)
    assert any("disorder groups" in w for w in st.warnings)
    assert not st.disorder.missing_hydrogen


def test_missing_hydrogen_atoms_are_reported_not_fatal(tmp_path):
    text = ref(CUI).read_text()
    lines = [ln for ln in text.splitlines() if not (ln.startswith("H H") and "Uiso" in ln)]
    path = tmp_path / "synthetic_no_H.cif"
    path.write_text("\n".join(lines) + "\n")
    st = load_cif(path)
    assert not any(s.element == "H" for s in st.sites)
    assert st.disorder.missing_hydrogen
    assert any("no H atoms" in w and "H14" in w for w in st.warnings)
    assert formula_of(st) == "C16Cu2I2N6"


def test_formula_helpers():
    assert parse_formula("C16 H14 Cu2 I2 N6") == {"C": 16, "H": 14, "Cu": 2, "I": 2, "N": 6}
    assert parse_formula("C54 H36 Ag Fe N9")["Ag"] == 1
    assert parse_formula("C2 H5 D O0.5") == {"C": 2, "H": 6, "O": 0.5}
    assert format_formula({"O": 2, "H": 2, "Cu": 1, "C": 1}) == "CH2CuO2"
    assert format_formula({"O": 1, "Ti": 1, "Cl": 2}) == "Cl2OTi"  # no C: alphabetical (Hill)
    st = load_cif(ref(CU))
    assert formula_of(st.sites) == "C11H16CuN4O10"  # asymmetric unit = one formula unit here


def test_symmetry_codes_round_trip():
    assert parse_symmetry_code(".") == (0, (0, 0, 0))
    assert parse_symmetry_code("2") == (1, (0, 0, 0))
    assert parse_symmetry_code("2_465") == (1, (-1, 1, 0))
    assert parse_symmetry_code("27_565") == (26, (0, 1, 0))
    assert symmetry_code(1, (-1, 1, 0)) == "2_465"
    assert symmetry_code(0, (0, 0, 0)) == "1_555"
    with pytest.raises(ValueError):
        parse_symmetry_code("x,y,z")
    cui = load_cif(ref(CUI))
    assert triplet(cui.ops, 1, (-1, 1, 0)) == "-x-1,-y+1,-z"  # 2_465 as an operation
    assert triplet(load_cif(ref(FDDD)).ops, 26, (0, 1, 0)) == "x-1/4,-y+1,z-1/4"  # 27_565


def test_covalent_radii_are_corderos():
    # Cordero et al., Dalton Trans. 2008, 2832, Table 2 (C sp3; Fe low spin)
    for el, r in {"H": 0.31, "C": 0.76, "N": 0.71, "O": 0.66, "Ti": 1.60, "Cu": 1.32, "I": 1.39, "Fe": 1.32,
                  "Ag": 1.45, "Cl": 1.02, "Hf": 1.75, "Lu": 1.87}.items():
        assert COVALENT_RADII[el] == r
    # gemmi's table is Cordero's too, except C (sp2 0.73) and Lu/Hf, which gemmi has swapped
    differ = {el for el, r in COVALENT_RADII.items() if abs(gemmi.Element(el).covalent_r - r) > 0.005}
    assert differ == {"C", "Lu", "Hf"}


# -- multi-block files ----------------------------------------------------------------------------------


def _multi_block(tmp_path: Path) -> Path:
    cui = ref(CUI).read_text().replace("data_2231779", "data_chain_block", 1)
    ti4 = ref(TI4).read_text().replace("data_7050234", "data_ti4_block", 1)
    path = tmp_path / "synthetic_multiblock.cif"
    path.write_text("data_global\n_publ_contact_author_name 'Synthetic Test'\n\n" + cui + "\n" + ti4)
    return path


def test_multi_block_file_is_split_and_blocks_are_selectable(tmp_path):
    path = _multi_block(tmp_path)
    assert block_names(path) == [("global", False), ("chain_block", True), ("ti4_block", True)]
    assert load_cif(path).name == "chain_block"  # default: the first block with atoms
    assert load_cif(path, "ti4_block").z == 2
    assert load_cif(path, "data_TI4_BLOCK").name == "ti4_block"
    assert [b.name for b in load_cif_blocks(path)] == ["chain_block", "ti4_block"]
    with pytest.raises(InputError, match="no data block 'nope'.*chain_block"):
        load_cif(path, "nope")


# -- bad files -----------------------------------------------------------------------------------------


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Synthetic bad CIFs (derived from the real CuI file where a CIF body is needed)."""
    good = ref(CUI).read_text()
    out: dict[str, tuple[Path, str]] = {}

    def put(name: str, content: str | bytes, pattern: str) -> None:
        path = tmp_path / f"synthetic_{name}.cif"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        out[name] = (path, pattern)

    put("truncated_text_field", good[:6000], "truncated or corrupted")
    cut = good.index("H H2 0.1990") + 20
    put("truncated_in_loop", good[:cut], "Wrong number of values")
    put("no_cell", "\n".join(ln for ln in good.splitlines() if not ln.startswith(("_cell_length", "_cell_angle"))),
        "no unit cell")
    put("no_atoms", "data_synthetic\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n", "no atom sites")
    put("bad_symop", good.replace("'-x, -y, -z'", "'-x, -y, -q'"), "symmetry operation '-x, -y, -q' cannot be parsed")
    put("binary", bytes(range(256)) * 20, "binary")
    put("gzip", gzip.compress(good.encode()), "gzip")
    put("empty", "", "empty")
    put("not_cif", "this is not a CIF file\njust text\n", "not a readable CIF")
    huge = tmp_path / "synthetic_huge.cif"
    with open(huge, "wb") as fh:  # sparse: costs no disk space
        fh.truncate(51 * 1024 * 1024)
    out["huge"] = (huge, "larger than the 50 MiB limit")
    out["missing"] = (tmp_path / "synthetic_does_not_exist.cif", "file not found")
    return out


def test_bad_cifs_raise_input_error_naming_file_problem_and_fix(tmp_path):
    for name, (path, pattern) in _bad_files(tmp_path).items():
        with pytest.raises(InputError, match=pattern) as info:
            load_cif(path)
        message = str(info.value)
        assert message.startswith(str(path)), name
        assert "Fix:" in message and "\n" not in message, name


def test_bad_cifs_exit_2_through_the_cli(tmp_path, capsys):
    from ti10cu2_lib.cli import main

    files = _bad_files(tmp_path)
    # one real subprocess: the installed entry point's exit status and stderr
    path, pattern = files["truncated_text_field"]
    proc = run_cli("structure", str(path), "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    err = proc.stderr.strip()
    assert err.startswith("ti10cu2 structure: error:") and str(path) in err and re.search(pattern, err)
    assert len(err.splitlines()) == 1
    # the others in-process through the same cli.main (a subprocess costs seconds of imports each)
    for name in ("no_cell", "no_atoms", "bad_symop", "binary", "huge", "missing"):
        path, pattern = files[name]
        for command in (["structure"], ["bonds"], ["angles", "--center", "Cu1"]):
            assert main([command[0], str(path), *command[1:], "--json"]) == 2, (name, command)
            out = capsys.readouterr()
            assert out.out == ""
            assert out.err.startswith(f"ti10cu2 {command[0]}: error: {path}") and re.search(pattern, out.err), out.err
            assert len(out.err.strip().splitlines()) == 1


def test_symops_generated_from_the_space_group_when_missing(tmp_path):
    text = ref(CUI).read_text().replace("loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'-x, -y, -z'\n", "")
    path = tmp_path / "synthetic_no_symops.cif"
    path.write_text(text)
    st = load_cif(path)
    assert len(st.symops) == 2
    assert any("generated from the space group" in w for w in st.warnings)


# -- {Ti10Cu2} form recognition ---------------------------------------------------------------------------


def test_synthetic_sp_composition_is_recognised_as_sp():
    st = load_cif(SYNTHETIC_SP)
    match = expected_form(st)
    assert match.form == "sp"
    assert match.matched_by == "atom sites"


def _only_first_sites(path: Path, tmp_path: Path, keep: int) -> Path:
    """The fixture with all but its first ``keep`` atom sites removed (formula and space group still declared)."""
    lines = path.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Ti1 "))
    out = tmp_path / f"{path.stem}_first{keep}.cif"
    out.write_text("\n".join(lines[: first + keep]) + "\n")
    return out


def test_a_declared_formula_without_the_atoms_is_not_recognised(tmp_path):
    """The sum formula and P2_1/c of sp with one Ti site (an attack on import-cif): refused, saying why."""
    match = expected_form(load_cif(_only_first_sites(SYNTHETIC_SP, tmp_path, 1)))
    assert match.form is None
    text = " | ".join(match.mismatches)
    assert "not sp: atom sites (per formula unit, Z = 4) Ti" in text
    assert "although _chemical_formula_sum matches" in text


def test_a_wrong_z_is_caught_by_the_site_count(tmp_path):
    text = SYNTHETIC_SP.read_text().replace("_cell_formula_units_Z            4", "_cell_formula_units_Z 2")
    path = tmp_path / "synthetic_sp_z2.cif"
    path.write_text(text)
    match = expected_form(load_cif(path))
    # 2 × the formula per "formula unit": recognised as a multiple, with a note, never silently
    assert match.form == "sp" and any("2 × the sp formula" in n for n in match.notes)
    text = SYNTHETIC_SP.read_text().replace("_cell_formula_units_Z            4", "_cell_formula_units_Z 8")
    path.write_text(text)
    match = expected_form(load_cif(path))
    assert match.form is None and any("Ti 5 (expected 10)" in m for m in match.mismatches)


def test_sp_composition_in_the_wrong_space_group_is_not_sp(tmp_path):
    text = SYNTHETIC_SP.read_text().replace("_space_group_IT_number           14", "_space_group_IT_number 2")
    text = text.replace("_cell_formula_units_Z            4", "_cell_formula_units_Z 2")
    text = text.replace("'P 1 21/c 1'", "'P -1'").replace("'-x, y+1/2, -z+1/2'\n", "").replace(
        "'x, -y+1/2, z+1/2'\n", "")
    path = tmp_path / "synthetic_sp_wrong_sg.cif"
    path.write_text(text)
    match = expected_form(load_cif(path))
    assert match.form is None
    assert any("space group" in m and "P2_1/c" in m for m in match.mismatches)


def _synthetic_cs_without_h(tmp_path: Path) -> Path:
    """A P1 cell holding the non-H atoms of one cs repeat unit (C72Cu2O48Ti10) on a 3 Å grid: synthetic."""
    symbols = ["Ti"] * 10 + ["Cu"] * 2 + ["O"] * 48 + ["C"] * 72
    rows = []
    for k, el in enumerate(symbols):
        i, j, m = k % 6, (k // 6) % 6, k // 36
        rows.append(f"{el}{k + 1} {el} {(i + 0.5) / 6:.4f} {(j + 0.5) / 6:.4f} {(m + 0.5) / 6:.4f} 0.02 1")
    text = ("# SYNTHETIC - not a real structure: cs composition without H, atoms on a grid\n"
            "data_synthetic_cs_noH\n_cell_length_a 18\n_cell_length_b 18\n_cell_length_c 18\n"
            "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n_cell_formula_units_Z 1\n"
            "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n"
            "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
            "_atom_site_fract_z\n_atom_site_U_iso_or_equiv\n_atom_site_occupancy\n" + "\n".join(rows) + "\n")
    path = tmp_path / "synthetic_cs_noH.cif"
    path.write_text(text)
    return path


def test_cs_composition_without_h_is_recognised_from_non_h_elements(tmp_path):
    match = expected_form(load_cif(_synthetic_cs_without_h(tmp_path)))
    assert match.form == "cs"
    assert match.matched_by == "atom sites"
    assert any("only non-H elements" in n for n in match.notes)
    assert any("no space group" in n for n in match.notes)


@pytest.mark.parametrize("name", [CUI, TI4, CU, FDDD])
def test_cod_files_are_neither_form_with_precise_mismatches(name):
    st = load_cif(ref(name))
    match = expected_form(st)
    assert match.form is None
    text = " | ".join(match.mismatches)
    assert "not sp: _chemical_formula_sum" in text and "not cs: _chemical_formula_sum" in text
    assert "(expected 10)" in text  # Ti10 expected
    if name == TI4:
        assert "Ti 4 (expected 10)" in text and "O 16 (expected 50)" in text and "O 16 (expected 48)" in text


def test_database_codes_are_kept_and_multiples_of_the_formula_recognised(tmp_path):
    text = SYNTHETIC_SP.read_text().replace(
        "_chemical_formula_sum            'C74 H92 Cu2 O50 Ti10'",
        "_chemical_formula_sum 'C148 H184 Cu4 O100 Ti20'\n_database_code_depnum_ccdc_archive 'CCDC 0000000'\n"
        "_database_code_synthetic_test X1")
    path = tmp_path / "synthetic_sp_double.cif"
    path.write_text(text)
    st = load_cif(path)
    assert st.database_code == "CCDC 0000000"
    assert st.database_codes == {"_database_code_depnum_ccdc_archive": "CCDC 0000000",
                                 "_database_code_synthetic_test": "X1"}
    match = expected_form(st)
    assert match.form == "sp" and any("2 × the sp formula" in n for n in match.notes)
