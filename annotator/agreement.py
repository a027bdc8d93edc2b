"""Agreement between annotators: span F1 (exact, overlap, unlabeled), Cohen's kappa and Krippendorff's alpha over tokens."""

from __future__ import annotations

import random
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


def alpha_binary(disagreement: float, ones: int, values: int) -> float | None:
    """Krippendorff's alpha (nominal, two values) over units each coded by two or more coders (not always as many).

    disagreement: the sum over units of k·(m − k) / (m − 1), m being how many coders coded the unit and k how
    many of them said 1; ones: how many values are 1; values: how many values in all (each unit's m, summed).
    None when every value is the same.
    """
    zeros = values - ones
    if not ones or not zeros:
        return None
    return 1 - (values - 1) * disagreement / (ones * zeros)


# -- the whole report ----------------------------------------------------------------------------------


Row = tuple[str, int, int, str]  # (annotator, start, end, label)
PAIR_FIGURES = ("exact_f1", "overlap_f1", "unlabeled_f1", "kappa")
LABEL_FIGURES = ("exact_f1", "overlap_f1", "kappa")
LEVEL = 0.95  # of the bootstrap intervals
_LABEL = itemgetter(2)
_FIELD = 64  # bits a count takes in an article's packed counts


class Tally:
    """The counts every agreement figure is made of, summed over articles, keyed by tuples.

    Per pair p of annotators, over the articles both labelled: ("shared_articles", p), ("shared_tokens", p),
    ("unlabeled", p) and, per label, ("exact" | "overlap" | "spans_a" | "spans_b" | "tokens_a" | "tokens_b" |
    "both", p, label), "overlap" counting only the overlap matches of spans that are not identical. For alpha,
    over the articles two or more labelled: "articles", "tokens", "values", ("ones", label) and
    ("both_m", m, label), the tokens both of a pair cover summed over the pairs of the articles m annotators
    labelled. With `keep`, each article's counts are also kept packed into one int (64 bits a count), so that
    a resample's totals are one sum.
    """

    def __init__(self, annotators: list[str], labels: list[str], keep: bool = False):
        self.annotators, self.labels, self.keep = list(annotators), list(labels), keep
        self.wanted = set(labels)
        self.index = {name: i for i, name in enumerate(annotators)}
        self.pair_index = {pair: p for p, pair in enumerate(combinations(range(len(annotators)), 2))}
        self.exact_keys = [{label: ("exact", p, label) for label in labels} for p in self.pair_index.values()]
        # Each pair's per-label keys, made once: (label, both, tokens_a, tokens_b, spans_a, spans_b).
        self.label_keys = [[(label, *((kind, p, label) for kind in ("both", "tokens_a", "tokens_b", "spans_a", "spans_b")))
                            for label in labels] for p in self.pair_index.values()]
        self.totals: Counter = Counter()
        self.confusion = [Counter() for _ in self.pair_index]  # (label in a, label in b) -> spans not identical
        self.slots: dict = {}  # key -> its field in the packed ints
        self.packed: list[int] = []

    def add(self, text: str, rows: Iterable[Row], labelled: Iterable[str] | None) -> None:
        """Count one article; `labelled`: the annotators who labelled it (None: every one)."""
        keys: list[set[Key]] = [set() for _ in self.annotators]
        index, wanted = self.index, self.wanted
        for who, start, end, label in rows:
            if who in index and label in wanted:
                keys[index[who]].add((start, end, label))
        if labelled is None:
            coders = list(range(len(keys)))
        else:
            coders = sorted({index[n] for n in labelled if n in index} | {i for i, ks in enumerate(keys) if ks})
        if len(coders) < 2:
            return
        # Counted straight into the totals, unless each article's counts are kept.
        counts = Counter() if self.keep else self.totals
        self._count(counts, text, [keys[i] for i in coders], coders)
        if self.keep:
            self.totals.update(counts)
            self.packed.append(self._pack(counts))

    def _count(self, counts: Counter, text: str, keys: list[set[Key]], coders: list[int]) -> None:
        ranges = {k[:2] for ks in keys for k in ks}
        units = Units(text, ranges)
        mask_of = {r: units.mask(*r) for r in ranges}
        m, n, labels = len(coders), units.count, self.labels
        counts["articles"] += 1
        counts["tokens"] += n
        counts["values"] += n * m
        masks = []
        for ks in keys:
            by_label = dict.fromkeys(labels, 0)
            for start, end, label in ks:
                by_label[label] |= mask_of[start, end]
            masks.append(by_label)
        tokens = [{label: mask.bit_count() for label, mask in ms.items()} for ms in masks]
        spans = [Counter(map(_LABEL, ks)) for ks in keys]
        for label in labels:
            counts["ones", label] += sum(t[label] for t in tokens)
        for x, y in combinations(range(m), 2):
            p = self.pair_index[coders[x], coders[y]]
            counts["shared_articles", p] += 1
            counts["shared_tokens", p] += n
            mx, my, tx, ty, sx, sy = masks[x], masks[y], tokens[x], tokens[y], spans[x], spans[y]
            for label, both_key, tokens_a, tokens_b, spans_a, spans_b in self.label_keys[p]:
                both = (mx[label] & my[label]).bit_count()
                counts[both_key] += both
                counts["both_m", m, label] += both
                counts[tokens_a] += tx[label]
                counts[tokens_b] += ty[label]
                counts[spans_a] += sx[label]
                counts[spans_b] += sy[label]
            self._match(counts, p, keys[x], keys[y])

    def _match(self, counts: Counter, p: int, ka: set[Key], kb: set[Key]) -> None:
        """Exact, overlap and unlabeled matches of a pair, and its label confusion."""
        same = ka & kb
        # Identical spans match each other in every statistic (in overlap F1 and the confusion's diagonal too: see
        # agreement_rows and _pair); only the rest needs working out.
        exact = self.exact_keys[p]
        for _, _, label in same:
            counts[exact[label]] += 1
        unlabeled = len(same)
        if len(same) < len(ka) or len(same) < len(kb):
            rest_a, rest_b = ka - same, kb - same
            unlabeled += unlabeled_matches(rest_a, rest_b)
            crossed = confusion_pairs(rest_a, rest_b)
            self.confusion[p].update(crossed)
            for x, y in crossed:
                if x == y:
                    counts["overlap", p, x] += 1
        counts["unlabeled", p] += unlabeled

    def _pack(self, counts: Counter) -> int:
        packed = 0
        for key, value in counts.items():
            if value:
                packed |= value << (_FIELD * self.slots.setdefault(key, len(self.slots)))
        return packed

    def resample(self, rng: random.Random) -> Counter:
        """The totals over as many articles as were counted, drawn at random with replacement."""
        total = sum(rng.choices(self.packed, k=len(self.packed)))
        field = (1 << _FIELD) - 1
        return Counter({key: (total >> (_FIELD * slot)) & field for key, slot in self.slots.items()})


