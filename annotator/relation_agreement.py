"""Relation agreement per pair of annotators: exact (same type, both ends the same spans) and overlap F1 (same type,
each end overlapping a span of the same label, matched one to one), overall and per relation type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .agreement import f1

End = tuple[int, int, str]  # start, end, label
Link = tuple[str, End, End]  # type, from, to
Row = tuple[str, str, End, End]  # annotator, type, from, to


def _overlaps(x: End, y: End) -> bool:
    return x[2] == y[2] and x[0] < y[1] and y[0] < x[1]


def overlap_matches(a: list[Link], b: list[Link]) -> list[tuple[Link, Link]]:
    """Pairs of relations of the same type whose ends overlap, one to one, exact ones first, then in order."""
    exact = set(a) & set(b)
    pairs = [(link, link) for link in sorted(exact)]
    rest_b = sorted(set(b) - exact)
    for link in sorted(set(a) - exact):
        for i, other in enumerate(rest_b):
            if other[0] == link[0] and _overlaps(link[1], other[1]) and _overlaps(link[2], other[2]):
                pairs.append((link, rest_b.pop(i)))
                break
    return pairs


def relation_agreement(docs: Iterable[tuple[Iterable[Row], set[str]]], annotators: list[str], types: list[str]) -> dict:
    """Over (relation rows, who labelled it) documents: each pair's exact and overlap F1 over the documents both
    labelled, overall and per type, and how many relations each had there."""
    counts: Counter = Counter()
    pairs = [(a, b) for i, a in enumerate(annotators) for b in annotators[i + 1:]]
    for rows, labelled in docs:
        by_annotator: dict[str, set[Link]] = {name: set() for name in annotators}
        for who, kind, head, tail in rows:
            if who in by_annotator and kind in types:
                by_annotator[who].add((kind, head, tail))
        for a, b in pairs:
            if a not in labelled or b not in labelled:
                continue
            counts["shared", a, b] += 1
            links_a, links_b = by_annotator[a], by_annotator[b]
            for kind in types:
                counts["a", a, b, kind] += sum(link[0] == kind for link in links_a)
                counts["b", a, b, kind] += sum(link[0] == kind for link in links_b)
                counts["exact", a, b, kind] += sum(link[0] == kind for link in links_a & links_b)
            for link, _ in overlap_matches(sorted(links_a), sorted(links_b)):
                counts["overlap", a, b, link[0]] += 1
    return {"types": list(types), "pairs": [_pair(counts, a, b, types) for a, b in pairs]}


def _pair(counts: Counter, a: str, b: str, types: list[str]) -> dict:
    def figures(kinds: list[str]) -> dict:
        size_a, size_b = sum(counts["a", a, b, k] for k in kinds), sum(counts["b", a, b, k] for k in kinds)
        return {"exact_f1": f1(sum(counts["exact", a, b, k] for k in kinds), size_a, size_b),
                "overlap_f1": f1(sum(counts["overlap", a, b, k] for k in kinds), size_a, size_b),
                "relations_a": size_a, "relations_b": size_b}

    return {"a": a, "b": b, "shared_articles": counts["shared", a, b], **figures(types),
            "per_type": {kind: figures([kind]) for kind in types}}


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_relations(result: dict) -> list[str]:
    """The relation agreement as plain-text lines: a line a pair, then a line a pair and type."""
    lines = [f"{'relations: pair':<32}{'articles':>10}{'rel. a':>8}{'rel. b':>8}{'exact F1':>10}{'overlap F1':>12}"]
    for p in result["pairs"]:
        lines.append(f"{p['a'] + ' / ' + p['b']:<32}{p['shared_articles']:>10,}{p['relations_a']:>8,}{p['relations_b']:>8,}"
                     f"{_num(p['exact_f1']):>10}{_num(p['overlap_f1']):>12}")
        for kind, row in p["per_type"].items():
            lines.append(f"{'  ' + kind:<32}{'':>10}{row['relations_a']:>8,}{row['relations_b']:>8,}"
                         f"{_num(row['exact_f1']):>10}{_num(row['overlap_f1']):>12}")
    return lines
