"""The word index (FTS5): what a user types becomes a query it can answer."""

from annotator.model import Article
from annotator.store import open_store


def test_a_word_with_an_underscore_is_searched_as_its_parts(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_article(Article("code", "a snake_case name"))
    store.add_article(Article("prose", "a snake in the case"))
    store.add_article(Article("other", "a snake"))
    store.index_for_search(100)
    assert [row[0] for row in store.search("snake_case")] == ["code", "prose"]
    assert [row[0] for row in store.search("snake_ca")] == ["code", "prose"]
    assert [row.id for _, row in store.article_page("me", search="_case_")] == ["code", "prose"]
