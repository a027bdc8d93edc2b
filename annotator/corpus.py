"""Importing files into the store: validation, offset checks, de-duplication by SHA-256, one transaction."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import schema
from .errors import InputError, InputErrors, UserError
from .formats import Incoming, check_regular_file
from .labelset import label_name_problem
from .model import RelationType, span_misfit, title_of
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
    skipped_records: int = 0
    skipped_problems: int = 0  # all of them; `skipped` keeps the first _Problems.LIMIT
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
        if self.skipped_records:
            text += f"; {counted(self.skipped_records, 'invalid record')} skipped"
        return text


@dataclass(frozen=True)
class Source:
    """A file to read, in which format, and its name as the articles' source (relative to the folder named)."""

    path: Path
    fmt: str
    name: str


def expand(paths: Iterable[str | Path], fmt: str = "auto", notes: list[str] | None = None) -> list[Source]:
    """Files named, and the importable files inside directories named (sorted); our export's sidecars are noted."""
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            sources += _folder(path, fmt, notes if notes is not None else [])
        elif path.exists():
            check_regular_file(path)
            sources.append(Source(path, fmt, path.name))
        else:
            raise UserError(f"{path}: no such file or directory")
    named = Counter(source.name for source in sources if "/" not in source.name)
    return [Source(s.path, s.fmt, f"{s.path.parent.name}/{s.name}") if named[s.name] > 1 and "/" not in s.name else s
            for s in sources]  # files named alike, given from different folders, keep their folder's name


def _folder(folder: Path, fmt: str, notes: list[str]) -> list[Source]:
    """The importable files in a folder; a folder we exported (manifest.json) is read in the format it names."""
    exported, empty = _exported(folder)
    if fmt == "auto":
        fmt = exported or fmt
    suffixes = _suffixes(fmt)
    found = []
    for p in sorted(folder.rglob("*")):
        relative = p.relative_to(folder)
        if (any(part.startswith(".") for part in relative.parts) or not p.is_file()
                or (suffixes is not None and p.suffix.lower() not in suffixes)
                or (fmt == "auto" and p.suffix.lower() == ".txt" and p.with_suffix(".ann").is_file())):  # brat pair
            continue
        if _SIDECAR.fullmatch(p.name):
            notes.append(f"{p}: written by an export beside its data (not articles); not imported")
            continue
        if relative.as_posix() in empty:
            notes.append(f"{p}: a split of 0 articles (manifest.json); nothing to import")
            continue
        found.append(Source(p, fmt, relative.as_posix()))
    if not found:
        kinds = ", ".join(sorted(suffixes)) if suffixes else "any"
        raise UserError(f"{folder}: no articles found ({kinds} files)")
    return found


_SIDECAR = re.compile(r"manifest\.json|(?:.+\.)?(?:dropped\.jsonl|labels\.json)")


def _exported(folder: Path) -> tuple[str | None, set[str]]:
    """The format named by the manifest.json of a folder our export wrote, and its split files of 0 articles."""
    manifest = folder / "manifest.json"
    try:
        data = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else None
    except (OSError, ValueError):
        data = None
    if not (isinstance(data, dict) and schema.fast_check("manifest")(data) and data["tool"]["name"] == "annotator"):
        return None, set()
    return data["format"], {s["file"] for s in data["splits"].values() if s["articles"] == 0 and s["file"] != "."}


def _suffixes(fmt: str) -> set[str] | None:
    """What a directory is searched for: every known suffix (auto), the format's own (SUFFIXES), or any file."""
    if fmt == "auto":
        return set(READERS)
    module = _module(fmt)
    return set(getattr(module, "SUFFIXES", ())) or {s for s, f in READERS.items() if f == fmt} or None


def _module(name: str):
    try:
        return importlib.import_module(f".formats.{name.replace('-', '_')}", __package__)
    except ModuleNotFoundError:
        raise UserError(f"unknown format {name!r}") from None


def reader_module(path: Path, fmt: str):
    """The format module that reads this file: the one named, else the one its suffix says."""
    name = fmt if fmt != "auto" else READERS.get(path.suffix.lower())
    if name is None:
        raise UserError(f"{path}: unknown file type {path.suffix!r}; name one with --format")
    module = _module(name)
    if not hasattr(module, "read"):
        raise UserError(f"format {name!r} can be exported but not imported")
    return module