def agreement(docs: Iterable[tuple[str, list[SpanLike]]], annotators: list[str], labels: list[str], **options) -> dict:
    """`agreement_rows` over (text, spans) documents that every annotator labelled; spans carry `.annotator`."""
    rows = ((text, [(s.annotator, s.start, s.end, s.label) for s in spans], None) for text, spans in docs)
    return agreement_rows(rows, annotators, labels, **options)


def agreement_rows(
    docs: Iterable[tuple[str, Iterable[Row], Iterable[str] | None]], annotators: list[str], labels: list[str], *,
    min_shared: int = 0, bootstrap: int = 0, seed: int = 0,
) -> dict:
    """Pairwise F1s and kappa, alpha over all annotators, and label confusion, over (text, rows, labelled) documents.

    rows: (annotator, start, end, label), those of other annotators or labels ignored; labelled: the annotators
    who labelled the document (None: all). Each pair is compared over the documents both labelled (pairs with
    fewer than `min_shared` are left out); alpha over those two or more labelled, the others' values missing.
    F1s and kappa tables are pooled over documents (micro-average); kappa and alpha are computed per label,
    then averaged. With `bootstrap` N: 95% intervals (`*_ci`) from N resamples of the documents, seeded.
    """
    tally = Tally(annotators, labels, keep=bootstrap > 0)
    for text, rows, labelled in docs:
        tally.add(text, rows, labelled)
    counts = tally.totals
    pairs = [(p, a, b) for (a, b), p in tally.pair_index.items()]
    shown = [pair for pair in pairs if counts["shared_articles", pair[0]] >= min_shared]
    result = {"annotators": list(annotators), "labels": list(labels), "articles": counts["articles"],
              "tokens": counts["tokens"]}
    result |= _figures(counts, annotators, labels, shown)
    confusion = sum((tally.confusion[p] for p, _, _ in shown), Counter())
    confusion.update({(label, label): sum(counts["exact", p, label] for p, _, _ in shown) for label in labels})
    rows = [*labels, NONE]
    result["confusion"] = {x: {y: confusion[x, y] for y in rows} for x in rows}
    result["min_shared"] = min_shared
    result["hidden_pairs"] = [{"a": annotators[a], "b": annotators[b], "shared_articles": counts["shared_articles", p]}
                              for p, a, b in pairs if (p, a, b) not in shown]
    if bootstrap:
        rng = random.Random(seed)
        samples = [_figures(tally.resample(rng), annotators, labels, shown) for _ in range(bootstrap)]
        result["bootstrap"] = {"resamples": bootstrap, "seed": seed, "level": LEVEL}
        _add_intervals(result, samples)
    return result


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _figures(counts: Counter, names: list[str], labels: list[str], shown: list[tuple[int, int, int]]) -> dict:
    """Pairs, means over pairs, alpha and the per-label summary, from a tally's totals (or a resample's)."""
    pairs = [_pair(counts, p, names[a], names[b], labels) for p, a, b in shown]
    most = len(names)
    alpha_per_label = {}
    for label in labels:
        # Over units, k·(m − k)/(m − 1) = k − 2·(pairs both saying 1)/(m − 1).
        disagreement = counts["ones", label] - 2 * sum(counts["both_m", m, label] / (m - 1) for m in range(2, most + 1))
        alpha_per_label[label] = alpha_binary(disagreement, counts["ones", label], counts["values"])
    summary = {
        label: {stat: _mean(p["per_label"][label][stat] for p in pairs) for stat in LABEL_FIGURES}
        | {"alpha": alpha_per_label[label]}
        for label in labels
    }
    return {
        "pairs": pairs,
        "mean": {stat: _mean(p[stat] for p in pairs) for stat in PAIR_FIGURES},
        "alpha": _mean(alpha_per_label.values()),
        "alpha_per_label": alpha_per_label,
        "per_label": summary,
    }


