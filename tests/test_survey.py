"""The CIF survey: rows per block, determinism across worker counts, resume, time limit, dummy atoms, CLI summary.

Real public files (the demo COD structures and a few cod-tools test inputs) are read in place. Each test starts a
small Dask LocalCluster (a few seconds); the whole-corpus run is in tests/test_survey_corpus.py.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import cloudpickle
import pandas as pd
import pytest

from tests.conftest import REFERENCE_DATA, run_cli
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.structure.cif import load_cif, parse_cif_text
from ti10cu2_lib.survey.descriptors import COLUMNS, block_row, survey_file
from ti10cu2_lib.survey.run import find_cifs, read_survey, run_survey

DEMO = DATA_DIR / "demo"
INPUTS = REFERENCE_DATA / "cod-tools-inputs" / "tests" / "inputs"
#: a readable entry, an unparsable file, bad symmetry operations, a multi-block file, a chain, a cluster
FEW = ["1518798.cif", "cifs-with-errors/2009397.cif", "irresolvable-symops.cif", "cif_fix_values/"
       "2001507_temperature_ambiant.cif", "cif_filter/cif1/7050234-non-ascii-text-field.cif"]


@pytest.fixture
def few_files(reference_data) -> list[str]:
    files = [str(INPUTS / name) for name in FEW] + [str(p) for p in sorted(DEMO.glob("*.cif"))]
    assert all(Path(f).is_file() for f in files)
    return files


def _stable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows without the timing column (the only one allowed to differ between runs)."""
    return frame.drop(columns=["elapsed_s"]).reset_index(drop=True)


def test_rows_do_not_depend_on_the_number_of_workers(tmp_path, few_files):
    one = run_survey(few_files, tmp_path / "one", workers=1, files_per_task=2, batch_files=3)
    two = run_survey(few_files, tmp_path / "two", workers=2, files_per_task=1, batch_files=4)
    assert (one.workers, two.workers) == (1, 2)
    a, b = read_survey(tmp_path / "one"), read_survey(tmp_path / "two")
    pd.testing.assert_frame_equal(_stable(a), _stable(b))
    assert list(a.columns) == list(COLUMNS)
    assert sorted(set(a["file"])) == sorted(few_files)  # every file has at least one row
    assert one.n_blocks == len(a) == one.n_ok + one.n_error + one.n_timeout
    bad = a[a["file"].str.endswith("irresolvable-symops.cif")]
    assert list(bad["status"]) == ["error"] and "symmetry operation" in bad["error"].iloc[0]
    assert not a["error"].str.contains("internal error|Traceback|\n").any()


def test_resume_after_an_interruption_gives_the_same_rows(tmp_path, few_files):
    full = tmp_path / "full"
    run_survey(few_files, full, workers=1, batch_files=2)
    cut = tmp_path / "cut"
    shutil.copytree(full, cut)
    parts = sorted(cut.glob("part-*.parquet"))
    assert len(parts) == 4  # 8 files in batches of 2
    for part in (parts[1], parts[3]):  # two batches lost (e.g. the run was killed while they were running)
        part.unlink()
    with pytest.raises(InputError, match="--resume"):
        run_survey(few_files, cut, workers=1)
    summary = run_survey(few_files, cut, workers=1, resume=True, batch_files=2)
    assert summary.n_skipped == 4 and summary.n_files == 8
    pd.testing.assert_frame_equal(_stable(read_survey(cut)), _stable(read_survey(full)))
    again = run_survey(few_files, cut, workers=1, resume=True)  # nothing left to do
    assert again.n_skipped == 8 and len(list(cut.glob("part-*.parquet"))) == 4


def hang_on_files_named_hang(path: str) -> list[dict]:
    """A stand-in analysis: a file whose name contains 'hang' holds the GIL in the regex engine (for hours)."""
    if "hang" in Path(path).name:
        re.match(r"(a+)+$", "a" * 64 + "b")
    return survey_file(path, mc_points=1000)


def crash_on_files_named_crash(path: str) -> list[dict]:
    """A stand-in analysis: a file whose name contains 'crash' kills its worker process (segmentation fault)."""
    if "crash" in Path(path).name:
        import ctypes

        ctypes.string_at(0)
    return survey_file(path, mc_points=1000)


