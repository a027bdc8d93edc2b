"""Every command on a PostgreSQL database (--db URL, $ANNOTATOR_DB), its errors in one line, and `annotator copy`
between the two engines both ways."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import EXPORT_FORMATS, cli
from annotator.model import Article, GoldSpan, Relation, Span, Suggestion
from annotator.store import open_store

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Japan and NATO met in Brussels. 東京で会った"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def annotator_db(path: Path, who: str, phrases: list[tuple[str, str]]) -> Path:
    store = open_store(path)
    store.add_article(Article("a1", TEXT, title="Meeting"))
    for phrase, label in phrases:
        start = TEXT.index(phrase)
        store.add_span("a1", Span(start, start + len(phrase), label, phrase, who))
    store.set_status("a1", who, "done")
    store.close()
    return path


@pytest.mark.slow
def test_every_command_on_a_postgresql_database(tmp_path, postgres_url, monkeypatch):
    db = postgres_url
    assert run("import", ROOT / "seeds", "--db", db)[1].startswith("1 new")
    alice = annotator_db(tmp_path / "alice.db", "alice", [("Japan", "ACTOR"), ("Brussels", "LOCATION")])
    bob = annotator_db(tmp_path / "bob.db", "bob", [("Japan", "ACTOR"), ("NATO", "ACTOR")])
    code, out = run("merge", alice, bob, "--db", db)
    assert code == 0 and "1 new article" in out and "4 spans added" in out, out
    monkeypatch.setenv("ANNOTATOR_DB", db)  # the same database named once for every command after
    code, out = run("stats", "--json")
    stats = json.loads(out)
    assert code == 0 and stats["articles"] == 2 and stats["annotators"]["alice"]["done"] == 1
    assert run("labels")[1].splitlines()[0].startswith("1  CLAIM")
    code, out = run("agreement", "--annotators", "alice,bob", "--json")
    assert code == 0 and json.loads(out)["pairs"][0]["exact_f1"] == 0.5
    code, out = run("review", "--accept-agreed", "--annotators", "alice,bob", "--reviewer", "rita")
    assert code == 0 and "1 span accepted" in out, out
    assert run("relations")[0] == 0
    for fmt in EXPORT_FORMATS:
        out_path = tmp_path / f"out-{fmt}"
        code, out = run("export", "--format", fmt, "--out", out_path, *(() if fmt == "jsonl" else ("--annotator", "alice")))
        assert code == 0, (fmt, out)
        assert out_path.exists(), fmt
    exported = [json.loads(line) for line in (tmp_path / "out-jsonl").read_text("utf-8").splitlines()]
    assert {(s["annotator"], s["text"]) for r in exported for s in r["spans"] if r["id"] == "a1"} == {
        ("alice", "Japan"), ("alice", "Brussels"), ("bob", "Japan"), ("bob", "NATO")}
    code, out = run("export", "--gold", "--format", "jsonl", "--out", "-")
    gold = {r["id"]: r for r in map(json.loads, (line for line in out.splitlines() if line.startswith("{")))}
    assert code == 0 and [(s["text"], s["attributes"]["Reviewer"]) for s in gold["a1"]["spans"]] == [("Japan", "rita")]
    code, out = run("report", "--out", tmp_path / "report")
    assert code == 0 and (tmp_path / "report" / "index.html").exists(), out
    code, out = run("suggest", "--annotator", "carol", "--propagate")
    assert code == 0, out
    assert run("suggestions", "--annotator", "carol")[0] == 0
    code, out = run("patterns", "--out", tmp_path / "patterns.jsonl")
    assert code == 0 and (tmp_path / "patterns.jsonl").exists(), out
    shot = subprocess.run([sys.executable, "-m", "annotator", "gui", "--screenshot", str(tmp_path / "window.png")],
                          capture_output=True, text=True)  # a process of its own: the window's timers end with it
    assert shot.returncode == 0 and (tmp_path / "window.png").stat().st_size > 1000, shot.stderr


def test_a_server_that_is_not_there_is_one_line(tmp_path):
    code, out = run("stats", "--db", f"postgresql://nobody@/annotator?host={tmp_path}")
    assert code == 1 and out.count("\n") == 1 and "Traceback" not in out
    assert out.startswith("Error: postgresql://nobody@/annotator?host=") and "no PostgreSQL server answers there" in out


def test_a_refused_login_a_missing_database_and_a_newer_schema_are_one_line(postgres_url, postgres_databases):
    host = postgres_url.split("?")[1]
    code, out = run("stats", "--db", f"postgresql://nobody@/postgres?{host}")
    assert code == 1 and "the server has no such user (role)" in out and out.count("\n") == 1
    postgres_databases.cluster.admin("CREATE ROLE with_password LOGIN PASSWORD 'right'")
    code, out = run("stats", "--db", f"postgresql://with_password:wrong@/postgres?{host}")
    assert code == 1 and "the server refused the login" in out and "wrong" not in out and out.count("\n") == 1
    code, out = run("stats", "--db", f"postgresql://postgres:secret@/no_such_db?{host}")
    assert code == 1 and "no such database on the server" in out and "secret" not in out and out.count("\n") == 1
    store = open_store(postgres_url)
    store.conn.execute("UPDATE schema_version SET version = 99")
    store.close()
    code, out = run("stats", "--db", postgres_url)
    assert code == 1 and "written by a newer annotator (schema version 99" in out and out.count("\n") == 1
    empty = postgres_databases.new(empty=True)
    code, out = run("export", "--db", empty, "--out", "-")
    assert code == 1 and "holds no annotator database yet" in out
    postgres_databases.drop(empty)


def test_a_database_holding_other_tables_is_refused(postgres_databases):
    url = postgres_databases.new(empty=True)
    postgres_databases.cluster.admin(f"ALTER DATABASE {url.split('?')[0].rsplit('/', 1)[1]} SET search_path = public")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    code, out = run("stats", "--db", url)
    assert code == 1 and "not an annotator database (it holds other tables)" in out
    postgres_databases.drop(url)


def filled(store) -> None:
    """A bit of everything a database holds: spans with attributes and notes, statuses, gold, a rejection,
    a review status, relations, gold relations, suggestions and a rejected one."""
    store.add_article(Article("a1", TEXT, title="Meeting", source="news.txt", meta={"page": 3}))
    store.add_article(Article("a0", "Another text.", title="Second"))
    japan = store.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice", note="the state", attributes=(("Negation", True),)))
    nato = store.add_span("a1", Span(10, 14, "ACTOR", "NATO", "alice"))
    gone = store.add_span("a1", Span(22, 30, "LOCATION", "Brussels", "alice"))
    store.delete_span(gone.id)  # an id that is never used again, on either engine
    store.add_span("a1", Span(0, 5, "ACTOR", "Japan", "bob"))
    store.set_status("a1", "alice", "done")
    store.set_status("a0", "bob", "skipped")
    claim = store.add_span("a1", Span(0, 30, "CLAIM", TEXT[:30], "alice"))
    store.add_relation(Relation("CLAIMED_BY", claim.id, japan.id, "alice"))
    gold_japan = store.add_gold_span("a1", GoldSpan(0, 5, "ACTOR", "Japan", "rita", ("alice", "bob")))
    gold_claim = store.add_gold_span("a1", GoldSpan(0, 30, "CLAIM", TEXT[:30], "rita", ("alice",)))
    store.add_gold_relation(Relation("CLAIMED_BY", gold_claim.id, gold_japan.id, "rita"))
    store.add_rejection("a1", (10, 14, "ACTOR"), "rita")
    store.set_review_status("a1", "reviewed", "rita")
    store.add_suggestions("carol", "a1", [Suggestion(10, 14, "ACTOR", "NATO", "propagation", 0.9),
                                          Suggestion(22, 30, "LOCATION", "Brussels", "patterns", 0.5)])
    store.reject_suggestion(store.suggestions("a1", "carol")[0].id)
    assert nato.id


def everything(store) -> dict:
    """Every row of every table, as tuples: what a copy must keep."""
    from annotator.store.transfer import TABLES

    found = {"articles": list(store.conn.execute(
        "SELECT id, title, text, text_sha256, source, meta, created FROM articles ORDER BY rowid"))}
    for table, columns in TABLES.items():
        found[table] = sorted(tuple(row) for row in store.conn.execute(f"SELECT {columns} FROM {table}"))
    found["labels"], found["types"] = store.labels(), store.relation_types()
    return found


def test_copy_moves_a_whole_database_to_postgresql_and_back(tmp_path, postgres_url):
    source = open_store(tmp_path / "laptop.db")
    filled(source)
    before = everything(source)
    source.close()
    code, out = run("copy", tmp_path / "laptop.db", postgres_url)
    assert code == 0 and out.startswith("Copied 2 articles to postgresql://") and ": spans 4, statuses 3, gold spans 2" in out, out
    assert "2 articles not yet in the search index" in out and "annotator index --db postgresql://" in out, out
    team = open_store(postgres_url)
    assert everything(team) == before
    assert team.search("japan") == []  # copied, waiting for the search index
    code, out = run("index", "--db", postgres_url)
    assert code == 0 and out.startswith("Indexed 2 articles for search"), out
    assert team.search("japan") == [("a1", "Meeting")] and team.search("東京") == [("a1", "Meeting")]
    code, out = run("copy", postgres_url, tmp_path / "back.db")
    assert code == 0, out
    back = open_store(tmp_path / "back.db")
    assert everything(back) == before
    assert back.index_for_search(10) == 2
    assert back.search("japan") == [("a1", "Meeting")] and back.search("東京") == [("a1", "Meeting")]
    back.close()
    later = team.add_span("a0", Span(0, 7, "ACTOR", "Another", "dave"))
    assert later.id == 6  # after the five spans made on the laptop (one deleted there), as SQLite would go on
    team.close()
    code, out = run("copy", tmp_path / "laptop.db", tmp_path / "back.db")
    assert code == 1 and "already holds articles" in out
