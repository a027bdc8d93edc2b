"""The project report: the charts of a store, and an HTML page with them as SVG files beside it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from . import charts
from .agreement import check_names, store_agreement
from .errors import UserError
from .store import Store
from .wording import counted

CHARTS = ("progress", "labels", "agreement", "confusion")


def project_charts(store: Store, annotators: list[str] | None = None) -> tuple[dict[str, str], dict]:
    """({name: svg}, agreement result or {}) for a store; agreement needs two annotators."""
    stats = store.stats()
    colours = {label.name: label.color for label in store.labels()}
    names = check_names(annotators, store.annotators(), "annotator")
    progress = {name: stats["annotators"][name] for name in names if name in stats["annotators"]}
    gold = store.gold_label_counts()
    counts = {name: per for name, per in store.label_counts().items() if name in names}
    result = store_agreement(store, names) if len(names) >= 2 else {}
    svgs = {
        "progress": charts.progress_chart(progress, store.review_counts()),
        "labels": charts.labels_chart(counts, colours, gold),
        "agreement": charts.agreement_chart(result, colours),
        "confusion": charts.confusion_chart(result.get("confusion", {}), colours),
    }
    return svgs, result


def write_report(store: Store, out_dir: Path, annotators: list[str] | None = None) -> Path:
    """Write index.html and its charts (progress.svg, ...) into out_dir; return the page's path."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: exists and is not a directory")
    svgs, result = project_charts(store, annotators)
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


def page(store: Store, result: dict) -> str:
    """The HTML page: counts, the charts, the pairwise table. Every name from the data is escaped."""
    stats = store.stats()
    review = store.review_counts()
    rows = "".join(
        f"<tr><td>{escape(p['a'])}</td><td>{escape(p['b'])}</td><td>{_num(p['exact_f1'])}</td>"
        f"<td>{_num(p['overlap_f1'])}</td><td>{_num(p['unlabeled_f1'])}</td><td>{_num(p['kappa'])}</td></tr>"
        for p in result.get("pairs", [])
    )
    agreement = (
        f"<p>Over {counted(result['articles'], 'article')} ({counted(result['tokens'], 'token')}) that every compared annotator "
        f"labelled. Krippendorff's alpha (all annotators, mean over labels): <b>{_num(result['alpha'])}</b>.</p>"
        "<table><tr><th>annotator</th><th>annotator</th><th>exact F1</th><th>overlap F1</th>"
        f"<th>unlabeled F1</th><th>token kappa</th></tr>{rows}</table>"
        if result else "<p>Agreement needs spans from two or more annotators.</p>"
    )
    images = "".join(f"<figure><img src='{name}.svg' alt='{name} chart'></figure>" for name in CHARTS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>annotator report</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 760px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }} td, th {{ border: 1px solid #ccc; padding: 4px 10px; }}
td {{ text-align: right; }} td:first-child, td:nth-child(2) {{ text-align: left; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; }}
dt {{ font-weight: bold; }}
</style></head><body>
<h1>annotator report</h1>
<p>{counted(stats['articles'], 'article')}, {counted(stats['spans'], 'span')} by {counted(len(stats['annotators']), 'annotator')};
{counted(stats['gold_spans'], 'gold span')}; {counted(review['reviewed'], 'article')} reviewed, {review['in_review']:,} in review.</p>
<h2>Agreement</h2>
{agreement}
<dl>
<dt>exact F1</dt><dd>2·matches / (|A| + |B|), a match being the same start, end and label.</dd>
<dt>overlap F1</dt><dd>the same, matching spans of the same label whose ranges overlap, each at most once.</dd>
<dt>unlabeled F1</dt><dd>matching the same start and end, whatever the label.</dd>
<dt>token kappa</dt><dd>Cohen's kappa on whether each token lies in a span of the label; mean over labels.</dd>
<dt>token alpha</dt><dd>Krippendorff's alpha (nominal) on the same tokens, all annotators together.</dd>
</dl>
{images}
</body></html>
"""
