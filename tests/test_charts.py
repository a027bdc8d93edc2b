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
        charts.pair_chart({"annotators": [evil, "b"], "pairs": [{"a": evil, "b": "b", "shared_articles": 3, "exact_f1": 0.5}]}),
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
                charts.confusion_chart({}, COLOURS), charts.pair_chart({})]:
        parse(svg)


def test_the_pair_chart_shows_each_pair_with_its_articles_and_says_why_a_cell_is_empty():
    result = {
        "annotators": ["ann", "bea", "cy", "dan"],
        "bootstrap": {"resamples": 10, "seed": 0, "level": 0.95},
        "pairs": [{"a": "ann", "b": "bea", "shared_articles": 40, "exact_f1": 0.8125, "exact_f1_ci": [0.7, 0.9]},
                  {"a": "ann", "b": "cy", "shared_articles": 0, "exact_f1": None},
                  {"a": "bea", "b": "cy", "shared_articles": 5, "exact_f1": 0.25, "exact_f1_ci": [0.1, 0.4]}],
        "hidden_pairs": [{"a": "ann", "b": "dan", "shared_articles": 1}],
    }
    svg = charts.pair_chart(result)
    texts = [t.text for t in parse(svg).iter() if t.tag.endswith("text")]
    assert texts.count("0.81") == 2 and texts.count("40 art.") == 2 and texts.count("0.70–0.90") == 2  # both halves
    assert texts.count("0.25") == 3 and texts.count("left out") == 2  # (0.25 also in the legend)
    assert texts.count("none") == 6  # ann / cy, and dan with bea and cy, pairs the result does not name
    assert texts.count("–") == 0 and "fill-opacity='0.83'" in svg  # 0.08 + 0.92 × 0.8125
    wide = charts.pair_chart({"annotators": [f"a{i}" for i in range(20)], "pairs": []})
    assert int(parse(wide).get("width")) >= charts.NAME_W + 20 * 36
