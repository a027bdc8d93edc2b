"""Merging past the 20,000-span batch, and the command line's summary of a merge with conflicts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator import review
from annotator.cli import cli
from annotator.model import Article, Span, sha256_text
from annotator.store import Store, open_store

SIZES = [5100, 5100, 5100, 5100, 10]  # spans an article: the batch of 20,000 fills before the last one


def _spans(store) -> set:
    return set(store.conn.execute("SELECT a.text_sha256, s.annotator, s.start, s.end, s.label FROM spans s "
                                  "JOIN articles a ON a.id = s.article_id"))


@pytest.mark.slow
def test_a_merge_past_one_batch_keeps_every_span_once(tmp_path, store, monkeypatch):
    texts = [f"{n} " + "x" * size for n, size in enumerate(SIZES)]
    alice = open_store(tmp_path / "alice.db")
    with alice.transaction():
        alice.insert_article_rows([(f"a{n}", "", text, sha256_text(text), "", "{}", "") for n, text in enumerate(texts)])
        alice.insert_span_rows([(f"a{n}", "alice", "ACTOR", i, i + 1, "x", None, "", "")
                                for n, text in enumerate(texts) for i in range(2, len(text))])
    wanted = _spans(alice)
    alice.close()
    store.add_article(Article("here", texts[1]))  # already here, with the first 100 of alice's spans
    with store.transaction():
        for i in range(2, 102):
            store.add_span("here", Span(i, i + 1, "ACTOR", "x", "alice"))
    batches = []
    insert = Store.insert_span_rows
    monkeypatch.setattr(Store, "insert_span_rows", lambda self, rows: batches.append(len(rows)) or insert(self, rows))

    report = review.merge(store, [tmp_path / "alice.db"])

    assert len([n for n in batches if n]) >= 2, batches  # the batch was written before the end
    assert (report.articles, report.present, report.spans, report.spans_present) == (4, 1, sum(SIZES) - 100, 100)
    assert _spans(store) == wanted
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == sum(SIZES)
    assert sorted(store.article_ids()) == ["a0", "a2", "a3", "a4", "here"]


def test_the_merge_summary_names_each_article_not_merged(tmp_path):
    alice = open_store(tmp_path / "alice.db")
    alice.add_article(Article("a1", "Alice's text under a1."))
    alice.add_article(Article("a2", "Japan spoke."))
    alice.add_span("a2", Span(0, 5, "ACTOR", "Japan", "alice"))
    alice.close()
    ours = open_store(tmp_path / "ours.db")
    ours.add_article(Article("a1", "Our own text under a1."))
    ours.close()

    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "alice.db"), "--db", str(tmp_path / "ours.db")])

    assert result.exit_code == 0, result.output
    assert result.stderr == ("Not merged: alice.db: article 'a1' differs from the one here with that id; not merged\n"
                             "2 articles not yet in the search index: the window indexes them in the background, "
                             f"or now: annotator index --db {tmp_path / 'ours.db'}\n")
    assert result.stdout == ("1 new article, 0 already present; 1 span added (0 already present); "
                             "1 article not merged (text differs under the same id)\n")
    ours = open_store(tmp_path / "ours.db")
    assert ours.article("a1").text == "Our own text under a1."
    assert [(s.annotator, s.text) for s in ours.spans("a2")] == [("alice", "Japan")]
    ours.close()
