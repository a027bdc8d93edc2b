"""Reviewing: candidate spans from several annotators, decisions into the gold layer, and merging databases."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .errors import UserError
from .labelset import label_name_problem
from .model import GoldSpan, Relation, Span, span_misfit
from .store import Store, attributes_json, now
from .wording import counted

Key = tuple[int, int, str]
KINDS = ("agreed", "label", "boundary", "missing")


@dataclass(frozen=True)
class Candidate:
    """A span some of the compared annotators made, and how it stands against the others' spans.

    kind: "agreed" (all made it), "label" (another made the same range with another label),
    "boundary" (another made an overlapping span of the same label), "missing" (the others lack it).
    """

    start: int
    end: int
    label: str
    text: str
    annotators: tuple[str, ...]
    kind: str

    @property
    def key(self) -> Key:
        return (self.start, self.end, self.label)


def candidates(spans: Iterable[Span], annotators: list[str]) -> list[Candidate]:
    """Every distinct (start, end, label) the named annotators made, in text order, with its kind."""
    order = {name: i for i, name in enumerate(annotators)}
    made: dict[Key, set[str]] = {}
    texts: dict[Key, str] = {}
    for span in spans:
        if span.annotator in order:
            made.setdefault(span.key, set()).add(span.annotator)
            texts[span.key] = span.text
    result = []
    for key, who in sorted(made.items(), key=lambda item: (item[0][0], -item[0][1], item[0][2])):
        versions = [] if len(who) == len(annotators) else [
            k for k, w in made.items() if not w & who and _conflict(key, k)
        ]
        if len(who) == len(annotators):
            kind = "agreed"
        elif any(k[:2] == key[:2] for k in versions):
            kind = "label"
        elif versions:
            kind = "boundary"
        else:
            kind = "missing"
        result.append(Candidate(*key, texts[key], tuple(sorted(who, key=order.__getitem__)), kind))
    return result


def _conflict(a: Key, b: Key) -> bool:
    """Two versions of one span: the same range with another label, or the same label over other overlapping bounds."""
    if a[:2] == b[:2]:
        return a[2] != b[2]
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def rivals(candidate: Candidate, among: list[Candidate]) -> list[Candidate]:
    """The other annotators' versions of the same span: what accepting this version rejects."""
    mine = set(candidate.annotators)
    return [d for d in among if not mine & set(d.annotators) and _conflict(candidate.key, d.key)]


def state(candidate: Candidate, gold: set[Key], rejected: set[Key]) -> str:
    """accepted, rejected or pending."""
    if candidate.key in gold:
        return "accepted"
    return "rejected" if candidate.key in rejected else "pending"


# -- decisions: planned from the store's state, applied and reverted (undo) as one transaction each ---------


@dataclass(frozen=True)
class Decision:
    """What one review step changes on one article, enough to apply it and to take it back."""

    article_id: str
    reviewer: str
    add: tuple[GoldSpan, ...] = ()
    remove: tuple[GoldSpan, ...] = ()
    reject: tuple[Key, ...] = ()
    unreject: tuple[Key, ...] = ()
    status: tuple[str, str] | None = None  # (before, after)
    unlink: tuple[Relation, ...] = ()  # gold relations that go with the removed gold spans
    link: tuple[Relation, ...] = ()  # gold relations put back (under their ids) after the gold spans are added

    @property
    def empty(self) -> bool:
        return not (self.add or self.remove or self.reject or self.unreject or self.status)

    def inverted(self) -> Decision:
        """The decision that takes this one back."""
        return replace(self, add=self.remove, remove=self.add, reject=self.unreject, unreject=self.reject,
                       status=self.status[::-1] if self.status else None, unlink=self.link, link=self.unlink)


