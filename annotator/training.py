"""`annotator train`: a spaCy span categorizer (spans may nest, as CLAIM around ACTOR; single-label when none do)
trained on one layer of the store's spans with spaCy's own training loop and a config written here, scored per label
on a held-out split, which also chooses the min-score to suggest from; and a trained pipeline's spans as suggestions.

spaCy is an optional extra (pip install 'annotator[spacy]'), imported only here.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import re
from collections.abc import Callable
from pathlib import Path

from .errors import UserError
from .model import Suggestion
from .patterns import blank_pipeline, make_tokenizer

SPANS_KEY = "sc"
TOKENIZER = "annotator.tokenizer.v1"
LONGEST_SPAN = 20  # the longest span, in tokens, the model proposes; longer labelled spans are reported
SCORE_FLOOR = 0.2  # a multi-label model's spans scoring less are not proposed at all
DEV_ARTICLES = 10  # held-out articles scored during training to keep the best model (corpus/checkpoints.spacy);
# all of them (corpus/dev.spacy) are scored at the end
FEW_ARTICLES = 500  # fewer training articles are cut at line breaks into short examples (see `pieces`); more are
# examples whole (each piece costs spaCy a few milliseconds to store, and many articles give updates enough)
EXAMPLE_CHARS = 5000  # longer training examples are cut at a space (about 1,000 tokens: the batcher's largest batch)
EVAL_BATCH = 32  # held-out articles the model reads at a time when scoring
PROGRESS = "annotator.train_progress.v1"


def register_tokenizer() -> None:
    """Our tokenizer under its config name in this process (an installed annotator also registers it by entry point)."""
    import spacy

    spacy.registry.tokenizers.register(TOKENIZER, func=make_tokenizer)


def labelled_spans(store, article_id: str, annotator: str | None, gold: bool) -> tuple[str, list[tuple]]:
    """The article's text and its spans in the layer, as (start, end, label)."""
    spans = store.gold_spans(article_id) if gold else store.spans(article_id, annotator)
    return store.article(article_id).text, [(s.start, s.end, s.label) for s in spans]


def labelled_doc(nlp, text: str, spans: list[tuple]):
    """A Doc of `text` with the spans in doc.spans["sc"] (those on whitespace only left out), and how many were left
    out."""
    doc = nlp.make_doc(text)
    placed = [doc.char_span(start, end, label=label, alignment_mode="expand") for start, end, label in spans]
    doc.spans[SPANS_KEY] = [span for span in placed if span is not None and span.text.strip()]
    return doc, len(placed) - len(doc.spans[SPANS_KEY])


def overlaps(doc) -> bool:
    """Whether two spans of the doc overlap (if none in any doc: one label a span, not overlapping, suffices)."""
    ends = sorted((span.start, span.end) for span in doc.spans[SPANS_KEY])
    return any(later[0] < earlier[1] for earlier, later in zip(ends, ends[1:], strict=False))


def pieces(nlp, text: str, spans: list[tuple], line_breaks: bool = True) -> tuple[list, int]:
    """The text cut (see `cut_points`) into Docs with their spans, and how many spans were left out (on whitespace
    only)."""
    cuts = cut_points(text, spans, line_breaks)
    out, left_out = [], 0
    for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True):
        if start < end and text[start:end].strip():
            inside = [(a - start, b - start, label) for a, b, label in spans if start <= a and b <= end]
            piece, dropped = labelled_doc(nlp, text[start:end], inside)
            out.append(piece)
            left_out += dropped
    return out, left_out


def cut_points(text: str, spans: list[tuple], line_breaks: bool) -> list[int]:
    """Where to cut the text into training examples, never inside a span: after each line break if `line_breaks`
    (short examples, so that a few articles still give many updates an epoch), and after a space wherever an
    example would be longer than EXAMPLE_CHARS (a 200 KB one-line article would be a batch of its own, of millions
    of candidate spans)."""
    inside = bytearray(len(text) + 1)
    for start, end, _ in spans:
        inside[start + 1 : end] = b"\x01" * max(0, end - start - 1)
    cuts, last_space = [0], 0
    for space in re.finditer(r"\s", text):
        at = space.end()
        if inside[at]:
            continue
        if at - cuts[-1] > EXAMPLE_CHARS and last_space > cuts[-1]:
            cuts.append(last_space)
        if at - cuts[-1] > EXAMPLE_CHARS:  # a span longer than that: cut right after it
            cuts.append(at)
        if line_breaks and space.group() == "\n" and cuts[-1] != at:
            cuts.append(at)
        last_space = at
    return cuts


