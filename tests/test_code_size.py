"""No function over 60 lines and no class over 300 lines in annotator/ (the project's style rule)."""

from tests.code_size import LIMITS, oversized


def test_no_function_or_class_over_its_limit():
    found = oversized()
    assert found == [], f"over {LIMITS} lines (run `python tests/code_size.py`): {found}"


def test_the_check_finds_a_long_function(tmp_path):
    package = tmp_path / "annotator"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMITS["function"]))
    (package / "long.py").write_text(f"class Short:\n    def long(self):\n{body.replace('    ', '        ')}\n")
    assert oversized(package) == [("function", "annotator/long.py:Short.long", LIMITS["function"] + 1)]
