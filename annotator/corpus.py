"""Importing files into the store: validation, offset checks, de-duplication by SHA-256, one transaction."""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import schema
from .errors import InputError, InputErrors, UserError
from .formats import Incoming
from .model import RelationType, sha256_text, span_misfit, title_of
from .relation_checks import relation_problems
from .store import Store, now
from .wording import counted

READERS = {".txt": "txt", ".jsonl": "jsonl", ".ann": "brat", ".spacy": "spacy"}
BATCH = 2000


@dataclass
class ImportReport:
    """What an import did, for the user."""

    new: int = 0
    present: int = 0
    spans: int = 0
    spans_present: int = 0
    relations: int = 0
    relations_present: int = 0
    added_labels: list[str] = field(default_factory=list)
    added_relation_types: list[str] = field(default_factory=list)
    skipped: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.new:,} new, {self.present:,} already present; {counted(self.spans, 'span')} added"
        if self.spans_present:
            text += f" ({self.spans_present:,} already present)"
        if self.relations or self.relations_present:
            text += f"; {counted(self.relations, 'relation')} added"
            text += f" ({self.relations_present:,} already present)" if self.relations_present else ""
        if self.added_labels:
            text += f"; added labels: {', '.join(self.added_labels)}"
        if self.added_relation_types:
            text += f"; added relation types: {', '.join(self.added_relation_types)}"
        if self.skipped:
            text += f"; {counted(len(self.skipped), 'invalid record')} skipped"
        return text


def expand(paths: Iterable[str | Path], fmt: str = "auto") -> list[Path]:
    """Files named, and the importable files inside directories named (sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            suffixes = _suffixes(fmt)
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and (suffixes is None or p.suffix.lower() in suffixes)
                and not (fmt == "auto" and p.suffix.lower() == ".txt" and p.with_suffix(".ann").is_file())  # brat pair
            )
            if not found:
                kinds = ", ".join(sorted(suffixes)) if suffixes else "any"
                raise UserError(f"{path}: no articles found ({kinds} files)")
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise UserError(f"{path}: no such file or directory")
    return files


def _suffixes(fmt: str) -> set[str] | None:
    """What a directory is searched for: every known suffix (auto), the format's own (SUFFIXES), or any file."""
    if fmt == "auto":
        return set(READERS)
    try:
        module = importlib.import_module(f".formats.{fmt.replace('-', '_')}", __package__)
    except ModuleNotFoundError:
        raise UserError(f"unknown format {fmt!r}") from None
    return set(getattr(module, "SUFFIXES", ())) or {s for s, f in READERS.items() if f == fmt} or None


def _read(path: Path, fmt: str, encoding: str, options: dict | None, importer: _Importer):
    read = reader_for(path, fmt)
    if "text_for" in inspect.signature(read).parameters:  # readers that attach spans to stored articles (w3c)
        options = {**(options or {}), "text_for": importer.text_for}
    return read(path, encoding=encoding, **(options or {}))


def _checked_items(path: Path, fmt: str, encoding: str, options: dict | None, importer: _Importer):
    """(item, check_record(item)) for each record of a file; errors come with None."""
    for item in _read(path, fmt, encoding, options, importer):
        yield item, (None if isinstance(item, InputError) else check_record(item))