def split(docs: list, eval_split: float, seed: int) -> tuple[list, list]:
    if len(docs) < 2:
        raise UserError(f"{len(docs)} labelled article{'s' if len(docs) != 1 else ''}: training needs at least 2")
    shuffled = docs[:]
    random.Random(seed).shuffle(shuffled)
    held = min(len(docs) - 1, max(1, round(len(docs) * eval_split)))
    return shuffled[held:], shuffled[:held]


def write_corpus(store, nlp, folder: Path, train_ids: list, eval_ids: list, annotator: str | None, gold: bool) -> dict:
    """The training examples (corpus/train.spacy: the articles in `pieces`, cut at line breaks only when they are fewer
    than FEW_ARTICLES), the held-out articles (corpus/dev.spacy, the first DEV_ARTICLES also in corpus/checkpoints.spacy),
    an article at a time: no more than one article's Docs are held. What training needs to know of them: span counts,
    the longest span, whether any overlap, the words of the examples, the texts labelled in training articles."""
    from spacy.tokens import DocBin

    from .formats.spacy import _register_msgpack_plugins_once

    _register_msgpack_plugins_once()  # else srsly looks for plugins each time DocBin.add packs spans
    folder.mkdir(parents=True, exist_ok=True)
    found = {"spans": 0, "spans_too_long": 0, "spans_left_out": 0, "longest": 1, "flat": True, "words": 0,
             "known": set()}
    bins = {"train": DocBin(), "dev": DocBin(), "checkpoints": DocBin()}
    for n, article_id in enumerate([*train_ids, *eval_ids]):
        text, spans = labelled_spans(store, article_id, annotator, gold)
        training = n < len(train_ids)
        if training:
            docs, left_out = pieces(nlp, text, spans, line_breaks=len(train_ids) < FEW_ARTICLES)
        else:
            doc, left_out = labelled_doc(nlp, text, spans)
            docs = [doc]
        found["spans_left_out"] += left_out
        for doc in docs:
            group = doc.spans[SPANS_KEY]
            found["spans"] += len(group)
            found["spans_too_long"] += sum(len(span) > LONGEST_SPAN for span in group)
            found["longest"] = max([found["longest"], *(len(span) for span in group)])
            found["flat"] = found["flat"] and not overlaps(doc)
            if training:
                found["known"].update(span.text for span in group)
                found["words"] += len(doc)
            names = ["train"] if training else ["dev", "checkpoints"][: 1 + (n - len(train_ids) < DEV_ARTICLES)]
            for name in names:
                bins[name].add(doc)
    for name, docs in bins.items():
        docs.to_disk(folder / f"{name}.spacy")
    return found