def apply(store: Store, d: Decision) -> None:
    with store.transaction():
        for gold in d.remove:
            store.delete_gold_span(d.article_id, gold.key, gold_id=gold.id)
        for key in d.unreject:
            store.delete_rejection(d.article_id, key)
        for gold in d.add:
            store.add_gold_span(d.article_id, gold)
        for relation in d.link:
            store.add_gold_relation(relation)
        for key in d.reject:
            store.add_rejection(d.article_id, key, d.reviewer)
        if d.status:
            store.set_review_status(d.article_id, d.status[1], d.reviewer)


def revert(store: Store, d: Decision) -> None:
    apply(store, d.inverted())


def plan(
    store: Store, article_id: str, reviewer: str, *, accept: Iterable[GoldSpan] = (), reject: Iterable[Key] = (),
    status: str | None = None,
) -> Decision:
    """A decision accepting these gold spans and rejecting these keys, given what is already decided."""
    gold = {g.key: g for g in store.gold_spans(article_id)}
    rejected = store.rejections(article_id)
    accept, reject = list(accept), [k for k in reject if k not in rejected or k in gold]
    touched = [g.key for g in accept] + reject
    before = store.review_status(article_id)
    after = status or ("in_review" if before == "unreviewed" and (accept or reject) else before)
    remove = tuple(gold[k] for k in dict.fromkeys(touched) if k in gold)
    return Decision(
        article_id, reviewer,
        add=tuple(accept),
        remove=remove,
        unlink=_links(store, article_id, remove),
        reject=tuple(k for k in reject if k not in rejected),
        unreject=tuple(k for k in dict.fromkeys(g.key for g in accept) if k in rejected),
        status=(before, after) if after != before else None,
    )


def _gold(c: Candidate, reviewer: str, decision: str = "accepted") -> GoldSpan:
    return GoldSpan(c.start, c.end, c.label, c.text, reviewer, c.annotators, decision)


def plan_accept(store: Store, article_id: str, candidate: Candidate, reviewer: str) -> Decision:
    return plan(store, article_id, reviewer, accept=[_gold(candidate, reviewer)])


def plan_reject(store: Store, article_id: str, candidate: Candidate, reviewer: str) -> Decision:
    return plan(store, article_id, reviewer, reject=[candidate.key])


def plan_accept_version(
    store: Store, article_id: str, candidate: Candidate, among: list[Candidate], reviewer: str
) -> Decision:
    """Take this version of a conflict and reject its rivals."""
    return plan(store, article_id, reviewer, accept=[_gold(candidate, reviewer)],
                reject=[r.key for r in rivals(candidate, among)])


def plan_add(store: Store, article_id: str, start: int, end: int, label: str, reviewer: str) -> Decision:
    """A span nobody made, added by the reviewer."""
    text = store.article(article_id).text[start:end]
    return plan(store, article_id, reviewer, accept=[GoldSpan(start, end, label, text, reviewer, (), "added")])


def plan_fix(
    store: Store, article_id: str, candidate: Candidate, start: int, end: int, label: str, reviewer: str
) -> Decision:
    """Accept a candidate with corrected boundaries or label; the candidate as made counts as rejected."""
    text = store.article(article_id).text[start:end]
    fixed = GoldSpan(start, end, label, text, reviewer, candidate.annotators, "fixed")
    reject = [candidate.key] if candidate.key != fixed.key else []
    return plan(store, article_id, reviewer, accept=[fixed], reject=reject)


def plan_remove_gold(store: Store, article_id: str, key: Key, reviewer: str) -> Decision:
    """Take a span out of the gold layer (an accepted candidate goes back to pending)."""
    gold = tuple(g for g in store.gold_spans(article_id) if g.key == key)
    return Decision(article_id, reviewer, remove=gold, unlink=_links(store, article_id, gold))


def _links(store: Store, article_id: str, removed: tuple[GoldSpan, ...]) -> tuple[Relation, ...]:
    """The gold relations from or to these gold spans (removing a span removes them: an undo puts them back)."""
    ids = {g.id for g in removed}
    return tuple(r for r in store.gold_relations(article_id) if r.from_id in ids or r.to_id in ids) if ids else ()