def reader_for(path: Path, fmt: str) -> Callable[..., Iterator[Incoming | InputError]]:
    return reader_module(path, fmt).read


def _read(source: Source, encoding: str, options: dict, importer: _Importer):
    """The records of one file; a reader gets the options its module declares in READ_OPTIONS."""
    module = reader_module(source.path, source.fmt)
    offered = {**options, "name": source.name, "text_for": importer.text_for}
    wanted = {key: offered[key] for key in getattr(module, "READ_OPTIONS", ()) if key in offered}
    return module.read(source.path, encoding=encoding, **wanted)


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
    report = ImportReport()
    sources = expand(paths, fmt, report.notes)
    _check_sources(store, sources, reader_options or {})
    total = sum(source.path.stat().st_size for source in sources)
    errors = _Problems()
    done_bytes = 0
    with store.large_cache(), store.transaction():
        importer = _Importer(store, annotator, add_labels, report)
        for source in sources:
            path = source.path
            importer.names[str(path)] = source.name
            try:
                for count, item in enumerate(_read(source, encoding, reader_options or {}, importer), 1):
                    problems = [item] if isinstance(item, InputError) else importer.add(item)
                    if problems:
                        errors.add(problems)
                    if progress and count % 1000 == 0 and getattr(item, "offset", None):
                        progress(done_bytes + item.offset, total)
            except InputError as e:
                errors.add([e])
            done_bytes += path.stat().st_size
            if progress:
                progress(done_bytes, total)
        if errors.total and not skip_invalid:
            raise InputErrors(errors.kept, total=errors.total, outcome="nothing was imported")
        importer.flush()
    report.notes += importer.tally_notes()
    report.skipped, report.skipped_records, report.skipped_problems = errors.kept, len(errors.records), errors.total
    return report


def _check_sources(store: Store, sources: list[Source], options: dict) -> None:
    """Refuse importing the database into itself, and options no reader of these files takes."""
    ours = {Path(store.path).resolve().with_name(Path(store.path).name + suffix) for suffix in ("", "-wal", "-shm")}
    for source in sources:
        if source.path.resolve() in ours:  # opening it here would also drop SQLite's locks on it
            raise UserError(f"{source.path}: is the database being imported into")
    for key in options:
        if not any(key in getattr(reader_module(s.path, s.fmt), "READ_OPTIONS", ()) for s in sources):
            raise UserError(f"--{key.replace('_', '-')} does not apply to these files")


class _Problems:
    """Every problem found, the first LIMIT of them kept for the report, and the records they are in."""

    LIMIT = 1000

    def __init__(self):
        self.kept: list[InputError] = []
        self.total = 0
        self.records: set[tuple[str, int | None]] = set()

    def add(self, problems: list[InputError]) -> None:
        for problem in problems:
            self.total += 1
            self.records.add(problem.record)
            if len(self.kept) < self.LIMIT:
                self.kept.append(problem)


def check_record(item: Incoming) -> tuple[str, list[InputError]]:
    """(text SHA-256, problems) from what one record says alone: schema, text, text_sha256, span offsets and texts."""
    record, file, line = item.record, item.file, item.line
    if not schema.fast_check("record")(record):
        return "", [InputError(file, line, path, message) for path, message in schema.errors("record", record)]
    text = record["text"]
    try:
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as e:
        return "", [InputError(file, line, "$.text", f"character {e.start} is a lone surrogate "
                                                     "(half of a UTF-16 pair), which is not text")]
    if "\x00" in text:
        return "", [InputError(file, line, "$.text", f"character {text.index(chr(0))} is NUL, which text cannot hold")]
    if "text_sha256" in record and record["text_sha256"] != sha:
        return sha, [InputError(file, line, "$.text_sha256", f"{record['text_sha256'][:12]}… does not match the text ({sha[:12]}…)")]
    problems = []
    length = len(text)
    for i, span in enumerate(record.get("spans", ())):
        start, end, quoted = span["start"], span["end"], span.get("text")
        if type(start) is float or type(end) is float:  # the schema's integer: 5.0 is 5
            span["start"], span["end"] = start, end = int(start), int(end)
        if 0 <= start < end <= length and (quoted is None or text[start:end] == quoted) and not span.get("attributes"):
            continue  # what span_misfit and _attributes_problem would pass, told at once
        problem = span_misfit(text, start, end, quoted) or _attributes_problem(span.get("attributes"))
        if problem:
            problems.append(InputError(file, line, f"$.spans[{i}].{problem[0]}", problem[1]))
    return sha, problems


