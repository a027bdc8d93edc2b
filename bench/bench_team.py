"""Benchmark of a team on one database (issue 14): 20 simulated annotators, separate processes, each its own
PostgreSQL role, adding, relabelling and deleting spans at once; span writes per second, p50/p95 latency (goal:
p95 under 50 ms), and afterwards every annotator's spans checked against what they wrote (zero lost or
misattributed). The same load on one SQLite file is the baseline. Run flat out, then paced (a write every 200 ms
per annotator). Skipped, saying so, without a PostgreSQL server or psycopg.
Standalone: python bench/bench_team.py [--annotators N] [--writes N]"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import table, write_section  # noqa: E402

from annotator.model import Article, Span  # noqa: E402
from annotator.store import open_store  # noqa: E402

TITLE = "Team: 20 annotators writing at once"
WORDS = ("Japan", "NATO", "Brussels", "minister", "said", "talks", "would", "resume", "next", "week", "after", "the",
         "summit", "in", "Geneva", "where", "officials", "from", "several", "countries", "met", "to", "discuss")
LABELS = ("CLAIM", "ACTOR", "LOCATION")
# durable against a killed process, not a power cut, on both engines (the window's setting: fast_commits)
SERVER_SETTINGS = "-c listen_addresses='' -c max_connections=60 -c shared_buffers=64MB"


def article_text(i: int) -> str:
    rng = random.Random(i)
    return f"Article {i}: " + " ".join(rng.choice(WORDS) for _ in range(80)) + "."


def word_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for word in text.split(" "):
        spans.append((start, start + len(word)))
        start += len(word) + 1
    return spans[2:-1]


# -- one annotator: a separate process -----------------------------------------------------------------------------


def worker(target: str, name: str, writes: int, pace: float, start_at: float, seed: int) -> dict:
    """Write `writes` span changes as `name` (adds; one in ten a label change, one in ten a delete), each timed."""
    store = open_store(target)
    store.fast_commits()
    rng = random.Random(seed)
    articles = [article_id for article_id, _ in store.assignments(name)]
    texts = {article_id: store.article(article_id).text for article_id in articles}
    free = {article_id: word_spans(texts[article_id]) for article_id in articles}
    mine: dict[int, list] = {}
    latencies, errors = [], []
    time.sleep(max(0.0, start_at - time.time()))
    began, began_at = time.perf_counter(), time.time()
    for i in range(writes):
        roll = rng.random()
        article_id = articles[i % len(articles)]
        started = time.perf_counter()
        try:
            if roll < 0.1 and mine:
                span_id = rng.choice(list(mine))
                label = rng.choice([x for x in LABELS if x != mine[span_id][4]])
                store.update_span(span_id, annotator=name, label=label)
                mine[span_id][4] = label
            elif roll < 0.2 and mine:
                span_id = rng.choice(list(mine))
                store.delete_span(span_id, annotator=name)
                del mine[span_id]
            else:
                start, end = free[article_id].pop(rng.randrange(len(free[article_id])))
                text = texts[article_id][start:end]
                made = store.add_span(article_id, Span(start, end, rng.choice(LABELS), text, name))
                mine[made.id] = [made.id, article_id, start, end, made.label]
        except Exception as e:  # counted and shown: a bench that hides failures would measure nothing
            errors.append(f"{type(e).__name__}: {e}")
        latencies.append(time.perf_counter() - started)
        if pace:
            time.sleep(max(0.0, began + (i + 1) * pace - time.perf_counter()))
    ended_at = time.time()
    store.close()
    return {"latencies": latencies, "spans": list(mine.values()), "errors": errors[:5], "error_count": len(errors),
            "began": began_at, "ended": ended_at}


# -- the load, on one engine ---------------------------------------------------------------------------------------


def run_load(targets: dict[str, str], coordinator: str, writes: int, pace: float) -> dict:
    """Start one process per annotator at once; then check the database against what each says it wrote."""
    start_at = time.time() + 3.0  # every process connected and ready before the first write
    processes = {
        name: subprocess.Popen([sys.executable, __file__, "--worker", url, name, str(writes), str(pace),
                                str(start_at), str(i)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for i, (name, url) in enumerate(targets.items())
    }
    results = {name: json.loads(p.communicate()[0].strip().splitlines()[-1]) for name, p in processes.items()}
    latencies = sorted(x for r in results.values() for x in r["latencies"])
    store = open_store(coordinator)
    stored = {(s.id, s.annotator, s.start, s.end, s.label) for a in store.article_ids() for s in store.spans(a)}
    store.close()
    expected = {(i, name, start, end, label) for name, r in results.items() for i, _, start, end, label in r["spans"]}
    stored_ids = {row[0]: row for row in stored}
    lost = [row for row in expected if row not in stored]
    misattributed = [row for row in expected if row[0] in stored_ids and stored_ids[row[0]][1] != row[1]]
    extra = [row for row in stored if row not in expected]
    seconds = max(r["ended"] for r in results.values()) - min(r["began"] for r in results.values())
    return {
        "writes": len(latencies), "errors": sum(r["error_count"] for r in results.values()),
        "error_examples": [e for r in results.values() for e in r["errors"]][:3],
        "p50_ms": 1000 * statistics.median(latencies), "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1], "seconds": seconds,
        "lost": len(lost), "misattributed": len(misattributed), "extra": len(extra),
    }


def fill(store, annotators: list[str], articles: int) -> None:
    for i in range(articles):
        store.add_article(Article(f"a{i:04d}", article_text(i)))
    from annotator.assignment import plan

    store.assign(plan(store.article_ids(), annotators, min(2, len(annotators)), seed=1).pairs)


def sqlite_load(annotators: list[str], articles: int, writes: int, pace: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "team.db")
        store = open_store(path)
        fill(store, annotators, articles)
        store.close()
        return run_load({name: path for name in annotators}, path, writes, pace)


def postgres_load(cluster, annotators: list[str], articles: int, writes: int, pace: float, run: int,
                  quiet: bool = False) -> dict:
    from annotator.store.team import add_member, init_team

    name = f"bench_team_{run}"
    init_team(cluster.url(name), "coordinator")
    coordinator = cluster.url(name, user="coordinator")
    store = open_store(coordinator)
    for member in annotators:
        add_member(store, member, reviewer=False)
    fill(store, annotators, articles)
    if quiet:  # the NOTIFY of live updates off, to show what it costs (schema version 2's triggers)
        for table in ("spans", "statuses"):
            for event in ("insert", "update", "delete"):
                store.conn.raw.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_notify_{event}")
    store.close()
    try:
        return run_load({member: cluster.url(name, user=member) for member in annotators}, coordinator, writes, pace)
    finally:
        cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")


def start_cluster():
    """A throw-away server (tests/postgres.py) with fsync on, or None and why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed (pip install 'annotator[postgres]')"
    from tests import postgres

    found = postgres.server_bin()
    if found is None:
        return None, "no PostgreSQL server binaries (initdb) on this machine"
    postgres.SERVER_SETTINGS = SERVER_SETTINGS
    return postgres.Cluster(found).start(), ""


