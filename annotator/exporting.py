"""Exporting the store to every format: filtering, splits, dropped-span reports, manifest, written atomically."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TextIO

from . import __version__, parallel, schema
from .errors import UserError
from .formats.writing import Batch, FormatWriter, Report, Settings
from .model import Label, Relation, RelationType, Span
from .store import Store
from .tagging import ALIGNMENTS, SCHEMES
from .wording import counted


@dataclass(frozen=True)
class Format:
    """What a format writes: a description, the file extension, and whether --out is a directory."""

    description: str
    extension: str
    directory: bool = False
    offsets: str = "code points"
    tokens: bool = False  # spans are laid on tokens (alignment and overlap apply)
    one_layer: bool = False  # all spans of an article make one layer: one annotator's (or the gold) spans
    carries: frozenset[str] = frozenset({"note"})  # beyond offsets and label: "note", "attribute", "relation"


FORMATS: dict[str, Format] = {
    "jsonl": Format("canonical JSONL records (schemas/record.schema.json)", ".jsonl",
                    carries=frozenset({"note", "attribute", "relation"})),
    "spacy": Format("spaCy DocBin: all spans in doc.spans['sc'], non-overlapping ones in doc.ents", ".spacy",
                    tokens=True, one_layer=True, carries=frozenset({"note", "relation"})),
    "hf": Format("Hugging Face token classification JSONL {id, tokens, ner_tags} + tag names", ".jsonl",
                 offsets="tokens", tokens=True, one_layer=True, carries=frozenset()),
    "conll": Format("CoNLL token<TAB>tag, IOB2 (or BIOES), -DOCSTART- between articles", ".conll",
                    offsets="tokens", tokens=True, one_layer=True, carries=frozenset()),
    "brat": Format("brat standoff: DOC.txt + DOC.ann per article, annotation.conf", "", directory=True,
                   carries=frozenset({"note", "attribute", "relation"})),
    "label-studio": Format("Label Studio export JSON with annotations[].result[] + labeling config XML", ".json",
                           carries=frozenset({"note", "relation"})),
    "doccano": Format("doccano JSONL {text, label: [[start, end, label]]}, or {text, entities, relations} with relations",
                      ".jsonl", offsets="utf-16 code units", carries=frozenset({"relation"})),
    "prodigy": Format("Prodigy JSONL with tokens, spans (token_end inclusive) and relations", ".jsonl", tokens=True,
                      carries=frozenset({"note", "relation"})),
    "w3c": Format("W3C Web Annotation JSON-LD page, one annotation per span and per relation", ".jsonld",
                  carries=frozenset({"note", "relation"})),
}


def format_module(name: str):
    """annotator.formats.<name>, with '-' read as '_'."""
    if name not in FORMATS:
        raise UserError(f"unknown format {name!r} (one of {', '.join(FORMATS)})")
    return importlib.import_module(f".formats.{name.replace('-', '_')}", __package__)


def writer_class(name: str) -> type[FormatWriter]:
    """The format's Writer, which implements formats.writing.FormatWriter."""
    return format_module(name).Writer


@dataclass(frozen=True)
class ExportOptions:
    """What to export, where and how: the command's options (see `annotator export --help`)."""

    format: str
    out: Path
    annotator: str | None = None  # only this annotator's spans
    gold: bool = False  # the reviewed layer instead (excludes annotator)
    status: str = "any"  # any, done, reviewed
    labels: list[str] | None = None  # only these labels, in this order
    split: str | dict | None = None  # "train=0.8,dev=0.1,test=0.1"
    seed: int = 0
    alignment: str = "expand"
    scheme: str = "iob2"
    shard_size: int = 0  # spacy: articles per DocBin file, 0 for one file

    @property
    def selection(self) -> dict:
        """The store's filter arguments."""
        return {"annotator": self.annotator, "status": self.status, "gold": self.gold}


def parse_split(text: str | dict | None) -> dict[str, float]:
    """{'train': 0.8, 'dev': 0.1, 'test': 0.1} from "train=0.8,dev=0.1,test=0.1"; shares must add up to 1."""
    if not text:
        return {}
    if isinstance(text, dict):
        shares = dict(text)
    else:
        shares = {}
        for part in text.split(","):
            name, _, value = part.partition("=")
            try:
                shares[name.strip()] = float(value)
            except ValueError:
                raise UserError(f"--split {text!r}: write it as train=0.8,dev=0.1,test=0.1") from None
    if any(not re.fullmatch(r"[A-Za-z0-9_-]+", n) for n in shares) or any(v < 0 for v in shares.values()):
        raise UserError(f"--split {text!r}: names are letters, digits, - or _, shares are not negative")
    if abs(sum(shares.values()) - 1) > 1e-6:
        raise UserError(f"--split {text!r}: the shares add up to {sum(shares.values()):g}, not 1")
    return shares


