"""PostgreSQL as the store's second engine: connecting by URL, its schema and its versions, search with a tsvector
(GIN) and pg_trgm, bulk inserts with COPY, and its errors in words. The queries themselves are the store's own
(pg_connection.py takes their SQLite dialect); what differs is here, as methods of `PostgresStore`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from importlib.resources import files
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors

from .. import words
from .connection import StoreError
from .migrations import default_labels, default_relation_types, write_labels, write_relation_types
from .pg_connection import PgConnection

EngineError = psycopg.Error
CONNECT_TIMEOUT_S = 10
_WORD = re.compile(r"[^\W_]+")  # what SQLite's unicode61 tokenizer takes for a word
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LONGEST_WORD = 500  # longer "words" (base64, URLs) are not indexed: a tsvector lexeme holds at most 2 KB


def shown(url: str) -> str:
    """The URL without its password, to name the database in messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))


# -- the schema: postgres_schema.sql, one part a version -------------------------------------------------------------


def schema_parts() -> list[str]:
    """The SQL of each schema version, in order (postgres_schema.sql cut at its `-- version N` lines)."""
    text = files(__package__).joinpath("postgres_schema.sql").read_text("utf-8")
    return [part for part in re.split(r"^-- version \d+$", text, flags=re.M)[1:]]


SCHEMA_VERSION = len(schema_parts())


# -- search: words folded as SQLite's unicode61 folds them, and runs of scripts without spaces ----------------------


def fold(text: str) -> str:
    """Lower case without diacritics (as unicode61's remove_diacritics: the combining marks of Latin, Greek and
    Cyrillic letters, which NFKD takes apart)."""
    return text.lower() if text.isascii() else _DIACRITICS.sub("", unicodedata.normalize("NFKD", text)).lower()


def search_words(title: str | None, text: str) -> str:
    """An article's words as a tsvector's text: each distinct folded word once (letters and digits only, so
    none needs quoting)."""
    found = set(_WORD.findall(fold(words.without_runs(f"{title or ''}\n{text}"))))
    if max(map(len, found), default=0) > _LONGEST_WORD:
        found = {w for w in found if len(w) <= _LONGEST_WORD}
    return " ".join(found)


def search_runs(title: str | None, text: str) -> str | None:
    """An article's runs of Chinese, Japanese, Thai... one a line (None when it has none)."""
    if text.isascii() and (title or "").isascii():
        return None
    runs = [phrase.replace(" ", "") for phrase in words.phrases(f"{title or ''}\n{text}")]
    return "\n".join(runs) or None


def search_conditions(query: str) -> list[tuple[str, tuple]]:
    """(SQL condition on articles `a`, parameters): every word of `query` (the last one as a prefix) and every
    piece of a run in it, as SQLite's search finds them."""
    found = _WORD.findall(fold(words.without_runs(query)))
    runs = [phrase.replace(" ", "") for phrase in words.phrases(query)]
    conditions = [("a.rowid IN (SELECT rowid FROM article_search WHERE runs LIKE ?)", (f"%{run}%",)) for run in runs]
    if found:
        terms = [f"'{w}'" for w in found[:-1]] + [f"'{found[-1]}':*"]
        conditions.append(("a.rowid IN (SELECT rowid FROM article_search WHERE words @@ ?::tsquery)", (" & ".join(terms),)))
    return conditions or [("FALSE", ())]


# -- errors in words -------------------------------------------------------------------------------------------------


def is_busy(error: BaseException) -> bool:
    return isinstance(error, errors.LockNotAvailable | errors.SerializationFailure | errors.DeadlockDetected)


def explain(error: BaseException) -> str | None:
    """A user's explanation of a PostgreSQL error that is not a bug (the server, the login, the rights), or None."""
    if not isinstance(error, psycopg.Error):
        return None
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if is_busy(error):
        return "another connection is changing the same rows; nothing was changed. Try again"
    if isinstance(error, errors.InsufficientPrivilege):
        return f"not allowed ({message}); nothing was changed"
    if isinstance(error, errors.ReadOnlySqlTransaction):
        return "opened read-only; nothing was changed"
    if isinstance(error, errors.DiskFull):
        return "the server's disk is full; nothing was changed"
    if isinstance(error, psycopg.DataError) and "NUL" in message:
        return "PostgreSQL cannot store the NUL character (\\x00) in a text; nothing was changed"
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return f"the connection to the server failed ({message})"
    return None


def connect_error(url: str, error: psycopg.Error) -> StoreError:
    """One line for a connection that could not be made: no server, a refused login, no such database."""
    message = " ".join(str(error).split())
    if "does not exist" in message and "database" in message:
        why = "no such database on the server (the coordinator creates it: createdb, then `annotator import`)"
    elif "password authentication failed" in message or "no password supplied" in message:
        why = "the server refused the login (check the user name and password, or ~/.pgpass)"
    elif "role" in message and "does not exist" in message:
        why = "the server has no such user (role); ask the coordinator to add you"
    elif "Connection refused" in message or "No such file or directory" in message or "timeout" in message:
        why = "no PostgreSQL server answers there (is it running? check host and port)"
    else:
        why = f"cannot connect ({message})"
    return StoreError(f"{shown(url)}: {why}")


def connect(url: str, *, readonly: bool) -> PgConnection:
    """A connection in autocommit mode (the store begins its own transactions); read-only when asked."""
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as e:
        raise connect_error(url, e) from None
    if readonly:
        raw.execute("SET default_transaction_read_only = on")
    return PgConnection(raw)


def upgrade(conn: PgConnection, version: int, to: int) -> None:
    """Run the schema parts after `version` up to `to`, in the caller's transaction (which holds the schema lock)."""
    for number, part in enumerate(schema_parts()[version:to], start=version + 1):
        conn.raw.execute(part)
        conn.execute("UPDATE schema_version SET version = ?", (number,))
        if number == 1:
            labels = default_labels()
            names = {label.name for label in labels}
            write_labels(conn, labels)
            fitting = [replace(t, from_labels=tuple(n for n in t.from_labels if n in names),
                               to_labels=tuple(n for n in t.to_labels if n in names)) for t in default_relation_types()]
            write_relation_types(conn, [t for t in fitting if t.from_labels and t.to_labels])
