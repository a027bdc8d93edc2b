"""SQLite's JSON of a record is exactly the text formats.jsonl.line() makes: the fast canonical export."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.jsonl import finish_line, line
from annotator.model import Article, GoldSpan, Relation, RelationType, Span
from annotator.store import open_store
from tests.conftest import HARD_TEXTS

odd = st.text(alphabet=st.sampled_from(['"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "\x85", "é", "😀", "a", "\t", "/"]),
              max_size=6)
meta = st.dictionaries(st.sampled_from(["a", "b", "é"]), st.one_of(
    st.integers(-5, 10**12), st.floats(allow_nan=False, allow_infinity=False), odd, st.none(), st.booleans(),
    st.lists(st.integers(0, 3), max_size=2)), max_size=3)


attributes = st.lists(st.tuples(st.sampled_from(["Negation", "é", "x y"]), st.just(True) | odd), max_size=2,
                      unique_by=lambda pair: pair[0]).map(tuple)


@st.composite
def articles(draw):
    text = draw(st.lists(st.sampled_from([*HARD_TEXTS, "plain"]), min_size=1, max_size=3).map("".join))
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, draw(st.sampled_from(["CLAIM", "ACTOR"])), text[start:end],
                          draw(st.sampled_from(["a", "b"])), draw(st.none() | odd), attributes=draw(attributes)))
    spans = list({(s.start, s.end, s.label, s.annotator): s for s in spans}.values())  # no exact duplicates
    links = draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=4))
    return text, draw(odd), draw(meta), spans, links


ANY = ("CLAIM", "ACTOR")


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(articles(), min_size=1, max_size=3))
def test_sql_records_equal_python_records(tmp_path_factory, batch):
    store = open_store(tmp_path_factory.mktemp("json") / "s.db")
    store.set_label_set(store.labels(), [RelationType("LINK", ANY, ANY), RelationType("ALSO", ANY, ANY)])
    for i, (text, title, extra, spans, links) in enumerate(batch):
        article = Article(f"x{i}", text, title=title or "t", source=title, meta=extra)
        if store.article_by_sha(article.text_sha256):
            continue
        store.add_article(article)
        made = [store.add_span(article.id, span) for span in spans]
        for n, (first, second) in enumerate(links):  # relations between spans of one annotator, others are refused
            ends = made[first % len(made)] if made else None, made[second % len(made)] if made else None
            if ends[0] and ends[0].id != ends[1].id and ends[0].annotator == ends[1].annotator:
                store.insert_relation_rows([(article.id, ends[0].annotator, ("LINK", "ALSO")[n % 2], ends[0].id, ends[1].id)])
        if spans:
            store.set_status(article.id, "a", "done")
            first = spans[0]
            gold = [store.add_gold_span(article.id, GoldSpan(s.start, s.end, s.label, s.text, "rev", ("a",))) for s in spans]
            ids = sorted({g.id for g in gold})
            if len(ids) > 1:
                store.add_gold_relation(Relation("LINK", ids[-1], ids[0], "rev"))
    for options in ({}, {"annotator": "a"}, {"status": "done", "annotator": "a"}, {"gold": True}):
        def relations(article_id, options=options):
            gold = options.get("gold")
            if gold:  # nobody's, as the export writes them
                return [r for r in store.iter_relations(gold=True) if r.article_id == article_id]
            return store.relations(article_id, options.get("annotator"))

        python = [line(a, s, relations(a.id)) for a, s in store.iter_articles(**options)]
        sql = [finish_line(text) for _, text in store.iter_record_json(**options)]
        assert sql == python, options
        assert all(json.loads(text) for text in sql)
    store.close()


def test_large_jsonl_export_in_two_processes_equals_one(tmp_path, monkeypatch):
    from annotator import exporting

    store = open_store(tmp_path / "s.db")
    for i, text in enumerate([*HARD_TEXTS, "plain one", "plain two"]):
        store.add_article(Article(f"id{i:02d}", text))
        store.add_span(f"id{i:02d}", Span(0, 1, "ACTOR", text[0], "a", "n"))
    store.set_status("id03", "a", "done")
    for options in ({}, {"annotator": "a", "status": "done"}):
        monkeypatch.setattr(exporting, "PARALLEL_FROM", 10**9)
        one = exporting.export(store, exporting.ExportOptions("jsonl", tmp_path / "one.jsonl", **options))
        monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
        seen = []
        two = exporting.export(store, exporting.ExportOptions("jsonl", tmp_path / "two.jsonl", **options), lambda d, t, seen=seen: seen.append((d, t)))
        assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
        assert (two.articles, two.spans) == (one.articles, one.spans)
        assert seen[-1] == (one.articles, one.articles)
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*partial*"))
