"""Words in scripts written without spaces: ICU's dictionary words, the one-character fallback, CoNLL tokens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import words
from annotator.exporting import ExportOptions, export
from annotator.tokens import tokenize
from tests.formats_common import make_store

JAPANESE = "東京都に住んでいる田中さんは昨日新しい本を買いました。"
CHINESE = "北京是中华人民共和国的首都。"
THAI = "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ"


def texts_of(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [t.text for t in tokenize(text, start, end)]


def test_icu_cuts_japanese_chinese_and_thai_into_dictionary_words():
    assert "ICU" in words.segmenter()
    assert texts_of(JAPANESE)[:3] == ["東京", "都", "に"]
    assert "田中" in texts_of(JAPANESE) and "昨日" in texts_of(JAPANESE)
    assert texts_of(CHINESE) == ["北京", "是", "中华", "人民", "共和国", "的", "首都", "。"]
    assert texts_of(THAI)[:3] == ["ภาษา", "ไทย", "เป็น"]
    assert "".join(texts_of(THAI)) == THAI


def test_offsets_stay_code_points_past_astral_characters_and_marks():
    text = "😀𠮷野家で食べた e\u0301 東\u3099京"
    for token in tokenize(text):
        assert text[token.start:token.end] == token.text
    assert "野家" in texts_of(text)


def test_a_window_into_a_run_sees_the_words_of_the_whole_run():
    whole = tokenize(JAPANESE)
    inner = tokenize(JAPANESE, 3, 20)
    assert [t for t in inner if t.start > 3 and t.end < 20] == [t for t in whole if t.start > 3 and t.end < 20]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([JAPANESE, CHINESE, THAI, "𠮷", " ", "abc", "e\u0301", "\n"]), min_size=1, max_size=6)
       .map("".join), st.integers(0, 200), st.integers(0, 200))
def test_tokens_of_any_window_are_the_whole_texts_cut_at_its_edges(text, a, b):
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    expected = [(max(t.start, a), min(t.end, b)) for t in tokenize(text) if max(t.start, a) < min(t.end, b)]
    assert [(t.start, t.end) for t in tokenize(text, a, b)] == expected


def test_without_icu_every_character_is_a_word_never_the_whole_run(without_icu):
    assert "one character" in words.segmenter()
    assert texts_of("東京で𠮷野家") == ["東", "京", "で", "𠮷", "野", "家"]
    thai = texts_of("ที่ไม่")  # marks stay with their consonant
    assert thai == ["ที่", "ไ", "ม่"]
    assert texts_of("서울에서") == ["서", "울", "에", "서"]  # Hangul as before, with or without ICU


def test_hangul_is_a_character_a_token_with_icu_too():
    assert texts_of("서울에서 만났다") == ["서", "울", "에", "서", "만", "났", "다"]


def read_conll(path) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, tag = line.split("\t")
        current.append((token, tag))
    return sentences + ([current] if current else [])


def test_a_conll_export_of_japanese_has_a_token_a_word(tmp_path):
    from seqeval.metrics.sequence_labeling import get_entities

    text = "田中さんは東京都に住んでいる。"
    records = [{"id": "ja", "text": text, "spans": [
        {"start": 0, "end": 2, "label": "ACTOR"},
        {"start": 5, "end": 7, "label": "LOCATION"},  # 東京 out of ICU's 東京都 (or 東京 + 都): a token either way
    ]}]
    store = make_store(tmp_path, records)
    export(store, ExportOptions("conll", tmp_path / "out.conll"))
    [sentence] = read_conll(tmp_path / "out.conll")
    tokens = [token for token, _ in sentence]
    assert tokens[:2] == ["田中", "さん"] and "東京" in tokens and len(tokens) > 6
    entities = get_entities([tag for _, tag in sentence])
    assert [(label, "".join(tokens[a:b + 1])) for label, a, b in entities] == [("ACTOR", "田中"), ("LOCATION", "東京")]


def test_a_span_inside_a_word_cuts_that_word_in_token_formats(tmp_path):
    text = "中华人民共和国"
    records = [{"id": "zh", "text": text, "spans": [{"start": 4, "end": 5, "label": "ACTOR"}]}]  # 共 of 共和国
    store = make_store(tmp_path, records)
    export(store, ExportOptions("conll", tmp_path / "out.conll"))
    [sentence] = read_conll(tmp_path / "out.conll")
    assert ("共", "B-ACTOR") in sentence and "".join(t for t, _ in sentence) == text
    assert ("和国", "O") in sentence


def test_search_finds_any_piece_of_japanese_chinese_and_thai_text(store):
    from annotator.model import Article

    store.add_article(Article("ja", "東京都に住んでいる田中さん。", title="Tokyo news"))
    store.add_article(Article("zh", CHINESE))
    store.add_article(Article("th", THAI))
    store.add_article(Article("apart", "東。京 Tokyo"))
    store.index_for_search(10)
    found = lambda query: [row[0] for row in store.search(query)]  # noqa: E731
    assert found("東京") == ["ja"]
    assert found("京都") == ["ja"] and found("都に住") == ["ja"]  # inside ICU's words too
    assert found("共和国") == ["zh"] and found("人民共和") == ["zh"]
    assert found("ไม่มี") == ["th"] and found("เว้นวรรค") == ["th"]
    assert found("東京 tokyo") == ["ja"]  # a run and a word: both required (the title counts)
    assert found("京") == ["ja", "zh", "apart"]  # 北京 too; but 東京 above is not found across 。
    assert found("大阪") == []
    assert [row.id for _, row in store.article_page("tester", search="田中")] == ["ja"]
    assert [row.id for _, row in store.article_page("tester", search="Tok")] == ["ja", "apart"]
    assert store.integrity_ok()


def test_opening_an_older_database_indexes_its_unspaced_text(tmp_path):
    from annotator.store import SCHEMA_VERSION, Store, open_store

    old = Store(tmp_path / "old.db", migrate=False)
    old.migrate(to=3)  # the schema before the index of unspaced text (migration 4)
    old.conn.execute("INSERT INTO articles (id, title, text, text_sha256) VALUES ('ja', '', ?, 'x')", (JAPANESE,))
    old.conn.execute("INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles")
    old.close()
    store = open_store(tmp_path / "old.db")
    assert store.version == SCHEMA_VERSION
    assert [row[0] for row in store.search("田中さん")] == ["ja"]


def test_a_prodigy_export_of_chinese_has_a_token_boundary_at_each_span_edge(tmp_path):
    import json

    text = "中华人民共和国的首都"
    records = [{"id": "zh", "text": text, "spans": [{"start": 4, "end": 5, "label": "ACTOR"}]}]
    store = make_store(tmp_path, records)
    export(store, ExportOptions("prodigy", tmp_path / "out.jsonl"))
    task = json.loads((tmp_path / "out.jsonl").read_text("utf-8"))
    [span] = task["spans"]
    tokens = task["tokens"]
    assert tokens[span["token_start"]]["start"] == 4 and tokens[span["token_end"]]["end"] == 5
    assert [t["text"] for t in tokens][-2:] == ["的", "首都"]


def test_the_quick_scan_for_unspaced_runs_misses_none_of_their_characters():
    from annotator.words import _PLAIN_RUN, _RUN_BLOCKS

    missed = [hex(code) for code in range(0x110000) if _PLAIN_RUN.fullmatch(chr(code)) and not _RUN_BLOCKS.match(chr(code))]
    assert missed == []
    assert words.index_text("“Quoted” — text 😀 and 東京 and ’") == "東 京"


def test_the_index_of_latin_1_text_is_empty_and_a_run_after_latin_1_is_found():
    assert words.index_text("Zürich, São Paulo, naïve café") == ""
    assert words.index_text("Zürich 東京, then Москва and กรุงเทพ") == "東 京 0 ก ร ุ ง เ ท พ"
    assert words.index_text("é" * 300 + "東") == "東"
    assert words.index_text("\udc80 東京") == "東 京"  # a lone surrogate is beyond Latin-1 too