def row(engine: str, mode: str, r: dict, baseline: dict | None) -> tuple:
    rate = r["writes"] / r["seconds"] if r["seconds"] else 0
    versus = f"{rate / (baseline['writes'] / baseline['seconds']):.2f}x" if baseline else "baseline"
    return (engine, mode, f"{rate:,.0f}", versus, f"{r['p50_ms']:.1f} ms", f"{r['p95_ms']:.1f} ms",
            f"{r['max_ms']:.0f} ms", f"{r['lost']} / {r['misattributed']} / {r['extra']}", r["errors"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--writes", type=int, default=150, help="span writes per annotator")
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    cluster, why = start_cluster()
    if cluster is None:
        print(f"skipped: {why}")
        return
    annotators = [f"annot{i:02d}" for i in range(1, args.annotators + 1)]
    load = os.getloadavg()[0]
    rows = []
    try:
        modes = (("one annotator alone, flat out", 0.0, annotators[:1]), ("flat out", 0.0, annotators),
                 ("a write every 200 ms each", 0.2, annotators))
        for run, (mode, pace, team) in enumerate(modes):
            base = sqlite_load(team, args.articles, args.writes, pace)
            ours = postgres_load(cluster, team, args.articles, args.writes, pace, run)
            rows += [row("SQLite file", mode, base, None), row("PostgreSQL, a role each", mode, ours, base)]
            print(json.dumps({"mode": mode, "sqlite": base, "postgres": ours}), flush=True)
            if mode == "flat out":
                quiet = postgres_load(cluster, team, args.articles, args.writes, pace, len(modes), quiet=True)
                rows.append(row("PostgreSQL, live updates' NOTIFY off", mode, quiet, base))
    finally:
        cluster.stop()
    body = (
        f"{args.annotators} annotators, each a separate process connected as their own PostgreSQL role (row-level "
        f"security on), each making {args.writes} span writes at once on {args.articles} articles assigned 2 per "
        "article: adds, one in ten a label change, one in ten a delete, each through the store (one transaction, "
        "its checks included), timed from call to return. Baseline: the same processes on one SQLite file (WAL; "
        "writers take turns). Both commit as the window does: durable when a process is killed, not on a power cut "
        "(PostgreSQL `synchronous_commit=off` with fsync on; SQLite `synchronous=NORMAL`). Writes per second: all "
        "writes over the time from the first process's first write to the last one's last. Afterwards every "
        f"annotator's spans are read back and compared with what its process says it wrote. Load average at the "
        f"start: {load:.1f} (2 cores shared with other jobs: absolute times are noisy, compare the rows). The "
        "first rows are one process alone: what a write costs each engine (adding a span on PostgreSQL is three "
        "round trips to the server: begin sent with the span's checks in one query, the insert with its status in "
        "one statement, commit; it was seven before; SQLite's are calls in the same process). Flat out, 20 clients and 20 server processes share the cores, and their waits add up; "
        "paced as people label, the latency is the write's own.\n\n"
        + table(rows, ("engine", "load", "writes/s", "vs SQLite", "p50", "p95 (goal < 50 ms)", "max",
                       "lost / misattributed / extra", "errors"))
    )
    write_section(TITLE, body)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        url, name, writes, pace, start_at, seed = sys.argv[2:8]
        print(json.dumps(worker(url, name, int(writes), float(pace), float(start_at), int(seed))))
    else:
        main()
