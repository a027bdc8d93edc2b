"""Checks on a canonical record's relations: both ends name spans of the record, of one annotator, allowed by the type."""

from __future__ import annotations

from .errors import InputError
from .model import RelationType


def relation_problems(
    record: dict, types: dict[str, RelationType] | None, file: str, line: int | None, annotator: str | None = None
) -> list[InputError]:
    """One problem per field of `record` (schema-valid) whose relations do not hold together.

    `types` are the relation types to check against (None: types are not checked); `annotator` is whose a span
    without one is (None: such a span matches any annotator).
    """
    spans = record.get("spans", [])
    by_id: dict = {}
    problems = []
    for i, span in enumerate(spans):
        if "id" in span:
            if span["id"] in by_id:
                problems.append(InputError(file, line, f"$.spans[{i}].id", f"{span['id']!r} is already the id of span {by_id[span['id']]}"))
            by_id.setdefault(span["id"], i)
    for i, relation in enumerate(record.get("relations", [])):
        where = f"$.relations[{i}]"
        missing = [end for end in ("from", "to") if relation[end] not in by_id]
        for end in missing:
            problems.append(InputError(file, line, f"{where}.{end}", f"no span of the record has id {relation[end]!r}"))
        if missing:
            continue
        first, second = by_id[relation["from"]], by_id[relation["to"]]
        if first == second:
            problems.append(InputError(file, line, f"{where}.to", f"links span {first} to itself"))
            continue
        owners = {spans[first].get("annotator", annotator), spans[second].get("annotator", annotator),
                  relation.get("annotator")} - {None}
        if len(owners) > 1:
            problems.append(InputError(file, line, f"{where}.annotator",
                                       f"links spans of different annotators ({', '.join(sorted(owners))})"))
        if types is None:
            continue
        relation_type = types.get(relation["type"])
        if relation_type is None:
            known = ", ".join(types) or "none"
            problems.append(InputError(file, line, f"{where}.type", f"unknown relation type {relation['type']!r} (known: {known})"))
        elif why := relation_type.misfit(spans[first]["label"], spans[second]["label"]):
            problems.append(InputError(file, line, f"{where}.type", why))
    return problems