def split_of(text_sha256: str, shares: dict[str, float], seed: int = 0) -> str:
    """The split an article falls in, fixed by its SHA-256 and the seed (stable as the corpus grows)."""
    point = int.from_bytes(hashlib.sha256(f"{seed}:{text_sha256}".encode()).digest()[:8], "big") / 2**64
    total = 0.0
    for name, share in shares.items():
        total += share
        if point < total:
            return name
    return name


@dataclass
class ExportSummary:
    """What an export wrote, left out and changed."""

    format: str
    out: Path
    articles: int = 0
    spans: int = 0
    tokens: int = 0
    splits: dict[str, dict] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)  # kind of reason -> count
    moved: Counter = field(default_factory=Counter)  # why span boundaries changed -> count
    not_in_ents: int = 0  # spaCy: overlapping spans kept in doc.spans["sc"] only
    not_carried: Counter = field(default_factory=Counter)  # "note" / "attribute" / "relation" -> how many it cannot hold
    alignment: str = "expand"
    dropped_file: Path | None = None
    files: list[Path] = field(default_factory=list)
    destination: str | None = None  # what the summary calls the output, when not `out` ("standard output")
    relations: int = 0  # written
    relations_left: Counter = field(default_factory=Counter)  # why relations the format carries were not written -> count
    gold: bool = False  # the gold layer: its spans' only attribute is their reviewer

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def count(self, split: str, spans: list, relations: list) -> None:
        """An article read into `split` with these spans and relations (those the format cannot hold are counted)."""
        counts = self.splits[split]
        counts["articles"] += 1
        counts["spans"] += len(spans)
        counts["labels"].update(s.label for s in spans)
        self.articles += 1
        self.spans += len(spans)
        carries = FORMATS[self.format].carries
        if "note" not in carries:
            self.not_carried["note"] += sum(1 for s in spans if s.note)
        if "attribute" not in carries:
            self.not_carried["attribute"] += sum(len(s.attributes) for s in spans)
        if "relation" not in carries:
            self.not_carried["relation"] += len(relations)

    def take(self, split: str, report: Report) -> None:
        """What formatting a batch of `split` changed and left out."""
        self.tokens += report.tokens
        self.moved.update(report.moved)
        self.not_in_ents += report.not_in_ents
        self.relations += report.relations
        self.relations_left.update(report.relations_left)
        counts = self.splits[split]
        for dropped in report.dropped:
            self.dropped[dropped.kind] += 1
            self.spans -= 1
            counts["spans"] -= 1
            counts["labels"][dropped.span.label] -= 1

    def summary(self) -> str:
        lines = [f"Exported {counted(self.articles, 'article')}, {counted(self.spans, 'span')}"
                 + (f", {counted(self.tokens, 'token')}" if self.tokens else "")
                 + f" to {self.destination or self.out} ({self.format})"]
        if len(self.splits) > 1 or (self.splits and "all" not in self.splits):
            lines.append("; ".join(f"{name}: {counted(s['articles'], 'article')}, {counted(s['spans'], 'span')}"
                                   for name, s in self.splits.items()))
        for reason, n in self.moved.items():
            lines.append(f"{counted(n, 'span')} {reason}")
        if self.not_in_ents:
            lines.append(f"{counted(self.not_in_ents, 'overlapping span')} in doc.spans['sc'] but not in doc.ents")
        if self.relations:
            lines.append(f"{counted(self.relations, 'relation')} between the spans")
        for why, n in self.relations_left.most_common():
            lines.append(f"{counted(n, 'relation')} not written: {why}")
        if self.not_carried["relation"]:
            lines.append(f"{counted(self.not_carried['relation'], 'relation')} not written: "
                         f"{self.format} export does not carry relations")
        if self.not_carried["relation reviewer"]:
            lines.append(f"{counted(self.not_carried['relation reviewer'], 'gold relation')} written without their "
                         "reviewer: a relation has no place for one")
        other = {name: n for name, n in sorted(self.not_carried.items())
                 if n and name not in ("relation", "relation reviewer")}
        if other:
            what = " and ".join(counted(n, "gold span's reviewer", "gold spans' reviewers") if self.gold
                                and name == "attribute" else counted(n, f"span {name}") for name, n in other.items())
            lines.append(f"{what} not written: the {self.format} format has no place for them")
        if self.dropped:
            reasons = ", ".join(f"{n:,} {reason}" for reason, n in self.dropped.most_common())
            where = f"each one is listed in {self.dropped_file}" if self.dropped_file else "export to a file to list them"
            lines.append(f"{counted(self.dropped_total, 'span')} left out: {reasons}; {where}")
        return "\n".join(lines)


