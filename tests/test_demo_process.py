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


def start_demo(base: Path) -> tuple:
    """``gonghui demo`` in a subprocess on a free port, its home and log under ``base``. The
    session starts it as it starts (``conftest.pytest_collection_modifyitems``), so the demo is
    built on the second core beside the other tests; the test below checks it at the end."""
    port = _free_port()
    home = base / "home"
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    log = (base / "demo.log").open("w+")
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
    return proc, port, home, env


def test_demo_serves_the_login_page_and_stops_cleanly_on_sigterm(request, tmp_path):
    started = getattr(request.config, "gonghui_demo", None)
    if started is None:
        started = (tmp_path, start_demo(tmp_path))
    tmp_path, (proc, port, home, env) = started
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
        _a_body_larger_than_any_upload_is_refused_before_it_is_sent(port)
        _the_demo_outlives_its_worker_and_its_database(tmp_path, home, port, proc)
        _a_killed_command_does_not_keep_the_database_after_the_demo(home, env)

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


def _log(tmp_path) -> str:
    return (tmp_path / "demo.log").read_text()


def _worker_pids(home) -> set[int]:
    found = set()
    for p in psutil.process_iter(attrs=("cmdline",)):
        try:
            if " ".join(p.info["cmdline"] or []).endswith("gonghui.cli worker") and (
                p.environ().get("GONGHUI_HOME") == str(home)
            ):
                found.add(p.pid)
        except psutil.Error:
            continue
    return found


def _wait(predicate, seconds: float, what: str, tmp_path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what}\n{_log(tmp_path)[-3000:]}")


def _login_page(port) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=3) as r:
            return r.read().decode()
    except OSError:
        return ""


def _the_demo_outlives_its_worker_and_its_database(tmp_path, home, port, proc) -> None:
    # The worker dies (killed, out of memory): the demo starts another and goes on serving.
    first = _worker_pids(home)
    assert len(first) == 1
    os.kill(next(iter(first)), signal.SIGKILL)
    _wait(lambda: _worker_pids(home) - first, 30, "no new worker after a kill", tmp_path)
    assert proc.poll() is None and "登录" in _login_page(port)
    # The database dies: the demo starts it again, and the worker that lost it is replaced.
    for postgres in _postgres_on(home / "pgdata"):
        if postgres.ppid() not in {p.pid for p in _postgres_on(home / "pgdata")}:
            postgres.kill()  # the postmaster: the whole server goes
    _wait(
        lambda: "内置数据库已恢复" in _log(tmp_path), 60, "the database was not restarted", tmp_path
    )
    assert proc.poll() is None
    _wait(lambda: "登录" in _login_page(port), 30, "pages did not come back", tmp_path)
    _wait(lambda: _worker_pids(home), 60, "no worker after the database came back", tmp_path)


def _a_killed_command_does_not_keep_the_database_after_the_demo(home, env) -> None:
    """A ``gonghui`` command run beside the demo joins its database; killed with SIGKILL, it
    never says it left. The demo must still stop the database when it stops."""
    side = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gonghui.cli",
            "manage",
            "shell",
            "-c",
            "import time; time.sleep(120)",
        ],
        env={**env, "GONGHUI_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    handles = home / "pgdata" / ".handle_pids.json"
    deadline = time.monotonic() + 60
    while side.pid not in _handle_pids(handles) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert side.pid in _handle_pids(handles)
    os.killpg(side.pid, signal.SIGKILL)
    side.wait()


def _handle_pids(path) -> list[int]:
    import json

    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return []


def _a_body_larger_than_any_upload_is_refused_before_it_is_sent(port) -> None:
    """The web server answers 413 on the declared size alone: a client that announces 200 MB
    is not read (nor buffered) before the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            b"POST /admin/login/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 209715200\r\n\r\n" + b"x" * 1024
        )
        answer = conn.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer
