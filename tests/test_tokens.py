"""The tokenizer and sentence splitter: no whitespace in tokens, CJK in words, URLs and numbers whole, nothing lost."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.tokens import sentence_at, sentence_tokens, sentences, snap_to_words, tokenize
from tests.conftest import HARD_TEXTS

PIECES = ["word", "Café", "e\u0301", "😀", "👨🏻\u200d🚒", "🇯🇵", "𠮷", "東京", "مرحبا", "3.5", "1,000", "74%",
          "https://example.com/a?b=1", "U.S.", "self-made", "O'Brien", " ", "  ", "\t", "\u00a0", "\n", "\r\n",
          "\u2028", "\u3000", ".", ",", "!", "?", "(", ")", "\"", "<b>", "\u200b", "\ufe0f", "\u0301"]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), min_size=1, max_size=30).map("".join)


def test_examples():
    assert [t.text for t in tokenize("Rates rose 3.5% to 1,000.25 at https://example.com/x?y=1, then fell.")] == [
        "Rates", "rose", "3.5%", "to", "1,000.25", "at", "https://example.com/x?y=1", ",", "then", "fell", "."]
    assert [t.text for t in tokenize("東京で𠮷野家")] == ["東京", "で", "𠮷", "野家"]  # ICU's dictionary words
    assert [t.text for t in tokenize("A 👨🏻\u200d🚒 and 🇯🇵 wave; Cafe\u0301 NBSP\u00a0x tab\ty")] == [
        "A", "👨🏻\u200d🚒", "and", "🇯🇵", "wave", ";", "Cafe\u0301", "NBSP", "x", "tab", "y"]
    assert [t.text for t in tokenize("the U.S. and e.g. COVID-19, O'Brien's self-made")] == [
        "the", "U.S.", "and", "e.g.", "COVID-19", ",", "O'Brien's", "self-made"]
    assert [t.text for t in tokenize("قال الرئيس")] == ["قال", "الرئيس"]
    for text in ["🇯🇵\ufe0f", "U.S.\ufe0f", "a@b.org\u0301", "3.5\u0301", "https://x.org/a\u0301"]:
        assert [t.text for t in tokenize(text)] == [text]  # found by hypothesis: a mark never starts a token


@pytest.mark.parametrize("text", HARD_TEXTS)
def test_hard_texts_keep_their_offsets(text):
    for token in tokenize(text):
        assert text[token.start:token.end] == token.text
        assert not any(c.isspace() for c in token.text)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(texts)
def test_tokens_cover_every_visible_character_once_and_hold_no_whitespace(text):
    tokens = tokenize(text)
    covered = [0] * len(text)
    previous_end = 0
    for token in tokens:
        assert token.start >= previous_end and token.end > token.start
        assert text[token.start:token.end] == token.text
        assert not any(c.isspace() for c in token.text), token
        for i in range(token.start, token.end):
            covered[i] += 1
        previous_end = token.end
    for i, c in enumerate(text):
        assert covered[i] == (0 if c.isspace() else 1), (i, c)
    starts = {t.start for t in tokens}
    for i in range(1, len(text)):  # a combining mark stays with the character before it
        if unicodedata.category(text[i]).startswith("M") and not text[i - 1].isspace():
            assert i not in starts


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=4))
def test_sentences_partition_the_tokens_and_keep_ranges_together(text, raw):
    ranges = [(s, min(s + n, len(text))) for s, n in raw if s < len(text)]
    groups = list(sentence_tokens(text, ranges))
    assert [t for g in groups for t in g] == tokenize(text)
    assert all(groups)
    for start, end in ranges:
        holding = {n for n, g in enumerate(groups) for t in g if t.start < end and t.end > start}
        assert len(holding) <= 1, (start, end, holding)
    for start, end in sentences(text):
        assert text[start:end] == text[start:end].strip() and start < end


def test_sentences():
    text = "Dr. Smith met Mr. Jones in the U.S. on Monday. They talked!\r\nNext line here\n\nLast one。次の文。"
    assert [text[s:e] for s, e in sentences(text)] == [
        "Dr. Smith met Mr. Jones in the U.S. on Monday.", "They talked!", "Next line here", "Last one。", "次の文。"]
    assert sentence_at(text, 4, 9) == (0, 46)


def test_snap_to_words():
    text = "The café\u00a0owner 👨🏻\u200d🚒 spoke"
    assert snap_to_words(text, 5, 6) == (4, 8)
    assert snap_to_words(text, 8, 10) == (9, 14)
    assert snap_to_words(text, 8, 9) == (9, 9)
