"""Exporting the store to every format: filtering, splits, dropped-span reports, manifest, written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, schema
from .errors import UserError
from .model import Article, Label, Span
from .store import Store
from .tagging import ALIGNMENTS, SCHEMES, Tokenized, tag_names, tokenized
from .wording import counted


@dataclass(frozen=True)
class Format:
    """What a format writes: a description, the file extension, and whether --out is a directory."""

    description: str
    extension: str
    directory: bool = False
    offsets: str = "code points"
    tokens: bool = False  # spans are laid on tokens (alignment and overlap apply)
    # A second process may export the second half of the articles: into the same folders where the writers
    # fill folders (brat, spaCy shards: their Writer has reserve, handoff and take), else into part files
    # appended to this one's.
    halves: bool = False


FORMATS: dict[str, Format] = {
    "jsonl": Format("canonical JSONL records (schemas/record.schema.json)", ".jsonl"),
    "spacy": Format("spaCy DocBin: all spans in doc.spans['sc'], non-overlapping ones in doc.ents", ".spacy",
                    tokens=True, halves=True),  # in halves only with --shard-size and no --split
    "hf": Format("Hugging Face token classification JSONL {id, tokens, ner_tags} + tag names", ".jsonl",
                 offsets="tokens", tokens=True, halves=True),
    "conll": Format("CoNLL token<TAB>tag, IOB2 (or BIOES), -DOCSTART- between articles", ".conll",
                    offsets="tokens", tokens=True, halves=True),
    "brat": Format("brat standoff: DOC.txt + DOC.ann per article, annotation.conf", "", directory=True, halves=True),
    "label-studio": Format("Label Studio export JSON with annotations[].result[] + labeling config XML", ".json"),
    "doccano": Format("doccano sequence labeling JSONL {text, label: [[start, end, label]]}", ".jsonl",
                      offsets="utf-16 code units", halves=True),
    "prodigy": Format("Prodigy JSONL with tokens and spans (token_end inclusive)", ".jsonl", tokens=True, halves=True),
    "w3c": Format("W3C Web Annotation JSON-LD page, one annotation per span", ".jsonld"),
}


def format_module(name: str):
    """annotator.formats.<name>, with '-' read as '_'."""
    if name not in FORMATS:
        raise UserError(f"unknown format {name!r} (one of {', '.join(FORMATS)})")
    return importlib.import_module(f".formats.{name.replace('-', '_')}", __package__)


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
    dropped: Counter = field(default_factory=Counter)  # reason -> count
    moved: Counter = field(default_factory=Counter)  # why span boundaries changed -> count
    not_in_ents: int = 0  # spaCy: overlapping spans kept in doc.spans["sc"] only
    alignment: str = "expand"
    dropped_file: Path | None = None
    files: list[Path] = field(default_factory=list)
    relations: int = 0  # written
    relations_left: int = 0  # in the chosen articles, not written (the format or the path does not carry them)

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def summary(self) -> str:
        lines = [f"Exported {counted(self.articles, 'article')}, {counted(self.spans, 'span')}"
                 + (f", {counted(self.tokens, 'token')}" if self.tokens else "") + f" to {self.out} ({self.format})"]
        if len(self.splits) > 1 or (self.splits and "all" not in self.splits):
            lines.append("; ".join(f"{name}: {counted(s['articles'], 'article')}, {counted(s['spans'], 'span')}"
                                   for name, s in self.splits.items()))
        for reason, n in self.moved.items():
            lines.append(f"{counted(n, 'span')} {reason}")
        if self.not_in_ents:
            lines.append(f"{counted(self.not_in_ents, 'overlapping span')} in doc.spans['sc'] but not in doc.ents")
        if self.relations:
            lines.append(f"{counted(self.relations, 'relation')} between the spans")
        if self.relations_left:
            why = ("jsonl carries them only without --labels and --split" if self.format == "jsonl"
                   else f"{self.format} export does not carry relations")
            lines.append(f"{counted(self.relations_left, 'relation')} not written: {why}")
        if self.dropped:
            reasons = ", ".join(f"{n:,} {reason}" for reason, n in self.dropped.most_common())
            lines.append(f"{counted(self.dropped_total, 'span')} left out: {reasons}; each one is listed in {self.dropped_file}")
        return "\n".join(lines)


class Context:
    """What a writer needs besides the articles: the labels, the options, and where to report what it drops."""

    def __init__(self, labels: list[Label], scheme: str, alignment: str, summary: ExportSummary, dropped_path: Path):
        self.labels, self.scheme, self.alignment, self.summary = labels, scheme, alignment, summary
        self.label_names = [label.name for label in labels]
        self.order = {name: i for i, name in enumerate(self.label_names)}
        self.tag_names = tag_names(self.label_names, scheme)
        self.split = "all"
        self.shard_size = 0  # spacy: articles per DocBin file, 0 for one file
        self._dropped_path = dropped_path
        self._dropped_handle = None

    def drop(self, article: Article, span: Span, reason: str) -> None:
        """Leave a span out, counted in the summary and listed (one JSON line each) in the dropped-spans file."""
        kind = reason.split(" [")[0] if reason.startswith("overlaps") else reason
        self.summary.dropped["overlap" if kind.startswith("overlaps") else kind] += 1
        self.summary.spans -= 1
        split = self.summary.splits[self.split]
        split["spans"] -= 1
        split["labels"][span.label] -= 1
        self._dropped().write(json.dumps({
            "article": article.id, "start": span.start, "end": span.end, "label": span.label, "text": span.text,
            "annotator": span.annotator, "split": self.split, "reason": reason,
        }, ensure_ascii=False) + "\n")

    def append_dropped(self, path: Path) -> None:
        """Add the dropped-spans lines another process wrote (see _write_in_halves)."""
        if path.exists() and path.stat().st_size:
            with open(path, encoding="utf-8") as lines:
                shutil.copyfileobj(lines, self._dropped())

    def _dropped(self):
        if self._dropped_handle is None:
            self._dropped_handle = open(self._dropped_path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
        return self._dropped_handle

    def moved(self, count: int, reason: str) -> None:
        if count:
            self.summary.moved[reason] += count

    def tokenize(self, article: Article, spans: list[Span], *, keep_overlap: bool = False) -> Tokenized:
        """The article on tokens under the chosen alignment; moved and dropped spans are reported here."""
        result = tokenized(article.text, spans, self.alignment, self.order)
        self.summary.tokens += len(result.tokens)
        verb = "widened" if self.alignment == "expand" else "narrowed"
        self.moved(len(result.moved), f"not on token boundaries were {verb} to whole tokens (--alignment {self.alignment})")
        for span, reason in result.dropped:
            if keep_overlap and reason.startswith("overlaps"):
                self.summary.not_in_ents += 1
            else:
                self.drop(article, span, reason)
        return result

    def close(self) -> bool:
        """Close the dropped-spans file; True when it holds anything."""
        if self._dropped_handle is None:
            return False
        self._dropped_handle.close()
        return True


def export(
    store: Store,
    fmt: str,
    out: Path,
    *,
    annotator: str | None = None,
    gold: bool = False,
    status: str = "any",
    labels: list[str] | None = None,
    split: str | dict | None = None,
    seed: int = 0,
    alignment: str = "expand",
    scheme: str = "iob2",
    shard_size: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write the chosen articles and spans in format `fmt` to `out` (a file, or a directory for brat and splits).

    Streams the store with flat memory, writes into a temporary place renamed into `out` at the end,
    and reports every span it could not write in the dropped-spans file beside the output.
    """
    module = format_module(fmt)
    kind = FORMATS[fmt]
    if alignment not in ALIGNMENTS:
        raise UserError(f"unknown alignment {alignment!r} (one of {', '.join(ALIGNMENTS)})")
    if scheme not in SCHEMES:
        raise UserError(f"unknown tag scheme {scheme!r} (one of {', '.join(SCHEMES)})")
    chosen = _choose_labels(store.labels(), labels)
    shares = parse_split(split)
    out = Path(out)
    if shard_size and fmt != "spacy":
        raise UserError("--shard-size applies to the spacy format only")
    if shard_size < 0:
        raise UserError("--shard-size must be a positive number of articles (0: one file)")
    as_directory = kind.directory or bool(shares) or bool(shard_size)
    _check_target(out, as_directory)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    summary = ExportSummary(fmt, out, alignment=alignment)
    sidecar = (lambda name: staging / name) if as_directory else (lambda name: staging / f"{out.stem}.{name}")
    ctx = Context(chosen, scheme, alignment, summary, sidecar("dropped.jsonl"))
    ctx.shard_size = shard_size
    names = list(shares) or ["all"]
    targets = {name: staging / out.name if not as_directory else staging / f"{name}{kind.extension}" if shares
               else staging for name in names}
    # one DocBin, or shards per split, cannot be cut in two as one process would have cut them
    halves = kind.halves and (fmt != "spacy" or bool(shard_size) and not shares)
    writers = {}
    try:
        for name in names:
            summary.splits[name] = {"articles": 0, "spans": 0, "labels": Counter()}
            writers[name] = module.Writer(targets[name], ctx)
        total = store.count_articles(annotator=annotator, status=status) if progress or halves else 0
        selection = {"annotator": annotator, "status": status, "gold": gold}
        middle = _middle(store, selection, total, shard_size or 1) if halves and total >= (
            PARALLEL_FROM // 10 if kind.tokens else PARALLEL_FROM) else None
        relations = store.count_relations(**selection)
        if fmt == "jsonl" and not shares and set(ctx.label_names) >= {label.name for label in store.labels()}:
            _write_canonical(store, writers["all"], summary, selection, progress, total)
            summary.relations = relations
        elif middle is not None:
            shared = kind.directory or bool(shard_size)  # writers fill folders, which the other process shares
            _write_in_halves(store, fmt, writers, targets if shared else None, ctx, selection, middle,
                             progress, total, staging, shares, seed)
        else:
            _write_articles(store, writers, ctx, shares, seed, selection, progress, total)
        summary.relations_left = relations - summary.relations
        while writers:
            writers.popitem()[1].close()
        for name, content in getattr(module, "sidecars", lambda ctx: {})(ctx).items():
            sidecar(name).write_text(content, encoding="utf-8")
        if ctx.close():
            summary.dropped_file = out / "dropped.jsonl" if as_directory else out.with_name(f"{out.stem}.dropped.jsonl")
        if as_directory:
            manifest = _manifest(summary, ctx, kind, shares, seed, annotator, gold, status, labels)
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        summary.files = _move_into_place(staging, out, as_directory)
    except OSError as e:
        raise UserError(f"{out}: {e.strerror or e}") from None
    finally:
        for writer in writers.values():  # only after a failure: close the files before removing them
            with contextlib.suppress(Exception):
                writer.close()
        ctx.close()
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _write_articles(store: Store, writers: dict, ctx: Context, shares: dict, seed: int, selection: dict,
                    progress, total: int, *, from_id: str | None = None, before_id: str | None = None) -> None:
    """Each chosen article, with its spans of the chosen labels, counted and handed to its split's writer."""
    summary, wanted = ctx.summary, set(ctx.label_names)
    for done, (article, spans) in enumerate(store.iter_articles(**selection, from_id=from_id, before_id=before_id), 1):
        ctx.split = split_of(article.text_sha256, shares, seed) if shares else "all"
        spans = [s for s in spans if s.label in wanted]
        counts = summary.splits[ctx.split]
        counts["articles"] += 1
        counts["spans"] += len(spans)
        counts["labels"].update(s.label for s in spans)
        summary.articles += 1
        summary.spans += len(spans)
        writers[ctx.split].add(article, spans)
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)


