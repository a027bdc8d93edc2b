"""One annotator's spans on one article: reading, adding, changing and deleting them one at a time."""

from __future__ import annotations

from dataclasses import replace

from ..errors import UserError
from ..model import Span, span_misfit
from . import rows
from .connection import Connection, now

NEW_SPAN_COLUMNS = "id, article_id, annotator, label, start, end, text, note, created, updated, attributes"
IN_PROGRESS = "INSERT INTO statuses (article_id, annotator, status, updated)"
IN_PROGRESS_CONFLICT = ("ON CONFLICT (article_id, annotator) DO UPDATE SET status = 'in_progress', "
                        "updated = excluded.updated WHERE statuses.status = 'todo'")


def new_span_row(article_id: str, span: Span, stamp: str) -> tuple:
    return (span.id, article_id, span.annotator, span.label, span.start, span.end, span.text, span.note, stamp, stamp,
            rows.attributes_json(span.attributes))


class Spans(Connection):
    def spans(self, article_id: str, annotator: str | None = None) -> list[Span]:
        sql = f"SELECT {rows.SPAN_COLUMNS} FROM spans WHERE article_id = ?"
        params: list = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [rows.span(row) for row in self.conn.execute(sql + " ORDER BY start, end DESC, label, id", params)]

    def span_outlines(self, article_id: str, annotator: str) -> tuple[list[tuple[int, int, str, int]], dict]:
        """What the window needs to show one annotator's spans on an article, read in one snapshot and cheap to
        read: (start, end, label, id) of each span in the order of `spans()`, and {id: (note, attributes)} of
        the few spans that have a note or attributes. A span's text is the article's text[start:end]."""
        where = "FROM spans WHERE article_id = ? AND annotator = ?"
        with self.snapshot():
            outlines = self.conn.execute(f"SELECT start, end, label, id {where} ORDER BY start, end DESC, label, id",
                                         (article_id, annotator)).fetchall()
            extras = {id_: (note, rows.attributes_of(attributes))
                      for id_, note, attributes in self.conn.execute(
                          f"SELECT id, note, attributes {where} AND (note IS NOT NULL OR attributes IS NOT NULL)",
                          (article_id, annotator))}
        return outlines, {id_: extra for id_, extra in extras.items() if extra != (None, ())}  # "{}" is none too

    def annotators(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT DISTINCT annotator FROM spans ORDER BY annotator")]

    def span(self, span_id: int) -> Span:
        row = self.conn.execute(f"SELECT {rows.SPAN_COLUMNS} FROM spans WHERE id = ?", (span_id,)).fetchone()
        if row is None:
            raise KeyError(f"no span {span_id}")
        return rows.span(row)

    def add_span(self, article_id: str, span: Span) -> Span:
        """Store one span and return it with its id. Ids are never reused, so undo can put a span back under
        the id it had (`span.id`) without meeting anyone else's."""
        with self.transaction():
            if self.check_span(article_id, span, new=True):
                raise UserError(f"{span.annotator or 'this annotator'} already has {span.label} at "
                                f"[{span.start}, {span.end}) in {article_id}; nothing was changed")
            new_id = self._insert_span(article_id, span, now())
            self._changed("spans", article_id)
        return replace(span, id=new_id, article_id=article_id)

    def _insert_span(self, article_id: str, span: Span, stamp: str) -> int:
        """Insert a checked span, mark its article in progress for its annotator (from todo); return its id."""
        new_id = self.conn.execute(
            f"INSERT INTO spans ({NEW_SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            new_span_row(article_id, span, stamp),
        ).fetchone()[0]
        self.conn.execute(f"{IN_PROGRESS} VALUES (?, ?, 'in_progress', ?) {IN_PROGRESS_CONFLICT}",
                          (article_id, span.annotator, stamp))
        return new_id

    def update_span(self, span_id: int, *, annotator: str | None = None, **changes) -> Span:
        """Change a span's label, note or boundaries (with their text); return the span as it is now.
        With `annotator`, only a span of theirs is changed (UserError otherwise)."""
        allowed = {"label", "note", "start", "end", "text"}
        if not changes.keys() <= allowed:
            raise ValueError(f"cannot change {sorted(changes.keys() - allowed)}")
        with self.transaction():
            old = self._own_span(span_id, annotator)
            new = replace(old, **changes)
            if {"start", "end", "text"} & changes.keys():
                self.check_span(old.article_id, new)
            self.conn.execute(
                "UPDATE spans SET label = ?, note = ?, start = ?, end = ?, text = ?, updated = ? WHERE id = ?",
                (new.label, new.note, new.start, new.end, new.text, now(), span_id),
            )
            self._changed("spans", old.article_id)
        return new

    def delete_span(self, span_id: int, *, annotator: str | None = None) -> Span:
        """Remove a span and return it as it was, so that undo can put it back.
        With `annotator`, only a span of theirs is removed (UserError otherwise)."""
        with self.transaction():
            old = self._own_span(span_id, annotator)
            self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
            self._changed("spans", old.article_id)
        return old

    def _own_span(self, span_id: int, annotator: str | None) -> Span:
        """The span `span_id`, refused when it is gone or (with `annotator`) belongs to someone else."""
        try:
            found = self.span(span_id)
        except KeyError:
            if annotator is None:
                raise
            raise UserError(f"span {span_id} is no longer in {self.path}; nothing was changed") from None
        if annotator is not None and found.annotator != annotator:
            raise UserError(f"span {span_id} belongs to {found.annotator!r}, not {annotator!r}; nothing was changed")
        return found

    def check_span(self, article_id: str, span: Span, *, new: bool = False) -> bool:
        """Refuse a span that does not fit its article's text, or whose label is not in the label set; with `new`,
        return whether its annotator already has the same span. One query: a round trip on PostgreSQL."""
        duplicate = ("EXISTS (SELECT 1 FROM spans WHERE article_id = ? AND annotator = ? AND start = ? AND end = ? "
                     "AND label = ?)" if new else "NULL")
        text, known, exists = self.conn.execute(
            f"SELECT (SELECT text FROM articles WHERE id = ?), EXISTS (SELECT 1 FROM labels WHERE name = ?), {duplicate}",
            (article_id, span.label) + ((article_id, span.annotator, span.start, span.end, span.label) if new else ()),
        ).fetchone()
        if text is None:
            raise UserError(f"no article {article_id!r}")
        misfit = span_misfit(text, span.start, span.end, span.text)
        if misfit and misfit[0] == "text":
            raise UserError(f"span text {misfit[1]}")
        if misfit:
            raise UserError(f"span [{span.start}, {span.end}) does not fit the text: {misfit[1]}")
        if not known:
            raise UserError(f"unknown label {span.label!r}")
        return bool(exists)