def test_a_file_that_kills_its_worker_becomes_an_error_row(tmp_path):
    import tests.test_survey as this

    cloudpickle.register_pickle_by_value(this)
    crash = tmp_path / "crash.cif"
    shutil.copy(DEMO / "COD_7050234_Ti4_alkoxide.cif", crash)
    good = DEMO / "COD_1518798_Ru2Co_cyanide_chain.cif"
    summary = run_survey([crash, good], tmp_path / "out", workers=1, files_per_task=2,
                         analyse=crash_on_files_named_crash)
    rows = read_survey(tmp_path / "out").set_index("file")
    assert rows.loc[str(crash), "status"] == "error" and "worker process died" in rows.loc[str(crash), "error"]
    assert rows.loc[str(good), "status"] == "ok"  # retried alone on the restarted worker
    assert (summary.n_error, summary.n_ok) == (1, 1)


def test_a_hung_file_becomes_a_timeout_row_and_the_survey_goes_on(tmp_path):
    import tests.test_survey as this

    cloudpickle.register_pickle_by_value(this)  # the workers need not import the tests package
    hang = tmp_path / "hang.cif"
    shutil.copy(DEMO / "COD_7050234_Ti4_alkoxide.cif", hang)
    good = DEMO / "COD_1518798_Ru2Co_cyanide_chain.cif"
    start = time.perf_counter()
    summary = run_survey([hang, good], tmp_path / "out", workers=1, timeout_s=3, files_per_task=2,
                         analyse=hang_on_files_named_hang)
    assert time.perf_counter() - start < 90
    rows = read_survey(tmp_path / "out").set_index("file")
    assert rows.loc[str(hang), "status"] == "timeout" and "time limit of 3 s" in rows.loc[str(hang), "error"]
    assert rows.loc[str(good), "status"] == "ok"  # analysed after the worker was restarted
    assert (summary.n_timeout, summary.n_ok) == (1, 1)


def test_a_dummy_atom_is_skipped_and_changes_no_descriptor():
    path = DEMO / "COD_7050234_Ti4_alkoxide.cif"
    text = path.read_text(encoding="utf-8")
    first_site = "TI1 0.39264(7) 0.66559(5) 0.33277(4) 0.0425(4) Uani ? ? Ti\n"
    assert first_site in text
    with_dummy = text.replace(first_site, first_site + "Q1 0.5 0.5 0.5 0.05 Uiso ? ? X\n", 1)
    plain = block_row(load_cif(path), "f", mc_points=3000)
    dummy_structure = parse_cif_text(with_dummy, source="f")
    assert any("Q1 ('X')" in w for w in dummy_structure.warnings)
    dummy = block_row(dummy_structure, "f", mc_points=3000)
    assert dummy["status"] == "ok"
    assert dummy["n_warnings"] == plain["n_warnings"] + 1
    keep = [k for k in COLUMNS if k not in ("n_warnings", "elapsed_s")]
    assert {k: dummy[k] for k in keep} == {k: plain[k] for k in keep}


def test_known_descriptors_of_a_chain_and_a_cluster():
    """Hand-checked: the Ru2Co cyanide chain runs along c (period c = 13.037 Å in I41/a) and each unit has four
    neighbouring chains; the Ti4 alkoxide is a molecular crystal of Ti4 clusters, 2 per P-1 cell."""
    chain, cluster = (survey_file(DEMO / name, mc_points=3000)[0] for name in
                      ("COD_1518798_Ru2Co_cyanide_chain.cif", "COD_7050234_Ti4_alkoxide.cif"))
    c = load_cif(DEMO / "COD_1518798_Ru2Co_cyanide_chain.cif").cell.c
    assert (chain["dimensionality"], chain["chain_axis"]) == (1, "[0 0 1]")
    assert chain["chain_period_A"] == pytest.approx(c, abs=1e-6)
    assert chain["metal_elements"] == ["Co", "Ru"]
    assert (cluster["dimensionality"], cluster["units_per_cell"], cluster["z"]) == (0, 2, 2)
    assert cluster["unit_formula"] == cluster["formula"] == "C29H68O16Ti4"
    assert cluster["neighbour_distances_A"][0] == pytest.approx(cluster["nearest_centroid_A"])
    assert 0.5 < cluster["packing_coefficient"] < 0.8


