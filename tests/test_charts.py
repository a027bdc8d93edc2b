"""Charts: well-formed SVG with the names escaped, the label colours used, and empty data handled."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from annotator import charts

COLOURS = {"CLAIM": "#0072B2", "ACTOR": "#E69F00", "LOCATION": "#009E73"}


def parse(svg: str):
    return ET.fromstring(svg)


def test_every_chart_is_well_formed_and_escapes_names():
    evil = "<b>&'\"x"
    svgs = [
        charts.progress_chart({evil: {"done": 2, "todo": 1}}, {"reviewed": 1, "in_review": 0, "unreviewed": 2}),
        charts.labels_chart({evil: {"CLAIM": 3, "ACTOR": 5}}, COLOURS, {"CLAIM": 1}),
        charts.agreement_chart({"annotators": [evil, "b"], "articles": 2, "per_label": {
            "CLAIM": {"exact_f1": 0.5, "overlap_f1": 0.75, "kappa": -0.1, "alpha": None}}}, COLOURS),
        charts.confusion_chart({"CLAIM": {"CLAIM": 3, evil: 1}, evil: {"CLAIM": 0, evil: 0}}, COLOURS),
    ]
    for svg in svgs:
        root = parse(svg)
        assert root.tag.endswith("svg")
        assert evil in "".join(root.itertext()) or "CLAIM" in svg
        assert "<b>" not in svg


def test_label_colours_are_used():
    svg = charts.labels_chart({"a": {"CLAIM": 3, "ACTOR": 5, "LOCATION": 1}}, COLOURS)
    assert all(colour in svg for colour in COLOURS.values())


def test_empty_data_still_draws():
    for svg in [charts.progress_chart({}), charts.labels_chart({}, COLOURS), charts.agreement_chart({}, COLOURS),
                charts.confusion_chart({}, COLOURS)]:
        parse(svg)
