"""Every CIF of cod-tools' test inputs (1158 real-world files, many broken on purpose) through the CLI.

``structure --json``, ``bonds --json`` and ``pxrd --json`` run in-process through ``ti10cu2_lib.cli.main`` (stdout
and stderr captured, two worker processes) on every ``*.cif`` under ../shared/reference-data/cod-tools-inputs
(read in place; skipped when absent), and every data block of every file goes through the CIF loader. Asserted
for each run: exit status 0 or 2 only; no exception escapes; no Python or numpy warning; an exit-2 stderr is
exactly one line, ``ti10cu2 COMMAND: error: FILE: …``, naming the file; an exit-0 stdout is JSON, and a pattern
has no null/NaN intensity; no file takes more than :data:`MAX_SECONDS_PER_FILE` for one command.

Measured on 2 cores (default settings, pxrd up to 2θ = 50° on every file, no subset): structure + bonds ≈ 40 s
wall, pxrd ≈ 40 s, every block ≈ 5 s; the slowest file is 2104374.cif (F-43m, 7296 atoms per cell) at 2–5 s for
``structure``. A summary (files, ok/refused counts, wall time, slowest file) is printed (``pytest -s``).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import multiprocessing
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.structure.cif import has_atom_sites, read_document, structure_from_block, user_origin

MAX_SECONDS_PER_FILE = 10.0
WORKERS = 2


@dataclass(frozen=True)
class Outcome:
    """One command on one file: exit status (or 'exception'), wall seconds, and what was wrong (empty: nothing)."""

    file: str
    command: str
    status: int | str
    seconds: float
    problem: str = ""


@pytest.fixture(scope="module")
def corpus_files() -> list[Path]:
    from .conftest import REFERENCE_DATA

    root = REFERENCE_DATA / "cod-tools-inputs"
    if not root.is_dir():
        pytest.skip(f"cod-tools inputs not found at {root} (needs ../shared/reference-data beside the repo)")
    files = sorted(root.rglob("*.cif"))
    assert len(files) > 1100
    return files


def run_command(command: str, path: Path) -> Outcome:
    """``ti10cu2 COMMAND PATH --json`` in this process, checked (see the module docstring)."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status: int | str = main([command, str(path), "--json"])
        except BaseException as exc:  # noqa: BLE001 - exactly what must never happen
            status = "exception"
            problem = f"{type(exc).__name__}: {exc} at {traceback.format_exc().splitlines()[-3].strip()}"
            return Outcome(str(path), command, status, time.perf_counter() - start, problem[:300])
    seconds = time.perf_counter() - start
    problem = _problem(command, path, status, out.getvalue(), err.getvalue())
    if not problem and caught:
        problem = f"warning leaked: {caught[0].category.__name__}: {caught[0].message}"
    return Outcome(str(path), command, status, seconds, problem[:300])


def _problem(command: str, path: Path, status: int, stdout: str, stderr: str) -> str:
    if status == 2:
        lines = stderr.strip().splitlines()
        if stdout or len(lines) != 1 or not lines[0].startswith(f"ti10cu2 {command}: error: {path}: "):
            return f"exit 2 but not one line naming the file: {stderr!r}"
        return ""
    if status != 0:
        return f"exit status {status}"
    try:
        data = json.loads(stdout)
    except ValueError as exc:
        return f"exit 0 but no JSON ({exc})"
    if command == "pxrd":
        intensities = [p["intensity"] for p in data["peaks"]] + data["pattern"]["intensity"]
        if not intensities or any(v is None or not math.isfinite(v) for v in intensities):
            return "exit 0 with null or NaN intensities"
    return ""


def _run_file(job: tuple[tuple[str, ...], Path]) -> list[Outcome]:
    commands, path = job
    return [run_command(command, path) for command in commands]


def run_corpus(commands: tuple[str, ...], files: list[Path]) -> tuple[list[Outcome], float]:
    """Every command on every file with :data:`WORKERS` forked processes; (outcomes, wall seconds)."""
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        outcomes = [o for result in pool.imap(_run_file, [(commands, f) for f in files], chunksize=4)
                    for o in result]
    return outcomes, time.perf_counter() - start


def check(outcomes: list[Outcome], wall: float, n_files: int) -> None:
    """Print the figures, then fail listing every problem and every run slower than the guard."""
    for command in sorted({o.command for o in outcomes}):
        mine = [o for o in outcomes if o.command == command]
        slowest = max(mine, key=lambda o: o.seconds)
        counts = {s: sum(1 for o in mine if o.status == s) for s in (0, 2, "exception")}
        print(f"\n{command}: {n_files} files, {counts[0]} ok, {counts[2]} refused (exit 2), "
              f"{counts['exception']} exceptions; CPU {sum(o.seconds for o in mine):.0f} s; slowest "
              f"{Path(slowest.file).name} {slowest.seconds:.1f} s")
    print(f"wall time {wall:.0f} s on {WORKERS} workers")
    problems = [f"{o.command} {o.file}: {o.problem}" for o in outcomes if o.problem]
    slow = [f"{o.command} {o.file}: {o.seconds:.1f} s" for o in outcomes if o.seconds > MAX_SECONDS_PER_FILE]
    assert not problems, f"{len(problems)} bad outcome(s):\n" + "\n".join(problems[:40])
    assert not slow, f"over {MAX_SECONDS_PER_FILE:g} s per file:\n" + "\n".join(slow)


def test_structure_and_bonds_over_the_corpus(corpus_files):
    outcomes, wall = run_corpus(("structure", "bonds"), corpus_files)
    check(outcomes, wall, len(corpus_files))


def test_pxrd_over_the_corpus(corpus_files):
    outcomes, wall = run_corpus(("pxrd",), corpus_files)
    check(outcomes, wall, len(corpus_files))


def test_every_block_of_every_file_loads_or_is_refused(corpus_files):
    """The loader on every data block with atom sites, not only the first: a structure or an InputError."""
    counts = {"files": 0, "unreadable": 0, "blocks": 0, "with atoms": 0, "ok": 0, "refused": 0}
    for path in corpus_files:
        counts["files"] += 1
        try:
            doc = read_document(path)
        except InputError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
            counts["unreadable"] += 1
            continue
        for block in doc:
            counts["blocks"] += 1
            if not has_atom_sites(block):
                continue
            counts["with atoms"] += 1
            try:
                structure_from_block(block, source=str(path), origin=user_origin(path))
                counts["ok"] += 1
            except InputError as exc:
                assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
                counts["refused"] += 1
    print("\n" + ", ".join(f"{v} {k}" for k, v in counts.items()))
    assert counts["ok"] > 800