PARALLEL_FROM = 20_000  # articles (a tenth of it for the slower token formats): below, a second process costs more than it saves


def _write_canonical(store: Store, writer, summary: ExportSummary, selection: dict, progress, total) -> None:
    """Every record as SQLite's JSON functions write it: the generic loop's output, three times as fast.

    A large export is cut in two: a second process writes the second half of the ids into a part
    file while this one writes the first, and the part is appended (SQLite itself is the bottleneck).
    """
    total = total or store.count_articles(annotator=selection["annotator"], status=selection["status"])
    middle = _middle(store, selection, total) if total >= PARALLEL_FROM else None
    part = writer.handle.name + ".part" if middle else None
    helper = _start_part("records", {"db": store.path, "out": part, "selection": selection, "middle": middle}) if middle else None
    done = 0
    try:
        for done, (_, text) in enumerate(store.iter_record_json(**selection, before_id=middle), 1):
            writer.add_json(text)
            if progress and done % 200 == 0:
                progress(min(2 * done, total) if middle else done, total)
        if helper is not None:
            _wait_for(helper)
            _append_file(writer.handle, Path(part))
            done = total
    finally:
        if helper is not None:
            _stop(helper)
            Path(part).unlink(missing_ok=True)
    if progress:
        progress(done, total)
    counts = Counter(store.span_label_counts(**selection))
    summary.articles, summary.spans = done, sum(counts.values())
    summary.splits["all"].update(articles=done, spans=summary.spans, labels=counts)


