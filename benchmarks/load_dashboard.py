"""Load test (not a test in the suite): many concurrent dashboard sessions with periodic sp/cs toggles.

    .venv/bin/python benchmarks/load_dashboard.py [--sessions 50] [--duration 120] [--toggle-every 5]
                                                  [--url http://127.0.0.1:PORT/app --pid PID] [--json FILE]

Without ``--url`` it starts its own `panel serve dashboard/app.py` on 127.0.0.1 (a free port) and stops it at the
end. Each session is a separate browser context in one headless Chromium (Debian's, ``/usr/bin/chromium``) — a
separate Panel session on the server. All sessions are opened concurrently (a few at a time, so the server is
not asked to build 50 pages in the same instant), then held for ``--duration`` seconds; every session clicks the
sp/cs toggle every ``--toggle-every`` seconds (± 30 % jitter) and waits for the other form's band gap to appear.

Reported: sessions opened, page-load times, toggles done, toggle round trips (median, p95, max) and — for the
server this script starts — the server-side time of each toggle (the app prints it when TI10CU2_TIMING=1), every
error
(page errors, JavaScript errors, timeouts, any request to a host other than localhost — all requests elsewhere are
blocked), and the server's RSS sampled every 5 s (start, peak, end; growth over the hold). Exit status 1 when any
error occurred.

Bounded: at most 200 sessions and 30 minutes; loopback URLs only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shlex
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, PanelServer, is_local  # noqa: E402

APP = REPO / "dashboard" / "app.py"
MAX_SESSIONS = 200
MAX_DURATION_S = 1800
OPEN_CONCURRENCY = 5
TIMEOUT_MS = 60_000


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Stats:
    def __init__(self) -> None:
        self.loads: list[float] = []
        self.toggles: list[float] = []
        self.errors: list[str] = []
        self.rss: list[tuple[float, float]] = []
        self.settled = 0  # sessions whose page loaded or failed to load

    def error(self, session: int, text: str) -> None:
        self.errors.append(f"session {session}: {text}")


async def visible(page, selector: str, timeout_ms: int = TIMEOUT_MS) -> None:
    loc = page.locator(selector)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        for i in range(await loc.count()):
            if await loc.nth(i).is_visible():
                return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{selector} not visible within {timeout_ms} ms")


async def run_session(k: int, browser, url: str, stats: Stats, opened: asyncio.Semaphore, stop_at: list[float],
                      toggle_every: float) -> None:
    context = await browser.new_context(viewport={"width": 1200, "height": 800})
    page = await context.new_page()

    async def route(r):
        if is_local(r.request.url):
            await r.continue_()
        else:
            stats.error(k, f"request to another host blocked: {r.request.url}")
            await r.abort("blockedbyclient")

    await page.route("**/*", route)
    page.on("pageerror", lambda exc: stats.error(k, f"pageerror: {exc}"))
    page.on("console", lambda msg: stats.error(k, f"console.error: {msg.text}") if msg.type == "error" else None)
    try:
        async with opened:
            t0 = time.perf_counter()
            try:
                await page.goto(url, timeout=TIMEOUT_MS)
                await visible(page, '.ti-value[data-key="band_gap"][data-form="sp"]')
                stats.loads.append(time.perf_counter() - t0)
            finally:
                stats.settled += 1
        form = "sp"
        while time.monotonic() < stop_at[0]:
            await asyncio.sleep(toggle_every * random.uniform(0.7, 1.3))
            if time.monotonic() >= stop_at[0]:
                break
            form = "cs" if form == "sp" else "sp"
            label = "(Ti10Cu2)cs" if form == "cs" else "(Ti10Cu2)sp"
            t0 = time.perf_counter()
            try:
                await page.locator(".ti-form-toggle button", has_text=label).first.click(timeout=TIMEOUT_MS)
                await visible(page, f'.ti-value[data-key="band_gap"][data-form="{form}"]')
                stats.toggles.append(time.perf_counter() - t0)
            except Exception as exc:  # a timeout is a finding, not a crash of the load test
                stats.error(k, f"toggle to {form}: {type(exc).__name__}: {str(exc)[:200]}")
    except Exception as exc:
        stats.error(k, f"{type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await context.close()


async def sample_memory(pid: int | None, stats: Stats, stop: asyncio.Event) -> None:
    t0 = time.monotonic()
    while not stop.is_set():
        if pid is not None:
            value = rss_mib(pid)
            if value is not None:
                stats.rss.append((round(time.monotonic() - t0, 1), round(value, 1)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=5.0)


async def run(url: str, pid: int | None, sessions: int, duration: float, toggle_every: float) -> dict:
    from playwright.async_api import async_playwright

    stats = Stats()
    stop = asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            sampler = asyncio.create_task(sample_memory(pid, stats, stop))
            opened = asyncio.Semaphore(OPEN_CONCURRENCY)
            stop_at = [float("inf")]
            t_start = time.monotonic()
            tasks = [asyncio.create_task(run_session(k, browser, url, stats, opened, stop_at, toggle_every))
                     for k in range(sessions)]
            while stats.settled < sessions and time.monotonic() - t_start < 600:
                await asyncio.sleep(0.5)
            t_all_open = time.monotonic() - t_start
            rss_all_open = rss_mib(pid) if pid else None
            stop_at[0] = time.monotonic() + duration
            await asyncio.gather(*tasks)
            stop.set()
            await sampler
        finally:
            await browser.close()
    toggles = sorted(stats.toggles)
    rss_values = [v for _, v in stats.rss]
    return {
        "url": url, "sessions": sessions, "hold_s": duration, "toggle_every_s": toggle_every,
        "sessions_loaded": len(stats.loads), "time_to_open_all_s": round(t_all_open, 1),
        "page_load_s": {"median": round(statistics.median(stats.loads), 2),
                        "max": round(max(stats.loads), 2)} if stats.loads else None,
        "toggles": len(toggles),
        "toggle_round_trip_ms": {"median": round(1000 * statistics.median(toggles), 1),
                                 "p95": round(1000 * toggles[int(0.95 * (len(toggles) - 1))], 1),
                                 "max": round(1000 * toggles[-1], 1)} if toggles else None,
        "errors": len(stats.errors), "error_samples": stats.errors[:20],
        "server_rss_mib": {"start": rss_values[0] if rss_values else None,
                           "all_sessions_open": round(rss_all_open, 1) if rss_all_open else None,
                           "peak": max(rss_values) if rss_values else None,
                           "end_of_hold": rss_values[-1] if rss_values else None,
                           "growth_during_hold": (round(rss_values[-1] - rss_all_open, 1)
                                                  if rss_values and rss_all_open else None)},
        "rss_samples": stats.rss,
    }


def server_toggle_times(log: str) -> dict | None:
    """Median/p95/max of the server-side toggle times the app printed (``ti10cu2-timing toggle FORM X ms``)."""
    times = sorted(float(m) for m in re.findall(r"ti10cu2-timing toggle \w+ ([0-9.]+) ms", log))
    if not times:
        return None
    return {"n": len(times), "median": round(statistics.median(times), 2),
            "p95": round(times[int(0.95 * (len(times) - 1))], 2), "max": round(times[-1], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help=f"concurrent sessions (1–{MAX_SESSIONS}, default 50)")
    parser.add_argument("--duration", type=float, default=120.0,
                        help=f"seconds to hold the sessions after all are open (≤ {MAX_DURATION_S}, default 120)")
    parser.add_argument("--toggle-every", type=float, default=5.0, help="seconds between toggles per session (5)")
    parser.add_argument("--url", default=None, help="an already running local dashboard (default: start one)")
    parser.add_argument("--pid", type=int, default=None, help="its server process id, for the memory samples")
    parser.add_argument("--server-args", default="",
                        help="extra `panel serve` options for the server this script starts, e.g. "
                             "'--unused-session-lifetime 60000'")
    parser.add_argument("--json", type=Path, default=None, help="also write the report to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1–{MAX_SESSIONS}")
    if not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be in (0, {MAX_DURATION_S}] s")
    if args.toggle_every < 0.5:
        parser.error("--toggle-every must be ≥ 0.5 s")
    if args.url and (urlsplit(args.url).hostname or "") not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--url must be a loopback address (127.0.0.1 or localhost)")
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} not found (apt-get install -y chromium; never `playwright install`)", file=sys.stderr)
        return 2
    if args.url:
        report = asyncio.run(run(args.url, args.pid, args.sessions, args.duration, args.toggle_every))
    else:
        env = {**os.environ, "TI10CU2_TIMING": "1"}  # the app prints each toggle's server time to its log
        with PanelServer(APP, timeout=180, args=tuple(shlex.split(args.server_args)), env=env) as server:
            report = asyncio.run(run(server.url, server.proc.pid, args.sessions, args.duration, args.toggle_every))
            report["server_args"] = args.server_args
            report["toggle_server_time_ms"] = server_toggle_times(server.log())
    summary = {k: v for k, v in report.items() if k != "rss_samples"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