def plan_status(store: Store, article_id: str, status: str, reviewer: str) -> Decision:
    return plan(store, article_id, reviewer, status=status)


def plan_accept_agreed(
    store: Store, article_id: str, found: list[Candidate], reviewer: str, min_agree: int
) -> Decision:
    """Accept every candidate `agreed` finds at `min_agree`."""
    gold = {g.key for g in store.gold_spans(article_id)}
    easy = [_gold(c, reviewer) for c in agreed(found, min_agree, gold, store.rejections(article_id))]
    return plan(store, article_id, reviewer, accept=easy)


def agreed(found: list[Candidate], k: int, gold: set[Key], rejected: set[Key]) -> list[Candidate]:
    """The undecided candidates k or more annotators made identically that no other version of the same mention
    contests: no other version (see `_conflict`) that k made too, not all the same annotators (who then meant
    both), and the reviewer has not rejected, or that is gold; no gold span of no candidate's (the reviewer's
    own) in conflict with it."""
    made = {c.key for c in found}
    outside = [key for key in gold if key not in made]
    contenders = sorted((c for c in found if c.key in gold or len(c.annotators) >= k and c.key not in rejected),
                        key=lambda c: c.start)
    starts = [c.start for c in contenders]

    def contested(c: Candidate) -> bool:  # only versions that start before c ends can overlap it
        return any(_conflict(c.key, d.key) and d.annotators != c.annotators
                   for d in contenders[:bisect_left(starts, c.end)])

    return [
        c for c in found
        if len(c.annotators) >= k and c.key not in gold and c.key not in rejected
        and not contested(c) and not any(_conflict(c.key, key) for key in outside)
    ]


def article_candidates(store: Store, article_id: str, annotators: list[str]) -> list[Candidate]:
    return candidates(store.spans(article_id), annotators)


@dataclass
class AgreedReport:
    """What `review --accept-agreed` did and what is left."""

    articles: int = 0
    accepted: int = 0
    pending: int = 0
    pending_articles: int = 0
    reviewed: int = 0
    relations: int = 0

    def summary(self) -> str:
        relations = f" and {counted(self.relations, 'relation')}" if self.relations else ""
        return (f"{counted(self.accepted, 'span')}{relations} accepted over {counted(self.articles, 'article')}; "
                f"{counted(self.reviewed, 'article')} fully reviewed; {counted(self.pending, 'disagreement')} left "
                f"to review in {counted(self.pending_articles, 'article')}")


def accept_agreed(store: Store, annotators: list[str], min_agree: int | None, reviewer: str) -> AgreedReport:
    """For every article, accept the spans at least `min_agree` (default: all) of the annotators made identically
    and no rival version contests (see `agreed`).

    Articles left with nothing undecided by anyone (named or not) are marked reviewed; the others, once touched,
    in review.
    """
    if len(annotators) < 1:
        raise UserError("no annotators to compare (name them with --annotators)")
    k = len(annotators) if min_agree is None else min_agree
    if not 1 <= k <= len(annotators):
        raise UserError(f"--min-agree must be between 1 and {len(annotators)} (the number of annotators)")
    report = AgreedReport()
    labels = {label.name for label in store.labels()}
    gold_rows: list[tuple] = []
    status_rows: list[tuple[str, str, str]] = []
    with store.transaction():  # read everything, work it out, write it in two statements
        decided = store.decided_keys()
        statuses = store.review_statuses()
        for article, spans in store.articles_with_spans(store.annotators()):
            found = candidates(spans, annotators)
            if not found:
                continue
            report.articles += 1
            done = decided.get(article.id, set())
            # Rejections matter only against rivals and the reviewer's own spans: read them only then.
            contested = any(c.kind in ("label", "boundary") for c in found) or done - {c.key for c in found}
            rejected = store.rejections(article.id) if done and contested else set()
            easy = agreed(found, k, done - rejected, rejected)
            for c in easy:
                _check(article, c, labels)
                gold_rows.append((article.id, c.start, c.end, c.label, c.text, reviewer, _json(c.annotators), "accepted"))
            done = done | {c.key for c in easy}
            left = len({span.key for span in spans} - done)  # every annotator's, not only the named ones'
            report.accepted += len(easy)
            report.pending += left
            report.pending_articles += bool(left)
            report.reviewed += not left
            before = statuses.get(article.id, "unreviewed")
            after = "reviewed" if not left else "in_review" if easy and before == "unreviewed" else before
            if after != before:
                status_rows.append((article.id, after, reviewer))
        store.insert_gold_rows(gold_rows)
        store.set_review_statuses(status_rows)
        report.relations = _accept_agreed_relations(store, annotators, k, reviewer)
    return report


