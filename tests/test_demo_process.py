"""`gonghui demo` as a user starts it: a subprocess on a free port, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_on(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(attrs=("name", "cmdline")):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and any(str(pgdata) in part for part in cmdline):
            found.append(proc)
    return found


def test_demo_serves_the_login_page_and_stops_cleanly_on_sigterm(tmp_path):
    port = _free_port()
    home = tmp_path / "home"
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    log = (tmp_path / "demo.log").open("w+")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gonghui.cli",
            "demo",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--home",
            str(home),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # A guard against a hang, not a speed check: building the demo takes about a minute
        # here and more on a slower or busier machine.
        deadline = time.monotonic() + 300
        page = ""
        # Ready when the page answers and the demo has printed its address and logins.
        while time.monotonic() < deadline and not (
            "登录" in page and "Gonghui@2025" in (tmp_path / "demo.log").read_text()
        ):
            assert proc.poll() is None, (tmp_path / "demo.log").read_text()
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/admin/login/", timeout=2
                ) as response:
                    page = response.read().decode()
            except OSError:
                pass
            time.sleep(0.5)
        assert "登录" in page, (tmp_path / "demo.log").read_text()
        assert _postgres_on(home / "pgdata"), "the demo should run its own PostgreSQL"

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = (tmp_path / "demo.log").read_text()
    assert "admin" in output and "Gonghui@2025" in output
    deadline = time.monotonic() + 10
    while _postgres_on(home / "pgdata") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _postgres_on(home / "pgdata") == []
    # Nothing it started is left: no web server, no worker.
    leftovers = [
        p
        for p in psutil.process_iter(attrs=("cmdline",))
        if str(home) in " ".join(p.info["cmdline"] or [])
    ]
    assert leftovers == []
