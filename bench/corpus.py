"""Synthetic news-like corpora for the benchmarks (Zipf vocabulary, names, one-line and long articles), as JSONL and
as an imported database."""

from __future__ import annotations

import json
import random
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LABELS = ("CLAIM", "ACTOR", "LOCATION")
OUT = Path(__file__).resolve().parent / "out"
VOCABULARY = 400_000  # word types, drawn by a Zipf law: most appear in 100,000 articles, as in a year of news
NAMES = 60_000  # capitalised names (people, places, organisations), Zipf too
ONE_LINE = 10  # every 10th article is one long line (no paragraphs)
LONG = 1000  # every 1000th article is ~60 times as long (~200 KB)
_ONSETS = ["", "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pr", "qu", "r",
           "s", "sh", "st", "t", "tr", "v", "w", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "é", "ü", "ö"]
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "st", "ng"]
_FOREIGN = ["東京", "北京市", "😀", "São", "Zürich", "Kyiv", "Москва", "القاهرة", "naïve", "🇯🇵"]


def _syllable(n: int) -> str:
    n, onset = divmod(n, len(_ONSETS))
    n, vowel = divmod(n, len(_VOWELS))
    return _ONSETS[onset] + _VOWELS[vowel] + _CODAS[n % len(_CODAS)]


def _word(rank: int) -> str:
    """The word of a rank: frequent words are short (one syllable), rare ones long (up to four)."""
    syllables, n = [], rank * 2654435761 % 4_294_967_291  # a fixed shuffle, so neighbours differ
    for _ in range(1 + (rank > 3_000) + (rank > 40_000) + (rank > 200_000)):
        n, part = divmod(n, 4032)
        syllables.append(_syllable(part))
    return "".join(syllables)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[list[str], list[str]]:
    """(words, names), each in rank order."""
    words = list(dict.fromkeys(_word(rank) for rank in range(VOCABULARY * 11 // 10)))[:VOCABULARY]
    names = [w.capitalize() for w in dict.fromkeys(_word(rank) + _syllable(rank) for rank in range(50_000, 50_000 + NAMES))]
    return words, names


def _zipf(rng: random.Random, items: list[str]) -> str:
    """An item drawn with probability about 1/rank (a log-uniform rank: Zipf's law with exponent 1)."""
    return items[int((len(items) + 1) ** rng.random()) - 1]


def _words(rng: random.Random, count: int) -> list[str]:
    words, names = _lexicon()
    chosen = [_zipf(rng, words) for _ in range(count)]
    for i in rng.sample(range(count), count // 12):
        chosen[i] = _zipf(rng, names)
    for i in rng.sample(range(count), count // 400):
        chosen[i] = rng.choice(_FOREIGN)
    return chosen


def make_record(rng: random.Random, number: int, spans_per_article: int, words: int = 480) -> dict:
    """A news-like article of about 3.5 KB (every LONG-th ~200 KB) in paragraphs of sentences, or one long line."""
    if number % LONG == LONG - 1:
        words *= 60
    chosen = _words(rng, words)
    one_line = number % ONE_LINE == ONE_LINE - 1
    header = f"Article {number}\n"
    pieces, final, starts, position = [header], [], [], len(header)
    while len(final) < len(chosen):
        sentence = chosen[len(final) : len(final) + rng.randint(9, 30)]
        sentence[0] = sentence[0].capitalize()
        for word in sentence:
            starts.append(position)
            position += len(word) + 1  # the space after it, or the full stop after the last
        final += sentence
        gap = " " if one_line or rng.random() < 0.7 else "\n\n"
        pieces += [" ".join(sentence), ".", gap]
        position += len(gap)
    text = "".join(pieces).rstrip() + "\n"
    spans = []
    for k in range(spans_per_article):
        first = rng.randrange(0, len(final) - 12)
        last = first + (rng.randrange(4, 12) if k % 3 == 0 else rng.randrange(0, 2))
        start, end = starts[first], starts[last] + len(final[last])
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