class DroppedList:
    """The dropped-spans file: one JSON line per span left out, opened at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.handle: TextIO | None = None

    def add(self, split: str, report: Report) -> None:
        for dropped in report.dropped:
            span = dropped.span
            if self.handle is None:
                self.handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
            self.handle.write(json.dumps({
                "article": dropped.article_id, "start": span.start, "end": span.end, "label": span.label,
                "text": span.text, "annotator": span.annotator, "split": split, "reason": dropped.reason,
            }, ensure_ascii=False) + "\n")

    def close(self) -> bool:
        """Close the file; True when it holds anything."""
        if self.handle is None:
            return False
        self.handle.close()
        return True


# Articles from which the token formats (tokenizing is most of their time) are formatted by worker processes.
# The other formats are cheaper to format than to hand to another process: measured, they stay in one.
PARALLEL_FROM = 2_000


def export(store: Store, options: ExportOptions, progress: Callable[[int, int], None] | None = None) -> ExportSummary:
    """Write the chosen articles and spans as `options` say (a file, or a directory for brat and splits).

    Reads one snapshot of the store (an edit made meanwhile is in the export whole or not at all) with
    flat memory, writes into a temporary place renamed into place at the end, and reports every span
    it could not write in the dropped-spans file beside the output.
    """
    _check_options(options)
    out = Path(options.out)
    with store.snapshot():
        labels = tuple(_choose_labels(store.labels(), options.labels))
        settings = Settings(labels, options.scheme, options.alignment, options.shard_size,
                            _relation_types(store.relation_types(), labels),
                            store.count_relations(**options.selection) > 0)
        _check_annotators(options, store.annotators())
        shares = parse_split(options.split)
        as_directory = FORMATS[options.format].directory or bool(shares) or bool(options.shard_size)
        _check_target(out, as_directory)
        _remove_stale_partials(out)
        staging = out.parent / f".{out.name}.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir()
        except OSError as e:
            raise UserError(f"{out.parent}: cannot write here ({e.strerror or e})") from None
        try:
            return _export_into(store, options, settings, shares, staging, as_directory, progress)
        except OSError as e:
            raise UserError(f"{e.filename or out}: {e.strerror or e}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _export_into(store: Store, options: ExportOptions, settings: Settings, shares: dict, staging: Path,
                 as_directory: bool, progress) -> ExportSummary:
    """The export written into `staging`, then moved into place."""
    kind, out = FORMATS[options.format], Path(options.out)
    summary = ExportSummary(options.format, out, alignment=options.alignment, gold=options.gold)
    sidecar = (lambda name: staging / name) if as_directory else (lambda name: staging / f"{out.stem}.{name}")
    dropped = DroppedList(sidecar("dropped.jsonl"))
    names = list(shares) or ["all"]
    targets = {name: staging / out.name if not as_directory else staging / f"{name}{kind.extension}" if shares
               else staging for name in names}
    writers: dict[str, FormatWriter] = {}
    try:
        for name in names:
            summary.splits[name] = {"articles": 0, "spans": 0, "labels": Counter()}
            writers[name] = writer_class(options.format)(settings)
            writers[name].open(targets[name])
        total = store.count_articles(annotator=options.annotator, status=options.status)
        if options.format == "jsonl" and not shares and set(settings.label_names) >= {lb.name for lb in store.labels()}:
            _write_canonical(store, writers["all"], summary, options, progress, total)
            summary.relations = store.count_relations(**options.selection)
        else:
            pays = kind.tokens and total >= PARALLEL_FROM and parallel.worker_count() > 1
            workers = parallel.worker_count() if pays else 0
            _write_articles(store, writers, options, shares, summary, dropped, progress, total, workers)
        if options.gold:  # the gold layer is one layer, nobody's: a relation keeps no reviewer (a span, an attribute)
            summary.not_carried["relation reviewer"] = summary.relations
        for name, content in writers[names[0]].sidecars().items():
            sidecar(name).write_text(content, encoding="utf-8")
        while writers:
            writers.popitem()[1].close()
    finally:
        for writer in writers.values():  # only after a failure: close the files before they are removed
            with contextlib.suppress(Exception):
                writer.close()
        if dropped.close():
            summary.dropped_file = out / "dropped.jsonl" if as_directory else out.with_name(f"{out.stem}.dropped.jsonl")
    if as_directory:
        manifest = _manifest(summary, settings, options, shares)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    summary.files = _move_into_place(staging, out, as_directory)
    return summary


def _write_articles(store: Store, writers: dict[str, FormatWriter], options: ExportOptions, shares: dict,
                    summary: ExportSummary, dropped: DroppedList, progress, total: int, workers: int) -> None:
    """Each chosen article with its spans of the chosen labels, formatted in batches (by `workers` processes,
    if any) and written by its split's writer, in order."""
    wanted = set(next(iter(writers.values())).settings.label_names)
    relations_of = _by_article(store.iter_relations(**options.selection))

    def batches() -> Iterator[tuple[str, Batch]]:
        pending: dict[str, Batch] = {name: [] for name in writers}
        for article, spans in store.iter_articles(**options.selection):
            split = split_of(article.text_sha256, shares, options.seed) if shares else "all"
            relations = relations_of(article.id)
            if any(s.label not in wanted for s in spans):
                spans = [s for s in spans if s.label in wanted]
                relations = _ends_kept(relations, spans, summary)
            summary.count(split, spans, relations)
            pending[split].append((article, spans, relations))
            if len(pending[split]) >= writers[split].batch_size:
                yield split, pending[split]
                pending[split] = []
        yield from ((split, batch) for split, batch in pending.items() if batch)

    done = 0
    for split, batch, piece, report in parallel.formatted(next(iter(writers.values())), batches(), workers):
        writers[split].write(piece)
        summary.take(split, report)
        dropped.add(split, report)
        done += len(batch)
        if progress:
            progress(done, total)


