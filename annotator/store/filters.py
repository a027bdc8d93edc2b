"""Filters as small query objects: each `clause()` gives an SQL condition and its parameters; `where()` joins them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..errors import UserError


class Query(Protocol):
    def clause(self) -> tuple[str, list]:
        """An SQL condition ("" for no condition) and its parameters."""


@dataclass(frozen=True)
class Condition:
    """One SQL condition with its parameters."""

    sql: str
    params: tuple = ()

    def clause(self) -> tuple[str, list]:
        return self.sql, list(self.params)


class All:
    """Every one of the given queries holds (no condition when none is given)."""

    def __init__(self, *parts: Query):
        self.parts = parts

    def clause(self) -> tuple[str, list]:
        sqls, params = [], []
        for part in self.parts:
            sql, more = part.clause()
            if sql:
                sqls.append(sql)
                params += more
        return " AND ".join(sqls), params


def where(*parts: Query) -> tuple[str, list]:
    """`WHERE …` (or "" when nothing is filtered) and its parameters, for all of `parts`."""
    sql, params = All(*parts).clause()
    return (f"WHERE {sql}" if sql else ""), params


def id_range(column: str, from_id: str | None = None, before_id: str | None = None) -> All:
    """`column` >= from_id and < before_id, each where given: an export cut in parts."""
    return All(*(Condition(sql, (bound,)) for sql, bound in ((f"{column} >= ?", from_id), (f"{column} < ?", before_id))
                 if bound is not None))


def annotator_is(column: str, annotator: str | None) -> All:
    """`column` = annotator, when one is given."""
    return All(Condition(f"{column} = ?", (annotator,))) if annotator else All()


def article_status(annotator: str | None, status: str) -> Query:
    """Articles `a` by status: any, done (by `annotator`, or by anyone when None) or reviewed."""
    if status == "done" and annotator is None:
        return Condition("EXISTS (SELECT 1 FROM statuses s WHERE s.article_id = a.id AND s.status = 'done')")
    if status == "done":
        return Condition(
            "EXISTS (SELECT 1 FROM statuses s WHERE s.article_id = a.id AND s.status = 'done' AND s.annotator = ?)",
            (annotator,),
        )
    if status == "reviewed":
        return Condition("EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = a.id AND r.status = 'reviewed')")
    if status != "any":
        raise UserError(f"unknown status filter {status!r} (any, done, reviewed)")
    return All()


def one_of(column: str, values: list[str]) -> Condition:
    """`column` is one of `values`."""
    return Condition(f"{column} IN ({', '.join('?' * len(values))})", tuple(values))
