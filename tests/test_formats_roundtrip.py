"""Export -> import is the identity: random hard texts with random overlapping spans, for every format that reads."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.corpus import import_files
from annotator.exporting import FORMATS, ExportOptions, export
from annotator.model import Span
from annotator.store import open_store
from annotator.tagging import tokenized
from annotator.tokens import tokenize
from tests.conftest import HARD_TEXTS
from tests.formats_common import make_store, span_set

PIECES = ["Japan", "NATO", " ", "  ", "\t", "\u00a0", "\r\n", "\n", "😀", "👨🏻\u200d🚒", "🇯🇵", "𠮷", "e\u0301",
          "قال", "<b>", "&amp;", ".", "3.5", "https://x.org/a", '"', "\\", "東京", "\u2028", "'"]
LABELS = ["CLAIM", "ACTOR", "LOCATION"]
BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines()' breaks, which brat's reading splits at
KEEPS_ANNOTATOR = {"jsonl", "brat", "label-studio", "prodigy", "w3c", "spacy"}
KEEPS_NOTE = {"jsonl", "brat", "label-studio", "prodigy", "w3c", "spacy"}


NOT_NUL = st.characters(codec="utf-8", exclude_characters="\x00")  # text cannot hold NUL (refused on import)


@st.composite
def corpora(draw, aligned: bool = False):
    """1-3 distinct texts, each with up to 6 random spans (overlap and nesting welcome)."""
    texts = draw(st.lists(
        st.lists(st.sampled_from(PIECES) | st.sampled_from(HARD_TEXTS) | st.text(NOT_NUL, min_size=1, max_size=3),
                 min_size=1, max_size=12).map("".join),
        min_size=1, max_size=3, unique=True))
    records = []
    for n, text in enumerate(texts):
        bounds = [(t.start, t.end) for t in tokenize(text)]
        spans = []
        for _ in range(draw(st.integers(0, 6))):
            if aligned:
                if not bounds:
                    break
                i = draw(st.integers(0, len(bounds) - 1))
                j = draw(st.integers(i, min(len(bounds) - 1, i + 3)))
                start, end = bounds[i][0], bounds[j][1]
            else:
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, len(text)))
            spans.append({"start": start, "end": end, "label": draw(st.sampled_from(LABELS)),
                          "annotator": draw(st.sampled_from(["alice", "bob"])),
                          "note": draw(st.sampled_from([None, "check this", "ünï 😀 <i>"]))})
        records.append({"id": f"a{n}", "text": text, "spans": spans})
    return records


def held(fmt: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """What a format holds of a span: brat leaves line breaks out of its ends; Prodigy widens it to whole tokens."""
    if fmt == "brat":
        while start < end and text[start] in BREAKS:
            start += 1
        while end > start and text[end - 1] in BREAKS:
            end -= 1
    if fmt == "prodigy":  # laid on tokens as every token format does (unspaced words cut at the span's edges)
        placed = tokenized(text, [Span(start, end, "X", "")], "expand").placed
        return (placed[0].start, placed[0].end) if placed else None
    return (start, end) if start < end else None


def round_trip(fmt: str, records: list[dict]) -> set:
    """Export `records` in `fmt`, import the file into a new database, and check every span held came back."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = make_store(tmp, records)
        out = tmp / f"out{FORMATS[fmt].extension}"
        summary = export(source, ExportOptions(fmt, out))
        target = open_store(tmp / "target.db")
        if fmt == "w3c":  # annotations attach to articles already there
            bare = tmp / "texts.jsonl"
            bare.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in records), "utf-8")
            import_files(target, [bare], annotator="x")
        import_files(target, [out], fmt=fmt, annotator="importer")
        texts = {a.text_sha256: a.text for a, _ in source.iter_articles()}
        keep_who, keep_note = fmt in KEEPS_ANNOTATOR, fmt in KEEPS_NOTE
        expected = {(sha, *held(fmt, texts[sha], s, e), label, who if keep_who else "importer", note if keep_note else None)
                    for sha, s, e, label, who, note in span_set(source, with_annotator=True, with_note=True)
                    if held(fmt, texts[sha], s, e)}
        got = span_set(target, with_annotator=True, with_note=True)
        if fmt == "prodigy" or len({k[:-1] for k in expected}) < len(expected):
            # two spans held alike (widened onto the same tokens, brat's line breaks left out) become one, the first one's note
            got, expected = {k[:-1] for k in got}, {k[:-1] for k in expected}
        assert {s[:5] for s in got} == {s[:5] for s in expected}, summary.summary()
        # spans the format holds alike (brat trims line breaks) come back as one, with one of their notes
        alike = {key for key, n in Counter(s[:5] for s in expected).items() if n > 1}
        assert {s for s in got if s[:5] not in alike} == {s for s in expected if s[:5] not in alike}
        assert {a.text for a, _ in target.iter_articles()} == set(texts.values())
        source.close()
        target.close()
        return got


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "label-studio", "prodigy", "w3c"])
@SETTINGS
@given(records=corpora())
def test_round_trip_is_the_identity(fmt, records):
    round_trip(fmt, records)


@SETTINGS
@given(records=corpora())
def test_doccano_round_trip_keeps_every_span_through_utf16(records):
    for record in records:  # doccano keeps no annotator or note: one annotator, no notes
        record["spans"] = [{**s, "annotator": "importer", "note": None} for s in record["spans"]]
    round_trip("doccano", records)


@SETTINGS
@given(records=corpora(aligned=True))
def test_spacy_round_trip_on_spans_aligned_to_tokens(records):
    pytest.importorskip("spacy")
    for record in records:  # spaCy holds one layer: one annotator's spans
        record["spans"] = [{**s, "annotator": "alice"} for s in record["spans"]]
    round_trip("spacy", records)


def test_hard_texts_round_trip_in_every_reading_format():
    records = [{"id": f"h{n}", "text": text, "spans": [
        {"start": 0, "end": len(text), "label": "CLAIM", "annotator": "alice", "note": "whole"},
        {"start": len(text) // 3, "end": len(text) // 3 + 2, "label": "ACTOR", "annotator": "bob"}]}
        for n, text in enumerate(HARD_TEXTS)]
    for fmt in ["jsonl", "brat", "label-studio", "prodigy", "w3c"]:
        got = round_trip(fmt, records)
        whole = {span[0] for span in got if span[3:5] == ("CLAIM", "alice")}  # brat trims its line breaks
        assert len(whole) == len(HARD_TEXTS), fmt
