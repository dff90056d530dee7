"""``ti10cu2 serve`` starts the dashboard on loopback and answers HTTP 200."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from .conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_loopback():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ti10cu2_lib.cli", "serve", "--port", str(port)], cwd=REPO,
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.5)
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