def _middle(store: Store, selection: dict, total: int, unit: int = 1) -> str | None:
    """The id that cuts the chosen articles in two halves after a whole number of `unit`s (a spaCy shard), if any."""
    position = round(total / 2 / unit) * unit
    return store.article_id_at(position, annotator=selection["annotator"], status=selection["status"]) if (
        0 < position < total) else None


def _write_in_halves(store: Store, fmt: str, writers: dict, folders: dict | None, ctx: Context, selection: dict,
                     middle: str, progress, total: int, staging: Path, shares: dict, seed: int) -> None:
    """The generic loop over the first half of the ids here, and over the second in another process.

    Where the writers fill `folders` (brat, spaCy shards) both write into them, the other process having
    first reserved the first half's file names (or shard numbers); else it writes part files, appended
    here to this process's files. Either way the output is what one process would write, and the
    counts it returns are added here.
    """
    summary, shared_folder = ctx.summary, folders is not None
    result, dropped = staging / ".second-half.json", staging / ".second-half.dropped.jsonl"
    targets = folders or {name: staging / f".second-half.{name}.part" for name in writers}
    job = {"db": store.path, "format": fmt, "selection": selection, "middle": middle, "labels": ctx.label_names,
           "scheme": ctx.scheme, "alignment": ctx.alignment, "shares": shares, "seed": seed,
           "shard_size": ctx.shard_size, "shared_folder": shared_folder,
           "targets": {name: str(target) for name, target in targets.items()},
           "result": str(result), "dropped": str(dropped)}
    helper = _start_part("articles", job)
    try:
        half = (lambda done, _: progress(min(2 * done, total), total)) if progress else None
        _write_articles(store, writers, ctx, shares, seed, selection, half, total, before_id=middle)
        _wait_for(helper)
        part = json.loads(result.read_text("utf-8"))
        for name in ("articles", "spans", "tokens", "not_in_ents"):
            setattr(summary, name, getattr(summary, name) + part[name])
        summary.dropped.update(part["dropped"])
        summary.moved.update(part["moved"])
        for name, counts in part["splits"].items():
            mine = summary.splits[name]
            mine["articles"] += counts["articles"]
            mine["spans"] += counts["spans"]
            mine["labels"].update(counts["labels"])
        for name, writer in writers.items():
            if shared_folder:
                writer.take(part["writers"][name])
            else:
                _append_file(writer.handle, targets[name])
        ctx.append_dropped(dropped)
        if progress:
            progress(total, total)
    finally:
        _stop(helper)
        for path in (result, dropped, *([] if shared_folder else targets.values())):
            path.unlink(missing_ok=True)


