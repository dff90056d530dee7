"""Benchmark (not a test): the dashboard's start-up, page load, sp↔cs toggle and memory per session.

    .venv/bin/python benchmarks/bench_dashboard.py [--starts 3] [--toggles 40] [--sessions 20] [--json FILE]

Everything runs on this machine: `panel serve dashboard/app.py` on 127.0.0.1 (a free port) and Debian's headless
Chromium (``/usr/bin/chromium``) through Playwright; no request leaves the machine.

Measured:

1. server start to first HTTP 200 of ``/app`` (``--starts`` cold starts; median and each);
2. page load: navigation to the first key number shown, and to every tab rendered (each tab clicked in turn and
   waited for its own content; the tabs are rendered on demand, as a visitor would see them);
3. sp↔cs toggle: (a) server time, in-process — the Python time of ``state.form = …`` with the whole page's Bokeh
   models built in a Document (visibility flips and the claims-table filter; what the server does per toggle
   apart from sending the patch); (b) round trip in the browser, click to the other form's value visible;
4. server RSS (``/proc/PID/status`` VmRSS) with 1 session and with ``--sessions`` sessions open (each a browser
   context that loaded the page), the difference per extra session, and the RSS added per session by
   ``--all-tabs-sessions`` further sessions that each open every tab.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser_support import CHROMIUM, PanelServer, launch_chromium  # noqa: E402

APP = REPO / "dashboard" / "app.py"
TIMEOUT_MS = 120_000
#: a selector (or text) that shows each tab has rendered its content
TAB_MARKERS = {
    "Overview": '.ti-value[data-key="band_gap"][data-form="sp"]',
    "Structure": "text=What the article reports",
    "Supercrystal": "text=yellow block crystals",
    "PXRD": "text=preferred orientation",
    "Optical": '.ti-value[data-key="tauc_band_gap"][data-form="sp"]',
    "Band structure": '.ti-value[data-key="ms_flat_band"][data-form="sp"]',
    "Conductivity": '.ti-value[data-key="iv_conductivity"][data-form="sp"]',
    "CO2 & photocurrent": '.ti-value[data-key="yield_CH4"][data-form="sp"]',
    "Claims": ".ti-claims .tabulator-row",
    "Data & uploads": ".ti-dropper",
}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def first_visible(page, selector: str, timeout_ms: int = TIMEOUT_MS) -> None:
    loc = page.locator(selector)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        for i in range(loc.count()):
            if loc.nth(i).is_visible():
                return
        page.wait_for_timeout(20)
    raise TimeoutError(selector)


def bench_starts(n: int) -> dict:
    times = []
    for _ in range(n):
        with PanelServer(APP, timeout=180) as server:
            times.append(server.startup_seconds)
    return {"runs_s": [round(t, 2) for t in times], "median_s": round(statistics.median(times), 2)}


def bench_server_toggle(n: int) -> dict:
    """Python time of a toggle with the page's models built (as in a served session)."""
    from bokeh.document import Document

    from dashboard.layout import build_all_tabs, build_dashboard

    layout, state, _ = build_dashboard()
    build_all_tabs(layout)  # every tab's panels exist (a visitor who clicked through all tabs)
    layout.get_root(Document())
    for form in ("cs", "sp"):  # warm up
        state.form = form
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        state.form = "cs" if i % 2 == 0 else "sp"
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {"n": n, "median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(0.95 * (n - 1))], 2), "max_ms": round(samples[-1], 2)}


def bench_browser(server: PanelServer, toggles: int, sessions: int, all_tabs_sessions: int) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {}
    pid = server.proc.pid
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            out["rss_idle_mib"] = round(rss_mib(pid), 1)
            contexts = []

            def open_session():
                ctx = browser.new_context(viewport={"width": 1300, "height": 900})
                page = ctx.new_page()
                t0 = time.perf_counter()
                page.goto(server.url)
                first_visible(page, TAB_MARKERS["Overview"])
                contexts.append(ctx)
                return page, time.perf_counter() - t0

            page, first = open_session()
            out["page_first_content_s"] = round(first, 2)
            t0 = time.perf_counter()
            per_tab = {}
            for tab, marker in TAB_MARKERS.items():
                t1 = time.perf_counter()
                page.locator(".bk-tab", has_text=tab).first.click()
                first_visible(page, marker)
                per_tab[tab] = round(time.perf_counter() - t1, 2)
            out["all_tabs_rendered_s"] = round(first + time.perf_counter() - t0, 2)
            out["per_tab_s"] = per_tab
            page.locator(".bk-tab", has_text="Overview").first.click()
            first_visible(page, TAB_MARKERS["Overview"])
            rtt = []
            for i in range(toggles):
                form = "cs" if i % 2 == 0 else "sp"
                label = "(Ti10Cu2)cs" if form == "cs" else "(Ti10Cu2)sp"
                t1 = time.perf_counter()
                page.locator(".ti-form-toggle button", has_text=label).first.click()
                first_visible(page, f'.ti-value[data-key="band_gap"][data-form="{form}"]')
                rtt.append((time.perf_counter() - t1) * 1000)
            rtt.sort()
            out["toggle_round_trip_ms"] = {"n": toggles, "median": round(statistics.median(rtt), 1),
                                           "p95": round(rtt[int(0.95 * (toggles - 1))], 1)}
            out["rss_1_session_all_tabs_mib"] = round(rss_mib(pid), 1)
            contexts[0].close()
            contexts.clear()
            # memory per session: sessions that loaded the page (Overview), as most visitors would
            page, _ = open_session()
            time.sleep(1.0)
            rss1 = rss_mib(pid)
            loads = []
            for _ in range(sessions - 1):
                _, seconds = open_session()
                loads.append(seconds)
            time.sleep(2.0)
            rssn = rss_mib(pid)
            out["rss_1_session_mib"] = round(rss1, 1)
            out[f"rss_{sessions}_sessions_mib"] = round(rssn, 1)
            out["rss_per_extra_session_mib"] = round((rssn - rss1) / (sessions - 1), 2)
            out["page_load_while_others_open_median_s"] = round(statistics.median(loads), 2)
            # heavier visitors: sessions that open every tab (each tab's figures built and rendered)
            if all_tabs_sessions:
                before = rss_mib(pid)
                for _ in range(all_tabs_sessions):
                    page, _ = open_session()
                    for tab, marker in TAB_MARKERS.items():
                        page.locator(".bk-tab", has_text=tab).first.click()
                        first_visible(page, marker)
                time.sleep(2.0)
                after = rss_mib(pid)
                out[f"rss_per_session_visiting_every_tab_mib (n={all_tabs_sessions})"] = round(
                    (after - before) / all_tabs_sessions, 2)
            for ctx in contexts:
                ctx.close()
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=3, help="cold server starts to time (default 3)")
    parser.add_argument("--toggles", type=int, default=40, help="toggles to time (default 40)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions for the memory figure (default 20)")
    parser.add_argument("--all-tabs-sessions", type=int, default=5,
                        help="extra sessions that open every tab, for their memory per session (default 5)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 60:
        parser.error("--sessions must be 1–60")
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} not found (apt-get install -y chromium; never `playwright install`)", file=sys.stderr)
        return 2
    results = {"server_start_to_http_200": bench_starts(args.starts)}
    print("server start → HTTP 200:", results["server_start_to_http_200"], flush=True)
    results["toggle_server_time"] = bench_server_toggle(args.toggles)
    print("toggle, server (in-process) time:", results["toggle_server_time"], flush=True)
    with PanelServer(APP, timeout=180) as server:
        results["browser"] = bench_browser(server, args.toggles, args.sessions, args.all_tabs_sessions)
    print(json.dumps(results["browser"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
