"""The statistics view shows the report's charts, and redraws when the store changes."""

from __future__ import annotations

from annotator.corpus import seed
from annotator.store import open_store


def test_the_statistics_dock_draws_the_charts(make_window, tmp_path, qtbot):
    store = open_store(tmp_path / "demo.db")
    seed(store)
    window = make_window(store, "rita")
    toggle = window.stats_dock.toggleViewAction()
    assert toggle in window.menus["view"].actions() and toggle.shortcut().toString() == "F9"
    toggle.trigger()
    view = window.stats_view
    qtbot.waitUntil(lambda: bool(view.svgs))
    assert set(view.svgs) == {"progress", "labels", "agreement", "pairs", "confusion"}
    assert all(w.renderer().isValid() for w in view.widgets.values())
    assert "annotator-a" in view.svgs["labels"] and "#0072B2" in view.svgs["labels"]
    store.set_review_status(store.article_ids()[0], "reviewed", "rita")
    qtbot.waitUntil(lambda: "1 / 1" in view.svgs["progress"])
    window.close()  # before the store: a redraw still pending must not read a closed database
    store.close()


def test_the_statistics_dock_shows_relation_agreement_as_the_report_does(make_window, tmp_path, qtbot):
    from annotator.model import Article
    from tests.test_relation_candidates import CLAIM, NAKATANI, TEXT, make

    store = open_store(tmp_path / "rel.db")
    store.add_article(Article("a1", TEXT))
    make(store, "alice", [("CLAIMED_BY", CLAIM, NAKATANI)])
    make(store, "bob", [("CLAIMED_BY", CLAIM, NAKATANI)])
    window = make_window(store, "rita")
    window.stats_dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: bool(window.stats_view.svgs))
    lines = window.stats_view.relations.text().splitlines()
    assert lines[0] == "Relation agreement" and lines[2].split()[:3] == ["alice", "/", "bob"]
    assert lines[2].split()[-2:] == ["1.000", "1.000"]  # exact and overlap F1
    window.close()
    store.close()


def test_changes_that_keep_coming_still_redraw_the_charts(make_window, tmp_path, qtbot):
    store = open_store(tmp_path / "busy.db")
    seed(store)
    window = make_window(store, "rita")
    window.stats_dock.toggleViewAction().trigger()
    view = window.stats_view
    qtbot.waitUntil(lambda: bool(view.svgs))
    fired = []
    view.timer.timeout.connect(lambda: fired.append(1))
    for _ in range(100):  # a change every 100 ms (twenty annotators on a live database), for up to 10 s
        window.events.changed.emit("spans", store.article_ids()[0])
        qtbot.wait(100)
        if fired:
            break
    assert fired  # redrawn while the changes go on, not only once they stop
    window.close()
    store.close()
