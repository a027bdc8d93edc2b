"""Windows on one PostgreSQL database see each other's changes as they are made (LISTEN/NOTIFY, no polling); a
team member's window labels as their role and says so when the server refuses a write."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from annotator.model import Article, Span
from annotator.store import open_store

TEXT = "Japan and NATO met in Brussels on Monday."


@pytest.fixture
def shared(postgres_url):
    """Two connections to one database holding an article alice and bob both labelled (so review shows it)."""
    first, second = open_store(postgres_url), open_store(postgres_url)
    first.add_article(Article("a1", TEXT))
    first.add_article(Article("a2", "Another article, about Rome."))
    first.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice"))
    first.add_span("a1", Span(0, 5, "ACTOR", "Japan", "bob"))
    yield first, second
    first.close()
    second.close()


def rows(panel) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(row.text, row.label, tuple(row.annotators)) for row in panel.rows}


def test_an_edit_in_one_window_appears_in_the_others_review_mode(shared, make_window, qtbot):
    for_rita, for_alice = shared
    reviewer = make_window(for_rita, "rita")
    reviewer.actions["mode:Review"].trigger()
    panel = reviewer.review_panel
    assert panel.article_id == "a1" and rows(panel) == {("Japan", "ACTOR", ("alice", "bob"))}
    assert reviewer.follower.listener is not None and not reviewer.follower.timer.isActive()  # nothing polled

    labeller = make_window(for_alice, "alice")
    assert labeller.session.article_id == "a1"
    labeller.view.select(10, 14)
    qtbot.keyClick(labeller.view, Qt.Key.Key_2)
    assert [s.text for s in for_alice.spans("a1", "alice")] == ["Japan", "NATO"]
    qtbot.waitUntil(lambda: ("NATO", "ACTOR", ("alice",)) in rows(panel), timeout=5000)
    assert panel.article_id == "a1"  # the reviewer stays where they were

    labeller.view.select(22, 30)
    qtbot.keyClick(labeller.view, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: ("Brussels", "LOCATION", ("alice",)) in rows(panel), timeout=5000)
    qtbot.keyClick(labeller.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ("Brussels", "LOCATION", ("alice",)) not in rows(panel), timeout=5000)


def test_a_new_annotator_and_a_newly_shared_article_show_up_and_counts_follow(shared, make_window, qtbot):
    for_rita, other = shared
    reviewer = make_window(for_rita, "rita")
    reviewer.actions["mode:Review"].trigger()
    panel = reviewer.review_panel
    other.add_span("a1", Span(10, 14, "ACTOR", "NATO", "carol"))  # a third annotator of the article shown
    qtbot.waitUntil(lambda: "carol" in panel.annotators, timeout=5000)
    assert ("NATO", "ACTOR", ("carol",)) in rows(panel)
    other.add_span("a2", Span(0, 7, "CLAIM", "Another", "alice"))
    other.add_span("a2", Span(0, 7, "CLAIM", "Another", "bob"))  # now two annotators: in the review list
    qtbot.waitUntil(lambda: "a2" in panel.statuses, timeout=5000)

    reviewer.actions["mode:Labelling"].trigger()
    labeller_row = reviewer.list_panel.model.row_of("a2")
    assert reviewer.list_panel.model.rows[labeller_row].status == "todo"
    other.set_status("a2", "rita", "done")  # rita's own status, set from elsewhere (her other window)
    qtbot.waitUntil(lambda: reviewer.list_panel.model.rows[labeller_row].status == "done", timeout=5000)
    qtbot.waitUntil(lambda: reviewer.list_panel.progress.text() == "1 / 2 done", timeout=5000)


def test_a_team_member_labels_as_their_role_and_a_refused_write_says_so(postgres_databases, make_window, qtbot):
    from annotator.store.team import add_member, init_team

    cluster = postgres_databases.cluster
    name = f"window_team_{os.getpid()}"
    init_team(cluster.url(name), "carol")
    coordinator = open_store(cluster.url(name, user="carol"))
    add_member(coordinator, "alice", reviewer=False)
    coordinator.add_article(Article("a1", TEXT))
    coordinator.add_span("a1", Span(0, 5, "ACTOR", "Japan", "bob"))
    coordinator.add_span("a1", Span(0, 5, "ACTOR", "Japan", "dan"))
    alice = open_store(cluster.url(name, user="alice"))
    try:
        window = make_window(alice, "mallory")  # whatever name the window is given, alice labels as alice
        assert window.store_role == window.annotator == "alice"
        window.view.select(10, 14)
        qtbot.keyClick(window.view, Qt.Key.Key_2)
        assert [(s.annotator, s.text) for s in coordinator.spans("a1", "alice")] == [("alice", "NATO")]
        window.actions["mode:Review"].trigger()  # alice is no reviewer: the server refuses her gold span
        panel = window.review_panel
        panel.list.setFocus()
        qtbot.waitUntil(panel.list.hasFocus)
        panel.list.setCurrentRow(next(i for i, row in enumerate(panel.rows) if row.text == "Japan"))
        qtbot.keyClick(panel.list, Qt.Key.Key_A)  # accept
        assert coordinator.gold_spans("a1") == []
        shown = window.statusBar().currentMessage()
        assert "not allowed" in shown and "permission denied for table gold_spans" in shown, shown
        assert window.review_panel.undo.count() == 0
        window.close()
    finally:
        alice.close()
        coordinator.close()
        cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")


def test_assignments_made_meanwhile_show_in_the_progress_bar_and_the_list_filter(shared, make_window, qtbot):
    store, coordinator = shared
    window = make_window(store, "alice")
    panel = window.list_panel
    assert panel.status.findData("assigned") < 0 and panel.progress.text() == "0 / 2 done"
    coordinator.assign([("a2", "alice")])
    qtbot.waitUntil(lambda: panel.progress.text() == "0 / 1 assigned done", timeout=5000)
    panel.status.setCurrentIndex(panel.status.findData("assigned"))
    qtbot.waitUntil(lambda: [row.id for row in panel.model.rows] == ["a2"])
    coordinator.assign([("a1", "alice")])
    qtbot.waitUntil(lambda: [row.id for row in panel.model.rows] == ["a1", "a2"], timeout=5000)


def test_a_lost_listening_connection_falls_back_to_polling_and_says_so(shared, make_window, qtbot):
    store, other = shared
    window = make_window(store, "alice")
    listener = window.follower.listener
    store.conn.raw.execute("SELECT pg_terminate_backend(%s)", (listener.conn.info.backend_pid,))
    other.add_span("a2", Span(0, 7, "CLAIM", "Another", "alice"))
    qtbot.waitUntil(window.follower.timer.isActive, timeout=5000)
    assert "Live updates stopped" in window.statusBar().currentMessage()
    window.open_article("a1")
    other.add_span("a1", Span(10, 14, "ACTOR", "NATO", "alice"))  # still seen, by polling
    qtbot.waitUntil(lambda: "NATO" in [s.text for s in window.session.spans.values()], timeout=5000)


def test_a_members_window_is_theirs_whatever_name_is_given_or_saved(postgres_databases, monkeypatch, tmp_path, qapp):
    from click.testing import CliRunner

    from annotator.cli import cli
    from annotator.gui import app
    from annotator.store.team import add_member, init_team

    cluster = postgres_databases.cluster
    name = f"shot_team_{os.getpid()}"
    init_team(cluster.url(name), "carol")
    coordinator = open_store(cluster.url(name, user="carol"))
    add_member(coordinator, "alice", reviewer=False)
    coordinator.close()
    seen = {}
    monkeypatch.setattr(app, "take_screenshot", lambda store, who, path, given: seen.update(who=who, given=given) or 0)
    try:
        result = CliRunner().invoke(cli, ["gui", "--screenshot", str(tmp_path / "x.png"), "--annotator", "mallory",
                                          "--db", cluster.url(name, user="alice")])
        assert result.exit_code == 0, result.output
        assert seen == {"who": "alice", "given": True}
    finally:
        cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")
