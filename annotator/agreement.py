"""Agreement between annotators: span F1 (exact, overlap, unlabeled), Cohen's kappa and Krippendorff's alpha over tokens."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations
from typing import Protocol

from .errors import UserError
from .tokens import tokenize

NONE = "(none)"  # the confusion table's row and column for "no span there"


class SpanLike(Protocol):
    start: int
    end: int
    label: str


Key = tuple[int, int, str]


# -- span matching -------------------------------------------------------------------------------------


def f1(matches: int, size_a: int, size_b: int) -> float | None:
    """2·matches / (|A| + |B|); None when neither has a span (nothing to agree on)."""
    return 2 * matches / (size_a + size_b) if size_a + size_b else None


def exact_matches(a: set[Key], b: set[Key]) -> int:
    """Spans with the same start, end and label."""
    return len(a & b)


def unlabeled_matches(a: set[Key], b: set[Key]) -> int:
    """Spans with the same start and end, whatever their labels (a range carrying two labels matches twice)."""
    ranges_a, ranges_b = [k[:2] for k in a], [k[:2] for k in b]
    if len(set(ranges_a)) == len(ranges_a) and len(set(ranges_b)) == len(ranges_b):
        return len(set(ranges_a) & set(ranges_b))
    return sum((Counter(ranges_a) & Counter(ranges_b)).values())


def _iou(x: Key, y: Key) -> float:
    inter = min(x[1], y[1]) - max(x[0], y[0])
    return inter / (max(x[1], y[1]) - min(x[0], y[0])) if inter > 0 else 0.0


def _greedy(a: list[Key], b: list[Key], ok) -> list[tuple[Key, Key]]:
    """Pairs (x, y) with ok(x, y), best overlap (intersection over union) first, each span used at most once."""
    scored = sorted(
        ((_iou(x, y), -i, -j) for i, x in enumerate(a) for j, y in enumerate(b) if ok(x, y) and _iou(x, y) > 0),
        reverse=True,
    )
    used_a, used_b, pairs = set(), set(), []
    for _, i, j in scored:
        if -i not in used_a and -j not in used_b:
            used_a.add(-i)
            used_b.add(-j)
            pairs.append((a[-i], b[-j]))
    return pairs


def overlap_pairs(a: set[Key], b: set[Key]) -> list[tuple[Key, Key]]:
    """Same label and overlapping ranges; identical spans pair first, then by best overlap; one partner each."""
    same = a & b
    return [(k, k) for k in same] + _greedy(sorted(a - same), sorted(b - same), lambda x, y: x[2] == y[2])


def exact_f1(a: Iterable[SpanLike], b: Iterable[SpanLike]) -> float | None:
    ka, kb = _keys(a), _keys(b)
    return f1(exact_matches(ka, kb), len(ka), len(kb))


def overlap_f1(a: Iterable[SpanLike], b: Iterable[SpanLike]) -> float | None:
    ka, kb = _keys(a), _keys(b)
    return f1(len(overlap_pairs(ka, kb)), len(ka), len(kb))


def unlabeled_f1(a: Iterable[SpanLike], b: Iterable[SpanLike]) -> float | None:
    ka, kb = _keys(a), _keys(b)
    return f1(unlabeled_matches(ka, kb), len(ka), len(kb))


def confusion_pairs(a: set[Key], b: set[Key]) -> list[tuple[str, str]]:
    """(label in A, label in B) for each span: overlap matches (same label), then spans left over that
    overlap one of the other's with a different label (intersection over union >= 0.5, best first),
    then (label, NONE) or (NONE, label) for spans with no counterpart."""
    matched = overlap_pairs(a, b)
    if len(matched) == len(a) == len(b):
        return [(x[2], x[2]) for x, _ in matched]
    rest_a, rest_b = a - {x for x, _ in matched}, b - {y for _, y in matched}
    crossed = _greedy(sorted(rest_a), sorted(rest_b), lambda x, y: x[2] != y[2] and _iou(x, y) >= 0.5)
    rest_a -= {x for x, _ in crossed}
    rest_b -= {y for _, y in crossed}
    return ([(x[2], y[2]) for x, y in matched + crossed]
            + [(x[2], NONE) for x in sorted(rest_a)] + [(NONE, y[2]) for y in sorted(rest_b)])


def _keys(spans: Iterable[SpanLike]) -> set[Key]:
    """A set of (start, end, label): the same span twice from one annotator counts once."""
    return {(s.start, s.end, s.label) for s in spans}


# -- token units ---------------------------------------------------------------------------------------


_CHUNK = re.compile(r"\S+")


@lru_cache(maxsize=1 << 16)
def _chunk_tokens(chunk: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the tokens of a run of non-space characters, from the run's start (words repeat: cached)."""
    return tuple((t.start, t.end) for t in tokenize(chunk))


