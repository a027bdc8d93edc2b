"""Charts as SVG text in pure Python: progress, spans per label, agreement per label and per pair, label confusion."""

from __future__ import annotations

from html import escape

from .wording import counted

WIDTH = 680
NAME_W = 190  # the column of names left of the bars
BAR_W = 380
ROW = 22
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
PROGRESS = (  # status, legend text, fill
    ("done", "done", "#1B7837"),
    ("in_progress", "in progress", "#7FBF7B"),
    ("skipped", "skipped", "#B8B8B8"),
    ("todo", "to do", "#EEEEEE"),
)
REVIEW = (("reviewed", "reviewed", "#1B7837"), ("in_review", "in review", "#7FBF7B"), ("unreviewed", "unreviewed", "#EEEEEE"))
METRICS = (("exact_f1", "exact F1", 1.0), ("overlap_f1", "overlap F1", 0.7), ("kappa", "token kappa", 0.5),
           ("alpha", "token alpha", 0.32))  # (key, name, opacity of the label's colour)


def _svg(height: int, body: list[str], title: str, width: int = WIDTH) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
        f"{FONT} font-size='13'>\n<title>{escape(title)}</title>\n"
        f"<rect width='{width}' height='{height}' fill='white'/>\n"
        f"<text x='12' y='24' font-size='16' font-weight='bold' fill='#222'>{escape(title)}</text>\n"
        + "\n".join(body) + "\n</svg>\n"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = "#222", extra: str = "") -> str:
    return f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}' {extra}>{escape(str(text))}</text>"


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    return f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 0):.1f}' height='{h:.1f}' fill='{fill}' {extra}/>"


def _legend(y: float, items: list[tuple[str, str, float]]) -> list[str]:
    """Swatches with names in one row: (name, fill, opacity)."""
    out, x = [], NAME_W
    for name, fill, opacity in items:
        out.append(_rect(x, y - 10, 12, 12, fill, f"fill-opacity='{opacity}' stroke='#666' stroke-width='0.5'"))
        out.append(_text(x + 17, y, name, fill="#444"))
        x += 30 + 7.5 * len(name)
    return out


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def progress_chart(rows: dict[str, dict[str, int]], review: dict[str, int] | None = None) -> str:
    """One stacked bar per annotator (done, in progress, skipped, to do), and one for the review."""
    body = _legend(48, [(text, fill, 1) for _, text, fill in PROGRESS])
    y = 64
    entries = [(name, counts, PROGRESS) for name, counts in rows.items()]
    if review is not None:
        entries.append(("review (gold layer)", review, REVIEW))
    for name, counts, parts in entries:
        total = sum(counts.get(key, 0) for key, _, _ in parts) or 1
        body.append(_text(NAME_W - 8, y + 15, _short(name), anchor="end", extra="font-weight='bold'" if parts is REVIEW else ""))
        x = NAME_W
        for key, _, fill in parts:
            w = BAR_W * counts.get(key, 0) / total
            body.append(_rect(x, y, w, ROW - 2, fill, "stroke='#888' stroke-width='0.5'" if w else ""))
            x += w
        done = counts.get(parts[0][0], 0)
        body.append(_text(NAME_W + BAR_W + 8, y + 15, f"{done} / {sum(counts.get(k, 0) for k, _, _ in parts)}"))
        y += ROW + 6
    if review is not None:
        body += _legend(y + 14, [(text, fill, 1) for _, text, fill in REVIEW])
        y += 20
    if not entries:
        body.append(_text(NAME_W, y + 15, "nobody has labelled anything yet", fill="#666"))
        y += ROW
    return _svg(y + 12, body, "Progress per annotator (articles done of all)")


def _groups(title: str, groups: list[tuple[str, str, list[tuple]]], top: float, legend: list[str] | None = None,
            start: float | None = None) -> str:
    """Groups of horizontal bars: (heading, colour, [(name, fraction of the bar width, value text, opacity[,
    (low, high) fractions of an interval drawn as a whisker, its text])])."""
    body = list(legend or [])
    first = y = start or (64 if legend else 44)
    for heading, colour, bars in groups:
        body.append(_rect(12, y + 2, 14, 14, colour))
        body.append(_text(32, y + 14, heading, extra="font-weight='bold'"))
        y += 22
        for name, fraction, value, opacity, *interval in bars:
            body.append(_text(NAME_W - 8, y + 13, _short(name), anchor="end", fill="#333"))
            body.append(_rect(NAME_W, y, BAR_W, ROW - 6, "#F4F4F4"))
            if fraction:
                body.append(_rect(NAME_W, y, BAR_W * max(0.0, min(fraction, 1.0)), ROW - 6, colour,
                                  f"fill-opacity='{opacity}' stroke='{colour}' stroke-width='1'"))
            body.append(_text(NAME_W + BAR_W + 8, y + 13, value))
            if interval and interval[0]:
                body += _whisker(y + (ROW - 6) / 2, *interval[0])
                body.append(_text(NAME_W + BAR_W + 12 + 7.5 * len(value), y + 13, interval[1], fill="#666",
                                  extra="font-size='11'"))
            y += ROW - 2
        y += 8
    if top:
        for tick in range(0, 6):
            x = NAME_W + BAR_W * tick / 5
            body.append(f"<line x1='{x:.1f}' y1='{first - 4}' x2='{x:.1f}' y2='{y - 6}' "
                        "stroke='#999' stroke-width='0.5' stroke-dasharray='2,3'/>")
            body.append(_text(x, y + 8, f"{top * tick / 5:g}", anchor="middle", fill="#666", extra="font-size='11'"))
        y += 14
    if not groups:
        body.append(_text(NAME_W, y + 15, "nothing to show yet", fill="#666"))
        y += ROW
    return _svg(y + 8, body, title)


