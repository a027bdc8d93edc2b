"""Double-click, Ctrl+Shift+arrows, Alt+arrows and S in Japanese, Chinese and Thai select words, not whole runs."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.test_labelling import ALT, CTRL, SHIFT, add, point, spans

JAPANESE = "東京都に住んでいる田中さんは昨日新しい本を買いました。大阪にも行きました。"
CHINESE = "北京是中华人民共和国的首都。"
THAI = "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ"


def double_click(qtbot, view, cp: int) -> None:
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, cp))


def test_double_click_in_japanese_selects_one_word_and_a_label_key_stores_it(store, make_window, qtbot):
    add(store, JAPANESE)
    window = make_window(store)
    double_click(qtbot, window.view, JAPANESE.index("田中") + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    double_click(qtbot, window.view, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert spans(store) == [(0, 2, "LOCATION", "東京"), (9, 11, "ACTOR", "田中")]


def test_ctrl_shift_right_in_chinese_selects_word_after_word(store, make_window, qtbot):
    add(store, CHINESE)
    window = make_window(store)
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_3)  # 北京; the caret waits before the next word
    for _ in range(2):  # 是, 中华
        qtbot.keyClick(view, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert spans(store) == [(0, 2, "LOCATION", "北京"), (5, 10, "ACTOR", "人民共和国")]
    qtbot.keyClick(view, Qt.Key.Key_Left, CTRL)
    assert view.textCursor().position() == 7  # back to the start of 共和国


def test_thai_double_click_and_ctrl_shift_right_select_words(store, make_window, qtbot):
    add(store, THAI)
    window = make_window(store)
    view = window.view
    double_click(qtbot, view, 5)  # in ไทย
    qtbot.keyClick(view, Qt.Key.Key_2)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert spans(store) == [(4, 7, "ACTOR", "ไทย"), (7, 11, "CLAIM", "เป็น")]


def test_alt_arrows_grow_a_japanese_span_by_a_word_and_s_selects_the_sentence(store, make_window, qtbot):
    add(store, JAPANESE)
    window = make_window(store)
    view = window.view
    double_click(qtbot, view, 0)
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT)  # end one word right: 東京 + 都
    assert spans(store) == [(0, 3, "LOCATION", "東京都")]
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)
    assert spans(store) == [(0, 2, "LOCATION", "東京")]
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    double_click(qtbot, view, JAPANESE.index("大阪"))
    qtbot.keyClick(view, Qt.Key.Key_S)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert spans(store)[-1] == (27, 37, "CLAIM", "大阪にも行きました。")


def test_without_icu_a_double_click_selects_one_character_never_the_run(store, make_window, qtbot, without_icu):
    add(store, JAPANESE)
    window = make_window(store)
    view = window.view
    double_click(qtbot, view, 1)
    qtbot.keyClick(view, Qt.Key.Key_3)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert spans(store) == [(1, 2, "LOCATION", "京"), (2, 3, "ACTOR", "都")]


def test_latin_text_steps_as_before(store, make_window, qtbot):
    text = "Japan and China met.\nSecond line"
    add(store, text)
    window = make_window(store)
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    stops = []
    for _ in range(7):
        qtbot.keyClick(view, Qt.Key.Key_Right, CTRL)
        stops.append(view.textCursor().position())
    assert stops == [6, 10, 16, 19, 20, 21, 28]  # words, the full stop, the line's end, the next line's start


def test_the_about_box_says_what_finds_words(store, make_window, monkeypatch, without_icu):
    shown = []
    monkeypatch.setattr("annotator.gui.window.QMessageBox.about", lambda parent, title, text: shown.append(text))
    window = make_window(store)
    window.actions["about"].trigger()
    assert "Words in Chinese, Japanese, Thai: one character each (install annotator[words]" in shown[0]


def test_a_third_click_after_a_double_click_selects_the_line(store, make_window, qtbot):
    add(store, "東京都に住んでいる。\n大阪にも行きました。")
    window = make_window(store)
    view = window.view
    double_click(qtbot, view, 1)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, 1))
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert spans(store) == [(0, 10, "CLAIM", "東京都に住んでいる。")]


def test_ctrl_arrows_in_a_right_to_left_paragraph_move_as_they_look(store, make_window, qtbot):
    add(store, "قال الرئيس إن السلام")
    window = make_window(store)
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    seen = []
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Left, Qt.Key.Key_Right):
        qtbot.keyClick(view, key, CTRL)
        seen.append(view.textCursor().position())
    assert seen == [4, 11, 4]  # Left goes on in the text, as Qt's own word keys do there


def drag_to(view, cp: int) -> None:
    """Move the mouse with the left button held (as after a double-click's press) to code point `cp`, and let go."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    at = QPointF(point(view, cp))
    for kind, buttons in ((QEvent.Type.MouseMove, Qt.MouseButton.LeftButton),
                          (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        event = QMouseEvent(kind, at, view.viewport().mapToGlobal(at), Qt.MouseButton.LeftButton
                            if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.NoButton,
                            buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view.viewport(), event)


def test_dragging_after_a_double_click_grows_the_selection_word_by_word(store, make_window, qtbot):
    text = "Officials in Brussels said the talks would resume."
    add(store, text)
    window = make_window(store)
    double_click(qtbot, window.view, text.index("Brussels") + 2)
    drag_to(window.view, text.index("said") + 1)  # inside the next word: the whole of it joins
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    double_click(qtbot, window.view, text.index("resume") + 2)
    drag_to(window.view, text.index("talks") + 1)  # backwards: from the start of "talks" to the end of "resume"
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert spans(store) == [(13, 26, "LOCATION", "Brussels said"), (31, 49, "CLAIM", "talks would resume")]