def reader_for(path: Path, fmt: str) -> Callable[..., Iterator[Incoming | InputError]]:
    name = fmt if fmt != "auto" else READERS.get(path.suffix.lower())
    if name is None:
        raise UserError(f"{path}: unknown file type {path.suffix!r}; name one with --format")
    try:
        module = importlib.import_module(f".formats.{name.replace('-', '_')}", __package__)
    except ModuleNotFoundError:
        raise UserError(f"unknown format {name!r}") from None
    if not hasattr(module, "read"):
        raise UserError(f"format {name!r} can be exported but not imported")
    return module.read


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    fmt: str = "auto",
    annotator: str,
    encoding: str = "utf-8",
    skip_invalid: bool = False,
    add_labels: bool = False,
    progress: Callable[[int, int], None] | None = None,
    reader_options: dict | None = None,
) -> ImportReport:
    """Import every record of every file in one transaction: all of it, or (on any error) none of it."""
    files = expand(paths, fmt)
    ours = {Path(store.path).resolve().with_name(Path(store.path).name + suffix) for suffix in ("", "-wal", "-shm")}
    for path in files:
        if path.resolve() in ours:  # opening it here would also drop SQLite's locks on it
            raise UserError(f"{path}: is the database being imported into")
    total = sum(f.stat().st_size for f in files)
    report = ImportReport()
    errors: list[InputError] = []
    done_bytes = 0
    with store.large_cache(), store.transaction():
        importer = _Importer(store, annotator, add_labels, report)
        for path in files:
            try:
                for count, (item, checked) in enumerate(_checked_items(path, fmt, encoding, reader_options, importer), 1):
                    errors += [item] if isinstance(item, InputError) else importer.add(item, checked)
                    if errors and not skip_invalid:
                        break
                    if progress and count % 1000 == 0 and getattr(item, "offset", None):
                        progress(done_bytes + item.offset, total)
            except InputError as e:
                errors.append(e)
            if errors and not skip_invalid:
                raise InputErrors(errors)
            done_bytes += path.stat().st_size
            if progress:
                progress(done_bytes, total)
        importer.flush()
    report.skipped = errors
    return report


def check_record(item: Incoming) -> tuple[str, list[InputError]]:
    """(text SHA-256, problems) from what one record says alone: schema, text_sha256, span offsets and texts."""
    record, file, line = item.record, item.file, item.line
    if not schema.fast_check("record")(record):
        return "", [InputError(file, line, path, message) for path, message in schema.errors("record", record)]
    text = record["text"]
    sha = sha256_text(text)
    if "text_sha256" in record and record["text_sha256"] != sha:
        return sha, [InputError(file, line, "$.text_sha256", f"{record['text_sha256'][:12]}… does not match the text ({sha[:12]}…)")]
    problems = []
    for i, span in enumerate(record.get("spans", [])):
        misfit = span_misfit(text, span["start"], span["end"], span.get("text"))
        if misfit:
            problems.append(InputError(file, line, f"$.spans[{i}].{misfit[0]}", misfit[1]))
    return sha, problems


