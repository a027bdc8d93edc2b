"""Helpers shared by the format tests: a store filled from records, spans compared as plain tuples."""

from __future__ import annotations

import json
from pathlib import Path

BRAT_DIR = Path(__file__).parent / "data" / "brat-conll2002-esp"

NEWS = [
    {"id": "n1", "text": "Japan and NATO will strengthen ties, the minister said in Tokyo.\nChina objected.",
     "spans": [{"start": 0, "end": 35, "label": "CLAIM"}, {"start": 0, "end": 5, "label": "ACTOR"},
               {"start": 10, "end": 14, "label": "ACTOR"}, {"start": 58, "end": 63, "label": "LOCATION"},
               {"start": 65, "end": 70, "label": "ACTOR", "note": "the state"}]},
    {"id": "n2", "text": "Flags 🇯🇵 and 👨🏻\u200d🚒 met 𠮷野家 in Cafe\u0301 Zürich\r\nقال الرئيس\tNBSP\u00a0here.",
     "spans": [{"start": 6, "end": 8, "label": "ACTOR"}, {"start": 13, "end": 17, "label": "ACTOR"},
               {"start": 22, "end": 25, "label": "ACTOR"}, {"start": 29, "end": 41, "label": "LOCATION"},
               {"start": 43, "end": 53, "label": "CLAIM"}, {"start": 2, "end": 4, "label": "ACTOR"}]},
    {"id": "n3", "text": "No spans in this one."},
]


def make_store(tmp_path: Path, records=NEWS, annotator: str = "alice", name: str = "source.db"):
    """A new database holding `records` (their spans by `annotator` unless they name one)."""
    from annotator.corpus import import_files
    from annotator.store import open_store

    source = tmp_path / f"{name}.jsonl"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        for record in records:
            spans = [{**s, "text": record["text"][s["start"]:s["end"]]} for s in record.get("spans", [])]
            handle.write(json.dumps({**record, "spans": spans}, ensure_ascii=False) + "\n")
    store = open_store(tmp_path / name)
    import_files(store, [source], annotator=annotator, add_labels=True)
    return store


def span_set(store, annotator: str | None = None, *, with_annotator: bool = False, with_note: bool = False) -> set:
    """Every span as (text sha, start, end, label[, annotator][, note]): comparable across databases."""
    found = set()
    for article, spans in store.iter_articles(annotator=annotator):
        for s in spans:
            key = (article.text_sha256, s.start, s.end, s.label)
            key += (s.annotator,) if with_annotator else ()
            key += (s.note,) if with_note else ()
            found.add(key)
    return found


def texts(store) -> set[str]:
    return {article.text for article, _ in store.iter_articles()}
