"""`annotator train`: a spaCy span categorizer (spans may nest, as CLAIM around ACTOR) trained on one layer of the
store's spans with spaCy's own training loop and a config written here, scored per label on a held-out split;
and a trained pipeline's spans as suggestions.

spaCy is an optional extra (pip install 'annotator[spacy]'), imported only here.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from .errors import UserError
from .model import Suggestion
from .patterns import blank_pipeline, make_tokenizer

SPANS_KEY = "sc"
TOKENIZER = "annotator.tokenizer.v1"
LONGEST_NGRAM = 20  # the longest span, in tokens, the model proposes; longer labelled spans are reported


def register_tokenizer() -> None:
    """Our tokenizer under its config name in this process (an installed annotator also registers it by entry point)."""
    import spacy

    spacy.registry.tokenizers.register(TOKENIZER, func=make_tokenizer)


def labelled_docs(store, nlp, annotator: str | None, gold: bool) -> tuple[list, dict[str, int]]:
    """A Doc with its spans in doc.spans["sc"] for each article with a span in the layer; and how many spans are
    longer than LONGEST_NGRAM tokens (kept for training, never proposed) or lie on whitespace only (left out)."""
    docs, counts = [], {"spans": 0, "spans_too_long": 0, "spans_left_out": 0}
    for article_id in store.labelled_article_ids(annotator, gold=gold):
        spans = store.gold_spans(article_id) if gold else store.spans(article_id, annotator)
        doc = nlp.make_doc(store.article(article_id).text)
        placed = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand") for s in spans]
        group = [span for span in placed if span is not None and span.text.strip()]
        doc.spans[SPANS_KEY] = group
        counts["spans"] += len(group)
        counts["spans_left_out"] += len(placed) - len(group)
        counts["spans_too_long"] += sum(len(span) > LONGEST_NGRAM for span in group)
        docs.append(doc)
    return docs, counts


def split(docs: list, eval_split: float, seed: int) -> tuple[list, list]:
    if len(docs) < 2:
        raise UserError(f"{len(docs)} labelled article{'s' if len(docs) != 1 else ''}: training needs at least 2")
    shuffled = docs[:]
    random.Random(seed).shuffle(shuffled)
    held = min(len(docs) - 1, max(1, round(len(docs) * eval_split)))
    return shuffled[held:], shuffled[:held]


def write_config(out: Path, lang: str, seed: int, max_steps: int, longest: int) -> Path:
    """spaCy's own efficiency config for a span categorizer, with our tokenizer and the corpus written in `out`."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["spancat"], optimize="efficiency")
    config["nlp"]["tokenizer"] = {"@tokenizers": TOKENIZER}
    config["paths"]["train"], config["paths"]["dev"] = str(out / "corpus" / "train.spacy"), str(out / "corpus" / "dev.spacy")
    config["system"]["seed"] = seed
    config["training"].update(max_steps=max_steps, eval_frequency=max(1, min(200, max_steps // 5)), patience=0)
    config["components"]["spancat"]["suggester"] = {"@misc": "spacy.ngram_range_suggester.v1", "min_size": 1,
                                                    "max_size": max(1, min(longest, LONGEST_NGRAM))}
    path = out / "config.cfg"
    config.to_disk(path)
    return path


def train(store, out: Path, *, annotator: str | None = None, gold: bool = False, lang: str = "en",
          eval_split: float = 0.2, seed: int = 0, max_steps: int = 2000) -> dict:
    """Train, save the best pipeline in out/model-best, score it on the held-out articles, write out/metrics.json
    (spaCy's training loop prints its progress)."""
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    register_tokenizer()
    nlp = blank_pipeline(lang)
    docs, counts = labelled_docs(store, nlp, annotator, gold)
    train_docs, eval_docs = split(docs, eval_split, seed)
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    DocBin(docs=train_docs).to_disk(out / "corpus" / "train.spacy")
    DocBin(docs=eval_docs).to_disk(out / "corpus" / "dev.spacy")
    longest = max((len(s) for d in docs for s in d.spans[SPANS_KEY]), default=1)
    spacy_train(write_config(out, lang, seed, max_steps, longest), out)  # writes out/model-best, out/model-last
    metrics = evaluate(out / "model-best", eval_docs)
    metrics.update(train_articles=len(train_docs), eval_articles=len(eval_docs), **counts,
                   layer="gold" if gold else annotator, lang=lang, seed=seed)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return metrics


def evaluate(model: Path, eval_docs: list) -> dict:
    """Precision, recall and F1 of the pipeline at `model`, over all labels and per label, on `eval_docs`."""
    import spacy
    from spacy.training import Example

    nlp = spacy.load(model)
    scores = nlp.evaluate([Example(nlp.make_doc(doc.text), doc) for doc in eval_docs])
    per_label = scores.get(f"spans_{SPANS_KEY}_per_type") or {}
    return {"model": str(model), "precision": scores[f"spans_{SPANS_KEY}_p"], "recall": scores[f"spans_{SPANS_KEY}_r"],
            "f1": scores[f"spans_{SPANS_KEY}_f"], "labels": per_label}


class ModelSuggester:
    """A spaCy pipeline's spans as suggestions: a span categorizer's (scored by the model) and named entities (scored
    1), labels renamed by `mapping` (ORG to ACTOR...); those whose label is still not in `labels` are counted."""

    def __init__(self, model: str, labels: set[str], mapping: dict[str, str] | None = None):
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
        self.source = f"model:{folder.name or model}"
        self.left_out: dict[str, int] = {}

    def find(self, text: str) -> list[Suggestion]:
        doc = self.nlp(text)
        group = doc.spans.get(SPANS_KEY, [])
        scores = list(group.attrs.get("scores", [1.0] * len(group))) if len(group) else []
        scored = list(zip(group, scores, strict=True)) + [(entity, 1.0) for entity in doc.ents]
        found = {}
        for span, score in scored:
            label = self.mapping.get(span.label_, span.label_)
            if label not in self.labels:
                self.left_out[span.label_] = self.left_out.get(span.label_, 0) + 1
                continue
            key = (span.start_char, span.end_char, label)
            found[key] = max(found.get(key, 0.0), round(float(score), 4))
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
    left_out = f"; {metrics['spans_left_out']} spans on whitespace only left out" if metrics["spans_left_out"] else ""
    too_long = (f"; {metrics['spans_too_long']} spans longer than {LONGEST_NGRAM} tokens, which it never proposes"
                if metrics["spans_too_long"] else "")
    return "\n".join(lines) + (f"\non {metrics['eval_articles']} held-out articles, trained on "
                               f"{metrics['train_articles']} ({metrics['spans']} spans{left_out}{too_long}); "
                               f"model in {metrics['model']}")
