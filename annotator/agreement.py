"""Agreement between annotators: span F1 (exact, overlap, unlabeled), Cohen's kappa and Krippendorff's alpha over tokens."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations
from operator import itemgetter
from typing import Protocol

from .errors import UserError
from .tokens import tokenize
from .wording import counted

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


def _greedy(a: list[Key], b: list[Key], same_label: bool, least: float = 0.0) -> list[tuple[Key, Key]]:
    """Overlapping pairs (x, y) of the same label (or, not same_label, of different labels) whose intersection
    over union is at least `least`, best overlap first, each span used at most once."""
    scored = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if (x[2] == y[2]) == same_label:
                iou = _iou(x, y)
                if iou > 0 and iou >= least:
                    scored.append((iou, -i, -j))
    scored.sort(reverse=True)
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
    return [(k, k) for k in same] + _greedy(sorted(a - same), sorted(b - same), True)


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
    crossed = _greedy(sorted(rest_a), sorted(rest_b), False, 0.5)
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


class _Counts(dict):
    """How many tokens each run of non-space characters holds: a plain dict (faster than lru_cache), emptied when big."""

    def __missing__(self, chunk: str) -> int:
        if len(self) >= 1 << 16:
            self.clear()
        count = self[chunk] = len(_chunk_tokens(chunk))
        return count


_COUNTS = _Counts()


class Units:
    """The token units of one text: how many there are, and which ones a range touches.

    Tokens never hold whitespace and tokenizing restarts cleanly after it, so the text is tokenized run by
    run of non-space characters (cached: words repeat), and positions are worked out near the spans only.
    """

    def __init__(self, text: str, ranges: Iterable[tuple[int, int]]):
        self.count = sum(map(_COUNTS.__getitem__, text.split()))
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

    def mask(self, start: int, end: int) -> int:
        """The same tokens as bits of an int (bit i: token i), to combine with | and & and count with bit_count."""
        first, stop = bisect_right(self.ends, start), bisect_left(self.starts, end)
        return (1 << stop) - (1 << first) if stop > first else 0


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


Row = tuple[str, int, int, str]  # (annotator, start, end, label)
_LABEL = itemgetter(2)


def agreement(docs: Iterable[tuple[str, list[SpanLike]]], annotators: list[str], labels: list[str]) -> dict:
    """Pairwise F1s and kappa, alpha over all annotators, and label confusion, over (text, spans) documents.

    Spans carry `.annotator`; those of other annotators or labels are ignored. F1s and kappa tables are
    pooled over the documents (micro-average); kappa and alpha are computed per label, then averaged.
    """
    rows = ((text, [(s.annotator, s.start, s.end, s.label) for s in spans]) for text, spans in docs)
    return agreement_rows(rows, annotators, labels)


def agreement_rows(docs: Iterable[tuple[str, Iterable[Row]]], annotators: list[str], labels: list[str]) -> dict:
    """`agreement` over (text, [(annotator, start, end, label), ...]) documents, as the store streams them.

    Token coverage is a bit mask per annotator and label, so every count is a popcount. Kappa's tables are
    sums, and so is alpha's disagreement: over units, k·(m − k) = (m − 1)·ones − 2·(pairs both saying 1).
    """
    m = len(annotators)
    pairs = list(combinations(range(m), 2))
    wanted = set(labels)
    spans = [Counter() for _ in annotators]  # label -> spans, per annotator
    tokens = [Counter() for _ in annotators]  # label -> tokens covered, per annotator
    both = {pair: Counter() for pair in pairs}  # label -> tokens both cover
    exact = {pair: Counter() for pair in pairs}  # label -> identical spans
    crossed = {pair: Counter() for pair in pairs}  # (label in a, label in b) -> the other spans, as confusion_pairs
    unlabeled = dict.fromkeys(pairs, 0)
    units_total = articles = 0
    for text, rows in docs:
        articles += 1
        by_name: dict[str, set[Key]] = {name: set() for name in annotators}
        for who, start, end, label in rows:
            if who in by_name and label in wanted:
                by_name[who].add((start, end, label))
        keys = [by_name[name] for name in annotators]
        ranges = {k[:2] for ks in keys for k in ks}
        units = Units(text, ranges)
        units_total += units.count
        mask_of = {r: units.mask(*r) for r in ranges}
        masks = []
        for i, ks in enumerate(keys):
            by_label = dict.fromkeys(labels, 0)
            for start, end, label in ks:
                by_label[label] |= mask_of[start, end]
            masks.append(by_label)
            spans[i].update(map(_LABEL, ks))
            for label, mask in by_label.items():
                tokens[i][label] += mask.bit_count()
        for pair in pairs:
            ka, kb = keys[pair[0]], keys[pair[1]]
            same = ka & kb
            # Identical spans match each other in every statistic; only the rest needs working out.
            exact[pair].update(map(_LABEL, same))
            unlabeled[pair] += len(same)
            if len(same) < len(ka) or len(same) < len(kb):
                rest_a, rest_b = ka - same, kb - same
                unlabeled[pair] += unlabeled_matches(rest_a, rest_b)
                crossed[pair].update(confusion_pairs(rest_a, rest_b))
            ma, mb = masks[pair[0]], masks[pair[1]]
            for label in labels:
                both[pair][label] += (ma[label] & mb[label]).bit_count()
    out_pairs, confusion = [], Counter()
    for pair in pairs:
        a, b = pair
        confusion.update(crossed[pair])
        confusion.update({(label, label): n for label, n in exact[pair].items()})
        overlap = exact[pair] + Counter({label: crossed[pair][label, label] for label in labels})
        tables = {
            label: (n11 := both[pair][label], tokens[a][label] - n11, tokens[b][label] - n11,
                    units_total - tokens[a][label] - tokens[b][label] + n11)
            for label in labels
        }
        out_pairs.append(_pair(annotators[a], annotators[b], labels, exact[pair], overlap, unlabeled[pair],
                               spans[a], spans[b], tables))
    ones = {label: sum(t[label] for t in tokens) for label in labels}
    disagreeing = {label: (m - 1) * ones[label] - 2 * sum(both[p][label] for p in pairs) for label in labels}
    return _result(annotators, labels, articles, out_pairs, confusion, disagreeing, ones, units_total)


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _pair(a, b, labels, exact, overlap, unlabeled, size_a, size_b, tables) -> dict:
    per_label = {
        label: {
            "exact_f1": f1(exact[label], size_a[label], size_b[label]),
            "overlap_f1": f1(overlap[label], size_a[label], size_b[label]),
            "kappa": kappa(*tables[label]),
            "spans_a": size_a[label],
            "spans_b": size_b[label],
        }
        for label in labels
    }
    total_a, total_b = sum(size_a[label] for label in labels), sum(size_b[label] for label in labels)
    return {
        "a": a, "b": b,
        "exact_f1": f1(sum(exact.values()), total_a, total_b),
        "overlap_f1": f1(sum(overlap.values()), total_a, total_b),
        "unlabeled_f1": f1(unlabeled, total_a, total_b),
        "kappa": _mean(row["kappa"] for row in per_label.values()),
        "spans_a": total_a, "spans_b": total_b,
        "per_label": per_label,
    }


def _result(annotators, labels, articles, out_pairs, confusion, disagreeing, ones, units_total) -> dict:
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
    docs = ((text, rows) for _, text, rows in store.span_rows_by_article(annotators, every=True))
    return agreement_rows(docs, annotators, labels)


def format_table(result: dict) -> str:
    """The agreement report as plain-text tables."""

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    lines = [f"{counted(result['articles'], 'article')}, {counted(result['tokens'], 'token')}; annotators: {', '.join(result['annotators'])}",
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
