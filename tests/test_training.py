"""annotator train on labels the test makes, then suggest --model: spaCy's own training loop, end to end."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import Article, Span
from annotator.store import open_store

pytest.importorskip("spacy")
ACTORS = ["NATO", "Japan", "Reuters", "Obama", "Merkel"]
PLACES = ["Brussels", "Paris", "Tokyo", "Kyiv", "Lima"]


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def alice_labelled(path):
    """A store of 30 articles alice labelled: an ACTOR and a LOCATION in each."""
    rng, store = random.Random(1), open_store(path)
    for n in range(30):
        actor, place = rng.choice(ACTORS), rng.choice(PLACES)
        text = f"Yesterday {actor} met officials in {place}. The talks went on ({n})."
        store.add_article(Article(f"a{n}", text))
        at = text.index(place)
        for start, end, label in ((10, 10 + len(actor), "ACTOR"), (at, at + len(place), "LOCATION")):
            store.add_span(f"a{n}", Span(start, end, label, text[start:end], "alice"))
    return store


@pytest.fixture
def labelled(tmp_path):
    """30 articles alice labelled (ACTOR, LOCATION, and a CLAIM around the ACTOR), and one she has not."""
    path = tmp_path / "project.db"
    store = alice_labelled(path)
    store.add_article(Article("new", "Yesterday Obama met officials in Lima. The talks went on (new)."))
    store.close()
    return path


def test_train_prints_scores_per_label_and_its_model_suggests(labelled, tmp_path):
    out = tmp_path / "model"
    code, output = run("train", "--annotator", "alice", "--out", out, "--max-steps", "60", "--seed", "1",
                       "--db", labelled)
    assert code == 0, output
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["labels"]) == {"ACTOR", "LOCATION"} and metrics["f1"] > 0.8
    assert (metrics["train_articles"], metrics["eval_articles"], metrics["spans"]) == (24, 6, 60)
    assert "ACTOR" in output.split("label")[-1] and "on 6 held-out articles, trained on 24" in output
    code, output = run("suggest", "--model", out, "--articles", "new", "--annotator", "bob", "--db", labelled)
    assert code == 0 and "(2 new): ACTOR 1, LOCATION 1" in output
    store = open_store(labelled)
    assert {(s.text, s.label, s.source) for s in store.suggestions("new", "bob")} == {
        ("Obama", "ACTOR", "model:model"), ("Lima", "LOCATION", "model:model")}
    store.close()


def test_spacy_alone_loads_the_model(labelled, tmp_path):
    """The saved pipeline names our tokenizer, which an installed annotator registers with spaCy by entry point."""
    out = tmp_path / "model"
    assert run("train", "--annotator", "alice", "--out", out, "--max-steps", "2", "--db", labelled)[0] == 0
    code = "import spacy, sys; nlp = spacy.load(sys.argv[1]); print([t.text for t in nlp('a😀b 東京')])"
    done = subprocess.run([sys.executable, "-c", code, str(out / "model-best")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "'a'" in done.stdout and "'😀'" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--annotator", "nobody"], "0 labelled articles: training needs at least 2"),
    (["--annotator", "alice", "--gold"], "--annotator or --gold, not both"),
    (["--annotator", "alice", "--lang", "qq"], "spaCy has no language 'qq'"),
])
def test_bad_requests_are_one_line(labelled, tmp_path, args, message):
    code, output = run("train", *args, "--out", tmp_path / "m", "--db", labelled)
    assert code == 1 and message in output and "Traceback" not in output


def test_any_spacy_pipeline_with_its_labels_mapped(tmp_path):
    """A pipeline with other label names (here an entity ruler saved by spaCy): --map renames them, the rest are
    counted and left out."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "NATO"}, {"label": "GPE", "pattern": "Lima"},
                                               {"label": "DATE", "pattern": "Monday"}])
    nlp.to_disk(tmp_path / "other")
    db = tmp_path / "p.db"
    store = open_store(db)
    store.add_article(Article("a1", "On Monday NATO met in Lima."))
    store.close()
    code, out = run("suggest", "--model", tmp_path / "other", "--map", "ORG=ACTOR,GPE=LOCATION", "--db", db)
    assert code == 0, out
    assert "Left out, their labels not in the label set (rename them with --map, e.g. ORG=ACTOR): 1 DATE" in out
    assert "2 open suggestions for tester in 1 article (2 new): ACTOR 1, LOCATION 1" in out
    code, out = run("suggest", "--model", "no_such_pipeline", "--db", db)
    assert code == 1 and "no such folder, nor an installed spaCy pipeline" in out
    code, out = run("suggest", "--model", tmp_path / "other", "--map", "ORG", "--db", db)
    assert code == 1 and "--map: 'ORG' is not OLD=NEW" in out


