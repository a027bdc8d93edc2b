"""Benchmark of `annotator train` (issue 13): time and peak memory on 1,000 and 10,000 synthetic articles, against
reading their labelled spans; and suggest throughput (articles/s) with the trained model, against tokenizing.
Standalone: python bench/bench_train.py [--sizes 1000,10000] [--max-steps N] [--quick]"""

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
started = time.perf_counter()
metrics = train(store, Path(sys.argv[2]), annotator="alice", eval_split=float(sys.argv[3]), max_steps=int(sys.argv[4]),
                progress=lambda share, message: None)
RESULT = {"read_s": read, "train_s": time.perf_counter() - started, "f1": metrics["f1"], "spans": metrics["spans"],
          "train_articles": metrics["train_articles"], "eval_articles": metrics["eval_articles"]}
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
suggester = ModelSuggester(sys.argv[2], {label.name for label in store.labels()}, min_score=0.0)
load_s = time.perf_counter() - started
started = time.perf_counter()
found = sum(len(suggester.find(text)) for text in texts)
RESULT = {"articles": len(texts), "tokenize_s": tokenize_s, "load_s": load_s, "find_s": time.perf_counter() - started,
          "found": found}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("--suggest-articles", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="300 and 1,000 articles, 50 steps")
    args, _ = parser.parse_known_args()
    sizes = [300, 1000] if args.quick else [int(n) for n in args.sizes.split(",")]
    steps = 50 if args.quick else args.max_steps
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            db, out = Path(tmp) / f"c{size}.db", Path(tmp) / f"model{size}"
            fill(db, size, every=1, seed=5).close()
            runs[size] = run_child(TRAIN, str(db), str(out), str(min(0.2, EVAL_ARTICLES / size)), str(steps))
            print(size, json.dumps(runs[size]), flush=True)
        suggest = run_child(SUGGEST, str(db), str(out), str(args.suggest_articles))
    print(json.dumps(suggest))
    write_section("Training a model", report_body(runs, suggest, steps, sizes[-1]))


def report_body(runs: dict, s: dict, steps: int, last: int) -> str:
    rows = [(f"{size:,}", f"{r['read_s']:.1f}", f"{r['train_s']:.1f}", f"{r['train_s'] / r['read_s']:.0f}",
             f"{r['peak_mb']:.0f}", f"{r['f1']:.2f}") for size, r in runs.items()]
    n = s["articles"]
    rate = [("tokenize (baseline)", f"{n / s['tokenize_s']:,.0f}", "1.0"),
            (f"the model's spans, all scores ({s['found']:,} found)", f"{n / s['find_s']:,.1f}",
             f"{s['find_s'] / s['tokenize_s']:.0f}")]
    return (f"`annotator train` (through `annotator.training.train`, in a fresh process) on synthetic articles "
            f"(`bench/corpus.py`, ~3.5 KB each, ten random word ranges labelled in each), {EVAL_ARTICLES} held out "
            f"(a fifth of fewer) to score it, {steps} updates (the --max-steps of this bench; the command's default is 2,000, and at most "
            "30 passes over the training articles). Time includes making the examples, spaCy's training loop and "
            "scoring the held-out articles; the baseline is reading the same articles and spans from the store. "
            "Peak memory is the process's VmHWM. F1 is meaningless here (the spans are random words), only the cost "
            "counts:\n\n"
            + table(rows, ("articles", "read s", "train s", "ratio", "peak MB", "F1")) + "\n\n"
            f"Suggest throughput with the model trained on {last:,} articles, on {n} of them ({s['load_s']:.1f} s to "
            "load it):\n\n"
            + table(rate, ("measure", "articles/s", "time ratio to tokenizing")) + "\n\n"
            + load_note())


if __name__ == "__main__":
    main()
