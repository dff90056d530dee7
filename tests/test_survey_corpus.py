"""The whole cod-tools test-input corpus (1157 real-world CIFs, many deliberately broken) through the survey on
2 workers: a row for every data block with atom sites (one error row for a file without any), a one-line error for
each failure, no internal error, no hang. ≈ 1–2 min; select or skip it with ``-m corpus`` / ``-m "not corpus"``."""

from __future__ import annotations

import pytest

from ti10cu2_lib.structure.cif import has_atom_sites, read_document
from ti10cu2_lib.survey.run import find_cifs, read_survey, run_survey

pytestmark = pytest.mark.corpus


def _expected_rows(file: str) -> list[str]:
    """The blocks a survey must give a row for: every block with atom sites; one '' row for a file that has none
    or cannot be read."""
    try:
        blocks = [b.name for b in read_document(file) if has_atom_sites(b)]
    except Exception:  # noqa: BLE001 — unreadable: one error row
        return [""]
    return blocks or [""]


def test_every_corpus_file_gives_rows_or_one_line_errors(tmp_path, reference_data):
    corpus = reference_data / "cod-tools-inputs"
    summary = run_survey([corpus], tmp_path / "corpus", workers=2, timeout_s=60)
    rows = read_survey(tmp_path / "corpus")
    files = find_cifs([corpus])
    assert summary.n_files == len(files) > 1100
    expected = sorted((f, b) for f in files for b in _expected_rows(f))
    assert sorted(zip(rows["file"], rows["block"], strict=True)) == expected
    assert set(rows["status"]) <= {"ok", "error", "timeout"}
    failed = rows[rows["status"] != "ok"]
    assert (failed["error"].str.len() > 0).all() and not failed["error"].str.contains("\n").any()
    assert not rows["error"].str.contains("internal error|Traceback").any(), \
        failed[failed["error"].str.contains("internal error")][["file", "error"]].to_string()
    assert summary.n_timeout == 0
    assert summary.n_ok > 800  # measured 895 of 1298 blocks
    ok = rows[rows["status"] == "ok"]
    assert ok["packing_coefficient"].between(0, 1).all() and ok["habit"].notna().all()
