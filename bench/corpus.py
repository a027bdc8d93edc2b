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


ORGANISATIONS = ("Council", "Ministry", "Party", "Bank", "Union", "Group", "Agency", "Court", "Institute", "Front")
SAYING = ("said", "told reporters", "warned", "argued", "claimed", "insisted")
PLACE_CUES = ("in", "from", "near", "outside", "to")


@lru_cache(maxsize=1)
def _entities() -> tuple[list[str], list[str]]:
    """(names of people and organisations, names of places): the names, split in two, each still in rank order."""
    names = _lexicon()[1]
    return names[0::2], names[1::2]


class _Article:
    """Text written piece by piece, with the labelled spans' offsets."""

    def __init__(self, header: str):
        self.parts, self.at, self.spans = [header], len(header), []

    def add(self, text: str, label: str | None = None) -> int:
        start = self.at
        self.parts.append(text)
        self.at += len(text)
        if label:
            self.spans.append((start, self.at, label))
        return start

    def label(self, start: int, label: str) -> None:
        self.spans.append((start, self.at, label))


def _actor(rng: random.Random) -> str:
    """A person (first and last name), an organisation (a name and what it is) or a one-word actor, Zipf-drawn so
    that the frequent ones come back article after article, as in the news."""
    people = _entities()[0]
    kind = rng.random()
    if kind < 0.5:
        return f"{_zipf(rng, people)} {_zipf(rng, people)}"
    return f"{_zipf(rng, people)} {rng.choice(ORGANISATIONS)}" if kind < 0.8 else _zipf(rng, people)


def _filler(rng: random.Random, article: _Article, count: int, capital: bool, *, places: float = 0.3) -> int:
    """`count` words of the Zipf vocabulary (no names), now and then "in Place" (LOCATION on the place); words
    written."""
    words = _lexicon()[0]
    chosen = [_zipf(rng, words) for _ in range(count)]
    if rng.random() < 1 / 40:
        chosen[rng.randrange(count)] = rng.choice(_FOREIGN)
    place_at = rng.randrange(1, count) if count > 2 and rng.random() < places else -1
    for i, word in enumerate(chosen):
        article.add(" " if i else "")
        if i == place_at:
            article.add(rng.choice(PLACE_CUES) + " ")
            article.add(_zipf(rng, _entities()[1]), "LOCATION")
        else:
            article.add(word.capitalize() if capital and i == 0 else word)
    return count + (place_at >= 0)


def _sentence(rng: random.Random, article: _Article) -> int:
    """One sentence (without its full stop) the way a news annotator labels it: ACTOR on the names of people and
    organisations, LOCATION on places, CLAIM on what someone claims (the clause, or the whole sentence with its
    ACTOR inside); words written."""
    kind = rng.random()
    if kind < 0.06:  # ACTOR said that CLAIM
        article.add(_actor(rng), "ACTOR")
        article.add(f" {rng.choice(SAYING)} that ")
        start = article.at
        written = _filler(rng, article, rng.randint(6, 22), False)
        article.label(start, "CLAIM")
        return written + 4
    if kind < 0.1:  # “CLAIM,” ACTOR said
        article.add("“")
        start = article.at
        written = _filler(rng, article, rng.randint(6, 22), True)
        article.label(start, "CLAIM")
        article.add(",” ")
        article.add(_actor(rng), "ACTOR")
        article.add(f" {rng.choice(SAYING)}")
        return written + 3
    if kind < 0.13:  # CLAIM around its ACTOR: According to ACTOR, ...
        start = article.add("According to ")
        article.add(_actor(rng), "ACTOR")
        article.add(", ")
        written = _filler(rng, article, rng.randint(6, 20), False)
        article.label(start, "CLAIM")
        return written + 4
    if kind < 0.4:  # ACTOR does something
        article.add(_actor(rng), "ACTOR")
        article.add(" ")
        return 2 + _filler(rng, article, rng.randint(8, 26), False)
    return _filler(rng, article, rng.randint(9, 30), True, places=0.45)


def make_news_record(rng: random.Random, number: int, words: int = 480) -> dict:
    """A news-like article as `make_record` writes them (every LONG-th ~60 times as long, every ONE_LINE-th one line),
    labelled the way a news annotator would: names of people and organisations (ACTOR) and places (LOCATION) drawn
    from the corpus's names, claims (CLAIM) on a clause or a sentence, about 20 spans in 480 words."""
    if number % LONG == LONG - 1:
        words *= 60
    one_line = number % ONE_LINE == ONE_LINE - 1
    article, written = _Article(f"Article {number}\n"), 0
    while written < words:
        written += _sentence(rng, article)
        article.add(".")
        article.add(" " if one_line or rng.random() < 0.7 else "\n\n")
    text = "".join(article.parts).rstrip() + "\n"
    spans = [{"start": start, "end": end, "label": label, "text": text[start:end], "annotator": "bench"}
             for start, end, label in article.spans]
    return {"id": f"a{number:06d}", "text": text, "spans": spans}