def test_find_cifs_recurses_sorts_and_refuses_missing_paths(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/b/z.CIF", "a/y.cif", "a/notes.txt", "x.cif"):
        (tmp_path / name).write_text("data_x\n")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in find_cifs([tmp_path, tmp_path / "x.cif"])]
    assert found == ["a/b/z.CIF", "a/y.cif", "x.cif"]
    with pytest.raises(InputError, match="no such file"):
        find_cifs([tmp_path / "missing"])


def test_cli_json_summary(tmp_path):
    out = tmp_path / "s.parquet"
    proc = run_cli("survey", str(DEMO), "--out", str(out), "--workers", "1", "--json", check_json=True)
    summary = proc.json
    assert {"n_files", "n_blocks", "n_ok", "n_error", "wall_s"} <= set(summary)
    assert (summary["n_files"], summary["n_blocks"], summary["n_ok"], summary["n_error"]) == (3, 3, 3, 0)
    assert len(pd.read_parquet(out)) == 3  # the dataset directory reads as one table
    again = run_cli("survey", str(DEMO), "--out", str(out))
    assert again.returncode == 2 and "--resume" in again.stderr and "Traceback" not in again.stderr
    assert json.loads(run_cli("survey", str(DEMO), "--out", str(out), "--resume", "--json").stdout)["n_skipped"] == 3


def test_the_survey_tab_reads_the_table_named_by_the_environment(tmp_path, monkeypatch):
    from dashboard.tabs.survey import plotted, survey_table
    from ti10cu2_lib.survey.embedded import SURVEY_ENV, survey_table_path
    from ti10cu2_lib.survey.run import write_rows

    out = tmp_path / "mine.parquet"
    out.mkdir()
    rows = [r for name in ("COD_7050234_Ti4_alkoxide.cif", "COD_1518798_Ru2Co_cyanide_chain.cif")
            for r in survey_file(DEMO / name, mc_points=1000)]
    write_rows(rows, out / "part-000000.parquet")
    monkeypatch.setenv(SURVEY_ENV, str(out))
    assert survey_table_path() == out
    frame, meta, path = survey_table()
    assert path == out and meta["provenance"] == "computed" and len(frame) == 2
    assert list(plotted(frame)["dimensionality_label"]) == ["1D", "0D"]  # sorted by file name
    assert list(plotted(frame, "Ti")["file"]) == [str(DEMO / "COD_7050234_Ti4_alkoxide.cif")]
    proc = run_cli("serve", "--survey", str(tmp_path / "missing.parquet"))
    assert proc.returncode == 2 and "no survey table" in proc.stderr


def test_the_embedded_table_is_what_the_code_computes_from_its_sources(reference_data):
    """The shipped table lists its sources (one per COD id) and its demo rows are recomputed identically."""
    import pyarrow.parquet as pq

    from ti10cu2_lib.survey.embedded import EMBEDDED_PATH, embedded_sources

    table = pq.read_table(EMBEDDED_PATH)
    listed = json.loads(table.schema.metadata[b"sources"])
    sources = embedded_sources(reference_data)
    assert [s["file"] for s in listed] == [label for _, label in sources]
    assert len({s["cod_id"] for s in listed}) == len(listed) > 100
    assert table.schema.metadata[b"provenance"] == b"computed"
    shipped = read_survey(EMBEDDED_PATH).set_index("file")
    for cif, label in sources[:3]:  # the demo structures
        fresh = survey_file(cif)[0]
        fresh["file"] = label
        row = shipped.loc[label]
        for key in COLUMNS:
            if key not in ("file", "elapsed_s"):
                expected, got = fresh[key], row[key]
                assert (list(got) == list(expected)) if isinstance(expected, list) else \
                    (pd.isna(got) if expected is None else got == pytest.approx(expected)), key
