"""The garbage collector is paused while an article opens, and on again after, whatever happened inside."""

from __future__ import annotations

import gc

import pytest

from annotator.gui.collecting import collector_paused

from .conftest import add_articles


def test_paused_inside_and_on_again_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()


def test_left_off_when_it_was_off_before():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_opening_an_article_runs_with_the_collector_paused(store, make_window):
    add_articles(store, "Nakatani said China would act.")
    window = make_window(store)
    seen = []
    window.session.spansReset.connect(lambda: seen.append(gc.isenabled()))
    window.open_article(None)
    window.open_article("a000")
    assert seen == [False, False] and gc.isenabled()
