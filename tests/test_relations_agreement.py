"""Relation agreement per pair: exact and overlap F1, overall and per type, from the store to the CLI's table and JSON."""

import json

from click.testing import CliRunner

from annotator import schema
from annotator.agreement import format_table, store_agreement
from annotator.cli import cli
from annotator.model import Article, Relation, Span
from annotator.relation_agreement import overlap_matches, relation_agreement

TEXT = "Nakatani said Japan needs NATO in Brussels."
CLAIM, WIDER, NAKATANI, BRUSSELS = (14, 30, "CLAIM"), (14, 42, "CLAIM"), (0, 8, "ACTOR"), (34, 42, "LOCATION")


def test_exact_needs_the_same_ends_overlap_matches_one_to_one():
    a = [("CLAIMED_BY", CLAIM, NAKATANI), ("ABOUT", CLAIM, BRUSSELS)]
    b = [("CLAIMED_BY", WIDER, NAKATANI), ("ABOUT", CLAIM, BRUSSELS), ("ABOUT", WIDER, BRUSSELS)]
    assert overlap_matches(a, b) == [(a[1], a[1]), (a[0], b[0])]
    result = relation_agreement([([("x", *link) for link in a] + [("y", *link) for link in b], {"x", "y"})],
                                ["x", "y"], ["CLAIMED_BY", "ABOUT"])
    [pair] = result["pairs"]
    assert (pair["relations_a"], pair["relations_b"], pair["shared_articles"]) == (2, 3, 1)
    assert (pair["exact_f1"], pair["overlap_f1"]) == (2 * 1 / 5, 2 * 2 / 5)
    assert pair["per_type"]["CLAIMED_BY"] == {"exact_f1": 0.0, "overlap_f1": 1.0, "relations_a": 1, "relations_b": 1}
    assert pair["per_type"]["ABOUT"]["exact_f1"] == 2 / 3


def test_a_pair_is_compared_only_over_articles_both_labelled():
    rows = [("x", "ABOUT", CLAIM, BRUSSELS)]
    result = relation_agreement([(rows, {"x"}), ([], {"x", "y"})], ["x", "y"], ["ABOUT"])
    assert result["pairs"][0]["shared_articles"] == 1 and result["pairs"][0]["relations_a"] == 0
    assert result["pairs"][0]["exact_f1"] is None


def test_store_agreement_reports_relations_in_json_and_table(store, tmp_path):
    store.add_article(Article("a1", TEXT))
    for who, claim in (("alice", CLAIM), ("bob", WIDER)):
        c = store.add_span("a1", Span(claim[0], claim[1], "CLAIM", TEXT[claim[0]:claim[1]], who))
        n = store.add_span("a1", Span(0, 8, "ACTOR", "Nakatani", who))
        store.add_relation(Relation("CLAIMED_BY", c.id, n.id))
    result = json.loads(json.dumps(store_agreement(store)))
    schema.validator("agreement").validate(result)
    broken = json.loads(json.dumps(result))
    del broken["relations"]["pairs"][0]["per_type"]["CLAIMED_BY"]["overlap_f1"]
    assert not schema.validator("agreement").is_valid(broken)
    [pair] = result["relations"]["pairs"]
    assert (pair["a"], pair["b"], pair["exact_f1"], pair["overlap_f1"]) == ("alice", "bob", 0.0, 1.0)
    table = format_table(result)
    assert "relations: pair" in table and "  CLAIMED_BY" in table
    from annotator.report import write_report

    html = write_report(store, tmp_path / "report", bootstrap=0).read_text("utf-8")
    assert "<h3>Relations</h3>" in html and "<td>alice / bob</td><td>1</td><td>1</td><td>0.000</td><td>1.000</td>" in html
    store.close()
    output = CliRunner().invoke(cli, ["agreement", "--db", store.path]).output
    assert "alice / bob" in output.split("relations: pair")[1]


def test_without_relations_the_report_has_no_relations_part(store):
    store.add_article(Article("a1", TEXT))
    for who in ("alice", "bob"):
        store.add_span("a1", Span(0, 8, "ACTOR", "Nakatani", who))
    assert "relations" not in store_agreement(store)
    from annotator.report import page

    assert "<h3>Relations</h3>" not in page(store, store_agreement(store))
