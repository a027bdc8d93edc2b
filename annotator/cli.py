"""The `annotator` command line: thin click commands over the core."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputErrors, UserError
from .paths import default_annotator, default_db, is_database_url
from .wording import counted

SHOWN_ERRORS = 20
EXPORT_FORMATS = ("jsonl", "spacy", "hf", "conll", "brat", "label-studio", "doccano", "prodigy", "w3c")


class Group(click.Group):
    """Runs the window when no command is given; shows user errors as one line, exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputErrors as e:
            lines = [str(error) for error in e.errors[:SHOWN_ERRORS]]
            if e.total > SHOWN_ERRORS:
                lines.append(f"… and {e.total - SHOWN_ERRORS:,} more problems")
            if e.outcome:
                lines[-1] += f"; {e.outcome}"  # one error stays one line
            for line in lines:
                click.echo(f"Error: {line}", err=True)
            ctx.exit(1)
        except UserError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)
        except Exception as e:
            from .store import explain_error

            line = explain_error(e, ctx.meta.get("db", "the database"))  # busy, read-only, damaged, full
            if line is None:
                raise
            click.echo(f"Error: {line}", err=True)
            ctx.exit(1)


IMPORT_FORMATS = ["auto", "txt", "jsonl", "brat", "conll", "spacy", "label-studio", "doccano", "prodigy", "w3c"]
encoding_option = click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the file.")

class Database(click.ParamType):
    """A database file, or a PostgreSQL URL kept as it is (a path would fold its `//`)."""

    name = "database"

    def convert(self, value, param, ctx):
        if is_database_url(value):
            return value
        return click.Path(dir_okay=False, path_type=Path).convert(value, param, ctx)


db_option = click.option(
    "--db", "db_path", type=Database(), default=None,
    help="Database file or postgresql://user@host:port/name URL (default: $ANNOTATOR_DB or annotator.db in the "
         "user data directory).",
)


def open_db(db_path: Path | None, *, create: bool = True):
    """The named database (created empty if new, or refused with `create=False`), or the default one (created and
    seeded if new); a write that finds another process writing says so on stderr while it waits."""
    from .corpus import seed
    from .store import open_store

    path = default_db() if db_path is None else db_path
    click.get_current_context().meta["db"] = path
    fresh = db_path is None and not is_database_url(path) and not path.exists()
    store = open_store(path, create=create or db_path is None)
    store.on_wait = lambda message: click.echo(message, err=True)
    from . import paths
    paths.signed_in = store.member_role()  # a team member's name is their role's (--annotator: their rules refuse it)
    click.get_current_context().call_on_close(lambda: setattr(paths, "signed_in", None))  # for this command only
    if fresh:
        seed(store)
    return store


