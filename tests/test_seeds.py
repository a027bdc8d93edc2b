"""seeds/: the sample article byte for byte, the default labels, and a demonstration that matches its script."""

import json
from pathlib import Path

from annotator import schema
from tests.make_demo_seed import OUT, demo_record

ROOT = Path(__file__).resolve().parent.parent


def test_sample_article_is_the_shared_one_byte_for_byte():
    shared = ROOT.parent / "shared" / "seeds" / "000_2fc31b5072736374.txt"
    ours = ROOT / "seeds" / "000_2fc31b5072736374.txt"
    if shared.exists():
        assert ours.read_bytes() == shared.read_bytes()
    assert ours.read_bytes().decode("utf-8")


def test_demo_annotations_are_what_the_script_makes_and_valid():
    record = json.loads(OUT.read_text("utf-8"))
    assert record == demo_record()
    assert schema.errors("record", record) == []
    for span in record["spans"]:
        assert record["text"][span["start"]:span["end"]] == span["text"]
    assert {span["annotator"] for span in record["spans"]} == {"annotator-a", "annotator-b"}


def test_default_labels_are_valid_with_distinct_keys():
    data = json.loads((ROOT / "seeds" / "labels.json").read_text("utf-8"))
    assert schema.errors("labelset", data) == []
    assert [label["key"] for label in data["labels"]] == ["1", "2", "3"]
