"""Throwaway PostgreSQL and Redis servers for the fault tests, which run the production stack
(deploy/stack.py) against them and then stop, start and restart them under it.

    with PostgresCluster.started(port=free_port()) as postgres, RedisServer(port=...) as redis:
        url = postgres.create_database("store")
        migrate(database_url=url, redis_url=redis.url)
        ...  # production_stack(database_url=url, redis_url=redis.url, ...)
        postgres.stop(); postgres.start()
        redis.stop(); redis.start()

Neither server keeps anything worth keeping: PostgreSQL runs without fsync, and Redis keeps no
snapshot, so a stopped Redis comes back empty (as after a crash, or a restart of a server that
does not save): what it held must come back from PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.stack import PYTHON, ROOT, free_port, stop, wait_for_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
DATABASE = "dress_store"


def postgres_bin() -> Path:
    """Where PostgreSQL's programs are: POSTGRES_BIN, else Debian's newest."""
    if os.environ.get("POSTGRES_BIN"):
        return Path(os.environ["POSTGRES_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: float(path.parts[-3])
    )
    if not found:
        raise FileNotFoundError(
            "The fault tests run a PostgreSQL of their own and need its programs "
            "(apt-get install postgresql), or POSTGRES_BIN set to where initdb is."
        )
    return found[-1].parent


def missing_programs() -> list[str]:
    """What the fault tests need and this machine lacks, as Debian package names."""
    missing = []
    try:
        postgres_bin()
    except FileNotFoundError:
        missing.append("postgresql")
    if not Path(REDIS_SERVER).exists():
        missing.append("redis-server")
    return missing


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as the `postgres` user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class PostgresCluster:
    """A PostgreSQL cluster of its own, in a temporary directory, on 127.0.0.1:`port`, with
    trust authentication for the `postgres` role."""

    def __init__(self, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="dress-store-pg-"))
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"

    @classmethod
    @contextlib.contextmanager
    def started(cls, *, port: int | None = None) -> Iterator[PostgresCluster]:
        cluster = cls(port=port)
        try:
            cluster.initdb()
            cluster.start()
            yield cluster
        finally:
            cluster.stop(mode="immediate")
            shutil.rmtree(cluster.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def initdb(self) -> None:
        subprocess.run(
            _as_postgres(
                [
                    str(postgres_bin() / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> float:
        """Start the server and wait until it accepts connections; the seconds that took."""
        started = time.monotonic()
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            # Nothing here must survive a power cut: spare the disk.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("start", "-w", "-o", options, "-l", str(self.log))
        return time.monotonic() - started

    def stop(self, *, mode: str = "fast") -> None:
        """Stop as `pg_ctl stop -m fast` does (what `systemctl stop postgresql` does): open
        sessions are ended at once, and new connections are refused until start()."""
        if self.running:
            self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        """Freeze the postmaster (SIGSTOP): the kernel still completes new connections, and no
        one answers them, as with a server that hangs or a host lost behind a firewall. The
        sessions already open run on (each has its own process)."""
        os.kill(self._postmaster_pid(), signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self._postmaster_pid(), signal.SIGCONT)

    def _postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"', database="postgres")
        return self.url(name)

    def psql(self, sql: str, *, database: str) -> str:
        return subprocess.run(
            [
                str(postgres_bin() / "psql"),
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            _as_postgres([str(postgres_bin() / "pg_ctl"), "-D", str(self.data), *arguments]),
            check=True,
            capture_output=True,
        )


class RedisServer:
    """A Redis of its own on 127.0.0.1:`port` that keeps nothing on disk."""

    def __init__(self, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="dress-store-redis-"))
        self.log = self.directory / "redis.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process, self.log, timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=10)
            self.process = None

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url()).flushall()


@dataclass
class FaultServers:
    """The PostgreSQL and the Redis a stack runs on, for a test to stop and start."""

    postgres: PostgresCluster
    redis: RedisServer

    @property
    def database_url(self) -> str:
        return self.postgres.url(DATABASE)


def migrate(*, database_url: str, redis_url: str) -> None:
    """Build the schema (and Wagtail's root page) in a new database, as a deploy does."""
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dress_store.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
        },
        check=True,
    )
