"""Robust CIF loading: real broken files from cod-tools and synthetic ones give a result or one clear line.

Every error names the file once (and the site or line where known), every command refuses what the shared
loader refuses, and no structure without connectivity is reported as "0D". The cod-tools files are read in place
from ../shared/reference-data/cod-tools-inputs (skipped when absent); the synthetic files are written into
tmp_path from the real CuI CIF of ../shared/reference-data/cif.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.structure.cif import load_cif, parse_cif_text
from ti10cu2_lib.structure.topology import connected_components

CUI = "COD_2231779_catena_CuI_imidazolylpyridine.cif"  # P-1, symops 'x, y, z' and '-x, -y, -z'
CUI_SYMOPS = "loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'-x, -y, -z'\n"


@pytest.fixture
def cod_inputs(reference_data) -> Path:
    return reference_data / "cod-tools-inputs" / "tests" / "inputs"


@pytest.fixture
def cui_text(reference_data) -> str:
    text = (reference_data / "cif" / CUI).read_text()
    assert CUI_SYMOPS in text
    return text


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``ti10cu2 ARGV`` in-process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def refused(capsys, path: Path, command: str, *extra: str) -> str:
    """The one-line error of ``command path`` (exit status 2, nothing on stdout); it names the file once."""
    status, out, err = run(capsys, command, str(path), *extra, "--json")
    assert status == 2 and out == "", (status, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"ti10cu2 {command}: error: {path}: ") and lines[0].count(str(path)) == 1, err
    return lines[0]


def summary(capsys, path: Path, *extra: str) -> dict:
    status, out, err = run(capsys, "structure", str(path), *extra, "--json")
    assert status == 0, err
    return json.loads(out)


CU1_ROW = "Cu Cu1 -0.29230(10) 0.58503(11) -0.03571(10) 0.0494(2) Uani d . 1 1"


def with_row(text: str, row: str) -> str:
    """The CuI CIF with its Cu1 row replaced by ``row`` (same columns: type, label, x, y, z, U, …, occupancy, …)."""
    assert CU1_ROW in text
    return text.replace(CU1_ROW, row)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


# -- symmetry operations: each invertible, together a group, each a symmetry of the cell ----------------------


@pytest.mark.parametrize("folder", ["", "cifs-with-errors", "cod-with-errors"])
@pytest.mark.parametrize("command", ["structure", "bonds"])
def test_operations_that_are_no_group_are_refused_not_a_keyerror(capsys, cod_inputs, folder, command):
    """2009397: R3 listed with '0.6667+y,0.3333-x,…' (a fourfold axis): the topology crashed with KeyError 68."""
    line = refused(capsys, cod_inputs / folder / "2009397.cif", command)
    assert "do not form a group" in line and "'0.6667-y,0.3333+x-y,0.3333+z'" in line
    assert "_symmetry_equiv_pos_as_xyz loop at line 36" in line


@pytest.mark.parametrize("command", ["structure", "bonds", "angles"])
def test_singular_operation_is_refused_at_load(capsys, tmp_path, cui_text, command):
    path = write(tmp_path, "synthetic_singular_symop.cif",
                 cui_text.replace(CUI_SYMOPS, "loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'x, y, x'\n"))
    extra = ("--center", "Cu1") if command == "angles" else ()
    line = refused(capsys, path, command, *extra)
    assert "symmetry operation 2 'x, y, x' is not invertible (its rotation part has determinant 0" in line


@pytest.mark.parametrize("command", ["structure", "bonds"])
def test_real_singular_operation_and_irresolvable_operations(capsys, cod_inputs, command):
    line = refused(capsys, cod_inputs / "cif_fix_values" / "2001507_temperature_ambiant.cif", command)
    assert "symmetry operation 1 'x,y,x' is not invertible" in line and "line 91" in line
    line = refused(capsys, cod_inputs / "irresolvable-symops.cif", command)
    assert "'-x,-x,-x' is not invertible" in line


def test_operations_without_the_identity_are_refused(capsys, cod_inputs):
    """8103382 lists three operations of Pna2_1 but not x,y,z: it was analysed (exit 0) with a quarter missing."""
    line = refused(capsys, cod_inputs / "8103382.cif", "structure")
    assert "the identity 'x,y,z' is not in the list" in line


@pytest.mark.parametrize("name", ["cif_fix_values/2001507_temperature_ambiant.cif", "irresolvable-symops.cif"])
def test_pxrd_refuses_the_same_operations_at_load(capsys, cod_inputs, name):
    assert "is not invertible" in refused(capsys, cod_inputs / name, "pxrd")


def test_operation_that_is_no_symmetry_of_the_cell_is_refused(tmp_path, cui_text):
    """A fourfold axis in a triclinic cell is a group but changes the cell's lengths: refused."""
    path = write(tmp_path, "synthetic_fourfold_in_triclinic.cif", cui_text.replace(
        CUI_SYMOPS, "loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'-y, x, z'\n'-x, -y, z'\n'y, -x, z'\n"))
    with pytest.raises(InputError, match=r"operation 2 '-y, x, z' is not a symmetry of this cell"):
        load_cif(path)


