"""No function over 60 lines and no class over 300 lines in annotator/ outside gui/ (the project's style rule; the
window's modules, changed by several people at once, are listed by `python tests/code_size.py` but not held to it here)."""

from tests.code_size import LIMITS, oversized


def test_no_function_or_class_over_its_limit_in_the_core():
    found = [item for item in oversized() if not item[1].startswith("annotator/gui/")]
    assert found == [], f"over {LIMITS} lines (run `python tests/code_size.py`): {found}"


def test_the_check_finds_a_long_function(tmp_path):
    package = tmp_path / "annotator"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMITS["function"]))
    (package / "long.py").write_text(f"class Short:\n    def long(self):\n{body.replace('    ', '        ')}\n")
    assert oversized(package) == [("function", "annotator/long.py:Short.long", LIMITS["function"] + 1)]
