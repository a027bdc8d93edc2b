"""Patterns files in the format spaCy's EntityRuler/SpanRuler and Prodigy read: checked line by line, matched with
spaCy's own SpanRuler (PhraseMatcher and Matcher) over our tokens, and written from the labels already made.

spaCy is an optional extra (pip install 'annotator[spacy]'), imported only here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, UserError
from .formats.spacy import doc_of
from .model import Suggestion
from .tokens import tokenize

SOURCE = "patterns"
SPANS_KEY = "suggested"
# token attributes a blank pipeline never sets: a pattern using one would silently match nothing
NEEDS_A_TRAINED_PIPELINE = {"POS", "TAG", "LEMMA", "DEP", "MORPH", "ENT_TYPE", "ENT_IOB", "ENT_ID", "SENT_START",
                            "IS_SENT_START"}


def read_patterns(path: Path, labels: Iterable[str]) -> list[dict]:
    """Every pattern of a JSONL patterns file, or an InputError naming the line and field of the first bad one."""
    known, file, patterns = set(labels), str(path), []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{file}: cannot read patterns ({e})") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            patterns.append(_checked(file, number, line, known))
    if not patterns:
        raise UserError(f"{file}: no patterns in it")
    return patterns


def _checked(file: str, number: int, line: str, labels: set[str]) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(file, number, "", f"not JSON ({e.msg})") from None
    if not isinstance(record, dict):
        raise InputError(file, number, "", "not an object with label and pattern")
    label, pattern = record.get("label"), record.get("pattern")
    if not isinstance(label, str) or label not in labels:
        raise InputError(file, number, "$.label", f"{json.dumps(label)} is not in the label set ({', '.join(sorted(labels))})")
    if isinstance(pattern, str) and pattern.strip():
        return record
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        raise InputError(file, number, "$.pattern", "must be a non-empty string or a list of token objects")
    for i, token in enumerate(pattern):
        for attr in token:
            if attr.upper() in NEEDS_A_TRAINED_PIPELINE:
                raise InputError(file, number, f"$.pattern[{i}].{attr}",
                                 "needs a trained pipeline; the tokens matched here carry only their text")
    return record


def _spacy():
    try:
        import spacy
        from spacy.tokens import Doc
    except ImportError:
        raise UserError("patterns need spaCy: pip install 'annotator[spacy]'") from None
    return spacy, Doc


class Tokenizer:
    """Our tokenizer as a spaCy pipeline's: its token boundaries are the ones spans snap to here."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str):
        return doc_of(self.vocab, text, tokenize(text))

    # nothing to save or load: a saved pipeline names this tokenizer in its config (see training.TOKENIZER)
    def to_disk(self, path, *, exclude=()) -> None:
        pass

    def from_disk(self, path, *, exclude=()) -> Tokenizer:
        return self

    def to_bytes(self, *, exclude=()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude=()) -> Tokenizer:
        return self


def make_tokenizer():
    """Our tokenizer for a spaCy config (`@tokenizers = "annotator.tokenizer.v1"`), registered by entry point."""
    return lambda nlp: Tokenizer(nlp.vocab)


def blank_pipeline(lang: str = "xx"):
    """spaCy's blank pipeline for `lang` (nothing downloaded) with our tokenizer."""
    spacy, _ = _spacy()
    try:
        nlp = spacy.blank(lang)
    except ImportError:
        raise UserError(f"spaCy has no language {lang!r} (try xx, en, es, de, fr ...)") from None
    nlp.tokenizer = Tokenizer(nlp.vocab)
    return nlp


class PatternMatcher:
    """Patterns matched by spaCy's SpanRuler on a blank pipeline; every match a suggestion scoring 1."""

    def __init__(self, patterns: list[dict], lang: str = "xx"):
        self.nlp = blank_pipeline(lang)
        ruler = self.nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "overwrite": True})
        ruler.add_patterns(patterns)

    def find(self, text: str) -> list[Suggestion]:
        doc = self.nlp(text)
        keys = dict.fromkeys((s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY])
        return [Suggestion(start, end, label, text[start:end], SOURCE) for start, end, label in sorted(keys)]


def write_patterns(terms: Iterable[tuple[str, str, int]], out: Path) -> int:
    """Write a phrase pattern for each distinct (text, label) labelled (Prodigy's terms.from-ner); return how many."""
    lines = sorted({json.dumps({"label": label, "pattern": text}, ensure_ascii=False)
                    for text, label, _ in terms if text.strip()})
    out.write_text("".join(line + "\n" for line in lines), "utf-8")
    return len(lines)
