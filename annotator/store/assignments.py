"""Who is to label which article (the coordinator's plan), what comes next for an annotator, and how far each got."""

from __future__ import annotations

from ..errors import UserError
from ..model import STATUSES
from .articles import Articles
from .connection import now

TEAM_STATUSES = ("any", "todo", "done")  # every article; those nobody has started; those somebody marked done


class Assignments(Articles):
    def assign(self, pairs: list[tuple[str, str]]) -> int:
        """Store (article id, annotator) assignments after those there are, in the order given; return how many were
        new (one there already is kept as it was)."""
        with self.transaction():
            first = self.conn.execute("SELECT coalesce(max(position), 0) FROM assignments").fetchone()[0] + 1
            before = self._assignment_count()
            stamp = now()
            self.conn.executemany(
                "INSERT INTO assignments (article_id, annotator, position, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id, annotator) DO NOTHING",
                [(article_id, annotator, first + i, stamp) for i, (article_id, annotator) in enumerate(pairs)],
            )
            added = self._assignment_count() - before
            self._changed("assignments", None)
        return added

    def _assignment_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM assignments").fetchone()[0]

    def assignments(self, annotator: str | None = None) -> list[tuple[str, str]]:
        """(article id, annotator) in the order they were planned; only `annotator`'s when given."""
        if annotator is None:
            return list(self.conn.execute("SELECT article_id, annotator FROM assignments ORDER BY position"))
        return list(self.conn.execute(
            "SELECT article_id, annotator FROM assignments WHERE annotator = ? ORDER BY position", (annotator,)))

    def assignment_loads(self) -> dict[str, int]:
        """{annotator: articles assigned}."""
        return dict(self.conn.execute("SELECT annotator, count(*) FROM assignments GROUP BY annotator"))

    def has_assignments(self, annotator: str) -> bool:
        return self.conn.execute("SELECT 1 FROM assignments WHERE annotator = ? LIMIT 1", (annotator,)).fetchone() is not None

    def unassigned_article_ids(self, status: str = "any") -> list[str]:
        """Articles nobody is assigned to, in corpus order: all, those nobody has started (no span, no status but
        to do), or those somebody marked done."""
        if status not in TEAM_STATUSES:
            raise UserError(f"unknown status {status!r} (one of {', '.join(TEAM_STATUSES)})")
        taken = {row[0] for row in self.conn.execute("SELECT DISTINCT article_id FROM assignments")}
        if status == "todo":
            taken |= {row[0] for row in self.conn.execute(
                "SELECT article_id FROM statuses WHERE status <> 'todo' UNION SELECT article_id FROM spans")}
        chosen = None
        if status == "done":
            chosen = {row[0] for row in self.conn.execute("SELECT article_id FROM statuses WHERE status = 'done'")}
        return [i for i in self.article_ids() if i not in taken and (chosen is None or i in chosen)]

    def next_to_label(self, annotator: str, after_id: str | None,
                      statuses: tuple[str, ...] = ("todo", "in_progress")) -> str | None:
        """The next article for `annotator` whose status is one of `statuses`: among their assignments in planned
        order when they have any (wrapping round, never `after_id` itself), else in the whole corpus."""
        if not self.has_assignments(annotator):
            return self.next_article(annotator, after_id, statuses)
        marks = ", ".join("?" * len(statuses))
        row = self.conn.execute(
            "SELECT g.article_id FROM assignments g LEFT JOIN statuses s "
            "ON s.article_id = g.article_id AND s.annotator = g.annotator "
            f"WHERE g.annotator = ? AND coalesce(s.status, 'todo') IN ({marks}) AND g.article_id <> coalesce(?, '') "
            "ORDER BY g.position <= coalesce((SELECT position FROM assignments WHERE annotator = ? AND article_id = ?), 0), "
            "g.position LIMIT 1",
            (annotator, *statuses, after_id, annotator, after_id),
        ).fetchone()
        return row[0] if row else None

    def assigned_status_counts(self, annotator: str | None = None) -> dict[str, dict[str, int]]:
        """{annotator: {"assigned": n, status: n, ...}} over each one's assigned articles (only `annotator`'s)."""
        only = "WHERE g.annotator = ? " if annotator is not None else ""
        found = self.conn.execute(
            "SELECT g.annotator, coalesce(s.status, 'todo'), count(*) FROM assignments g LEFT JOIN statuses s "
            f"ON s.article_id = g.article_id AND s.annotator = g.annotator {only}GROUP BY 1, 2 ORDER BY 1",
            () if annotator is None else (annotator,))
        counts: dict[str, dict[str, int]] = {}
        for name, status, count in found:
            row = counts.setdefault(name, {"assigned": 0, **dict.fromkeys(STATUSES, 0)})
            row["assigned"] += count
            row[status] += count
        return counts

    def assignment_progress(self) -> dict:
        """Progress on the assignments: per annotator, their assigned articles by status; over the articles assigned,
        how many every assignee has finished (done or skipped), how many somebody has started, and how many nobody."""
        if "assignments" not in self.table_names():  # a database older than assignments, opened read-only
            return {"annotators": {}, "articles": {"assigned": 0, "finished": 0, "started": 0, "not_started": 0}}
        finished, started, articles = self.conn.execute(
            "SELECT coalesce(sum(CASE WHEN left_to_do = 0 THEN 1 ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN left_to_do > 0 AND touched > 0 THEN 1 ELSE 0 END), 0), count(*) FROM ("
            "SELECT g.article_id, sum(CASE WHEN s.status IN ('done', 'skipped') THEN 0 ELSE 1 END) AS left_to_do, "
            "sum(CASE WHEN coalesce(s.status, 'todo') <> 'todo' THEN 1 ELSE 0 END) AS touched FROM assignments g "
            "LEFT JOIN statuses s ON s.article_id = g.article_id AND s.annotator = g.annotator GROUP BY g.article_id) t"
        ).fetchone()
        return {"annotators": self.assigned_status_counts(),
                "articles": {"assigned": articles, "finished": finished, "started": started,
                             "not_started": articles - finished - started}}