class Units:
    """The token units of one text: how many there are, and which ones a range touches.

    Tokens never hold whitespace and tokenizing restarts cleanly after it, so the text is tokenized run by
    run of non-space characters (cached: words repeat), and positions are worked out near the spans only.
    """

    def __init__(self, text: str, ranges: Iterable[tuple[int, int]]):
        self.count = sum(map(len, map(_chunk_tokens, text.split())))
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in _regions(text, ranges):
            for chunk in _CHUNK.finditer(text, start, end):
                at = chunk.start()
                for a, b in _chunk_tokens(chunk.group()):
                    self.starts.append(at + a)
                    self.ends.append(at + b)

    def covered(self, start: int, end: int) -> range:
        """Indices of the tokens sharing at least one code point with [start, end)."""
        return range(bisect_right(self.ends, start), bisect_left(self.starts, end))


def _regions(text: str, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges widened to whitespace (or the text's ends) and merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def kappa(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Cohen's kappa of a 2x2 table of units (in/out for A by in/out for B); None when chance agreement is 1."""
    n = n11 + n10 + n01 + n00
    if not n:
        return None
    observed = (n11 + n00) / n
    chance = ((n11 + n10) * (n11 + n01) + (n01 + n00) * (n10 + n00)) / (n * n)
    return (observed - chance) / (1 - chance) if chance < 1 else None


def alpha_binary(disagreeing: float, ones: int, values: int, coders: int) -> float | None:
    """Krippendorff's alpha (nominal, two values, every unit coded by all `coders`).

    disagreeing: the sum over units of k·(coders − k), k being how many coders said 1 there;
    ones: how many values are 1; values: units × coders. None when every value is the same.
    """
    zeros = values - ones
    if coders < 2 or not ones or not zeros:
        return None
    observed = 2 * disagreeing / (coders - 1)
    return 1 - (values - 1) * observed / (2 * ones * zeros)


# -- the whole report ----------------------------------------------------------------------------------


class _Pair:
    def __init__(self, labels: list[str]):
        self.exact = Counter()
        self.overlap = Counter()
        self.size_a = Counter()
        self.size_b = Counter()
        self.unlabeled = 0
        self.tables = {label: [0, 0, 0, 0] for label in labels}


def agreement(docs: Iterable[tuple[str, list[SpanLike]]], annotators: list[str], labels: list[str]) -> dict:
    """Pairwise F1s and kappa, alpha over all annotators, and label confusion, over (text, spans) documents.

    Spans carry `.annotator`; those of other annotators or labels are ignored. F1s and kappa tables are
    pooled over the documents (micro-average); kappa and alpha are computed per label, then averaged.
    """
    pairs = {pair: _Pair(labels) for pair in combinations(annotators, 2)}
    wanted = set(labels)
    confusion: Counter = Counter()
    disagreeing, ones = Counter(), Counter()
    units_total = articles = 0
    for text, spans in docs:
        articles += 1
        keys: dict[str, set[Key]] = {name: set() for name in annotators}
        for span in spans:
            if span.label in wanted and span.annotator in keys:
                keys[span.annotator].add((span.start, span.end, span.label))
        units = Units(text, [k[:2] for ks in keys.values() for k in ks])
        units_total += units.count
        cover = {name: {label: set() for label in labels} for name in annotators}
        for name, ks in keys.items():
            for start, end, label in ks:
                cover[name][label].update(units.covered(start, end))
        m = len(annotators)
        for label in labels:
            counts: Counter = Counter()
            for name in annotators:
                counts.update(cover[name][label])
            disagreeing[label] += sum(k * (m - k) for k in counts.values() if k < m)
            ones[label] += sum(counts.values())
        for (a, b), acc in pairs.items():
            ka, kb = keys[a], keys[b]
            acc.unlabeled += unlabeled_matches(ka, kb)
            for x, y in confusion_pairs(ka, kb):
                confusion[x, y] += 1
                if x == y:
                    acc.overlap[x] += 1
            acc.exact.update(k[2] for k in ka & kb)
            acc.size_a.update(k[2] for k in ka)
            acc.size_b.update(k[2] for k in kb)
            for label in labels:
                ca, cb = cover[a][label], cover[b][label]
                both = len(ca & cb)
                table = acc.tables[label]
                table[0] += both
                table[1] += len(ca) - both
                table[2] += len(cb) - both
                table[3] += units.count - len(ca | cb)
    return _result(annotators, labels, articles, pairs, confusion, disagreeing, ones, units_total)


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _result(annotators, labels, articles, pairs, confusion, disagreeing, ones, units_total) -> dict:
    out_pairs = []
    for (a, b), acc in pairs.items():
        per_label = {
            label: {
                "exact_f1": f1(acc.exact[label], acc.size_a[label], acc.size_b[label]),
                "overlap_f1": f1(acc.overlap[label], acc.size_a[label], acc.size_b[label]),
                "kappa": kappa(*acc.tables[label]),
                "spans_a": acc.size_a[label],
                "spans_b": acc.size_b[label],
            }
            for label in labels
        }
        size_a, size_b = sum(acc.size_a.values()), sum(acc.size_b.values())
        out_pairs.append({
            "a": a, "b": b,
            "exact_f1": f1(sum(acc.exact.values()), size_a, size_b),
            "overlap_f1": f1(sum(acc.overlap.values()), size_a, size_b),
            "unlabeled_f1": f1(acc.unlabeled, size_a, size_b),
            "kappa": _mean(row["kappa"] for row in per_label.values()),
            "spans_a": size_a, "spans_b": size_b,
            "per_label": per_label,
        })
    m = len(annotators)
    alpha_per_label = {
        label: alpha_binary(disagreeing[label], ones[label], units_total * m, m) for label in labels
    }
    summary = {
        label: {
            stat: _mean(p["per_label"][label][stat] for p in out_pairs) for stat in ("exact_f1", "overlap_f1", "kappa")
        } | {"alpha": alpha_per_label[label]}
        for label in labels
    }
    rows = [*labels, NONE]
    return {
        "annotators": list(annotators),
        "labels": list(labels),
        "articles": articles,
        "tokens": units_total,
        "pairs": out_pairs,
        "mean": {stat: _mean(p[stat] for p in out_pairs) for stat in ("exact_f1", "overlap_f1", "unlabeled_f1", "kappa")},
        "alpha": _mean(alpha_per_label.values()),
        "alpha_per_label": alpha_per_label,
        "per_label": summary,
        "confusion": {x: {y: confusion[x, y] for y in rows} for x in rows},
    }


def check_names(names: list[str] | None, known: list[str], what: str) -> list[str]:
    """The names asked for (all known ones when None), refusing unknown ones."""
    if names is None:
        return list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(f"unknown {what} {', '.join(map(repr, unknown))} (known: {', '.join(known) or 'none'})")
    return list(names)


def store_agreement(store, annotators: list[str] | None = None, labels: list[str] | None = None) -> dict:
    """Agreement over the articles every named annotator (default: all) has spans on or marked done."""
    annotators = check_names(annotators, store.annotators(), "annotator")
    if len(annotators) < 2:
        raise UserError(f"agreement needs two or more annotators (found: {', '.join(annotators) or 'none'})")
    labels = check_names(labels, [label.name for label in store.labels()], "label")
    docs = ((article.text, spans) for article, spans in store.articles_with_spans(annotators, every=True))
    return agreement(docs, annotators, labels)


def format_table(result: dict) -> str:
    """The agreement report as plain-text tables."""

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    lines = [f"{result['articles']} articles, {result['tokens']} tokens; annotators: {', '.join(result['annotators'])}",
             "", f"{'pair':<32}{'exact F1':>10}{'overlap F1':>12}{'unlabeled F1':>14}{'kappa':>8}"]
    for p in result["pairs"]:
        lines.append(f"{p['a'] + ' / ' + p['b']:<32}{num(p['exact_f1']):>10}{num(p['overlap_f1']):>12}"
                     f"{num(p['unlabeled_f1']):>14}{num(p['kappa']):>8}")
    lines += ["", f"{'label (mean over pairs)':<32}{'exact F1':>10}{'overlap F1':>12}{'kappa':>14}{'alpha':>8}"]
    for label, row in result["per_label"].items():
        lines.append(f"{label:<32}{num(row['exact_f1']):>10}{num(row['overlap_f1']):>12}{num(row['kappa']):>14}"
                     f"{num(row['alpha']):>8}")
    lines += ["", f"Krippendorff's alpha, all annotators, mean over labels: {num(result['alpha'])}", "",
              "confusion (rows: the first annotator of each pair; columns: the second)"]
    names = list(result["confusion"])
    width = max(10, *(len(n) + 2 for n in names))
    lines.append(" " * width + "".join(f"{n:>{width}}" for n in names))
    for row in names:
        lines.append(f"{row:<{width}}" + "".join(f"{result['confusion'][row][col]:>{width}}" for col in names))
    return "\n".join(lines)
