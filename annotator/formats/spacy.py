"""spaCy DocBin (.spacy): every span in doc.spans["sc"], the non-overlapping ones in doc.ents; read back too.

spaCy is an optional extra (pip install 'annotator[spacy]'), imported only when this format is used.
The Doc's tokens are our tokenizer's, with whitespace tokens between them as spaCy keeps them, so
doc.text is the article's text exactly and character offsets are code points on both sides.
doc.user_data["annotator"] holds the article's id, title, source and meta, each span's [annotator, note] in the
order of doc.spans["sc"], and the relations as [type, from, to], the ends given by their place in doc.spans["sc"].
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..errors import InputError, UserError
from ..model import Article, Relation, Span
from . import Incoming
from .writing import Batch, FormatWriter, Report, Settings

READ_OPTIONS = ()
SUFFIXES = (".spacy",)
SPANS_KEY = "sc"


def _spacy():
    """The spaCy modules this format uses, or a message naming the extra to install."""
    try:
        from spacy.tokens import Doc, DocBin
        from spacy.vocab import Vocab
    except ImportError:
        raise UserError("the spacy format needs spaCy: pip install 'annotator[spacy]'") from None
    _register_msgpack_plugins_once()
    return Doc, DocBin, Vocab


def doc_of(vocab, text: str, tokens):
    """A Doc whose text is `text` exactly: our tokens, and the whitespace between them as spaCy holds it
    (a single space after a token, any other whitespace a token of its own), so character offsets are code points."""
    Doc, _, _ = _spacy()
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for token in [*tokens, None]:
        gap = text[position:token.start if token else len(text)]
        if gap and words and gap[0] == " " and not spaces[-1]:
            spaces[-1], gap = True, gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        if token:
            words.append(token.text)
            spaces.append(False)
            position = token.end
    return Doc(vocab, words=words, spaces=spaces)


@cache
def _register_msgpack_plugins_once() -> None:
    """srsly looks for msgpack encoders in every installed package's entry points each time it packs,
    three times a Doc in DocBin.add: a fifth of the export. Register what it finds once, then stop looking."""
    try:
        import srsly

        for registry in (srsly.msgpack_encoders, srsly.msgpack_decoders):
            for name, function in registry.get_entry_points().items():
                registry.register(name, func=function)
            registry.entry_points = False
    except (ImportError, AttributeError):  # a srsly without these registries: nothing to spare
        pass


class Writer(FormatWriter):
    """Docs collected in a DocBin, which spaCy holds in memory, written on close.

    With a shard size N, the output is a folder of DocBin files of N articles each (`spacy train`
    reads such a folder), so memory stays flat however large the corpus.
    """

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.Doc, self.DocBin, Vocab = _spacy()
        self.vocab = Vocab()
        size = settings.shard_size
        # batches never straddle two shards: the largest divisor of the shard size up to 500
        self.batch_size = max(d for d in range(1, min(size, 500) + 1) if size % d == 0) if size else 200

    def _new_docbin(self):
        return self.DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE", "SENT_START"], store_user_data=True)

    def format(self, batch: Batch, report: Report) -> bytes:
        """The batch's Docs as a serialized DocBin (a DocBin pickles without its user data)."""
        docbin = self._new_docbin()
        for article, spans, relations in batch:
            docbin.add(self._article(article, spans, relations, report))
        return docbin.to_bytes()

    def _article(self, article: Article, spans: list[Span], relations: list[Relation], report: Report):
        laid = report.tokenize(self.settings, article, spans, overlap="ents")
        doc = doc_of(self.vocab, article.text, laid.tokens)
        group = [doc.char_span(p.start, p.end, label=p.label) for p in laid.placed]
        doc.spans[SPANS_KEY] = group
        doc.ents = [doc.char_span(p.start, p.end, label=p.label) for p in laid.flat]
        for sentence in laid.sentences:
            doc.char_span(sentence[0].start, sentence[0].end)[0].is_sent_start = True
        doc.user_data["annotator"] = {
            "id": article.id, "title": article.title, "source": article.source, "meta": article.meta,
            "spans": [[p.span.annotator, p.span.note] for p in laid.placed],
        }
        index = {p.span.id: i for i, p in enumerate(laid.placed)}  # a span's place in doc.spans["sc"]
        kept = report.linked(relations, [p.span for p in laid.placed])
        if kept:
            doc.user_data["annotator"]["relations"] = [[r.type, index[r.from_id], index[r.to_id]] for r in kept]
        return doc

    def open(self, path: Path) -> None:
        self.path, self.shards = path, 0
        if self.settings.shard_size:
            path.mkdir(parents=True, exist_ok=True)
        self.docbin = self._new_docbin()

    def write(self, piece: bytes) -> None:
        self.docbin.merge(self._new_docbin().from_bytes(piece))
        if self.settings.shard_size and len(self.docbin) >= self.settings.shard_size:
            self._flush()

    def _flush(self) -> None:
        self.shards += 1
        self.docbin.to_disk(self.path / f"part-{self.shards:05d}.spacy")
        self.docbin = self._new_docbin()

    def close(self) -> None:
        if not hasattr(self, "docbin"):
            return
        if not self.settings.shard_size:
            self.docbin.to_disk(self.path)
        elif len(self.docbin) or not self.shards:
            self._flush()
        del self.docbin


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each Doc as an article: spans from doc.spans (every group) and doc.ents, with their annotators when we wrote them."""
    _, DocBin, Vocab = _spacy()
    file = str(path)
    try:
        docs = DocBin().from_disk(path).get_docs(Vocab())
    except Exception as e:  # spaCy raises many kinds for a file that is not a DocBin
        yield InputError(file, None, "", f"not a spaCy DocBin ({type(e).__name__}: {str(e)[:80]})")
        return
    for number, doc in enumerate(docs, start=1):
        ours = doc.user_data.get("annotator") or {}
        who = ours.get("spans", [])
        spans, seen, ends = [], set(), {}
        linked = {end for relation in ours.get("relations", []) for end in relation[1:]}
        groups = [(key, list(group)) for key, group in doc.spans.items()] + [("ents", list(doc.ents))]
        for key, group in groups:
            for i, span in enumerate(group):
                annotator, note = who[i] if key == SPANS_KEY and i < len(who) else (None, None)
                record = {"start": span.start_char, "end": span.end_char, "label": span.label_, "text": span.text}
                if (span.start_char, span.end_char, span.label_) in seen and key == "ents":
                    continue
                seen.add((span.start_char, span.end_char, span.label_))
                if annotator:
                    record["annotator"] = annotator
                if note is not None:
                    record["note"] = note
                if key == SPANS_KEY and i in linked:
                    record["id"] = ends[i] = i
                spans.append(record)
        record = {"text": doc.text, "source": ours.get("source") or Path(file).name, "spans": spans}
        relations = [{"type": kind, "from": head, "to": tail} for kind, head, tail in ours.get("relations", [])
                     if head in ends and tail in ends]
        if relations:
            record["relations"] = relations
        for key in ("id", "title", "meta"):
            if ours.get(key):
                record[key] = ours[key]
        lost = len(ours.get("relations", [])) - len(relations)
        yield Incoming(record, file, number,
                       tallies=(("relation", 'naming no span of doc.spans["sc"], not imported', lost),) if lost else ())
