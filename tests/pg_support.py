"""A throwaway PostgreSQL server for tests, and the workflow-store fixtures on both databases.

``JIANDU_TEST_PG_URL`` (set by ``scripts/test``, which starts a server around the whole run)
names a server to use. Without it the ``pg_server_url`` fixture starts one itself for the test
session: ``initdb`` into a temporary folder, ``pg_ctl start`` on 127.0.0.1 with a free port, and
stops it at the end. As root (initdb refuses root) the server runs as the ``postgres`` user, or
as ``nobody``. If no PostgreSQL binaries are found, PostgreSQL tests are skipped with the reason,
and the skip fails the run unless ``JIANDU_ALLOW_SKIP=1`` (tests/skip_policy.py).

Each test gets a fresh schema (``search_path`` set through the URL), so tests never see each
other's rows and need no new database.

Also usable from the shell (scripts/test does)::

    python tests/pg_support.py start DIR   # prints the URL
    python tests/pg_support.py stop DIR
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV = "JIANDU_TEST_PG_URL"
DB_USER = "jiandu"


def find_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: PATH, then Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


def _run_as() -> list[str]:
    """Prefix to run server commands unprivileged when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", name, "--"]
        return ["su", "-s", "/bin/sh", name, "-c"]  # pragma: no cover - joined below
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL")


def _command(prefix: list[str], args: list[str]) -> list[str]:
    if prefix and prefix[0] == "su":
        return [*prefix, " ".join(args)]
    return [*prefix, *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path) -> str:
    """Initialise and start a server in ``folder``; return its SQLAlchemy URL."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    folder.mkdir(parents=True, exist_ok=True)
    prefix = _run_as()
    if prefix:
        user = prefix[2] if prefix[0] == "runuser" else prefix[3]
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o700)
    data = folder / "data"
    subprocess.run(
        _command(
            prefix,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                DB_USER,
                "-E",
                "UTF8",
                "--no-instructions",
                "--locale=C",
            ],
        ),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=100"
    )
    subprocess.run(
        _command(
            prefix,
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
        ),
        check=True,
        capture_output=True,
    )
    (folder / "port").write_text(str(port))
    return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{port}/postgres"


def stop(folder: Path) -> None:
    bin_dir = find_bin_dir()
    data = folder / "data"
    if bin_dir is not None and (data / "postmaster.pid").exists():
        subprocess.run(
            _command(_run_as(), [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server for the whole test session (from JIANDU_TEST_PG_URL, else started)."""
    url = os.environ.get(ENV)
    if url:
        yield url
        return
    if find_bin_dir() is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) not found and JIANDU_TEST_PG_URL is unset "
            "(apt-get install postgresql, or set JIANDU_TEST_PG_URL to a server)"
        )
    folder = Path(tempfile.mkdtemp(prefix="jiandu-pg-"))
    try:
        url = start(folder)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        stop(folder)
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')[-500:]}")
    try:
        yield url
    finally:
        stop(folder)


def schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped after the test)."""
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(pg_server_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield schema_url(pg_server_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


DB_PARAMS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]


@pytest.fixture(params=DB_PARAMS)
def workflow_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty workflow database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workflow.sqlite'}"
    return str(request.getfixturevalue("pg_url"))


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where))
    elif action == "stop":
        stop(where)
    else:
        sys.exit(f"usage: {sys.argv[0]} start|stop DIR")