def test_train_reports_progress_to_a_callback_and_chooses_a_min_score(labelled, tmp_path, capfd):
    """The window's way in: `progress` gets shares from 0 to 1 and nothing is printed; the min-score chosen on the
    held-out articles is in metrics.json and the model's suggestions start from it unless told otherwise."""
    from annotator.training import ModelSuggester, train

    store = open_store(labelled)
    calls = []
    metrics = train(store, tmp_path / "m", annotator="alice", seed=1, max_steps=60,
                    progress=lambda share, message: calls.append((share, message)))
    store.close()
    shares = [share for share, _ in calls]
    assert shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares)
    assert any(message.startswith("training: update") for _, message in calls)
    assert capfd.readouterr().out == ""
    assert 0.0 < metrics["min_score"] <= 1.0 and metrics["flat"] is True
    beside = metrics["min_score_beside_propagation"]  # None: no score saves actions beside propagation
    assert beside is None or 0.0 < beside <= 1.0
    assert json.loads((tmp_path / "m" / "metrics.json").read_text())["min_score"] == metrics["min_score"]
    text = "Yesterday Merkel met officials in Tokyo. The talks went on (new)."
    tuned = ModelSuggester(str(tmp_path / "m"), {"ACTOR", "LOCATION"})
    assert tuned.min_score == metrics["min_score"]
    assert all(s.score >= metrics["min_score"] for s in tuned.find(text))
    everything = ModelSuggester(str(tmp_path / "m"), {"ACTOR", "LOCATION"}, min_score=0.0).find(text)
    assert {(s.text, s.label) for s in everything} >= {(s.text, s.label) for s in tuned.find(text)}


def test_the_min_score_is_where_right_suggestions_outnumber_wrong_ones_most():
    from annotator.training import best_min_score

    assert best_min_score([(0.9, 1), (0.8, 1), (0.7, -1), (0.65, 1), (0.6, 1), (0.5, -1)]) == 0.6
    assert best_min_score([(0.9, 1), (0.7, -1), (0.6, 1)]) == 0.9  # a tie: the fewer suggestions
    assert best_min_score([(0.9, -1), (0.8, 1)]) is None  # no score gains: nothing suggested
    assert best_min_score([(0.9, 0), (0.8, -1), (0.7, 1), (0.6, 1)]) == 0.6  # right but saving nothing: 0
    assert best_min_score([]) is None
    assert best_min_score([(0.99996, 1)]) == 0.9999  # rounded down: the suggestion it was chosen at still passes


def test_a_claim_around_its_actor_is_learnt_as_long_as_the_longest_span(tmp_path):
    """A CLAIM of a whole sentence around its ACTOR: the nesting makes the categorizer multi-label, which weighs spans
    as long as the longest labelled (17 tokens), and its model suggests the claim through `annotator suggest`."""
    rng, db = random.Random(2), tmp_path / "claims.db"
    store = open_store(db)
    for n in range(30):
        actor, place = rng.choice(ACTORS), rng.choice(PLACES)
        claim = f"According to {actor}, the talks in {place} will go on until the end of the week"
        text = f"Officials arrived on time ({n}). {claim}. Nothing else was said."
        store.add_article(Article(f"a{n}", text))
        at, actor_at, place_at = text.index(claim), text.index(actor), text.index(place, text.index(claim))
        for start, end, label in ((at, at + len(claim), "CLAIM"), (actor_at, actor_at + len(actor), "ACTOR"),
                                  (place_at, place_at + len(place), "LOCATION")):
            store.add_span(f"a{n}", Span(start, end, label, text[start:end], "alice"))
    store.add_article(Article("new", "Officials arrived on time (new). According to Obama, the talks in Lima will "
                                     "go on until the end of the week. Nothing else was said."))
    store.close()
    out = tmp_path / "model"
    code, output = run("train", "--annotator", "alice", "--out", out, "--max-steps", "80", "--seed", "1", "--db", db)
    assert code == 0, output
    config = (out / "config.cfg").read_text()
    assert 'factory = "spancat"' in config and "max_size = 17" in config
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["flat"] is False and metrics["spans"] == 90 and metrics["labels"]["CLAIM"]["f"] > 0.8
    code, output = run("suggest", "--model", out, "--articles", "new", "--annotator", "bob", "--db", db)
    assert code == 0, output
    store = open_store(db)
    assert ("According to Obama, the talks in Lima will go on until the end of the week", "CLAIM") in {
        (s.text, s.label) for s in store.suggestions("new", "bob")}
    store.close()


