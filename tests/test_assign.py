"""Assignment: the plan (balanced, pairs spread, seeded), `annotator assign`, what comes next, `stats` progress."""

from __future__ import annotations

import json
from collections import Counter
from contextlib import contextmanager
from itertools import combinations

import pytest
from click.testing import CliRunner

from annotator.assignment import plan
from annotator.cli import cli
from annotator.errors import UserError
from annotator.model import Article, Span
from annotator.store import open_store

TEAM = ["alice", "bob", "carol", "dave"]


def ids(n: int) -> list[str]:
    return [f"a{i:03d}" for i in range(n)]


def test_a_plan_gives_each_article_to_k_distinct_annotators_with_loads_within_one():
    made = plan(ids(41), TEAM, 2, seed=3)
    by_article: dict[str, list[str]] = {}
    for article_id, name in made.pairs:
        by_article.setdefault(article_id, []).append(name)
    assert list(by_article) == ids(41)  # corpus order kept
    assert all(len(set(names)) == len(names) == 2 for names in by_article.values())
    loads = Counter(name for _, name in made.pairs)
    assert sum(loads.values()) == 82 and max(loads.values()) - min(loads.values()) <= 1
    assert loads == made.loads


def test_every_pair_shares_articles_for_agreement_and_about_evenly():
    made = plan(ids(60), TEAM, 2, seed=0)
    shared = Counter()
    for article_id in ids(60):
        names = [n for a, n in made.pairs if a == article_id]
        shared.update(combinations(names, 2))
    assert set(shared) == set(combinations(TEAM, 2))  # six pairs, none left without a shared article
    assert max(shared.values()) - min(shared.values()) <= 2
    assert shared == made.shared


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    assert plan(ids(30), TEAM, 2, seed=7).pairs == plan(ids(30), TEAM, 2, seed=7).pairs
    assert plan(ids(30), TEAM, 2, seed=7).pairs != plan(ids(30), TEAM, 2, seed=8).pairs


def test_earlier_loads_are_evened_out_first():
    made = plan(ids(6), ["alice", "bob", "carol"], 1, loads={"alice": 4, "bob": 1})
    totals = Counter({"alice": 4, "bob": 1}) + made.loads
    assert made.loads["alice"] == 0 and sorted(totals.values()) == [3, 4, 4]


@pytest.mark.parametrize(("team", "k", "message"), [
    ([], 1, "name the annotators"), (["a", "b"], 3, "--per-article 3"), (["a", "a"], 1, "names a twice"),
    (["a", "b"], 0, "--per-article 0"),
])
def test_an_impossible_team_is_one_line(team, k, message):
    with pytest.raises(UserError, match=message):
        plan(ids(3), team, k)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path):
    """A database on each engine (a file, then a PostgreSQL URL) holding articles a000..a011."""
    target = str(request.getfixturevalue("postgres_url") if request.param == "postgres" else tmp_path / "team.db")
    with opened(target) as store:
        for article_id in ids(12):
            store.add_article(Article(article_id, f"Text number {article_id} about Paris."))
    return target


@contextmanager
def opened(target: str):
    store = open_store(target)
    try:
        yield store
    finally:
        store.close()