def _pair(counts: Counter, p: int, a: str, b: str, labels: list[str]) -> dict:
    shared = counts["shared_tokens", p]
    per_label = {}
    for label in labels:
        size_a, size_b = counts["spans_a", p, label], counts["spans_b", p, label]
        n11 = counts["both", p, label]
        n10, n01 = counts["tokens_a", p, label] - n11, counts["tokens_b", p, label] - n11
        per_label[label] = {
            "exact_f1": f1(counts["exact", p, label], size_a, size_b),
            "overlap_f1": f1(counts["exact", p, label] + counts["overlap", p, label], size_a, size_b),
            "kappa": kappa(n11, n10, n01, shared - n11 - n10 - n01),
            "spans_a": size_a,
            "spans_b": size_b,
        }
    total_a, total_b = sum(counts["spans_a", p, label] for label in labels), sum(counts["spans_b", p, label] for label in labels)
    return {
        "a": a, "b": b,
        "shared_articles": counts["shared_articles", p],
        "shared_tokens": shared,
        "exact_f1": f1(sum(counts["exact", p, label] for label in labels), total_a, total_b),
        "overlap_f1": f1(sum(counts["exact", p, label] + counts["overlap", p, label] for label in labels), total_a, total_b),
        "unlabeled_f1": f1(counts["unlabeled", p], total_a, total_b),
        "kappa": _mean(row["kappa"] for row in per_label.values()),
        "spans_a": total_a, "spans_b": total_b,
        "per_label": per_label,
    }


def _add_intervals(result: dict, samples: list[dict]) -> None:
    """`<figure>_ci` beside each figure: the central 95% of that figure over the resamples, or None when the
    figure rests on fewer than two articles (resampling one article always gives it back: no spread to see)."""

    def add(row: dict, rows: list[dict], stats: Iterable[str], articles: int) -> None:
        for stat in stats:
            row[f"{stat}_ci"] = _interval([r[stat] for r in rows]) if articles >= 2 else None

    for i, pair in enumerate(result["pairs"]):
        rows = [s["pairs"][i] for s in samples]
        add(pair, rows, PAIR_FIGURES, pair["shared_articles"])
        for label, row in pair["per_label"].items():
            add(row, [r["per_label"][label] for r in rows], LABEL_FIGURES, pair["shared_articles"])
    articles = result["articles"]
    add(result["mean"], [s["mean"] for s in samples], PAIR_FIGURES, articles)
    add(result, samples, ["alpha"], articles)
    result["alpha_per_label_ci"] = {label: _interval([s["alpha_per_label"][label] for s in samples])
                                    if articles >= 2 else None for label in result["labels"]}
    for label, row in result["per_label"].items():
        add(row, [s["per_label"][label] for s in samples], (*LABEL_FIGURES, "alpha"), articles)


