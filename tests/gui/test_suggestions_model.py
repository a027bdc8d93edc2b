"""A model in the window: Tools › Train model trains one on the annotator's labels in another process (the window
keeps working), it is put in use, and its suggestions for the next articles come from a worker process."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt

from annotator.gui.training_dialog import TrainingDialog
from annotator.model import Article, Span

pytest.importorskip("spacy")
ACTORS = ["NATO", "Japan", "Reuters", "Obama", "Merkel"]
PLACES = ["Brussels", "Paris", "Tokyo", "Kyiv", "Lima"]
TRAINING_WAIT_MS = 120_000  # a few seconds alone; a minute or more on a machine shared by many test runs


def labelled_store(store, annotator="tester"):
    """30 articles the annotator labelled, then 3 not labelled yet."""
    rng = random.Random(1)
    for n in range(33):
        actor, place = rng.choice(ACTORS), rng.choice(PLACES)
        text = f"Yesterday {actor} met officials in {place}. The talks went on ({n})."
        store.add_article(Article(f"a{n:02d}", text))
        if n < 30:
            at = text.index(place)
            for start, end, label in ((10, 10 + len(actor), "ACTOR"), (at, at + len(place), "LOCATION")):
                store.add_span(f"a{n:02d}", Span(start, end, label, text[start:end], annotator))
            store.set_status(f"a{n:02d}", annotator, "done")


def test_train_from_the_tools_menu_then_the_model_suggests_ahead(store, make_window, qtbot):
    labelled_store(store)
    window = make_window(store)
    window.suggester.options.propagate = False  # only the model's suggestions
    window.suggester.options.train_steps = 40
    window.actions["train"].trigger()
    [run] = window.suggester.findChildren(TrainingDialog)
    assert run.running() and run.dialog.isVisible()
    window.view.select(0, 9)
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # labelling goes on while the model trains
    assert [s.text for s in store.spans("a00", "tester") if s.label == "CLAIM"] == ["Yesterday"]
    qtbot.waitUntil(lambda: window.suggester.model.worker is not None, timeout=TRAINING_WAIT_MS)
    model = window.suggester.options.model
    assert model.endswith(run.out.name) and (run.out / "metrics.json").is_file()
    assert "New model in use: F1" in window.statusBar().currentMessage()
    window.open_article("a30")  # opens at once; the worker answers later
    assert window.session.article_id == "a30"
    qtbot.waitUntil(lambda: {s.source for s in store.suggestions("a32", "tester")} == {f"model:{run.out.name}"},
                    timeout=TRAINING_WAIT_MS)  # computed ahead, before a32 is opened
    qtbot.waitUntil(lambda: len(window.suggester.layer.suggestions) >= 1, timeout=TRAINING_WAIT_MS)
    labels = {(s.text, s.label) for s in store.suggestions("a30", "tester")}
    text = store.article("a30").text
    assert {(text[10:text.index(" met")], "ACTOR")} <= labels
    window.activateWindow()  # from the progress dialog, gone now
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    window.suggester.layer.set_current(min(window.suggester.layer.suggestions))
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert any(s.label in ("ACTOR", "LOCATION") for s in store.spans("a30", "tester"))
    assert window.suggester.model.doubts.keys() >= {"a30", "a31", "a32"}


def test_an_installed_pipeline_with_a_label_map_set_in_the_settings_dialog(store, make_window, qtbot, tmp_path):
    """Any spaCy pipeline (here an entity ruler spaCy saved) with its labels renamed; set from Tools › Suggestion
    settings, remembered, and loaded in a process of its own while the article is already shown."""
    import os

    import spacy

    from annotator.gui.suggestionsettings import SuggestionOptions, SuggestionSettingsDialog
    from tests.gui.modal import answering

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "NATO"}, {"label": "GPE", "pattern": "Lima"}])
    nlp.to_disk(tmp_path / "ruler")
    store.add_article(Article("a1", "On Monday NATO met in Lima."))
    window = make_window(store)

    def fill(dialog):
        dialog.model.setText(str(tmp_path / "ruler"))
        dialog.label_map.setText("ORG=ACTOR,GPE=LOCATION")
        dialog.accept()

    with answering(SuggestionSettingsDialog, fill) as shown:
        window.actions["suggestion_settings"].trigger()
    assert shown and SuggestionOptions.load().model == str(tmp_path / "ruler")
    assert window.suggester.model.worker.process.pid != os.getpid()
    qtbot.waitUntil(lambda: len(window.suggester.layer.suggestions) == 2, timeout=TRAINING_WAIT_MS)
    assert {(s.text, s.label, s.score) for s in store.suggestions("a1", "tester")} == {
        ("NATO", "ACTOR", 1.0), ("Lima", "LOCATION", 1.0)}


def test_a_model_that_does_not_load_is_said_on_screen(store, make_window, qtbot, tmp_path):
    store.add_article(Article("a1", "On Monday NATO met in Lima."))
    window = make_window(store)
    window.suggester.use_model(str(tmp_path / "no-such-model"))
    qtbot.waitUntil(lambda: window.suggester.model.worker is None, timeout=TRAINING_WAIT_MS)
    assert "Model: " in window.statusBar().currentMessage()
    assert "no such folder, nor an installed spaCy pipeline" in window.statusBar().currentMessage()


def test_next_not_done_by_the_models_uncertainty(store, make_window, qtbot):
    for n in range(4):
        store.add_article(Article(f"b{n}", f"Article number {n} about NATO."))
    window = make_window(store)
    window.suggester.options.by_uncertainty = True
    window.suggester.model.doubts = {"b1": 0.1, "b2": 0.2, "b3": 0.9}
    store.set_status("b3", "tester", "done")
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, and on
    assert window.session.article_id == "b2"  # the least sure of those not done; b1 is next in the list
    window.suggester.options.by_uncertainty = False
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.article_id == "b1"
