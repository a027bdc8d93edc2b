"""The import's quick paths (one pass over spans, short span rows, steps skipped when a record has nothing for
them) give the same verdicts, messages and rows as the plain checks, on hostile input too."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus import _attributes_problem, check_record, import_files
from annotator.errors import InputError, InputErrors
from annotator.formats import Incoming
from annotator.model import span_misfit

TEXT = "Japan and NATO met in Zürich 😀 東京."
GOOD = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ACTOR", "text": "Japan"}]}


def _spans(*spans: dict) -> str:
    return json.dumps({"text": TEXT, "spans": list(spans)}, ensure_ascii=False)


HOSTILE = [  # (line, what the import says of it)
    ('{"text": "dup", "text": "dup"}', ' key "text" appears twice in one object'),
    ('{"text": "x", "spans": [{"start": 0, "end": 1, "label": "ACTOR", "label": "ACTOR"}]}',
     ' key "label" appears twice in one object'),
    (_spans({"start": -1, "end": 5, "label": "ACTOR"}), "$.spans[0].start -1 fails minimum 0"),
    (_spans({"start": 3, "end": 99, "label": "ACTOR"}), "$.spans[0].end 99 is past the end of the text (34)"),
    (_spans({"start": 5, "end": 5, "label": "ACTOR"}), "$.spans[0].end 5 is not after start 5"),
    (_spans({"start": 6, "end": 3, "label": "ACTOR"}), "$.spans[0].end 3 is not after start 6"),
    (_spans({"start": 0, "end": 5, "label": "ACTOR", "text": "Japa"}),
     '$.spans[0].text "Japa" differs from the text at [0, 5): "Japan"'),
    (_spans({"start": "0", "end": 5, "label": "ACTOR"}), '$.spans[0].start "0" is not of type "integer"'),
    (_spans({"start": True, "end": 5, "label": "ACTOR"}), '$.spans[0].start true is not of type "integer"'),
    (_spans({"start": 1.5, "end": 5, "label": "ACTOR"}), '$.spans[0].start 1.5 is not of type "integer"'),
    (_spans({"start": 1.0, "end": 4.0, "label": "ACTOR", "text": "apan"}),
     '$.spans[0].text "apan" differs from the text at [1, 4): "apa"'),
    (_spans({"start": 0, "end": 5, "label": "NOPE"}),
     "$.spans[0].label unknown label 'NOPE' (known: ACTOR, CLAIM, LOCATION; --add-labels adds it)"),
    (_spans({"start": 0, "end": 5, "label": "ACTOR", "id": 1}, {"start": 6, "end": 9, "label": "ACTOR", "id": 1}),
     "$.spans[1].id 1 is already the id of span 0"),
    (_spans({"start": 0, "end": 5, "label": "ACTOR", "attributes": {"x": 1}}),
     "$.spans[0].attributes.x 1: an attribute's value is a string or true"),
    (_spans({"start": 0, "end": 5, "label": "ACTOR", "colour": "red"}), "$.spans[0].colour is not an allowed field"),
    (json.dumps({"text": TEXT, "spans": [5]}), '$.spans[0] 5 is not of type "object"'),
    (json.dumps({"text": TEXT, "text_sha256": "0" * 64}),
     "$.text_sha256 000000000000… does not match the text (335e948b8396…)"),
    (json.dumps({"text": "a\u0000b"}), "$.text character 1 is NUL, which text cannot hold"),
    ('{"text": "a\\ud800b"}', " $.text: holds a lone surrogate (half of a UTF-16 pair), which is not text"),
    (json.dumps({"title": "no text"}), "$.text is required"),
    (json.dumps({"text": TEXT, "meta": []}), '$.meta [] is not of type "object"'),
    (json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ACTOR", "id": 1}],
                 "relations": [{"type": "R", "from": 1, "to": 1}]}), "$.relations[0].to links span 0 to itself"),
    ('{"text": "broken', " malformed JSON at column 10: Unterminated string starting at"),
]


def test_hostile_lines_in_the_middle_of_a_large_file_are_each_named_and_nothing_is_imported(store, tmp_path):
    lines = [json.dumps({**GOOD, "text": f"{TEXT} {i}"}, ensure_ascii=False) for i in range(3000)]
    for i, (line, _) in enumerate(HOSTILE):
        lines.insert(1000 + 2 * i, line)
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        import_files(store, [path], annotator="t")
        raise AssertionError("imported")
    except InputErrors as e:
        said = [f"{error.line} {error.path} {error.message}" for error in e.errors]
    assert said == [f"{1001 + 2 * i} {message}" for i, (_, message) in enumerate(HOSTILE)]
    assert store.article_count() == 0
    report = import_files(store, [path], annotator="t", skip_invalid=True)
    assert (report.new, report.spans, report.skipped_records) == (3000, 3000, len(HOSTILE))


def _plain_check(record: dict) -> list[tuple[str, str]]:
    """What check_record says of a schema-valid record's spans, checked one by one as span_misfit says."""
    problems = []
    for i, span in enumerate(record.get("spans", [])):
        start, end = int(span["start"]), int(span["end"])
        problem = span_misfit(record["text"], start, end, span.get("text")) or _attributes_problem(span.get("attributes"))
        if problem:
            problems.append((f"$.spans[{i}].{problem[0]}", problem[1]))
    return problems