def _append_file(handle, path: Path) -> None:
    """What another process wrote into `path`, appended to the text file `handle` as it is."""
    handle.flush()
    with open(path, "rb") as part:
        shutil.copyfileobj(part, handle.buffer, 1 << 20)


def run_part() -> None:
    """The second process: run the job in argv (see _start_part); a user's problem (a full disk) is one line."""
    job = json.loads(sys.argv[1])
    try:
        {"articles": _export_part, "records": _write_records_part}[job["part"]](job)
    except OSError as e:  # told apart from a bug by the exit status
        print(f"{e.filename or 'export'}: {e.strerror or e}", file=sys.stderr)
        sys.exit(USER_ERROR_STATUS)


def _export_part(job: dict) -> None:
    """The generic loop over the articles from the job's middle id on (see _write_in_halves)."""
    store = Store(job["db"], readonly=True)
    summary = ExportSummary(job["format"], Path(job["result"]), alignment=job["alignment"])
    ctx = Context(_choose_labels(store.labels(), job["labels"]), job["scheme"], job["alignment"], summary,
                  Path(job["dropped"]))
    ctx.shard_size = job["shard_size"]
    module, shared_folder = format_module(job["format"]), job["shared_folder"]
    writers = {name: module.Writer(Path(target), ctx) for name, target in job["targets"].items()}
    for name in writers:
        summary.splits[name] = {"articles": 0, "spans": 0, "labels": Counter()}
    selection = job["selection"]
    shares, seed = job["shares"], job["seed"]
    if shared_folder:  # the first half's file names (or shard numbers) are taken
        for article_id, sha in store.iter_article_keys(annotator=selection["annotator"], status=selection["status"],
                                                       before_id=job["middle"]):
            writers[split_of(sha, shares, seed) if shares else "all"].reserve(article_id)
    _write_articles(store, writers, ctx, shares, seed, selection, None, 0, from_id=job["middle"])
    states = {name: writer.handoff() for name, writer in writers.items()} if shared_folder else {}
    if not shared_folder:
        for writer in writers.values():
            writer.close()
    ctx.close()
    Path(job["result"]).write_text(json.dumps({
        "articles": summary.articles, "spans": summary.spans, "tokens": summary.tokens,
        "not_in_ents": summary.not_in_ents, "dropped": summary.dropped, "moved": summary.moved,
        "splits": summary.splits, "writers": states,
    }), "utf-8")