def _accept_agreed_relations(store: Store, annotators: list[str], k: int, reviewer: str) -> int:
    """Put in the gold layer each relation at least `k` of the annotators made identically (same type, same ends)
    whose two ends are gold spans; return how many. The relation type checked its ends' labels when each was made."""
    gold = store.gold_relation_ends()
    rows = []
    for article_id, found in store.relation_rows(annotators).items():
        if article_id not in gold:
            continue
        ids, there = gold[article_id]
        makers = Counter((kind, head, tail) for _, kind, head, tail in set(found))  # each annotator once
        for (kind, head, tail), count in makers.items():
            if count >= k and head in ids and tail in ids and (kind, head, tail) not in there:
                rows.append((article_id, reviewer, kind, ids[head], ids[tail]))
    store.insert_gold_relation_rows(rows)
    return len(rows)


@lru_cache(maxsize=256)
def _json(names: tuple[str, ...]) -> str:
    """The annotators of a gold span as stored (few combinations, each encoded once)."""
    return json.dumps(list(names))


def _check(article, c: Candidate, labels: set[str]) -> None:
    """Refuse a candidate the gold layer could not hold, as Store.add_gold_span would."""
    misfit = span_misfit(article.text, c.start, c.end, c.text)
    if misfit:
        raise UserError(f"{article.id}: span {misfit[1]}")
    if c.label not in labels:
        raise UserError(f"unknown label {c.label!r}")


# -- merging annotators' databases ---------------------------------------------------------------------


@dataclass
class MergeReport:
    """What a merge brought in, and what it refused."""

    articles: int = 0
    present: int = 0
    spans: int = 0
    spans_present: int = 0
    relations: int = 0
    relations_present: int = 0
    gold_spans: int = 0
    gold_present: int = 0
    gold_relations: int = 0
    gold_relations_present: int = 0
    added_labels: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    refused_relations: list[str] = field(default_factory=list)
    refused_gold: list[str] = field(default_factory=list)  # gold spans and relations rejected here
    decisions_left: Counter = field(default_factory=Counter)  # the others' rejections and review statuses, by kind

    def summary(self) -> str:
        text = (f"{counted(self.articles, 'new article')}, {self.present:,} already present; "
                f"{counted(self.spans, 'span')} added ({self.spans_present:,} already present)")
        if self.relations or self.relations_present:
            text += f"; {counted(self.relations, 'relation')} added ({self.relations_present:,} already present)"
        if self.gold_spans or self.gold_present or self.gold_relations or self.gold_relations_present:
            text += (f"; gold layer: {counted(self.gold_spans, 'span')} added ({self.gold_present:,} already present), "
                     f"{counted(self.gold_relations, 'relation')} added ({self.gold_relations_present:,} already present)")
        if self.added_labels:
            text += f"; added labels: {', '.join(self.added_labels)}"
        if self.conflicts:
            text += f"; {counted(len(self.conflicts), 'article')} not merged (text differs under the same id)"
        if self.refused_relations:
            text += f"; {counted(len(self.refused_relations), 'relation')} not merged (its type does not fit here)"
        if self.refused_gold:
            text += f"; {counted(len(self.refused_gold), 'gold span or relation', 'gold spans or relations')} not merged (rejected here)"
        if self.decisions_left:
            what = ", ".join(counted(n, kind, "review statuses" if kind == "review status" else None)
                             for kind, n in sorted(self.decisions_left.items()))
            text += f"; not merged: {what} (review decisions are taken in this database)"
        return text


