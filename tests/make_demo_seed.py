"""Write seeds/demo-annotations.jsonl: the seed article labelled by annotator-a and annotator-b.

Offsets are found in the article's own text (code points), never counted by hand. Run from the
repository root: python -m tests.make_demo_seed
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "seeds" / "000_2fc31b5072736374.txt"
OUT = ROOT / "seeds" / "demo-annotations.jsonl"

# (label, phrase, which occurrence (0 = first), inside (find the phrase after this one), who)
BOTH = "ab"
SPANS = [
    # agreed by both
    ("ACTOR", "Japan", 0, None, BOTH),
    ("ACTOR", "NATO", 0, None, BOTH),
    ("ACTOR", "Defense Ministry", 0, None, BOTH),
    ("LOCATION", "BRUSSELS", 0, None, BOTH),
    ("ACTOR", "Russia", 1, None, BOTH),
    ("ACTOR", "North Korea", 1, None, BOTH),
    ("ACTOR", "North Atlantic Treaty Organization", 0, None, BOTH),
    ("LOCATION", "Belgium", 1, None, BOTH),
    ("ACTOR", "Nakatani", 1, None, BOTH),
    ("CLAIM", "China and Russia are accelerating the strengthening of their ties, as well as Russia and North Korea",
     0, None, BOTH),
    ("ACTOR", "China", 0, "China and Russia are accelerating", BOTH),
    ("ACTOR", "Russia", 0, "China and Russia are accelerating", BOTH),
    ("ACTOR", "Russia", 1, "China and Russia are accelerating", BOTH),
    ("ACTOR", "North Korea", 0, "China and Russia are accelerating", BOTH),
    ("CLAIM", "this could not only worsen the situation in Ukraine but also pose a serious threat to regional "
     "security surrounding Japan", 0, None, BOTH),
    ("LOCATION", "Ukraine", 0, None, BOTH),
    ("ACTOR", "Nakatani", 0, "Nakatani stressed", BOTH),
    ("ACTOR", "Japan", 0, "Japan needs to advance", BOTH),
    ("ACTOR", "NATO", 0, "Japan needs to advance", BOTH),
    ("ACTOR", "Nakatani", 0, "Nakatani also addressed", BOTH),
    ("LOCATION", "Indo-Pacific region", 0, None, BOTH),
    ("ACTOR", "NATO", 0, "NATO has been strengthening", BOTH),
    ("ACTOR", "Japan", 0, "Japan, South Korea, Australia", BOTH),
    ("ACTOR", "South Korea", 0, None, BOTH),
    ("ACTOR", "Australia", 0, None, BOTH),
    ("ACTOR", "New Zealand", 0, None, BOTH),
    # the label differs
    ("LOCATION", "Japan", 0, "regional security surrounding Japan", "a"),
    ("ACTOR", "Japan", 0, "regional security surrounding Japan", "b"),
    ("LOCATION", "Taiwan", 0, None, "a"),
    ("ACTOR", "Taiwan", 0, None, "b"),
    # the boundaries differ
    ("ACTOR", "Defense Minister Gen Nakatani", 0, None, "a"),
    ("ACTOR", "Gen Nakatani", 0, None, "b"),
    ("CLAIM", "Japan needs to advance security cooperation with NATO", 0, None, "a"),
    ("CLAIM", "Nakatani stressed that Japan needs to advance security cooperation with NATO", 0, None, "b"),
    # one annotator lacks it
    ("CLAIM", "attempts to unilaterally change the status quo through force or coercion are intensifying in the "
     "Indo-Pacific region", 0, None, "a"),
    ("ACTOR", "Prime Minister Shigeru Ishiba", 0, None, "b"),
    ("LOCATION", "Shinjuku Ward, Tokyo", 0, None, "a"),
    ("ACTOR", "Chinese military", 0, None, "b"),
]


def find(text: str, phrase: str, occurrence: int, after: str | None) -> int:
    position = text.index(after) if after else 0
    for _ in range(occurrence + 1):
        position = text.index(phrase, position) + 1
    return position - 1


def demo_record() -> dict:
    """The demonstration record, built from the article's own text."""
    text = ARTICLE.read_bytes().decode("utf-8")
    spans = []
    for label, phrase, occurrence, after, who in SPANS:
        start = find(text, phrase, occurrence, after)
        end = start + len(phrase)
        for letter in who:
            spans.append({"start": start, "end": end, "label": label, "text": text[start:end],
                          "annotator": f"annotator-{letter}", "note": None})
    spans.sort(key=lambda s: (s["annotator"], s["start"], -s["end"], s["label"]))
    return {"id": ARTICLE.stem, "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "source": ARTICLE.name, "spans": spans}


def main() -> None:
    record = demo_record()
    spans = record["spans"]
    OUT.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n")
    print(f"{OUT}: {len(spans)} spans")


if __name__ == "__main__":
    main()