def assigned(target: str, annotator: str | None = None) -> list[tuple[str, str]]:
    with opened(target) as store:
        return store.assignments(annotator)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_assign_stores_the_plan_says_its_counts_and_a_rerun_adds_only_new_articles(db):
    result = run("assign", "--annotators", "alice,bob,carol", "--per-article", "2", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Assigned 12 articles to 3 annotators, 2 each (24 assignments)" in result.output
    assert "per annotator: alice 8, bob 8, carol 8" in result.output
    assert "shared (for agreement): alice+bob 4, alice+carol 4, bob+carol 4" in result.output
    with opened(db) as store:
        assert len(store.assignments()) == 24 and store.assignment_loads() == {"alice": 8, "bob": 8, "carol": 8}
        store.add_article(Article("late", "A late article about Rome."))
    again = run("assign", "--annotators", "alice,bob,carol", "--per-article", "2", "--db", str(db))
    assert "Assigned 1 article to 3 annotators, 2 each (2 assignments)" in again.output
    assert len(assigned(db)) == 26


def test_a_dry_run_stores_nothing(db):
    result = run("assign", "--annotators", "alice,bob", "--per-article", "2", "--dry-run", "--db", str(db))
    assert result.exit_code == 0 and result.output.startswith("Would have: Assigned 12 articles")
    assert assigned(db) == []


def test_status_todo_leaves_out_what_somebody_started_and_done_takes_only_finished_work(db):
    with opened(db) as store:
        store.add_span("a000", Span(0, 4, "ACTOR", "Text", "zoe"))
        store.set_status("a001", "zoe", "done")
        store.set_status("a002", "zoe", "skipped")
    assert run("assign", "--annotators", "alice", "--status", "done", "--db", str(db)).exit_code == 0
    assert assigned(db) == [("a001", "alice")]
    assert run("assign", "--annotators", "bob,carol", "--status", "todo", "--db", str(db)).exit_code == 0
    assert {a for a, _ in assigned(db, "bob") + assigned(db, "carol")} == set(ids(12)[3:])


def test_articles_file_chooses_them_and_an_unknown_id_names_its_line(db, tmp_path):
    chosen = tmp_path / "batch.txt"
    chosen.write_text("# first batch\na003\n\na005\n", "utf-8")
    result = run("assign", "--annotators", "alice,bob", "--per-article", "2", "--articles", str(chosen), "--db", str(db))
    assert result.exit_code == 0 and sorted(assigned(db)) == [
        ("a003", "alice"), ("a003", "bob"), ("a005", "alice"), ("a005", "bob")]
    again = run("assign", "--annotators", "carol", "--articles", str(chosen), "--db", str(db))
    assert "Assigned 0 articles" in again.output and "2 articles already assigned, left as they were" in again.output
    chosen.write_text("a003\nnope\n", "utf-8")
    bad = run("assign", "--annotators", "alice", "--articles", str(chosen), "--db", str(db))
    assert bad.exit_code == 1 and bad.output == f"Error: {chosen}:2: no article 'nope' in the database\n"
    assert len(assigned(db)) == 4


def test_assign_refuses_a_missing_database_and_an_impossible_overlap_in_one_line(tmp_path, db):
    missing = run("assign", "--annotators", "alice", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and "no such database" in missing.output and not (tmp_path / "none.db").exists()
    too_many = run("assign", "--annotators", "alice,bob", "--per-article", "3", "--db", str(db))
    assert too_many.exit_code == 1 and len(too_many.output.splitlines()) == 1 and "--per-article 3" in too_many.output


@pytest.fixture
def team_store(any_store):
    """A store on each engine holding articles a000..a011."""
    for article_id in ids(12):
        any_store.add_article(Article(article_id, f"Text number {article_id} about Paris."))
    return any_store


def test_next_follows_the_assignments_in_planned_order_and_wraps(team_store):
    store = team_store
    assert store.assign([("a007", "alice"), ("a002", "alice"), ("a009", "alice"), ("a004", "bob")]) == 4
    assert store.assign([("a002", "alice"), ("a011", "alice")]) == 1  # one there already is kept
    assert store.assignments("alice") == [("a007", "alice"), ("a002", "alice"), ("a009", "alice"), ("a011", "alice")]
    assert store.next_to_label("alice", None) == "a007"
    assert store.next_to_label("alice", "a007") == "a002"
    store.set_status("a009", "alice", "done")
    assert store.next_to_label("alice", "a002") == "a011"
    assert store.next_to_label("alice", "a011") == "a007"  # wraps, a009 done
    assert store.next_to_label("alice", "a005") == "a007"  # from an article not assigned: the first not done
    assert store.next_to_label("carol", "a000") == "a001"  # no assignments: the whole corpus, as before
    for article_id in ("a007", "a002", "a011"):
        store.set_status(article_id, "alice", "skipped")
    assert store.next_to_label("alice", None) is None


def test_unassigned_articles_by_team_status(team_store):
    store = team_store
    store.assign([("a000", "alice")])
    store.add_span("a001", Span(0, 4, "ACTOR", "Text", "zoe"))
    store.set_status("a002", "zoe", "done")
    store.set_status("a003", "zoe", "todo")
    assert store.unassigned_article_ids() == ids(12)[1:]
    assert store.unassigned_article_ids("todo") == ids(12)[3:]
    assert store.unassigned_article_ids("done") == ["a002"]
    with pytest.raises(UserError, match="unknown status 'started'"):
        store.unassigned_article_ids("started")


def test_progress_per_annotator_and_over_the_assigned_articles(team_store):
    store = team_store
    store.assign([("a000", "alice"), ("a000", "bob"), ("a001", "alice"), ("a001", "bob"), ("a002", "bob")])
    store.set_status("a000", "alice", "done")
    store.set_status("a000", "bob", "skipped")
    store.add_span("a001", Span(0, 4, "ACTOR", "Text", "alice"))
    store.set_status("a002", "alice", "done")  # not assigned to her: not in the assignment progress
    progress = store.assignment_progress()
    assert progress["annotators"] == {
        "alice": {"assigned": 2, "todo": 0, "in_progress": 1, "done": 1, "skipped": 0},
        "bob": {"assigned": 3, "todo": 2, "in_progress": 0, "done": 0, "skipped": 1}}
    assert progress["articles"] == {"assigned": 3, "finished": 1, "started": 1, "not_started": 1}


def test_stats_shows_progress_per_annotator_and_over_the_assigned_articles(db):
    with opened(db) as store:
        store.assign([("a000", "alice"), ("a000", "bob"), ("a001", "alice"), ("a001", "bob"), ("a002", "bob")])
        store.set_status("a000", "alice", "done")
        store.set_status("a000", "bob", "skipped")
        store.add_span("a001", Span(0, 4, "ACTOR", "Text", "alice"))
        store.set_status("a002", "alice", "done")  # not assigned to her: not in the assignment progress
    text = run("stats", "--db", str(db)).output
    assert "assignments: 3 articles: 1 finished by everyone assigned, 1 started, 1 not started" in text
    assert "  alice: 2 assigned; 1 done, 1 in progress, 0 skipped, 0 to do" in text
    assert "  bob: 3 assigned; 0 done, 0 in progress, 1 skipped, 2 to do" in text
    shown = json.loads(run("stats", "--json", "--db", str(db)).output)["assignments"]
    assert shown["annotators"]["bob"] == {"assigned": 3, "todo": 2, "in_progress": 0, "done": 0, "skipped": 1}
    assert shown["articles"] == {"assigned": 3, "finished": 1, "started": 1, "not_started": 1}


def test_stats_without_assignments_says_nothing_of_them(db):
    assert "assignments" not in run("stats", "--db", str(db)).output


def test_a_copy_between_engines_keeps_the_assignments(tmp_path, postgres_url):
    laptop = str(tmp_path / "laptop.db")
    with opened(laptop) as store:
        store.add_article(Article("a1", "One."))
        store.add_article(Article("a2", "Two."))
        store.assign([("a2", "alice"), ("a1", "alice"), ("a1", "bob")])
    assert run("copy", laptop, postgres_url).exit_code == 0
    assert run("copy", postgres_url, str(tmp_path / "back.db")).exit_code == 0
    for target in (postgres_url, str(tmp_path / "back.db")):
        assert assigned(target) == [("a2", "alice"), ("a1", "alice"), ("a1", "bob")]
        with opened(target) as store:
            assert store.next_to_label("alice", "a2") == "a1"
