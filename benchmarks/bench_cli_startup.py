"""Benchmark (not a test): how long the ``ti10cu2`` command takes to start, against bare Python in the same run.

    .venv/bin/python benchmarks/bench_cli_startup.py [--repeat N]

Each command runs N times as a fresh process (wall clock, ``time.perf_counter``), interleaved with the peer
``python -c pass`` so that machine load hits both alike; reported are the median and best times and the ratio of
medians to the peer. Target (architecture issue): ``ti10cu2 --help`` ≤ 0.4 s on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass (peer)": [sys.executable, "-c", "pass"],
    "ti10cu2 --help": [str(BIN / "ti10cu2"), "--help"],
    "ti10cu2 reported": [str(BIN / "ti10cu2"), "reported"],
    "ti10cu2 tauc --help": [str(BIN / "ti10cu2"), "tauc", "--help"],
    "ti10cu2 tauc (analysis)": [str(BIN / "ti10cu2"), "tauc", "--form", "sp"],
}


def wall_time_s(command: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm the file cache once
        wall_time_s(command)
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            times[name].append(wall_time_s(command))
    peer = statistics.median(times["python -c pass (peer)"])
    print(f"{'command':<26} {'median s':>9} {'best s':>8} {'× peer':>7}   (n = {args.repeat})")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<26} {median:>9.3f} {min(values):>8.3f} {median / peer:>7.1f}")


if __name__ == "__main__":
    main()