def _whisker(y: float, low: float, high: float) -> list[str]:
    """An interval across a bar: a line from low to high (fractions of the bar width) with end caps."""
    x1, x2 = (NAME_W + BAR_W * max(0.0, min(v, 1.0)) for v in (low, high))
    style = "stroke='#222' stroke-width='1.5'"
    return [f"<line x1='{x1:.1f}' y1='{y:.1f}' x2='{x2:.1f}' y2='{y:.1f}' {style}/>"] + [
        f"<line x1='{x:.1f}' y1='{y - 4:.1f}' x2='{x:.1f}' y2='{y + 4:.1f}' {style}/>" for x in (x1, x2)]


def labels_chart(counts: dict[str, dict[str, int]], colours: dict[str, str], gold: dict[str, int] | None = None) -> str:
    """Spans per label: under each label, one bar per annotator (and the gold layer)."""
    rows = dict(counts)
    if gold:
        rows["gold layer"] = gold
    top = max([n for per in rows.values() for n in per.values()] or [1])
    labels = list(colours) + sorted({lb for per in rows.values() for lb in per} - set(colours))
    groups = [
        (label, colours.get(label, "#888888"),
         [(name, per.get(label, 0) / top, str(per.get(label, 0)), 0.85) for name, per in rows.items()])
        for label in labels
    ]
    return _groups("Spans per label and annotator", groups if rows else [], 0)


