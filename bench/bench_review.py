"""Benchmark of review and agreement: agreement over 10,000 articles x 3 annotators x 10 spans (< 5 s),
merge of a 10,000-article annotator database (< 10 s). Standalone: python bench/bench_review.py [ARTICLES]"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import table, write_section  # noqa: E402
from corpus import make_record  # noqa: E402

from annotator.agreement import store_agreement  # noqa: E402
from annotator.model import sha256_text, title_of  # noqa: E402
from annotator.review import accept_agreed, merge  # noqa: E402
from annotator.store import Store, now, open_store  # noqa: E402

ANNOTATORS = ("alice", "bob", "carol")
LABELS = ("CLAIM", "ACTOR", "LOCATION")


def variant(rng: random.Random, text: str, spans: list[dict]) -> list[tuple[int, int, str]]:
    """One annotator's version of the spans: most kept, about one in ten relabelled, moved or dropped."""
    out = []
    for s in spans:
        start, end, label = s["start"], s["end"], s["label"]
        roll = rng.random()
        if roll < 0.04:
            label = rng.choice([x for x in LABELS if x != label])
        elif roll < 0.08:
            end = text.find(" ", end + 1) if text.find(" ", end + 1) > 0 else end
        elif roll < 0.11:
            continue
        out.append((start, end, label))
    return out


def fill(store: Store, articles: int, annotators: tuple[str, ...], seed: int = 7) -> None:
    rng = random.Random(seed)
    stamp = now()
    with store.transaction():
        for first in range(0, articles, 1000):
            article_rows, span_rows = [], []
            for number in range(first, min(first + 1000, articles)):
                record = make_record(rng, number, 10)
                text = record["text"]
                article_rows.append((record["id"], title_of(text), text, sha256_text(text), "bench", "{}", stamp))
                for who in annotators:
                    for start, end, label in variant(rng, text, record["spans"]):
                        span_rows.append((record["id"], who, label, start, end, text[start:end], None, "bench", stamp))
            store.insert_article_rows(article_rows)
            store.insert_span_rows(span_rows)


def timed(function, *args):
    """(wall seconds, result); the CPU seconds of the last call are kept in CPU[0]."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    CPU[0] = time.process_time() - cpu
    return time.perf_counter() - started, result


CPU = [0.0]


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        team = open_store(tmp / "team.db")
        fill(team, articles, ANNOTATORS)
        spans = team.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        seconds, result = timed(store_agreement, team, list(ANNOTATORS))
        figures["agreement_s"] = round(seconds, 2)
        figures["agreement_cpu_s"] = round(CPU[0], 2)
        figures["agreement_articles"] = result["articles"]
        figures["agreement_spans"] = spans
        figures["mean_exact_f1"] = round(result["mean"]["exact_f1"], 3)
        figures["alpha"] = round(result["alpha"], 3)
        seconds, report = timed(accept_agreed, team, list(ANNOTATORS), 2, "bench")
        figures["accept_agreed_s"] = round(seconds, 2)
        team.close()

        alice = open_store(tmp / "alice.db")
        fill(alice, articles, ("alice",))
        alice.close()
        reviewer = open_store(tmp / "reviewer.db")
        seconds, report = timed(merge, reviewer, [tmp / "alice.db"])
        figures["merge_new_s"] = round(seconds, 2)
        figures["merge_new_cpu_s"] = round(CPU[0], 2)
        figures["merge_new"] = report.summary()
        seconds, report = timed(merge, reviewer, [tmp / "alice.db"])
        figures["merge_again_s"] = round(seconds, 2)
        reviewer.close()
    figures["articles"] = articles
    print(json.dumps(figures, indent=2))
    write_section("Review and agreement", report_body(figures))


def report_body(f: dict) -> str:
    n = f"{f['articles']:,}"
    rows = [
        (f"agreement: {n} articles × 3 annotators × ~10 spans ({f['agreement_spans']:,} spans), "
         "pairwise F1s, token kappa, alpha, confusion", "< 5 s", f"{f['agreement_s']} s", f"{f['agreement_cpu_s']} s",
         _verdict(f["agreement_s"], 5)),
        (f"merge a {n}-article annotator database into an empty one", "< 10 s", f"{f['merge_new_s']} s",
         f"{f['merge_new_cpu_s']} s", _verdict(f["merge_new_s"], 10)),
        ("merge the same file again (adds nothing)", "", f"{f['merge_again_s']} s", "", ""),
        (f"review --accept-agreed --min-agree 2 over the {n} articles", "", f"{f['accept_agreed_s']} s", "", ""),
    ]
    return (table(rows, ("measure", "target", "wall", "CPU", "")) + "\n\n"
            f"Synthetic articles of about 3 KB from `bench/corpus.py`; each annotator keeps most of a shared set "
            f"of spans and relabels, stretches or drops about one in ten (mean exact F1 {f['mean_exact_f1']}, "
            f"alpha {f['alpha']}). Wall time is what a user waits; CPU time is this process alone, "
            "which matters on a shared machine.")


def _verdict(seconds: float, target: float) -> str:
    return "met" if seconds < target else "missed"

if __name__ == "__main__":
    main()
