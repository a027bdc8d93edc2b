"""Benchmark of `annotator train` (issue 13): time and peak memory on 1,000 and 10,000 synthetic articles, against
reading their labelled spans; and suggest throughput (articles/s) with the trained model, against tokenizing.
Standalone: python bench/bench_train.py [--sizes 1000,10000] [--max-steps N] [--quick]
The articles are labelled as a news annotator would (bench/corpus.py's make_news_record), not with random ranges."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_suggest import fill  # noqa: E402
from common import load_note, run_child, table, write_section  # noqa: E402

EVAL_ARTICLES = 100  # held out to score the model, whatever the corpus size

TRAIN = """
from pathlib import Path
from annotator.store import open_store
from annotator.training import train
store = open_store(Path(sys.argv[1]))
started = time.perf_counter()
for article_id in store.labelled_article_ids("alice"):
    store.spans(article_id, "alice"), store.article(article_id)
read = time.perf_counter() - started
phases = {}
def progress(share, message):
    phases.setdefault(message.split(":")[0].split(" on ")[0], time.perf_counter())
started = time.perf_counter()
metrics = train(store, Path(sys.argv[2]), annotator="alice", eval_split=float(sys.argv[3]), max_steps=int(sys.argv[4]),
                progress=progress)
ended = time.perf_counter()
RESULT = {"read_s": read, "train_s": ended - started, "f1": metrics["f1"], "spans": metrics["spans"],
          "labels": {label: m["f"] for label, m in metrics["labels"].items()},
          "corpus_s": phases["training"] - started, "loop_s": phases["scoring"] - phases["training"],
          "score_s": ended - phases["scoring"], "train_articles": metrics["train_articles"],
          "eval_articles": metrics["eval_articles"], "steps": int(open(Path(sys.argv[2]) / "config.cfg").read()
          .split("max_steps = ")[1].split()[0])}
"""

SUGGEST = """
from pathlib import Path
from annotator.store import open_store
from annotator.tokens import tokenize
from annotator.training import ModelSuggester
store = open_store(Path(sys.argv[1]))
texts = [store.article(i).text for i in store.article_ids()[: int(sys.argv[3])]]
started = time.perf_counter()
for text in texts:
    tokenize(text)
tokenize_s = time.perf_counter() - started
started = time.perf_counter()
suggester = ModelSuggester(sys.argv[2], {label.name for label in store.labels()})
load_s = time.perf_counter() - started
started = time.perf_counter()
found = sum(len(suggester.find(text)) for text in texts)
RESULT = {"articles": len(texts), "tokenize_s": tokenize_s, "load_s": load_s, "find_s": time.perf_counter() - started,
          "found": found}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--max-steps", type=int, default=2000, help="as `annotator train`'s default")
    parser.add_argument("--suggest-articles", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="300 and 1,000 articles, 50 steps")
    args, _ = parser.parse_known_args()
    sizes = [300, 1000] if args.quick else [int(n) for n in args.sizes.split(",")]
    steps = 50 if args.quick else args.max_steps
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            db, out = Path(tmp) / f"c{size}.db", Path(tmp) / f"model{size}"
            fill(db, size, every=1, seed=5, news=True).close()
            runs[size] = run_child(TRAIN, str(db), str(out), str(min(0.2, EVAL_ARTICLES / size)), str(steps))
            print(size, json.dumps(runs[size]), flush=True)
        suggest = run_child(SUGGEST, str(db), str(out), str(args.suggest_articles))
    print(json.dumps(suggest), flush=True)
    write_section("Training a model", report_body(runs, suggest, steps, sizes[-1]))


def report_body(runs: dict, s: dict, steps: int, last: int) -> str:
    labels = sorted({label for r in runs.values() for label in r["labels"]})
    rows = [(f"{size:,}", r["steps"], f"{r['read_s']:.1f}", f"{r['train_s']:.0f}", f"{r['train_s'] / r['read_s']:.0f}",
             f"{r['corpus_s']:.0f} / {r['loop_s']:.0f} / {r['score_s']:.0f}", f"{r['peak_mb']:,.0f}", f"{r['f1']:.2f}",
             *(f"{r['labels'].get(label, 0.0):.2f}" for label in labels)) for size, r in runs.items()]
    n = s["articles"]
    rate = [("tokenize (baseline)", f"{n / s['tokenize_s']:,.0f}", "1.0"),
            (f"the model's suggestions from its min-score ({s['found']:,} found)", f"{n / s['find_s']:,.1f}",
             f"{s['find_s'] / s['tokenize_s']:.0f}")]
    return (f"`annotator train` (through `annotator.training.train`, in a fresh process) on synthetic articles "
            "(`bench/corpus.py`'s `make_news_record`, ~3.4 KB each, every 1,000th ~60 times as long) labelled as a news "
            "annotator would: ACTOR on names of people and organisations, LOCATION on places, CLAIM on a clause or a "
            "sentence (6 to 26 words, some around their ACTOR), about 24 spans an article. "
            f"{EVAL_ARTICLES} articles are held out (a fifth of fewer) to score it; at most {steps:,} updates "
            "(`--max-steps`) and 30 passes (`--max-epochs`, the command's default). Time includes writing the examples and "
            "spaCy's set-up (which reads them all once), spaCy's training loop (with its checks on 10 held-out "
            "articles), and scoring the held-out articles; the baseline is reading the same articles and spans from "
            "the store. Peak memory is the process's VmHWM; F1 on the held-out articles:\n\n"
            + table(rows, ("articles", "updates", "read s", "train s", "ratio", "examples / loop / scoring s",
                           "peak MB", "F1", *labels)) + "\n\n"
            "Where the time goes: spaCy's loop makes a fixed number of updates whatever the corpus size, each on a "
            "batch of 100 growing to 1,000 words in which the categorizer weighs every span of 1 to 20 tokens (the "
            "CLAIMs are that long: 20 candidates a token), so the loop costs about the same on 1,000 and 10,000 articles. "
            "What grows with the articles is writing the examples (our tokenizer, spaCy's vocabulary and DocBin) "
            "and spaCy's set-up, which reads every example once more. No Doc is held beyond its article: the examples "
            "are streamed and the held-out articles scored a batch at a time.\n\n"
            f"Suggest throughput with the model trained on {last:,} articles, on {n} of them ({s['load_s']:.1f} s to "
            "load it), as `annotator suggest --model` gives them (from the min-score chosen on the held-out "
            "articles):\n\n"
            + table(rate, ("measure", "articles/s", "time ratio to tokenizing")) + "\n\n"
            + load_note())


if __name__ == "__main__":
    main()
