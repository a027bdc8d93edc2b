"""The review mode driven offscreen: accept, reject, versions, accept-all-agreed, add, undo, and a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.corpus import seed
from annotator.store import open_store

AB = ["annotator-a", "annotator-b"]


@pytest.fixture
def demo(tmp_path):
    store = open_store(tmp_path / "demo.db")
    seed(store)
    yield store
    store.close()


def enter_review(window, qtbot):
    window.actions["mode:Review"].trigger()
    panel = window.review_panel
    assert window.modes.currentWidget() is panel
    panel.list.setFocus()
    qtbot.waitUntil(panel.list.hasFocus)
    return panel


def key(qtbot, panel, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(panel.list, k, modifier)


def focus_on(panel, text, label):
    row = next(i for i, r in enumerate(panel.rows) if r.text == text and r.label == label)
    panel.list.setCurrentRow(row)
    return panel.rows[row]


def test_review_mode_is_in_the_view_menu_with_a_shortcut(demo, make_window):
    window = make_window(demo, "rita")
    action = window.actions["mode:Review"]
    assert action in window.menus["view"].actions() and action.shortcut().toString() == "Ctrl+2"


def test_the_panel_shows_every_candidate_and_the_score(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    assert panel.annotators == AB
    kinds = {r.kind for r in panel.rows}
    assert kinds == {"agreed", "label", "boundary", "missing"}
    assert "exact F1 0.81" in panel.score.text()
    assert panel.focused().kind != "agreed"  # the first pending disagreement has the focus
    first = panel.list.currentRow()
    key(qtbot, panel, Qt.Key.Key_J)
    assert panel.list.currentRow() > first and panel.focused().kind != "agreed"
    key(qtbot, panel, Qt.Key.Key_K)
    assert panel.list.currentRow() == first


def test_accept_reject_and_undo_by_keys(demo, make_window, qtbot):
    window = make_window(demo, "rita")
    panel = enter_review(window, qtbot)
    aid = panel.article_id
    row = focus_on(panel, "Chinese military", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_A)
    [gold] = demo.gold_spans(aid)
    assert (gold.text, gold.reviewer, gold.annotators, gold.decision) == ("Chinese military", "rita", ("annotator-b",), "accepted")
    assert panel.focused().key == row.key and panel.focused().state == "accepted"
    assert demo.review_status(aid) == "in_review"
    row = focus_on(panel, "Shinjuku Ward, Tokyo", "LOCATION")
    key(qtbot, panel, Qt.Key.Key_R)
    assert demo.rejections(aid) == {row.key}
    key(qtbot, panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert demo.rejections(aid) == set() and len(demo.gold_spans(aid)) == 1
    key(qtbot, panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert demo.gold_spans(aid) == [] and demo.review_status(aid) == "unreviewed"
    key(qtbot, panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [g.text for g in demo.gold_spans(aid)] == ["Chinese military"]


def test_accept_a_version_rejects_its_rival(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    focus_on(panel, "Gen Nakatani", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_V)
    assert [g.text for g in demo.gold_spans(panel.article_id)] == ["Gen Nakatani"]
    rival = next(r for r in panel.rows if r.text == "Defense Minister Gen Nakatani")
    assert rival.state == "rejected"


def test_accept_all_agreed_in_one_step_and_undo_it(demo, make_window, qtbot):
    window = make_window(demo, "rita")
    panel = enter_review(window, qtbot)
    key(qtbot, panel, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    gold = demo.gold_spans(panel.article_id)
    assert len(gold) == 26 and all(g.annotators == tuple(AB) for g in gold)
    assert all(r.state == "accepted" for r in panel.rows if r.kind == "agreed")
    window.undo_group.undo()  # the active stack: review's
    assert demo.gold_spans(panel.article_id) == []


def test_add_a_span_nobody_made_and_fix_a_label(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    text = demo.article(panel.article_id).text
    start = text.index("Akazawa")
    panel.view.select(start, start + len("Akazawa"))
    panel.label_box.setCurrentText("ACTOR")
    key(qtbot, panel, Qt.Key.Key_G)
    focus_on(panel, "Taiwan", "ACTOR")
    panel.label_box.setCurrentText("LOCATION")
    panel.view.select(0, 0)
    key(qtbot, panel, Qt.Key.Key_F)
    gold = {g.text: g for g in demo.gold_spans(panel.article_id)}
    assert gold["Akazawa"].decision == "added" and gold["Akazawa"].label == "ACTOR"
    assert gold["Taiwan"].decision == "fixed" and gold["Taiwan"].label == "LOCATION"
    assert any(r.kind == "reviewer" and r.text == "Akazawa" for r in panel.rows)


def test_decisions_are_kept_after_a_restart(demo, make_window, qtbot, tmp_path):
    window = make_window(demo, "rita")
    panel = enter_review(window, qtbot)
    focus_on(panel, "Chinese military", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_A)
    focus_on(panel, "Shinjuku Ward, Tokyo", "LOCATION")
    key(qtbot, panel, Qt.Key.Key_R)
    pending = panel.pending()
    key(qtbot, panel, Qt.Key.Key_M)  # disagreements are pending: it asks first
    assert demo.review_status(panel.article_id) == "in_review"
    box = panel.question
    assert box.isVisible() and f"{pending} disagreements still pending" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert demo.review_status(panel.article_id) == "reviewed"
    window.close()
    store = open_store(demo.path)
    again = enter_review(make_window(store, "rita"), qtbot)
    states = {(r.text, r.label): r.state for r in again.rows}
    assert states[("Chinese military", "ACTOR")] == "accepted"
    assert states[("Shinjuku Ward, Tokyo", "LOCATION")] == "rejected"
    assert store.review_status(again.article_id) == "reviewed"
    assert again.articles.item(0).text().startswith("✔")
    again.window().close()  # before its database: the window looks for other writers once a second until then
    store.close()


def test_each_modes_keys_and_undo_act_only_while_it_is_shown(demo, make_window, qtbot, monkeypatch):
    window = make_window(demo, "rita")
    aid = window.session.article_id
    start = window.session.article.text.index("Japan")
    window.view.select(start, start + len("Japan"))
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    [span] = demo.spans(aid, "rita")
    assert window.session.current == span.id
    notes = []
    monkeypatch.setattr("annotator.gui.window.ask_note", lambda *a, **k: notes.append(a) or ("", False))
    panel = enter_review(window, qtbot)
    for k in (Qt.Key.Key_1, Qt.Key.Key_3, Qt.Key.Key_Delete, Qt.Key.Key_N, Qt.Key.Key_W):
        key(qtbot, panel, k)
    key(qtbot, panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # review's stack is empty: nothing undone
    assert demo.spans(aid, "rita") == [span] and notes == [] and window.editor.snap
    assert not window.actions["label:CLAIM"].isEnabled() and window.menus["review"].isEnabled()
    assert all(a.isEnabled() for a in panel.actions.values())

    window.actions["mode:Labelling"].trigger()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    assert not any(a.isEnabled() for a in panel.actions.values())
    qtbot.keyClick(window.view, Qt.Key.Key_A)  # a review key: does nothing here
    assert demo.gold_spans(aid) == []
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert [s.label for s in demo.spans(aid, "rita")] == ["CLAIM"]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.label for s in demo.spans(aid, "rita")] == ["ACTOR"]


def test_the_status_bar_follows_the_mode_shown(demo, make_window, qtbot):
    window = make_window(demo, "rita")
    assert "to do" in window.status_line.counts_label.text()
    panel = enter_review(window, qtbot)
    pending = panel.pending()
    assert pending == 12
    assert window.status_line.position_label.text() == f"Article 1 of 1 · 0 gold spans · {pending} pending"
    assert window.status_line.counts_label.text() == "0 reviewed · 0 in review · 1 unreviewed"
    focus_on(panel, "Chinese military", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_A)
    assert window.status_line.position_label.text() == f"Article 1 of 1 · 1 gold span · {pending - 1} pending"
    assert window.status_line.counts_label.text() == "0 reviewed · 1 in review · 0 unreviewed"
    window.actions["mode:Labelling"].trigger()
    assert "to do" in window.status_line.counts_label.text() and window.status_line.position_label.text() == "Article 1 of 1 · 0 spans"


def test_candidates_are_written_in_their_label_colour_and_legible(demo, make_window, qtbot):
    from annotator.gui.highlighter import contrast

    panel = enter_review(make_window(demo, "rita"), qtbot)
    base = panel.list.palette().base().color()
    for i in range(panel.list.count()):
        assert contrast(panel.list.item(i).foreground().color(), base) >= 4.5
    hues = {panel.list.item(i).foreground().color().hue() for i in range(panel.list.count())}
    assert len(hues) == 3  # one per label


@pytest.mark.parametrize("names, tags", [
    (["annotator-a", "annotator-b", "qa-tester"], ["a", "b", "t"]),
    (["alice", "alex", "bob"], ["ali", "ale", "b"]),
    (["team1-a", "team2-a"], ["team1", "team2"]),
    (["ab", "abc"], ["ab", "abc"]),
])
def test_annotators_are_tagged_by_the_shortest_start_that_tells_them_apart(names, tags):
    from annotator.gui.review_view import short_names

    assert list(short_names(names).values()) == tags


def test_the_legend_names_each_annotators_tag(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    assert "annotator-a [a]" in panel.legend.text() and "annotator-b [b]" in panel.legend.text()
    assert any("[a,b]" in panel.list.item(i).text() for i in range(panel.list.count()))
