"""Plain-text files that share a name get distinct ids; `annotator stats` prints its table."""

from __future__ import annotations

from click.testing import CliRunner

from annotator.cli import cli
from annotator.corpus import import_files
from annotator.model import Article, Span


def test_txt_files_with_one_name_keep_their_folder_names(store, tmp_path):
    texts = {"a": "Japan spoke first.", "b": "NATO spoke second.", "c": "China spoke third."}
    for folder, text in texts.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(text, encoding="utf-8")
    report = import_files(store, [tmp_path / "a", tmp_path / "b"], annotator="alice")
    assert report.new == 2
    report = import_files(store, [tmp_path / "c" / "report.txt", tmp_path / "a" / "report.txt"], annotator="alice")
    assert (report.new, report.present) == (1, 1)
    ids = {store.article(i).text: i for i in store.article_ids()}
    assert ids == {texts["a"]: "a/report", texts["b"]: "b/report", texts["c"]: "c/report"}  # their folders tell them apart


def test_stats_prints_a_table_of_labels_and_annotators(store):
    store.add_article(Article("a1", "Japan and NATO met in Brussels."))
    store.add_article(Article("a2", "China objected."))
    store.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice"))
    store.add_span("a1", Span(22, 30, "LOCATION", "Brussels", "alice"))
    store.add_span("a1", Span(10, 14, "ACTOR", "NATO", "bob"))
    store.set_status("a1", "alice", "done")
    store.set_status("a2", "carol", "skipped")
    result = CliRunner().invoke(cli, ["stats", "--db", store.path])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "articles: 2   spans: 3   gold spans: 0",
        "  CLAIM               0",
        "  ACTOR               2",
        "  LOCATION            1",
        "alice: 2 spans; 1 done, 0 in progress, 0 skipped, 1 to do",
        "bob: 1 span; 0 done, 1 in progress, 0 skipped, 1 to do",  # a span starts the article
        "carol: 0 spans; 0 done, 0 in progress, 1 skipped, 1 to do",
    ]
