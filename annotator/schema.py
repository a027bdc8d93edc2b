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
        pad = "    " * depth
        out: list[str] = []
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
        if "type" in schema:
            kinds = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            test = " or ".join(_TYPE_TESTS[k].format(v=v) for k in kinds)
            out.append(f"{pad}if not ({test}): return False")
            known = _GUARD_OF_TYPE.get(kinds[0]) if len(kinds) == 1 else known
            numeric = all(kind in ("integer", "number") for kind in kinds)
        for key in ("minimum", "maximum"):
            if key in schema:
                op = "<" if key == "minimum" else ">"
                numeric_test = "" if "type" in schema and numeric else f"type({v}) in (int, float) and "
                out.append(f"{pad}if {numeric_test}{v} {op} {schema[key]!r}: return False")
        for key in ("enum", "const"):
            if key in schema:
                values = schema[key] if key == "enum" else [schema[key]]
                out.append(f"{pad}if {v} not in {self.constant(values)}: return False")
        guarded = self.guarded(schema, v, depth, evaluated, known)
        for kind, body in guarded.items():
            if body and kind == known:
                out += body
            elif body:
                out += [f"{pad}if type({v}) is {kind}:", *body]
        if schema.get("unevaluatedProperties") is False:
            allowed = self.constant(frozenset(evaluated))
            test = "" if known == "dict" else f"type({v}) is dict and "
            out.append(f"{pad}if {test}not {v}.keys() <= {allowed}: return False")
        elif "unevaluatedProperties" in schema:
            raise Unsupported("unevaluatedProperties")
        return out, evaluated

    def guarded(self, schema: dict, v: str, depth: int, evaluated: set[str], known: str | None) -> dict[str, list[str]]:
        """The checks that apply only to a dict, a list or a string, by that type (those of the `known` type at
        `depth`, the others a level deeper, under a test of the type); the properties checked are added to
        `evaluated`."""
        guarded: dict[str, list[str]] = {"dict": [], "list": [], "str": []}
        pads = {kind: "    " * (depth if kind == known else depth + 1) for kind in guarded}
        if "minLength" in schema:
            guarded["str"].append(f"{pads['str']}if len({v}) < {schema['minLength']}: return False")
        if "maxLength" in schema:
            guarded["str"].append(f"{pads['str']}if len({v}) > {schema['maxLength']}: return False")
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search)
            guarded["str"].append(f"{pads['str']}if {search}({v}) is None: return False")
        if "minItems" in schema:
            guarded["list"].append(f"{pads['list']}if len({v}) < {schema['minItems']}: return False")
        if "maxItems" in schema:
            guarded["list"].append(f"{pads['list']}if len({v}) > {schema['maxItems']}: return False")
        required = schema.get("required", [])
        for name in required:
            guarded["dict"].append(f"{pads['dict']}if {name!r} not in {v}: return False")
        if schema.get("additionalProperties") is False:
            allowed = self.constant(frozenset(schema.get("properties", {})))
            guarded["dict"].append(f"{pads['dict']}if not {v}.keys() <= {allowed}: return False")
        inner = len(pads["dict"]) // 4
        for prop, sub in schema.get("properties", {}).items():
            evaluated.add(prop)
            x = self.name("x")
            if prop in required:  # present: tested just above
                body, _ = self.lines(sub, x, inner)
                if body:
                    guarded["dict"] += [f"{pads['dict']}{x} = {v}[{prop!r}]", *body]
                continue
            body, _ = self.lines(sub, x, inner + 1)
            if body:
                guarded["dict"] += [f"{pads['dict']}if {prop!r} in {v}:", f"{pads['dict']}    {x} = {v}[{prop!r}]", *body]
        if "items" in schema:
            x = self.name("x")
            body, _ = self.lines(schema["items"], x, len(pads["list"]) // 4 + 1)
            if body:
                guarded["list"] += [f"{pads['list']}for {x} in {v}:", *body]
        return guarded

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