def write_config(out: Path, lang: str, seed: int, max_steps: int, longest: int, *, flat: bool = False,
                 progress: bool = False) -> Path:
    """spaCy's own efficiency config for a span categorizer, with our tokenizer and the corpus written in `out`;
    with `flat` spaCy's single-label one that proposes no overlapping spans, else a multi-label one that reports
    spans from SCORE_FLOOR (so that a min-score can be chosen above it). It weighs every span as long as the
    `longest` labelled one (at most LONGEST_SPAN tokens). The corpus is streamed in its (shuffled) order, not held
    in memory."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["spancat"], optimize="efficiency")
    config["nlp"]["tokenizer"] = {"@tokenizers": TOKENIZER}
    config["paths"]["train"] = str(out / "corpus" / "train.spacy")
    config["paths"]["dev"] = str(out / "corpus" / "checkpoints.spacy")
    config["system"]["seed"] = seed
    config["training"].update(max_steps=max_steps, max_epochs=-1, patience=0,
                              eval_frequency=max(1, min(200, max_steps // 5)))
    if progress:
        config["training"]["before_update"] = {"@callbacks": PROGRESS}
    spancat = config["components"]["spancat"]
    spancat["suggester"] = {"@misc": "spacy.ngram_range_suggester.v1", "min_size": 1,
                            "max_size": min(longest, LONGEST_SPAN)}
    if flat:
        del spancat["max_positive"], spancat["threshold"]
        spancat.update(factory="spancat_singlelabel", allow_overlap=False, negative_weight=1.0)
        spancat["model"]["scorer"] = {"@layers": "Softmax.v2"}
    else:
        spancat["threshold"] = SCORE_FLOOR
    path = out / "config.cfg"
    config.to_disk(path)
    return path


def train(store, out: Path, *, annotator: str | None = None, gold: bool = False, lang: str = "en",
          eval_split: float = 0.2, seed: int = 0, max_steps: int = 2000, max_epochs: int = 30,
          progress: Callable[[float, str], None] | None = None) -> dict:
    """Train, save the best pipeline in out/model-best, score it on the held-out articles, choose the min-score that
    saves most actions on them, write out/metrics.json. spaCy's training loop prints its progress, or, given
    `progress`, calls it with the share done (0 to 1) and a message instead (and prints nothing).

    Training makes the updates of `max_epochs` passes over the training articles, at most `max_steps` (all
    `max_steps` with max_epochs=0)."""
    tell = progress or (lambda share, message: None)
    register_tokenizer()
    tell(0.0, "reading the labelled articles")
    nlp = blank_pipeline(lang)
    train_ids, eval_ids = split(store.labelled_article_ids(annotator, gold=gold), eval_split, seed)
    corpus = write_corpus(store, nlp, out / "corpus", train_ids, eval_ids, annotator, gold)
    steps = min(max_steps, updates(max_epochs * corpus["words"])) if max_epochs else max_steps
    config = write_config(out, lang, seed, steps, corpus["longest"], flat=corpus["flat"],
                          progress=progress is not None)
    _run_spacy_train(config, out, progress and (lambda step: tell(0.05 + 0.85 * step / steps,
                                                                  f"training: update {step} of {steps}")))
    tell(0.9, f"scoring on {len(eval_ids)} held-out articles")
    metrics = evaluate(out / "model-best", held_out(out, nlp), corpus["known"])
    metrics.update(train_articles=len(train_ids), eval_articles=len(eval_ids),
                   **{key: corpus[key] for key in ("spans", "spans_too_long", "spans_left_out")},
                   layer="gold" if gold else annotator, lang=lang, seed=seed, flat=corpus["flat"])
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", "utf-8")
    tell(1.0, "done")
    return metrics


def held_out(out: Path, nlp):
    """The held-out articles a training in `out` wrote (corpus/dev.spacy), as Docs with their spans, one at a time."""
    from spacy.tokens import DocBin

    return DocBin().from_disk(out / "corpus" / "dev.spacy").get_docs(nlp.vocab)


def updates(words: int) -> int:
    """How many updates spaCy's batcher in the config (by words, 100 growing by 0.1% an update up to 1,000) makes of
    `words` words."""
    steps, size = 0, 100.0
    while words > 0:
        words, size, steps = words - size, min(1000.0, size * 1.001), steps + 1
    return steps


def _run_spacy_train(config: Path, out: Path, on_step: Callable[[int], None] | None) -> None:
    """spaCy's training loop (writes out/model-best, out/model-last); `on_step` called before each update, and
    nothing printed, when given."""
    import spacy
    from spacy.cli.train import train as spacy_train

    if on_step is None:
        spacy_train(config, out)
        return
    spacy.registry.callbacks.register(PROGRESS, func=lambda: lambda nlp, info: on_step(info["step"]))
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        spacy_train(config, out)


def evaluate(model: Path, eval_docs, known: set[str] | None = None) -> dict:
    """Precision, recall and F1 of the pipeline at `model`, over all labels and per label, on `eval_docs` (Docs with
    their spans, read once, EVAL_BATCH at a time); and the min-score that saves most actions on them (see
    `best_min_score`), with precision and recall from it. Given the `known` texts (those labelled in the training
    articles), also the min-score to use beside propagation, which suggests those texts anyway: there a right
    suggestion of a known text gains nothing."""
    import spacy
    from spacy.scorer import PRFScore

    nlp = spacy.load(model)
    if not any(SPANS_KEY in (getattr(pipe, "cfg", {}).get("spans_key"), getattr(pipe, "key", None))
               for _, pipe in nlp.pipeline):
        raise KeyError(f"{model}: no component writes doc.spans[{SPANS_KEY!r}]")
    total, per_label, scored, reference = PRFScore(), {}, [], 0
    for predicted, doc in nlp.pipe(((doc.text, doc) for doc in eval_docs), as_tuples=True, batch_size=EVAL_BATCH):
        gold = {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]}
        found = [(score, (s.start_char, s.end_char, s.label_), s.text)
                 for s, score in scored_spans(predicted.spans.get(SPANS_KEY, []))]
        guessed = {key for _, key, _ in found}
        total.score_set(guessed, gold)
        for label in {key[2] for key in guessed | gold}:
            per_label.setdefault(label, PRFScore()).score_set({k for k in guessed if k[2] == label},
                                                              {k for k in gold if k[2] == label})
        scored += [(score, key in gold, text) for score, key, text in found]
        reference += len(gold)
    min_score = best_min_score([(score, 1 if ok else -1) for score, ok, _ in scored])
    right = sum(ok for score, ok, _ in scored if min_score is not None and score >= min_score)
    shown = sum(min_score is not None and score >= min_score for score, _, _ in scored)
    found = {"model": str(model), "precision": total.precision, "recall": total.recall, "f1": total.fscore,
             "labels": {label: {"p": s.precision, "r": s.recall, "f": s.fscore} for label, s in per_label.items()},
             "min_score": min_score, "precision_at_min_score": right / shown if shown else 0.0,
             "recall_at_min_score": right / reference if reference else 0.0}
    if known is not None:
        found["min_score_beside_propagation"] = best_min_score(
            [(score, (0 if text in known else 1) if ok else -1) for score, ok, text in scored])
    return found


def scored_spans(group) -> list[tuple]:
    """(span, score) of each span of a span group (scores 1 when the group has none, as a span ruler's)."""
    import numpy

    if not len(group):
        return []
    scores = numpy.asarray(group.attrs["scores"], dtype=float).reshape(-1) if "scores" in group.attrs else None
    return [(span, float(scores[i]) if scores is not None else 1.0) for i, span in enumerate(group)]


def best_min_score(scored: list[tuple[float, int]]) -> float | None:
    """The lowest score to suggest from that saves most actions, from (score, gain) pairs, gain the actions a
    suggestion saves: 1 a right one (accepted, no span to make), -1 a wrong one (a rejection), 0 one that saves
    nothing; None when no score saves any (the model then suggests nothing). Kept to 4 places, rounded down so
    that the suggestion it was chosen at still passes."""
    best, gain, threshold = 0, 0, None
    for score, value in sorted(scored, key=lambda pair: -pair[0]):
        gain += value
        if gain > best:
            best, threshold = gain, math.floor(score * 10_000) / 10_000
    return threshold


def tuned_min_score(folder: Path, beside_propagation: bool = False) -> float:
    """The min-score `annotator train` chose on its held-out articles (in metrics.json beside the model), else 0;
    infinite (nothing suggested) when it found none that saves actions."""
    key = "min_score_beside_propagation" if beside_propagation else "min_score"
    try:
        metrics = json.loads((folder / "metrics.json").read_text("utf-8"))
        chosen = metrics.get(key, metrics.get("min_score", 0.0))
        return math.inf if chosen is None else float(chosen)
    except (OSError, ValueError, AttributeError):
        return 0.0


class ModelSuggester:
    """A spaCy pipeline's spans as suggestions: a span categorizer's (scored by the model) and named entities (scored
    1), labels renamed by `mapping` (ORG to ACTOR...); those whose label is still not in `labels` are counted. Spans
    scoring under `min_score` are left out: by default the one `annotator train` chose (see `evaluate`; with
    `beside_propagation`, the one for suggesting beside propagation), else none."""

    def __init__(self, model: str, labels: set[str], mapping: dict[str, str] | None = None, *,
                 min_score: float | None = None, beside_propagation: bool = False):
        import spacy

        register_tokenizer()
        folder = Path(model)
        path = folder / "model-best" if (folder / "model-best").is_dir() else model
        try:
            self.nlp = spacy.load(path)
        except OSError as e:
            where = "not a spaCy pipeline" if folder.exists() else "no such folder, nor an installed spaCy pipeline"
            raise UserError(f"{model}: {where} (nothing is downloaded; {str(e)[:100]})") from None
        self.labels, self.mapping = labels, mapping or {}
        self.min_score = tuned_min_score(folder, beside_propagation) if min_score is None else min_score
        self.source = f"model:{folder.name or model}"
        self.left_out: dict[str, int] = {}

    def find(self, text: str) -> list[Suggestion]:
        doc = self.nlp(text)
        scored = scored_spans(doc.spans.get(SPANS_KEY, [])) + [(entity, 1.0) for entity in doc.ents]
        found = {}
        for span, score in scored:
            label = self.mapping.get(span.label_, span.label_)
            if label not in self.labels:
                self.left_out[span.label_] = self.left_out.get(span.label_, 0) + 1
                continue
            key = (span.start_char, span.end_char, label)
            if score >= self.min_score:
                found[key] = max(found.get(key, 0.0), round(score, 4))
        return [Suggestion(start, end, label, text[start:end], self.source, score)
                for (start, end, label), score in sorted(found.items())]

    def note(self) -> str:
        """What was left out for want of a label, or ""."""
        if not self.left_out:
            return ""
        counts = ", ".join(f"{count} {label}" for label, count in sorted(self.left_out.items()))
        return f"Left out, their labels not in the label set (rename them with --map, e.g. ORG=ACTOR): {counts}"


def parse_mapping(text: str | None) -> dict[str, str]:
    """--map ORG=ACTOR,GPE=LOCATION as {"ORG": "ACTOR", "GPE": "LOCATION"}."""
    mapping = {}
    for item in (text or "").split(","):
        if item.strip():
            old, equals, new = item.partition("=")
            if not equals or not old.strip() or not new.strip():
                raise UserError(f"--map: {item.strip()!r} is not OLD=NEW (e.g. ORG=ACTOR)")
            mapping[old.strip()] = new.strip()
    return mapping


def metrics_table(metrics: dict) -> str:
    """Precision, recall and F1 per label and over all, as lines to print."""
    rows = [(label, m["p"], m["r"], m["f"]) for label, m in sorted(metrics["labels"].items())]
    rows.append(("all", metrics["precision"], metrics["recall"], metrics["f1"]))
    lines = [f"{'label':<14}{'P':>7}{'R':>7}{'F1':>7}"]
    lines += [f"{label:<14}{p:>7.3f}{r:>7.3f}{f:>7.3f}" for label, p, r, f in rows]
    if metrics["min_score"] is None:
        lines.append("suggests nothing: on the held-out articles no score had more right suggestions than wrong ones")
    else:
        lines.append(f"suggests from score {metrics['min_score']:.3f} (most right suggestions over wrong ones on the "
                     f"held-out articles): P {metrics['precision_at_min_score']:.3f}, "
                     f"R {metrics['recall_at_min_score']:.3f}")
    left_out = f"; {metrics['spans_left_out']} spans on whitespace only left out" if metrics["spans_left_out"] else ""
    too_long = (f"; {metrics['spans_too_long']} spans longer than {LONGEST_SPAN} tokens, which it never proposes"
                if metrics["spans_too_long"] else "")
    return "\n".join(lines) + (f"\non {metrics['eval_articles']} held-out articles, trained on "
                               f"{metrics['train_articles']} ({metrics['spans']} spans{left_out}{too_long}); "
                               f"model in {metrics['model']}")
