"""Synthetic corpora for the benchmarks: ~3 KB articles with spans, as JSONL and as an imported database."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ["the", "minister", "said", "that", "Japan", "and", "NATO", "will", "strengthen", "cooperation", "in", "the", "region", "while", "China", "Russia", "North", "Korea", "expressed", "concerns", "about", "security", "Brussels", "Tokyo", "Kyiv", "summit", "defense", "officials", "reported", "growing", "tension", "över", "café", "naïve", "Zürich", "São", "Paulo", "東京", "😀", "élan", "década", "government", "army", "agreement", "talks", "trade", "tariffs", "economy", "president", "prime", "meeting"]
LABELS = ("CLAIM", "ACTOR", "LOCATION")
OUT = Path(__file__).resolve().parent / "out"


def make_record(rng: random.Random, number: int, spans_per_article: int, words: int = 480) -> dict:
    chosen = rng.choices(WORDS, k=words)
    starts, position = [], 0
    for word in chosen:
        starts.append(position)
        position += len(word) + 1
    text = f"Article {number}\n" + " ".join(chosen) + "\n"
    shift = len(f"Article {number}\n")
    spans = []
    for k in range(spans_per_article):
        first = rng.randrange(0, words - 12)
        last = first + (rng.randrange(4, 12) if k % 3 == 0 else rng.randrange(0, 2))
        start = shift + starts[first]
        end = shift + starts[last] + len(chosen[last])
        spans.append({"start": start, "end": end, "label": LABELS[k % 3], "text": text[start:end], "annotator": "bench"})
    return {"id": f"a{number:06d}", "text": text, "spans": spans}


def make_corpus_jsonl(path: Path, articles: int = 100_000, spans_per_article: int = 10, seed: int = 1) -> Path:
    """Write (once) a JSONL corpus of `articles` records."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for number in range(articles):
            out.write(json.dumps(make_record(rng, number, spans_per_article), ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def make_corpus_db(path: Path, articles: int = 100_000, spans_per_article: int = 10) -> Path:
    """Build (once) a database holding the synthetic corpus, imported the normal way."""
    if path.exists():
        return path
    from annotator.corpus import import_files
    from annotator.store import open_store

    source = make_corpus_jsonl(OUT / f"corpus-{articles}-{spans_per_article}.jsonl", articles, spans_per_article)
    partial = path.with_name(path.name + ".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    store = open_store(partial)
    import_files(store, [source], annotator="bench")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.replace(path)
    return path
