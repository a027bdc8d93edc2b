"""Agreement statistics on hand-computed cases, and against scikit-learn and the krippendorff package."""

from __future__ import annotations

import math
import random
from itertools import combinations
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.agreement import (
    NONE,
    Units,
    agreement,
    alpha_binary,
    confusion_pairs,
    exact_f1,
    kappa,
    overlap_f1,
    unlabeled_f1,
)
from annotator.model import Span
from annotator.tokens import tokenize
from tests.conftest import HARD_TEXTS

LABELS = ["CLAIM", "ACTOR", "LOCATION"]
TEXT = "a b c d e f g h i j"  # ten one-letter tokens; token i is at offset 2i


def span(start, end, label, who="A", text=TEXT):
    return Span(start, end, label, text[start:end], who)


def tok(i, j, label, who="A"):
    """Tokens i..j-1 of TEXT."""
    return span(2 * i, 2 * j - 1, label, who)


def test_f1s_by_hand():
    a = [span(0, 5, "ACTOR"), span(10, 19, "CLAIM")]
    b = [span(0, 5, "ACTOR"), span(10, 17, "CLAIM"), span(6, 7, "LOCATION")]
    assert exact_f1(a, b) == pytest.approx(2 * 1 / 5)
    assert overlap_f1(a, b) == pytest.approx(2 * 2 / 5)
    assert unlabeled_f1(a, b) == pytest.approx(2 * 1 / 5)


def test_unlabeled_ignores_the_label():
    assert unlabeled_f1([span(0, 3, "ACTOR")], [span(0, 3, "LOCATION")]) == 1.0
    assert exact_f1([span(0, 3, "ACTOR")], [span(0, 3, "LOCATION")]) == 0.0


def test_nested_spans_match_each_their_own():
    a = [span(0, 19, "CLAIM"), span(0, 3, "ACTOR"), span(8, 11, "LOCATION")]
    b = [span(0, 19, "CLAIM"), span(0, 3, "ACTOR")]
    assert exact_f1(a, b) == pytest.approx(4 / 5)
    assert overlap_f1(a, b) == pytest.approx(4 / 5)


def test_overlap_matches_each_span_at_most_once():
    a = [span(0, 9, "ACTOR")]
    b = [span(0, 3, "ACTOR"), span(4, 9, "ACTOR")]
    assert overlap_f1(a, b) == pytest.approx(2 * 1 / 3)
    assert overlap_f1(a, [span(0, 3, "CLAIM")]) == 0.0  # another label never overlaps-matches


def test_an_annotator_with_no_spans():
    assert exact_f1([], [span(0, 3, "ACTOR")]) == 0.0
    assert overlap_f1([], [span(0, 3, "ACTOR")]) == 0.0
    assert exact_f1([], []) is None  # nothing to agree on
    result = agreement([(TEXT, [tok(0, 2, "ACTOR", "A")])], ["A", "B"], LABELS)
    pair = result["pairs"][0]
    assert pair["exact_f1"] == 0.0 and pair["spans_a"] == 1 and pair["spans_b"] == 0
    assert pair["per_label"]["ACTOR"]["kappa"] == 0.0  # p_o = p_e = 0.8
    assert pair["per_label"]["CLAIM"]["kappa"] is None  # nobody used CLAIM: undefined, left out of the mean
    assert pair["kappa"] == 0.0
    assert result["alpha_per_label"]["CLAIM"] is None


