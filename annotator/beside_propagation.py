"""A trained model beside propagation: propagation's suggestion first where the two overlap, and the min-score the
model suggests from, chosen on its own held-out articles to save most actions there beside propagation (none when
no score saves any)."""

from __future__ import annotations

import contextlib
import json
import math
from collections import Counter
from pathlib import Path

from .model import Suggestion
from .propagation import SOURCE as PROPAGATION

FILE = "beside-propagation.json"  # written beside the model's metrics.json, once


def propagation_first(suggestions: list[Suggestion]) -> list[Suggestion]:
    """`suggestions` without another source's that overlaps a propagation suggestion (the annotator's own labels
    found again come first: one choice at a place, not two)."""
    propagated = [s for s in suggestions if s.source == PROPAGATION]
    if not propagated:
        return suggestions
    return [s for s in suggestions if s.source == PROPAGATION
            or not any(p.start < s.end and s.start < p.end for p in propagated)]


def gain(text: str, shown: list[Suggestion], reference: set[tuple[int, int, str]]) -> int:
    """Actions a model's suggestions `shown` on one article save beside propagation, as the simulated annotator
    counts them (docs/suggestions.md): a reference span +1 (no span to make), the place of a reference span with
    another label 0 (one key relabels it, as making it would), one at the place of a reference span whose text
    comes earlier in the article 0 (propagation suggests it once the first is made), one that a reference span
    starting before it hides 0, any other -1 (a rejection)."""
    places = {(a, b) for a, b, _ in reference}
    total = 0
    for s in shown:
        if (s.start, s.end) in places:
            if not any(a < s.start and text[a:b] == s.text for a, b, _ in reference):
                total += s.key in reference
        elif not any(a < s.end and s.start < b and (a, -b) < (s.start, -s.end) for a, b, _ in reference):
            total -= 1
    return total


def best_min_score(articles: list[tuple[str, list[Suggestion], set[tuple[int, int, str]]]]) -> tuple[float, int]:
    """The highest score to suggest from that saves most actions over `articles` (each a text, the model's
    suggestions not under a propagation suggestion, and the reference), with what it saves; (inf, 0) when no
    score saves any."""
    best, chosen = 0, math.inf
    for score in sorted({s.score for _, shown, _ in articles for s in shown}, reverse=True):
        saved = sum(gain(text, [s for s in shown if s.score >= score], reference) for text, shown, reference in articles)
        if saved > best:
            best, chosen = saved, score
    return chosen, best


def choose(folder: Path) -> dict:
    """Run the model in `folder` (as `annotator train` wrote it) on its held-out articles, each with propagation of
    the texts labelled in all the other articles (training and held out), and choose the min-score there."""
    from spacy.tokens import DocBin

    from .patterns import blank_pipeline
    from .propagation import Propagator
    from .training import SPANS_KEY, ModelSuggester, register_tokenizer

    register_tokenizer()
    lang = json.loads((folder / "metrics.json").read_text("utf-8")).get("lang", "en")
    vocab = blank_pipeline(lang).vocab
    held_out = list(DocBin().from_disk(folder / "corpus" / "dev.spacy").get_docs(vocab))
    trained = list(DocBin().from_disk(folder / "corpus" / "train.spacy").get_docs(vocab))
    terms = Counter((s.text, s.label_) for doc in trained for s in doc.spans[SPANS_KEY])
    labels = {label for _, label in terms} | {s.label_ for doc in held_out for s in doc.spans[SPANS_KEY]}
    model = ModelSuggester(str(folder), labels, min_score=0.0)
    articles = []
    for doc in held_out:  # propagation knows every other labelled article, as when the model is in use
        known = terms + Counter((s.text, s.label_) for other in held_out if other is not doc
                                for s in other.spans[SPANS_KEY])
        propagated = Propagator((text, label, n) for (text, label), n in known.items()).find(doc.text)
        found = propagation_first(propagated + model.find(doc.text))
        articles.append((doc.text, [s for s in found if s.source != PROPAGATION],
                         {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]}))
    score, saved = best_min_score(articles)
    return {"min_score": None if math.isinf(score) else score, "saved_on_held_out": saved,
            "held_out_articles": len(held_out)}


def min_score(model: str) -> float:
    """The min-score to suggest from beside propagation for the model in folder `model` (chosen once, then kept in
    FILE beside it); inf when none saves actions; for a model without its held-out articles (an installed
    pipeline), the one training chose, else 0."""
    from .training import tuned_min_score

    folder = Path(model)
    try:
        found = json.loads((folder / FILE).read_text("utf-8"))
    except (OSError, ValueError):
        if not (folder / "corpus" / "dev.spacy").is_file() or not (folder / "metrics.json").is_file():
            return tuned_min_score(folder, beside_propagation=True)
        found = choose(folder)
        with contextlib.suppress(OSError):  # a read-only model folder: chosen again next time
            (folder / FILE).write_text(json.dumps(found, indent=2) + "\n", "utf-8")
    return math.inf if found.get("min_score") is None else float(found["min_score"])