def test_the_multiplication_table_drives_the_topology(reference_data):
    """Closed operations give a full table (op_a∘op_b in the list); the components are those of before."""
    st = load_cif(reference_data / "cif" / "COD_4111132_AgFe_MOF_large_cell.cif")
    assert (st.ops.table >= 0).all() and st.ops.table.shape == (32, 32)
    assert sorted(st.ops.table[0]) == list(range(32))  # the identity times each operation
    topo = connected_components(st)
    assert topo.determined and topo.dimensionality == 3


# -- sites: occupancy, coordinates, dummy atoms, repeated sites ------------------------------------------------


def test_occupancy_of_5_is_refused_by_every_command(capsys, cod_inputs):
    """1000451: H8 has occupancy 5; 'structure' summarised it (exit 0) while 'pxrd' refused it (same words)."""
    path = cod_inputs / "1000451.cif"
    for command in ("structure", "bonds"):
        line = refused(capsys, path, command)
        assert "site 'H8' has occupancy 5, outside 0–1 (_atom_site_label loop at line" in line


def test_zero_occupancy_sites_are_skipped_with_a_warning(capsys, cod_inputs, cui_text):
    data = summary(capsys, cod_inputs / "2208311-zero-occupancies.cif")
    assert "2 site(s) with occupancy 0 skipped: CG1, CG2" in data["warnings"]
    extra = CU1_ROW + "\nCu Cu9 0.1 0.2 0.3 0.05 Uiso d . 0 1"
    st = parse_cif_text(with_row(cui_text, extra))
    assert "Cu9" not in st.labels and any("occupancy 0 skipped: Cu9" in w for w in st.warnings)


def test_occupancy_above_one_is_refused_naming_file_site_and_line(tmp_path, cui_text):
    path = write(tmp_path, "synthetic_occupancy_5.cif",
                 with_row(cui_text, CU1_ROW.replace("Uani d . 1 1", "Uani d . 5 1")))
    with pytest.raises(InputError, match=r"site 'Cu1' has occupancy 5, outside 0–1 \(_atom_site_label loop at "
                                         r"line 212\)") as info:
        load_cif(path)
    assert str(info.value).startswith(f"{path}: block 2231779: ")


def test_sites_without_coordinates_are_refused_naming_them(tmp_path, cui_text):
    path = write(tmp_path, "synthetic_no_x.cif", with_row(cui_text, CU1_ROW.replace("-0.29230(10)", "?")))
    with pytest.raises(InputError, match=r"site\(s\) without numeric coordinates: Cu1 "
                                         r"\(_atom_site_label loop at line 212\)"):
        load_cif(path)


def test_pxrd_refuses_sites_without_coordinates_instead_of_null_intensities(capsys, tmp_path, cui_text):
    path = write(tmp_path, "synthetic_no_x.cif", with_row(cui_text, CU1_ROW.replace("-0.29230(10)", "?")))
    assert "without numeric coordinates: Cu1" in refused(capsys, path, "pxrd")


