"""Live updates from a PostgreSQL database: the window LISTENs on a connection of its own, and each change another
connection commits (the schema's triggers NOTIFY its kind and article) re-reads only what that change touched."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier

CHANNEL = "annotator"  # the channel the triggers of postgres_schema.sql (version 2) notify on
REVIEWED_KINDS = ("spans", "relations", "gold", "review")


class Listener(QObject):
    """Turns the server's notifications into the window's store events, as if its own store had made the change;
    review mode re-reads the article it shows when that one changed."""

    def __init__(self, window, connection):
        super().__init__(window)
        self.window = window
        self.conn = connection
        self.own = window.store.conn.raw.info.backend_pid  # the window's own writes are followed already
        self.notifier = QSocketNotifier(connection.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self.read)

    def read(self, *_args) -> None:
        import psycopg

        changes: list[tuple[str, str | None]] = []
        try:
            for note in self.conn.notifies(timeout=0):
                if note.pid != self.own:
                    kind, _, article_id = note.payload.partition(" ")
                    changes.append((kind, article_id or None))
        except psycopg.Error as e:  # the server went away: look for changes once a second instead, and say so
            self.notifier.setEnabled(False)
            self.window.follower.timer.start()
            self.window.show_failure(f"Live updates stopped ({' '.join(str(e).split())}); "
                                     "other people's changes now show within a second.")
            return
        for kind, article_id in dict.fromkeys(changes):
            self.window.events.changed.emit(kind, article_id)
            if kind == "assignments":
                follow_assignments(self.window)
            elif kind in REVIEWED_KINDS:
                follow_review(self.window, kind, article_id)

    def close(self) -> None:
        self.notifier.setEnabled(False)
        self.conn.close()


def listen(window) -> Listener | None:
    """A listener for a window on PostgreSQL (None on SQLite, whose window polls instead)."""
    url = getattr(window.store, "url", None)
    if url is None:
        return None
    import psycopg

    connection = psycopg.connect(url, autocommit=True)
    connection.execute(f"LISTEN {CHANNEL}")
    window.destroyed.connect(connection.close)  # a window deleted without being closed (a screenshot) closes it too
    return Listener(window, connection)


def follow_review(window, kind: str, article_id: str | None) -> None:
    """Review mode, when shown, after another connection changed `article_id`: the article shown re-read (a new
    annotator of it ticked), one that two annotators now labelled added to the list, another's status mark kept."""
    panel = getattr(window, "review_panel", None)
    if panel is None or window.modes.currentWidget() is not panel:
        return
    store = window.store
    if article_id is None:
        panel.reload()
    elif article_id == panel.article_id:
        labelled = {span.annotator for span in store.spans(article_id)}
        if labelled - {panel.who.item(i).text() for i in range(panel.who.count())}:
            panel.reload()
            panel._tick_those_who_labelled()
        panel.show_article(article_id)
    elif article_id not in panel.statuses:
        if kind == "spans" and len({span.annotator for span in store.spans(article_id)}) >= 2:
            panel.reload()
    elif kind == "review":
        panel.reload()


def follow_assignments(window) -> None:
    """The coordinator assigned articles: the progress bar (and its "assigned to me" filter) and a list filtered to
    the assignments follow."""
    if window.list_panel.status.currentData() == "assigned":
        window.follower.reload_list()
    window.update_status()
