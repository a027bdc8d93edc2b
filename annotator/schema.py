"""Loads schemas/*.json once, builds one validator per schema, and formats errors as `$.path: message`."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

NAMES = ("article", "span", "labelset", "record", "manifest")


def schemas_dir() -> Path:
    """schemas/ inside an installed wheel, else the source tree's."""
    installed = Path(__file__).parent / "schemas"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "schemas"


@cache
def _registry() -> tuple[Registry, dict[str, dict]]:
    registry: Registry = Registry()
    schemas = {}
    for path in sorted(schemas_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text("utf-8"))
        schemas[path.name.removesuffix(".schema.json")] = schema
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry, schemas


_TYPE_TESTS = {
    "object": "type({v}) is dict",
    "array": "type({v}) is list",
    "string": "type({v}) is str",
    "null": "{v} is None",
    "boolean": "type({v}) is bool",
    "number": "(type({v}) in (int, float))",
    "integer": "(type({v}) is int or (type({v}) is float and {v}.is_integer()))",
}
_GUARDS = {"properties": "dict", "required": "dict", "additionalProperties": "dict", "items": "list",
           "minLength": "str", "maxLength": "str", "pattern": "str", "minItems": "list", "maxItems": "list"}
_GUARD_OF_TYPE = {"object": "dict", "array": "list", "string": "str"}
_ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "examples", "default"}


class Unsupported(Exception):
    """The schema uses a keyword the fast checker does not compile; jsonschema checks it alone."""