def _figure_text(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def agreement_chart(result: dict, colours: dict[str, str]) -> str:
    """Per label: exact F1, overlap F1 and token kappa (means over pairs), and Krippendorff's alpha, each with its
    95% interval when the result has them; the note under the title says how many articles they rest on."""
    legend = _legend(82, [(name, "#555555", opacity) for _, name, opacity in METRICS])
    groups = []
    for label, row in result.get("per_label", {}).items():
        bars = []
        for key, name, opacity in METRICS:
            ci = row.get(f"{key}_ci")
            interval = [ci, f"{ci[0]:.2f}–{ci[1]:.2f}"] if ci else []
            bars.append((name, row[key], _figure_text(row[key]), opacity, *interval))
        groups.append((label, colours.get(label, "#888888"), bars))
    notes = [_text(12, 44 + 16 * i, line, fill="#444", extra="font-size='12'") for i, line in enumerate(agreement_note(result))]
    return _groups("Agreement per label", groups, 1, [*notes, *legend], start=98)


def agreement_note(result: dict) -> list[str]:
    """What the agreement figures rest on, in two lines: alpha's articles, and the pairs' shared articles."""
    if not result:
        return ["Agreement needs two or more annotators."]
    shared = [p["shared_articles"] for p in result.get("pairs", []) if p["shared_articles"]]
    if shared:
        most = "" if min(shared) == max(shared) else f"{min(shared):,}–"
        pairs = f"F1 and kappa: mean of {counted(len(shared), 'pair')} sharing {most}{counted(max(shared), 'article')}"
    else:
        pairs = "every pair left out (--min-shared)" if result.get("hidden_pairs") else "no pair shares an article"
    interval = "" if "bootstrap" not in result else (
        "; whiskers: 95% intervals" if result["articles"] >= 2 else "; no interval from a single article")
    return [f"alpha over {counted(result['articles'], 'article')} labelled by two or more of them", pairs + interval]


def pair_chart(result: dict) -> str:
    """A heat map of exact F1 per pair of annotators (both axes), each cell with the articles the pair shares."""
    names = result.get("annotators", [])
    by_pair = {(p["a"], p["b"]): p for p in result.get("pairs", [])}
    by_pair |= {(h["a"], h["b"]): h | {"hidden": True} for h in result.get("hidden_pairs", [])}
    by_pair |= {(b, a): p for (a, b), p in by_pair.items()}
    cell = 72 if len(names) <= 8 else max(36, 576 // len(names))
    left, top = NAME_W, 86
    body = [_text(12, 44, "cell: exact F1 over the articles both labelled" + (", its 95% interval" if "bootstrap" in result
                                                                              else "") + ", and how many",
                  fill="#444", extra="font-size='12'")]
    for j, name in enumerate(names):
        body.append(_text(left + j * cell + cell / 2, top - 10, _short(name, cell // 8), anchor="middle",
                          extra="font-size='12'"))
    for i, row in enumerate(names):
        y = top + i * cell
        body.append(_text(left - 10, y + cell / 2 + 5, _short(row, 22), anchor="end"))
        for j, col in enumerate(names):
            body += _pair_cell(left + j * cell, y, cell, row == col, by_pair.get((row, col), {"shared_articles": 0}))
    y = top + cell * len(names) + 26
    body += _legend(y, [(f"{v:g}", "#0072B2", 0.08 + 0.92 * v) for v in (0, 0.25, 0.5, 0.75, 1)])
    body.append(_text(NAME_W, y + 20, "none: no article both labelled; left out: fewer shared than --min-shared",
                      fill="#666", extra="font-size='11'"))
    if not names:
        body.append(_text(NAME_W, top + 15, "nothing to show yet", fill="#666"))
    return _svg(int(y + 32), body, "Exact F1 per pair of annotators", max(WIDTH, NAME_W + cell * len(names) + 20))


def _pair_cell(x: float, y: float, cell: float, diagonal: bool, pair: dict) -> list[str]:
    """One cell of the pair chart: nothing on the diagonal, a note when there is no figure to show."""
    shown = not diagonal and pair["shared_articles"] and not pair.get("hidden")
    out = [_rect(x, y, cell, cell, "#FFFFFF" if shown else "#F7F7F7", "stroke='#CCCCCC'")]
    middle = x + cell / 2
    if diagonal:
        return out
    if not shown:
        empty = "–" if cell < 60 else "left out" if pair["shared_articles"] else "none"
        out.append(_text(middle, y + cell / 2 + 5, empty, anchor="middle", fill="#888", extra="font-size='11'"))
        return out
    f1 = pair["exact_f1"]
    if f1 is not None:
        out.append(_rect(x, y, cell, cell, "#0072B2", f"fill-opacity='{0.08 + 0.92 * f1:.2f}' stroke='#CCCCCC'"))
    ink = "white" if (f1 or 0) > 0.55 else "#222"
    lines = [(_figure_text(f1), "font-weight='bold'" + (" font-size='12'" if cell < 48 else ""))]
    ci = pair.get("exact_f1_ci")
    if ci and cell >= 64:
        lines.append((f"{ci[0]:.2f}–{ci[1]:.2f}", "font-size='10'"))
    if cell >= 48:
        lines.append((f"{pair['shared_articles']:,} art.", "font-size='10'"))
    step = 15
    first = y + cell / 2 + 5 - step * (len(lines) - 1) / 2
    out += [_text(middle, first + step * k, text, anchor="middle", fill=ink, extra=style)
            for k, (text, style) in enumerate(lines)]
    return out


def confusion_chart(confusion: dict[str, dict[str, int]], colours: dict[str, str]) -> str:
    """A heat map of the label confusion: rows the first annotator of each pair, columns the second.

    Blue cells: the same label; vermillion: a disagreement; the shade is the share of the row.
    """
    names = list(confusion)
    cell = 64 if len(names) <= 6 else max(30, 384 // len(names))
    left, top = NAME_W, 96
    body = [
        _text(left + cell * len(names) / 2, 52, "second annotator of each pair", anchor="middle", fill="#444"),
        _text(18, top + cell * len(names) / 2, "first annotator", anchor="middle", fill="#444",
              extra=f"transform='rotate(-90 18 {top + cell * len(names) / 2:.1f})'"),
    ]
    for j, name in enumerate(names):
        x = left + j * cell + cell / 2
        body.append(_rect(x - cell / 2 + 4, top - 30, cell - 8, 5, colours.get(name, "#BBBBBB")))
        body.append(_text(x, top - 10, _short(name, cell // 8), anchor="middle", extra="font-size='12'"))
    for i, row in enumerate(names):
        y = top + i * cell
        body.append(_rect(left - 14, y + 4, 5, cell - 8, colours.get(row, "#BBBBBB")))
        body.append(_text(left - 20, y + cell / 2 + 5, _short(row, 20), anchor="end"))
        total = sum(confusion[row].values()) or 1
        for j, col in enumerate(names):
            count = confusion[row][col]
            share = count / total
            base = "#0072B2" if row == col else "#D55E00"
            body.append(_rect(left + j * cell, y, cell, cell, "#FFFFFF", "stroke='#CCCCCC'"))
            if count:
                body.append(_rect(left + j * cell, y, cell, cell, base,
                                  f"fill-opacity='{0.12 + 0.88 * share:.2f}' stroke='#CCCCCC'"))
            body.append(_text(left + j * cell + cell / 2, y + cell / 2 + 5, count or "·", anchor="middle",
                              fill="white" if share > 0.55 else "#222", extra="font-weight='bold'" if count else ""))
    y = top + cell * len(names) + 26
    body += _legend(y, [("same label", "#0072B2", 0.8), ("labels differ / one lacks it", "#D55E00", 0.8)])
    body.append(_text(NAME_W, y + 20, "shade: share of the row; (none): no matching span", fill="#666",
                      extra="font-size='11'"))
    return _svg(int(y + 32), body, "Label confusion between annotators")
