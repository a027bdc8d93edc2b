"""Statistics over the whole database: counts of articles, spans, labels, statuses and reviews, and its health."""

from __future__ import annotations

from ..model import REVIEW_STATUSES
from . import sqlite
from .articles import Articles
from .labels import Labels


class Stats(Articles, Labels):
    def stats(self) -> dict:
        """Counts of articles, spans per label and annotator, relations per type, and statuses per annotator."""
        one = self.conn.execute
        result = {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "spans": one("SELECT count(*) FROM spans").fetchone()[0],
            "labels": {name: 0 for name in (lb.name for lb in self.labels())},
            "annotators": {},
            "gold_spans": one("SELECT count(*) FROM gold_spans").fetchone()[0],
            "reviewed": one("SELECT count(*) FROM reviews WHERE status = 'reviewed'").fetchone()[0],
        }
        for label, count in one("SELECT label, count(*) FROM spans GROUP BY label"):
            result["labels"][label] = count
        if "relations" in self.table_names():  # not in a database older than relations, opened read-only
            result["relations"] = dict(one("SELECT type, count(*) FROM relations GROUP BY type ORDER BY type"))
            result["gold_relations"] = one("SELECT count(*) FROM gold_relations").fetchone()[0]
        for annotator, count in one("SELECT annotator, count(*) FROM spans GROUP BY annotator ORDER BY annotator"):
            result["annotators"][annotator] = {"spans": count, **self.status_counts(annotator)}
        for (annotator,) in one("SELECT DISTINCT annotator FROM statuses WHERE annotator NOT IN (SELECT annotator FROM spans)"):
            result["annotators"][annotator] = {"spans": 0, **self.status_counts(annotator)}
        return result

    def label_counts(self) -> dict[str, dict[str, int]]:
        """{annotator: {label: spans}} over the whole database."""
        result: dict[str, dict[str, int]] = {}
        found = self.conn.execute("SELECT annotator, label, count(*) FROM spans GROUP BY 1, 2 ORDER BY 1, 2")
        for annotator, label, count in found:
            result.setdefault(annotator, {})[label] = count
        return result

    def gold_label_counts(self) -> dict[str, int]:
        """{label: gold spans} over the whole database."""
        return dict(self.conn.execute("SELECT label, count(*) FROM gold_spans GROUP BY label ORDER BY label"))

    def review_counts(self) -> dict[str, int]:
        """How many articles are unreviewed, in review and reviewed."""
        counts = dict.fromkeys(REVIEW_STATUSES, 0)
        found = self.conn.execute(
            "SELECT coalesce(r.status, 'unreviewed'), count(*) FROM articles a "
            "LEFT JOIN reviews r ON r.article_id = a.id GROUP BY 1"
        )
        counts.update(dict(found))
        return counts

    def review_rows(self) -> list[tuple[str, str, str]]:
        """(id, title, review status) of the articles two or more annotators labelled, in id order."""
        return list(self.conn.execute(
            "SELECT a.id, a.title, coalesce(r.status, 'unreviewed') FROM articles a "
            "LEFT JOIN reviews r ON r.article_id = a.id WHERE a.id IN "
            "(SELECT article_id FROM spans GROUP BY article_id HAVING count(DISTINCT annotator) >= 2) ORDER BY a.id"
        ))

    def integrity_ok(self) -> bool:
        """The engine's integrity check, and the search index matching the articles it indexes."""
        return sqlite.integrity_ok(self.conn)
