"""Planning who labels which article: each article to a chosen number of annotators, loads balanced, pairs spread."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from .errors import InputError, UserError
from .wording import counted


@dataclass
class Plan:
    """Who labels what: (article id, annotator) pairs in corpus order, and the counts that describe them."""

    pairs: list[tuple[str, str]]
    annotators: list[str]
    per_article: int
    left_alone: int = 0  # articles chosen that were assigned already, kept as they were
    loads: Counter = field(default_factory=Counter)  # assignments per annotator in this plan
    shared: Counter = field(default_factory=Counter)  # articles per pair of annotators in this plan

    @property
    def articles(self) -> int:
        return len(self.pairs) // self.per_article if self.per_article else 0

    def summary(self) -> str:
        lines = [f"Assigned {counted(self.articles, 'article')} to {counted(len(self.annotators), 'annotator')}, "
                 f"{self.per_article} each ({counted(len(self.pairs), 'assignment')})"]
        if self.left_alone:
            lines[0] += f"; {counted(self.left_alone, 'article')} already assigned, left as they were"
        lines.append("per annotator: " + ", ".join(f"{name} {self.loads[name]}" for name in self.annotators))
        if self.per_article > 1:
            lines.append("shared (for agreement): " + ", ".join(
                f"{a}+{b} {self.shared[a, b]}" for a, b in combinations(self.annotators, 2)))
        return "\n".join(lines)


def plan(article_ids: list[str], annotators: list[str], per_article: int, *, seed: int = 0,
         loads: dict[str, int] | None = None) -> Plan:
    """Give each article to `per_article` annotators: the least loaded first (counting `loads`, their assignments
    so far), then among equals the one sharing fewest articles with those already chosen, then by the seeded draw."""
    check_team(annotators, per_article)
    rng = random.Random(seed)
    load = Counter({name: (loads or {}).get(name, 0) for name in annotators})
    shared: Counter = Counter()
    result = Plan([], list(annotators), per_article)
    for article_id in article_ids:
        draw = {name: rng.random() for name in annotators}
        chosen: list[str] = []
        for _ in range(per_article):
            name = min((n for n in annotators if n not in chosen),
                       key=lambda n: (load[n], sum(shared[_pair(n, c, annotators)] for c in chosen), draw[n]))
            chosen.append(name)
            load[name] += 1
        for a, b in combinations(chosen, 2):
            shared[_pair(a, b, annotators)] += 1
        result.pairs += [(article_id, name) for name in sorted(chosen, key=annotators.index)]
        result.loads.update(chosen)
    result.shared = shared
    return result


def _pair(a: str, b: str, annotators: list[str]) -> tuple[str, str]:
    return (a, b) if annotators.index(a) < annotators.index(b) else (b, a)


def check_team(annotators: list[str], per_article: int) -> None:
    if not annotators:
        raise UserError("name the annotators: --annotators alice,bob,carol")
    if len(set(annotators)) != len(annotators):
        twice = sorted(n for n, c in Counter(annotators).items() if c > 1)
        raise UserError(f"--annotators names {', '.join(twice)} twice")
    if not 1 <= per_article <= len(annotators):
        raise UserError(f"--per-article {per_article}: must be between 1 and the number of annotators ({len(annotators)})")


def read_article_ids(path: Path, known: set[str]) -> list[str]:
    """Article ids from a file, one a line (blank lines and lines starting with # left out); an id the database
    does not have is refused with its line."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: cannot read it ({e})") from None
    ids: list[str] = []
    for number, line in enumerate(lines, 1):
        article_id = line.strip()
        if not article_id or article_id.startswith("#"):
            continue
        if article_id not in known:
            raise InputError(str(path), number, "", f"no article {article_id!r} in the database")
        ids.append(article_id)
    return list(dict.fromkeys(ids))