class _Compiler:
    """Turns the keyword subset our schemas use into one Python function equal to jsonschema's is_valid.

    jsonschema takes about 45 us a span; the generated code about 1 us. A failing instance is
    re-checked by jsonschema, which stays the reference for every message.
    """

    def __init__(self, schemas_by_file: dict[str, dict]):
        self.schemas_by_file = schemas_by_file
        self.constants: dict[str, object] = {}
        self.counter = 0

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value) -> str:
        name = self.name("c")
        self.constants[name] = value
        return name

    def lines(self, schema: dict, v: str, depth: int) -> tuple[list[str], set[str]]:
        """The statements that return False when `v` fails `schema`, and the properties they evaluate."""
        pad = "    " * depth
        out: list[str] = []
        fails: list[str] = []  # tests of `v` joined by `or` into one statement, in order: the type's test first
        evaluated: set[str] = set()
        unknown = set(schema) - _ANNOTATIONS - set(_GUARDS) - {"$ref", "type", "unevaluatedProperties",
                                                               "minimum", "maximum", "enum", "const"}
        if unknown or schema.get("additionalProperties", False) is not False:
            raise Unsupported(", ".join(sorted(unknown)) or "additionalProperties")
        known = None  # the one Python type `v` has once its "type" passed, when that is a guard's type
        if "$ref" in schema:
            target = self.schemas_by_file[schema["$ref"].split("/")[-1]]
            if "unevaluatedProperties" in schema and {"additionalProperties", "unevaluatedProperties"} & set(target):
                raise Unsupported("$ref")
            body, seen = self.lines(target, v, depth)
            out += body
            evaluated |= seen
            known = _GUARD_OF_TYPE.get(target.get("type")) if isinstance(target.get("type"), str) else None
        numeric = False
        if "type" in schema:
            kinds = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            fails.append("not (" + " or ".join(_TYPE_TESTS[k].format(v=v) for k in kinds) + ")")
            known = _GUARD_OF_TYPE.get(kinds[0]) if len(kinds) == 1 else known
            numeric = all(kind in ("integer", "number") for kind in kinds)
        for key in ("minimum", "maximum"):
            if key in schema:
                op = "<" if key == "minimum" else ">"
                fails.append(f"{'' if numeric else f'type({v}) in (int, float) and '}{v} {op} {schema[key]!r}")
        for key in ("enum", "const"):
            if key in schema:
                values = schema[key] if key == "enum" else [schema[key]]
                fails.append(f"{v} not in {self.constant(values)}")
        guarded_fails, guarded = self.guarded(schema, v, depth, evaluated, known)
        if known:
            fails += guarded_fails.pop(known)
        if schema.get("unevaluatedProperties") is False and known == "dict":
            fails.append(f"not {self.constant(frozenset(evaluated))}.issuperset({v})")
        elif schema.get("unevaluatedProperties") is False:
            guarded_fails["dict"].append(f"not {self.constant(frozenset(evaluated))}.issuperset({v})")
        elif "unevaluatedProperties" in schema:
            raise Unsupported("unevaluatedProperties")
        if fails:
            out.append(f"{pad}if {' or '.join(fails)}: return False")
        out += guarded.pop(known, [])
        for kind, body in guarded.items():
            tests = guarded_fails.get(kind, [])
            if tests or body:
                out.append(f"{pad}if type({v}) is {kind}:")
                out += [f"{pad}    if {' or '.join(tests)}: return False"] if tests else []
                out += body
        return out, evaluated

    def guarded(self, schema: dict, v: str, depth: int, evaluated: set[str], known: str | None
                ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The tests and statements that apply only to a dict, a list or a string, by that type (the statements of
        the `known` type at `depth`, the others a level deeper, under a test of the type); the properties checked
        are added to `evaluated`."""
        fails: dict[str, list[str]] = {"dict": [], "list": [], "str": []}
        for kind, low, high in (("str", "minLength", "maxLength"), ("list", "minItems", "maxItems")):
            if low in schema and high in schema:
                fails[kind].append(f"not {schema[low]} <= len({v}) <= {schema[high]}")
            elif low in schema or high in schema:
                fails[kind].append(f"len({v}) < {schema[low]}" if low in schema else f"len({v}) > {schema[high]}")
        if "pattern" in schema:
            fails["str"].append(f"{self.constant(re.compile(schema['pattern']).search)}({v}) is None")
        required = schema.get("required", [])
        fails["dict"] += [f"{name!r} not in {v}" for name in required]
        if schema.get("additionalProperties") is False:
            fails["dict"].append(f"not {self.constant(frozenset(schema.get('properties', {})))}.issuperset({v})")
        statements: dict[str, list[str]] = {"dict": [], "list": [], "str": []}
        level = depth if known == "dict" else depth + 1
        pad = "    " * level
        for prop, sub in schema.get("properties", {}).items():
            evaluated.add(prop)
            x = self.name("x")
            if prop in required:  # present: tested above
                body, _ = self.lines(sub, x, level)
                statements["dict"] += [f"{pad}{x} = {v}[{prop!r}]", *body] if body else []
                continue
            body, _ = self.lines(sub, x, level + 1)
            statements["dict"] += [f"{pad}if {prop!r} in {v}:", f"{pad}    {x} = {v}[{prop!r}]", *body] if body else []
        if "items" in schema:
            x = self.name("x")
            level = depth if known == "list" else depth + 1
            body, _ = self.lines(schema["items"], x, level + 1)
            statements["list"] += [f"{'    ' * level}for {x} in {v}:", *body] if body else []
        return fails, statements

    def function(self, schema: dict):
        body, _ = self.lines(schema, "v", 1)
        source = "def check(v):\n" + "\n".join(body) + "\n    return True\n"
        namespace = dict(self.constants)
        exec(compile(source, "<schema>", "exec"), namespace)
        return namespace["check"]


@cache
def fast_check(name: str):
    """A quick validity predicate for schema `name` (jsonschema's own when the schema is beyond the subset)."""
    _, schemas = _registry()
    by_file = {s["$id"].split("/")[-1]: s for s in schemas.values()}
    try:
        return _Compiler(by_file).function(schemas[name])
    except Unsupported:
        return validator(name).is_valid


@cache
def validator(name: str) -> Draft202012Validator:
    """The compiled validator for schemas/<name>.schema.json."""
    registry, schemas = _registry()
    if name not in schemas:
        raise KeyError(f"no schema named {name!r} in {schemas_dir()}")
    Draft202012Validator.check_schema(schemas[name])
    return Draft202012Validator(schemas[name], registry=registry)


def json_path(parts) -> str:
    """`$.spans[3].end` from a sequence of keys and indexes."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _short(value, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(error: ValidationError) -> tuple[str, str]:
    """(path, message) for one validation error, with long values cut short."""
    path = json_path(error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return json_path([*error.absolute_path, missing]), "is required"
    if kind == "type":
        return path, f"{_short(error.instance)} is not of type {_short(expected)}"
    if kind in ("additionalProperties", "unevaluatedProperties"):
        extra = re.findall(r"'([^']*)'", error.message)
        return json_path([*error.absolute_path, extra[0]]) if extra else path, "is not an allowed field"
    if kind == "pattern":
        return path, f"{_short(error.instance)} does not match {expected}"
    if kind in ("minimum", "maximum", "minLength", "maxLength", "minItems", "enum"):
        return path, f"{_short(error.instance)} fails {kind} {_short(expected)}"
    return path, error.message if len(error.message) < 160 else error.message[:159] + "…"


def errors(name: str, instance) -> list[tuple[str, str]]:
    """Every (path, message) that makes `instance` invalid against schema `name`, in document order."""
    if fast_check(name)(instance):
        return []
    found = validator(name).iter_errors(instance)
    return [describe(e) for e in sorted(found, key=lambda e: [str(p) for p in e.absolute_path])]