def _by_article(relations: Iterator[Relation]) -> Callable[[str], list[Relation]]:
    """A function giving the relations of each article id asked for in increasing order (a merge join with the
    articles, both read in id order, so memory holds one article's relations)."""
    groups = groupby(relations, attrgetter("article_id"))
    group = next(groups, None)

    def of(article_id: str) -> list[Relation]:
        nonlocal group
        while group is not None and group[0] < article_id:
            group = next(groups, None)
        return list(group[1]) if group is not None and group[0] == article_id else []

    return of


def _ends_kept(relations: list[Relation], spans: list[Span], summary: ExportSummary) -> list[Relation]:
    """The relations whose two ends are among the spans of the chosen labels; the others are counted as left out."""
    ids = {span.id for span in spans}
    kept = [r for r in relations if r.from_id in ids and r.to_id in ids]
    if len(kept) < len(relations):
        summary.relations_left["an end's label is not among --labels"] += len(relations) - len(kept)
    return kept


def _write_canonical(store: Store, writer, summary: ExportSummary, options: ExportOptions, progress, total) -> None:
    """Every record as SQLite's JSON functions write it: the generic loop's output, three times as fast."""
    done = 0
    for done, (_, text) in enumerate(store.iter_record_json(**options.selection), 1):
        writer.write_json(text)
        if progress and done % 200 == 0:
            progress(done, total)
    if progress:
        progress(done, total)
    counts = Counter(store.span_label_counts(**options.selection))
    summary.articles, summary.spans = done, sum(counts.values())
    summary.splits["all"].update(articles=done, spans=summary.spans, labels=counts)


def _check_options(options: ExportOptions) -> None:
    """Refuse options that contradict each other, before anything is read."""
    writer_class(options.format)
    if options.alignment not in ALIGNMENTS:
        raise UserError(f"unknown alignment {options.alignment!r} (one of {', '.join(ALIGNMENTS)})")
    if options.scheme not in SCHEMES:
        raise UserError(f"unknown tag scheme {options.scheme!r} (one of {', '.join(SCHEMES)})")
    if options.shard_size and options.format != "spacy":
        raise UserError("--shard-size applies to the spacy format only")
    if options.shard_size < 0:
        raise UserError("--shard-size must be a positive number of articles (0: one file)")
    if options.gold and options.annotator:
        raise UserError("--gold and --annotator exclude each other: the reviewed layer, or one annotator's spans")


