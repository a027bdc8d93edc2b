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

from common import ROOT, load_note, table, write_section  # noqa: E402
from corpus import LABELS, make_news_record, make_record  # noqa: E402
from simulation import PatternsFromLabels, RetrainedModel, simulate  # noqa: E402

from annotator.model import sha256_text, title_of  # noqa: E402
from annotator.patterns import PatternMatcher, read_patterns, write_patterns  # noqa: E402
from annotator.propagation import Propagator  # noqa: E402
from annotator.store import now, open_store  # noqa: E402
from annotator.suggesting import suggest  # noqa: E402
from annotator.tokens import tokenize  # noqa: E402

LABELLED_SHARE = 5  # alice labelled one article in five; suggestions go to the others
# CoNLL-2002 Spanish news in brat files, in ../shared beside the main checkout (or beside a worktree's folder)
EPOCHS = 10  # of the simulated annotator's trainings (`annotator train --max-epochs`; its default is 30)
SPANISH_LABELS = {"PER", "LOC", "ORG", "MISC"}
SPANISH = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
               ROOT.parent / "shared") / "interop" / "brat-conll2002-esp"


def fill(path: Path, articles: int, *, every: int = LABELLED_SHARE, seed: int = 3, news: bool = False):
    """Synthetic articles (`bench/corpus.py`), alice's ten random word ranges on one in `every` (with `news` the
    spans a news annotator would make, `make_news_record`); the store, open."""
    rng, stamp = random.Random(seed), now()
    store = open_store(path)
    with store.transaction():
        for number in range(articles):
            record = make_news_record(rng, number) if news else make_record(rng, number, 10, words=480)
            text = record["text"]
            store.insert_article_rows([(record["id"], title_of(text), text, sha256_text(text), "bench", "{}", stamp)])
            if number % every == 0:
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


def simulations(spanish: list, synthetic: list, every: int) -> dict:
    """The simulated annotator (bench/simulation.py) on each corpus, with each kind of suggestions."""
    model = RetrainedModel(SPANISH_LABELS, every=every, lang="es", max_epochs=EPOCHS)
    out = {"spanish": {"articles": len(spanish), "chars": sum(len(t) for t, _ in spanish), "every": every, "runs": {
        "none": simulate(spanish, propagate=False),
        "propagation, each right one accepted by its own key": simulate(spanish, one_by_one=True),
        "propagation": simulate(spanish),
        "propagation, case-insensitive": simulate(spanish, ignore_case=True),
        "patterns from the articles labelled before": simulate(spanish, [PatternsFromLabels("es")], propagate=False),
        f"model retrained every {every} articles": simulate(spanish, [model], propagate=False),
        "propagation + model": simulate(spanish, [model.beside_propagation()]),
        "propagation + model, from the model's own min-score": simulate(spanish, [model]),
        "propagation + model, from training's earlier min-score beside propagation": simulate(
            spanish, [model.view("min_score_beside_propagation")]),
        "propagation + model, a wrong label rejected and made by hand (no relabelling key)": simulate(
            spanish, [model.view("min_score_beside_propagation")], relabel=False),
    }, "trainings": model.metrics}}
    synthetic_model = RetrainedModel(set(LABELS), every=len(synthetic) // 2, first=len(synthetic) // 2, lang="en",
                                     max_epochs=EPOCHS)
    out["synthetic"] = {"articles": len(synthetic), "chars": sum(len(t) for t, _ in synthetic), "runs": {
        "none": simulate(synthetic, propagate=False),
        "propagation": simulate(synthetic),
        "patterns from the articles labelled before": simulate(synthetic, [PatternsFromLabels("en")], propagate=False),
        f"propagation + model trained on the first {len(synthetic) // 2}": simulate(
            synthetic, [synthetic_model.beside_propagation()]),
    }}
    return out


def synthetic_articles(count: int) -> list:
    rng = random.Random(11)
    records = [make_record(rng, number, 10, words=480) for number in range(count)]
    return [(r["text"], {(s["start"], s["end"], s["label"]) for s in r["spans"]}) for r in records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--every", type=int, default=3, help="retrain the simulated annotator's model every N articles")
    parser.add_argument("--quick", action="store_true", help="fewer articles and runs; the model retrained every 4")
    args, _ = parser.parse_known_args()
    if args.quick:
        args.articles, args.runs, args.every = 200, 50, 4
    with tempfile.TemporaryDirectory() as tmp:
        store = fill(Path(tmp) / "bench.db", args.articles)
        figures = {"key_press": key_press(store, args.runs), "throughput": throughput(store, Path(tmp))}
        store.close()
    spanish = reference_articles(SPANISH) if SPANISH.is_dir() else []
    figures["simulated"] = simulations(spanish, synthetic_articles(10 if args.quick else 16), args.every)
    print(json.dumps(figures, indent=2, default=str))
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
            + load_note())


