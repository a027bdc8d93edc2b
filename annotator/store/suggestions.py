"""Suggestions for each annotator, in a table of their own: stored without duplicates, read, accepted (they become
the annotator's spans) or rejected (remembered, so they are not suggested to that annotator again)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..errors import UserError
from ..model import STATUSES, Span, Suggestion, span_misfit
from .connection import now
from .filters import Condition, one_of, where
from .spans import Spans

_COLUMNS = "g.id, g.article_id, g.annotator, g.label, g.start, g.end, g.text, g.source, g.score"
# neither rejected by the annotator nor already one of their spans
_OPEN = (
    "NOT EXISTS (SELECT 1 FROM suggestion_rejections r WHERE r.annotator = {a} AND r.article_id = {i} "
    "AND r.start = {s} AND r.end = {e} AND r.label = {l}) "
    "AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.article_id = {i} AND p.annotator = {a} "
    "AND p.start = {s} AND p.end = {e} AND p.label = {l})"
)
_OPEN_ROW = _OPEN.format(a="g.annotator", i="g.article_id", s="g.start", e="g.end", l="g.label")
_INSERT = (
    "INSERT INTO suggestions (article_id, annotator, label, start, end, text, source, score, created) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE "
    + _OPEN.format(a="?2", i="?1", s="?4", e="?5", l="?3")
    + " ON CONFLICT (annotator, article_id, start, end, label) DO UPDATE SET score = excluded.score, "
    "source = excluded.source WHERE excluded.score > suggestions.score"
)


def _suggestion(row) -> Suggestion:
    id_, article_id, annotator, label, start, end, text, source, score = row
    return Suggestion(start, end, label, text, source, score, annotator, id_, article_id)


class Suggestions(Spans):
    def add_suggestions(self, annotator: str, article_id: str, found: Iterable[Suggestion]) -> int:
        """Store suggestions for `annotator` on an article; return how many are new. One already there keeps the
        higher score; one the annotator rejected, or already has as a span, is not stored."""
        stamp = now()
        with self.transaction():
            before = self.suggestion_count(annotator, article_id)
            rows = [(article_id, annotator, s.label, s.start, s.end, s.text, s.source, s.score, stamp)
                    for s in self._checked(article_id, found)]
            self.conn.executemany(_INSERT, rows)
            added = self.suggestion_count(annotator, article_id) - before
            if rows:
                self._changed("suggestions", article_id)
        return added

    def _checked(self, article_id: str, found: Iterable[Suggestion]) -> list[Suggestion]:
        """`found`, or a UserError for the first suggestion that does not fit the article or the label set."""
        found = list(found)
        text = self.article(article_id).text
        labels = {row[0] for row in self.conn.execute("SELECT name FROM labels")}
        for s in found:
            misfit = span_misfit(text, s.start, s.end, s.text)
            if misfit:
                raise UserError(f"suggestion [{s.start}, {s.end}) on article {article_id!r}: {misfit[1]}")
            if s.label not in labels:
                raise UserError(f"suggestion [{s.start}, {s.end}) on article {article_id!r}: unknown label {s.label!r}")
        return found

    def suggestion_count(self, annotator: str, article_id: str | None = None) -> int:
        sql = "SELECT count(*) FROM suggestions WHERE annotator = ?"
        params = [annotator] if article_id is None else [annotator, article_id]
        return self.conn.execute(sql + (" AND article_id = ?" if article_id else ""), params).fetchone()[0]

    def suggestions(self, article_id: str, annotator: str, min_score: float = 0.0) -> list[Suggestion]:
        """The annotator's open suggestions on an article (not rejected, not yet one of their spans), in text order."""
        found = self.conn.execute(
            f"SELECT {_COLUMNS} FROM suggestions g WHERE g.article_id = ? AND g.annotator = ? AND g.score >= ? "
            f"AND {_OPEN_ROW} ORDER BY g.start, g.end DESC, g.label",
            (article_id, annotator, min_score),
        )
        return [_suggestion(row) for row in found]

    def suggestion(self, suggestion_id: int) -> Suggestion:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM suggestions g WHERE g.id = ?", (suggestion_id,)).fetchone()
        if row is None:
            raise UserError(f"suggestion {suggestion_id} is no longer in {self.path}; nothing was changed")
        return _suggestion(row)

    def accept_suggestion(self, suggestion_id: int, *, span_id: int | None = None) -> Span:
        """Make a suggestion its annotator's span (one transaction) and return the span; `span_id` puts it under the
        id an undone accept gave it."""
        with self.transaction():
            s = self.suggestion(suggestion_id)
            span = self.add_span(s.article_id, Span(s.start, s.end, s.label, s.text, s.annotator, id=span_id))
            self.conn.execute("UPDATE spans SET origin = ? WHERE id = ?", (f"suggestion:{s.source}", span.id))
            self.conn.execute("DELETE FROM suggestions WHERE id = ?", (suggestion_id,))
            self._changed("suggestions", s.article_id)
        return span

    def reject_suggestion(self, suggestion_id: int) -> Suggestion:
        """Forget a suggestion and remember that its annotator rejected it; return it as it was."""
        with self.transaction():
            s = self.suggestion(suggestion_id)
            self.conn.execute(
                "INSERT INTO suggestion_rejections (annotator, article_id, start, end, label, source, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (annotator, article_id, start, end, label) DO UPDATE SET "
                "source = excluded.source, created = excluded.created",
                (s.annotator, s.article_id, s.start, s.end, s.label, s.source, now()),
            )
            self.conn.execute("DELETE FROM suggestions WHERE id = ?", (suggestion_id,))
            self._changed("suggestions", s.article_id)
        return s

    def put_back_suggestion(self, s: Suggestion) -> None:
        """Store `s` again under its id, no longer rejected (the undo of an accept or a reject)."""
        with self.transaction():
            self.conn.execute(
                "DELETE FROM suggestion_rejections WHERE annotator = ? AND article_id = ? AND start = ? AND end = ? "
                "AND label = ?", (s.annotator, s.article_id, s.start, s.end, s.label))
            self.conn.execute(
                "INSERT OR REPLACE INTO suggestions (id, article_id, annotator, label, start, end, text, source, score, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (s.id, s.article_id, s.annotator, s.label, s.start, s.end, s.text, s.source, s.score, now()))
            self._changed("suggestions", s.article_id)

    def unaccept_suggestion(self, span_id: int, s: Suggestion) -> Span:
        """Delete the span an accept made and put its suggestion back, in one transaction; return the span."""
        with self.transaction():
            span = self.delete_span(span_id, annotator=s.annotator)
            self.put_back_suggestion(s)
        return span

    def rejected_keys(self, annotator: str, article_id: str) -> set[tuple[int, int, str]]:
        """(start, end, label) of every suggestion the annotator rejected on an article."""
        return set(self.conn.execute(
            "SELECT start, end, label FROM suggestion_rejections WHERE annotator = ? AND article_id = ?",
            (annotator, article_id)))

    def accept_suggestions(self, annotator: str, min_score: float = 0.0,
                           article_ids: list[str] | None = None) -> Counter[str]:
        """Make every open suggestion of `annotator` scoring at least `min_score` their span (in the articles
        given, or all); return how many were accepted per label."""
        conditions = [Condition("g.annotator = ?", (annotator,)), Condition("g.score >= ?", (min_score,)),
                      Condition(_OPEN_ROW)]
        if article_ids is not None:
            conditions.append(one_of("g.article_id", article_ids))
        where_sql, params = where(*conditions)
        stamp = now()
        with self.transaction():
            chosen = list(self.conn.execute(f"SELECT {_COLUMNS} FROM suggestions g {where_sql}", params))
            self.conn.executemany(
                "INSERT INTO spans (article_id, annotator, label, start, end, text, origin, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8)",
                [(a, who, label, s, e, text, f"suggestion:{source}", stamp)
                 for _, a, who, label, s, e, text, source, _ in chosen],
            )
            self.conn.executemany(
                "INSERT INTO statuses (article_id, annotator, status, updated) VALUES (?, ?, 'in_progress', ?) "
                "ON CONFLICT (article_id, annotator) DO UPDATE SET status = 'in_progress', "
                "updated = excluded.updated WHERE statuses.status = 'todo'",
                [(a, annotator, stamp) for a in dict.fromkeys(row[1] for row in chosen)],
            )
            self.conn.executemany("DELETE FROM suggestions WHERE id = ?", [(row[0],) for row in chosen])
            if chosen:
                self._changed("spans")
                self._changed("suggestions")
        return Counter(row[3] for row in chosen)

    def labelled_terms(self, annotator: str | None = None, *, gold: bool = False) -> list[tuple[str, str, int]]:
        """(text, label, how many times) of every distinct labelled text: the annotator's spans (everyone's when
        None) or the gold layer."""
        table = "gold_spans" if gold else "spans"
        where_sql, params = where(Condition("annotator = ?", (annotator,))) if annotator and not gold else ("", [])
        return list(self.conn.execute(
            f"SELECT text, label, count(*) FROM {table} {where_sql} GROUP BY text, label ORDER BY text, label", params
        ))

    def nested_label_pairs(self, annotator: str) -> set[tuple[str, str]]:
        """(outer label, inner label) of every pair of the annotator's spans where one lies within the other."""
        found = self.conn.execute(
            "SELECT DISTINCT o.label, i.label FROM spans o JOIN spans i ON i.article_id = o.article_id "
            "AND i.annotator = o.annotator AND i.id != o.id AND o.start <= i.start AND i.end <= o.end "
            "AND (i.end - i.start) < (o.end - o.start) WHERE o.annotator = ?",
            (annotator,),
        )
        return set(found)

    def labelled_article_ids(self, annotator: str | None, *, gold: bool = False) -> list[str]:
        """Ids, in corpus order, of the articles with a span of `annotator` (or of anyone's, or in the gold layer)."""
        table = "gold_spans" if gold else "spans"
        extra, params = ("AND p.annotator = ?", [annotator]) if annotator and not gold else ("", [])
        found = self.conn.execute(
            f"SELECT a.id FROM articles a WHERE EXISTS (SELECT 1 FROM {table} p WHERE p.article_id = a.id {extra}) "
            "ORDER BY a.rowid", params)
        return [row[0] for row in found]

    def article_ids_for(self, annotator: str, status: str | None = None) -> list[str]:
        """Every article's id in corpus order, or only those whose status for `annotator` is `status`."""
        if status is None:
            return self.article_ids()
        if status not in STATUSES:
            raise UserError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        found = self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN statuses s ON s.article_id = a.id AND s.annotator = ? "
            "WHERE coalesce(s.status, 'todo') = ? ORDER BY a.rowid",
            (annotator, status),
        )
        return [row[0] for row in found]