def _interval(values: list[float | None]) -> list[float] | None:
    """The 2.5th and 97.5th percentiles of the known values (linear between ranks); None when none is known."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return None

    def percentile(q: float) -> float:
        at = q * (len(known) - 1)
        low = int(at)
        high = min(low + 1, len(known) - 1)
        return known[low] + (known[high] - known[low]) * (at - low)

    return [percentile((1 - LEVEL) / 2), percentile((1 + LEVEL) / 2)]


def check_names(names: list[str] | None, known: list[str], what: str) -> list[str]:
    """The names asked for (all known ones when None), refusing unknown ones."""
    if names is None:
        return list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(f"unknown {what} {', '.join(map(repr, unknown))} (known: {', '.join(known) or 'none'})")
    return list(names)


def store_agreement(
    store, annotators: list[str] | None = None, labels: list[str] | None = None, *,
    min_shared: int = 0, bootstrap: int = 0, seed: int = 0,
) -> dict:
    """`agreement_rows` over the articles two or more of the named annotators (default: all) labelled, an annotator
    having labelled an article when they have spans on it or marked it done."""
    annotators = check_names(annotators, store.annotators(), "annotator")
    if len(annotators) < 2:
        raise UserError(f"agreement needs two or more annotators (found: {', '.join(annotators) or 'none'})")
    labels = check_names(labels, [label.name for label in store.labels()], "label")
    done: dict[str, set[str]] = {}
    for article_id, who, status, _ in store.status_rows():
        if status == "done":
            done.setdefault(article_id, set()).add(who)
    labelled: dict[str, set[str]] = {}
    docs = ((text, rows, labelled.setdefault(article_id, {row[0] for row in rows} | done.get(article_id, set())))
            for article_id, text, rows in store.span_rows_by_article(annotators, least=2))
    result = agreement_rows(docs, annotators, labels, min_shared=min_shared, bootstrap=bootstrap, seed=seed)
    relations = store.relation_rows(annotators)
    if relations:
        from .relation_agreement import relation_agreement

        types = [t.name for t in store.relation_types()]
        result["relations"] = relation_agreement(((relations.get(article_id, []), who) for article_id, who in labelled.items()),
                                                 annotators, types)
    return result


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _range(x: list[float] | None) -> str:
    return "-" if x is None else f"{x[0]:.2f}–{x[1]:.2f}"


def format_table(result: dict) -> str:
    """The agreement report as plain-text tables."""
    lines = [f"{counted(result['articles'], 'article')} ({counted(result['tokens'], 'token')}) labelled by two or more "
             f"of: {', '.join(result['annotators'])}; each pair over the articles both labelled", ""]
    lines += _pair_lines(result)
    if "bootstrap" in result:
        lines += ["", f"95% intervals from {result['bootstrap']['resamples']:,} bootstrap resamples of the articles",
                  f"{'pair':<32}{'exact F1':>12}{'overlap F1':>12}{'unlabeled F1':>14}{'kappa':>12}"]
        for p in result["pairs"]:
            lines.append(f"{p['a'] + ' / ' + p['b']:<32}" + "".join(
                f"{_range(p[stat + '_ci']):>{width}}" for stat, width in zip(PAIR_FIGURES, (12, 12, 14, 12), strict=True)))
    lines += ["", f"{'label (mean over pairs)':<32}{'exact F1':>10}{'overlap F1':>12}{'kappa':>14}{'alpha':>8}"]
    for label, row in result["per_label"].items():
        lines.append(f"{label:<32}{_num(row['exact_f1']):>10}{_num(row['overlap_f1']):>12}{_num(row['kappa']):>14}"
                     f"{_num(row['alpha']):>8}")
    interval = f" (95%: {_range(result['alpha_ci'])})" if "alpha_ci" in result else ""
    lines += ["", f"Krippendorff's alpha, all annotators (values missing where one did not label), mean over labels: "
                  f"{_num(result['alpha'])}{interval}", "",
              "confusion (rows: the first annotator of each pair; columns: the second)"]
    names = list(result["confusion"])
    width = max(10, *(len(n) + 2 for n in names))
    lines.append(" " * width + "".join(f"{n:>{width}}" for n in names))
    for row in names:
        lines.append(f"{row:<{width}}" + "".join(f"{result['confusion'][row][col]:>{width}}" for col in names))
    if "relations" in result:
        from .relation_agreement import format_relations

        lines += ["", *format_relations(result["relations"])]
    return "\n".join(lines)


def _pair_lines(result: dict) -> list[str]:
    lines = [f"{'pair':<32}{'articles':>10}{'tokens':>10}{'exact F1':>10}{'overlap F1':>12}{'unlabeled F1':>14}{'kappa':>8}"]
    for p in result["pairs"]:
        name = f"{p['a']} / {p['b']}"
        if not p["shared_articles"]:
            lines.append(f"{name:<32}{'no shared article':>20}")
            continue
        lines.append(f"{name:<32}{p['shared_articles']:>10,}{p['shared_tokens']:>10,}{_num(p['exact_f1']):>10}"
                     f"{_num(p['overlap_f1']):>12}{_num(p['unlabeled_f1']):>14}{_num(p['kappa']):>8}")
    hidden = result.get("hidden_pairs", [])
    if hidden:
        names = ", ".join(f"{h['a']} / {h['b']} ({h['shared_articles']})" for h in hidden)
        lines.append(f"{counted(len(hidden), 'pair')} sharing fewer than {result['min_shared']} articles not shown: {names}")
    return lines
