"""Run a survey of many CIFs on Dask (``dask.distributed``) into a Parquet dataset, resumable, with a time limit.

* Engine: a ``LocalCluster`` of ``workers`` single-threaded worker processes (default), or any running scheduler
  by address (``dask scheduler`` + ``dask worker`` on several hosts, or dask-jobqueue on SLURM/PBS).
* Tasks: a few files each (``files_per_task``), at most one per worker thread in flight, so the driver knows when a
  task started. Output: a directory ``OUT`` of Parquet parts ``part-NNNNNN.parquet``, one per batch of
  ``batch_files`` files, written (atomically) as soon as every file of the batch is done: a run never holds more
  than the rows of the batches in flight, and ``resume`` skips every file already in a part.
* Time limit (``timeout_s`` per file): Dask cannot interrupt a running task, and a hung C-extension call holding
  the GIL would block any watchdog thread inside the worker, so the watchdog is the driver. A task running longer
  than the limit is cancelled and its worker process restarted by its nanny (``Client.restart_workers``); a
  several-file task is then retried file by file, and a single file over the limit gets a ``"timeout"`` row. A task
  whose worker process dies (e.g. a segmentation fault in a compiled library) is retried file by file the same way;
  the file that kills its worker alone gets an ``"error"`` row.
* Deterministic: the rows (sorted by file and block) do not depend on the number of workers; only ``elapsed_s``
  varies between runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.survey.descriptors import COLUMNS, error_row, survey_file

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_FILES_PER_TASK = 8
DEFAULT_BATCH_FILES = 256
#: How often (s) the driver checks the running tasks against the time limit.
POLL_S = 0.5
PART_GLOB = "part-*.parquet"
CIF_SUFFIXES = (".cif",)

_ARROW_TYPES = {"string": pa.string(), "int32": pa.int32(), "float64": pa.float64(),
                "list<float64>": pa.list_(pa.float64()), "list<string>": pa.list_(pa.string()),
                "list<int32>": pa.list_(pa.int32())}


def arrow_schema(metadata: dict[str, str] | None = None) -> pa.Schema:
    """The Parquet schema of a survey row (:data:`~.descriptors.COLUMNS`), with the descriptions as field metadata.

    Example:
        >>> arrow_schema().field("packing_coefficient").type
        DataType(double)
    """
    fields = [pa.field(name, _ARROW_TYPES[kind], metadata={"description": text})
              for name, (kind, text) in COLUMNS.items()]
    base = {"provenance": "computed", "method": "ti10cu2 survey (ti10cu2_lib.survey)"}
    return pa.schema(fields, metadata={**base, **(metadata or {})})


def find_cifs(paths: Iterable[str | Path]) -> list[str]:
    """Every CIF under ``paths`` (folders recursively, ``*.cif`` in any case; a file named directly is taken as it
    is), sorted, without duplicates.

    Example:
        >>> from ti10cu2_lib.core.paths import DATA_DIR
        >>> [Path(p).name for p in find_cifs([DATA_DIR / "demo"])][:1]
        ['COD_1501469_Cu_carboxyphenylazo_barbiturate.cif']
    """
    found: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.add(str(path))
        elif path.is_dir():
            found.update(str(p) for p in path.rglob("*") if p.suffix.lower() in CIF_SUFFIXES and p.is_file())
        else:
            raise InputError("no such file or folder", path=path, fix="give CIF files or folders that hold them")
    return sorted(found)


def write_rows(rows: Sequence[dict[str, Any]], path: str | Path, metadata: dict[str, str] | None = None) -> None:
    """Write ``rows`` (sorted by file and block) to one Parquet file, atomically (a temporary file renamed)."""
    path = Path(path)
    ordered = sorted(rows, key=lambda r: (r["file"], r["block_index"], r["block"]))
    table = pa.Table.from_pylist(list(ordered), schema=arrow_schema(metadata))
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _parts(out: Path) -> list[Path]:
    return sorted(out.glob(PART_GLOB)) if out.is_dir() else []


def done_files(out: str | Path) -> set[str]:
    """The files that already have rows in the survey dataset ``out`` (what ``resume`` skips)."""
    done: set[str] = set()
    for part in _parts(Path(out)):
        done.update(pq.read_table(part, columns=["file"]).column("file").to_pylist())
    return done


def read_survey(path: str | Path, columns: Sequence[str] | None = None):
    """The survey table (pandas DataFrame) of a dataset directory or a single Parquet file, sorted by file and
    block; ``columns`` to read only some."""
    import pandas as pd  # local: the CLI imports this module before it needs pandas

    path = Path(path)
    files = _parts(path) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise InputError("no survey table here", path=path, fix="give the --out of a 'ti10cu2 survey' run")
    wanted = None if columns is None else list(dict.fromkeys([*columns, "file", "block_index", "block"]))
    frame = pd.concat([pq.read_table(f, columns=wanted).to_pandas() for f in files], ignore_index=True)
    frame = frame.sort_values(["file", "block_index", "block"], kind="stable").reset_index(drop=True)
    return frame if columns is None else frame[list(columns)]


def analyse_files(files: Sequence[str], analyse: Callable[[str], list[dict]] = survey_file) -> list[dict]:
    """The task a worker runs: the rows of ``files``, in order (``analyse`` never raises for a bad file)."""
    return [row for file in files for row in analyse(file)]


@dataclass(frozen=True)
class SurveySummary:
    """What a run did: files found and skipped (``resume``), rows by status over the whole dataset, wall time (s)."""

    n_files: int
    n_skipped: int
    n_blocks: int
    n_ok: int
    n_error: int
    n_timeout: int
    wall_s: float
    workers: int
    out: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@contextlib.contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: to the scheduler at ``scheduler``, or to a new ``LocalCluster`` of ``workers``
    single-threaded worker processes (a task that kills its worker is not retried on another one)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc})",
                             fix="start it with 'dask scheduler' (and workers with 'dask worker ADDRESS') or omit "
                                 "--scheduler to run on this machine") from None
        with client:
            yield client
        return
    if workers < 1:
        raise InputError(f"--workers {workers} is not a positive number", fix="give e.g. --workers 2")
    config = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(config), LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


@dataclass
class _Batch:
    """Files of one output part, the rows received so far and how many files are still running."""

    index: int
    remaining: int
    rows: list


@dataclass
class _Task:
    files: tuple[str, ...]
    batch: _Batch
    deadline: float


def run_survey(paths: Iterable[str | Path], out: str | Path, *, workers: int = 2, scheduler: str | None = None,
               resume: bool = False, timeout_s: float = DEFAULT_TIMEOUT_S,
               files_per_task: int = DEFAULT_FILES_PER_TASK, batch_files: int = DEFAULT_BATCH_FILES,
               progress: bool = False, client: Any = None,
               analyse: Callable[[str], list[dict]] = survey_file) -> SurveySummary:
    """Survey every CIF under ``paths`` into the Parquet dataset directory ``out`` (see the module docstring).

    ``client``: an existing ``distributed.Client`` (else one is made by :func:`dask_client`); ``analyse``: the
    function turning one file into rows (default :func:`~.descriptors.survey_file`).
    """
    if timeout_s <= 0:
        raise InputError(f"time limit {timeout_s} s is not positive", fix="give e.g. --timeout-s 60")
    start = time.perf_counter()
    out = Path(out)
    files = find_cifs(paths)
    if not files:
        raise InputError("no CIF files (*.cif) under the given paths", fix="check the paths")
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a survey dataset directory", path=out, fix="choose another --out")
    if _parts(out) and not resume:
        raise InputError("already holds a survey", path=out, fix="add --resume to continue it, or choose another "
                                                                  "--out")
    done = done_files(out) if resume else set()
    todo = [f for f in files if f not in done]
    first_part = 1 + max((int(p.stem.split("-")[1]) for p in _parts(out)), default=-1)
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(workers, scheduler))
        out.mkdir(parents=True, exist_ok=True)  # only once the cluster is there: a failed start writes nothing
        n_threads = _drive(client, todo, out, first_part, timeout_s=timeout_s, files_per_task=files_per_task,
                           batch_files=batch_files, progress=progress, analyse=analyse)
    counts = _status_counts(out)
    return SurveySummary(n_files=len(files), n_skipped=len(files) - len(todo), n_blocks=sum(counts.values()),
                         n_ok=counts.get("ok", 0), n_error=counts.get("error", 0), n_timeout=counts.get("timeout", 0),
                         wall_s=time.perf_counter() - start, workers=n_threads, out=str(out))


def _status_counts(out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in _parts(out):
        for status in pq.read_table(part, columns=["status"]).column("status").to_pylist():
            counts[status] = counts.get(status, 0) + 1
    return counts


def _drive(client: Any, todo: list[str], out: Path, first_part: int, *, timeout_s: float, files_per_task: int,
           batch_files: int, progress: bool, analyse: Callable[[str], list[dict]]) -> int:
    """Submit the tasks (at most one per worker thread), enforce the time limit, write each batch when complete;
    returns the number of worker threads used."""
    from distributed import wait
    from tqdm import tqdm

    client.wait_for_workers(1)
    n_threads = max(1, sum(client.nthreads().values()))
    queue: list[tuple[tuple[str, ...], _Batch]] = []
    for b, lo in enumerate(range(0, len(todo), batch_files)):
        names = todo[lo:lo + batch_files]
        batch = _Batch(first_part + b, len(names), [])
        queue.extend((tuple(names[k:k + files_per_task]), batch) for k in range(0, len(names), files_per_task))
    queue.reverse()  # pop() from the end takes the files in order
    running: dict[Any, _Task] = {}
    bar = tqdm(total=len(todo), unit="file", disable=not progress, file=sys.stderr, desc="survey")

    def finish(task: _Task, rows: list[dict]) -> None:
        batch = task.batch
        batch.rows.extend(rows)
        batch.remaining -= len(task.files)
        bar.update(len(task.files))
        if batch.remaining == 0:
            write_rows(batch.rows, out / f"part-{batch.index:06d}.parquet")
            batch.rows = []

    def retry_alone_or(task: _Task, row_of: Callable[[str], dict]) -> None:
        if len(task.files) > 1:
            queue.extend(((f,), task.batch) for f in reversed(task.files))
        else:
            finish(task, [row_of(task.files[0])])

    while queue or running:
        while queue and len(running) < n_threads:
            files, batch = queue.pop()
            future = client.submit(analyse_files, files, analyse, pure=False)
            running[future] = _Task(files, batch, time.monotonic() + timeout_s)
        try:
            finished = wait(list(running), timeout=POLL_S, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            finished = set()
        for future in sorted(finished, key=lambda f: running[f].files):
            task = running.pop(future)
            if future.status == "finished":
                finish(task, future.result())
            else:
                retry_alone_or(task, lambda f: error_row(f, "", f"{f}: the worker process died while analysing "
                                                                "this file (a crash in a compiled library?)"))
        now = time.monotonic()
        for future, task in list(running.items()):
            if now > task.deadline:
                running.pop(future)
                _stop(client, future)
                retry_alone_or(task, lambda f: error_row(f, "", f"{f}: analysis exceeded the time limit of "
                                                                f"{timeout_s:g} s (worker restarted)", "timeout"))
    bar.close()
    return n_threads


def _stop(client: Any, future: Any) -> None:
    """Cancel a running task and restart the worker process that runs it (its nanny starts a fresh one)."""
    where = [addr for addr, keys in client.processing().items() if future.key in keys]
    future.cancel()
    if where:
        try:
            client.restart_workers(where, raise_for_error=False)
        except Exception as exc:  # noqa: BLE001 — a worker without a nanny cannot be restarted: say so, go on
            logging.getLogger(__name__).warning("could not restart worker %s: %s", where, exc)

