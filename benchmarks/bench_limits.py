"""Benchmark (not a test): one visitor's input must not freeze the server or eat its memory.

    .venv/bin/python benchmarks/bench_limits.py [--quick] [--rows N] [--json FILE]

Every measurement runs in a fresh subprocess (``--worker``): wall time (``time.perf_counter``) and the peak
resident memory the work added above the imports (``ru_maxrss`` at the end minus at the start, MB).

1. PXRD simulation of P1 cells of random atoms (18 Å³ per atom, C/O/H/Ti/Cu, U_iso 0.03 Å²; Cu Kα1, 2θ ≤ 50°,
   0.02° steps: the dashboard's settings) with 600, 2 496 and 4 992 atoms, chunked (``pxrd.CHUNK_ENTRIES``) and
   as one chunk (the former all-at-once (reflections × atoms) arrays), and the largest relative difference of
   their peak positions and intensities.
2. PXRD comparison (``compare_pattern``) of the 2 496-atom cell with its own simulated pattern plus noise.
3. Long series: a file of ``--rows`` (default ``readers.MAX_ROWS``) rows of each kind, sampled from the forward
   models of the embedded defaults (``ti10cu2_lib.forward``, only the sampling made denser; TGA and IR
   synthetic), read (``data/tables.py``) and analysed; the peer is the embedded 600-point default (TGA, IR: the
   same synthetic curve at 600 points) measured in the same run. "before" reruns the analysis with the former
   code paths (direct O(N·W) Savitzky–Golay, point-by-point peak search, unbinned searches and fits), stopped after
   ``BEFORE_TIMEOUT_S`` or at ``BEFORE_MEMORY_GB``.
4. Refusal of a file one row over ``readers.MAX_ROWS``.

``--quick`` skips the 4 992-atom cell and the "before" runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BEFORE_TIMEOUT_S = 180
BEFORE_MEMORY_GB = 8
ATOMS = (600, 2_496, 4_992)
SERIES_KINDS = ("drs", "mott_schottky", "photocurrent", "uvvis_solution", "tga", "ir")
MS_METADATA = {"reference_electrode": "Ag/AgCl"}


# ---------------------------------------------------------------------------------------------------- inputs


def p1_cif(n_atoms: int, seed: int = 1, volume_per_atom: float = 18.0) -> str:
    """CIF text of a P1 cell of ``n_atoms`` random atoms (≈ an organometallic crystal's density)."""
    rng = np.random.default_rng(seed)
    a = (n_atoms * volume_per_atom) ** (1 / 3)
    elements = rng.choice(["C", "O", "Ti", "Cu", "H"], size=n_atoms, p=[0.4, 0.2, 0.05, 0.02, 0.33])
    lines = ["data_random_p1", f"_cell_length_a {a:.4f}", f"_cell_length_b {a * 1.03:.4f}",
             f"_cell_length_c {a * 0.97:.4f}", "_cell_angle_alpha 90", "_cell_angle_beta 95", "_cell_angle_gamma 90",
             "_symmetry_space_group_name_H-M 'P 1'", "loop_", "_atom_site_label", "_atom_site_type_symbol",
             "_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z", "_atom_site_U_iso_or_equiv"]
    lines += [f"{el}{i} {el} {x:.5f} {y:.5f} {z:.5f} 0.03"
              for i, (el, (x, y, z)) in enumerate(zip(elements, rng.random((n_atoms, 3)), strict=True))]
    return "\n".join(lines) + "\n"


def forward_dataset(kind: str, rows: int):
    """The embedded sp default's forward model sampled at about ``rows`` rows (only the sampling changes)."""
    from ti10cu2_lib.data.registry import default_registry
    from ti10cu2_lib.forward import electrical, optical, photochemistry, reconstructors
    from ti10cu2_lib.forward.reconstruct import DEFAULT_SEED, rng_for

    registry = default_registry()
    if kind == "drs":
        lo, hi = registry.get("drs_range", "sp").value
        optical.DRS_STEP_NM = (hi - lo) / (rows - 1)
    elif kind == "uvvis_solution":
        optical.UVVIS_STEP_NM = (optical.UVVIS_RANGE_NM[1] - optical.UVVIS_RANGE_NM[0]) / (rows - 1)
    elif kind == "mott_schottky":
        electrical.MS_POTENTIALS_V = np.linspace(-1.2, 0.4, rows // len(registry.get("ms_frequencies").value))
    elif kind == "photocurrent":
        total_s = 2 * photochemistry.N_CYCLES * photochemistry.CHOP_PERIOD_S + photochemistry.CHOP_PERIOD_S
        photochemistry.SAMPLING_S = total_s / (rows - 1)
    return reconstructors()[kind]("sp", registry, rng_for(DEFAULT_SEED, kind, "sp"))


def synthetic_frame(kind: str, rows: int):
    """TGA (two steps on 25–800 °C) or IR (four bands on 400–4000 cm⁻¹) with white noise: no forward model."""
    import pandas as pd

    rng = np.random.default_rng(0)
    if kind == "tga":
        temp = np.linspace(25.0, 800.0, rows)
        mass = (100 - 10 / (1 + np.exp(-(temp - 150) / 15)) - 40 / (1 + np.exp(-(temp - 400) / 20))
                + rng.normal(0, 0.02, rows))
        return pd.DataFrame({"temperature_C": temp, "mass_percent": mass})
    wavenumber = np.linspace(400.0, 4000.0, rows)
    bands = ((1590, 15, 40), (1420, 15, 35), (560, 10, 30), (3400, 150, 20))
    transmittance = 95 - sum(a / (1 + ((wavenumber - c) / w) ** 2) for c, w, a in bands) + rng.normal(0, 0.2, rows)
    return pd.DataFrame({"wavenumber_cm1": wavenumber, "transmittance_percent": transmittance})


def write_series(kind: str, rows: int, directory: Path) -> Path:
    frame = synthetic_frame(kind, rows) if kind in ("tga", "ir") else forward_dataset(kind, rows).frame
    path = directory / f"{kind}_{rows}.csv"
    frame.to_csv(path, index=False, float_format="%.9g")
    return path


def peer_file(kind: str, directory: Path) -> Path:
    from ti10cu2_lib.core.paths import DATA_DIR

    default = DATA_DIR / "default" / f"{kind}_sp.csv"
    return default if default.exists() else write_series(kind, 600, directory)


# ---------------------------------------------------------------------------------------------------- workers


def _analyse(kind: str, dataset) -> str:
    """Run the analysis the dashboard runs on an upload of ``kind``; a one-line answer."""
    if kind == "drs":
        from ti10cu2_lib.analysis.tauc import analyse_tauc
        r = analyse_tauc(dataset)
        return f"Eg {r.band_gap_eV:.4f} ± {r.band_gap_uncertainty_eV:.4f} eV"
    if kind == "mott_schottky":
        from ti10cu2_lib.analysis.mott_schottky import analyse_mott_schottky
        r = analyse_mott_schottky(dataset)
        return f"E_fb {r.flat_band_V_vs_NHE:.4f} ± {r.flat_band_uncertainty_V:.4f} V vs NHE"
    if kind == "photocurrent":
        from ti10cu2_lib.analysis.photocurrent import analyse_photocurrent
        r = analyse_photocurrent(dataset)
        return (f"{len(r.cycles)} cycles, {r.mean_amplitude_A:.4g} A, tau rise/decay {r.mean_rise_tau_s:.3f}/"
                f"{r.mean_decay_tau_s:.3f} s")
    if kind == "uvvis_solution":
        from ti10cu2_lib.analysis.uvvis import analyse_uvvis
        peaks = analyse_uvvis(dataset).peaks_nm
        fitted = analyse_uvvis(dataset, deconvolve_bands=True).peaks_nm
        return f"maxima {', '.join(f'{p:.2f}' for p in peaks)} nm; Gaussians {', '.join(f'{p:.2f}' for p in fitted)} nm"
    if kind == "tga":
        from ti10cu2_lib.analysis.tga import analyse_tga
        from ti10cu2_lib.data.registry import default_registry
        from ti10cu2_lib.report.overview import composition_of
        r = analyse_tga(dataset, {"sp": composition_of("sp", default_registry())})
        return "steps " + ", ".join(f"{s.peak_C:.1f} °C −{s.mass_loss_percent:.2f} %" for s in r.steps)
    from ti10cu2_lib.analysis.ir import analyse_ir
    return "bands " + ", ".join(f"{b.wavenumber_cm1:.0f}" for b in analyse_ir(dataset).bands) + " cm-1"


def _former_code_paths() -> None:
    """The analyses as they were: direct Savitzky–Golay, full-resolution peak search, no binned searches or fits."""
    from ti10cu2_lib.analysis import mott_schottky, photocurrent, series, uvvis

    series.FFT_MIN_WINDOW = series.PEAK_SEARCH_POINTS = 10**12
    mott_schottky.MAX_SEARCH_POINTS = uvvis.MAX_FIT_POINTS = photocurrent.MAX_FIT_POINTS = 10**12


def work_series(kind: str, path: str, before: bool = False) -> dict[str, Any]:
    from ti10cu2_lib.data.readers import read_dataset

    if before:
        resource.setrlimit(resource.RLIMIT_AS, (BEFORE_MEMORY_GB * 2**30,) * 2)
        _former_code_paths()
    t0 = time.perf_counter()
    dataset = read_dataset(path, kind, metadata=MS_METADATA if kind == "mott_schottky" else None)
    t1 = time.perf_counter()
    answer = _analyse(kind, dataset)
    return {"rows": len(dataset.frame), "read_s": t1 - t0, "analysis_s": time.perf_counter() - t1, "answer": answer}


def work_pxrd(cif: str, chunk: int, out: str) -> dict[str, Any]:
    from ti10cu2_lib.structure import pxrd

    pxrd.CHUNK_ENTRIES = chunk
    crystal = pxrd.load_crystal(cif)
    t0 = time.perf_counter()
    pattern = pxrd.simulate_pxrd(crystal)
    seconds = time.perf_counter() - t0
    np.savez(out, two_theta=pattern.two_theta, intensity=pattern.intensity)
    return {"atoms": crystal.n_atoms_cell, "peaks": int(pattern.two_theta.size), "s": seconds}


def work_compare(cif: str) -> dict[str, Any]:
    from ti10cu2_lib.core.provenance import Origin, Provenance
    from ti10cu2_lib.data.readers_pxrd import PowderPattern
    from ti10cu2_lib.structure import pxrd
    from ti10cu2_lib.structure.pxrd_compare import compare_pattern

    crystal = pxrd.load_crystal(cif)
    pattern = pxrd.simulate_pxrd(crystal)
    counts = 10 * pattern.profile + 50 + np.random.default_rng(0).normal(0, 3, pattern.grid.size)
    observed = PowderPattern(pattern.grid, counts, np.sqrt(np.maximum(counts, 1)), "Poisson",
                             Origin(Provenance.USER, "simulated + noise"))
    t0 = time.perf_counter()
    result = compare_pattern(crystal, observed)
    return {"s": time.perf_counter() - t0, "rwp": result.rwp}


def work_refuse(kind: str, path: str) -> dict[str, Any]:
    from ti10cu2_lib.core.errors import InputError
    from ti10cu2_lib.data.readers import read_dataset

    t0 = time.perf_counter()
    try:
        read_dataset(path, kind)
        message = "ACCEPTED"
    except InputError as exc:
        message = str(exc)
    return {"s": time.perf_counter() - t0, "message": message}


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "series": work_series, "pxrd": work_pxrd, "compare": work_compare, "refuse": work_refuse}


def worker_main(name: str, args: list[Any]) -> None:
    import importlib

    for module in ("analysis.ir", "analysis.mott_schottky", "analysis.photocurrent", "analysis.tauc", "analysis.tga",
                   "analysis.uvvis", "report.overview", "structure.pxrd_compare"):  # in the baseline, not the times
        importlib.import_module(f"ti10cu2_lib.{module}")
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = WORKERS[name](*args)
    result["added_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) / 1024
    print(json.dumps(result))


def run_worker(name: str, *args: Any, timeout: float | None = None) -> dict[str, Any]:
    """A worker in a fresh interpreter; {"error": …} when it fails or runs out of time."""
    command = [sys.executable, __file__, "--worker", name, json.dumps(args)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:g} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:100]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------- report


def bench_pxrd(directory: Path, atoms: tuple[int, ...]) -> list[dict[str, Any]]:
    from ti10cu2_lib.structure.pxrd import CHUNK_ENTRIES

    rows = []
    print(f"\n1. PXRD simulation, P1 random cells (CHUNK_ENTRIES = {CHUNK_ENTRIES:,} vs one chunk)")
    print(f"{'atoms':>6} {'peaks':>7} {'chunked s':>10} {'MB':>7} {'one chunk s':>12} {'MB':>7} {'max rel diff':>13}")
    for n in atoms:
        cif = directory / f"p1_{n}.cif"
        cif.write_text(p1_cif(n))
        chunked = run_worker("pxrd", str(cif), CHUNK_ENTRIES, str(directory / "chunked.npz"))
        single = run_worker("pxrd", str(cif), 10**15, str(directory / "single.npz"))
        a, b = np.load(directory / "chunked.npz"), np.load(directory / "single.npz")
        diff = max(float(np.max(np.abs(a[k] - b[k]) / np.abs(b[k]))) for k in ("two_theta", "intensity"))
        print(f"{n:>6} {chunked['peaks']:>7} {chunked['s']:>10.2f} {chunked['added_mb']:>7.0f} {single['s']:>12.2f} "
              f"{single['added_mb']:>7.0f} {diff:>13.1e}")
        rows.append({"atoms": n, "chunked": chunked, "one_chunk": single, "max_rel_diff": diff})
    cif = directory / "p1_2496.cif"
    if cif.exists():
        compare = run_worker("compare", str(cif))
        print(f"\n2. PXRD comparison, 2 496 atoms: {compare['s']:.2f} s, +{compare['added_mb']:.0f} MB "
              f"(Rwp {compare['rwp']:.2f} %)")
        rows.append({"compare_2496": compare})
    return rows


def _ratio(value: float, peer: float) -> str:
    return f"{value:.2f} s ({value / peer:,.0f}× peer)" if peer > 0 else f"{value:.2f} s"


def bench_series(directory: Path, n_rows: int, before: bool) -> list[dict[str, Any]]:
    print(f"\n3. Long series: {n_rows:,} rows vs the 600-point peer (read: the parser of data/tables.py)")
    rows = []
    for kind in SERIES_KINDS:
        peer = run_worker("series", kind, str(peer_file(kind, directory)))
        dense_path = write_series(kind, n_rows, directory)
        dense = run_worker("series", kind, str(dense_path))
        old = run_worker("series", kind, str(dense_path), True, timeout=BEFORE_TIMEOUT_S) if before else None
        print(f"- {kind}: peer {peer['rows']} rows, analysis {peer['analysis_s']:.3f} s; {peer['answer']}")
        print(f"  dense {dense['rows']:,} rows: read {dense['read_s']:.1f} s, analysis "
              f"{_ratio(dense['analysis_s'], peer['analysis_s'])}, +{dense['added_mb']:.0f} MB; {dense['answer']}")
        if old is not None:
            text = old.get("error") or (f"analysis {_ratio(old['analysis_s'], peer['analysis_s'])}, "
                                        f"+{old['added_mb']:.0f} MB; {old['answer']}")
            print(f"  before: {text}")
        rows.append({"kind": kind, "peer": peer, "dense": dense, "before": old})
        dense_path.unlink()
    return rows


def bench_refusal(directory: Path) -> dict[str, Any]:
    from ti10cu2_lib.data.readers import MAX_ROWS

    path = directory / "over_limit.csv"
    wavelength = np.linspace(200.0, 800.0, MAX_ROWS + 2)
    np.savetxt(path, np.c_[wavelength, np.full(wavelength.size, 0.5)], delimiter=",", fmt="%.9g",
               header="wavelength_nm,reflectance", comments="")
    result = run_worker("refuse", "drs", str(path))
    print(f"\n4. A file of {MAX_ROWS + 2:,} rows: refused in {result['s']:.2f} s: {result['message']}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 4 992-atom cell and the 'before' runs")
    parser.add_argument("--rows", type=int, default=None, help="rows of the long series (default readers.MAX_ROWS)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker, json.loads(args.worker_args))
        return 0
    from ti10cu2_lib.data.readers import MAX_ROWS

    with tempfile.TemporaryDirectory(prefix="bench_limits_") as tmp:
        directory = Path(tmp)
        results = {"pxrd": bench_pxrd(directory, ATOMS[:2] if args.quick else ATOMS),
                   "series": bench_series(directory, args.rows or MAX_ROWS, before=not args.quick),
                   "refusal": bench_refusal(directory)}
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
