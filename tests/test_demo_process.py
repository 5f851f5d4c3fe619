"""`gonghui demo` as a user starts it: a subprocess on a free port, stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
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


# Where the session's early demo is, for the test process that checks it (with pytest-xdist,
# the controller starts it and a worker runs the test).
STARTED = "GONGHUI_DEMO_TEST"


def demo_env() -> dict:
    """The user's environment: no database URL or settings of the test suite."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", STARTED)
    }


@dataclass(frozen=True)
class DemoRun:
    """A ``gonghui demo`` started under ``base``: its home, log and exit code live there."""

    base: Path
    pid: int
    port: int

    @property
    def home(self) -> Path:
        return self.base / "home"

    @property
    def log(self) -> Path:
        return self.base / "demo.log"

    def running(self) -> bool:
        return not (self.base / "exit-code").exists()

    def exit_code(self, timeout: float) -> int | None:
        """The demo's exit status, written by the thread that waits on it in the process that
        started it (only a parent can read a child's status)."""
        deadline = time.monotonic() + timeout
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.2)
        return None if self.running() else int((self.base / "exit-code").read_text())

    def kill(self) -> None:
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)

    def to_env(self) -> str:
        return json.dumps({"base": str(self.base), "pid": self.pid, "port": self.port})

    @classmethod
    def from_env(cls) -> DemoRun | None:
        raw = os.environ.get(STARTED)
        if not raw:
            return None
        fields = json.loads(raw)
        return cls(Path(fields["base"]), fields["pid"], fields["port"])


def start_demo(base: Path) -> DemoRun:
    """``gonghui demo`` in a subprocess on a free port, its home and log under ``base``. The
    session starts it as it starts (``conftest.pytest_configure``), so the demo is built beside
    the other tests; the test below checks it at the end."""
    port = _free_port()
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
            str(base / "home"),
        ],
        env=demo_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def reap():
        code = proc.wait()
        (base / "exit-code.part").write_text(str(code))
        (base / "exit-code.part").rename(base / "exit-code")

    threading.Thread(target=reap, daemon=True).start()
    return DemoRun(base, proc.pid, port)


def test_demo_serves_the_login_page_and_stops_cleanly_on_sigterm(tmp_path):
    run = DemoRun.from_env() or start_demo(tmp_path)
    home, port = run.home, run.port
    try:
        # A guard against a hang, not a speed check: building the demo takes about a minute
        # here and more on a slower or busier machine.
        deadline = time.monotonic() + 300
        page = ""
        # Ready when the page answers and the demo has printed its address and logins.
        while time.monotonic() < deadline and not (
            "登录" in page and "Gonghui@2025" in run.log.read_text()
        ):
            assert run.running(), run.log.read_text()
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/admin/login/", timeout=2
                ) as response:
                    page = response.read().decode()
            except OSError:
                pass
            time.sleep(0.5)
        assert "登录" in page, run.log.read_text()
        assert _postgres_on(home / "pgdata"), "the demo should run its own PostgreSQL"
        _a_body_larger_than_any_upload_is_refused_before_it_is_sent(port)
        _the_demo_outlives_its_worker_and_its_database(run)
        _a_killed_command_does_not_keep_the_database_after_the_demo(home)

        os.kill(run.pid, signal.SIGTERM)
        assert run.exit_code(timeout=30) == 0
    finally:
        run.kill()
    output = run.log.read_text()
    assert "admin" in output and "Gonghui@2025" in output
    deadline = time.monotonic() + 10
    while _postgres_on(home / "pgdata") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _postgres_on(home / "pgdata") == []
    # Nothing it started is left: no web server (its master or any of its processes, named by
    # the demo's port), no worker.
    leftovers = [
        p
        for p in psutil.process_iter(attrs=("cmdline",))
        if str(home) in " ".join(p.info["cmdline"] or [])
        or f"_web --host 127.0.0.1 --port {port}" in " ".join(p.info["cmdline"] or [])
    ]
    assert leftovers == []


def _log(run: DemoRun) -> str:
    return run.log.read_text()


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


def _wait(predicate, seconds: float, what: str, run: DemoRun) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what}\n{_log(run)[-3000:]}")


def _login_page(port) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=3) as r:
            return r.read().decode()
    except OSError:
        return ""


def _the_demo_outlives_its_worker_and_its_database(run: DemoRun) -> None:
    home, port = run.home, run.port
    # The worker dies (killed, out of memory): the demo starts another and goes on serving.
    first = _worker_pids(home)
    assert len(first) == 1
    os.kill(next(iter(first)), signal.SIGKILL)
    _wait(lambda: _worker_pids(home) - first, 30, "no new worker after a kill", run)
    assert run.running() and "登录" in _login_page(port)
    # The database dies: the demo starts it again, and the worker that lost it is replaced.
    for postgres in _postgres_on(home / "pgdata"):
        if postgres.ppid() not in {p.pid for p in _postgres_on(home / "pgdata")}:
            postgres.kill()  # the postmaster: the whole server goes
    _wait(lambda: "内置数据库已恢复" in _log(run), 60, "the database was not restarted", run)
    assert run.running()
    _wait(lambda: "登录" in _login_page(port), 30, "pages did not come back", run)
    _wait(lambda: _worker_pids(home), 60, "no worker after the database came back", run)


def _a_killed_command_does_not_keep_the_database_after_the_demo(home) -> None:
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
        env={**demo_env(), "GONGHUI_HOME": str(home)},
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
