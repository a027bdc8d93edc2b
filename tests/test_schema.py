"""The schemas: loading, error messages, and the compiled checker agreeing with jsonschema."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import schema

values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10) | st.floats(-2, 10, allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
span_like = st.fixed_dictionaries(
    {},
    optional={"start": values | st.integers(0, 9), "end": values | st.integers(1, 9), "label": values | st.just("ACTOR"),
              "text": values, "annotator": values | st.just("a"), "note": values, "extra": values},
)
record_like = st.fixed_dictionaries(
    {},
    optional={"text": values | st.just("Japan"), "id": values, "text_sha256": values | st.just("a" * 64),
              "title": values, "source": values, "meta": values, "spans": st.lists(span_like, max_size=3) | values,
              "spnas": values},
)


@pytest.mark.slow
@settings(max_examples=400)
@given(st.one_of(record_like, values))
def test_compiled_checker_agrees_with_jsonschema(instance):
    for name in ("record", "article", "span"):
        assert schema.fast_check(name)(instance) == schema.validator(name).is_valid(instance)
    assert (schema.errors("record", instance) == []) == schema.validator("record").is_valid(instance)


@settings(max_examples=200)
@given(st.fixed_dictionaries({"labels": st.lists(st.fixed_dictionaries(
    {"name": st.sampled_from(["A", "1x", "CLAIM", ""])},
    optional={"key": st.sampled_from(["1", "", "12", "x"]), "color": st.sampled_from(["#00ff00", "red"])},
), max_size=3)}))
def test_compiled_labelset_checker_agrees(instance):
    assert schema.fast_check("labelset")(instance) == schema.validator("labelset").is_valid(instance)


def test_every_schema_is_valid_draft_2020_12_with_an_id():
    for path in schema.schemas_dir().glob("*.schema.json"):
        document = json.loads(path.read_text("utf-8"))
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["$id"].endswith(path.name)
        schema.validator(path.name.removesuffix(".schema.json"))


def test_error_messages_name_the_path_and_stay_short():
    errors = schema.errors("record", {"text": "x" * 5000, "spans": [{"start": "1", "end": 2, "label": "A", "x": 1}], "spnas": 1})
    assert ("$.spnas", "is not an allowed field") in errors
    assert ("$.spans[0].x", "is not an allowed field") in errors
    assert ("$.spans[0].start", '"1" is not of type "integer"') in errors
    assert schema.errors("record", {"title": "x"}) == [("$.text", "is required")]
    long_value = schema.errors("record", {"text": 5, "title": "y" * 1000})
    assert all(len(message) < 200 for _, message in long_value)