def open_other(path: str | Path, ours: Store) -> Store:
    """Open an annotator's database read-only, refusing anything else clearly."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such database file")
    if path.resolve() == Path(ours.path).resolve():
        raise UserError(f"{path}: is the database being merged into")
    other = Store(path, readonly=True)
    if other.version == 0:
        other.close()
        raise UserError(f"{path}: not an annotator database (empty)")
    return other


def merge(store: Store, paths: Iterable[str | Path]) -> MergeReport:
    """Bring other databases' articles (matched by text SHA-256) and spans into this one, in one transaction.

    Spans keep their annotator's name and record the source file in `origin`; merging twice adds nothing;
    an article whose id is taken here by a different text is reported and skipped.
    """
    others = []
    try:
        for path in paths:
            others.append((Path(path), open_other(path, store)))
        report = MergeReport()
        with store.large_cache(), store.transaction():
            for path, other in others:
                _merge_one(store, other, path.name, report)
    finally:
        for _, other in others:
            other.close()
    return report


def _merge_one(store: Store, other: Store, origin: str, report: MergeReport) -> None:
    labels = {label.name for label in store.labels()}
    by_sha, _ = store.article_keys()
    taken = set(by_sha.values())
    stamp = now()
    article_rows: list[tuple] = []
    span_rows: list[tuple] = []
    id_map: dict[str, str] = {}
    for article, spans in other.articles_with_spans():
        local = by_sha.get(article.text_sha256)
        if local is None and article.id in taken:
            report.conflicts.append(f"{origin}: article {article.id!r} differs from the one here with that id; "
                                    "not merged")
            continue
        existing: set = set()
        if local is None:
            local = article.id
            article_rows.append(_article_row(article, stamp))
            by_sha[article.text_sha256] = local
            taken.add(local)
            report.articles += 1
        else:
            existing = store.span_keys(local)
            report.present += 1
        id_map[article.id] = local
        for span in spans:
            key = (span.annotator, span.start, span.end, span.label)
            if key in existing:
                report.spans_present += 1
                continue
            _known_label(store, span.label, labels, f"{origin}: article {article.id!r}", report)
            existing.add(key)
            span_rows.append((local, span.annotator, span.label, span.start, span.end, span.text, span.note,
                              origin, stamp, attributes_json(span.attributes)))
            report.spans += 1
        if len(span_rows) > 20000:
            store.insert_article_rows(article_rows)
            store.insert_span_rows(span_rows)
            article_rows, span_rows = [], []
    store.insert_article_rows(article_rows)
    store.insert_span_rows(span_rows)
    statuses = [(id_map[a], who, status, updated) for a, who, status, updated in other.status_rows() if a in id_map]
    store.merge_status_rows(statuses)
    _merge_relations(store, other, id_map, origin, report)
    _merge_gold(store, other, id_map, origin, report, labels)


def _merge_relations(store: Store, other: Store, id_map: dict[str, str], origin: str, report: MergeReport) -> None:
    """The other database's relations between the merged spans; one whose type is not here, or does not allow its
    ends here, is reported and not merged."""
    types = {t.name: t for t in store.relation_types()}
    rows, ids, article = [], {}, None
    for article_id, who, kind, head, tail in other.relation_ends():
        if article_id not in id_map:
            continue
        local = id_map[article_id]
        why = types[kind].misfit(head[2], tail[2]) if kind in types else f"no relation type {kind} here"
        if why:
            report.refused_relations.append(f"{origin}: a {kind} relation on article {local!r}: {why}")
            continue
        if local != article:
            article, ids = local, store.span_ids(local)
        rows.append((local, who, kind, ids[(who, *head)], ids[(who, *tail)]))
    added = store.insert_relation_rows(rows)
    report.relations += added
    report.relations_present += len(rows) - added


def _known_label(store: Store, label: str, labels: set[str], where: str, report: MergeReport) -> None:
    """Add a label not in the label set yet (a name it cannot hold is refused, and nothing merged)."""
    if label in labels:
        return
    problem = label_name_problem(label)
    if problem:
        raise UserError(f"{where}: {problem}; nothing was merged")
    store.add_label(label)
    labels.add(label)
    report.added_labels.append(label)


def _merge_gold(store: Store, other: Store, id_map: dict[str, str], origin: str, report: MergeReport,
                labels: set[str]) -> None:
    """The other database's gold layer on the merged articles, as one layer whoever accepted each span: its gold spans
    (one with the same (start, end, label) here stays) with their reviewers, and its gold relations between them.
    A gold span or relation rejected here is reported, not merged; its other review decisions are counted."""
    with_gold = other.articles_with_gold()
    types = {t.name: t for t in store.relation_types()}
    linked = "gold_relations" in other.table_names()
    for other_id, local in id_map.items():
        if other_id in with_gold:
            ids = _merge_gold_spans(store, other.gold_spans(other_id), local, origin, report, labels)
            if linked:
                _merge_gold_relations(store, other.gold_relations(other_id), ids, local, types, origin, report)
    decisions = other.review_decision_counts()
    for other_id in id_map:
        report.decisions_left.update(decisions.get(other_id, {}))


def _merge_gold_spans(store: Store, found: list[GoldSpan], local: str, origin: str, report: MergeReport,
                      labels: set[str]) -> dict[int, GoldSpan]:
    """Merge an article's gold spans; return {their id there: the gold span here} of those in the gold layer here."""
    here = {g.key: g for g in store.gold_spans(local)}
    rejected = store.rejections(local)
    new = []
    for gold in found:
        if gold.key in here:
            report.gold_present += 1
        elif gold.key in rejected:
            report.refused_gold.append(f"{origin}: gold span {gold.text!r} ({gold.label}) on article {local!r}: "
                                       "rejected here")
        else:
            _known_label(store, gold.label, labels, f"{origin}: article {local!r}", report)
            new.append(gold)
    if new:  # the same text (matched by SHA-256) and known labels: they fit
        store.insert_gold_spans(local, new)
        here = {g.key: g for g in store.gold_spans(local)}
        report.gold_spans += len(new)
    return {gold.id: here[gold.key] for gold in found if gold.key in here}


