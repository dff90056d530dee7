"""Benchmark (not a test): survey throughput with 1 and 2 Dask workers on the same real CIFs, in one run.

    .venv/bin/python benchmarks/bench_survey.py [--files 500] [--json]

Input: the first N files (sorted paths) of ../shared/reference-data/cod-tools-inputs (real-world COD entries and
deliberately broken parser tests). For each worker count a fresh LocalCluster of single-threaded worker processes is
started (start-up not timed), then ``run_survey`` is timed (wall clock, ``time.perf_counter``) into a temporary
dataset. Reported: files/s per worker count and their ratio (target ≥ 1.6 on 2 cores), the per-file analysis time
(sum of the blocks' ``elapsed_s``: median, p90, max, in s), peak resident memory of each worker process (MiB,
``ru_maxrss``), the 1-minute load average before each run (other work on the machine), and the projected time for
~500 000 CIFs (the COD) per worker from the measured mean cost.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ti10cu2_lib.survey.run import dask_client, find_cifs, read_survey, run_survey  # noqa: E402

CORPUS = REPO.parent / "shared" / "reference-data" / "cod-tools-inputs"
COD_SIZE = 500_000


def _peak_rss_MiB() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def measure(files: list[str], workers: int) -> dict:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, dask_client(workers) as client:
        start = time.perf_counter()
        summary = run_survey(files, Path(tmp) / "bench", client=client)
        wall_s = time.perf_counter() - start
        rss = sorted(client.run(_peak_rss_MiB).values())
        per_file = read_survey(Path(tmp) / "bench", columns=["file", "elapsed_s"]).groupby("file")["elapsed_s"].sum()
    return {"workers": workers, "load_average_1min_before": load_before, "files": len(files),
            "blocks": summary.n_blocks, "wall_s": wall_s,
            "files_per_s": len(files) / wall_s, "per_file_s": {"median": float(np.median(per_file)),
                                                              "p90": float(np.quantile(per_file, 0.9)),
                                                              "max": float(per_file.max()),
                                                              "mean": float(per_file.mean())},
            "peak_rss_MiB_per_worker": [round(x, 1) for x in rss]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = find_cifs([CORPUS])[: args.files]
    runs = [measure(files, 1), measure(files, 2)]
    speedup = runs[1]["files_per_s"] / runs[0]["files_per_s"]
    mean_s = runs[0]["per_file_s"]["mean"]
    result = {"runs": runs, "speedup_2_vs_1": speedup,
              "projected_cod_hours_per_worker": COD_SIZE * mean_s / 3600.0,
              "projected_cod_hours_2_workers": COD_SIZE / runs[1]["files_per_s"] / 3600.0}
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for r in runs:
        p = r["per_file_s"]
        print(f"{r['workers']} worker(s): {r['files']} files ({r['blocks']} blocks) in {r['wall_s']:.1f} s = "
              f"{r['files_per_s']:.2f} files/s; per file median {p['median']:.3f} s, p90 {p['p90']:.3f} s, "
              f"max {p['max']:.2f} s; peak RSS per worker {r['peak_rss_MiB_per_worker']} MiB; load average before "
              f"{r['load_average_1min_before']:.1f} (other work on the machine slows the 2-worker run most)")
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}× (target ≥ 1.6×)")
    print(f"projected COD ({COD_SIZE} CIFs): {result['projected_cod_hours_per_worker']:.0f} worker-hours; "
          f"{result['projected_cod_hours_2_workers']:.1f} h on 2 workers")


if __name__ == "__main__":
    main()
