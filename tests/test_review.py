"""Review: candidates and their kinds, decisions into the gold layer with provenance, undo, accept-agreed, export."""

from __future__ import annotations

import io
import json

import pytest

from annotator import review
from annotator.errors import UserError
from annotator.formats import jsonl
from annotator.model import Article, Span

TEXT = "Nakatani said Japan and NATO will meet in Brussels on Monday."
AB = ["alice", "bob"]


def s(phrase, label, who, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(phrase, start + 1)
    return Span(start, start + len(phrase), label, phrase, who)


@pytest.fixture
def article(store):
    store.add_article(Article("a1", TEXT))
    for span in [
        s("Nakatani said Japan and NATO will meet", "CLAIM", "alice"),
        s("Nakatani said Japan and NATO will meet", "CLAIM", "bob"),
        s("Nakatani", "ACTOR", "alice"), s("Nakatani", "ACTOR", "bob"),  # agreed
        s("Japan", "ACTOR", "alice"), s("Japan", "LOCATION", "bob"),  # label differs
        s("NATO", "ACTOR", "alice"), s("NATO will", "ACTOR", "bob"),  # boundaries differ
        s("Brussels", "LOCATION", "alice"),  # bob lacks it
    ]:
        store.add_span("a1", span)
    return "a1"


def kinds(found):
    return {(c.text, c.label): (c.kind, c.annotators) for c in found}


def test_candidates_and_their_kinds(store, article):
    found = review.article_candidates(store, article, AB)
    assert kinds(found) == {
        ("Nakatani said Japan and NATO will meet", "CLAIM"): ("agreed", ("alice", "bob")),
        ("Nakatani", "ACTOR"): ("agreed", ("alice", "bob")),
        ("Japan", "ACTOR"): ("label", ("alice",)),
        ("Japan", "LOCATION"): ("label", ("bob",)),
        ("NATO", "ACTOR"): ("boundary", ("alice",)),
        ("NATO will", "ACTOR"): ("boundary", ("bob",)),
        ("Brussels", "LOCATION"): ("missing", ("alice",)),
    }
    japan = next(c for c in found if c.text == "Japan" and c.label == "ACTOR")
    assert [(r.text, r.label) for r in review.rivals(japan, found)] == [("Japan", "LOCATION")]


def test_a_nested_span_of_the_same_label_one_annotator_lacks_is_missing_not_boundary():
    outer = Span(0, 20, "CLAIM", "x" * 20, "alice")
    found = review.candidates([outer, Span(0, 20, "CLAIM", "x" * 20, "bob"), Span(5, 9, "CLAIM", "x" * 4, "alice")], AB)
    assert [c.kind for c in found] == ["agreed", "missing"]


def test_accept_and_reject_write_the_gold_layer_with_provenance(store, article):
    found = review.article_candidates(store, article, AB)
    japan = next(c for c in found if c.text == "Japan" and c.label == "ACTOR")
    review.apply(store, review.plan_accept(store, article, japan, "rita"))
    [gold] = store.gold_spans(article)
    assert (gold.text, gold.label, gold.reviewer, gold.annotators, gold.decision) == (
        "Japan", "ACTOR", "rita", ("alice",), "accepted")
    assert store.review_status(article) == "in_review"
    brussels = next(c for c in found if c.text == "Brussels")
    review.apply(store, review.plan_reject(store, article, brussels, "rita"))
    assert store.rejections(article) == {brussels.key}
    states = {c.text: review.state(c, {g.key for g in store.gold_spans(article)}, store.rejections(article))
              for c in found}
    assert states["Japan"] in {"accepted", "pending"} and states["Brussels"] == "rejected"
    assert states["Nakatani"] == "pending"


def test_accept_version_rejects_the_rivals_and_undo_restores_everything(store, article):
    found = review.article_candidates(store, article, AB)
    nato = next(c for c in found if c.text == "NATO will")
    decision = review.plan_accept_version(store, article, nato, found, "rita")
    review.apply(store, decision)
    assert [g.text for g in store.gold_spans(article)] == ["NATO will"]
    assert store.rejections(article) == {next(c for c in found if c.text == "NATO").key}
    review.revert(store, decision)
    assert store.gold_spans(article) == [] and store.rejections(article) == set()
    assert store.review_status(article) == "unreviewed"
    review.apply(store, decision)  # redo
    assert [g.text for g in store.gold_spans(article)] == ["NATO will"]


def test_accepting_a_rejected_candidate_takes_back_the_rejection(store, article):
    found = review.article_candidates(store, article, AB)
    brussels = next(c for c in found if c.text == "Brussels")
    review.apply(store, review.plan_reject(store, article, brussels, "rita"))
    accept = review.plan_accept(store, article, brussels, "rita")
    review.apply(store, accept)
    assert store.rejections(article) == set() and [g.text for g in store.gold_spans(article)] == ["Brussels"]
    review.revert(store, accept)
    assert store.rejections(article) == {brussels.key} and store.gold_spans(article) == []


def test_add_and_fix(store, article):
    found = review.article_candidates(store, article, AB)
    start = TEXT.index("Monday")
    review.apply(store, review.plan_add(store, article, start, start + 6, "CLAIM", "rita"))
    nato = next(c for c in found if c.text == "NATO")
    fix = review.plan_fix(store, article, nato, nato.start, nato.end, "LOCATION", "rita")
    review.apply(store, fix)
    gold = {g.text: g for g in store.gold_spans(article)}
    assert gold["Monday"].decision == "added" and gold["Monday"].annotators == ()
    assert (gold["NATO"].label, gold["NATO"].decision, gold["NATO"].annotators) == ("LOCATION", "fixed", ("alice",))
    assert nato.key in store.rejections(article)
    review.revert(store, fix)
    assert [g.text for g in store.gold_spans(article)] == ["Monday"]


def test_accept_agreed_is_idempotent_and_reports_what_is_left(store, article):
    report = review.accept_agreed(store, AB, None, "rita")
    assert (report.articles, report.accepted, report.pending, report.pending_articles) == (1, 2, 5, 1)
    assert sorted(g.text for g in store.gold_spans(article)) == ["Nakatani", "Nakatani said Japan and NATO will meet"]
    assert all(g.annotators == ("alice", "bob") for g in store.gold_spans(article))
    again = review.accept_agreed(store, AB, None, "rita")
    assert again.accepted == 0 and len(store.gold_spans(article)) == 2
    one = review.accept_agreed(store, AB, 1, "rita")  # what anyone made, unless another made a rival version
    assert one.accepted == 1 and one.pending == 4 and store.review_status(article) == "in_review"
    assert "Brussels" in {g.text for g in store.gold_spans(article)}


def test_accept_agreed_never_accepts_rival_versions(store, article):
    """Issue 9.13: `--min-agree 1` with two annotators made NATO gold as both ACTOR and LOCATION."""
    store.add_span(article, s("Monday", "ACTOR", "alice"))
    store.add_span(article, s("Monday", "LOCATION", "bob"))
    report = review.accept_agreed(store, AB, 1, "rita")
    gold = {(g.text, g.label) for g in store.gold_spans(article)}
    assert not {("Monday", "ACTOR"), ("Monday", "LOCATION"), ("Japan", "ACTOR"), ("Japan", "LOCATION")} & gold
    assert not {("NATO", "ACTOR"), ("NATO will", "ACTOR")} & gold  # overlapping boundary variants
    assert report.pending == 6 and "6 disagreements left" in report.summary()
    assert store.review_status(article) == "in_review"


def test_a_version_k_annotators_made_is_accepted_when_its_rival_falls_short(store):
    store.add_article(Article("a2", TEXT))
    for who in ("alice", "bob"):
        store.add_span("a2", s("NATO", "ACTOR", who))
        store.add_span("a2", s("Japan", "LOCATION", who))
    store.add_span("a2", s("NATO", "LOCATION", "carol"))
    store.add_span("a2", s("Japan", "LOCATION", "carol"))
    store.add_span("a2", s("Japan", "ACTOR", "carol"))  # carol gives Japan both labels: not a rival of her own
    report = review.accept_agreed(store, ["alice", "bob", "carol"], 2, "rita")
    assert {(g.text, g.label) for g in store.gold_spans("a2")} == {("NATO", "ACTOR"), ("Japan", "LOCATION")}
    assert report.pending == 2 and store.review_status("a2") == "in_review"


def test_two_versions_that_both_reach_k_are_both_left_even_when_one_annotator_made_both(store):
    """bob gives NATO both labels: alice's ACTOR and carol's LOCATION each reach 2, so neither is accepted."""
    store.add_article(Article("a3", TEXT))
    for who, label in (("alice", "ACTOR"), ("bob", "ACTOR"), ("bob", "LOCATION"), ("carol", "LOCATION")):
        store.add_span("a3", s("NATO", label, who))
    report = review.accept_agreed(store, ["alice", "bob", "carol"], 2, "rita")
    assert store.gold_spans("a3") == [] and report.pending == 2
    assert store.review_status("a3") == "unreviewed"


def test_a_rejected_rival_no_longer_contests_but_a_gold_one_does(store, article):
    found = review.article_candidates(store, article, AB)
    japan_location = next(c for c in found if c.text == "Japan" and c.label == "LOCATION")
    review.apply(store, review.plan_reject(store, article, japan_location, "rita"))
    nato = next(c for c in found if c.text == "NATO")
    review.apply(store, review.plan_fix(store, article, nato, nato.start, nato.end + 10, "ACTOR", "rita"))
    review.accept_agreed(store, AB, 1, "rita")
    gold = {(g.text, g.label) for g in store.gold_spans(article)}
    assert ("Japan", "ACTOR") in gold  # its only rival was rejected
    assert ("NATO will", "ACTOR") not in gold  # bob's version conflicts with the reviewer's fixed "NATO will meet"
    assert [(g.text, g.decision) for g in store.gold_spans(article) if "NATO" in g.text and g.label == "ACTOR"] == [
        ("NATO will meet", "fixed")]


def test_an_article_is_reviewed_only_when_no_annotator_has_anything_pending(store):
    store.add_article(Article("a2", TEXT))
    for who in AB:
        store.add_span("a2", s("NATO", "ACTOR", who))
    store.add_span("a2", s("Brussels", "LOCATION", "carol"))  # carol is not among the compared annotators
    report = review.accept_agreed(store, AB, None, "rita")
    assert report.accepted == 1 and report.pending == 1 and report.reviewed == 0
    assert store.review_status("a2") == "in_review"
    review.apply(store, review.plan_reject(store, "a2", review.article_candidates(store, "a2", ["carol"])[0], "rita"))
    assert review.accept_agreed(store, AB, None, "rita").reviewed == 1 and store.review_status("a2") == "reviewed"


def test_the_window_accepts_agreed_spans_by_the_same_rule(store, article):
    found = review.article_candidates(store, article, AB)
    d = review.plan_accept_agreed(store, article, found, "rita", 1)
    assert {(g.text, g.label) for g in d.add} == {("Nakatani said Japan and NATO will meet", "CLAIM"),
                                                  ("Nakatani", "ACTOR"), ("Brussels", "LOCATION")}


def test_accept_agreed_refuses_a_bad_threshold(store, article):
    with pytest.raises(UserError, match="between 1 and 2"):
        review.accept_agreed(store, AB, 3, "rita")


def test_export_gold_gives_exactly_the_accepted_spans(store, article):
    found = review.article_candidates(store, article, AB)
    review.accept_agreed(store, AB, None, "rita")
    japan = next(c for c in found if c.text == "Japan" and c.label == "LOCATION")
    review.apply(store, review.plan_accept_version(store, article, japan, found, "rita"))
    review.apply(store, review.plan_reject(store, article, next(c for c in found if c.text == "Brussels"), "rita"))
    out = io.StringIO()
    jsonl.write(store.iter_articles(gold=True), out)
    [record] = [json.loads(line) for line in out.getvalue().splitlines()]
    got = {(x["start"], x["end"], x["label"], x["text"]) for x in record["spans"]}
    assert got == {(g.start, g.end, g.label, g.text) for g in store.gold_spans(article)}
    assert {x[3] for x in got} == {"Nakatani", "Nakatani said Japan and NATO will meet", "Japan"}
    assert all("annotator" not in x and x["attributes"] == {"Reviewer": "rita"} for x in record["spans"])


def test_accept_agreed_keeps_earlier_decisions_and_statuses(store, article):
    """The batched accept-agreed does what accepting span by span did: decided keys stay as they are."""
    found = review.article_candidates(store, article, AB)
    nakatani = next(c for c in found if c.text == "Nakatani")
    review.apply(store, review.plan_reject(store, article, nakatani, "pat"))
    store.add_article(Article("a2", TEXT + " Again."))
    store.add_span("a2", s("Brussels", "LOCATION", "alice"))
    store.add_span("a2", s("Brussels", "LOCATION", "bob"))
    store.set_review_status("a2", "reviewed", "pat")
    report = review.accept_agreed(store, AB, None, "rita")
    assert (report.articles, report.accepted, report.reviewed) == (2, 2, 1)
    assert [g.text for g in store.gold_spans(article)] == ["Nakatani said Japan and NATO will meet"]
    assert store.rejections(article) == {nakatani.key}
    assert store.review_status(article) == "in_review" and store.review_status("a2") == "reviewed"
    [brussels] = store.gold_spans("a2")
    assert (brussels.reviewer, brussels.annotators, brussels.decision) == ("rita", ("alice", "bob"), "accepted")


def test_accept_agreed_refuses_a_span_whose_text_differs_and_writes_nothing(store, article):
    store.insert_span_rows([("a1", who, "ACTOR", 0, 4, "Xaka", None, "x.db", "t") for who in AB])
    with pytest.raises(UserError, match="differs"):
        review.accept_agreed(store, AB, None, "rita")
    assert store.gold_spans(article) == [] and store.review_status(article) == "unreviewed"
