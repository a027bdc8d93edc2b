"""A team on one PostgreSQL database: `annotator team init/add-annotator/add-reviewer`, and the server's own rules
(row-level security, grants) letting each member write only their own work, even with hand-written SQL."""

from __future__ import annotations

import itertools
import json
import os

import psycopg
import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.errors import UserError
from annotator.model import Article, GoldSpan, Span
from annotator.store import open_store
from annotator.store.team import add_member, init_team

TEXT = "Japan and NATO met in Brussels."
_numbers = itertools.count()


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def team(postgres_databases):
    """A team database made by `annotator team init` as the superuser: {role: URL} for the coordinator carol, the
    annotators alice and bob, and the reviewer rita; one article, a1."""
    cluster = postgres_databases.cluster
    name = f"team_{next(_numbers)}_{os.getpid()}"
    init_team(cluster.url(name), "carol")
    urls = {who: cluster.url(name, user=who) for who in ("carol", "alice", "bob", "rita")}
    coordinator = open_store(urls["carol"])
    for who in ("alice", "bob"):
        add_member(coordinator, who, reviewer=False)
    add_member(coordinator, "rita", reviewer=True)
    coordinator.close()
    coordinator = open_store(urls["carol"])
    coordinator.add_article(Article("a1", TEXT))
    coordinator.close()
    yield urls
    cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def connect(team):
    """connect(who) -> a store connected as that member (or any URL), closed after the test."""
    opened = []

    def open_as(who: str):
        opened.append(open_store(team.get(who, who)))
        return opened[-1]

    yield open_as
    for store in opened:
        store.close()


def test_annotator_a_cannot_change_b_s_span_even_with_hand_written_sql(team, connect):
    alice, bob = connect("alice"), connect("bob")
    mine = alice.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice"))
    raw = bob.conn.raw
    assert raw.execute("UPDATE spans SET label = 'LOCATION' WHERE id = %s", (mine.id,)).rowcount == 0
    assert raw.execute("UPDATE spans SET annotator = 'bob' WHERE id = %s", (mine.id,)).rowcount == 0
    assert raw.execute("DELETE FROM spans WHERE id = %s", (mine.id,)).rowcount == 0
    assert raw.execute("DELETE FROM spans").rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        raw.execute("INSERT INTO spans (article_id, annotator, label, start, \"end\", text) "
                    "VALUES ('a1', 'alice', 'ACTOR', 10, 14, 'NATO')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        raw.execute("SET ROLE alice")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        raw.execute("INSERT INTO statuses (article_id, annotator, status) VALUES ('a1', 'alice', 'done')")
    assert bob.spans("a1") == [mine]  # everyone reads everyone's work
    assert connect("carol").spans("a1") == [mine]
    assert alice.status("a1", "alice") == "in_progress"


def test_the_store_refuses_in_one_line_and_changes_nothing(team, connect):
    alice, bob = connect("alice"), connect("bob")
    mine = alice.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice"))
    with pytest.raises(UserError, match="^postgresql://bob@.*not allowed .*row-level security.*nothing was changed$"):
        bob.add_span("a1", Span(10, 14, "ACTOR", "NATO", "alice"))
    with pytest.raises(UserError, match="not allowed .*permission denied for table articles"):
        bob.add_article(Article("a2", "Another text."))
    with pytest.raises(UserError, match="not allowed .*permission denied for table gold_spans"):
        bob.add_gold_span("a1", GoldSpan(0, 5, "ACTOR", "Japan", "bob"))
    connect("rita").add_gold_span("a1", GoldSpan(0, 5, "ACTOR", "Japan", "rita"))
    assert [s.id for s in alice.spans("a1")] == [mine.id] and len(alice.gold_spans("a1")) == 1


def test_a_member_is_their_role_and_the_coordinator_is_bound_by_nothing(team, connect):
    assert connect("alice").member_role() == "alice"
    assert connect("rita").member_role() == "rita"
    assert connect("carol").member_role() is None
    carol = connect("carol")
    carol.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice"))  # the coordinator imports and merges anyone's work
    assert carol.assign([("a1", "alice")]) == 1


def test_the_command_line_takes_the_name_from_the_role_and_a_refused_write_is_one_line(team, tmp_path, connect):
    records = tmp_path / "mine.jsonl"
    records.write_text(json.dumps({"text": TEXT, "spans": [{"start": 10, "end": 14, "label": "ACTOR"}]}) + "\n", "utf-8")
    code, out = run("import", records, "--db", team["alice"])
    assert code == 0 and "1 already present" in out, out
    assert [(s.annotator, s.text) for s in connect("carol").spans("a1")] == [("alice", "NATO")]
    records.write_text(json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ACTOR",
                                                            "annotator": "alice"}]}) + "\n", "utf-8")
    code, out = run("import", records, "--db", team["bob"])
    assert code == 1 and out.count("\n") == 1 and "not allowed" in out and "Traceback" not in out, out
    code, out = run("assign", "--annotators", "alice,bob", "--db", team["bob"])
    assert code == 1 and out.count("\n") == 1 and "permission denied for table assignments" in out, out
    code, out = run("team", "add-annotator", "mallory", "--db", team["bob"])
    assert code == 1 and out.count("\n") == 1 and "not allowed" in out, out


