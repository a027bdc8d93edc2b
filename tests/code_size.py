"""Functions over 60 lines and classes over 300 lines in annotator/ (run it to list them; test_code_size checks)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "annotator"
LIMITS = {"function": 60, "class": 300}


def oversized(root: Path = ROOT) -> list[tuple[str, str, int]]:
    """(kind, "path:qualified.name", lines) of every function and class longer than its limit, docstrings included."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        found += _walk(tree, path.relative_to(root.parent).as_posix(), "")
    return found


def _walk(node: ast.AST, where: str, prefix: str) -> list[tuple[str, str, int]]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            kind = "class" if isinstance(child, ast.ClassDef) else "function"
            name = f"{prefix}{child.name}"
            lines = child.end_lineno - child.lineno + 1
            if lines > LIMITS[kind]:
                found.append((kind, f"{where}:{name}", lines))
            found += _walk(child, where, name + ".")
    return found


if __name__ == "__main__":
    for kind, name, lines in oversized():
        print(f"{lines:5d} lines  {kind:8s} {name}")
    sys.exit(0)