offsets = st.integers(0, 12) | st.integers(0, 12).map(float)
span_records = st.builds(
    lambda text, spans: {"text": text, "spans": [
        {"start": s, "end": e, "label": "ACTOR", **({"text": t} if t is not None else {}),
         **({"attributes": a} if a is not None else {})} for s, e, t, a in spans]},
    st.text(st.sampled_from("ab 😀東\n"), min_size=1, max_size=8),
    st.lists(st.tuples(offsets, offsets.map(lambda x: x + 1), st.none() | st.text(st.sampled_from("ab 😀"), max_size=3),
                       st.none() | st.dictionaries(st.sampled_from(["", "k"]), st.sampled_from(["v", True, False, 1]),
                                                   max_size=2)), max_size=4),
)


@settings(max_examples=300)
@given(span_records)
def test_the_one_pass_span_check_says_what_span_misfit_says(record):
    expected = _plain_check(record)
    sha, problems = check_record(Incoming(record, "f.jsonl", 3))
    assert sha
    assert [(p.path, p.message) for p in problems] == expected
    assert all(type(s["start"]) is int and type(s["end"]) is int for s in record["spans"])


def test_a_span_problem_is_one_line_naming_file_line_and_field():
    record = {"text": "Japan", "spans": [{"start": 0, "end": 9, "label": "ACTOR"}]}
    _, problems = check_record(Incoming(record, "f.jsonl", 7))
    assert [str(p) for p in problems] == [str(InputError("f.jsonl", 7, "$.spans[0].end", "9 is past the end of the text (5)"))]


def test_spans_with_and_without_notes_and_attributes_keep_their_order_and_values(any_store, tmp_path):
    spans = [{"start": i, "end": i + 1, "label": "ACTOR", **({"note": f"n{i}"} if i % 3 == 1 else {}),
              **({"attributes": {"Negation": True}} if i % 4 == 2 else {})} for i in range(12)]
    records = [{"id": f"r{k}", "text": f"abcdefghijklmnop{k}", "spans": spans[k:]} for k in range(3)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = import_files(any_store, [path], annotator="t")
    assert report.spans == 12 + 11 + 10
    for record in records:
        stored = sorted(any_store.spans(record["id"]), key=lambda s: s.id)
        assert [(s.start, s.note, dict(s.attributes), s.annotator, s.text) for s in stored] == [
            (s["start"], s.get("note"), s.get("attributes", {}), "t", record["text"][s["start"]]) for s in record["spans"]]
