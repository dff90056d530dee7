"""Importing deposited CIFs, fetching them (local HTTP server only), and the structural claims they unlock."""

from __future__ import annotations

import math
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data import datasets
from ti10cu2_lib.report.claims import Status, check_claims
from ti10cu2_lib.structure.deposit import import_cif
from ti10cu2_lib.structure.fetch import fetch_cif

from .conftest import REPO, run_cli

SYNTHETIC_SP = REPO / "tests" / "data" / "cif" / "synthetic_sp_composition.cif"


def synthetic_cu_site_cif(cu_o: list[float], methoxide: dict[int, float]) -> str:
    """SYNTHETIC (made here, not a real structure): one Cu with O at the given distances in a 20 Å P1 cell,
    carrying the sp sum formula. ``methoxide`` maps an O index to the Cu–O–C angle of a methyl C on that O."""
    directions = [(1, 0, 0), (0, 1, 0), (-1, 0, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
    cu = (10.0, 10.0, 10.0)
    rows = [("Cu1", "Cu", cu)]
    for i, (d, u) in enumerate(zip(cu_o, directions, strict=False)):
        o = tuple(c + d * x for c, x in zip(cu, u, strict=True))
        rows.append((f"O{i + 1}", "O", o))
        if i in methoxide:  # C at 1.42 Å from O, at the given Cu–O–C angle, in a plane containing Cu–O
            theta = math.radians(methoxide[i])
            back = tuple(-x for x in u)  # O→Cu direction
            perp = (0, 0, 1) if u[2] == 0 else (1, 0, 0)
            c_dir = tuple(math.cos(theta) * b + math.sin(theta) * p for b, p in zip(back, perp, strict=True))
            rows.append((f"C{i + 1}", "C", tuple(oo + 1.42 * x for oo, x in zip(o, c_dir, strict=True))))
    atoms = "\n".join(f"{label} {el} {x / 20:.6f} {y / 20:.6f} {z / 20:.6f} 0.02" for label, el, (x, y, z) in rows)
    return f"""# SYNTHETIC TEST STRUCTURE made by tests/test_deposit.py - not a real structure
data_synthetic_cu_site
_chemical_formula_sum 'C74 H92 Cu2 O50 Ti10'
_symmetry_space_group_name_H-M 'P 1 21/c 1'
_space_group_IT_number 14
_cell_length_a 20
_cell_length_b 20
_cell_length_c 20
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_space_group_symop_operation_xyz
'x, y, z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_U_iso_or_equiv
{atoms}
"""


# distances chosen so that min, max and mean equal the article's sp values (1.959, 2.863, 2.255 Å)
SP_LIKE = [1.959, 2.0694, 2.1819, 2.863, 1.98, 2.4767]
SP_ANGLES = {1: 134.655, 2: 118.907}


def test_import_recognises_sp_and_lists_it(tmp_path):
    imported = import_cif(SYNTHETIC_SP)
    assert [i.form for i in imported] == ["sp"]
    row = datasets.status_table().query("form == 'sp' and kind == 'structure'").iloc[0]
    assert row["provenance"] == "deposited"


def test_import_refuses_a_foreign_cif_with_precise_mismatches_and_stores_nothing(reference_data,
                                                                                  isolated_user_data):
    cod = reference_data / "cif" / "COD_7050234_Ti4_alkoxide.cif"
    with pytest.raises(InputError, match=r"Ti 4 \(expected 10\)"):
        import_cif(cod)
    assert not (isolated_user_data / "manifest.json").exists()
    proc = run_cli("import-cif", str(cod))
    assert proc.returncode == 2 and "--force" in proc.stderr


def test_cli_refuses_the_sp_formula_with_one_ti_atom_and_claims_stay_uncomputed(tmp_path, isolated_user_data):
    """The attack: sp's sum formula and P2_1/c declared, one Ti site. Nothing is stored; claims stay 'needs CIF'."""
    lines = SYNTHETIC_SP.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Ti1 "))
    bad = tmp_path / "one_ti.cif"
    bad.write_text("\n".join(lines[: first + 1]) + "\n")
    proc = run_cli("import-cif", str(bad))
    assert proc.returncode == 2 and "atoms missing or a wrong Z" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert not (isolated_user_data / "manifest.json").exists()
    checks = {(c.id, c.form): c for c in check_claims()}
    assert checks[("space_group", "sp")].status == Status.NEEDS_CIF


def test_force_imports_with_a_warning_in_the_source(reference_data):
    cod = reference_data / "cif" / "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif"
    imported = import_cif(cod, form="cs", force=True)
    assert imported[0].form == "cs"
    _, _, origin = datasets.deposited_structure("cs")
    assert "FORCED" in origin.source


def test_import_with_the_other_form_requested_is_refused():
    with pytest.raises(InputError, match="no block matches"):
        import_cif(SYNTHETIC_SP, form="cs")


@pytest.mark.parametrize("shift, expected", [(0.0, Status.REPRODUCED), (0.05, Status.NOT_REPRODUCED)])
def test_deposited_structure_makes_geometry_claims_computable(tmp_path, shift, expected):
    cif = tmp_path / "deposited_like.cif"
    cif.write_text(synthetic_cu_site_cif([d + shift for d in SP_LIKE], SP_ANGLES), encoding="utf-8")
    with pytest.raises(InputError, match="neither Z nor any connected component confirms"):
        import_cif(cif)  # one Cu site is not the sp cluster, whatever its declared formula
    import_cif(cif, form="sp", force=True)
    checks = {(c.id, c.form): c for c in check_claims()}
    for id in ("cu_o_min", "cu_o_max", "cu_o_mean", "cu_o_ome_1", "cu_o_ome_2"):
        assert checks[(id, "sp")].status == expected, checks[(id, "sp")]
        assert checks[(id, "sp")].data_provenance == "deposited"
    assert checks[("cu_o_c_angle_1", "sp")].status == Status.REPRODUCED
    assert checks[("cu_o_c_angle_2", "sp")].status == Status.REPRODUCED
    assert checks[("space_group", "sp")].status == Status.REPRODUCED
    assert checks[("plane_angle_ab", "sp")].status == Status.NOT_CHECKABLE
    assert checks[("cu_o_mean", "cs")].status == Status.NEEDS_CIF  # cs still has no structure


# ---------------------------------------------------------------- fetch (loopback only)
class _Handler(BaseHTTPRequestHandler):
    cif_bytes = b""

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server API
        if self.path.startswith("/good"):
            body = self.cif_bytes
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/html"):
            body = b"<!DOCTYPE html><html><body>Access Structures form</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/truncated"):
            body = self.cif_bytes
            self.send_response(200)
            self.send_header("Content-Length", str(2 * len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_error(404)


@pytest.fixture
def cif_server():
    _Handler.cif_bytes = SYNTHETIC_SP.read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _validate(path: Path) -> str:
    from ti10cu2_lib.structure.cif import load_cif

    return load_cif(path).name


def test_fetch_skips_404_html_and_truncated_and_takes_the_good_one(cif_server):
    urls = [f"{cif_server}/missing", f"{cif_server}/html", f"{cif_server}/truncated", f"{cif_server}/good"]
    path, attempts = fetch_cif(2277134, _validate, urls=urls)
    assert path is not None and path.read_bytes() == SYNTHETIC_SP.read_bytes()
    assert [a.ok for a in attempts] == [False, False, False, True]
    assert "404" in attempts[0].detail
    assert "not a usable CIF" in attempts[1].detail
    assert "truncated" in attempts[2].detail or "IncompleteRead" in attempts[2].detail
    path.unlink()


def test_fetch_gives_up_on_a_silent_server_within_the_deadline():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        start = time.monotonic()
        path, attempts = fetch_cif(2277134, _validate, urls=[f"http://127.0.0.1:{silent.getsockname()[1]}/x"],
                                   deadline=time.monotonic() + 1.5)
        assert path is None and time.monotonic() - start < 3.0
    finally:
        silent.close()


def test_cli_fetch_offline_fails_fast_with_the_manual_route(monkeypatch):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: like a machine without network
    monkeypatch.setenv("TI10CU2_CIF_URLS", f"http://127.0.0.1:{port}/{{ccdc}}.cif")
    start = time.monotonic()
    proc = run_cli("fetch-structures")
    assert proc.returncode == 2
    assert time.monotonic() - start < 10
    assert "import-cif" in proc.stderr and "2277134" in proc.stderr


def test_cli_fetch_imports_from_a_local_mirror(cif_server, monkeypatch):
    monkeypatch.setenv("TI10CU2_CIF_URLS", f"{cif_server}/good/{{ccdc}}.cif")
    out = run_cli("fetch-structures", "--json", check_json=True).json
    assert out["results"][0]["imported"][0]["form"] == "sp"
