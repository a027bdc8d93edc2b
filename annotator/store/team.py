"""A team on one PostgreSQL database: coordinator, annotators and reviewers as the server's own roles, and the rules
of postgres_team.sql (row-level security) that let each of them write only their own work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

from ..errors import UserError

ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,62}")


@dataclass(frozen=True)
class Groups:
    """The two group roles of one team database, named after it."""

    annotators: str
    reviewers: str

    @classmethod
    def of(cls, database: str) -> Groups:
        return cls(f"{database}_annotators", f"{database}_reviewers")


def team_sql(groups: Groups, quote) -> str:
    """postgres_team.sql with the database's group roles in place of {annotators} and {reviewers}."""
    text = files(__package__).joinpath("postgres_team.sql").read_text("utf-8")
    return text.replace("{annotators}", quote(groups.annotators)).replace("{reviewers}", quote(groups.reviewers))


def check_role_name(name: str) -> str:
    if not ROLE_NAME.fullmatch(name) or name.lower().startswith("pg_"):
        raise UserError(f"{name!r}: a team member's name is a letter or _, then up to 62 letters, digits, _, . or - "
                        "(it becomes their PostgreSQL role and login)")
    return name


def init_team(url: str, coordinator: str, password: str | None = None) -> list[str]:
    """As a superuser (`url`): make the coordinator's login role and the team's group roles, hand the database (made
    if missing) and its tables to the coordinator, make or upgrade the schema as them, and apply the team's rules."""
    from psycopg import conninfo

    from .pg_store import PostgresStore
    from .postgres import connect_error

    check_role_name(coordinator)
    database = conninfo.conninfo_to_dict(url).get("dbname") or ""
    if not database:
        raise UserError("the URL names no database: postgresql://postgres@HOST/DATABASE")
    groups = Groups.of(database)
    done: list[str] = []
    with _admin(conninfo.make_conninfo(url, dbname="postgres"), url, connect_error) as admin:
        done += _make_roles(admin, coordinator, password, groups)
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        admin.execute(_sql(admin, "ALTER DATABASE {} OWNER TO {}" if exists else "CREATE DATABASE {} OWNER {}",
                           database, coordinator))
        done.append(f"database {database} {'handed to' if exists else 'made for'} {coordinator}")
        admin.execute(_sql(admin, "REVOKE CONNECT ON DATABASE {} FROM PUBLIC", database))
        admin.execute(_sql(admin, "GRANT CONNECT ON DATABASE {} TO {}, {}, {}", database, coordinator,
                           groups.annotators, groups.reviewers))
    with _admin(url, url, connect_error) as admin:
        _hand_over(admin, coordinator)
    store = PostgresStore(conninfo.make_conninfo(url, options=f"-c role={coordinator}"))
    try:
        with store.transaction():
            store.conn.raw.execute(team_sql(groups, lambda name: _quoted(store.conn.raw, name)))
    finally:
        store.close()
    done.append(f"schema and the team's rules (postgres_team.sql) in place: groups {groups.annotators} "
                f"and {groups.reviewers}")
    return done


def add_member(store, name: str, *, reviewer: bool, password: str | None = None) -> str:
    """As the coordinator: a login role for `name` (kept if there is one), in the annotators' group, and in the
    reviewers' too for a reviewer."""
    if not hasattr(store.conn, "raw"):
        raise UserError(f"{store.path}: a team needs a PostgreSQL database (--db postgresql://COORDINATOR@HOST/DB)")
    check_role_name(name)
    raw = store.conn.raw
    groups = Groups.of(raw.execute("SELECT current_database()").fetchone()[0])
    if not raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (groups.annotators,)).fetchone():
        raise UserError(f"{store.path}: not a team database yet (run `annotator team init URL --coordinator NAME`)")
    made = _make_login(raw, name, password)
    chosen = [groups.annotators, groups.reviewers] if reviewer else [groups.annotators]
    for group in chosen:
        raw.execute(_sql(raw, "GRANT {} TO {}", group, name))
    role = "reviewer" if reviewer else "annotator"
    return f"{name}: {'new login role' if made else 'existing role'}, now {role} ({', '.join(chosen)})"


def _make_roles(admin, coordinator: str, password: str | None, groups: Groups) -> list[str]:
    done = []
    if _make_login(admin, coordinator, password):
        done.append(f"login role {coordinator} made")
    admin.execute(_sql(admin, "ALTER ROLE {} CREATEROLE", coordinator))
    for group in (groups.annotators, groups.reviewers):
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone():
            admin.execute(_sql(admin, "CREATE ROLE {} NOLOGIN", group))
            done.append(f"group role {group} made")
        admin.execute(_sql(admin, "GRANT {} TO {} WITH ADMIN OPTION", group, coordinator))
    return done


def _make_login(conn, name: str, password: str | None) -> bool:
    """CREATE ROLE name LOGIN (with a password when given) unless it exists; whether it was made."""
    from psycopg import sql

    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    statement = "ALTER ROLE {} LOGIN" if exists else "CREATE ROLE {} LOGIN"
    if password is None:
        conn.execute(_sql(conn, statement, name))
    else:
        conn.execute(sql.SQL(statement + " PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
    return not exists


def _hand_over(admin, coordinator: str) -> None:
    """Tables and the schema's functions of another owner become the coordinator's (a database imported into before
    the team was made)."""
    for (table,) in admin.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall():
        admin.execute(_sql(admin, "ALTER TABLE {} OWNER TO {}", table, coordinator))
    for (function,) in admin.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace "
            "AND p.proname LIKE 'annotator%'").fetchall():
        admin.execute(f"ALTER FUNCTION {function} OWNER TO {_quoted(admin, coordinator)}")


class _admin:
    """A superuser's connection in autocommit mode, its failure to connect one line."""

    def __init__(self, target: str, url: str, connect_error):
        self.target, self.url, self.connect_error = target, url, connect_error

    def __enter__(self):
        import psycopg

        try:
            self.conn = psycopg.connect(self.target, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise self.connect_error(self.url, e) from None
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


def _sql(conn, template: str, *names: str):
    from psycopg import sql

    return sql.SQL(template).format(*(sql.Identifier(name) for name in names))


def _quoted(conn, name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(conn)
