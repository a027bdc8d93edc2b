"""Export of the synthetic corpus to every format: spans/s, tokens/s and peak memory, 10,000 vs 100,000 articles."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_db  # noqa: E402

IN_MEMORY = {"spacy"}  # spaCy's DocBin holds every Doc until written: measured at a tenth of the corpus
TARGETS = {"jsonl": ("spans", 300_000), "conll": ("tokens", 200_000), "hf": ("tokens", 200_000),
           "brat": ("spans", 100_000)}
CHILD = """
sys.path.insert(0, ".")
from pathlib import Path
from annotator.exporting import export
from annotator.store import open_store
store = open_store(sys.argv[1])
started = time.perf_counter()
summary = export(store, sys.argv[2], Path(sys.argv[3]), shard_size=int(sys.argv[4]))
RESULT = {"seconds": time.perf_counter() - started, "articles": summary.articles, "spans": summary.spans,
          "tokens": summary.tokens, "dropped": summary.dropped_total}
"""


SHARDS = 5000  # articles per .spacy file in the sharded spaCy run


def measure(db: Path, fmt: str, shard_size: int = 0) -> dict:
    from annotator.exporting import FORMATS

    out = OUT / f"export-{fmt}{FORMATS[fmt].extension or '-dir'}"
    result = run_child(CHILD, str(db), fmt, str(out), str(shard_size))
    shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    for sidecar in OUT.glob(f"export-{fmt}.*"):
        sidecar.unlink()
    return result


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from annotator.exporting import FORMATS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    small = max(1, args.articles // 10)
    big_db = make_corpus_db(OUT / f"store-{args.articles}.db", args.articles)
    small_db = make_corpus_db(OUT / f"store-{small}.db", small)
    rows = []
    tiny_db = make_corpus_db(OUT / f"store-{max(1, small // 10)}.db", max(1, small // 10))
    for fmt in args.formats.split(","):
        big, little = (measure(small_db, fmt), measure(tiny_db, fmt)) if fmt in IN_MEMORY else (
            measure(big_db, fmt), measure(small_db, fmt))
        spans_rate = big["spans"] / big["seconds"]
        tokens_rate = big["tokens"] / big["seconds"] if big["tokens"] else 0
        unit, goal = TARGETS.get(fmt, (None, None))
        rate = spans_rate if unit == "spans" else tokens_rate
        verdict = f"≥ {goal:,} {unit}/s: {'met' if rate >= goal else 'missed'}" if goal else ""
        name = f"{fmt} (at {big['articles']:,} and {little['articles']:,} articles)" if fmt in IN_MEMORY else fmt
        rows.append((name, f"{big['seconds']:.1f} s", f"{spans_rate:,.0f}", f"{tokens_rate:,.0f}" if tokens_rate else "",
                     f"{big['peak_mb']:.0f} MB", f"{little['peak_mb']:.0f} MB", verdict))
        print(rows[-1], flush=True)
        if fmt == "spacy":
            big, little = measure(big_db, fmt, SHARDS), measure(small_db, fmt, SHARDS)
            rows.append((f"spacy --shard-size {SHARDS:,}", f"{big['seconds']:.1f} s", f"{big['spans'] / big['seconds']:,.0f}",
                         f"{big['tokens'] / big['seconds']:,.0f}", f"{big['peak_mb']:.0f} MB", f"{little['peak_mb']:.0f} MB", ""))
            print(rows[-1], flush=True)
    body = (f"Export of the synthetic corpus (`bench/corpus.py`: {args.articles:,} articles of about 3 KB, "
            f"10 spans each) from its database with `annotator.exporting.export`, each run in a fresh process; "
            f"peak memory (VmHWM) at {args.articles:,} and at {small:,} articles "
            "(streaming: the two should be close). spaCy's DocBin holds every Doc in memory until it is written "
            "(about 90 KB an article here), so one file is measured at a tenth and a hundredth of the corpus, "
            f"and `--shard-size {SHARDS:,}` (a folder of DocBin files) at full size.\n\n")
    body += table(rows, ("format", "time", "spans/s", "tokens/s", f"peak, {args.articles:,}", f"peak, {small:,}", "target"))
    write_section("Export formats", body)


if __name__ == "__main__":
    main()