def test_dummy_atom_is_skipped_with_a_warning_not_a_refusal(capsys, cod_inputs):
    """00993 (water as 'WatII' … pseudo-atoms): refused whole before ('no covalent radius for element X', no file
    named); now the zeolite framework is analysed and the skipped sites are listed."""
    data = summary(capsys, cod_inputs / "00993.cif")
    assert any("8 dummy or pseudo-atom site(s) skipped" in w and "WatII ('WatII')" in w for w in data["warnings"])
    assert data["dimensionality"] == 3


def test_mineral_site_symbols_are_read_by_their_first_letter(capsys, cod_inputs):
    """Pectolite (9000612): oxygens typed 'Oa1'… were dummies; without them Ca, Mn, Si were 'isolated atoms'."""
    data = summary(capsys, cod_inputs / "9000612.cif")
    assert data["dimensionality"] == 3
    assert any("Oa1 → O" in w for w in data["warnings"])
    water = summary(capsys, cod_inputs / "AMCSD" / "2023-11-12" / "00599.cif")  # 'Wat1' is H2O as one scatterer
    assert any("pseudo-atom" in w and "Wat1 ('Wat1')" in w for w in water["warnings"])


def test_repeated_sites_are_dropped_and_the_formula_is_right(capsys, cod_inputs):
    """1523050 lists the Tl–Te cell nine times over (P1, copies at x±1, y±1): 108 atoms per cell for Te4Tl8."""
    data = summary(capsys, cod_inputs / "polymers" / "1523050.cif")
    assert data["formula_from_sites"] == "Te4Tl8" and data["n_atoms_cell"] == 12
    assert any("repeat an earlier site" in w and "Te2_1_445 = Te2" in w for w in data["warnings"])


def test_no_covalent_radius_names_file_and_site(capsys, tmp_path, cui_text):
    path = write(tmp_path, "synthetic_einsteinium.cif", with_row(cui_text, CU1_ROW.replace("Cu Cu1", "Es Cu1")))
    line = refused(capsys, path, "bonds")
    assert "site 'Cu1' (type symbol 'Es'): no covalent radius for element 'Es'" in line


def test_dummy_site_in_a_good_file_changes_nothing_but_a_warning(tmp_path, cui_text):
    st = parse_cif_text(with_row(cui_text, CU1_ROW + "\nX Q1 0.1 0.2 0.3 0.05 Uiso d . 1 1"))
    assert "Q1" not in st.labels and st.n_atoms_cell == 40
    assert any("Q1 ('X')" in w for w in st.warnings)


# -- connectivity: intermetallics, structures without bonds, speed -------------------------------------------


@pytest.mark.parametrize(("name", "formula"), [("polymers/2018417.cif", "Ni18.96Sn16Zn4"),
                                               ("spacegroup-builder/cif/2310225.cif", "Na32Pb32"),
                                               ("spacegroup-builder/cif/2107148.cif", None)])
def test_intermetallics_are_frameworks_not_isolated_atoms(capsys, cod_inputs, name, formula):
    data = summary(capsys, cod_inputs / name)
    assert data["dimensionality"] == 3
    assert all(c["dimensionality"] == 3 for c in data["components"])
    assert formula is None or data["components"][0]["formula"] == formula
    assert any("metal–metal contact(s)" in w for w in data["warnings"])
    status, out, _ = run(capsys, "bonds", str(cod_inputs / name))
    assert status == 0 and "note: no bond but metal–metal contacts" in out


def test_structure_without_any_bond_has_no_dimensionality(capsys, cod_inputs):
    """One H atom in a cell: 'undetermined' (JSON null) with a note, never '0D'."""
    path = cod_inputs / "cif2cod" / "gofref_items.cif"
    data = summary(capsys, path)
    assert data["dimensionality"] is None and data["components"][0]["dimensionality"] is None
    assert any("dimensionality is undetermined" in w for w in data["warnings"])
    status, out, _ = run(capsys, "structure", str(path))
    assert status == 0 and "undetermined" in out and " 0D " not in out