def _merge_gold_relations(store: Store, found: list[Relation], ids: dict[int, GoldSpan], local: str,
                          types: dict, origin: str, report: MergeReport) -> None:
    """Merge an article's gold relations between the gold spans `ids` maps; those that cannot be are reported."""
    here = {(r.type, r.from_id, r.to_id) for r in store.gold_relations(local)}
    rejected = store.relation_rejections(local)
    rows = []
    for relation in found:
        head, tail = ids.get(relation.from_id), ids.get(relation.to_id)
        what = f"{origin}: a gold {relation.type} relation on article {local!r}"
        if head is None or tail is None:
            report.refused_gold.append(f"{what}: an end is rejected here")
        elif (relation.type, head.id, tail.id) in here:
            report.gold_relations_present += 1
        elif (relation.type, head.key, tail.key) in rejected:
            report.refused_gold.append(f"{what}: rejected here")
        elif why := (types[relation.type].misfit(head.label, tail.label) if relation.type in types
                     else f"no relation type {relation.type} here"):
            report.refused_relations.append(f"{what}: {why}")
        else:
            rows.append((local, relation.annotator, relation.type, head.id, tail.id))
            here.add((relation.type, head.id, tail.id))
    store.insert_gold_relation_rows(rows)
    report.gold_relations += len(rows)


def _article_row(article, stamp: str) -> tuple:
    return (article.id, article.title, article.text, article.text_sha256, article.source,
            json.dumps(article.meta, ensure_ascii=False), stamp)