@click.group(cls=Group, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def cli(ctx):
    """Label spans in news articles: CLAIM, ACTOR, LOCATION, or your own labels.

    Run without a command to open the labelling window on the default database.

    \b
    Example:
      annotator import articles/ --db project.db && annotator gui --db project.db

    \b
    Environment:
      ANNOTATOR_DB    database file when --db is not given
      ANNOTATOR_NAME  your annotator name when --annotator is not given
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@cli.command("import", short_help="Import articles and spans from files or folders.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--annotator", default=None, help="Name for spans that carry none (default: your user name).")
@click.option("--format", "fmt", default="auto", show_default=True, type=click.Choice(IMPORT_FORMATS),
              help="auto: by extension (.txt .jsonl .ann .spacy; a folder we exported: its manifest's format). "
                   "w3c attaches spans to stored articles.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the files (e.g. latin-1, utf-16).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid records; report the others.")
@click.option("--add-labels", is_flag=True, help="Add unknown labels to the label set instead of refusing them.")
@click.option("--text-key", default=None,
              help="label-studio: the task data field holding the text (default: the config's <Text value>, or text).")
def import_(paths, db_path, annotator, fmt, encoding, skip_invalid, add_labels, text_key):
    """Import articles (and their spans) from files or directories, all or nothing.

    Example: annotator import articles/ labelled.jsonl --db project.db
    """
    from .corpus import import_files

    store = open_db(db_path)
    with _progress("Importing") as progress:
        report = import_files(
            store, paths, fmt=fmt, annotator=annotator or default_annotator(), encoding=encoding,
            skip_invalid=skip_invalid, add_labels=add_labels, progress=progress,
            reader_options={"text_key": text_key} if text_key else None,
        )
    for error in report.skipped:
        click.echo(f"Skipped: {error}", err=True)
    if report.skipped_problems > len(report.skipped):
        click.echo(f"Skipped: … and {report.skipped_problems - len(report.skipped):,} more problems", err=True)
    for note in report.notes:
        click.echo(note, err=True)
    click.echo(report.summary())
    _say_search_backlog(store, db_path)


@cli.command(short_help="Export articles and spans for training or another tool.")
@db_option
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="jsonl", show_default=True,
              help="The format to write (see the README for what each carries).")
@click.option("--out", "out", required=True,
              help="Output file (- for standard output); a directory for brat, --split and --shard-size.")
@click.option("--annotator", default=None,
              help="Only this annotator's spans (default: everyone's; token formats need one when several "
                   "annotated). Excludes --gold.")
@click.option("--gold", is_flag=True, help="The reviewed (gold) layer instead of the annotators' spans. Excludes --annotator.")
@click.option("--status", type=click.Choice(["any", "done", "reviewed"]), default="any", show_default=True,
              help="Only articles with this status.")
@click.option("--labels", "label_names", default=None,
              help="Only these labels, comma-separated; for flat formats, the layer to keep (e.g. ACTOR,LOCATION).")
@click.option("--split", default=None, help="Split by article, e.g. train=0.8,dev=0.1,test=0.1 (a file per split).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --split.")
@click.option("--alignment", type=click.Choice(["expand", "contract", "strict"]), default="expand", show_default=True,
              help="Spans off token boundaries (token formats): widen to tokens, narrow to tokens, or drop.")
@click.option("--scheme", type=click.Choice(["iob2", "bioes"]), default="iob2", show_default=True,
              help="Tag scheme of conll and hf.")
@click.option("--shard-size", type=click.IntRange(min=0), default=0, show_default=True,
              help="spacy: a folder of DocBin files of this many articles each, for flat memory (spacy train "
                   "reads it); 0 writes one .spacy file.")
def export(db_path, fmt, out, annotator, gold, status, label_names, split, seed, alignment, scheme, shard_size):
    """Export articles and spans for training or for another tool; every span left out is reported.

    Example: annotator export --format conll --annotator alice --split train=0.8,dev=0.1,test=0.1 --out data/
    """
    from .exporting import ExportOptions
    from .exporting import export as run

    options = ExportOptions(fmt, Path(out), annotator=annotator, gold=gold, status=status, labels=_names(label_names),
                            split=split, seed=seed, alignment=alignment, scheme=scheme, shard_size=shard_size)
    store = open_db(db_path, create=False)
    with _progress("Exporting") as progress:
        summary = _export_to_stdout(run, store, options) if out == "-" else run(store, options, progress)
    click.echo(summary.summary(), err=True)


def _export_to_stdout(run, store, options):
    """Export to a temporary file and copy it to standard output (single-file formats only)."""
    import dataclasses
    import shutil
    import tempfile

    from .exporting import FORMATS

    if options.split or options.shard_size or FORMATS[options.format].directory:
        raise UserError("--out - needs a single-file format and no --split or --shard-size")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export"
        summary = run(store, dataclasses.replace(options, out=path))
        with open(path, "rb") as handle:
            sys.stdout.flush()
            shutil.copyfileobj(handle, sys.stdout.buffer)
            sys.stdout.buffer.flush()
    summary.destination, summary.dropped_file = "standard output", None
    left = [p.name.removeprefix("export.") for p in summary.files[1:] if p.name != "export.dropped.jsonl"]
    if left:
        click.echo(f"Not written with --out -: {', '.join(left)} (export to a file to get them)", err=True)
    return summary


@cli.command(short_help="Counts of articles, spans per label, progress.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(db_path, as_json):
    """Show counts of articles, spans per label, and progress per annotator.

    Example: annotator stats --json
    """
    store = open_db(db_path, create=False)
    result = {**store.stats(), "assignments": store.assignment_progress()}
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"articles: {result['articles']}   spans: {result['spans']}   gold spans: {result['gold_spans']}")
    for label, count in result["labels"].items():
        click.echo(f"  {label:<12} {count:>8}")
    if result.get("relations"):
        click.echo(f"relations: {sum(result['relations'].values())}   gold relations: {result['gold_relations']}")
        for kind, count in result["relations"].items():
            click.echo(f"  {kind:<12} {count:>8}")
    for name, row in result["annotators"].items():
        click.echo(f"{name}: {counted(row['spans'], 'span')}; {row['done']} done, {row['in_progress']} in progress, "
                   f"{row['skipped']} skipped, {row['todo']} to do")
    _echo_assignments(result.get("assignments"))


def _echo_assignments(progress: dict | None) -> None:
    """`stats`' lines on the assignments: per annotator, then over the articles assigned."""
    if not progress or not progress["articles"]["assigned"]:
        return
    articles = progress["articles"]
    click.echo(f"assignments: {counted(articles['assigned'], 'article')}: {articles['finished']} finished by everyone "
               f"assigned, {articles['started']} started, {articles['not_started']} not started")
    for name, row in progress["annotators"].items():
        click.echo(f"  {name}: {row['assigned']} assigned; {row['done']} done, {row['in_progress']} in progress, "
                   f"{row['skipped']} skipped, {row['todo']} to do")


@cli.command()
@db_option
@click.option("--set", "labels_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Replace the label set (labels and relation types) with this JSON file (schemas/labelset.schema.json).")
@encoding_option
def labels(db_path, labels_file, encoding):
    """Show the label set, or replace it from a JSON file.

    The set is its labels and its relation types (listed after the labels).

    Example: annotator labels --set my-labels.json
    """
    from .labelset import read_labelset

    store = open_db(db_path, create=bool(labels_file))
    if labels_file:
        store.set_label_set(*read_labelset(labels_file, encoding))
    for label in store.labels():
        click.echo(f"{label.key or '-'}  {label.name:<12} {label.color}  {label.description}")
    for kind in store.relation_types():
        ends = f"{'|'.join(kind.from_labels)} -> {'|'.join(kind.to_labels)}"
        click.echo(f"{kind.key or '-'}  {kind.name:<12} {kind.color}  {ends}  {kind.description}")


@cli.command()
@db_option
@click.option("--article", "article_id", default=None, help="Only this article's relations.")
@click.option("--annotator", default=None, help="Only this annotator's relations (with --gold: this reviewer's).")
@click.option("--gold", is_flag=True, help="The gold layer's relations.")
def relations(db_path, article_id, annotator, gold):
    """List relations between spans, a line each.

    Each line: article, annotator, type, and the two spans' texts and labels.

    Example: annotator relations --article 000_2fc31b5072736374 --annotator alice
    """
    for found in open_db(db_path, create=False).relation_listing(article_id=article_id, annotator=annotator, gold=gold):
        article, who, kind, head, head_label, tail, tail_label = found
        click.echo(f"{article}  {who}  {kind}  {_quoted(head)} [{head_label}] -> {_quoted(tail)} [{tail_label}]")


def _quoted(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--schema", "schema_name", type=click.Choice(["article", "span", "labelset", "record", "manifest"]),
              default=None, help="Schema to check against (default: record for .jsonl, labelset for .json).")
@click.option("--labels", "labels_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Label set whose relation types records' relations must fit (default: the built-in set).")
@encoding_option
def validate(file, schema_name, labels_file, encoding):
    """Check a JSON or JSONL file against one of the schemas.

    Records' relations are checked against a label set's relation types too.

    Example: annotator validate corpus.jsonl --schema record
    """
    from .labelset import validate_file

    count = validate_file(file, schema_name, encoding, labels_file)
    click.echo(f"{file}: {count} valid {'record' if count == 1 else 'records'}")


@cli.command()
@db_option
@click.option("--annotator", default=None, help="Your name, shown and stored with your spans.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a PNG of the window and exit.")
def gui(db_path, annotator, screenshot):
    """Open the labelling window.

    Example: annotator gui --db project.db --annotator alice
    """
    from .gui.app import run

    store = open_db(db_path)
    try:
        code = run(store, annotator=annotator, screenshot=screenshot)
    finally:
        store.close()  # the last connection closed: SQLite removes the -wal and -shm files
    sys.exit(code)


def _names(text: str | None) -> list[str] | None:
    """A comma-separated option as a list of names (None when not given)."""
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


@cli.command(short_help="Merge annotators' databases into this one.")
@click.argument("others", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@db_option
def merge(others, db_path):
    """Merge annotators' databases into this one, matching articles by text.

    Spans keep their annotators' names; labels the other databases use and this one lacks are added
    to its label set (with a free colour and key). Gold layers are merged into one (a gold span here stays).

    Example: annotator merge alice.db bob.db --db review.db
    """
    from .review import merge as merge_databases

    store = open_db(db_path)
    report = merge_databases(store, others)
    for conflict in report.conflicts + report.refused_relations + report.refused_gold:
        click.echo(f"Not merged: {conflict}", err=True)
    click.echo(report.summary())
    _say_search_backlog(store, db_path)


@cli.command(short_help="Copy a whole database into a new one, SQLite or PostgreSQL.")
@click.argument("source", type=Database())
@click.argument("target", type=Database())
def copy(source, target):
    """Copy a whole database into a new, empty one: a SQLite file into PostgreSQL or back. Ids, statuses,
    gold, relations, suggestions and provenance come along unchanged.

    Example: annotator copy project.db postgresql://coordinator@db.example.org/news
    """
    from .store import open_store
    from .store.transfer import copy_database

    click.get_current_context().meta["db"] = source
    read = open_store(source, create=False)
    try:
        click.get_current_context().meta["db"] = target
        written = open_store(target)
        try:
            counts = copy_database(read, written)
            rows = [f"{table.replace('_', ' ')} {count:,}" for table, count in counts.items() if count and table != "articles"]
            click.echo(f"Copied {counted(counts['articles'], 'article')} to {target}" + (f": {', '.join(rows)}" if rows else ""))
            _say_search_backlog(written, target)
        finally:
            written.close()
    finally:
        read.close()


def _say_search_backlog(store, db_path) -> None:
    """After a command that added articles: how many wait for the search index, and who builds it."""
    waiting = store.search_backlog()
    if waiting:
        where = f" --db {store.path}" if db_path else ""
        click.echo(f"{counted(waiting, 'article')} not yet in the search index: the window indexes them in the "
                   f"background, or now: annotator index{where}", err=True)


@cli.command(short_help="Build the search index for articles imported since.")
@db_option
def index(db_path):
    """Index for search the articles an import, merge or copy left waiting (the window does it in the background;
    this does it now, in short steps that never keep an open window waiting).

    Example: annotator import articles/ --db project.db && annotator index --db project.db
    """
    from .indexing import index_backlog

    store = open_db(db_path, create=False)
    with _progress("Indexing for search") as progress:
        done = index_backlog(store, progress)
    click.echo(f"Indexed {counted(done, 'article')} for search; search finds all {store.article_count():,} now.")


@cli.command(short_help="Accept what annotators agree on; show what is left.")
@db_option
@click.option("--accept-agreed", is_flag=True, help="Accept, in every article, the spans enough annotators made identically.")
@click.option("--annotators", default=None, help="Comma-separated annotators to compare (default: all).")
@click.option("--min-agree", type=int, default=None, help="How many of them must agree (default: all of them).")
@click.option("--reviewer", default=None, help="Your name, stored with the decisions (default: your user name).")
def review(db_path, accept_agreed, annotators, min_agree, reviewer):
    """Review in bulk: accept what the annotators agree on, and see what is left to review.

    Example: annotator review --accept-agreed --annotators alice,bob,carol --min-agree 2
    """
    from .agreement import check_names
    from .review import accept_agreed as accept

    store = open_db(db_path, create=False)
    if accept_agreed:
        names = check_names(_names(annotators), store.annotators(), "annotator")
        click.echo(accept(store, names, min_agree, reviewer or default_annotator()).summary())
    counts = store.review_counts()
    click.echo(", ".join(f"{count} {status.replace('_', ' ')}" for status, count in counts.items()) + " articles")


@cli.command(short_help="Agreement between annotators: F1, kappa, alpha.")
@db_option
@click.option("--annotators", default=None, help="Comma-separated annotators to compare (default: all).")
@click.option("--labels", "label_names", default=None, help="Comma-separated labels (default: the label set).")
@click.option("--min-shared", type=click.IntRange(min=0), default=0, show_default=True,
              help="Leave out pairs that share fewer articles.")
@click.option("--bootstrap", type=click.IntRange(min=0), default=0, show_default=True,
              help="Resamples of the articles for 95% intervals (`*_ci`); 0: none.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def agreement(db_path, annotators, label_names, min_shared, bootstrap, as_json):
    """Measure agreement: span F1s and token kappa per pair over the articles both labelled, Krippendorff's
    alpha over the articles two or more labelled (the others' values missing), label confusion.

    Example: annotator agreement --annotators alice,bob,carol --min-shared 20 --bootstrap 200 --json
    """
    from .agreement import format_table, store_agreement

    result = store_agreement(open_db(db_path, create=False), _names(annotators), _names(label_names),
                             min_shared=min_shared, bootstrap=bootstrap)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else format_table(result))


@cli.command(short_help="Write an HTML report with charts.")
@db_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for index.html and its charts (created if needed).")
@click.option("--annotators", default=None, help="Comma-separated annotators to compare (default: all).")
@click.option("--min-shared", type=click.IntRange(min=0), default=0, show_default=True,
              help="Leave out pairs that share fewer articles.")
@click.option("--bootstrap", type=click.IntRange(min=0), default=200, show_default=True,
              help="Resamples of the articles for 95% intervals; 0: none.")
def report(db_path, out_dir, annotators, min_shared, bootstrap):
    """Write an HTML report with charts: progress, spans per label, agreement per label and per pair, confusion.

    Example: annotator report --out report/ && xdg-open report/index.html
    """
    from .report import write_report

    path = write_report(open_db(db_path, create=False), out_dir, _names(annotators), min_shared=min_shared,
                        bootstrap=bootstrap)
    click.echo(f"Wrote {path}")


@cli.command(short_help="Store suggestions for an annotator, or accept them.")
@db_option
@click.option("--annotator", default=None, help="Whom the suggestions are for (default: your user name).")
@click.option("--propagate", is_flag=True, help="Suggest every other occurrence of the texts the annotator labelled.")
@click.option("--ignore-case", is_flag=True, help="Propagate regardless of upper and lower case.")
@click.option("--patterns", "patterns_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A patterns file (spaCy EntityRuler/SpanRuler, Prodigy): each match is suggested.")
@click.option("--model", default=None,
              help="A model `annotator train` wrote (its folder), or an installed spaCy pipeline's name or folder.")
@click.option("--map", "label_map", default=None, help="Rename the model's labels, e.g. ORG=ACTOR,GPE=LOCATION.")
@click.option("--articles", "article_ids", default=None, help="Only these articles, comma-separated ids.")
@click.option("--status", type=click.Choice(["todo", "in_progress", "done", "skipped"]), default=None,
              help="Only the articles with this status for the annotator.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Leave out (or with --accept, leave open) suggestions scoring less.")
@click.option("--accept", is_flag=True, help="Make the annotator's open suggestions their spans.")
def suggest(db_path, annotator, propagate, ignore_case, patterns_file, model, label_map, article_ids, status, min_score,
            accept):
    """Store suggestions for an annotator, or accept them in bulk; safe to rerun, rejected ones never come back.

    Example: annotator suggest --propagate --patterns patterns.jsonl --status todo --annotator alice
    """
    from .suggesting import chosen_articles, per_label, sources
    from .suggesting import suggest as run

    store, annotator = open_db(db_path, create=False), annotator or default_annotator()
    ids = chosen_articles(store, annotator, _names(article_ids), status)
    if propagate or patterns_file or model or not accept:
        from .training import parse_mapping

        finders = sources(store, annotator, patterns=patterns_file, propagate=propagate, ignore_case=ignore_case,
                          model=model, mapping=parse_mapping(label_map))
        with _progress("Suggesting") as progress:
            click.echo(run(store, annotator, ids, finders, min_score=min_score, progress=progress).summary())
    if accept:
        accepted = store.accept_suggestions(annotator, min_score, None if article_ids is None and status is None else ids)
        click.echo(f"{counted(sum(accepted.values()), 'suggestion')} accepted as {annotator}'s spans{per_label(accepted)}")


@cli.command(short_help="List or reject an annotator's open suggestions.")
@db_option
@click.option("--annotator", default=None, help="Whose suggestions (default: your user name).")
@click.option("--articles", "article_ids", default=None, help="Only these articles, comma-separated ids.")
@click.option("--reject", "reject_ids", default=None,
              help="Reject these suggestions, comma-separated ids: they are never suggested to the annotator again.")
def suggestions(db_path, annotator, article_ids, reject_ids):
    """List an annotator's open suggestions (id, article, offsets, label, score, source, text), or reject some.

    Example: annotator suggestions --annotator alice --articles a1 && annotator suggestions --reject 12,14
    """
    store, annotator = open_db(db_path, create=False), annotator or default_annotator()
    if reject_ids:
        rejected = [store.reject_suggestion(_number(i, "--reject")) for i in _names(reject_ids)]
        click.echo(f"{counted(len(rejected), 'suggestion')} rejected")
        return
    for article_id in _names(article_ids) or store.article_ids():
        for s in store.suggestions(article_id, annotator):
            click.echo(f"{s.id}\t{article_id}\t{s.start}-{s.end}\t{s.label}\t{s.score:.2f}\t{s.source}\t{s.text!r}")


def _number(text: str, option: str) -> int:
    if not text.isdigit():
        raise UserError(f"{option}: {text!r} is not a suggestion id")
    return int(text)


@cli.command(short_help="Train a span categorizer with spaCy.")
@db_option
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the model (model-best), its config, corpus and metrics.json.")
@click.option("--annotator", default=None, help="Train on this annotator's spans (default: your user name).")
@click.option("--gold", is_flag=True, help="Train on the reviewed (gold) layer instead.")
@click.option("--lang", default="en", show_default=True, help="spaCy language of the blank pipeline (xx: any).")
@click.option("--eval-split", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.2, show_default=True,
              help="Share of the labelled articles held out to score the model.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split and of training.")
@click.option("--max-steps", type=click.IntRange(min=1), default=2000, show_default=True, help="Training steps.")
@click.option("--max-epochs", type=click.IntRange(min=0), default=30, show_default=True,
              help="Passes over the training articles, within --max-steps (0: all the steps).")
def train(db_path, out, annotator, gold, lang, eval_split, seed, max_steps, max_epochs):
    """Train a span categorizer on the labels with spaCy's training loop; print P/R/F1 per label on held-out articles.

    Example: annotator train --gold --out models/claims && annotator suggest --model models/claims --status todo
    """
    from .training import metrics_table
    from .training import train as run

    if annotator and gold:
        raise UserError("give --annotator or --gold, not both")
    store, layer = open_db(db_path, create=False), None if gold else annotator or default_annotator()
    metrics = run(store, out, annotator=layer, gold=gold, lang=lang, eval_split=eval_split, seed=seed,
                  max_steps=max_steps, max_epochs=max_epochs)
    click.echo(metrics_table(metrics))


@cli.command(short_help="Write a patterns file for spaCy's rulers.")
@db_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The patterns file (JSONL).")
@click.option("--annotator", default=None, help="Only this annotator's spans (default: everyone's).")
@click.option("--gold", is_flag=True, help="The reviewed (gold) layer instead of the annotators' spans.")
def patterns(db_path, out, annotator, gold):
    """Write a patterns file (spaCy EntityRuler/SpanRuler, Prodigy) with each text labelled so far.

    Example: annotator patterns --gold --out patterns.jsonl && annotator suggest --patterns patterns.jsonl
    """
    from .patterns import write_patterns

    if annotator and gold:
        raise UserError("give --annotator or --gold, not both")
    written = write_patterns(open_db(db_path, create=False).labelled_terms(annotator, gold=gold), out)
    click.echo(f"Wrote {counted(written, 'pattern')} to {out}")


@cli.command(short_help="Plan who labels which article, with overlap for agreement.")
@db_option
@click.option("--annotators", required=True, help="The annotators, comma-separated: alice,bob,carol.")
@click.option("--per-article", default=1, show_default=True, help="Annotators per article (2 or more for agreement).")
@click.option("--status", type=click.Choice(["any", "todo", "done"]), default="any", show_default=True,
              help="Only articles nobody has started (todo) or somebody marked done.")
@click.option("--articles", "articles_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Only the articles in this file, an id a line.")
@click.option("--seed", default=0, show_default=True, help="Seed for choosing among equally loaded annotators.")
@click.option("--dry-run", is_flag=True, help="Show the plan's counts; store nothing.")
def assign(db_path, annotators, per_article, status, articles_file, seed, dry_run):
    """Assign articles not yet assigned to annotators, each to --per-article of them.

    Loads stay balanced (counting earlier assignments) and pairs share articles evenly.
    Each annotator's window then opens their assigned articles, in order, as "next".

    Example: annotator assign --annotators alice,bob,carol --per-article 2 --status todo
    """
    from .assignment import plan, read_article_ids

    store = open_db(db_path, create=False)
    chosen = store.unassigned_article_ids(status)
    left_alone = 0
    if articles_file is not None:
        named = set(read_article_ids(articles_file, set(store.article_ids())))
        left_alone = len(named & {article_id for article_id, _ in store.assignments()})
        chosen = [i for i in chosen if i in named]
    made = plan(chosen, _names(annotators), per_article, seed=seed, loads=store.assignment_loads())
    made.left_alone = left_alone
    if not dry_run:
        store.assign(made.pairs)
    click.echo(("Would have: " if dry_run else "") + made.summary())


@cli.group(short_help="A team on one PostgreSQL database: coordinator, annotators, reviewers.")
def team():
    """Make a PostgreSQL database a team's: each member logs in as their own role, and the server lets each write
    only their own spans, statuses and relations, and only reviewers the gold layer (see postgres_team.sql).

    Example: annotator team init postgresql://postgres@db.example.org/news --coordinator carol
    """


password_option = click.option("--password", "ask_password", is_flag=True,
                               help="Ask for the login's password (else the server's own sign-in: peer, .pgpass...).")


@team.command("init")
@click.argument("url")
@click.option("--coordinator", required=True, help="The coordinator's login role: owns the database and its tables.")
@password_option
def team_init(url, coordinator, ask_password):
    """As a superuser (URL), make the database a team's, owned by the coordinator (the database is made if missing).

    Example: annotator team init postgresql://postgres@db.example.org/news --coordinator carol
    """
    from .store.team import init_team

    click.get_current_context().meta["db"] = url
    password = click.prompt(f"Password for {coordinator}", hide_input=True, confirmation_prompt=True) if ask_password else None
    for line in init_team(url, coordinator, password):
        click.echo(line)


@team.command("add-annotator")
@click.argument("name")
@db_option
@password_option
def team_add_annotator(name, db_path, ask_password):
    """As the coordinator, let NAME log in and label: their own spans, statuses and relations only.

    Example: annotator team add-annotator alice --db postgresql://carol@db.example.org/news
    """
    _add_member(name, db_path, ask_password, reviewer=False)


@team.command("add-reviewer")
@click.argument("name")
@db_option
@password_option
def team_add_reviewer(name, db_path, ask_password):
    """As the coordinator, let NAME log in, label, and write the gold layer (review).

    Example: annotator team add-reviewer rita --db postgresql://carol@db.example.org/news
    """
    _add_member(name, db_path, ask_password, reviewer=True)


def _add_member(name: str, db_path, ask_password: bool, *, reviewer: bool) -> None:
    from .store.team import add_member

    store = open_db(db_path, create=False)
    password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True) if ask_password else None
    click.echo(add_member(store, name, reviewer=reviewer, password=password))


class _progress:
    """A progress bar on a terminal's standard error; nothing elsewhere."""

    def __init__(self, label: str):
        self.label, self.bar = label, None

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int) -> None:
        if not sys.stderr.isatty() or total <= 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def main() -> None:
    cli(prog_name="annotator")


__all__ = ["cli", "main"]