def simulated_body(f: dict) -> str:
    spanish = f["spanish"]
    if not spanish["articles"]:
        return "(The CoNLL-2002 Spanish brat files were not found beside the project: no simulated annotator.)"
    return ("A simulated annotator (`bench/simulation.py`, method in docs/suggestions.md) labels articles in order "
            "until it has made the reference spans. It goes through each article in text order; a suggestion on "
            "screen that is a reference span is accepted; one at the place of a reference span with another label "
            "is accepted with the reference label by that label's key (one action, *relabelled*; before the window "
            "had that key it cost a rejection and a span by hand, the last Spanish row); any other is rejected; "
            "right ones are accepted with one Shift+Enter at the end of the article, or at once with Enter when that "
            "hides a wrong one on screen (or all one by one, when said). A model's suggestion overlapping a "
            "propagation suggestion on screen is hidden (propagation first, as in the window). Actions are spans "
            "made by hand + suggestions relabelled + suggestions rejected + Enter and Shift+Enter presses. The "
            f"{spanish['articles']} CoNLL-2002 Spanish news articles in `../shared/interop/brat-conll2002-esp` "
            f"({spanish['chars']:,} characters, {spanish['runs']['none']['reference']} reference spans of PER, LOC, "
            "ORG, MISC):\n\n" + runs_table(spanish["runs"]) + "\n\n" + goal(spanish["runs"]) + "\n\n"
            "Precision and recall of each source on opening an article (what it suggests before a span is made "
            "in that article, against the article's reference spans; recall is the share of all reference spans "
            "it suggested rightly):\n\n" + sources_table(spanish) + "\n\n"
            f"The model is `annotator train` (spaCy span categorizer, blank `es` pipeline, our tokenizer) on the "
            f"articles labelled so far, once there are two, again every {spanish['every']}; it suggests from the "
            "min-score it chose on its own held-out articles (20%, at least one), never on the article to label nor "
            "a later one. Beside propagation (`annotator/beside_propagation.py`): the highest score from which its "
            "suggestions not under a propagation suggestion (of the texts labelled in the other articles it knows) save "
            "most actions on those held-out articles, counted as the simulated annotator counts them, a relabel "
            "as no loss; none (it suggests nothing) when no score saves any. The rows 'from the model's own "
            "min-score' and 'from training's earlier min-score beside propagation' (a right suggestion of a known "
            "text no gain, any wrong one a loss) use the min-scores `annotator train` writes in metrics.json. "
            "Its trainings:\n\n" + trainings_table(spanish["trainings"]) + "\n\n"
            f"The synthetic corpus ({f['synthetic']['articles']} articles of `bench/corpus.py`, "
            f"{f['synthetic']['chars']:,} characters): its spans are random word ranges, so nothing can be learnt "
            "from them and propagation finds only texts repeated by chance; a harsh case, to show what suggestions "
            "cost when they cannot help:\n\n" + runs_table(f["synthetic"]["runs"]))


def goal(runs: dict) -> str:
    base = runs["none"]["actions"]
    saved = {name: 1 - r["actions"] / base for name, r in runs.items()}
    combined, alone = saved["propagation + model"], saved["propagation"]
    with_model, without = runs["propagation + model"], runs["propagation"]
    more = {key: with_model[key] - without[key] for key in ("by_hand", "accepted", "relabelled", "rejected", "by_enter")}
    return (f"**Goal (at least 30% fewer actions with propagation + model): {'met' if combined >= 0.3 else 'not met'}**"
            f" ({combined:.1%} saved; propagation alone {alone:.1%}: the model "
            f"{'adds to' if combined > alone else 'does not add to'} what propagation saves). The model beside "
            "propagation, against propagation alone: " + ", ".join(f"{what} {more[key]:+d}" for key, what in (
                ("by_hand", "spans by hand"), ("accepted", "accepted"), ("relabelled", "relabelled"),
                ("rejected", "rejected"), ("by_enter", "Enter presses"))) + ".")


def runs_table(runs: dict) -> str:
    base = runs["none"]["actions"]
    rows = [(name, r["by_hand"], r["accepted"], r["by_enter"], r["relabelled"], r["rejected"], r["bulk"],
             r["actions"], f"{r['actions'] / base:.2f}", f"{1 - r['actions'] / base:.1%}") for name, r in runs.items()]
    return table(rows, ("suggestions", "by hand", "accepted", "of them by Enter", "relabelled", "rejected",
                        "Shift+Enter", "actions", "ratio", "saved"))


def sources_table(corpus: dict) -> str:
    reference, rows, seen = corpus["runs"]["none"]["reference"], [], set()
    for run in corpus["runs"].values():
        for source, c in run["on_opening"].items():
            if source not in seen:
                seen.add(source)
                shown = c["right"] + c["wrong"]
                rows.append((source, shown, f"{c['right'] / shown:.2f}" if shown else "", f"{c['right'] / reference:.2f}"))
    return table(rows, ("source", "suggested on opening", "precision", "recall"))


def trainings_table(trainings: dict) -> str:
    rows = [(count, m["train_articles"], m["eval_articles"], f"{m['precision']:.2f}", f"{m['recall']:.2f}",
             _score(m['min_score']), f"{m['precision_at_min_score']:.2f}", f"{m['recall_at_min_score']:.2f}",
             _score(m['min_score_beside_propagation']), beside(m)) for count, m in sorted(trainings.items())]
    return table(rows, ("after articles", "trained on", "held out", "P", "R", "min-score chosen", "P from it",
                        "R from it", "training's min-score beside propagation", "min-score beside propagation used "
                        "(actions it saves on the held-out articles)"))


def _score(min_score: float | None) -> str:
    return "none" if min_score is None else f"{min_score:.3f}"


def beside(metrics: dict) -> str:
    chosen = metrics["beside_propagation"]
    if chosen["min_score"] is None:
        return "none (no score saves actions: the model suggests nothing)"
    return f"{chosen['min_score']:.3f} ({chosen['saved_on_held_out']})"


if __name__ == "__main__":
    main()
