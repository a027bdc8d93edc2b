"""Opening an article from span outlines, and other programs' span changes passed on one by one."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.gui.session import Session
from annotator.gui.spanindex import Mark, SpanIndex
from annotator.model import Article, Span
from annotator.offsets import OffsetMap
from annotator.store import Store
from tests.conftest import HARD_TEXTS
from tests.gui.test_labelling import TEXT, add, drag, point


def _store_spans_over(store, text: str, article_id: str) -> None:
    """Spans over every character pair and the whole text, nested and overlapping; some with notes or attributes."""
    store.add_article(Article(article_id, text))
    cuts = list(range(0, len(text) + 1, 2)) + [len(text)]
    made = 0
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start < end:
            note = "checked <b>" if made % 3 == 0 else None
            attributes = (("Negation", True),) if made % 4 == 1 else ()
            store.add_span(article_id, Span(start, end, ("ACTOR", "LOCATION")[made % 2], text[start:end], "tester",
                                            note, attributes=attributes))
            made += 1
    store.add_span(article_id, Span(0, len(text), "CLAIM", text, "tester"))
    store.add_span(article_id, Span(0, len(text), "CLAIM", text, "someone else"))


def test_spans_made_on_demand_are_the_stored_ones_and_lie_where_stored(store, qapp):
    session = Session(store, "tester")
    for k, text in enumerate(HARD_TEXTS):
        _store_spans_over(store, text, f"h{k}")
        session.open(f"h{k}")
        assert list(session.spans.values()) == store.spans(f"h{k}", "tester")  # text, note, attributes, ids, order
        offsets = OffsetMap(text, fold_crlf=True)
        index = SpanIndex(text, offsets)
        index.reset_outlines(session.spans.outlines)
        expected = [Mark(offsets.to_units(s.start), offsets.to_units(s.end), s.label, s.id)
                    for s in store.spans(f"h{k}", "tester")]
        assert sorted(index.marks) == sorted(expected)


def test_the_duplicate_check_follows_additions_and_removals(store, qapp):
    store.add_article(Article("a", "Japan and NATO"))
    session = Session(store, "tester")
    session.open("a")
    assert not session.spans.has(0, 5, "ACTOR")
    japan = session.add(session.make_span(0, 5, "ACTOR"))
    nato = session.add(session.make_span(10, 14, "ACTOR"))
    assert session.spans.has(0, 5, "ACTOR") and session.spans.has(10, 14, "ACTOR")
    assert not session.spans.has(0, 5, "LOCATION") and not session.spans.has(0, 4, "ACTOR")
    session.update(japan.id, label="LOCATION")
    assert session.spans.has(0, 5, "LOCATION") and not session.spans.has(0, 5, "ACTOR")
    session.remove(nato.id)
    assert not session.spans.has(10, 14, "ACTOR") and list(session.spans) == [japan.id]


def test_a_second_writers_spans_appear_and_the_users_selection_caret_and_undo_stay(store, make_window, qtbot):
    add(store, TEXT, "Second article.")
    window = make_window(store)
    window.open_article("a000")
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 2))
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # ACTOR "Japan", undoable
    japan = window.session.current
    assert window.span_table.currentIndex().row() == 0
    brussels = TEXT.index("Brussels")
    drag(qtbot, window.view, brussels, brussels + 8)  # the user is about to label Brussels
    resets = []
    window.span_model.modelReset.connect(lambda: resets.append("spans"))
    window.list_panel.model.modelReset.connect(lambda: resets.append("list"))

    other = Store(store.path)  # another program, as the tester
    china = other.add_span("a000", Span(10, 15, "LOCATION", "China", "tester"))
    other.add_span("a001", Span(0, 6, "ACTOR", "Second", "tester"))
    qtbot.waitUntil(lambda: window.span_model.rowCount() == 2, timeout=5000)
    assert window.session.spans[china.id] == other.span(china.id)
    assert window.view.index.span_ids_at(12) == [china.id]  # drawn where it is stored
    assert window.view.selection() == (brussels, brussels + 8)
    assert window.session.current == japan and window.span_table.currentIndex().row() == 0
    assert window.undo.count() == 1 and window.list_panel.table.currentIndex().row() == 0
    qtbot.waitUntil(lambda: window.list_panel.model.rows[1].spans == 1, timeout=5000)

    other.update_span(china.id, note="seen by both")
    qtbot.waitUntil(lambda: window.span_model.index(1, 3).data() == "seen by both", timeout=5000)
    other.delete_span(china.id)
    qtbot.waitUntil(lambda: window.span_model.rowCount() == 1, timeout=5000)
    assert window.view.index.span_ids_at(12) == [] and resets == []
    assert window.view.selection() == (brussels, brussels + 8) and window.span_table.currentIndex().row() == 0

    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the user's own undo still works
    assert store.spans("a000", "tester") == [] and window.span_model.rowCount() == 0
    other.close()


def test_the_span_table_keeps_its_scroll_when_another_program_adds_a_span(store, make_window, qtbot):
    words = " ".join(f"word{i}" for i in range(120))
    add(store, words)
    for i in range(100):
        start = words.index(f"word{i} ")
        store.add_span("a000", Span(start, start + len(f"word{i}"), "ACTOR", f"word{i}", "tester"))
    window = make_window(store)
    window.open_article("a000")
    last = window.span_table.model().index(99, 0)  # the table shows span rows, then suggestion rows
    window.span_table.setCurrentIndex(last)
    window.span_table.scrollTo(last)
    bar = window.span_table.verticalScrollBar()
    scrolled, current = bar.value(), window.session.current
    assert scrolled > 0 and window.session.spans[current].text == "word99"
    other = Store(store.path)
    start = words.index("word110")
    other.add_span("a000", Span(start, start + 7, "ACTOR", "word110", "tester"))
    qtbot.waitUntil(lambda: window.span_model.rowCount() == 101, timeout=5000)
    assert bar.value() == scrolled and window.session.current == current
    assert window.span_table.currentIndex().row() == 99
    other.close()


def test_the_session_spans_take_spans_as_a_dict_would(store, qapp):
    store.add_article(Article("a", "Japan and NATO"))
    session = Session(store, "tester")
    session.open("a")
    japan, nato = (store.add_span("a", session.make_span(s, e, "ACTOR")) for s, e in ((0, 5), (10, 14)))
    session.spans.update({nato.id: nato, japan.id: japan})
    assert list(session.spans.values()) == [japan, nato] and session.spans.has(10, 14, "ACTOR")
    assert session.spans.pop(nato.id) == nato and session.spans.pop(nato.id, None) is None
    session.spans = {nato.id: nato}  # any mapping of spans becomes the session's set
    assert session.spans.has(10, 14, "ACTOR") and not session.spans.has(0, 5, "ACTOR")
    assert session.spans.outline(nato.id) == (10, 14, "ACTOR", nato.id)


def test_many_spans_from_another_program_reset_the_table_once_keeping_the_current_span(store, make_window, qtbot):
    words = " ".join(f"word{i}" for i in range(400))
    add(store, words)
    window = make_window(store)
    window.open_article("a000")
    first = window.session.add(window.session.make_span(0, 5, "CLAIM"))
    window.session.set_current(first.id)
    resets = []
    window.span_model.modelReset.connect(lambda: resets.append(1))
    other = Store(store.path)
    with other.transaction():
        for i in range(300):
            start = words.index(f"word{i} ")
            other.add_span("a000", Span(start, start + len(f"word{i}"), "ACTOR", f"word{i}", "tester"))
    qtbot.waitUntil(lambda: window.span_model.rowCount() == 301, timeout=5000)
    assert resets == [1] and window.session.current == first.id
    assert window.span_model.span_id(window.span_table.currentIndex().row()) == first.id
    assert list(window.session.spans.values()) == store.spans("a000", "tester")
    other.close()
