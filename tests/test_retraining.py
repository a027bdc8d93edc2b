"""The rule that decides whether a retrained model replaces the one in use, and the retraining run the window starts."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from annotator.retraining import DECISION, better, retrain, score_on_held_out
from annotator.store import open_store
from annotator.suggesting import sources
from annotator.uncertainty import most_uncertain, uncertainty


def test_a_new_model_replaces_the_old_only_when_strictly_better():
    assert better(0.8, None)  # nothing in use, or the one in use cannot be scored on these articles
    assert better(0.81, 0.8)
    assert not better(0.8, 0.8)
    assert not better(0.5, 0.8)


def test_uncertainty_is_highest_at_even_odds_and_picks_the_next_article():
    assert uncertainty([0.5]) == 1.0 and uncertainty([1.0, 0.0]) == 0.0 and uncertainty([]) == 0.0
    assert uncertainty([0.75, 0.25]) == pytest.approx(0.5)
    scored = {"a": 0.1, "b": 0.7, "c": 0.7, "d": 0.9}
    assert most_uncertain(scored, ["a", "b", "c"]) == "b"  # d is not a candidate (done); b before c on a tie
    assert most_uncertain(scored, ["x"]) is None


def test_retraining_scores_the_model_in_use_on_the_new_held_out_articles(tmp_path):
    pytest.importorskip("spacy")

    db = _labelled_db(tmp_path)
    store = open_store(db)
    first = retrain(store, tmp_path / "m1", None, annotator="alice", max_steps=40, seed=1)
    assert first["replace"] and first["old_f1"] is None and (tmp_path / "m1" / "model-best").is_dir()
    chosen = json.loads((tmp_path / "m1" / "beside-propagation.json").read_text())  # chosen now, kept beside it
    assert chosen["held_out_articles"] == first["eval_articles"]
    finders = sources(store, "alice", patterns=None, propagate=True, model=str(tmp_path / "m1"))
    model_min_score = finders[1].__self__.min_score  # what `suggest --propagate --model` suggests from
    assert model_min_score == (math.inf if chosen["min_score"] is None else chosen["min_score"])
    again = score_on_held_out(str(tmp_path / "m1"), tmp_path / "m1", "en")
    assert again == pytest.approx(first["new_f1"])  # the same model on the same articles: no better, so not used
    assert not better(first["new_f1"], again)
    assert score_on_held_out(str(tmp_path / "nothing"), tmp_path / "m1", "en") is None
    store.close()
    done = subprocess.run([sys.executable, "-m", "annotator.retraining", "--db", str(db), "--out", str(tmp_path / "m2"),
                           "--annotator", "nobody", "--max-steps", "5"], capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.strip().splitlines()[-1] == \
        "ERROR 0 labelled articles: training needs at least 2"
    assert DECISION not in done.stdout


def _labelled_db(tmp_path):
    from tests.test_training import alice_labelled

    path = tmp_path / "project.db"
    alice_labelled(path).close()
    return path


