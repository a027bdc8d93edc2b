"""Retraining from the window: `annotator train`'s function on the store, then the rule that decides whether the new
model replaces the one in use: a higher F1 on the same held-out articles. Run in a process of its own as
`python -m annotator.retraining`; its last line is the decision, `CHOICE {json}` (or `ERROR message`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import UserError

DECISION = "CHOICE "
FAILURE = "ERROR "


def better(new_f1: float, old_f1: float | None) -> bool:
    """Whether the new model replaces the old: only with a strictly higher F1 on the same held-out articles; when the
    old one cannot be scored there (none configured, or a pipeline that proposes no span categories) the new one does."""
    return old_f1 is None or new_f1 > old_f1


def pipeline_folder(model: str) -> Path | str:
    """Where a model `annotator train` wrote keeps its pipeline (model-best), or the name or folder as given."""
    folder = Path(model)
    return folder / "model-best" if (folder / "model-best").is_dir() else model


def score_on_held_out(model: str, out: Path, lang: str) -> float | None:
    """F1 of `model` on the articles a training in `out` held out; None when it cannot be scored there."""
    from spacy.tokens import DocBin

    from .patterns import blank_pipeline
    from .training import evaluate, register_tokenizer

    register_tokenizer()
    docs = list(DocBin().from_disk(out / "corpus" / "dev.spacy").get_docs(blank_pipeline(lang).vocab))
    try:
        return float(evaluate(pipeline_folder(model), docs)["f1"])
    except (OSError, KeyError, ValueError):  # not loadable, or no span categorizer to score
        return None


def retrain(store, out: Path, current: str | None, *, annotator: str | None, gold: bool = False, lang: str = "en",
            max_steps: int = 2000, seed: int = 0) -> dict:
    """Train into `out` (see training.train), score the model in use on the same held-out articles, and decide."""
    from .beside_propagation import min_score
    from .training import train

    metrics = train(store, out, annotator=annotator, gold=gold, lang=lang, max_steps=max_steps, seed=seed)
    min_score(str(out))  # chosen now, in this process, for the window's model worker to read
    old = score_on_held_out(current, out, lang) if current else None
    return {"model": str(out), "new_f1": metrics["f1"], "old_f1": old, "replace": better(metrics["f1"], old),
            "eval_articles": metrics["eval_articles"], "train_articles": metrics["train_articles"]}


def main(argv: list[str] | None = None) -> int:
    from .store import open_store

    parser = argparse.ArgumentParser(prog="python -m annotator.retraining", description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--annotator")
    parser.add_argument("--current", default="")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--max-steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        store = open_store(args.db, create=False)
        choice = retrain(store, args.out, args.current or None, annotator=args.annotator, lang=args.lang,
                         max_steps=args.max_steps, seed=args.seed)
    except UserError as e:
        print(FAILURE + str(e), flush=True)
        return 1
    print(DECISION + json.dumps(choice), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