def _check_annotators(options: ExportOptions, annotators: list[str]) -> None:
    """Refuse an annotator with no spans, and a token format pooling several annotators' spans into one layer."""
    shown = ", ".join(name or "(no name)" for name in annotators) or "none yet"
    if options.annotator and options.annotator not in annotators:
        raise UserError(f"--annotator {options.annotator!r}: no spans by that name (annotators: {shown})")
    if FORMATS[options.format].one_layer and not options.annotator and not options.gold and len(annotators) > 1:
        raise UserError(f"{options.format} holds one layer of spans, and {len(annotators)} annotators have spans "
                        f"({shown}): choose one with --annotator NAME, or the reviewed layer with --gold")


def _remove_stale_partials(out: Path) -> None:
    """Remove what an export into `out` that was killed left behind (its process is gone)."""
    for leftover in out.parent.glob(f".{glob.escape(out.name)}.*-*"):
        kind, _, pid = leftover.name.rpartition("-")
        if not pid.isdigit() or _running(int(pid)):
            continue
        if kind.endswith(".partial"):
            shutil.rmtree(leftover, ignore_errors=True)
        elif kind.endswith(".old") and not out.exists():  # killed between two renames: the earlier export
            leftover.rename(out)
        elif kind.endswith(".old"):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _choose_labels(known: list[Label], wanted: list[str] | None) -> list[Label]:
    if not wanted:
        return known
    by_name = {label.name: label for label in known}
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise UserError(f"--labels: unknown label {unknown[0]!r} (known: {', '.join(by_name)})")
    return [by_name[name] for name in dict.fromkeys(wanted)]


def _relation_types(types: list[RelationType], labels: tuple[Label, ...]) -> tuple[RelationType, ...]:
    """The relation types as the export's labels leave them: each end's labels among those exported, and a type
    left without a label at an end left out."""
    names = {label.name for label in labels}
    narrowed = (replace(t, from_labels=tuple(n for n in t.from_labels if n in names),
                        to_labels=tuple(n for n in t.to_labels if n in names)) for t in types)
    return tuple(t for t in narrowed if t.from_labels and t.to_labels)


def _check_target(out: Path, as_directory: bool) -> None:
    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: no such directory")
    if as_directory and out.exists() and not (out.is_dir() and (not any(out.iterdir()) or (out / "manifest.json").exists())):
        raise UserError(f"{out}: exists and is not an earlier export (no manifest.json); name a new directory")
    if not as_directory and out.is_dir():
        raise UserError(f"{out}: is a directory; this format writes one file (or give --split to write a directory)")


def _move_into_place(staging: Path, out: Path, as_directory: bool) -> list[Path]:
    """Rename the finished output into place: the directory as a whole, or each file of a single-file export."""
    if as_directory:
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
        return [out]
    files = []
    for path in sorted(staging.iterdir(), key=lambda p: p.name != out.name):
        target = out.parent / path.name
        path.replace(target)
        files.append(target)
    return files


def _manifest(summary: ExportSummary, settings: Settings, options: ExportOptions, shares: dict) -> dict:
    kind = FORMATS[summary.format]
    manifest = {
        "format": summary.format,
        "tool": {"name": "annotator", "version": __version__},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "offset_unit": kind.offsets,
        "alignment": settings.alignment if kind.tokens else None,
        "scheme": settings.scheme if summary.format in ("conll", "hf") else None,
        "labels": settings.label_names,
        "tag_names": settings.tag_names if kind.tokens else [],
        "filters": {"annotator": options.annotator, "gold": options.gold, "status": options.status,
                    "labels": options.labels or None},
        "split": {"shares": shares, "seed": options.seed} if shares else None,
        "splits": {
            name: {"file": f"{name}{kind.extension}" if shares else ".", "articles": s["articles"], "spans": s["spans"],
                   "labels": {label: s["labels"][label] for label in settings.label_names}}
            for name, s in summary.splits.items()
        },
        "totals": {"articles": summary.articles, "spans": summary.spans, "tokens": summary.tokens},
        "moved": dict(summary.moved),
        "not_carried": {name: n for name, n in summary.not_carried.items() if n},
        "relations": {"written": summary.relations, "left_out": dict(summary.relations_left)},
        "dropped": {"count": summary.dropped_total, "reasons": dict(summary.dropped),
                    "file": "dropped.jsonl" if summary.dropped_file else None},
    }
    problems = schema.errors("manifest", manifest)
    if problems:  # a bug, not the user's fault
        raise AssertionError(f"manifest.json does not match its schema: {problems}")
    return manifest
