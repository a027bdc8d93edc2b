"""Benchmark of suggestions (issue 13): propagation after a key press in a 3 KB article (goal < 50 ms), against
tokenizing that article and a regular expression a labelled text; suggest throughput (articles/s) with propagation
and with patterns, against reading the same articles.
Standalone: python bench/bench_suggest.py [--articles N] [--runs N]"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, table, write_section  # noqa: E402
from corpus import make_record  # noqa: E402

from annotator.model import Span, sha256_text, title_of  # noqa: E402
from annotator.patterns import PatternMatcher, read_patterns, write_patterns  # noqa: E402
from annotator.propagation import Propagator  # noqa: E402
from annotator.store import now, open_store  # noqa: E402
from annotator.suggesting import overlaps, suggest  # noqa: E402
from annotator.tokens import tokenize  # noqa: E402

LABELLED_SHARE = 5  # alice labelled one article in five; suggestions go to the others
# CoNLL-2002 Spanish news in brat files, in ../shared beside the main checkout (or beside a worktree's folder)
SPANISH = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
               ROOT.parent / "shared") / "interop" / "brat-conll2002-esp"


def fill(path: Path, articles: int):
    rng, stamp = random.Random(3), now()
    store = open_store(path)
    with store.transaction():
        for number in range(articles):
            record = make_record(rng, number, 10, words=480)
            text = record["text"]
            store.insert_article_rows([(record["id"], title_of(text), text, sha256_text(text), "bench", "{}", stamp)])
            if number % LABELLED_SHARE == 0:
                store.insert_span_rows([(record["id"], "alice", s["label"], s["start"], s["end"], s["text"], None,
                                         "bench", stamp) for s in record["spans"]])
    return store


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def key_press(store, runs: int) -> dict:
    """Times on one ~3 KB article that alice has not labelled."""
    article = store.article(store.article_ids()[1])
    text, terms = article.text, store.labelled_terms("alice")
    one = [terms[len(terms) // 2]]
    everything = Propagator(terms)
    patterns = [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)") for t, _, _ in terms]
    return {
        "chars": len(text), "terms": len(terms),
        "tokenize": median_ms(lambda: tokenize(text), runs),
        "one_term": median_ms(lambda: Propagator(one).find(text), runs),
        "all_terms_build": median_ms(lambda: Propagator(terms), max(3, runs // 10)),
        "all_terms": median_ms(lambda: everything.find(text), runs),
        "regex_all_terms": median_ms(lambda: [m.span() for p in patterns for m in p.finditer(text)], max(3, runs // 10)),
        "found_all_terms": len(everything.find(text)),
    }


def throughput(store, tmp: Path) -> dict:
    ids = [i for n, i in enumerate(store.article_ids()) if n % LABELLED_SHARE]
    started = time.perf_counter()
    for article_id in ids:
        store.article(article_id)
    read = time.perf_counter() - started
    out = {"articles": len(ids), "read": read}
    patterns_file = tmp / "patterns.jsonl"
    out["pattern_count"] = write_patterns(store.labelled_terms("alice"), patterns_file)
    started = time.perf_counter()
    matcher = PatternMatcher(read_patterns(patterns_file, [lb.name for lb in store.labels()]))
    out["patterns_load"] = time.perf_counter() - started
    for name, finder, who in (("propagation", Propagator(store.labelled_terms("alice")).find, "p"),
                              ("patterns", matcher.find, "q")):
        started = time.perf_counter()
        report = suggest(store, who, ids, [finder])
        out[name] = time.perf_counter() - started
        out[f"{name}_found"] = sum(report.labels.values())
    return out


def reference_articles(folder: Path) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """(text, {(start, end, label)}) of each brat document in `folder`, in name order (discontinuous spans left out)."""
    out = []
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text("utf-8")
        spans = set()
        for line in ann.read_text("utf-8").splitlines():
            if line.startswith("T") and ";" not in line.split("\t")[1]:
                label, start, end = line.split("\t")[1].split()
                spans.add((int(start), int(end), label))
        out.append((text, spans))
    return out


class SimulatedAnnotator:
    """Reaches the reference labels article after article; actions = spans made by hand + suggestions accepted +
    suggestions rejected. Eager: decides every open suggestion on opening an article and after each span made by
    hand. In text order (`in_order`): goes through the article once, dealing with whatever comes first, a
    reference span to make or a suggestion to accept or reject; suggestions overlapping a span already made are
    hidden as `annotator suggest` hides them (suggesting.overlaps, with the label pairs nested so far)."""

    def __init__(self, *, propagate: bool, min_score: float = 0.0, in_order: bool = False, bulk: bool = False):
        self.propagate, self.min_score, self.in_order, self.bulk = propagate, min_score, in_order, bulk
        self.terms: dict[tuple[str, str], int] = {}
        self.nesting: set[tuple[str, str]] = set()
        self.counts = {"reference": 0, "by_hand": 0, "accepted": 0, "rejected": 0, "bulk": 0}

    def learn(self, text: str, key: tuple[int, int, str], made: list[Span]) -> None:
        span = Span(key[0], key[1], key[2], text[key[0]:key[1]])
        self.terms[(span.text, span.label)] = self.terms.get((span.text, span.label), 0) + 1
        for other in made:
            if other.start <= span.start and span.end <= other.end and len(span.text) < len(other.text):
                self.nesting.add((other.label, span.label))
            if span.start <= other.start and other.end <= span.end and len(other.text) < len(span.text):
                self.nesting.add((span.label, other.label))
        made.append(span)

    def open_suggestions(self, text: str, decided: set, made: list[Span]) -> list:
        if not self.propagate:
            return []
        found = Propagator([(t, label, n) for (t, label), n in self.terms.items()]).find(text)
        return [s for s in found if s.key not in decided and s.score >= self.min_score
                and not (self.in_order and overlaps(s, made, self.nesting))]

    def decide_all(self, text: str, reference: set, decided: set, made: list[Span]) -> None:
        """Each open suggestion accepted or rejected; with `bulk`, all accepted in one action (Shift+Enter,
        `suggest --accept`) and the wrong ones then deleted one by one (counted as rejected)."""
        found = self.open_suggestions(text, decided, made)
        self.counts["bulk"] += bool(self.bulk and found)
        for s in found:
            self.decide(text, s, reference, decided, made)

    def decide(self, text: str, suggestion, reference: set, decided: set, made: list[Span]) -> None:
        decided.add(suggestion.key)
        self.counts["accepted" if suggestion.key in reference else "rejected"] += 1
        if suggestion.key in reference:
            self.learn(text, suggestion.key, made)

    def by_hand(self, text: str, key, decided: set, made: list[Span]) -> None:
        decided.add(key)
        self.counts["by_hand"] += 1
        self.learn(text, key, made)

    def label(self, text: str, reference: set) -> None:
        self.counts["reference"] += len(reference)
        decided: set = set()
        made: list[Span] = []
        if not self.in_order:
            self.decide_all(text, reference, decided, made)
            for key in sorted(reference, key=lambda k: (k[0], -k[1])):
                if key not in decided:
                    self.by_hand(text, key, decided, made)
                    self.decide_all(text, reference, decided, made)
            return
        while True:
            todo = [(k[0], -k[1], 1, k) for k in reference if k not in decided]
            todo += [(s.start, -s.end, 0, s) for s in self.open_suggestions(text, decided, made)]
            if not todo:
                return
            _, _, is_reference, item = min(todo, key=lambda t: t[:3])
            if is_reference:
                self.by_hand(text, item, decided, made)
            else:
                self.decide(text, item, reference, decided, made)


SIMULATIONS = {  # name: SimulatedAnnotator options
    "none": {"propagate": False},
    "propagation, each decided on opening": {"propagate": True},
    "propagation, in text order, overlaps hidden": {"propagate": True, "in_order": True},
    "the same, --min-score 0.8": {"propagate": True, "in_order": True, "min_score": 0.8},
    "propagation, all accepted at once, wrong ones deleted": {"propagate": True, "bulk": True},
}


def simulate(articles, **options) -> dict:
    annotator = SimulatedAnnotator(**options)
    for text, reference in articles:
        annotator.label(text, reference)
    c = annotator.counts
    accepting = c["bulk"] if annotator.bulk else c["accepted"]
    return c | {"actions": c["by_hand"] + accepting + c["rejected"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = fill(Path(tmp) / "bench.db", args.articles)
        figures = {"key_press": key_press(store, args.runs), "throughput": throughput(store, Path(tmp))}
        store.close()
    spanish = reference_articles(SPANISH) if SPANISH.is_dir() else []
    figures["simulated"] = {"articles": len(spanish), "chars": sum(len(t) for t, _ in spanish), "runs": {
        name: simulate(spanish, **options) for name, options in SIMULATIONS.items()}}
    print(json.dumps(figures, indent=2))
    write_section("Suggestions", report_body(figures, args.runs))


def report_body(f: dict, runs: int) -> str:
    k, t = f["key_press"], f["throughput"]
    base = k["tokenize"]
    rows = [
        ("tokenize the article (baseline: the window does it anyway)", f"{base:.2f} ms", "1.0", ""),
        ("propagate the text just labelled (a key press)", f"{k['one_term']:.2f} ms",
         f"{k['one_term'] / base:.1f}", "met" if k["one_term"] < 50 else "missed"),
        (f"propagate all {k['terms']:,} of alice's labelled texts ({k['found_all_terms']} found)",
         f"{k['all_terms']:.2f} ms", f"{k['all_terms'] / base:.1f}", "met" if k["all_terms"] < 50 else "missed"),
        ("the same with a regular expression a text (`(?<!\\w)text(?!\\w)`)", f"{k['regex_all_terms']:.1f} ms",
         f"{k['regex_all_terms'] / base:.1f}", ""),
        (f"index the {k['terms']:,} texts (once a session)", f"{k['all_terms_build']:.1f} ms",
         f"{k['all_terms_build'] / base:.1f}", ""),
    ]
    n = t["articles"]
    rate = [
        ("read the articles (baseline)", f"{n / t['read']:,.0f}", "1.0", ""),
        (f"suggest, propagation ({t['propagation_found']:,} suggestions stored)", f"{n / t['propagation']:,.0f}",
         f"{t['propagation'] / t['read']:.0f}", ""),
        (f"suggest, {t['pattern_count']:,} patterns through spaCy's SpanRuler ({t['patterns_found']:,} stored)",
         f"{n / t['patterns']:,.0f}", f"{t['patterns'] / t['read']:.0f}",
         f"loading the patterns: {t['patterns_load']:.1f} s"),
    ]
    return (f"A {k['chars']:,}-character synthetic article (`bench/corpus.py`), median of {runs} runs:\n\n"
            + table(rows, ("measure", "time", "ratio to tokenize", "goal < 50 ms")) + "\n\n"
            f"Suggest over {n:,} articles (alice labelled one in {LABELLED_SHARE}, ten random word ranges each, so "
            "her texts include very common words: a harsh case), one transaction. Patterns suggest every label a "
            "text was given, propagation only the likeliest, hence fewer suggestions. Reading takes only tens of "
            "milliseconds, so its ratios move most from run to run; the time goes to finding (tokenizing each article "
            "included) and to storing about 170 suggestions an article:\n\n"
            + table(rate, ("measure", "articles/s", "time ratio to reading", "")) + "\n\n"
            + simulated_body(f["simulated"]) + "\n\n"
            "The machine is shared by several sessions running tests at the same time: absolute times are noisy, "
            "the ratios less so.")


def simulated_body(f: dict) -> str:
    if not f["articles"]:
        return "(The CoNLL-2002 Spanish brat files were not found beside the project: no simulated annotator.)"
    base = f["runs"]["none"]["actions"]
    rows = []
    for name, r in f["runs"].items():
        shown = r["accepted"] + r["rejected"]
        precision = f"{r['accepted'] / shown:.2f}" if shown else ""
        recall = f"{r['accepted'] / r['reference']:.2f}" if shown else ""
        rows.append((name, r["by_hand"], r["accepted"], r["rejected"], r["bulk"] or "", r["actions"],
                     f"{r['actions'] / base:.2f}", f"{1 - r['actions'] / base:.0%}", precision, recall))
    return (f"A simulated annotator labels the {f['articles']} CoNLL-2002 Spanish news articles in "
            f"`../shared/interop/brat-conll2002-esp` ({f['chars']:,} characters, "
            f"{f['runs']['none']['reference']} reference spans) in order, accepting every suggestion that is a "
            "reference span and rejecting the others (see `SimulatedAnnotator`). Actions are spans made by hand, "
            "suggestions accepted (or, all at once, one action a time) and suggestions rejected:\n\n"
            + table(rows, ("suggestions", "by hand", "accepted", "rejected", "all-at-once accepts", "actions",
                           "ratio", "saved", "precision", "recall"))
            + "\n\nAccepting a suggestion one by one costs as much as making the span, so propagation saves "
            "actions only when suggestions are accepted in bulk (`suggest --accept`; `Shift+Enter` in the window "
            "once built), and it costs actions when wrong suggestions are many. Deciding each suggestion on opening "
            "an article, three rejections in four are a piece of a longer reference span (`Madrid` inside the ORG "
            "`Atlético de Madrid`, `Toledo` inside the PER `Alejandro Toledo`); going through the article in text "
            "order, with suggestions that overlap a span already made left out as `annotator suggest` leaves them "
            "out, rejections fall from 115 to about 20. The issue's goal (30% fewer actions with propagation and a "
            "model) is not met by propagation alone; a model retrained every few articles needs more than ten "
            "articles and is not simulated yet; patterns written from the labels find what propagation finds.")


if __name__ == "__main__":
    main()
