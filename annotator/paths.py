"""Where things live: the default database, the seeds, the user's name."""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import platformdirs

APP = "annotator"


def is_database_url(target: object) -> bool:
    """Whether a database is named by a PostgreSQL URL (postgresql://user@host:port/name) rather than a file path."""
    return str(target).startswith(("postgresql://", "postgres://"))


def default_db() -> Path | str:
    """$ANNOTATOR_DB (a file, or a PostgreSQL URL kept as it is), else annotator.db in the user's data directory."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return env if is_database_url(env) else Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "annotator.db"


def models_folder(db: str | Path) -> Path:
    """Where the window's trained models go: beside a database file, `<name>-models/`; for a PostgreSQL database,
    `models/<host>-<database>/` in the user's data directory."""
    if not is_database_url(db):
        db = Path(db)
        return db.with_name(f"{db.stem}-models")
    parts = urlsplit(str(db))
    host = parts.hostname or parse_qs(parts.query).get("host", ["localhost"])[0]
    name = "-".join(filter(None, (host, str(parts.port or ""), parts.path.strip("/") or parts.username)))
    safe = re.sub(r"[^\w.-]+", "_", name).strip("_.") or "postgresql"
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "models" / safe


def seeds_dir() -> Path:
    """seeds/ inside an installed wheel, else the source tree's."""
    installed = Path(__file__).parent / "seeds"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "seeds"


signed_in: str | None = None  # the role a team database binds this process to (see store/team.py), set on opening


def default_annotator() -> str:
    """The role a team's PostgreSQL database binds us to, else $ANNOTATOR_NAME, else the operating-system user name."""
    if signed_in:
        return signed_in
    name = os.environ.get("ANNOTATOR_NAME")
    if name:
        return name
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # no user database entry (containers)
        return "annotator"