def test_the_corpus_is_cut_at_line_breaks_no_span_crosses_while_articles_are_few(tmp_path, monkeypatch):
    """Few training articles are cut into pieces at line breaks (never inside a span), many are kept whole; the
    held-out articles are whole; what training needs to know of the spans is counted on the way."""
    from spacy.tokens import DocBin

    from annotator import training
    from annotator.patterns import blank_pipeline

    store = open_store(tmp_path / "p.db")
    for n in range(4):
        text = f"NATO met.\nIn Paris\nthey said so.\n\nEnd {n}.\n"
        store.add_article(Article(f"a{n}", text))
        for start, end, label in ((0, 4, "ACTOR"), (13, 31, "CLAIM"), (13, 18, "LOCATION")):
            store.add_span(f"a{n}", Span(start, end, label, text[start:end], "alice"))
    nlp = blank_pipeline("en")

    def corpus(folder):
        found = training.write_corpus(store, nlp, folder, ["a0", "a1", "a2"], ["a3"], "alice", False)
        docs = {name: list(DocBin().from_disk(folder / f"{name}.spacy").get_docs(nlp.vocab))
                for name in ("train", "dev", "checkpoints")}
        return found, docs

    found, docs = corpus(tmp_path / "few")
    assert [d.text for d in docs["train"][:3]] == ["NATO met.\n", "In Paris\nthey said so.\n", "End 0.\n"]
    assert [(s.text, s.label_) for s in docs["train"][1].spans["sc"]] == [("Paris\nthey said so", "CLAIM"),
                                                                         ("Paris", "LOCATION")]
    assert [d.text for d in docs["dev"]] == [d.text for d in docs["checkpoints"]] == [text]  # a3's
    assert (found["spans"], found["longest"], found["flat"], found["known"]) == (
        12, 5, False, {"NATO", "Paris", "Paris\nthey said so"})
    monkeypatch.setattr(training, "FEW_ARTICLES", 3)
    found, docs = corpus(tmp_path / "many")
    assert [d.text for d in docs["train"]] == [text.replace("3", str(n)) for n in range(3)]
    assert len(docs["train"][0].spans["sc"]) == 3
    assert found["words"] == 3 * len(docs["train"][0])
    store.close()


def test_a_long_training_example_is_cut_at_a_space_no_span_crosses(monkeypatch):
    """A one-line article longer than EXAMPLE_CHARS would be one huge batch: it is cut after a space, never inside a
    span, into examples no longer than that unless a span is."""
    from annotator import training

    monkeypatch.setattr(training, "EXAMPLE_CHARS", 12)
    text = "NATO met in Paris and they said so at length then."
    spans = [(0, 4, "ACTOR"), (12, 44, "CLAIM")]
    cuts = training.cut_points(text, spans, line_breaks=True)
    assert cuts == [0, 12, 45]  # "NATO met in ", the claim whole (32 characters), "then."
    assert training.cut_points("a b\nc d\n", [], line_breaks=False) == [0]
    assert training.cut_points("a b\nc d\n", [], line_breaks=True) == [0, 4, 8]


def test_a_model_whose_held_out_articles_chose_no_score_suggests_nothing(tmp_path):
    from annotator.training import tuned_min_score

    (tmp_path / "metrics.json").write_text(json.dumps({"min_score": None, "min_score_beside_propagation": 0.5}))
    assert tuned_min_score(tmp_path) == math.inf
    assert tuned_min_score(tmp_path, beside_propagation=True) == 0.5
