"""Hugging Face token classification: JSONL {"id", "tokens", "ner_tags"} a sentence a line, integer IOB2 tags.

The tag names (the ClassLabel's names, "O" first) go beside it in <name>.labels.json (labels.json in a
split directory) and in manifest.json; load with datasets.load_dataset("json", ..., features=...).
"""

from __future__ import annotations

import json

from ..model import Article, Relation, Span
from ..tagging import tags
from .writing import Report, Settings, TextWriter


class Writer(TextWriter):
    """One record per sentence, ids "<article id>-<n>"; tags from the flat layer, overlaps reported as dropped."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.index = {name: i for i, name in enumerate(settings.tag_names)}
        self.dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        laid = report.tokenize(self.settings, article, spans)
        numbers = [self.index[tag] for tag in tags(len(laid.tokens), laid.flat, self.settings.scheme)]
        lines, i = [], 0
        for n, sentence in enumerate(laid.sentences):
            record = {"id": f"{article.id}-{n}", "tokens": [t.text for t in sentence],
                      "ner_tags": numbers[i:i + len(sentence)]}
            i += len(sentence)
            lines.append(self.dumps(record) + "\n")
        return lines

    def sidecars(self) -> dict[str, str]:
        """labels.json: the tag names in ClassLabel order, and the scheme."""
        settings = self.settings
        return {"labels.json": json.dumps({"names": settings.tag_names, "scheme": settings.scheme.upper(),
                                           "labels": settings.label_names}, indent=2, ensure_ascii=False) + "\n"}


def features(names: list[str]):
    """The datasets.Features that decode an export's ner_tags to these tag names."""
    try:
        import datasets
    except ImportError:
        from ..errors import UserError

        raise UserError("the hf format needs the datasets library: pip install 'annotator[hf]'") from None
    return datasets.Features({
        "id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
    })