def test_large_intermetallic_cell_takes_seconds_not_a_minute(capsys, cod_inputs):
    """2104374 (F-43m, 7296 atoms per cell) took 58 s: the component classes searched every image per operation."""
    start = time.perf_counter()
    data = summary(capsys, cod_inputs / "2104374.cif")
    assert time.perf_counter() - start < 10.0
    assert data["dimensionality"] == 3 and data["n_atoms_cell"] == 7296


def test_every_bond_is_an_edge_both_ways():
    """A bond found from one end only (rounding at the cut-off) still joins both atoms' components."""
    import numpy as np

    from ti10cu2_lib.structure.topology import _both_directions

    edges = [(0, 1, np.array([0, 1, 0]), None), (1, 2, np.array([0, 0, 0]), None), (2, 1, np.array([0, 0, 0]), None)]
    both = _both_directions(edges)
    assert len(both) == 4 and both[3][:2] == (1, 0) and both[3][2].tolist() == [0, -1, 0]


# -- reading the file: CIF 2.0, UTF-16, named pipes, long names -----------------------------------------------


def test_cif2_files_are_named_as_cif2(capsys, tmp_path, cui_text):
    path = write(tmp_path, "synthetic_cif2_list.cif", "#\\#CIF_2.0\n" + cui_text.replace(
        "_cell_length_a", "_synthetic_list [1 2 3]\n_cell_length_a", 1))
    line = refused(capsys, path, "structure")
    assert "CIF 2.0 is not supported" in line and "truncated or corrupted" not in line
    readable = write(tmp_path, "synthetic_cif2_plain.cif", "#\\#CIF_2.0\n" + cui_text)
    assert summary(capsys, readable)["formula_from_sites"] == "C16H14Cu2I2N6"


def test_real_cif2_files_are_never_called_corrupted(capsys, cod_inputs):
    cif2 = [p for p in sorted(cod_inputs.rglob("*.cif")) if p.read_bytes().startswith(b"#\\#CIF_2.0")]
    assert len(cif2) > 80
    for path in cif2:
        status, _, err = run(capsys, "structure", str(path), "--json")
        assert status in (0, 2) and "truncated or corrupted" not in err, err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_bom_text_is_decoded(tmp_path, cui_text, encoding):
    path = write(tmp_path, f"synthetic_{encoding}.cif", cui_text.encode(encoding))
    assert load_cif(path).z == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipe_is_not_a_regular_file(capsys, tmp_path):
    path = tmp_path / "synthetic_pipe.cif"
    os.mkfifo(path)
    line = refused(capsys, path, "structure")
    assert "is not a regular file (a named pipe" in line and "empty" not in line


def test_quoted_user_text_is_clipped(capsys, tmp_path, cui_text):
    long_symop = "'-x, -y, -q" + "+1" * 500 + "'"
    path = write(tmp_path, "synthetic_long_symop.cif", cui_text.replace("'-x, -y, -z'", long_symop))
    line = refused(capsys, path, "structure")
    assert "cannot be parsed" in line and len(line) < 600
    path = write(tmp_path, "synthetic_ok.cif", cui_text)
    line = refused(capsys, path, "structure", "--block", "b" * 5000)
    assert "no data block 'bbb" in line and len(line) < 600


def test_symmetry_operations_that_are_no_group_never_reach_gemmi_group_code(cod_inputs):
    """cod-tools' irresolvable-symops.cif ('-x,-x,-x', determinant 0) crashed `ti10cu2 morphology` with a segmentation
    fault inside gemmi's systematic-absence code; it must be a one-line error (run in a subprocess: a crash of the
    interpreter would otherwise take the test run with it)."""
    import subprocess
    import sys

    path = cod_inputs / "irresolvable-symops.cif"
    for command in ("morphology", "pxrd"):
        proc = subprocess.run([sys.executable, "-m", "ti10cu2_lib.cli", command, str(path)], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 2, (command, proc.returncode, proc.stderr[-500:])
        assert "not invertible" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
