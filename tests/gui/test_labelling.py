"""Drive the real labelling window with mouse and keys, then look in the database."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.model import Article, Span
from tests.conftest import HARD_TEXTS

CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier
TEXT = "Japan and China met in Brussels today. Nakatani said that China is a threat to Japan.\nSecond line here."


def add(store, *texts: str) -> list[str]:
    ids = []
    for i, text in enumerate(texts):
        store.add_article(Article(f"a{i:03d}", text))
        ids.append(f"a{i:03d}")
    return ids


def point(view, cp: int, right: bool = False) -> QPoint:
    """Viewport coordinates just inside the character at code point `cp` (or just before it, `right`=False...)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_view(cp))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + (-2 if right else 2), rect.center().y())


def drag(qtbot, view, start: int, end: int) -> None:
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, start))
    qtbot.mouseMove(view.viewport(), point(view, end, right=True))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, end, right=True))


def spans(store, article_id="a000", annotator="tester") -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label, s.text) for s in store.spans(article_id, annotator)]


def test_a_mouse_drag_and_a_label_key_store_a_span_snapped_to_whole_words(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    drag(qtbot, window.view, 1, 13)  # "apan and Chi"
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(store) == [(0, 15, "ACTOR", "Japan and China")]
    assert window.span_model.rowCount() == 1


def test_double_click_selects_a_word_and_the_palette_button_labels_it(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, TEXT.index("Brussels") + 3))
    qtbot.mouseClick(window.palette.buttons["LOCATION"], Qt.MouseButton.LeftButton)
    assert spans(store) == [(23, 31, "LOCATION", "Brussels")]


def test_keyboard_only_selection_by_word(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | SHIFT)  # "China " (with its trailing space)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(store) == [(10, 15, "ACTOR", "China")]


def test_undo_and_redo_write_to_the_database(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    window.view.select(0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    [made] = store.spans("a000")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert store.spans("a000") == []
    assert window.view.index.span_ids_at(0) == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert store.spans("a000") == [made]  # the same span, the same id
    assert window.view.index.span_ids_at(0) == [made.id]


def test_click_a_span_then_a_key_changes_its_label_and_delete_removes_it(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    window.view.select(23, 31)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.session.current is None
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 26))
    assert window.session.current == store.spans("a000")[0].id
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert spans(store) == [(23, 31, "LOCATION", "Brussels")]
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert spans(store) == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert spans(store) == [(23, 31, "LOCATION", "Brussels")]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert spans(store) == [(23, 31, "ACTOR", "Brussels")]


def test_clicking_again_picks_the_span_nested_under_the_click(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    claim = window.session.add(window.session.make_span(39, 84, "CLAIM"))
    actor = window.session.add(window.session.make_span(39, 47, "ACTOR"))
    viewport, where = window.view.viewport(), point(window.view, 42)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    assert window.session.current == actor.id  # the innermost first
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    assert window.session.current == claim.id


def test_tab_edges_sentence_and_note_keys(store, make_window, qtbot, monkeypatch):
    add(store, TEXT)
    window = make_window(store)
    view = window.view
    view.select(10, 15)
    qtbot.keyClick(view, Qt.Key.Key_2)
    view.select(0, 5)
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert window.session.spans[window.session.current].text == "Japan"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert window.session.spans[window.session.current].text == "China"
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT)  # end one word right
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)  # start one word left
    assert spans(store)[1] == (6, 19, "ACTOR", "and China met")
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)  # end one word left
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)  # start one word right
    assert spans(store)[1] == (10, 15, "ACTOR", "China")
    monkeypatch.setattr("annotator.gui.window.ask_note", lambda *a, **k: ("from the briefing", True))
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert store.spans("a000")[1].note == "from the briefing"
    qtbot.keyClick(view, Qt.Key.Key_Shift, ALT)  # nothing
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    view.select(62, 63)  # inside "China" of the second sentence
    qtbot.keyClick(view, Qt.Key.Key_S)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert spans(store)[-1] == (39, 85, "CLAIM", "Nakatani said that China is a threat to Japan.")


def test_selecting_a_row_in_the_span_table_selects_the_span_and_double_click_edits_its_note(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    window.session.add(window.session.make_span(0, 5, "ACTOR"))
    window.session.add(window.session.make_span(10, 15, "ACTOR"))
    table = window.span_table
    rect = table.visualRect(table.model().index(1, 3))  # span rows, then suggestion rows
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.spans[window.session.current].text == "China"
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = table.focusWidget()
    qtbot.keyClicks(editor, "state actor")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.spans("a000")[1].note == "state actor")  # the delegate commits queued
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert store.spans("a000")[1].note is None


def test_snapping_off_keeps_the_exact_characters(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_W)
    assert not window.editor.snap
    window.view.select(1, 4)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(store) == [(1, 4, "ACTOR", "apa")]