def _write_records_part(job: dict) -> None:
    """Canonical records of the ids from the job's middle on, into its part file (see _write_canonical)."""
    from .formats.jsonl import finish_line

    store = Store(job["db"], readonly=True)
    with open(job["out"], "w", encoding="utf-8", newline="") as out:
        for _, text in store.iter_record_json(**job["selection"], from_id=job["middle"]):
            out.write(finish_line(text))


def _start_part(part: str, job: dict) -> subprocess.Popen:
    """A Python process doing `part` ("articles" or "records") of `job` (see run_part), its errors piped back."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, "-c", "from annotator.exporting import run_part; run_part()", json.dumps({**job, "part": part})],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )


def _stop(helper: subprocess.Popen) -> None:
    """End a second process (if it is still running) and close its pipe."""
    helper.kill()
    helper.wait()
    if helper.stderr is not None:
        helper.stderr.close()


USER_ERROR_STATUS = 3  # how run_part says its failure is the user's (a full disk), not a bug


def _wait_for(helper: subprocess.Popen) -> None:
    """Wait for a second process; its failure becomes this export's error."""
    _, errors = helper.communicate()
    if helper.returncode == USER_ERROR_STATUS:
        raise UserError(errors.decode("utf-8", "replace").strip())
    if helper.returncode != 0:
        raise RuntimeError(f"the second export process failed:\n{errors.decode('utf-8', 'replace')}")


def _choose_labels(known: list[Label], wanted: list[str] | None) -> list[Label]:
    if not wanted:
        return known
    by_name = {label.name: label for label in known}
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise UserError(f"--labels: unknown label {unknown[0]!r} (known: {', '.join(by_name)})")
    return [by_name[name] for name in dict.fromkeys(wanted)]


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


def _manifest(summary, ctx, kind, shares, seed, annotator, gold, status, labels) -> dict:
    manifest = {
        "format": summary.format,
        "tool": {"name": "annotator", "version": __version__},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "offset_unit": kind.offsets,
        "alignment": ctx.alignment if kind.tokens else None,
        "scheme": ctx.scheme if summary.format in ("conll", "hf") else None,
        "labels": ctx.label_names,
        "tag_names": ctx.tag_names if kind.tokens else [],
        "filters": {"annotator": annotator, "gold": gold, "status": status, "labels": labels or None},
        "split": {"shares": shares, "seed": seed} if shares else None,
        "splits": {
            name: {"file": f"{name}{kind.extension}" if shares else ".", "articles": s["articles"], "spans": s["spans"],
                   "labels": {label: s["labels"][label] for label in ctx.label_names}}
            for name, s in summary.splits.items()
        },
        "totals": {"articles": summary.articles, "spans": summary.spans, "tokens": summary.tokens},
        "moved": dict(summary.moved),
        "dropped": {"count": summary.dropped_total, "reasons": dict(summary.dropped),
                    "file": "dropped.jsonl" if summary.dropped_file else None},
    }
    problems = schema.errors("manifest", manifest)
    if problems:  # a bug, not the user's fault
        raise AssertionError(f"manifest.json does not match its schema: {problems}")
    return manifest