class _Importer:
    """Checks each record and buffers its rows; articles are matched to the store's by SHA-256."""

    def __init__(self, store: Store, annotator: str, add_labels: bool, report: ImportReport):
        self.store, self.annotator, self.add_labels, self.report = store, annotator, add_labels, report
        self.labels = {label.name for label in store.labels()}
        self.relation_types = {t.name: t for t in store.relation_types()}
        self.declared: set[str] = set()  # labels the files' own configuration declares (added when used)
        self.ids_by_sha, self.shas_by_id = store.article_keys()
        self.article_rows: list[tuple] = []
        self.span_rows: list[tuple] = []
        self.relation_rows: list[tuple] = []  # (article id, annotator, type, from key, to key)
        self.stamp = now()  # one creation time a batch

    def add(self, item: Incoming, checked: tuple[str, list[InputError]] | None = None) -> list[InputError]:
        """Buffer one record's rows, or return its problems; `checked` is check_record(item) when done elsewhere."""
        record, file, line = item.record, item.file, item.line
        self.report.notes += [n for n in item.notes if n not in self.report.notes]
        self.declared.update(item.labels)
        sha, problems = checked or check_record(item)
        if sha:  # the record fits the schema, so its spans can be read
            problems = problems + self.check_labels(record.get("spans", []), file, line)
            if self.add_labels:
                self.add_relation_types(record)
            problems += relation_problems(record, self.relation_types, file, line, self.annotator)
        if problems:
            return problems
        text, spans = record["text"], record.get("spans", [])
        article_id = self.ids_by_sha.get(sha)
        stamp = self.stamp
        if article_id is None:
            article_id = record.get("id") or sha[:16]
            if article_id in self.shas_by_id:
                if "id" in record and line is not None:
                    return [InputError(file, line, "$.id", f"article {article_id!r} already exists with a different text")]
                article_id = f"{article_id}-{sha[:8]}"
            self.article_rows.append((
                article_id, record.get("title") or title_of(text), text, sha, record["source"] if "source" in record else _file_name(file),
                json.dumps(record.get("meta", {}), ensure_ascii=False), stamp,
            ))
            self.report.new += 1
            existing: set = set()
        else:
            self.report.present += 1
            self.flush()
            existing = self.store.span_keys(article_id)
        self.ids_by_sha[sha] = article_id
        self.shas_by_id[article_id] = sha
        origin = _file_name(file)
        for span in spans:
            key = (span.get("annotator") or self.annotator, span["start"], span["end"], span["label"])
            if key in existing:
                self.report.spans_present += 1
                continue
            existing.add(key)
            self.span_rows.append((article_id, key[0], span["label"], span["start"], span["end"],
                                   text[span["start"]:span["end"]], span.get("note"), origin, stamp))
            self.report.spans += 1
        if record.get("relations"):
            self.add_relations(article_id, record)
        if len(self.article_rows) >= BATCH or len(self.span_rows) + len(self.relation_rows) >= 10 * BATCH:
            self.flush()
        return []

    def add_relations(self, article_id: str, record: dict) -> None:
        """Buffer a checked record's relations by their ends' (annotator, start, end, label), linked on flush."""
        keys = {span["id"]: (span.get("annotator") or self.annotator, span["start"], span["end"], span["label"])
                for span in record["spans"] if "id" in span}
        self.relation_rows += [(article_id, keys[r["from"]][0], r["type"], keys[r["from"]], keys[r["to"]])
                               for r in record["relations"]]

    def add_relation_types(self, record: dict) -> None:
        """With --add-labels: a relation type not in the label set is added, allowing the labels of the ends it
        links (more as this import uses it); one already in the set stays as it is."""
        by_id = {span["id"]: span for span in record.get("spans", []) if "id" in span}
        for relation in record.get("relations", []):
            name, head, tail = relation["type"], by_id.get(relation["from"]), by_id.get(relation["to"])
            kind = self.relation_types.get(name)
            if head is None or tail is None or (kind is not None and (name not in self.report.added_relation_types
                                                                      or not kind.misfit(head["label"], tail["label"]))):
                continue
            kind = RelationType(name, tuple(dict.fromkeys((*(kind.from_labels if kind else ()), head["label"]))),
                                tuple(dict.fromkeys((*(kind.to_labels if kind else ()), tail["label"]))))
            self.flush()
            self.relation_types[name] = kind
            self.store.set_label_set(self.store.labels(), list(self.relation_types.values()))
            if name not in self.report.added_relation_types:
                self.report.added_relation_types.append(name)

    def check_labels(self, spans: list[dict], file: str, line: int | None) -> list[InputError]:
        """Unknown labels are problems, unless --add-labels or the source declares them: then they are added."""
        problems = []
        for i, span in enumerate(spans):
            if span["label"] not in self.labels:
                if self.add_labels or span["label"] in self.declared:
                    self.flush()
                    self.store.add_label(span["label"])
                    self.labels.add(span["label"])
                    self.report.added_labels.append(span["label"])
                else:
                    problems.append(InputError(
                        file, line, f"$.spans[{i}].label",
                        f"unknown label {span['label']!r} (known: {', '.join(sorted(self.labels))}; --add-labels adds it)",
                        kind="unknown_label", value=span["label"],
                    ))
        return problems

    def text_for(self, sha: str) -> str | None:
        """The text of the article with this SHA-256, stored before or earlier in this import."""
        article_id = self.ids_by_sha.get(sha)
        if article_id is None:
            return None
        self.flush()
        return self.store.article(article_id).text

    def flush(self) -> None:
        self.store.insert_article_rows(self.article_rows)
        self.store.insert_span_rows(self.span_rows)
        rows, ids, article = [], {}, None
        for article_id, who, kind, head, tail in self.relation_rows:  # grouped by article: each record's together
            if article_id != article:
                article, ids = article_id, self.store.span_ids(article_id)
            rows.append((article_id, who, kind, ids[head], ids[tail]))
        added = self.store.insert_relation_rows(rows)
        self.report.relations += added
        self.report.relations_present += len(rows) - added
        self.article_rows, self.span_rows, self.relation_rows, self.stamp = [], [], [], now()


@lru_cache(maxsize=64)
def _file_name(file: str) -> str:
    return Path(file).name


def seed(store: Store) -> ImportReport:
    """Fill a store from seeds/: its articles, and the demonstration spans when present."""
    from .paths import seeds_dir

    files = [p for p in sorted(seeds_dir().iterdir()) if p.suffix in READERS]
    return import_files(store, files, annotator="seed")
