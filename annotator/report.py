"""The project report: the charts of a store, and an HTML page with them as SVG files beside it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from . import charts
from .agreement import check_names, store_agreement
from .errors import UserError
from .store import Store
from .wording import counted

CHARTS = ("progress", "labels", "agreement", "pairs", "confusion")
BOOTSTRAP = 200  # resamples for the report's intervals


def project_charts(
    store: Store, annotators: list[str] | None = None, *, min_shared: int = 0, bootstrap: int = 0
) -> tuple[dict[str, str], dict]:
    """({name: svg}, agreement result or {}) for a store; agreement needs two annotators; intervals with `bootstrap`."""
    stats = store.stats()
    colours = {label.name: label.color for label in store.labels()}
    names = check_names(annotators, store.annotators(), "annotator")
    progress = {name: stats["annotators"][name] for name in names if name in stats["annotators"]}
    gold = store.gold_label_counts()
    counts = {name: per for name, per in store.label_counts().items() if name in names}
    result = store_agreement(store, names, min_shared=min_shared, bootstrap=bootstrap) if len(names) >= 2 else {}
    svgs = {
        "progress": charts.progress_chart(progress, store.review_counts()),
        "labels": charts.labels_chart(counts, colours, gold),
        "agreement": charts.agreement_chart(result, colours),
        "pairs": charts.pair_chart(result),
        "confusion": charts.confusion_chart(result.get("confusion", {}), colours),
    }
    return svgs, result


def write_report(
    store: Store, out_dir: Path, annotators: list[str] | None = None, *, min_shared: int = 0, bootstrap: int = BOOTSTRAP
) -> Path:
    """Write index.html and its charts (progress.svg, ...) into out_dir; return the page's path."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: exists and is not a directory")
    svgs, result = project_charts(store, annotators, min_shared=min_shared, bootstrap=bootstrap)
    files = {f"{name}.svg": svg for name, svg in svgs.items()}
    files["index.html"] = page(store, result)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():  # each file whole or not at all
        partial = out_dir / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(out_dir / name)
    return out_dir / "index.html"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _figure(row: dict, key: str) -> str:
    """A figure, with its 95% interval under it when there is one."""
    ci = row.get(f"{key}_ci")
    return _num(row[key]) + (f"<br><small>{ci[0]:.2f}–{ci[1]:.2f}</small>" if ci else "")


def _pair_rows(result: dict) -> str:
    rows = []
    for p in result.get("pairs", []):
        names = f"<td>{escape(p['a'])}</td><td>{escape(p['b'])}</td>"
        if not p["shared_articles"]:
            rows.append(f"<tr>{names}<td colspan='6' class='none'>no shared article</td></tr>")
            continue
        rows.append(f"<tr>{names}<td>{p['shared_articles']:,}</td><td>{p['shared_tokens']:,}</td>"
                    + "".join(f"<td>{_figure(p, key)}</td>" for key in ("exact_f1", "overlap_f1", "unlabeled_f1", "kappa"))
                    + "</tr>")
    return "".join(rows)


def _agreement_section(result: dict) -> str:
    if not result:
        return "<p>Agreement needs spans from two or more annotators.</p>"
    hidden = result["hidden_pairs"]
    left_out = (f" {counted(len(hidden), 'pair')} sharing fewer than {result['min_shared']} articles left out: "
                + ", ".join(f"{escape(h['a'])} / {escape(h['b'])} ({h['shared_articles']})" for h in hidden) + "."
                if hidden else "")
    intervals = (f" Under each figure, its 95% interval from {result['bootstrap']['resamples']:,} bootstrap resamples of "
                 "the articles (none for a figure resting on a single article)." if "bootstrap" in result else "")
    alpha_ci = result.get("alpha_ci")
    return (
        f"<p>Each pair is compared over the articles both labelled (spans on it or marked done); the table says how "
        f"many. Krippendorff's alpha (all annotators, mean over labels) over the {counted(result['articles'], 'article')} "
        f"({counted(result['tokens'], 'token')}) that two or more labelled, the others' values missing: "
        f"<b>{_num(result['alpha'])}</b>{f' ({alpha_ci[0]:.2f}–{alpha_ci[1]:.2f})' if alpha_ci else ''}."
        f"{intervals}{left_out}</p>"
        "<table><tr><th>annotator</th><th>annotator</th><th>articles</th><th>tokens</th><th>exact F1</th>"
        f"<th>overlap F1</th><th>unlabeled F1</th><th>token kappa</th></tr>{_pair_rows(result)}</table>"
    )


def _relations_section(result: dict) -> str:
    """Relation agreement: a row a pair, then a row a pair and type (empty when no one made relations)."""
    if "relations" not in result:
        return ""
    rows = []
    for p in result["relations"]["pairs"]:
        named = [(escape(f"{p['a']} / {p['b']}"), p), *((f"&nbsp;&nbsp;{escape(kind)}", r) for kind, r in p["per_type"].items())]
        for name, row in named:
            rows.append(f"<tr><td>{name}</td><td>{row['relations_a']:,}</td><td>{row['relations_b']:,}</td>"
                        f"<td>{_num(row['exact_f1'])}</td><td>{_num(row['overlap_f1'])}</td></tr>")
    return ("<h3>Relations</h3><p>Each pair over the same articles: exact F1 counts relations of the same type between "
            "the very same spans; overlap F1 those whose ends overlap spans of the same labels, each at most once.</p>"
            "<table><tr><th>pair / type</th><th>relations A</th><th>relations B</th><th>exact F1</th><th>overlap F1</th>"
            f"</tr>{''.join(rows)}</table>")


def page(store: Store, result: dict) -> str:
    """The HTML page: counts, the charts, the pairwise table. Every name from the data is escaped."""
    stats = store.stats()
    review = store.review_counts()
    images = "".join(f"<figure><img src='{name}.svg' alt='{name} chart'></figure>" for name in CHARTS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>annotator report</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 760px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }} td, th {{ border: 1px solid #ccc; padding: 4px 10px; }}
td {{ text-align: right; }} td:first-child, td:nth-child(2), td.none {{ text-align: left; }}
td.none {{ color: #777; font-style: italic; }} small {{ color: #666; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; }}
dt {{ font-weight: bold; }}
</style></head><body>
<h1>annotator report</h1>
<p>{counted(stats['articles'], 'article')}, {counted(stats['spans'], 'span')} by {counted(len(stats['annotators']), 'annotator')};
{counted(stats['gold_spans'], 'gold span')}; {counted(review['reviewed'], 'article')} reviewed, {review['in_review']:,} in review.</p>
<h2>Agreement</h2>
{_agreement_section(result)}
{_relations_section(result)}
<dl>
<dt>exact F1</dt><dd>2·matches / (|A| + |B|), a match being the same start, end and label.</dd>
<dt>overlap F1</dt><dd>the same, matching spans of the same label whose ranges overlap, each at most once.</dd>
<dt>unlabeled F1</dt><dd>matching the same start and end, whatever the label.</dd>
<dt>token kappa</dt><dd>Cohen's kappa on whether each token lies in a span of the label; mean over labels.</dd>
<dt>token alpha</dt><dd>Krippendorff's alpha (nominal) on the same tokens, all annotators together, a value missing
where an annotator did not label the article.</dd>
</dl>
{images}
</body></html>
"""
