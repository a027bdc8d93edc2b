"""`annotator suggest`: suggestions from propagation and patterns stored for one annotator (incremental, safe to
rerun), and accepted in bulk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .beside_propagation import propagation_first
from .errors import UserError
from .model import Suggestion
from .wording import counted


@dataclass
class SuggestReport:
    """What a run of suggest found and stored."""

    annotator: str
    articles: int = 0
    new: int = 0
    hidden: int = 0
    notes: list[str] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        found = sum(self.labels.values())
        hidden = f"; {self.hidden} left out as overlapping the annotator's spans" if self.hidden else ""
        return "\n".join([*self.notes, f"{counted(found, 'open suggestion')} for {self.annotator} in "
                                        f"{counted(self.articles, 'article')} ({self.new} new{hidden}){per_label(self.labels)}"])


def per_label(labels: Counter[str]) -> str:
    return (": " + ", ".join(f"{label} {count}" for label, count in sorted(labels.items()))) if labels else ""


def sources(store, annotator: str, *, patterns: Path | None, propagate: bool, ignore_case: bool = False,
            model: str | None = None, mapping: dict[str, str] | None = None,
            lang: str = "xx") -> list[Callable[[str], list[Suggestion]]]:
    """The finders asked for: propagation of the annotator's own labels, a patterns file's matches, a model's spans."""
    found: list[Callable[[str], list[Suggestion]]] = []
    if propagate:
        from .propagation import Propagator

        found.append(Propagator(store.labelled_terms(annotator), ignore_case=ignore_case).find)
    if patterns is not None:
        from .patterns import PatternMatcher, read_patterns

        found.append(PatternMatcher(read_patterns(patterns, [lb.name for lb in store.labels()]), lang).find)
    if model is not None:
        from .beside_propagation import min_score
        from .training import ModelSuggester

        found.append(ModelSuggester(model, {lb.name for lb in store.labels()}, mapping,
                                    min_score=min_score(model) if propagate else None).find)
    if not found:
        raise UserError("nothing to suggest from: give --propagate, --patterns FILE or --model DIR|NAME")
    return found


def suggest(store, annotator: str, article_ids: list[str], finders: list[Callable[[str], list[Suggestion]]], *,
            min_score: float = 0.0, progress=None) -> SuggestReport:
    """Store for `annotator` what each finder finds in each article scoring at least `min_score`, all in one
    transaction; what is already stored, rejected, or already the annotator's span is not stored again, nor what
    overlaps one of their spans (see `overlaps`), nor another source's find overlapping a propagation one."""
    report = SuggestReport(annotator)
    nesting = store.nested_label_pairs(annotator)
    with store.transaction():
        for done, article_id in enumerate(article_ids, start=1):
            text, spans = store.article(article_id).text, store.spans(article_id, annotator)
            found = propagation_first([s for find in finders for s in find(text) if s.score >= min_score])
            kept = [s for s in found if not overlaps(s, spans, nesting)]
            report.hidden += len(found) - len(kept)
            report.new += store.add_suggestions(annotator, article_id, kept)
            report.articles += 1
            if progress:
                progress(done, len(article_ids))
    report.notes = [note for find in finders if (note := getattr(getattr(find, "__self__", None), "note", str)())]
    for article_id in article_ids:  # what is stored and open now, the earlier runs' included
        report.labels.update(s.label for s in store.suggestions(article_id, annotator, min_score))
    return report


def overlaps(suggestion, spans, nesting: set[tuple[str, str]]) -> bool:
    """Whether `suggestion` overlaps one of `spans` other than the same (start, end, label), unless one lies within
    the other with labels the annotator has nested (`nesting` holds (outer, inner) pairs): `Madrid` is not suggested
    inside their `Atlético de Madrid`, but ACTOR inside CLAIM once they have put an ACTOR inside a CLAIM."""
    for span in spans:
        if span.start >= suggestion.end or suggestion.start >= span.end or span.key == suggestion.key:
            continue
        if span.start <= suggestion.start and suggestion.end <= span.end and (span.label, suggestion.label) in nesting:
            continue
        if suggestion.start <= span.start and span.end <= suggestion.end and (suggestion.label, span.label) in nesting:
            continue
        return True
    return False


def chosen_articles(store, annotator: str, ids: list[str] | None, status: str | None) -> list[str]:
    """The articles named (each checked), those with `status` for the annotator, or all."""
    if ids is not None and status is not None:
        raise UserError("give --articles or --status, not both")
    if ids is None:
        return store.article_ids_for(annotator, status)
    for article_id in ids:
        if not store.article_exists(article_id):
            raise UserError(f"no article {article_id!r} in {store.path}")
    return ids
