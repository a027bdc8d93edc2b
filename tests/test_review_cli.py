"""The merge, review, agreement and report commands through click's CliRunner on temporary databases."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import cli
from annotator.corpus import seed
from annotator.model import Article, Span
from annotator.store import open_store


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def demo_db(tmp_path):
    path = tmp_path / "demo.db"
    store = open_store(path)
    seed(store)
    store.close()
    return path


def annotator_db(path, who, phrases):
    text = "Japan and NATO met in Brussels."
    store = open_store(path)
    store.add_article(Article("a1", text))
    for phrase, label in phrases:
        start = text.index(phrase)
        store.add_span("a1", Span(start, start + len(phrase), label, phrase, who))
    store.close()
    return path


def test_merge_then_agreement_then_review(tmp_path):
    alice = annotator_db(tmp_path / "alice.db", "alice", [("Japan", "ACTOR"), ("Brussels", "LOCATION")])
    bob = annotator_db(tmp_path / "bob.db", "bob", [("Japan", "ACTOR"), ("NATO", "ACTOR")])
    db = tmp_path / "review.db"
    code, out = run("merge", alice, bob, "--db", db)
    assert code == 0 and "1 new article, 1 already present; 4 spans added" in out
    code, out = run("merge", alice, bob, "--db", db)
    assert code == 0 and "0 spans added" in out
    code, out = run("agreement", "--db", db, "--json")
    result = json.loads(out)
    assert code == 0 and result["annotators"] == ["alice", "bob"] and result["pairs"][0]["exact_f1"] == 0.5
    code, out = run("review", "--accept-agreed", "--db", db, "--reviewer", "rita")
    assert code == 0 and "1 span accepted" in out and "2 disagreements left to review in 1 article" in out
    store = open_store(db)
    assert [(g.text, g.reviewer, g.annotators) for g in store.gold_spans("a1")] == [("Japan", "rita", ("alice", "bob"))]


def test_agreement_table_and_filters(tmp_path):
    db = demo_db(tmp_path)
    code, out = run("agreement", "--db", db)
    assert code == 0 and "annotator-a / annotator-b" in out and "confusion" in out and "Krippendorff" in out
    code, out = run("agreement", "--db", db, "--labels", "ACTOR", "--json")
    assert code == 0 and list(json.loads(out)["per_label"]) == ["ACTOR"]


def test_bad_requests_get_one_line_errors(tmp_path):
    db = demo_db(tmp_path)
    for args, message in [
        (["agreement", "--annotators", "annotator-a,nobody"], "unknown annotator 'nobody'"),
        (["agreement", "--annotators", "annotator-a"], "two or more annotators"),
        (["agreement", "--labels", "EVENT"], "unknown label 'EVENT'"),
        (["review", "--accept-agreed", "--min-agree", "5"], "--min-agree must be between 1 and 2"),
        (["merge", tmp_path / "missing.db"], "no such database file"),
    ]:
        code, out = run(*args, "--db", db)
        assert code == 1 and out.startswith("Error: ") and message in out and "Traceback" not in out


def test_merge_refuses_a_text_file_and_writes_nothing(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes\n" * 100)
    good = annotator_db(tmp_path / "alice.db", "alice", [("Japan", "ACTOR")])
    db = tmp_path / "review.db"
    code, out = run("merge", good, bogus, "--db", db)
    assert code == 1 and "notes.db: not an annotator database" in out
    assert open_store(db).article_count() == 0


def test_review_without_options_shows_the_counts(tmp_path):
    code, out = run("review", "--db", demo_db(tmp_path))
    assert code == 0 and "1 unreviewed, 0 in review, 0 reviewed articles" in out


def test_report_writes_a_page_and_charts(tmp_path):
    db = demo_db(tmp_path)
    store = open_store(db)
    store.add_article(Article("evil", "<script>alert('x')</script> is data"))
    store.add_span("evil", Span(0, 8, "ACTOR", "<script>", "<b>mallory</b>"))
    store.close()
    code, out = run("report", "--db", db, "--out", tmp_path / "report", "--annotators", "annotator-a,annotator-b")
    assert code == 0, out
    page = (tmp_path / "report" / "index.html").read_text()
    for name in ("progress", "labels", "agreement", "confusion"):
        assert f"src='{name}.svg'" in page
        assert (tmp_path / "report" / f"{name}.svg").read_text().startswith("<svg")
    code, out = run("report", "--db", db, "--out", tmp_path / "all")
    page = (tmp_path / "all" / "index.html").read_text()
    assert code == 0 and "<b>mallory" not in page and "&lt;b&gt;mallory" in page
    assert "<b>mallory" not in (tmp_path / "all" / "labels.svg").read_text()


def test_export_gold_gives_exactly_the_accepted_spans(tmp_path):
    db = demo_db(tmp_path)
    code, _ = run("review", "--accept-agreed", "--db", db, "--reviewer", "rita")
    assert code == 0
    code, _ = run("export", "--gold", "--format", "jsonl", "--out", tmp_path / "gold.jsonl", "--db", db)
    assert code == 0
    [record] = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text("utf-8").splitlines()]
    store = open_store(db)
    [article_id] = store.article_ids()
    expected = {(g.start, g.end, g.label, g.text) for g in store.gold_spans(article_id)}
    assert len(expected) == 26
    assert {(s["start"], s["end"], s["label"], s["text"]) for s in record["spans"]} == expected
    assert all("annotator" not in s and s["attributes"] == {"Reviewer": "rita"} for s in record["spans"])


def _seed_and_a_third_annotator(tmp_path):
    """The demo seed (annotator-a and -b share its article) and annotator-c on seven other articles."""
    db = demo_db(tmp_path)
    store = open_store(db)
    for number in range(7):
        store.add_article(Article(f"x{number}", f"Japan and NATO met {number} times."))
        store.add_span(f"x{number}", Span(0, 5, "ACTOR", "Japan", "annotator-c"))
    store.close()
    return db


def test_agreement_compares_each_pair_over_what_it_shares(tmp_path):
    from annotator import schema

    db = _seed_and_a_third_annotator(tmp_path)
    code, out = run("agreement", "--db", db)
    assert code == 0 and "annotator-a / annotator-c          no shared article" in out
    assert "annotator-a / annotator-b                1" in out and "0.812" in out
    code, out = run("agreement", "--db", db, "--json", "--bootstrap", "20", "--min-shared", "1")
    result = json.loads(out)
    schema.validator("agreement").validate(result)
    [pair] = result["pairs"]
    assert (pair["a"], pair["b"], pair["shared_articles"], pair["exact_f1"]) == ("annotator-a", "annotator-b", 1, 0.8125)
    assert pair["exact_f1_ci"] is None and result["bootstrap"]["resamples"] == 20  # one article: no interval
    assert [h["b"] for h in result["hidden_pairs"]] == ["annotator-c", "annotator-c"]
    code, out = run("agreement", "--db", db, "--annotators", "annotator-a,annotator-c", "--json")
    assert code == 0 and json.loads(out)["pairs"][0]["shared_articles"] == 0 and json.loads(out)["articles"] == 0
    code, out = run("agreement", "--db", db, "--bootstrap", "-1")
    assert code == 2 and "-1" in out


def test_report_names_the_articles_behind_each_figure_and_draws_the_pair_matrix(tmp_path):
    db = _seed_and_a_third_annotator(tmp_path)
    code, out = run("report", "--db", db, "--out", tmp_path / "report", "--bootstrap", "20")
    assert code == 0, out
    page = (tmp_path / "report" / "index.html").read_text()
    assert "no shared article" in page and "src='pairs.svg'" in page and "20 bootstrap resamples" in page
    assert "<td>1</td><td>362</td><td>0.812" in page  # annotator-a / annotator-b: 1 article, 362 tokens
    pairs = (tmp_path / "report" / "pairs.svg").read_text()
    assert "0.81" in pairs and "1 art." in pairs and ">none<" in pairs
    agreement = (tmp_path / "report" / "agreement.svg").read_text()
    assert "alpha over 1 article labelled" in agreement and "mean of 1 pair sharing 1 article;" in agreement


def test_accept_agreed_with_min_agree_1_leaves_rival_labels_to_the_reviewer(tmp_path):
    alice = annotator_db(tmp_path / "alice.db", "alice", [("NATO", "ACTOR"), ("Brussels", "LOCATION")])
    bob = annotator_db(tmp_path / "bob.db", "bob", [("NATO", "LOCATION")])
    db = tmp_path / "review.db"
    run("merge", alice, bob, "--db", db)
    code, out = run("review", "--accept-agreed", "--min-agree", "1", "--db", db, "--reviewer", "rita")
    assert code == 0 and "1 span accepted" in out and "2 disagreements left to review in 1 article" in out
    assert [(g.text, g.label) for g in open_store(db).gold_spans("a1")] == [("Brussels", "LOCATION")]
