"""A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder, a Unix socket there, removed after.

The Debian server refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser).
Run as a script it starts one and prints its URL until Enter is pressed (for trying the tool by hand).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SKIP_REASON = "no PostgreSQL server"  # the start of every skip for a missing server; in CI such a skip fails
PASSWORD_ROLE = "with_password"  # the one role that must give its password (tests of a refused login)
BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")
SERVER_SETTINGS = ("-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=100 -c shared_buffers=32MB")


def server_bin() -> Path | None:
    """The folder holding initdb and pg_ctl ($ANNOTATOR_PG_BIN, else Debian's), or None when there is none."""
    for folder in (os.environ.get("ANNOTATOR_PG_BIN", ""), *BIN_DIRS):
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class Cluster:
    """One PostgreSQL server on a Unix socket in its own temporary folder; `url(name)` names a database on it."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.user = "postgres" if os.geteuid() == 0 else None  # the OS user the server runs as (None: this one)
        self.folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.folder / "data"
        if self.user:
            shutil.chown(self.folder, self.user, self.user)
        self.folder.chmod(0o755)  # the server's user owns it; the tests (root, or the same user) reach the socket

    def _run(self, *args: str) -> None:
        command = [*(["runuser", "-u", self.user, "--"] if self.user else []), *args]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}")

    def start(self) -> Cluster:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        hba = self.data / "pg_hba.conf"  # one role logs in with a password (to test a refused login); others trusted
        hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\n" + hba.read_text())
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", f"-k {self.folder} {SERVER_SETTINGS}", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@/{database}?host={self.folder}"

    def admin(self, *statements: str) -> None:
        """Run statements (CREATE DATABASE ...) one by one outside a transaction, as the superuser."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)


class Databases:
    """A fresh database for each test, copied from a template that already holds the annotator schema."""

    def __init__(self, cluster: Cluster):
        from annotator.store import open_store

        self.cluster, self.count = cluster, 0
        cluster.admin("CREATE DATABASE annotator_template")
        open_store(cluster.url("annotator_template")).close()

    def new(self, *, empty: bool = False) -> str:
        """The URL of a new database (with the schema and the default labels, or `empty`)."""
        self.count += 1
        name = f"test_{os.getpid()}_{self.count}"
        template = "template0" if empty else "annotator_template"
        self.cluster.admin(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return self.cluster.url(name)

    def drop(self, url: str) -> None:
        self.cluster.admin(f"DROP DATABASE IF EXISTS {url.split('?')[0].rsplit('/', 1)[1]} WITH (FORCE)")


if __name__ == "__main__":
    found = server_bin()
    if found is None:
        raise SystemExit(SKIP_REASON)
    cluster = Cluster(found).start()
    try:
        cluster.admin("CREATE DATABASE annotator")
        input(f"{cluster.url('annotator')}\nEnter stops the server and removes it. ")
    finally:
        cluster.stop()