def test_kappa_by_hand():
    # A marks tokens 0-1, B tokens 1-2: n11 = 1, n10 = 1, n01 = 1, n00 = 7.
    # p_o = 0.8, p_e = (2·2 + 8·8) / 100 = 0.68, kappa = 0.12 / 0.32 = 0.375
    assert kappa(1, 1, 1, 7) == pytest.approx(0.375)
    result = agreement([(TEXT, [tok(0, 2, "ACTOR", "A"), tok(1, 3, "ACTOR", "B")])], ["A", "B"], LABELS)
    assert result["pairs"][0]["per_label"]["ACTOR"]["kappa"] == pytest.approx(0.375)
    assert result["tokens"] == 10
    assert cohen_kappa_score([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.375)


def test_alpha_by_hand():
    # The same two coders over ten units: one unit 1/1, two units 1/0, seven 0/0.
    # n = 20, n1 = 4, n0 = 16; D_o = 2·2·(1·1)/1 = 4; alpha = 1 - 19·4 / (2·4·16) = 1 - 76/128
    assert alpha_binary(2, 4, 20) == pytest.approx(1 - 76 / 128)
    result = agreement([(TEXT, [tok(0, 2, "ACTOR", "A"), tok(1, 3, "ACTOR", "B")])], ["A", "B"], LABELS)
    assert result["alpha_per_label"]["ACTOR"] == pytest.approx(1 - 76 / 128)
    data = [[1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]]
    assert krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") == pytest.approx(1 - 76 / 128)


def test_confusion_counts_label_conflicts_not_nesting():
    a = {(0, 19, "CLAIM"), (0, 3, "ACTOR"), (8, 11, "LOCATION")}
    b = {(0, 19, "CLAIM"), (8, 11, "ACTOR"), (14, 15, "ACTOR")}
    assert sorted(confusion_pairs(a, b)) == sorted(
        [("CLAIM", "CLAIM"), ("ACTOR", NONE), ("LOCATION", "ACTOR"), (NONE, "ACTOR")]
    )
    result = agreement([(TEXT, [span(*k, who="A") for k in a] + [span(*k, who="B") for k in b])], ["A", "B"], LABELS)
    assert result["confusion"]["LOCATION"]["ACTOR"] == 1
    assert result["confusion"]["CLAIM"]["CLAIM"] == 1
    assert result["confusion"]["ACTOR"]["CLAIM"] == 0  # an ACTOR inside a CLAIM is not confused with it


def test_units_match_a_full_tokenization():
    seed_text = (Path(__file__).parent.parent / "seeds" / "000_2fc31b5072736374.txt").read_bytes().decode()
    for text in [*HARD_TEXTS, seed_text]:
        tokens = tokenize(text)
        rng = random.Random(len(text))
        ranges = [tuple(sorted(rng.sample(range(len(text) + 1), 2))) for _ in range(5)]
        ranges = [(s, e) for s, e in ranges if s < e]
        units = Units(text, ranges)
        assert units.count == len(tokens)
        for start, end in ranges:
            expected = [t for t in tokens if t.start < end and start < t.end]
            got = units.covered(start, end)
            assert [(units.starts[i], units.ends[i]) for i in got] == [(t.start, t.end) for t in expected]


def _random_docs(rng: random.Random, annotators: list[str], docs: int = 6):
    words = ["Japan", "and", "NATO", "said", "that", "China", "𠮷", "café", "🇯🇵", "will", "meet", "in", "Brussels", "on", "Monday", ",", "while", "Russia", "talks", "."]
    out = []
    for _ in range(docs):
        text = " ".join(rng.choice(words) for _ in range(60))
        tokens = tokenize(text)
        spans = []
        for who in annotators:
            for _ in range(rng.randrange(0, 6)):
                i = rng.randrange(len(tokens) - 5)
                j = i + rng.randrange(1, 5)
                start, end = tokens[i].start, tokens[j].end
                spans.append(Span(start, end, rng.choice(LABELS), text[start:end], who))
        out.append((text, list(dict.fromkeys(spans))))  # the store holds no exact duplicates
    return out


def _agreeing_docs(rng: random.Random, annotators: list[str], docs: int = 6):
    """Like _random_docs, but each annotator keeps most of one shared set of spans and changes some."""
    out = []
    for text, base in _random_docs(rng, ["base"], docs):
        spans = []
        for who in annotators:
            for b in base:
                roll = rng.random()
                if roll < 0.15:
                    continue
                label = rng.choice(LABELS) if roll < 0.3 else b.label
                spans.append(Span(b.start, b.end, label, b.text, who))
            if rng.random() < 0.5:
                start = rng.randrange(len(text) - 10)
                spans.append(Span(start, start + 5, "CLAIM", text[start:start + 5], who))
        out.append((text, list(dict.fromkeys(spans))))  # the store holds no exact duplicates
    return out


def _vectors(docs, who, label):
    vector = []
    for text, spans in docs:
        for token in tokenize(text):
            vector.append(int(any(s.annotator == who and s.label == label and s.start < token.end
                                  and token.start < s.end for s in spans)))
    return vector


@pytest.mark.parametrize("seed", range(5))
def test_kappa_and_alpha_agree_with_the_libraries(seed):
    rng = random.Random(seed)
    annotators = ["A", "B", "C"]
    docs = _random_docs(rng, annotators)
    result = agreement(docs, annotators, LABELS)
    for pair in result["pairs"]:
        for label in LABELS:
            x, y = _vectors(docs, pair["a"], label), _vectors(docs, pair["b"], label)
            ours = pair["per_label"][label]["kappa"]
            if len(set(x) | set(y)) < 2:
                assert ours is None
            else:
                assert ours == pytest.approx(cohen_kappa_score(x, y))
    for label in LABELS:
        data = [_vectors(docs, who, label) for who in annotators]
        ours = result["alpha_per_label"][label]
        if len({v for row in data for v in row}) < 2:
            assert ours is None
        else:
            assert ours == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_json_shape_on_the_demo_seed(tmp_path):
    from annotator.agreement import store_agreement
    from annotator.corpus import seed
    from annotator.store import open_store

    store = open_store(tmp_path / "demo.db")
    seed(store)
    result = store_agreement(store)
    assert result["annotators"] == ["annotator-a", "annotator-b"] and result["articles"] == 1
    pair = result["pairs"][0]
    assert {"a", "b", "exact_f1", "overlap_f1", "unlabeled_f1", "kappa", "per_label"} <= pair.keys()
    assert 0.5 < pair["exact_f1"] < pair["overlap_f1"] < 1
    assert set(pair["per_label"]) == set(LABELS)
    assert 0.5 < result["alpha"] < 1
    assert result["confusion"]["LOCATION"]["ACTOR"] == 2  # Japan and Taiwan


@pytest.mark.parametrize("seed", range(20))
def test_identical_spans_set_aside_change_no_match(seed):
    """agreement() matches only the spans two annotators did not make identically; the result must be the same."""
    from collections import Counter

    from annotator.agreement import unlabeled_matches

    rng = random.Random(seed)
    keys = [(s, s + rng.randrange(1, 6), rng.choice(LABELS)) for s in rng.sample(range(20), 12)]
    a, b = set(rng.sample(keys, 8)), set(rng.sample(keys, 8))
    same = a & b
    assert Counter(confusion_pairs(a, b)) == Counter([(k[2], k[2]) for k in same] + confusion_pairs(a - same, b - same))
    assert unlabeled_matches(a, b) == len(same) + unlabeled_matches(a - same, b - same)


@pytest.mark.parametrize("annotators", [["A", "B"], ["A", "B", "C", "D"]])
def test_kappa_and_alpha_agree_with_the_libraries_for_two_and_four_annotators(annotators):
    docs = _random_docs(random.Random(len(annotators)), annotators, docs=8)
    result = agreement(docs, annotators, LABELS)
    for pair in result["pairs"]:
        for label in LABELS:
            x, y = _vectors(docs, pair["a"], label), _vectors(docs, pair["b"], label)
            if len(set(x) | set(y)) == 2:
                assert pair["per_label"][label]["kappa"] == pytest.approx(cohen_kappa_score(x, y))
    for label in LABELS:
        data = [_vectors(docs, who, label) for who in annotators]
        assert result["alpha_per_label"][label] == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_the_store_rows_give_the_same_report_as_span_objects(tmp_path):
    """store_agreement reads plain rows; agreement_rows over the store's Span objects must give the same figures."""
    from annotator.agreement import agreement_rows, store_agreement
    from annotator.model import Article
    from annotator.store import open_store

    store = open_store(tmp_path / "rows.db")
    rng = random.Random(5)
    for number, (text, spans) in enumerate(_random_docs(rng, ["A", "B", "C"], docs=10)):
        store.add_article(Article(f"d{number}", text))
        for s in spans:
            if s.annotator != "ABC"[number % 3]:  # each article labelled by two of the three
                store.add_span(f"d{number}", s)
    store.add_article(Article("done", TEXT))  # marked done by both, spans from one only
    store.add_span("done", tok(0, 2, "ACTOR", "A"))
    store.set_status("done", "B", "done")
    for names, labels in [(["A", "B"], LABELS), (["A", "B", "C"], ["ACTOR"]), (["C", "A"], LABELS)]:
        docs = [(article.text, [(s.annotator, s.start, s.end, s.label) for s in spans],
                 {s.annotator for s in spans} | ({"B"} if article.id == "done" else set()))
                for article, spans in store.articles_with_spans(names)]
        assert store_agreement(store, names, labels) == agreement_rows(docs, names, labels)
    assert "done" in [article.id for article, _ in store.articles_with_spans(["A", "B"], every=True)]
    both = sum({"A", "B"} <= {s.annotator for s in spans} for _, spans in store.articles_with_spans(["A", "B"]))
    assert store_agreement(store, ["A", "B"])["pairs"][0]["shared_articles"] == both + 1  # and "done"


# -- partial overlap: each pair over what it shares, alpha with missing values --------------------------


def _partial_store(tmp_path, annotators=("A", "B", "C"), docs=12, seed=3):
    """Each article labelled by two of the annotators (by turns); in the first, one of them marked it done
    without a span. Returns the store and [(text, spans, who labelled)]."""
    from annotator.model import Article
    from annotator.store import open_store

    store = open_store(tmp_path / "partial.db")
    out = []
    pairs = list(combinations(annotators, 2))
    for number, (text, spans) in enumerate(_agreeing_docs(random.Random(seed), list(annotators), docs=docs)):
        who = set(pairs[number % len(pairs)])
        kept = [s for s in spans if s.annotator in who and not (number == 0 and s.annotator == min(who))]
        store.add_article(Article(f"d{number}", text))
        for s in kept:
            store.add_span(f"d{number}", s)
        for name in who:
            store.set_status(f"d{number}", name, "done")
        out.append((text, kept, who))
    return store, out


def _shifted(docs, who):
    """The spans of one annotator over several texts as one set, each text's offsets moved past the last."""
    out, at = [], 0
    for text, spans, *_ in docs:
        out += [Span(s.start + at, s.end + at, s.label, s.text, s.annotator) for s in spans if s.annotator == who]
        at += len(text) + 1
    return out


def test_each_pair_over_what_it_shares_agrees_with_scikit_learn_and_krippendorff(tmp_path):
    from annotator.agreement import store_agreement

    store, docs = _partial_store(tmp_path)
    result = store_agreement(store)
    assert result["articles"] == 12 and len(result["pairs"]) == 3
    for pair in result["pairs"]:
        shared = [d for d in docs if {pair["a"], pair["b"]} <= d[2]]
        assert pair["shared_articles"] == len(shared) == 4
        assert pair["shared_tokens"] == sum(len(tokenize(text)) for text, *_ in shared)
        a, b = _shifted(shared, pair["a"]), _shifted(shared, pair["b"])
        assert pair["exact_f1"] == pytest.approx(exact_f1(a, b))
        assert pair["overlap_f1"] == pytest.approx(overlap_f1(a, b))
        assert pair["unlabeled_f1"] == pytest.approx(unlabeled_f1(a, b))
        for label in LABELS:
            texts = [(text, spans) for text, spans, _ in shared]
            x, y = _vectors(texts, pair["a"], label), _vectors(texts, pair["b"], label)
            ours = pair["per_label"][label]["kappa"]
            assert ours is None if len(set(x) | set(y)) < 2 else ours == pytest.approx(cohen_kappa_score(x, y))
    for label in LABELS:
        data = [[v if who in labelled else math.nan for text, spans, labelled in docs
                 for v in _vectors([(text, spans)], who, label)] for who in "ABC"]
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert result["alpha_per_label"][label] == pytest.approx(expected)


def test_alpha_with_missing_values_for_four_annotators_and_articles_of_two_three_and_four(tmp_path):
    from annotator.agreement import agreement_rows

    rng = random.Random(11)
    docs = _random_docs(rng, ["A", "B", "C", "D"], docs=9)
    rows = []
    for number, (text, spans) in enumerate(docs):
        who = set(rng.sample("ABCD", 2 + number % 3))
        rows.append((text, [(s.annotator, s.start, s.end, s.label) for s in spans if s.annotator in who], who))
    result = agreement_rows(rows, list("ABCD"), LABELS)
    for label in LABELS:
        data = [[v if who in labelled else math.nan for text, spans, labelled in rows
                 for v in _vectors([(text, [Span(s, e, lb, "", w) for w, s, e, lb in spans])], who, label)]
                for who in "ABCD"]
        assert result["alpha_per_label"][label] == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_the_seed_plus_an_annotator_on_other_articles_keeps_the_pair_that_shares_one(tmp_path):
    """Issue 16: a third annotator on seven other articles made every figure null."""
    from annotator.agreement import format_table, store_agreement
    from annotator.corpus import seed
    from annotator.model import Article
    from annotator.store import open_store

    store = open_store(tmp_path / "demo.db")
    seed(store)
    before = store_agreement(store)
    for number in range(7):
        store.add_article(Article(f"x{number}", f"Japan and NATO met {number} times."))
        store.add_span(f"x{number}", Span(0, 5, "ACTOR", "Japan", "annotator-c"))
    result = store_agreement(store)
    ab, ac, bc = result["pairs"]
    assert (ab["a"], ab["b"], ab["shared_articles"]) == ("annotator-a", "annotator-b", 1)
    assert ab["exact_f1"] == pytest.approx(0.8125) and ab == before["pairs"][0]
    assert ac["shared_articles"] == bc["shared_articles"] == 0 and ac["exact_f1"] is None and bc["kappa"] is None
    assert result["alpha"] == pytest.approx(before["alpha"]) and result["articles"] == 1
    assert result["mean"] == before["mean"]
    table = format_table(result)
    assert "annotator-a / annotator-c          no shared article" in table and "0.812" in table


def test_annotators_narrow_the_comparison_and_min_shared_leaves_out_pairs(tmp_path):
    from annotator.agreement import format_table, store_agreement

    store, docs = _partial_store(tmp_path, annotators=("A", "B", "C", "D"), docs=13)
    full = store_agreement(store)
    shared = {(p["a"], p["b"]): p["shared_articles"] for p in full["pairs"]}
    assert shared[("A", "B")] == 3 and shared[("A", "C")] == 2
    narrow = store_agreement(store, ["A", "B"])
    assert [(p["a"], p["b"]) for p in narrow["pairs"]] == [("A", "B")] and narrow["articles"] == 3
    assert narrow["pairs"][0] == full["pairs"][0]
    some = store_agreement(store, min_shared=3)
    assert [(p["a"], p["b"]) for p in some["pairs"]] == [("A", "B")]
    assert [(h["a"], h["b"], h["shared_articles"]) for h in some["hidden_pairs"]][:2] == [("A", "C", 2), ("A", "D", 2)]
    assert some["mean"]["exact_f1"] == some["pairs"][0]["exact_f1"]
    assert some["alpha"] == full["alpha"]  # alpha is over all annotators, whatever pairs are shown
    assert sum(map(sum, (row.values() for row in some["confusion"].values()))) < sum(
        map(sum, (row.values() for row in full["confusion"].values())))
    assert "5 pairs sharing fewer than 3 articles not shown: A / C (2)" in format_table(some)


def test_bootstrap_intervals_are_seeded_and_narrow_with_more_articles(tmp_path):
    from annotator.agreement import agreement

    docs = _agreeing_docs(random.Random(2), ["A", "B"], docs=10)
    one = agreement(docs, ["A", "B"], LABELS, bootstrap=200)
    assert one == agreement(docs, ["A", "B"], LABELS, bootstrap=200)
    assert one != agreement(docs, ["A", "B"], LABELS, bootstrap=200, seed=1)
    assert one["bootstrap"] == {"resamples": 200, "seed": 0, "level": 0.95}
    pair = one["pairs"][0]
    for stat in ("exact_f1", "overlap_f1", "unlabeled_f1", "kappa"):
        low, high = pair[f"{stat}_ci"]
        assert low <= pair[stat] <= high and low < high
    low, high = one["alpha_ci"]
    assert low <= one["alpha"] <= high
    four = agreement(docs * 4, ["A", "B"], LABELS, bootstrap=200)  # the same figures on four times the articles
    assert four["pairs"][0]["exact_f1"] == pytest.approx(pair["exact_f1"])
    width = lambda ci: ci[1] - ci[0]  # noqa: E731
    assert width(four["pairs"][0]["exact_f1_ci"]) < 0.75 * width(pair["exact_f1_ci"])
    assert width(four["alpha_ci"]) < 0.75 * width(one["alpha_ci"])
    single = agreement(docs[:1], ["A", "B"], LABELS, bootstrap=50)
    assert single["pairs"][0]["exact_f1_ci"] is None and single["alpha_ci"] is None  # one article: no spread


def test_a_resample_totals_the_articles_it_draws(tmp_path):
    """The packed sums give the same counts as counting the drawn articles one by one."""
    from annotator.agreement import Tally

    store, docs = _partial_store(tmp_path)
    rows = [(text, [(s.annotator, s.start, s.end, s.label) for s in spans], who) for text, spans, who in docs]
    tally = Tally(["A", "B", "C"], LABELS, keep=True)
    for doc in rows:
        tally.add(*doc)
    drawn = random.Random(9).choices(range(len(rows)), k=len(rows))
    direct = Tally(["A", "B", "C"], LABELS)
    for i in drawn:
        direct.add(*rows[i])
    resampled = tally.resample(random.Random(9))
    assert +resampled == +direct.totals and len(set(drawn)) < len(rows)


def test_the_output_validates_against_the_agreement_schema(tmp_path):
    import json

    from annotator import schema
    from annotator.agreement import store_agreement

    store, _ = _partial_store(tmp_path, annotators=("A", "B", "C", "D"), docs=8)
    validator = schema.validator("agreement")
    for options in ({}, {"bootstrap": 30}, {"min_shared": 2, "bootstrap": 10}, {"min_shared": 99}):
        result = json.loads(json.dumps(store_agreement(store, **options)))
        validator.validate(result)
    result["pairs"] = [{"a": "A"}]
    assert not validator.is_valid(result)