def test_hard_texts_give_exactly_the_characters_selected_in_the_view(store, make_window, qtbot):
    """Select each word through QTextCursor positions found in Qt's own text, never through OffsetMap."""
    ids = add(store, *HARD_TEXTS)
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_W)  # character-precise
    for article_id, text in zip(ids, HARD_TEXTS, strict=True):
        window.open_article(article_id)
        shown = window.view.document().toRawText().replace("\u2029", "\n")  # toPlainText() turns NBSP into a space
        assert shown == text.replace("\r\n", "\n").replace("\r", "\n")
        for word in {w for w in shown.split() if w.strip()}:
            at = shown.index(word)
            units = len(shown[:at].encode("utf-16-le")) // 2
            cursor = window.view.textCursor()
            cursor.setPosition(units)
            cursor.setPosition(units + len(word.encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor)
            window.view.setTextCursor(cursor)
            qtbot.keyClick(window.view, Qt.Key.Key_2)
        stored = store.spans(article_id, "tester")
        assert sorted(s.text for s in stored) == sorted({w for w in shown.split() if w.strip()})
        article = store.article(article_id)
        assert all(article.text[s.start : s.end] == s.text for s in stored)


def test_shift_arrows_over_emoji_and_crlf_select_whole_characters(store, make_window, qtbot):
    add(store, "a😀b\r\nc 👨🏻‍🚒 d")
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_W)
    qtbot.keyClick(window.view, Qt.Key.Key_Home, CTRL)
    for _ in range(5):  # a, 😀, b, the line break, c
        qtbot.keyClick(window.view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(store) == [(0, 6, "ACTOR", "a😀b\r\nc")]


def test_html_looking_text_is_shown_literally(store, make_window):
    text = '<b>x</b><img src="http://example.com/a.png"> & <script>alert(1)</script>'
    add(store, text)
    window = make_window(store)
    assert window.view.toPlainText() == text
    assert "&lt;img" in window.view.document().toHtml()


def test_restarting_the_window_restores_article_spans_scroll_and_layout(store, make_window, qtbot):
    long_text = "\n".join(f"Paragraph {i} says that Japan met China in Brussels." for i in range(300))
    add(store, TEXT, long_text)
    window = make_window(store)
    window.open_article("a001")
    window.view.select(0, 9)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    window.view.verticalScrollBar().setValue(120)
    window.main_splitter.setSizes([250, 950])
    sizes = window.main_splitter.sizes()
    window.close()

    again = make_window(store)
    qtbot.waitUntil(lambda: again.view.verticalScrollBar().value() == 120)
    assert again.session.article_id == "a001"
    assert [s.text for s in again.session.spans.values()] == ["Paragraph"]
    assert again.main_splitter.sizes() == sizes
    assert again.list_panel.table.currentIndex().row() == 1


def test_ctrl_enter_marks_done_and_opens_the_next_not_done(store, make_window, qtbot):
    add(store, "First article.", "Second article.", "Third article.")
    store.set_status("a001", "tester", "done")
    window = make_window(store)
    assert window.session.article_id == "a000"
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert store.status("a000", "tester") == "done"
    assert window.session.article_id == "a002"
    assert window.list_panel.progress.text() == "2 / 3 done"
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.session.article_id == "a001"


def test_only_the_current_annotators_spans_are_shown(store, make_window):
    add(store, TEXT)
    store.add_span("a000", Span(0, 5, "ACTOR", "Japan", "someone-else"))
    window = make_window(store)
    assert window.session.spans == {}
    window.set_annotator("someone-else")
    assert [s.text for s in window.session.spans.values()] == ["Japan"]


def test_find_marks_hits_and_selects_the_first(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.edit, "china")
    assert window.find_bar.hits == [(10, 15), (58, 63)]
    assert window.view.selection() == (10, 15)
    assert len(window.view.extraSelections()) == 2
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_hovering_shows_the_labels_under_the_mouse(store, make_window, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    add(store, TEXT)
    window = make_window(store)
    window.session.add(window.session.make_span(39, 85, "CLAIM"))
    window.session.add(window.session.make_span(58, 63, "ACTOR"))
    where = point(window.view, 60)
    viewport = window.view.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, where, viewport.mapToGlobal(where)))
    assert QToolTip.text() == "<qt>ACTOR inside CLAIM</qt>"
    QToolTip.hideText()


def test_a_new_label_set_reaches_the_palette_and_the_keys(store, make_window, qtbot):
    from annotator.model import Label

    add(store, TEXT)
    window = make_window(store)
    store.set_labels([*store.labels(), Label("EVENT", "Something that happens", "#CC79A7", "4")])
    assert "EVENT" in window.palette.buttons
    window.view.select(16, 19)
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    assert spans(store) == [(16, 19, "EVENT", "met")]
