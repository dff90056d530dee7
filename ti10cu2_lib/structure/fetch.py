"""Try to download the deposited CIFs (CCDC 2277134, 2277142); fail fast and clearly when offline.

No public location is known to serve these CIFs as plain files: CCDC hands them out through its Access
Structures web form, and the publisher through the article's ESI. The candidate URLs below are tried anyway
(a mirror may appear; tests point ``TI10CU2_CIF_URLS`` at a local server). Every response is validated as a
CIF before anything is stored; an HTML page, an error status or a truncated file is rejected.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ti10cu2_lib.core.errors import InputError

CCDC_NUMBERS = (2277134, 2277142)
# The public pages of the deposition and of the ESI. Today both answer with HTML (a download form), which the
# CIF validation rejects, so the command ends with the manual route; they are tried in case that changes.
CANDIDATE_URLS = (
    "https://www.ccdc.cam.ac.uk/structures/Search?Ccdcid={ccdc}&DatabaseToSearch=Published",
    "https://pubs.rsc.org/en/content/articlelanding/2023/qi/d3qi01334k",
)
TOTAL_DEADLINE_S = 8.0  # the whole attempt ends well under 10 s
MAX_CIF_BYTES = 20 * 1024 * 1024
HOW_TO = ("download the CIFs by hand: CCDC Access Structures (https://www.ccdc.cam.ac.uk/structures/, "
          "CCDC 2277134 and 2277142) or the article's ESI (doi:10.1039/d3qi01334k), then run "
          "'ti10cu2 import-cif FILE' (add '--form sp|cs' if the file's composition is ambiguous)")


@dataclass(frozen=True)
class Attempt:
    """One URL tried: what came back and why it was accepted or rejected."""

    url: str
    ok: bool
    detail: str


def candidate_urls(ccdc: int) -> list[str]:
    """URLs to try for one deposition: ``$TI10CU2_CIF_URLS`` (comma-separated templates) or the built-in list.

    Templates may use ``{ccdc}`` (e.g. 2277134).
    """
    templates = os.environ.get("TI10CU2_CIF_URLS")
    chosen = [t.strip() for t in templates.split(",") if t.strip()] if templates else list(CANDIDATE_URLS)
    return [t.format(ccdc=ccdc) for t in chosen]


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "ti10cu2-fetch/0.1"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) URLs only
        declared = response.headers.get("Content-Length")
        data = response.read(MAX_CIF_BYTES + 1)
    if len(data) > MAX_CIF_BYTES:
        raise ValueError(f"response larger than {MAX_CIF_BYTES // 2**20} MiB")
    if declared is not None and declared.isdigit() and len(data) < int(declared):
        raise ValueError(f"truncated response ({len(data)} of {declared} bytes)")
    return data


def _with_deadline(func: Callable[[], bytes], seconds: float) -> bytes:
    """Run ``func`` in a daemon thread; TimeoutError if it has not returned in ``seconds`` (DNS included)."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:.1f} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def fetch_cif(ccdc: int, validate: Callable[[Path], str], *, deadline: float | None = None,
              urls: Sequence[str] | None = None) -> tuple[Path | None, list[Attempt]]:
    """Try each candidate URL for ``ccdc`` until one gives a CIF that ``validate`` accepts.

    ``validate(path)`` raises InputError for a bad CIF and returns a description otherwise. Returns the path of
    the downloaded temporary file (or None) and the list of attempts.
    """
    deadline = deadline or time.monotonic() + TOTAL_DEADLINE_S
    attempts: list[Attempt] = []
    for url in urls or candidate_urls(ccdc):
        remaining = deadline - time.monotonic()
        if remaining <= 0.2:
            attempts.append(Attempt(url, False, "skipped: time limit reached"))
            continue
        try:
            data = _with_deadline(lambda u=url, r=remaining: _download(u, timeout=r), remaining)
        except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError, ValueError) as exc:
            attempts.append(Attempt(url, False, f"{type(exc).__name__}: {exc}"))
            continue
        fd, name = tempfile.mkstemp(suffix=f"_{ccdc}.cif")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            detail = validate(Path(name))
        except InputError as exc:
            Path(name).unlink(missing_ok=True)
            attempts.append(Attempt(url, False, f"not a usable CIF: {exc.problem}"))
            continue
        attempts.append(Attempt(url, True, detail))
        return Path(name), attempts
    return None, attempts