def _attributes_problem(attributes: dict | None) -> tuple[str, str] | None:
    """Why a span's attributes cannot be stored (each needs a name and a string or true as value), or None."""
    for name, value in (attributes or {}).items():
        if not name or not (isinstance(value, str) or value is True):
            return f"attributes.{name}", f"{json.dumps(value)[:40]}: an attribute's value is a string or true"
    return None


class _Importer:
    """Checks each record and buffers its rows; articles are matched to the store's by SHA-256."""

    def __init__(self, store: Store, annotator: str, add_labels: bool, report: ImportReport):
        self.store, self.annotator, self.add_labels, self.report = store, annotator, add_labels, report
        self.labels = {label.name for label in store.labels()}
        self.relation_types = {t.name: t for t in store.relation_types()}
        self.declared: set[str] = set()  # labels the files' own configuration declares (added when used)
        self.declared_types: dict[str, RelationType] = {}  # relation types it declares (added when used)
        self.ids_by_sha, self.shas_by_id = store.article_keys()
        self.names: dict[str, str] = {}  # file -> its name relative to the folder named
        self.noted: set[str] = set(report.notes)
        self.tallies: dict[tuple[str, str, str], int] = {}
        self.article_rows: list[tuple] = []
        self.span_rows: list[tuple] = []
        self.relation_rows: list[tuple] = []  # (article id, annotator, type, from key, to key)
        self.stamp = now()  # one creation time a batch

    def add(self, item: Incoming) -> list[InputError]:
        """Buffer one record's rows, or return its problems."""
        record, file, line = item.record, item.file, item.line
        if item.labels:
            self.declared.update(item.labels)
        if item.relation_types:
            self.declared_types.update((t.name, t) for t in item.relation_types)
        sha, problems = check_record(item)
        spans = record.get("spans", []) if sha else []  # with a SHA-256 the record fits the schema: spans can be read
        if spans and not {span["label"] for span in spans} <= self.labels:
            problems = problems + self.check_labels(spans, file, line)
        if sha and (record.get("relations") or any("id" in span for span in spans)):
            self.add_declared_types(record)
            if self.add_labels:
                self.add_relation_types(record)
            problems += relation_problems(record, self.relation_types, file, line, self.annotator)
        if problems:
            return problems
        if item.notes or item.tallies:
            self.note(item)
        article_id = self.ids_by_sha.get(sha)
        if article_id is None:
            article_id = record.get("id") or sha[:16]
            if article_id in self.shas_by_id:
                if "id" in record and line is not None:
                    return [InputError(file, line, "$.id", f"article {article_id!r} already exists with a different text")]
                article_id = f"{article_id}-{sha[:8]}"
            self.article_rows.append(self.article_row(article_id, record, sha, file))
            self.report.new += 1
            existing: set = set()
        else:
            self.report.present += 1
            self.flush()
            existing = self.store.span_keys(article_id)
        self.ids_by_sha[sha] = article_id
        self.shas_by_id[article_id] = sha
        if spans:
            self.add_spans(article_id, record["text"], spans, existing, self.name_of(file))
        if record.get("relations"):
            self.add_relations(article_id, record)
        if len(self.article_rows) >= BATCH or len(self.span_rows) + len(self.relation_rows) >= 10 * BATCH:
            self.flush()
        return []

    def article_row(self, article_id: str, record: dict, sha: str, file: str) -> tuple:
        """(id, title, text, sha, source, meta JSON, created) of a checked record's new article."""
        text = record["text"]
        return (article_id, record.get("title") or title_of(text), text, sha,
                record["source"] if "source" in record else self.name_of(file),
                json.dumps(record["meta"], ensure_ascii=False) if "meta" in record else "{}", self.stamp)

    def add_spans(self, article_id: str, text: str, spans: list[dict], existing: set, origin: str) -> None:
        """Buffer a checked record's span rows; one already there (in `existing`, or twice in the record) is counted."""
        rows, stamp, default, added = self.span_rows, self.stamp, self.annotator, 0
        for span in spans:
            start, end, label = span["start"], span["end"], span["label"]
            key = (span.get("annotator") or default, start, end, label)
            if key in existing:
                self.report.spans_present += 1
                continue
            existing.add(key)
            quoted = span.get("text")  # checked equal to the text's own
            piece, note, attributes = text[start:end] if quoted is None else quoted, span.get("note"), span.get("attributes")
            if note is None and not attributes:  # most spans: a shorter row (see Store.insert_span_rows)
                rows.append((article_id, key[0], label, start, end, piece, origin, stamp))
            else:
                rows.append((article_id, key[0], label, start, end, piece, note, origin, stamp,
                             json.dumps(attributes, ensure_ascii=False) if attributes else None))
            added += 1
        self.report.spans += added

    def add_relations(self, article_id: str, record: dict) -> None:
        """Buffer a checked record's relations by their ends' (annotator, start, end, label), linked on flush."""
        keys = {span["id"]: (span.get("annotator") or self.annotator, span["start"], span["end"], span["label"])
                for span in record["spans"] if "id" in span}
        self.relation_rows += [(article_id, keys[r["from"]][0], r["type"], keys[r["from"]], keys[r["to"]])
                               for r in record["relations"]]

    def add_declared_types(self, record: dict) -> None:
        """A relation type the record uses that the label set lacks and its source declares is added: allowing the
        declared labels at each end that the label set has (brat's annotation.conf), or, declared without them (a
        Label Studio <Relation>), the labels of the ends it links, as --add-labels does."""
        names = dict.fromkeys(r["type"] for r in record.get("relations", ()))
        open_names = {name for name in names if name in self.declared_types and not self.declared_types[name].from_labels
                      and (name not in self.relation_types or name in self.report.added_relation_types)}
        if open_names:
            self.add_relation_types(record, open_names)
        for name in names:
            kind = self.declared_types.get(name)
            if name in self.relation_types or kind is None:
                continue
            kind = replace(kind, from_labels=tuple(n for n in kind.from_labels if n in self.labels),
                           to_labels=tuple(n for n in kind.to_labels if n in self.labels))
            if kind.from_labels and kind.to_labels:
                self.flush()
                self.relation_types[name] = kind
                self.store.set_label_set(self.store.labels(), list(self.relation_types.values()))
                self.report.added_relation_types.append(name)

    def add_relation_types(self, record: dict, names: set[str] | None = None) -> None:
        """With --add-labels: a relation type (of `names`, when given) not in the label set is added, allowing the
        labels of the ends it links (more as this import uses it); one already in the set stays as it is."""
        by_id = {span["id"]: span for span in record.get("spans", []) if "id" in span}
        for relation in record.get("relations", []):
            name, head, tail = relation["type"], by_id.get(relation["from"]), by_id.get(relation["to"])
            if names is not None and name not in names:
                continue
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
                problem = label_name_problem(span["label"])
                if problem:
                    problems.append(InputError(file, line, f"$.spans[{i}].label", problem))
                elif self.add_labels or span["label"] in self.declared:
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

    def note(self, item: Incoming) -> None:
        """Keep what the reader wants the user told: its notes once each, its tallies summed per file."""
        for text in item.notes:
            if text not in self.noted:
                self.noted.add(text)
                self.report.notes.append(text)
        for noun, what, count in item.tallies:
            self.tallies[(item.file, noun, what)] = self.tallies.get((item.file, noun, what), 0) + count

    def tally_notes(self) -> list[str]:
        """One line per file and kind of thing counted: `doc.jsonl: 12 relations not imported (only spans are)`."""
        return [f"{file}: {counted(count, noun)} {what}" for (file, noun, what), count in self.tallies.items()]

    def name_of(self, file: str) -> str:
        """A file's name as the source of its articles: relative to the folder named, else its own name."""
        name = self.names.get(file)
        return name if name is not None else Path(file).name

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




def seed(store: Store) -> ImportReport:
    """Fill a store from seeds/: its articles, and the demonstration spans when present."""
    from .paths import seeds_dir

    files = [p for p in sorted(seeds_dir().iterdir()) if p.suffix in READERS]
    return import_files(store, files, annotator="seed")