def test_init_again_keeps_the_team_and_a_bad_name_or_a_non_team_database_is_one_line(team, postgres_url, connect):
    superuser = team["carol"].replace("carol@", "postgres@", 1)
    code, out = run("team", "init", superuser, "--coordinator", "carol")
    assert code == 0 and "handed to carol" in out, out
    assert connect("bob").member_role() == "bob"
    code, out = run("team", "add-annotator", "pg_admin", "--db", team["carol"])
    assert code == 1 and "a team member's name is a letter" in out
    code, out = run("team", "add-annotator", "alice", "--db", postgres_url)
    assert code == 1 and "not a team database yet" in out, out


def test_team_commands_make_the_database_the_roles_and_say_so(postgres_databases):
    cluster = postgres_databases.cluster
    name = f"cli_team_{os.getpid()}"
    code, out = run("team", "init", cluster.url(name), "--coordinator", "cora")
    assert code == 0 and f"database {name} made for cora" in out and f"groups {name}_annotators and" in out, out
    coordinator = cluster.url(name, user="cora")
    code, out = run("team", "add-annotator", "ann", "--db", coordinator)
    assert code == 0 and out == f"ann: new login role, now annotator ({name}_annotators)\n", out
    code, out = run("team", "add-reviewer", "ann", "--db", coordinator)
    assert code == 0 and out == f"ann: existing role, now reviewer ({name}_annotators, {name}_reviewers)\n", out
    member = open_store(cluster.url(name, user="ann"))
    assert member.member_role() == "ann"
    member.close()
    cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")


def test_the_role_is_the_default_name_for_that_command_only(team):
    from annotator import paths

    code, out = run("stats", "--db", team["alice"])
    assert code == 0 and paths.signed_in is None and paths.default_annotator() == "tester"


def test_a_database_filled_before_the_team_is_handed_to_the_coordinator(postgres_url):
    with_data = open_store(postgres_url)  # made as the superuser, as `annotator copy` or an import would
    with_data.add_article(Article("a1", TEXT))
    with_data.assign([("a1", "ann")])
    with_data.close()
    code, out = run("team", "init", postgres_url, "--coordinator", "cora")
    assert code == 0 and "handed to cora" in out, out
    coordinator_url = postgres_url.replace("postgres@", "cora@", 1)
    coordinator = open_store(coordinator_url)
    add_member(coordinator, "ann", reviewer=False)
    member = open_store(postgres_url.replace("postgres@", "ann@", 1))
    try:
        assert member.next_to_label("ann", None) == "a1"
        member.add_span("a1", Span(0, 5, "ACTOR", "Japan", "ann"))
        coordinator.add_article(Article("a2", "Owned by the coordinator now."))
        assert [s.annotator for s in coordinator.spans("a1")] == ["ann"]
    finally:
        member.close()
        coordinator.close()
