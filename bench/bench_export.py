"""Export of the synthetic corpus to every format: spans/s, tokens/s and peak memory, 10,000 vs 100,000 articles."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_db  # noqa: E402

IN_MEMORY = {"spacy"}  # spaCy's DocBin holds every Doc until written: measured at a tenth of the corpus
TARGETS = {"jsonl": ("spans", 300_000), "conll": ("tokens", 200_000), "hf": ("tokens", 200_000),
           "brat": ("spans", 100_000)}
CHILD = """
import os, resource
if sys.argv[5]:  # the baseline's own helper processes must find its code, not this tree's, in their cwd
    os.chdir(sys.argv[5])
sys.path.insert(0, sys.argv[5] or ".")
from pathlib import Path
from annotator import exporting
from annotator.store import open_store
store = open_store(sys.argv[1])
started = time.perf_counter()
if hasattr(exporting, "ExportOptions"):
    summary = exporting.export(store, exporting.ExportOptions(sys.argv[2], Path(sys.argv[3]), shard_size=int(sys.argv[4])))
else:  # the code of --against before ExportOptions
    summary = exporting.export(store, sys.argv[2], Path(sys.argv[3]), shard_size=int(sys.argv[4]))
RESULT = {"seconds": time.perf_counter() - started, "articles": summary.articles, "spans": summary.spans,
          "tokens": summary.tokens, "dropped": summary.dropped_total,
          "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
"""


PLAIN_FILES = """
import os, sqlite3
conn = sqlite3.connect(sys.argv[1])
out = sys.argv[2]
os.makedirs(out)
started = time.perf_counter()
for article_id, text in conn.execute("SELECT id, text FROM articles ORDER BY id"):
    for suffix, data in ((".txt", text.encode()), (".ann", b"x" * 500)):
        fd = os.open(f"{out}/{article_id}{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.write(fd, data)
        os.close(fd)
RESULT = {"seconds": time.perf_counter() - started}
"""
SHARDS = 5000  # articles per .spacy file in the sharded spaCy run


def measure(db: Path, fmt: str, shard_size: int = 0, keep: bool = False, source: str = "") -> dict:
    """One export in a fresh process (with the code in `source`, else this tree's); its output is removed
    unless `keep` (then it is result['out'])."""
    from annotator.exporting import FORMATS

    out = OUT / f"export-{fmt}{FORMATS[fmt].extension or '-dir'}"
    result = run_child(CHILD, str(db), fmt, str(out), str(shard_size), source)
    if keep:
        return {**result, "out": out}
    shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    for sidecar in OUT.glob(f"export-{fmt}.*"):
        sidecar.unlink()
    return result


def brat_against_plain_files(db: Path) -> tuple[dict, str]:
    """The brat export, and the same number of new files written with no formatting, one process, in one run.

    Both outputs are removed only after both runs: this machine's ext4 (no journal) makes new files slow for
    minutes after many are deleted, which would handicap whichever ran second.
    """
    brat = measure(db, "brat", keep=True)
    plain_out = OUT / "export-plain-files"
    shutil.rmtree(plain_out, ignore_errors=True)
    plain = run_child(PLAIN_FILES, str(db), str(plain_out))
    shutil.rmtree(brat["out"])
    shutil.rmtree(plain_out)
    note = (f"brat against plain file writing in the same run (each article's text and 500 bytes written into two new "
            f"files by one process, nothing formatted): {brat['seconds']:.1f} s against {plain['seconds']:.1f} s, "
            f"{brat['seconds'] / plain['seconds']:.2f}x."
            " Nothing was deleted in the minutes before either run: on this machine's ext4 (no journal)"
            " a new file takes up to ten times longer for some minutes after many files were deleted.")
    return brat, note


def alternating(db: Path, fmt: str, source: str, rounds: int) -> tuple[dict, dict]:
    """The export with the baseline's code (`source`) and with this tree's, one after the other `rounds` times, every
    output kept until all are done (on this machine a run just after many deleted files is slower, which would
    handicap whichever ran second): the fastest run of each."""
    from annotator.exporting import FORMATS

    runs: dict[str, list[dict]] = {"baseline": [], "tree": []}
    outs = []
    try:
        for n in range(rounds):
            for name, code in (("baseline", source), ("tree", "")):
                outs.append(OUT / f"alternate-{fmt}-{n}-{name}{FORMATS[fmt].extension or '-dir'}")
                runs[name].append(run_child(CHILD, str(db), fmt, str(outs[-1]), "0", code))
    finally:
        for out in outs:
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
            for sidecar in OUT.glob(f"{out.stem}.*"):
                sidecar.unlink()
    return min(runs["baseline"], key=lambda r: r["seconds"]), min(runs["tree"], key=lambda r: r["seconds"])


def alternate_section(db: Path, formats: list[str], ref: str, source: str, rounds: int) -> None:
    """`## Export against <ref>, alternating runs`: each format's fastest time with both codes, and their ratio."""
    rows = []
    for fmt in formats:
        then, now = alternating(db, fmt, source, rounds)
        rows.append((fmt, f"{now['articles']:,}", f"{now['spans']:,}", f"{now['seconds']:.2f} s", f"{then['seconds']:.2f} s",
                     f"{then['seconds'] / now['seconds']:.2f}x"))
        print(rows[-1], flush=True)
    body = (f"Each format exported from the same database with the code of `{ref}` and with this tree's, one after the "
            f"other {rounds} times each, in fresh processes, every output kept until all were written (a run just after "
            "many files were deleted is slower on this machine, which the Export formats table does not avoid for brat); the "
            "fastest run of each. Ratio above 1: this tree is faster.\n\n")
    body += table(rows, ("format", "articles", "spans", "this tree", ref, "ratio"))
    write_section(f"Export against {ref}, alternating runs", body)


def baseline_source(ref: str) -> str:
    """The annotator package of git `ref`, extracted under bench/out, to measure against in the same run."""
    folder = OUT / f"baseline-{ref.replace('/', '_')}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref, "annotator", "schemas", "seeds"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return str(folder)


def ratio(then: dict | None, now: dict) -> list[str]:
    """The baseline's time, and as a multiple of this tree's (a cell; none without a baseline)."""
    return [f"{then['seconds']:.1f} s, {then['seconds'] / now['seconds']:.2f}x"] if then else []


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from annotator.exporting import FORMATS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--against", default="", help="a git ref whose export to measure in the same run (e.g. main)")
    parser.add_argument("--alternate", type=int, default=0, help="with --against: only compare the codes, N runs each")
    args = parser.parse_args()
    source = baseline_source(args.against) if args.against else ""
    small = max(1, args.articles // 10)
    big_db = make_corpus_db(OUT / f"store-{args.articles}.db", args.articles)
    if source and args.alternate:
        alternate_section(big_db, args.formats.split(","), args.against, source, args.alternate)
        return
    small_db = make_corpus_db(OUT / f"store-{small}.db", small)
    rows, notes = [], []
    tiny_db = make_corpus_db(OUT / f"store-{max(1, small // 10)}.db", max(1, small // 10))
    for fmt in args.formats.split(","):  # the baseline first: a run just after many files were deleted is slower
        then = measure(small_db if fmt in IN_MEMORY else big_db, fmt, source=source) if source else None
        if fmt == "brat":
            big, note = brat_against_plain_files(big_db)
            little = measure(small_db, fmt)
            notes.append(note)
        else:
            big, little = (measure(small_db, fmt), measure(tiny_db, fmt)) if fmt in IN_MEMORY else (
                measure(big_db, fmt), measure(small_db, fmt))
        spans_rate = big["spans"] / big["seconds"]
        tokens_rate = big["tokens"] / big["seconds"] if big["tokens"] else 0
        unit, goal = TARGETS.get(fmt, (None, None))
        rate = spans_rate if unit == "spans" else tokens_rate
        verdict = f"≥ {goal:,} {unit}/s: {'met' if rate >= goal else 'missed'}" if goal else ""
        name = f"{fmt} (at {big['articles']:,} and {little['articles']:,} articles)" if fmt in IN_MEMORY else fmt
        rows.append((name, f"{big['seconds']:.1f} s", f"{spans_rate:,.0f}", f"{tokens_rate:,.0f}" if tokens_rate else "",
                     f"{big['peak_mb']:.0f} MB", f"{little['peak_mb']:.0f} MB", f"{big['children_peak_mb']:.0f} MB",
                     verdict, *ratio(then, big)))
        print(rows[-1], flush=True)
        if fmt == "spacy":
            then = measure(big_db, fmt, SHARDS, source=source) if source else None
            big, little = measure(big_db, fmt, SHARDS), measure(small_db, fmt, SHARDS)
            rows.append((f"spacy --shard-size {SHARDS:,}", f"{big['seconds']:.1f} s", f"{big['spans'] / big['seconds']:,.0f}",
                         f"{big['tokens'] / big['seconds']:,.0f}", f"{big['peak_mb']:.0f} MB", f"{little['peak_mb']:.0f} MB",
                         f"{big['children_peak_mb']:.0f} MB", "", *ratio(then, big)))
            print(rows[-1], flush=True)
    body = (f"Export of the synthetic corpus (`bench/corpus.py`: {args.articles:,} articles of about 3 KB, "
            f"10 spans each) from its database with `annotator.exporting.export`, each run in a fresh process; "
            f"peak memory (VmHWM) at {args.articles:,} and at {small:,} articles "
            "(streaming: the two should be close). spaCy's DocBin holds every Doc in memory until it is written "
            "(about 90 KB an article here), so one file is measured at a tenth and a hundredth of the corpus, "
            f"and `--shard-size {SHARDS:,}` (a folder of DocBin files) at full size. Every export reads one snapshot "
            "in one process; above 2,000 articles the token formats conll, hf, prodigy and spacy are formatted by "
            "worker processes, one per core, and the other formats stay in that one process. The peaks are the exporting process's; the workers' column is "
            "the largest worker's ru_maxrss (an upper bound: Linux carries it over from the process that started it)."
            + (f" The last column is the same export with the code of `{args.against}` in the same run, and its time "
               "as a multiple of this one's (above 1: now faster)." if source else "") + "\n\n")
    body += table(rows, ("format", "time", "spans/s", "tokens/s", f"peak, {args.articles:,}", f"peak, {small:,}",
                         "workers' peak", "target", *([f"{args.against}: time, ratio"] if source else [])))
    body += "".join(f"\n\n{note}" for note in notes)
    write_section("Export formats", body)


if __name__ == "__main__":
    main()
