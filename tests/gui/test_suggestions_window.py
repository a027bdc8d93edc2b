"""Suggestions in the window, driven by keys: propagation as you label, accept, reject, undo, bulk accept, Tab, the
toggle; then the database is checked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.model import Span, Suggestion
from tests.gui.conftest import add_articles

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
TEXT = "NATO met in Brussels. Later NATO said that NATO and Brussels agree.\nNATO again."
NEXT = "In Brussels, NATO spoke."


def label(qtbot, window, start: int, end: int, key=Qt.Key.Key_2) -> None:
    window.view.select(start, end)
    qtbot.keyClick(window.view, key)


def open_suggestions(store, article_id="a000", annotator="tester"):
    return [(s.start, s.end, s.label, s.source) for s in store.suggestions(article_id, annotator)]


def spans(store, article_id="a000", annotator="tester"):
    return [(s.start, s.end, s.label) for s in store.spans(article_id, annotator)]


def test_labelling_a_text_suggests_its_other_places_at_once(store, make_window, qtbot):
    add_articles(store, TEXT, NEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    nato = [i for i in range(len(TEXT)) if TEXT.startswith("NATO", i)]
    assert open_suggestions(store) == [(i, i + 4, "ACTOR", "propagation") for i in nato[1:]]
    assert sorted(window.suggester.layer.suggestions.values(), key=lambda s: s.start)[0].start == nato[1]
    assert window.span_table.model().rowCount() == 1 + 3  # the span, then its suggestions
    assert window.span_table.model().index(1, 3).data() == "suggestion · propagation · 1.00"
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)  # the next article: suggested when it opens
    qtbot.waitUntil(lambda: open_suggestions(store, "a001") == [(13, 17, "ACTOR", "propagation")])
    qtbot.waitUntil(lambda: len(window.suggester.layer.suggestions) == 1)


def test_enter_accepts_x_rejects_and_both_undo(store, make_window, qtbot):
    add_articles(store, TEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    first, second, third = sorted(store.suggestions("a000", "tester"), key=lambda s: s.start)
    assert window.session.current is not None  # the new span
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)  # on to the first suggestion
    assert window.suggester.layer.current == first.id
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert spans(store) == [(0, 4, "ACTOR"), (first.start, first.end, "ACTOR")]
    assert store.spans("a000", "tester")[1].id == window.session.current
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.suggester.layer.current == second.id
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert {s.id for s in store.suggestions("a000", "tester")} == {third.id}
    assert window.suggester.layer.current == third.id  # the next one is chosen
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the rejection undone
    assert {s.id for s in store.suggestions("a000", "tester")} == {second.id, third.id}
    assert store.rejected_keys("tester", "a000") == set()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the accept undone: the suggestion is back
    assert spans(store) == [(0, 4, "ACTOR")]
    assert {s.id for s in store.suggestions("a000", "tester")} == {first.id, second.id, third.id}
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)  # and redone, under the same span id
    assert spans(store) == [(0, 4, "ACTOR"), (first.start, first.end, "ACTOR")]


def test_a_label_key_accepts_the_chosen_suggestion_with_that_label_and_undo_brings_it_back(store, make_window, qtbot):
    add_articles(store, TEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    first, second, third = sorted(store.suggestions("a000", "tester"), key=lambda s: s.start)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)  # the first suggestion, ACTOR
    before = window.undo.count()
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # LOCATION's key: accepted as LOCATION, one edit
    assert window.undo.count() == before + 1 and window.undo.undoText() == "Accept ACTOR “NATO” as LOCATION"
    assert spans(store) == [(0, 4, "ACTOR"), (first.start, first.end, "LOCATION")]
    assert store.spans("a000", "tester")[1].id == window.session.current
    assert {s.id for s in store.suggestions("a000", "tester")} >= {second.id, third.id}
    assert first.id not in {s.id for s in store.suggestions("a000", "tester")}
    assert store.rejected_keys("tester", "a000") == {first.key}  # ACTOR there is not suggested again
    assert (second.start, second.end, "LOCATION", "propagation") in open_suggestions(store)  # as a span by hand
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the span goes, the suggestion comes back
    assert spans(store) == [(0, 4, "ACTOR")] and store.rejected_keys("tester", "a000") == set()
    assert first.id in {s.id for s in store.suggestions("a000", "tester")}
    assert window.suggester.layer.current == first.id
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert spans(store) == [(0, 4, "ACTOR"), (first.start, first.end, "LOCATION")]
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)  # no span selected
    window.view.move_caret(third.start + 1)  # at the caret, with its own label's key: a plain accept
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert (third.start, third.end, "ACTOR") in spans(store) and third.key not in store.rejected_keys("tester", "a000")


def test_a_suggestion_accepted_with_another_label_propagates_that_label(store, make_window, qtbot):
    add_articles(store, TEXT)
    late = TEXT.rindex("Brussels")
    store.add_suggestions("tester", "a000", [Suggestion(12, 20, "ACTOR", "Brussels", "model:m", 0.7)])
    window = make_window(store)
    window.suggester.layer.set_current(min(window.suggester.layer.suggestions))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert spans(store) == [(12, 20, "LOCATION")]
    assert open_suggestions(store) == [(late, late + 8, "LOCATION", "propagation")]


def test_a_models_suggestion_under_a_propagation_one_shows_once_that_is_rejected(store, make_window, qtbot):
    add_articles(store, TEXT)
    second = TEXT.index("Brussels", 20)
    store.add_span("a000", Span(second, second + 8, "LOCATION", "Brussels", "tester"))  # what propagation came from
    store.add_suggestions("tester", "a000", [Suggestion(12, 20, "ACTOR", "Brussels", "model:m", 0.9),
                                             Suggestion(12, 20, "LOCATION", "Brussels", "propagation", 1.0)])
    window = make_window(store)
    layer = window.suggester.layer
    assert [(s.label, s.source) for s in layer.suggestions.values()] == [("LOCATION", "propagation")]
    window.view.move_caret(13)
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert [(s.label, s.source) for s in layer.suggestions.values()] == [("ACTOR", "model:m")]


def test_rejected_suggestions_do_not_come_back(store, make_window, qtbot):
    add_articles(store, TEXT, NEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    for _ in range(3):
        window.suggester.layer.set_current(min(window.suggester.layer.suggestions))
        qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert open_suggestions(store) == [] and len(store.rejected_keys("tester", "a000")) == 3
    window.open_article("a001")
    window.open_article("a000")  # propagation runs again on opening: nothing new
    label(qtbot, window, TEXT.index("Brussels"), TEXT.index("Brussels") + 8, Qt.Key.Key_3)
    qtbot.wait(50)
    assert [s[2] for s in open_suggestions(store)] == ["LOCATION"]


def test_shift_enter_accepts_every_suggestion_above_the_score_as_one_undo(store, make_window, qtbot):
    add_articles(store, TEXT)
    late = TEXT.rindex("Brussels")
    store.add_suggestions("tester", "a000", [Suggestion(12, 20, "LOCATION", "Brussels", "patterns", 0.9),
                                             Suggestion(late, late + 8, "LOCATION", "Brussels", "patterns", 0.3)])
    window = make_window(store)
    label(qtbot, window, 0, 4)
    window.suggester.options.min_score = 0.5
    before = window.undo.count()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, SHIFT)
    assert window.undo.count() == before + 1
    assert [s for s in spans(store) if s[2] == "LOCATION"] == [(12, 20, "LOCATION")]
    assert len(spans(store)) == 1 + 1 + 3
    assert open_suggestions(store) == [(late, late + 8, "LOCATION", "patterns")]
    assert window.span_model.rowCount() == 5
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert spans(store) == [(0, 4, "ACTOR")] and len(open_suggestions(store)) == 5


def test_the_toggle_hides_suggestions_and_enter_then_accepts_nothing(store, make_window, qtbot):
    add_articles(store, TEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    qtbot.keyClick(window.view, Qt.Key.Key_H, CTRL | SHIFT)
    assert window.actions["hide_suggestions"].isChecked() and window.suggester.layer.suggestions == {}
    assert window.span_table.model().rowCount() == 1
    window.view.move_caret(TEXT.index("NATO", 5) + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert spans(store) == [(0, 4, "ACTOR")]
    qtbot.keyClick(window.view, Qt.Key.Key_H, CTRL | SHIFT)
    assert len(window.suggester.layer.suggestions) == 3
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # at the caret
    assert (TEXT.index("NATO", 5), TEXT.index("NATO", 5) + 4, "ACTOR") in spans(store)


@pytest.mark.parametrize(("method", "key", "edit"), [
    ("accept_suggestion", Qt.Key.Key_Return, "Accept ACTOR “NATO”"),
    ("update_span", Qt.Key.Key_3, "Accept ACTOR “NATO” as LOCATION"),  # a label's key: accepted with that label
])
def test_a_failed_accept_says_so_and_leaves_no_undo_entry(store, make_window, qtbot, monkeypatch, method, key, edit):
    from annotator.errors import UserError

    add_articles(store, TEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    before = window.undo.count()

    def busy(*args, **kwargs):
        raise UserError("test.db: another process is writing to it (waited 0.5 s); nothing was changed")

    monkeypatch.setattr(store, method, busy)
    window.suggester.layer.set_current(min(window.suggester.layer.suggestions))
    qtbot.keyClick(window.view, key)
    assert window.undo.count() == before and spans(store) == [(0, 4, "ACTOR")]
    assert f"Not saved: {edit} — test.db: another process" in window.statusBar().currentMessage()
    assert len(window.suggester.layer.suggestions) == 3 and store.rejected_keys("tester", "a000") == set()


def test_a_span_made_over_a_suggestion_hides_it(store, make_window, qtbot):
    add_articles(store, TEXT)
    store.add_span("a000", Span(0, 4, "ACTOR", "NATO", "tester"))
    window = make_window(store)
    qtbot.waitUntil(lambda: len(window.suggester.layer.suggestions) == 3)  # propagated on opening
    start = TEXT.index("Later NATO")
    label(qtbot, window, start, start + 10, Qt.Key.Key_1)  # a CLAIM around it
    assert len(window.suggester.layer.suggestions) == 2


def test_a_key_press_finds_the_places_propagation_finds_without_tokenizing_the_article():
    from annotator.gui.suggestions import occurrences
    from annotator.propagation import Propagator
    from annotator.tokens import tokenize
    from tests.conftest import HARD_TEXTS

    for text in [*HARD_TEXTS, TEXT * 3, "NATO-led NATOs NATO. 東京都に住んで東京 U.S. U.S.A. 3.5 3.5%"]:
        for term in {t.text for t in tokenize(text)} | {"NATO met", "東京", "U.S", "Later NATO said"}:
            expected = [(s.start, s.end) for s in Propagator([(term, "ACTOR", 1)]).find(text)]
            assert [(s.start, s.end) for s in occurrences(text, term, "ACTOR")] == expected, (text, term)
    assert len(occurrences("NATO " * 1000, "NATO", "ACTOR")) == 200  # at most this many a key press


def test_an_undone_label_is_not_looked_for_in_the_next_articles(store, make_window, qtbot):
    add_articles(store, TEXT, NEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    label(qtbot, window, TEXT.index("Brussels"), TEXT.index("Brussels") + 8, Qt.Key.Key_3)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # Brussels undone; NATO stays
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    qtbot.waitUntil(lambda: open_suggestions(store, "a001") != [])
    qtbot.wait(20)
    assert open_suggestions(store, "a001") == [(13, 17, "ACTOR", "propagation")]
    assert "1 span" not in window.status_line.position_label.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, SHIFT)
    assert window.status_line.position_label.text().endswith("· 1 span")


def test_the_suggestion_keys_are_in_the_key_check_and_the_shortcut_list(store, make_window):
    from annotator.windowkeys import label_key_problems

    assert label_key_problems([("FOO", "x")]) == [(0, "key 'x' is the window's key for 'Reject suggestion'; choose another")]
    add_articles(store, TEXT)
    window = make_window(store)
    window.show_shortcuts()
    listed = window.guidelines.toPlainText()
    for text in ("Accept suggestion", "Reject suggestion", "Accept all above the score", "Hide suggestions",
                 "Shift+Return", "Ctrl+Shift+H", "Next span or suggestion",
                 "accepts the chosen suggestion (or the one at the caret) with that label"):
        assert text in listed, text


def test_undoing_the_only_label_of_a_text_takes_back_what_it_propagated_and_redo_brings_it_again(
        store, make_window, qtbot):
    add_articles(store, TEXT)
    window = make_window(store)
    label(qtbot, window, 0, 4)
    first = min(store.suggestions("a000", "tester"), key=lambda s: s.start)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # one accepted: two NATO spans
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the accept undone: its suggestion is back, NATO still labelled
    assert first.id in window.suggester.layer.suggestions and len(window.suggester.layer.suggestions) == 3
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # the label undone: nothing of it is suggested any more
    assert spans(store) == [] and window.suggester.layer.suggestions == {}
    assert window.span_table.model().rowCount() == 0
    qtbot.keyClick(window.view, Qt.Key.Key_Return, SHIFT)  # and nothing is there to bulk-accept
    assert spans(store) == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)  # redo the label, then the accept
    assert len(window.suggester.layer.suggestions) == 3
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert spans(store) == [(0, 4, "ACTOR"), (first.start, first.end, "ACTOR")]
